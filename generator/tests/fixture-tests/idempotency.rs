//! Copied by `tests/compile.rs` into the crate generated from `fixtures/idempotency.yaml`, and
//! run there: an operation that declares an `Idempotency-Key` header sends a key on every call,
//! the same one on every attempt, the caller's own when it sets one, and is retried although it
//! is a POST; an operation without one is not.

mod support;

use std::time::Duration;

use fixture_idempotency::{Client, RetryPolicy};
use support::Server;

const CHARGE: &str = r#"{"id": "ch_1", "amount": 500}"#;
const UNAVAILABLE: &str = r#"{}"#;

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(&server.url)
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
        .build()
        .expect("a client")
}

#[tokio::test]
async fn every_attempt_carries_the_same_generated_key() {
    let server = Server::sequence(vec![(503, UNAVAILABLE), (503, UNAVAILABLE), (201, CHARGE)]);
    let charge = client(&server)
        .charges()
        .create_charge(500)
        .send()
        .await
        .expect("the third attempt succeeds");
    assert_eq!(charge.id, "ch_1");
    let seen = server.all();
    assert_eq!(seen.len(), 3, "a POST with a key is retried");
    let keys: Vec<&str> = seen
        .iter()
        .map(|s| s.header("idempotency-key").expect("a key on every attempt"))
        .collect();
    assert_eq!(keys[0].len(), 36, "a UUID: {}", keys[0]);
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");

    // Another call gets another key.
    let again = Server::replying(CHARGE);
    client(&again).charges().create_charge(500).send().await.expect("a charge");
    let other = again.take();
    assert_ne!(other.header("idempotency-key"), Some(keys[0]));
}

#[tokio::test]
async fn the_callers_key_is_sent_as_given() {
    let server = Server::sequence(vec![(503, UNAVAILABLE), (201, CHARGE)]);
    client(&server)
        .charges()
        .create_charge(500)
        .idempotency_key("order-1234")
        .send()
        .await
        .expect("the retry succeeds");
    let seen = server.all();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(request.header("idempotency-key"), Some("order-1234"));
    }
}

#[tokio::test]
async fn a_post_without_a_key_is_not_retried_after_a_server_error() {
    let server = Server::sequence(vec![(503, UNAVAILABLE), (201, r#"{"id": "re_1"}"#)]);
    let error = client(&server)
        .refunds()
        .create_refund("ch_1")
        .send()
        .await
        .expect_err("no retry");
    assert_eq!(error.status(), Some(503));
    let seen = server.all();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].header("idempotency-key"), None);
}
