//! Responses that send less than the spec promises: members missing or `null` are filled with
//! their zero values and reported, unless decoding is strict; values of the wrong type stay
//! decode errors.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use clerk_backend_api::{Client, Correction, CorrectionKind, Error, RequestOptions};
use support::trace::Trace;
use support::{Reply, TestServer, fixture};

/// A user that lacks `has_image` and `passkeys[0].verification.object`, and holds `null` in
/// the required string `email_addresses[0].email_address`.
fn drifted_user() -> String {
    let mut user: serde_json::Value = serde_json::from_str(&fixture("user.json")).expect("json");
    let fields = user.as_object_mut().expect("an object");
    fields.remove("has_image");
    user["passkeys"][0]["verification"]
        .as_object_mut()
        .expect("a verification")
        .remove("object");
    user["email_addresses"][0]["email_address"] = serde_json::Value::Null;
    user.to_string()
}

const DRIFTED_PATHS: [&str; 3] = [
    "has_image",
    "email_addresses[0].email_address",
    "passkeys[0].verification.object",
];

fn client(server: &TestServer, strict: bool, seen: &Arc<Mutex<Vec<Correction>>>) -> Client {
    let sink = Arc::clone(seen);
    Client::builder()
        .token("sk_test_secret")
        .base_url(&server.base_url)
        .timeout(Duration::from_secs(10))
        .strict(strict)
        .on_correction(move |correction| sink.lock().expect("lock").push(correction.clone()))
        .build()
        .expect("a client")
}

#[tokio::test]
async fn a_user_missing_members_decodes_with_zero_values_and_reports_each_path() {
    let server = TestServer::replying(200, &drifted_user()).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let trace = Trace::default();
    let user = {
        let _guard = trace.capture();
        client(&server, false, &seen)
            .users()
            .get("user_1")
            .send()
            .await
            .expect("the call succeeds")
    };
    assert!(!user.has_image);
    assert_eq!(user.email_addresses[0].email_address, "");
    let verification = user.passkeys[0].verification.as_ref().expect("kept");
    assert_eq!(verification.object, "");
    // Everything that did arrive is kept.
    assert_eq!(user.id, "user_2xK8pQ4mR1vN7sT3");
    assert_eq!(user.passkeys[0].name, "MacBook");

    let seen = seen.lock().expect("lock").clone();
    let paths: Vec<&str> = seen.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, DRIFTED_PATHS);
    let kinds: Vec<CorrectionKind> = seen.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            CorrectionKind::Missing,
            CorrectionKind::Null,
            CorrectionKind::Missing
        ]
    );
    assert!(seen.iter().all(|c| c.operation == "Users_getUserDetails"));
    assert_eq!(
        seen[0].to_string(),
        "Users_getUserDetails: `has_image` was missing; decoded as false"
    );

    let logged = trace.event_field("WARN", "path");
    assert_eq!(logged, DRIFTED_PATHS, "each correction is a WARN event");
}

#[tokio::test]
async fn strict_clients_fail_with_the_first_path() {
    let server = TestServer::replying(200, &drifted_user()).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let error = client(&server, true, &seen)
        .users()
        .get("user_1")
        .send()
        .await
        .expect_err("strict decoding fails");
    let Error::Decode(decode) = error else {
        panic!("expected a decode error, got {error:?}")
    };
    assert_eq!(decode.operation, "Users_getUserDetails");
    assert_eq!(decode.path, "has_image");
    assert!(
        decode
            .source
            .to_string()
            .contains("missing field `has_image`"),
        "{}",
        decode.source
    );
    assert!(
        seen.lock().expect("lock").is_empty(),
        "nothing is corrected"
    );
}

#[tokio::test]
async fn strictness_can_be_set_per_request_both_ways() {
    let server = TestServer::replying(200, &drifted_user()).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let lenient = client(&server, false, &seen);
    let error = lenient
        .users()
        .get("user_1")
        .with_options(RequestOptions::new().strict(true))
        .send()
        .await
        .expect_err("strict for this request");
    assert!(
        matches!(&error, Error::Decode(d) if d.path == "has_image"),
        "{error:?}"
    );

    let strict = client(&server, true, &seen);
    strict
        .users()
        .get("user_1")
        .with_options(RequestOptions::new().strict(false))
        .send()
        .await
        .expect("lenient for this request");
    assert_eq!(seen.lock().expect("lock").len(), DRIFTED_PATHS.len());
}

#[tokio::test]
async fn a_value_of_the_wrong_type_stays_a_decode_error() {
    let mut user: serde_json::Value = serde_json::from_str(&drifted_user()).expect("json");
    user["passkeys"][0]["last_used_at"] = "yesterday".into();
    let server = TestServer::replying(200, &user.to_string()).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let error = client(&server, false, &seen)
        .users()
        .get("user_1")
        .send()
        .await
        .expect_err("a wrong type is not missing");
    let Error::Decode(decode) = error else {
        panic!("expected a decode error, got {error:?}")
    };
    assert_eq!(decode.path, "passkeys[0].last_used_at");
    assert!(
        seen.lock().expect("lock").is_empty(),
        "no correction is reported for a failure"
    );
}

#[tokio::test]
async fn list_items_are_corrected_with_their_index() {
    let server = TestServer::replying(
        200,
        &format!("[{}, {}]", fixture("user.json"), drifted_user()),
    )
    .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let users = client(&server, false, &seen)
        .users()
        .list()
        .send()
        .await
        .expect("the call succeeds");
    assert_eq!(users.len(), 2);
    let paths: Vec<String> = seen
        .lock()
        .expect("lock")
        .iter()
        .map(|c| c.path.clone())
        .collect();
    let expected: Vec<String> = DRIFTED_PATHS.iter().map(|p| format!("[1].{p}")).collect();
    assert_eq!(paths, expected);
}

#[tokio::test]
async fn an_empty_body_is_a_missing_value_and_decodes_as_its_zero() {
    let server = TestServer::start(vec![Reply::json(200, "")]).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keys = client(&server, false, &seen)
        .jwks()
        .get()
        .send()
        .await
        .expect("an empty key set");
    assert_eq!(keys.keys, None);
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].path.as_str(), seen[0].kind),
        (".", CorrectionKind::Missing)
    );
    let error = client(&server, true, &seen_none())
        .jwks()
        .get()
        .send()
        .await
        .expect_err("strict");
    assert!(
        matches!(&error, Error::Decode(d) if d.path == "."),
        "{error:?}"
    );
}

fn seen_none() -> Arc<Mutex<Vec<Correction>>> {
    Arc::new(Mutex::new(Vec::new()))
}

#[tokio::test]
async fn error_bodies_missing_members_still_give_their_codes() {
    let body =
        r#"{"errors":[{"code":"resource_not_found","message":"not found"}],"clerk_trace_id":"t1"}"#;
    let server = TestServer::start(vec![Reply::json(404, body)]).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let error = client(&server, false, &seen)
        .users()
        .get("user_1")
        .send()
        .await
        .expect_err("a 404");
    assert_eq!(error.codes(), ["resource_not_found"]);
    let paths: Vec<String> = seen
        .lock()
        .expect("lock")
        .iter()
        .map(|c| c.path.clone())
        .collect();
    assert_eq!(paths, ["errors[0].long_message"]);
}
