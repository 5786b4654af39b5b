//! The `testing` feature as an application uses it: a handler that reads the signed-in user
//! through the client, tested against the typed mock, with a session token the test signer
//! made and the mock's key set verifying it. A call, an error answer, an unexpected request
//! and a call count.

mod support;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::{Request, StatusCode};
use axum::routing::get;
use clerk_backend_api::axum::Session;
use clerk_backend_api::jwt::Verifier;
use clerk_backend_api::testing::{Mock, TestSigner};
use clerk_backend_api::types::User;
use clerk_backend_api::{Client, Error};
use serde_json::json;
use support::fixture;
use tower::ServiceExt;

/// The application under test: its state and its one route.
#[derive(Clone, FromRef)]
struct AppState {
    client: Client,
    verifier: Verifier,
}

/// `GET /me`: the signed-in user's first name, 404 when Clerk has no such user.
async fn me(Session(claims): Session, State(client): State<Client>) -> (StatusCode, String) {
    match client.users().get(claims.sub.as_str()).send().await {
        Ok(user) => (StatusCode::OK, user.first_name.unwrap_or_default()),
        Err(Error::Api(error)) if error.status == 404 => (StatusCode::NOT_FOUND, String::new()),
        Err(error) => (StatusCode::BAD_GATEWAY, error.to_string()),
    }
}

fn app(mock: &Mock) -> Router {
    let client = mock.client();
    let verifier = Verifier::builder()
        .client(client.clone())
        .build()
        .expect("a verifier");
    Router::new()
        .route("/me", get(me))
        .with_state(AppState { client, verifier })
}

async fn get_me(router: Router, token: &str) -> (StatusCode, String) {
    let request = Request::get("/me")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .expect("a request");
    let response = router.oneshot(request).await.expect("a response");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("a body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn user(id: &str, first_name: &str) -> User {
    let mut value: serde_json::Value =
        serde_json::from_str(&fixture("user.json")).expect("the user fixture");
    value["id"] = json!(id);
    value["first_name"] = json!(first_name);
    serde_json::from_value(value).expect("a user")
}

#[tokio::test]
async fn a_signed_in_user_is_read_through_the_mock() {
    let mock = Mock::start().await;
    let signer = TestSigner::new();
    signer.serve_key_set(&mock);
    mock.users()
        .get("user_1")
        .returns(user("user_1", "Ada"))
        .times(1);

    let (status, body) = get_me(app(&mock), &signer.session_token("user_1")).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "Ada"));
    assert_eq!(mock.calls("users.get"), 1);
    let request = mock
        .requests()
        .into_iter()
        .find(|r| r.operation == Some("Users_getUserDetails"))
        .expect("the handler's call");
    assert_eq!(request.path_param("user_id"), Some("user_1"));
    assert_eq!(request.header("authorization"), Some("Bearer test-token"));
    mock.verify();
}

#[tokio::test]
async fn an_error_answer_reaches_the_handler_as_an_api_error() {
    let mock = Mock::start().await;
    let signer = TestSigner::new();
    signer.serve_key_set(&mock);
    let not_found = json!({"errors": [{"code": "resource_not_found", "message": "not found", "long_message": "No user"}]});
    mock.users().get("user_2").fails(404, not_found);

    let (status, _) = get_me(app(&mock), &signer.session_token("user_2")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_forged_token_never_reaches_the_mock() {
    let mock = Mock::start().await;
    TestSigner::new().serve_key_set(&mock);
    let token = TestSigner::new().session_token("user_1");
    // The same claims with the signature of another payload.
    let mut parts: Vec<&str> = token.split('.').collect();
    let other = TestSigner::new().session_token("user_9");
    parts[2] = other.rsplit('.').next().expect("a signature");
    let (status, _) = get_me(app(&mock), &parts.join(".")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(mock.calls("users.get"), 0);
}

#[tokio::test]
async fn an_unexpected_request_and_a_wrong_call_count_fail_verification() {
    let mock = Mock::start().await;
    mock.strict();
    let signer = TestSigner::new();
    signer.serve_key_set(&mock);
    // The handler asks for user_3; the test only stated user_1, twice.
    mock.users()
        .get("user_1")
        .returns(user("user_1", "Ada"))
        .times(2);

    let (status, _) = get_me(app(&mock), &signer.session_token("user_3")).await;
    // Unanswered requests get a 404 that names them.
    assert_eq!(status, StatusCode::NOT_FOUND);
    let unexpected: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| !r.expected)
        .collect();
    assert_eq!(unexpected.len(), 1);
    assert_eq!(unexpected[0].path, "/users/user_3");

    let failure = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| mock.verify()))
        .expect_err("verification fails");
    let message = failure
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains("unexpected request GET /users/user_3 (Users_getUserDetails)"),
        "{message}"
    );
    assert!(
        message.contains("expected 2 time(s) and called 0"),
        "{message}"
    );
    // Dropping the mock would verify again; reset it so the test ends quietly.
    mock.server().reset();
}

#[tokio::test]
async fn a_delay_trips_the_client_timeout() {
    let mock = Mock::start().await;
    mock.users()
        .get("user_1")
        .returns(user("user_1", "Ada"))
        .delay(std::time::Duration::from_millis(400));
    let client = Client::builder()
        .base_url(mock.url())
        .token("t")
        .timeout(std::time::Duration::from_millis(100))
        .retry_policy(clerk_backend_api::RetryPolicy::none())
        .build()
        .expect("a client");
    let error = client
        .users()
        .get("user_1")
        .send()
        .await
        .expect_err("a timeout");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}
