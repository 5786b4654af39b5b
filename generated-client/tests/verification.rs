//! The request path as `@clerk/backend` walks it: token categories on requests, and key-set
//! outages that cost one fetch per interval, whatever the number of concurrent verifications.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use clerk_backend_api::jwt::{Reason, Verifier};
use clerk_backend_api::verify::Clock;
use clerk_backend_api::{Client, RetryPolicy};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;
use support::{Reply, TestServer, fixture};

fn cases() -> Value {
    serde_json::from_str(&fixture("jwt/cases.json")).expect("cases.json")
}

fn now(cases: &Value) -> u64 {
    cases["now"].as_u64().expect("now")
}

fn bearer(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}")).expect("a header"),
    );
    headers
}

fn pem_verifier(cases: &Value, templates: bool) -> Verifier {
    Verifier::builder()
        .jwt_key(cases["keys"][0]["pem"].as_str().expect("pem"))
        .clock(Clock::fixed_at(now(cases)))
        .template_tokens_in_requests(templates)
        .build()
        .expect("a verifier")
}

#[tokio::test]
async fn the_request_path_refuses_template_and_machine_tokens_by_default() {
    let cases = cases();
    let verifier = pem_verifier(&cases, false);
    let template = cases["categories"]["template"].as_str().expect("a token");
    let machine = cases["categories"]["machine"].as_str().expect("a token");
    let ignore = cases["categories"]["ignore"].as_str().expect("a token");
    let session = cases["cases"][0]["token"].as_str().expect("a token");

    // An explicit token of the template category still verifies.
    verifier
        .verify(template)
        .await
        .expect("an explicit template token");
    let reason = |result: Result<_, clerk_backend_api::jwt::TokenError>| {
        result.map(|_| ()).map_err(|e| e.reason)
    };
    assert_eq!(
        reason(verifier.verify_request(&bearer(template)).await),
        Err(Reason::TokenTypeMismatch)
    );
    assert_eq!(
        reason(verifier.verify_request(&bearer(machine)).await),
        Err(Reason::TokenTypeMismatch)
    );
    assert_eq!(
        reason(verifier.verify_request(&bearer(session)).await),
        Ok(())
    );
    assert_eq!(
        reason(verifier.verify_request(&bearer(ignore)).await),
        Ok(()),
        "the category that carries no class passes"
    );
    let mut cookie = HeaderMap::new();
    cookie.insert(
        "cookie",
        HeaderValue::from_str(&format!("__session={template}")).expect("a header"),
    );
    assert_eq!(
        reason(verifier.verify_request(&cookie).await),
        Err(Reason::TokenTypeMismatch),
        "from a cookie too"
    );

    // Opting in lets template tokens through on requests, never machine tokens.
    let lenient = pem_verifier(&cases, true);
    assert_eq!(
        reason(lenient.verify_request(&bearer(template)).await),
        Ok(())
    );
    assert_eq!(
        reason(lenient.verify_request(&bearer(machine)).await),
        Err(Reason::TokenTypeMismatch)
    );
}

/// A clock the test moves.
fn movable(start: u64) -> (Arc<AtomicU64>, Clock) {
    let now = Arc::new(AtomicU64::new(start));
    let read = Arc::clone(&now);
    (
        now,
        Clock::from_fn(move || UNIX_EPOCH + Duration::from_secs(read.load(Ordering::SeqCst))),
    )
}

fn jwks_verifier(base_url: &str, clock: Clock, timeout: Duration) -> Verifier {
    let client = Client::builder()
        .token("sk_test_jwks")
        .base_url(base_url)
        .timeout(timeout)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client");
    Verifier::builder()
        .client(client)
        .clock(clock)
        .jwks_failure_interval(Duration::from_secs(5))
        .build()
        .expect("a verifier")
}

fn key_set(cases: &Value) -> String {
    serde_json::json!({ "keys": [cases["keys"][0]["jwk"]] }).to_string()
}

