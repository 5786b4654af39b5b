//! Client behaviour beyond single operations: path encoding, client-side validation, error
//! decoding and credential hygiene.

mod support;

use clerk_backend_api::{Client, Error, Upload};
use support::{Reply, TestServer, fixture};

#[tokio::test]
async fn a_path_injection_attempt_stays_one_segment() {
    let server = TestServer::replying(200, &fixture("user.json")).await;
    server
        .client()
        .users()
        .get("../organizations")
        .send()
        .await
        .expect("a user");
    server
        .client()
        .users()
        .get("a/../b?x=1#y")
        .send()
        .await
        .expect("a user");
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        ["/users/..%2Forganizations", "/users/a%2F..%2Fb%3Fx%3D1%23y"]
    );
}

#[tokio::test]
async fn dot_segments_and_empty_ids_are_rejected_before_sending() {
    let server = TestServer::replying(200, &fixture("user.json")).await;
    for id in ["..", ".", ""] {
        let error = server
            .client()
            .users()
            .delete(id)
            .send()
            .await
            .expect_err("rejected");
        let Error::Validation(problem) = error else {
            panic!("expected a validation error, got {error:?}")
        };
        assert_eq!(problem.input, "user_id");
        assert_eq!(problem.operation, "Users_deleteUserById");
    }
    assert!(server.requests().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn out_of_range_limits_are_rejected_before_sending() {
    let server = TestServer::replying(200, "[]").await;
    for limit in [0, 500] {
        let error = server
            .client()
            .users()
            .list()
            .limit(limit)
            .send()
            .await
            .expect_err("rejected");
        assert!(
            matches!(&error, Error::Validation(p) if p.input == "limit"),
            "{error}"
        );
    }
    let error = server
        .client()
        .users()
        .list()
        .offset(-1)
        .send()
        .await
        .expect_err("rejected");
    assert!(
        matches!(&error, Error::Validation(p) if p.input == "offset"),
        "{error}"
    );
    server
        .client()
        .users()
        .list()
        .limit(499)
        .offset(0)
        .send()
        .await
        .expect("the bounds themselves are valid");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn array_filters_over_one_hundred_items_are_rejected() {
    let server = TestServer::replying(200, "[]").await;
    let ids: Vec<String> = (0..101).map(|i| format!("user_{i}")).collect();
    let error = server
        .client()
        .users()
        .list()
        .user_id(ids.clone())
        .send()
        .await
        .expect_err("rejected");
    assert!(
        error.to_string().contains("101 items given, at most 100"),
        "{error}"
    );
    server
        .client()
        .users()
        .list()
        .user_id(ids.into_iter().take(100))
        .send()
        .await
        .expect("100 are fine");
    assert_eq!(server.requests()[0].query.len(), 100);
}

#[tokio::test]
async fn invalid_organization_slugs_are_rejected() {
    let server = TestServer::replying(200, &fixture("organization.json")).await;
    let error = server
        .client()
        .organizations()
        .create("user_1", "Acme")
        .slug("Acme Inc")
        .send()
        .await
        .expect_err("rejected");
    assert!(
        matches!(&error, Error::Validation(p) if p.input == "slug"),
        "{error}"
    );
    let error = server
        .client()
        .organizations()
        .update("org_1")
        .slug("")
        .send()
        .await
        .expect_err("rejected");
    assert!(
        matches!(&error, Error::Validation(p) if p.input == "slug"),
        "{error}"
    );
    server
        .client()
        .organizations()
        .create("user_1", "Acme")
        .slug("acme-2")
        .send()
        .await
        .expect("a valid slug");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn logos_of_refused_types_or_sizes_are_rejected() {
    let server = TestServer::replying(200, &fixture("organization_with_logo.json")).await;
    let svg = Upload::new(b"<svg/>".to_vec(), "logo.svg", "image/svg+xml");
    let error = server
        .client()
        .organizations()
        .upload_logo("org_1", "user_1", svg)
        .send()
        .await
        .expect_err("rejected");
    assert!(error.to_string().contains("image/svg+xml"), "{error}");
    let huge = Upload::new(vec![0u8; 10 * 1024 * 1024 + 1], "logo.png", "image/png");
    let error = server
        .client()
        .organizations()
        .upload_logo("org_1", "user_1", huge)
        .send()
        .await
        .expect_err("rejected");
    assert!(
        error
            .to_string()
            .contains("over the limit of 10485760 bytes"),
        "{error}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn api_errors_keep_status_body_and_trace_id() {
    let server = TestServer::start(vec![
        Reply::json(404, fixture("clerk_errors.json")).with_header("X-Request-Id", "r1"),
    ])
    .await;
    let error = server
        .client()
        .users()
        .get("user_missing")
        .send()
        .await
        .expect_err("a 404");
    assert_eq!(error.status(), Some(404));
    let api = error.api_error().expect("an API error");
    let body = api.body.as_ref().expect("a decoded error body");
    assert_eq!(body.errors[0].code, "resource_not_found");
    assert_eq!(
        body.errors[0].meta.as_ref().expect("meta")["param_name"],
        "user_id"
    );
    assert_eq!(body.clerk_trace_id.as_deref(), Some("trace_2xKjj9"));
    assert_eq!(
        api.headers.get("x-request-id").map(|v| v.to_str().ok()),
        Some(Some("r1"))
    );
    assert!(
        error
            .to_string()
            .contains("Users_getUserDetails: the API answered 404"),
        "{error}"
    );
}

#[tokio::test]
async fn non_json_error_pages_keep_their_text() {
    let server = TestServer::start(vec![Reply {
        status: 502,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: "<html>Bad gateway</html>".into(),
        delay: std::time::Duration::ZERO,
    }])
    .await;
    let error = server
        .client()
        .sessions()
        .get("sess_1")
        .send()
        .await
        .expect_err("a 502");
    let api = error.api_error().expect("an API error");
    assert_eq!(api.status, 502);
    assert!(api.body.is_none());
    assert_eq!(api.raw_body, "<html>Bad gateway</html>");
}

#[tokio::test]
async fn decode_errors_name_the_operation_and_the_failing_path() {
    let mut user: serde_json::Value = serde_json::from_str(&fixture("user.json")).expect("json");
    user["email_addresses"][0]["created_at"] = "yesterday".into();
    let server = TestServer::replying(200, &user.to_string()).await;
    let error = server
        .client()
        .users()
        .get("user_1")
        .send()
        .await
        .expect_err("a decode error");
    let Error::Decode(decode) = error else {
        panic!("expected a decode error, got {error:?}")
    };
    assert_eq!(decode.operation, "Users_getUserDetails");
    assert_eq!(decode.path, "email_addresses[0].created_at");
    assert!(decode.raw_body.contains("yesterday"));
}

#[test]
fn the_secret_key_never_appears_in_debug_output() {
    let client = Client::builder()
        .token("sk_live_very_secret")
        .build()
        .expect("a client");
    let shown = format!(
        "{client:?} {:?}",
        Client::builder().token("sk_live_very_secret")
    );
    assert!(!shown.contains("very_secret"), "{shown}");
    assert!(shown.contains("<redacted>"));
}

#[test]
fn invalid_base_urls_are_configuration_errors() {
    for url in ["not a url", "ftp://example.com", "/v1"] {
        let error = Client::builder()
            .base_url(url)
            .build()
            .expect_err("rejected");
        assert!(matches!(error, Error::Config(_)), "{url}: {error:?}");
    }
}

#[test]
fn the_default_base_url_comes_from_the_spec() {
    assert_eq!(
        Client::new("sk_test").expect("a valid token").base_url(),
        "https://api.clerk.com/v1"
    );
}

#[test]
fn a_token_that_cannot_be_a_header_fails_at_build_not_at_every_request() {
    let error = Client::builder()
        .token("sk_test\nInjected: yes")
        .build()
        .expect_err("a token with a line break is refused");
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(error.to_string().contains("token"), "{error}");
    assert!(!error.to_string().contains("Injected"), "{error}");
    assert!(matches!(Client::new("sk\r\n"), Err(Error::Config(_))));
}
