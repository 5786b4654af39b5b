//! The axum extractors in a router: a verified session reaches the handler, anything else is
//! 401 with no detail; a webhook verified over its raw body reaches the handler typed, a
//! tampered one is 400.

mod support;

use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use axum::http::{Request, StatusCode};
use axum::routing::{get, post};
use clerk_backend_api::axum::{Session, VerifiedWebhook};
use clerk_backend_api::jwt::Verifier;
use clerk_backend_api::verify::Clock;
use clerk_backend_api::webhooks::Webhook;
use serde_json::Value;
use support::fixture;
use tower::ServiceExt;

#[derive(Clone, FromRef)]
struct State {
    verifier: Verifier,
    webhook: Webhook,
}

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn app() -> (Router, Value) {
    let cases: Value = serde_json::from_str(&fixture("jwt/cases.json")).expect("cases");
    let now = cases["now"].as_u64().expect("now");
    let verifier = Verifier::builder()
        .jwt_key(cases["keys"][0]["pem"].as_str().expect("pem"))
        .clock(Clock::fixed_at(now))
        .build()
        .expect("a verifier");
    let webhook = Webhook::new(SECRET)
        .expect("a secret")
        .with_clock(Clock::fixed_at(now));
    let router = Router::new()
        .route(
            "/me",
            get(|Session(claims): Session| async move { claims.sub }),
        )
        .route(
            "/webhooks/clerk",
            post(|VerifiedWebhook(message): VerifiedWebhook| async move {
                message.event.name().to_owned()
            }),
        )
        .with_state(State { verifier, webhook });
    (router, cases)
}

async fn send(router: Router, request: Request<Body>) -> (StatusCode, String) {
    let response = router.oneshot(request).await.expect("a response");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("a body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn get_me(header: Option<(&str, String)>) -> Request<Body> {
    let mut request = Request::get("/me");
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    request.body(Body::empty()).expect("a request")
}

#[tokio::test]
async fn a_valid_session_reaches_the_handler_from_the_header_or_the_cookie() {
    let (router, cases) = app();
    let token = cases["cases"][0]["token"].as_str().expect("a token");
    let (status, body) = send(
        router.clone(),
        get_me(Some(("authorization", format!("Bearer {token}")))),
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "user_2xK8pQ4mR1vN7sT3")
    );
    let (status, _) = send(
        router,
        get_me(Some(("cookie", format!("__session={token}")))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn missing_or_invalid_tokens_are_401_without_detail() {
    let (router, cases) = app();
    let expired = cases["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["expected"] == "token-expired")
        .and_then(|c| c["token"].as_str())
        .expect("an expired token");
    for header in [
        None,
        Some(("authorization", "Bearer not-a-token".to_owned())),
        Some(("authorization", format!("Bearer {expired}"))),
    ] {
        let (status, body) = send(router.clone(), get_me(header)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body.is_empty(), "no detail: {body}");
    }
}

#[tokio::test]
async fn a_signed_webhook_reaches_the_handler_typed_and_a_tampered_one_is_400() {
    let (router, cases) = app();
    let now = cases["now"].as_i64().expect("now");
    let user: Value = serde_json::from_str(&fixture("user.json")).expect("a user");
    let body = serde_json::json!({
        "object": "event", "type": "user.updated", "timestamp": now,
        "instance_id": "ins_1", "data": user,
    })
    .to_string();
    let signature = Webhook::new(SECRET)
        .expect("a secret")
        .sign("msg_1", now, body.as_bytes());
    let request = |body: String| {
        Request::post("/webhooks/clerk")
            .header("svix-id", "msg_1")
            .header("svix-timestamp", now.to_string())
            .header("svix-signature", signature.clone())
            .body(Body::from(body))
            .expect("a request")
    };
    let (status, name) = send(router.clone(), request(body.clone())).await;
    assert_eq!((status, name.as_str()), (StatusCode::OK, "user.updated"));
    let (status, detail) = send(router, request(body.replace("ins_1", "ins_2"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(detail.is_empty());
}