/// `count` verifications of `token` at once; the reasons of those that failed.
async fn concurrently(verifier: &Verifier, token: &str, count: usize) -> Vec<Option<Reason>> {
    let mut tasks = Vec::new();
    for _ in 0..count {
        let verifier = verifier.clone();
        let token = token.to_owned();
        tasks.push(tokio::spawn(async move {
            verifier.verify(&token).await.err().map(|e| e.reason)
        }));
    }
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.expect("the task"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_costs_one_fetch_per_interval_and_recovery_is_automatic() {
    let cases = cases();
    let token = cases["by_kid"]["ins_test_a"].as_str().expect("a token");
    // Two failures, then the key set answers again.
    let server = TestServer::start(vec![
        Reply::json(500, r#"{"errors":[]}"#),
        Reply::json(500, r#"{"errors":[]}"#),
        Reply::json(200, key_set(&cases)),
    ])
    .await;
    let (clock_now, clock) = movable(now(&cases));
    let verifier = jwks_verifier(&server.base_url, clock, Duration::from_secs(10));

    let first = concurrently(&verifier, token, 60).await;
    assert!(
        first
            .iter()
            .all(|r| *r == Some(Reason::JwkRemoteFailedToLoad)),
        "{first:?}"
    );
    assert_eq!(
        server.requests().len(),
        1,
        "sixty waiters share one failed fetch"
    );

    // Within the failure interval, nothing is fetched.
    clock_now.fetch_add(4, Ordering::SeqCst);
    let again = concurrently(&verifier, token, 60).await;
    assert!(
        again
            .iter()
            .all(|r| *r == Some(Reason::JwkRemoteFailedToLoad))
    );
    assert_eq!(server.requests().len(), 1, "the failure is remembered");

    // After it, one fetch (which fails again), then one more after the next interval.
    clock_now.fetch_add(2, Ordering::SeqCst);
    concurrently(&verifier, token, 60).await;
    assert_eq!(server.requests().len(), 2);
    clock_now.fetch_add(6, Ordering::SeqCst);
    let recovered = concurrently(&verifier, token, 60).await;
    assert!(recovered.iter().all(Option::is_none), "{recovered:?}");
    assert_eq!(server.requests().len(), 3, "recovered with one fetch");
    assert_eq!(verifier.jwks_fetches(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_key_set_endpoint_is_waited_for_once() {
    let cases = cases();
    let token = cases["by_kid"]["ins_test_a"].as_str().expect("a token");
    let server = TestServer::start(vec![
        Reply::json(200, key_set(&cases)).after(Duration::from_secs(30)),
        Reply::json(200, key_set(&cases)),
    ])
    .await;
    let (clock_now, clock) = movable(now(&cases));
    let verifier = jwks_verifier(&server.base_url, clock, Duration::from_millis(300));
    let results = concurrently(&verifier, token, 50).await;
    assert!(
        results
            .iter()
            .all(|r| *r == Some(Reason::JwkRemoteFailedToLoad)),
        "{results:?}"
    );
    assert_eq!(
        server.requests().len(),
        1,
        "fifty verifications waited for one timed-out fetch, not one each"
    );
    clock_now.fetch_add(6, Ordering::SeqCst);
    let recovered = concurrently(&verifier, token, 50).await;
    assert!(recovered.iter().all(Option::is_none), "{recovered:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_is_shared_too() {
    let cases = cases();
    let token = cases["by_kid"]["ins_test_a"].as_str().expect("a token");
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let (_, clock) = movable(now(&cases));
    let verifier = jwks_verifier(
        &format!("http://127.0.0.1:{port}"),
        clock,
        Duration::from_secs(5),
    );
    let results = concurrently(&verifier, token, 50).await;
    assert!(
        results
            .iter()
            .all(|r| *r == Some(Reason::JwkRemoteFailedToLoad)),
        "{results:?}"
    );
    assert_eq!(verifier.jwks_fetches(), 1);
}
