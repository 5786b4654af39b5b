//! Testing a service against the typed mock (feature `testing`): a route that greets the
//! signed-in user by the first name Clerk has for them, driven end to end with a session token
//! from the test signer, the mock serving the key set and the user.
//!
//! ```text
//! cargo run -p clerk-backend-api --features testing,jwt,axum --example testing
//! ```
//!
//! The same code belongs in a `#[tokio::test]`; `tests/testing.rs` has such tests.

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::Request;
use axum::routing::get;
use clerk_backend_api::axum::Session;
use clerk_backend_api::jwt::Verifier;
use clerk_backend_api::testing::{Mock, TestSigner};
use clerk_backend_api::{Client, Error};
use tower::ServiceExt;

#[derive(Clone, FromRef)]
struct AppState {
    client: Client,
    verifier: Verifier,
}

/// The route under test.
async fn hello(Session(claims): Session, State(client): State<Client>) -> String {
    match client.users().get(claims.sub.as_str()).send().await {
        Ok(user) => format!("hello, {}", user.first_name.unwrap_or_default()),
        Err(Error::Api(error)) => format!("Clerk answered {}", error.status),
        Err(error) => format!("no answer: {error}"),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The mock: the key set the verifier fetches, and the user the route reads.
    let mock = Mock::start().await;
    let signer = TestSigner::new();
    signer.serve_key_set(&mock);
    // Only the fields the route reads; the client fills in the rest as it would for Clerk.
    let user = serde_json::json!({"id": "user_1", "first_name": "Ada"});
    mock.users().get("user_1").returns_json(user).times(1);

    // The service, configured as in production but pointed at the mock.
    let client = mock.client();
    let verifier = Verifier::builder().client(client.clone()).build()?;
    let app = Router::new()
        .route("/hello", get(hello))
        .with_state(AppState { client, verifier });

    let request = Request::get("/hello")
        .header(
            "authorization",
            format!("Bearer {}", signer.session_token("user_1")),
        )
        .body(Body::empty())?;
    let response = app.oneshot(request).await?;
    let body = axum::body::to_bytes(response.into_body(), 1 << 16).await?;
    println!("{}", String::from_utf8_lossy(&body));
    println!("users.get was called {} time(s)", mock.calls("users.get"));
    // Dropping the mock checks that `times(1)` held.
    Ok(())
}
