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

mod callers {
    use super::*;
    use clerk_backend_api::axum::{Caller, Machine, MachineTokens};
    use clerk_backend_api::{Client, RetryPolicy};
    use support::TestServer;

    /// Routes for each extractor, with a verifier that checks JWTs with the test key and
    /// opaque credentials against `server`.
    fn app(server: &TestServer) -> (Router, Value) {
        let cases: Value = serde_json::from_str(&fixture("jwt/cases.json")).expect("cases");
        let client = Client::builder()
            .token("sk_test_instance")
            .base_url(&server.base_url)
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("a client");
        let verifier = Verifier::builder()
            .jwt_key(cases["keys"][0]["pem"].as_str().expect("pem"))
            .client(client)
            .clock(Clock::fixed_at(cases["now"].as_u64().expect("now")))
            .build()
            .expect("a verifier");
        let webhook = Webhook::new(SECRET).expect("a secret");
        let router = Router::new()
            .route(
                "/machine",
                get(|Machine(who): Machine| async move {
                    format!("{} {}", who.token_type(), who.subject())
                }),
            )
            .route(
                "/any",
                get(|caller: Caller| async move {
                    format!("{} {}", caller.token_type(), caller.subject())
                }),
            )
            .route(
                "/machines-only",
                get(|caller: Caller<MachineTokens>| async move { caller.subject().to_owned() }),
            )
            .route(
                "/maybe",
                get(|session: Option<Session>| async move {
                    session.map_or("anonymous".to_owned(), |Session(claims)| claims.sub)
                }),
            )
            .route(
                "/maybe-caller",
                get(|caller: Option<Caller>| async move {
                    caller.map_or("anonymous".to_owned(), |c| c.token_type().to_string())
                }),
            )
            .with_state(State { verifier, webhook });
        (router, cases)
    }

    fn request(path: &str, token: Option<&str>) -> Request<Body> {
        let mut request = Request::get(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.body(Body::empty()).expect("a request")
    }

    const API_KEY: &str = r#"{"object":"api_key","id":"ak_1","type":"api_key","subject":"user_2xK8pQ4mR1","name":"ci","description":null,"claims":null,"scopes":[],"revoked":false,"revocation_reason":null,"expired":false,"expiration":null,"created_by":null,"last_used_at":null,"created_at":1,"updated_at":1}"#;

    #[tokio::test]
    async fn machine_callers_reach_machine_routes_and_sessions_do_not() {
        let server = TestServer::replying(200, API_KEY).await;
        let (router, cases) = app(&server);
        let session = cases["cases"][0]["token"]
            .as_str()
            .expect("a session token");
        let m2m = cases["categories"]["machine"].as_str().expect("an M2M JWT");

        let (status, body) = send(router.clone(), request("/machine", Some("ak_secret"))).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, "api_key user_2xK8pQ4mR1")
        );
        let (status, body) = send(router.clone(), request("/machine", Some(m2m))).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, "m2m_token mch_2xK8pQ4mR1vN7sT3")
        );
        for (path, token) in [
            ("/machine", Some(session)),
            ("/machines-only", Some(session)),
            ("/machine", None),
        ] {
            let (status, body) = send(router.clone(), request(path, token)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
            assert!(body.is_empty());
        }
        let (status, body) = send(router.clone(), request("/any", Some(session))).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, "session_token user_2xK8pQ4mR1vN7sT3")
        );
        // The API was called for the opaque key only.
        assert_eq!(server.requests().len(), 1);
    }

    #[tokio::test]
    async fn optional_extractors_let_anonymous_requests_through() {
        let server = TestServer::replying(404, r#"{"errors":[]}"#).await;
        let (router, cases) = app(&server);
        let session = cases["cases"][0]["token"]
            .as_str()
            .expect("a session token");
        let template = cases["categories"]["template"]
            .as_str()
            .expect("a template token");
        for (path, token, expected) in [
            ("/maybe", None, "anonymous"),
            ("/maybe", Some("not-a-token"), "anonymous"),
            ("/maybe", Some(template), "anonymous"),
            ("/maybe", Some(session), "user_2xK8pQ4mR1vN7sT3"),
            ("/maybe-caller", Some("ak_revoked"), "anonymous"),
            ("/maybe-caller", Some(session), "session_token"),
        ] {
            let (status, body) = send(router.clone(), request(path, token)).await;
            assert_eq!(
                (status, body.as_str()),
                (StatusCode::OK, expected),
                "{path} {token:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_session_extractor_refuses_template_tokens() {
    let (router, cases) = app();
    let template = cases["categories"]["template"]
        .as_str()
        .expect("a template token");
    let (status, _) = send(
        router,
        get_me(Some(("authorization", format!("Bearer {template}")))),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
