//! Session-token verification on tokens signed by an independent implementation (Node's
//! `crypto`, `fixtures/jwt/make-cases.mjs`), whose expected outcomes `@clerk/backend` itself
//! agrees with (`cargo xtask jwt-differential`), and the key-set cache against a local server.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use clerk_backend_api::jwt::{Reason, TokenCarrier, Verifier, token_from_headers};
use clerk_backend_api::verify::Clock;
use clerk_backend_api::{Client, RetryPolicy};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;
use support::{Reply, TestServer, fixture};

fn cases() -> Value {
    serde_json::from_str(&fixture("jwt/cases.json")).expect("cases.json")
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn outcome(result: Result<impl Sized, clerk_backend_api::jwt::TokenError>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(error) => error.reason.as_str().into(),
    }
}

#[tokio::test]
async fn every_case_has_the_outcome_clerk_backend_gives_it() {
    let cases = cases();
    let now = cases["now"].as_u64().expect("now");
    let pem = cases["keys"][0]["pem"].as_str().expect("a PEM key");
    let list = cases["cases"].as_array().expect("cases");
    assert!(list.len() >= 20);
    let mut wrong = Vec::new();
    for case in list {
        let options = &case["options"];
        let mut builder = Verifier::builder()
            .jwt_key(pem)
            .clock(Clock::fixed_at(now))
            .authorized_parties(strings(&options["authorizedParties"]))
            .audience(strings(&options["audience"]));
        if let Some(issuer) = options["issuer"].as_str() {
            builder = builder.issuer(issuer);
        }
        let verifier = builder.build().expect("a verifier");
        let token = case["token"].as_str().expect("a token");
        let actual = outcome(verifier.verify(token).await);
        let expected = case["expected"].as_str().expect("an outcome");
        if actual != expected {
            wrong.push(format!(
                "{}: expected {expected}, got {actual}",
                case["name"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn a_valid_token_gives_its_claims_with_version_2_organization_claims() {
    let cases = cases();
    let verifier = Verifier::builder()
        .jwt_key(cases["keys"][0]["pem"].as_str().expect("pem"))
        .clock(Clock::fixed_at(cases["now"].as_u64().expect("now")))
        .build()
        .expect("a verifier");
    let token = cases["cases"][0]["token"].as_str().expect("a token");
    let claims = verifier.verify(token).await.expect("valid");
    assert_eq!(claims.sub, "user_2xK8pQ4mR1vN7sT3");
    assert_eq!(claims.sid.as_deref(), Some("sess_2xK8pT0aK1"));
    assert_eq!(claims.exp, cases["now"].as_i64().expect("now") + 60);
    let org = claims.organization().expect("an organization");
    assert_eq!(org.role.as_deref(), Some("org:admin"));
    assert!(claims.has_permission("org:dashboard:manage"));
    assert!(claims.has_permission("org:teams:read"));
    assert!(!claims.has_permission("org:teams:manage"));
}

#[test]
fn the_authorization_header_wins_over_the_session_cookie() {
    let mut headers = HeaderMap::new();
    headers.insert(
        "cookie",
        HeaderValue::from_static("a=1; __session=from-cookie"),
    );
    assert_eq!(
        token_from_headers(&headers),
        Some(("from-cookie", TokenCarrier::Cookie))
    );
    headers.insert(
        "authorization",
        HeaderValue::from_static("Bearer from-header"),
    );
    assert_eq!(
        token_from_headers(&headers),
        Some(("from-header", TokenCarrier::Header))
    );
    // As @clerk/backend: a header that holds no token of ours falls back to the cookie.
    for other in ["Basic abc", "Negotiate abc", "", "   ", "Bearer "] {
        headers.insert("authorization", HeaderValue::from_static(other));
        assert_eq!(
            token_from_headers(&headers),
            Some(("from-cookie", TokenCarrier::Cookie)),
            "`Authorization: {other}`"
        );
    }
    headers.remove("cookie");
    headers.insert("authorization", HeaderValue::from_static("Basic abc"));
    assert_eq!(
        token_from_headers(&headers),
        None,
        "no cookie to fall back to"
    );
    headers.insert("authorization", HeaderValue::from_static("bare-token"));
    assert_eq!(
        token_from_headers(&headers),
        Some(("bare-token", TokenCarrier::Header))
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

fn key_set(cases: &Value, indexes: &[usize]) -> String {
    let keys: Vec<&Value> = indexes.iter().map(|i| &cases["keys"][*i]["jwk"]).collect();
    serde_json::json!({ "keys": keys }).to_string()
}

fn verifier(server: &TestServer, clock: Clock, ttl: u64) -> Verifier {
    let client = Client::builder()
        .token("sk_test_jwks")
        .base_url(&server.base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client");
    Verifier::builder()
        .client(client)
        .clock(clock)
        .jwks_ttl(Duration::from_secs(ttl))
        .build()
        .expect("a verifier")
}

fn token<'a>(cases: &'a Value, kid: &str) -> &'a str {
    cases["by_kid"][kid].as_str().expect("a token for the kid")
}

#[tokio::test]
async fn the_key_set_is_cached_for_its_ttl_and_a_hit_does_not_extend_it() {
    let cases = cases();
    let now = cases["now"].as_u64().expect("now");
    let server = TestServer::replying(200, &key_set(&cases, &[0])).await;
    let (clock_now, clock) = movable(now);
    let verifier = verifier(&server, clock, 20);
    let a = token(&cases, "ins_test_a");
    verifier.verify(a).await.expect("fetched and valid");
    clock_now.store(now + 15, Ordering::SeqCst);
    verifier.verify(a).await.expect("from the cache");
    assert_eq!(
        server.requests().len(),
        1,
        "a fresh set is not fetched again"
    );
    clock_now.store(now + 25, Ordering::SeqCst);
    verifier.verify(a).await.expect("fetched again");
    assert_eq!(
        server.requests().len(),
        2,
        "20 s after the fetch the set is stale, although the last hit was 10 s ago"
    );
    let request = server.requests().remove(0);
    assert_eq!(request.path, "/jwks");
    assert_eq!(request.header("authorization"), Some("Bearer sk_test_jwks"));
    assert_eq!(verifier.jwks_fetches(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_kid_refetches_once_for_many_concurrent_verifications() {
    let cases = cases();
    let now = cases["now"].as_u64().expect("now");
    // The first fetch knows key A; the key set then rotates in key B.
    let server = TestServer::start(vec![
        Reply::json(200, key_set(&cases, &[0])),
        Reply::json(200, key_set(&cases, &[0, 1])),
    ])
    .await;
    let (clock_now, clock) = movable(now);
    let verifier = verifier(&server, clock, 300);
    verifier
        .verify(token(&cases, "ins_test_a"))
        .await
        .expect("key A");
    // Within the refetch interval, an unknown kid does not cause a fetch.
    let early = verifier.verify(token(&cases, "ins_test_b")).await;
    assert_eq!(
        early.map(|_| ()).map_err(|e| e.reason),
        Err(Reason::JwkKidMismatch)
    );
    assert_eq!(server.requests().len(), 1);

    clock_now.store(now + 11, Ordering::SeqCst);
    let b = token(&cases, "ins_test_b").to_owned();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let verifier = verifier.clone();
        let b = b.clone();
        tasks.push(tokio::spawn(async move {
            verifier.verify(&b).await.map(|c| c.sub)
        }));
    }
    for task in tasks {
        task.await
            .expect("the task")
            .expect("key B after the rotation");
    }
    assert_eq!(
        server.requests().len(),
        2,
        "one refetch for eight verifications"
    );
}

#[tokio::test]
async fn a_rotated_out_key_stops_verifying_once_the_set_is_refetched() {
    let cases = cases();
    let now = cases["now"].as_u64().expect("now");
    let server = TestServer::start(vec![
        Reply::json(200, key_set(&cases, &[0])),
        Reply::json(200, key_set(&cases, &[1])),
    ])
    .await;
    let (clock_now, clock) = movable(now);
    let verifier = verifier(&server, clock, 20);
    let a = token(&cases, "ins_test_a");
    verifier.verify(a).await.expect("key A");
    clock_now.store(now + 21, Ordering::SeqCst);
    let after = verifier.verify(a).await.map(|_| ()).map_err(|e| e.reason);
    assert_eq!(after, Err(Reason::JwkKidMismatch));
    verifier
        .verify(token(&cases, "ins_test_b"))
        .await
        .expect("key B from the set fetched for A");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn key_set_failures_have_their_reasons() {
    let cases = cases();
    let now = cases["now"].as_u64().expect("now");
    let a = token(&cases, "ins_test_a");
    for (status, body, reason) in [
        (401, r#"{"errors":[]}"#, Reason::SecretKeyInvalid),
        (500, r#"{"errors":[]}"#, Reason::JwkRemoteFailedToLoad),
        (200, r#"{"keys":[]}"#, Reason::JwkRemoteInvalid),
    ] {
        let server = TestServer::replying(status, body).await;
        let verifier = verifier(&server, Clock::fixed_at(now), 300);
        let result = verifier.verify(a).await.map(|_| ()).map_err(|e| e.reason);
        assert_eq!(result, Err(reason), "status {status}, body {body}");
    }
    let neither = Verifier::builder()
        .build()
        .map(|_| ())
        .map_err(|e| e.reason);
    assert_eq!(neither, Err(Reason::JwkFailedToResolve));
    let bad_pem = Verifier::builder()
        .jwt_key("nope")
        .build()
        .map(|_| ())
        .map_err(|e| e.reason);
    assert_eq!(bad_pem, Err(Reason::JwkLocalMissing));
}
