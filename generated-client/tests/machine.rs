//! Machine callers: JWT-format M2M and OAuth tokens signed by an independent implementation
//! (Node's `crypto`), whose outcomes `@clerk/backend` agrees with (`cargo xtask
//! jwt-differential`), and opaque M2M tokens, API keys and OAuth access tokens against a local
//! server that plays the Backend API's verify operations.

mod support;

use std::time::Duration;

use clerk_backend_api::jwt::{Authenticated, Reason, TokenFormat, TokenType, TokenTypes, Verifier};
use clerk_backend_api::verify::Clock;
use clerk_backend_api::{Client, RetryPolicy};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};
use support::{Reply, TestServer, fixture};

fn cases() -> Value {
    serde_json::from_str(&fixture("jwt/cases.json")).expect("cases.json")
}

fn outcome(result: &Result<Authenticated, clerk_backend_api::jwt::TokenError>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(error) => error.reason.as_str().into(),
    }
}

#[tokio::test]
async fn machine_jwts_have_the_outcome_clerk_backend_gives_them() {
    let cases = cases();
    let pem = cases["keys"][0]["pem"].as_str().expect("pem");
    let list = cases["machine_cases"].as_array().expect("machine cases");
    assert!(list.len() >= 10);
    let mut wrong = Vec::new();
    for case in list {
        let audience: Vec<String> = case["options"]["audience"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let verifier = Verifier::builder()
            .jwt_key(pem)
            .clock(Clock::fixed_at(cases["now"].as_u64().expect("now")))
            .audience(audience)
            .build()
            .expect("a verifier");
        let token = case["token"].as_str().expect("a token");
        let result = verifier.authenticate(token, TokenTypes::MACHINE).await;
        let mut actual = outcome(&result);
        if let Ok(who) = &result {
            let (id, format) = match who {
                Authenticated::M2m(token) => (token.id.clone(), token.format),
                Authenticated::OAuth(token) => (token.id.clone(), token.format),
                other => (format!("unexpected {other:?}"), TokenFormat::Opaque),
            };
            let data = json!({"id": id, "subject": who.subject(), "scopes": who.scopes()});
            if who.token_type().as_str() != case["type"] || format != TokenFormat::Jwt {
                actual = format!("ok as {}", who.token_type());
            } else if data != case["data"] {
                actual = format!("ok with {data}");
            }
        }
        if actual != case["expected"].as_str().expect("an outcome") {
            wrong.push(format!(
                "{}: expected {}, got {actual}",
                case["name"], case["expected"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn a_machine_jwt_carries_its_claims_and_expiry() {
    let cases = cases();
    let verifier = Verifier::builder()
        .jwt_key(cases["keys"][0]["pem"].as_str().expect("pem"))
        .clock(Clock::fixed_at(cases["now"].as_u64().expect("now")))
        .build()
        .expect("a verifier");
    let token = cases["categories"]["machine"].as_str().expect("a token");
    let Ok(Authenticated::M2m(m2m)) = verifier.authenticate(token, TokenType::M2mToken).await
    else {
        panic!("an M2M token");
    };
    assert_eq!(m2m.claims.get("tenant"), Some(&json!("t1")));
    assert!(
        !m2m.claims.contains_key("sub"),
        "registered claims are not custom claims"
    );
    let now = cases["now"].as_i64().expect("now");
    assert_eq!(m2m.expiration, Some((now + 3600) * 1000));
    assert_eq!(m2m.created_at, Some((now - 1) * 1000));
}

fn client(server: &TestServer) -> Client {
    Client::builder()
        .token("sk_test_instance")
        .base_url(&server.base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client")
}

fn verifier(server: &TestServer) -> Verifier {
    Verifier::builder()
        .client(client(server))
        .build()
        .expect("a verifier")
}

const T: f64 = 1_753_743_316_590.0;

fn m2m_answer(revoked: bool, expired: bool) -> String {
    json!({
        "object": "machine_to_machine_token", "id": "mt_0123456789abcdef0123456789abcdef",
        "subject": "mch_2xK8pQ4mR1vN7sT3", "scopes": ["mch_billing"], "claims": {"tier": "gold"},
        "revoked": revoked, "revocation_reason": null, "expired": expired,
        "expiration": T + 3_600_000.0, "last_used_at": null, "created_at": T, "updated_at": T
    })
    .to_string()
}

fn api_key_answer() -> String {
    json!({
        "object": "api_key", "id": "ak_0123456789abcdef0123456789abcdef", "type": "api_key",
        "subject": "user_2xK8pQ4mR1", "name": "ci", "description": "deploys", "claims": null,
        "scopes": ["deploy"], "revoked": false, "revocation_reason": null, "expired": false,
        "expiration": null, "created_by": "user_2xK8pQ4mR1", "last_used_at": null,
        "created_at": T, "updated_at": T
    })
    .to_string()
}

fn oauth_answer() -> String {
    json!({
        "object": "clerk_idp_oauth_access_token", "id": "oat_0123456789abcdef0123456789abcdef",
        "client_id": "client_1", "subject": "user_2xK8pQ4mR1", "scopes": ["profile"],
        "revoked": false, "revocation_reason": null, "expired": false, "expiration": T,
        "created_at": T, "updated_at": T
    })
    .to_string()
}

#[tokio::test]
async fn opaque_credentials_are_verified_by_their_endpoint() {
    for (token, answer, path, field) in [
        (
            "mt_secret",
            m2m_answer(false, false),
            "/m2m_tokens/verify",
            "token",
        ),
        ("ak_secret", api_key_answer(), "/api_keys/verify", "secret"),
        (
            "oat_secret",
            oauth_answer(),
            "/oauth_applications/access_tokens/verify",
            "access_token",
        ),
    ] {
        let server = TestServer::replying(200, &answer).await;
        let who = verifier(&server)
            .authenticate(token, TokenTypes::MACHINE)
            .await
            .unwrap_or_else(|e| panic!("{token}: {e}"));
        let request = server.only_request();
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", path)
        );
        assert_eq!(request.json(), json!({ field: token }));
        assert_eq!(
            request.header("authorization"),
            Some("Bearer sk_test_instance")
        );
        match who {
            Authenticated::M2m(m2m) => {
                assert_eq!(
                    (m2m.subject.as_str(), m2m.format),
                    ("mch_2xK8pQ4mR1vN7sT3", TokenFormat::Opaque)
                );
                assert_eq!(m2m.scopes, ["mch_billing"]);
                assert_eq!(m2m.claims.get("tier"), Some(&json!("gold")));
                assert_eq!(m2m.expiration, Some(1_753_746_916_590));
            }
            Authenticated::ApiKey(key) => {
                assert_eq!(
                    (key.name.as_str(), key.subject.as_str()),
                    ("ci", "user_2xK8pQ4mR1")
                );
                assert_eq!(key.scopes, ["deploy"]);
                assert_eq!(key.expiration, None);
            }
            Authenticated::OAuth(oauth) => {
                assert_eq!(
                    (oauth.client_id.as_str(), oauth.subject.as_str()),
                    ("client_1", "user_2xK8pQ4mR1")
                );
            }
            other => panic!("{token}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_machine_secret_key_authorizes_m2m_verification() {
    let server = TestServer::replying(200, &m2m_answer(false, false)).await;
    let verifier = Verifier::builder()
        .client(client(&server))
        .machine_secret_key("ak_machine_secret")
        .build()
        .expect("a verifier");
    verifier
        .authenticate("mt_secret", TokenType::M2mToken)
        .await
        .expect("verified");
    assert_eq!(
        server.only_request().header("authorization"),
        Some("Bearer ak_machine_secret")
    );
}

#[tokio::test]
async fn refusals_have_clerk_backends_codes() {
    for (status, body, reason) in [
        (200, m2m_answer(true, false), Reason::TokenInvalid),
        (200, m2m_answer(false, true), Reason::TokenExpired),
        (
            404,
            r#"{"errors":[{"code":"resource_not_found","message":"not found"}]}"#.to_owned(),
            Reason::TokenInvalid,
        ),
        (
            401,
            r#"{"errors":[{"code":"authentication_invalid","message":"invalid"}]}"#.to_owned(),
            Reason::SecretKeyInvalid,
        ),
        (500, r#"{"errors":[]}"#.to_owned(), Reason::UnexpectedError),
    ] {
        let server = TestServer::replying(status, &body).await;
        let result = verifier(&server)
            .authenticate("mt_secret", TokenTypes::MACHINE)
            .await;
        assert_eq!(
            result.map(|_| ()).map_err(|e| e.reason),
            Err(reason),
            "status {status}: {body}"
        );
    }
}

#[tokio::test]
async fn a_type_that_is_not_accepted_is_refused_without_a_call() {
    let server = TestServer::replying(200, &api_key_answer()).await;
    let verifier = verifier(&server);
    for (token, accepts) in [
        ("ak_secret", TokenTypes::from(TokenType::M2mToken)),
        ("mt_secret", TokenTypes::SESSION),
        (
            "oat_secret",
            TokenTypes::from([TokenType::ApiKey, TokenType::SessionToken]),
        ),
    ] {
        let result = verifier.authenticate(token, accepts).await;
        assert_eq!(
            result.map(|_| ()).map_err(|e| e.reason),
            Err(Reason::TokenTypeMismatch),
            "{token}"
        );
    }
    let cases = cases();
    let session = cases["cases"][0]["token"]
        .as_str()
        .expect("a session token");
    let result = verifier.authenticate(session, TokenTypes::MACHINE).await;
    assert_eq!(
        result.map(|_| ()).map_err(|e| e.reason),
        Err(Reason::TokenTypeMismatch)
    );
    assert!(server.requests().is_empty(), "no call for a refused type");
}

#[tokio::test]
async fn successful_opaque_verifications_are_cached_only_when_asked() {
    let server = TestServer::replying(200, &api_key_answer()).await;
    let uncached = verifier(&server);
    for _ in 0..3 {
        uncached
            .authenticate("ak_secret", TokenType::ApiKey)
            .await
            .expect("verified");
    }
    assert_eq!(
        server.requests().len(),
        3,
        "every verification calls the API by default"
    );

    let server = TestServer::replying(200, &api_key_answer()).await;
    let cached = Verifier::builder()
        .client(client(&server))
        .machine_cache(Duration::from_secs(30), 100)
        .build()
        .expect("a verifier");
    for _ in 0..3 {
        cached
            .authenticate("ak_secret", TokenType::ApiKey)
            .await
            .expect("verified");
    }
    assert_eq!(server.requests().len(), 1, "answered from the cache");
    cached
        .authenticate("ak_other", TokenType::ApiKey)
        .await
        .expect("verified");
    assert_eq!(
        server.requests().len(),
        2,
        "another credential is another entry"
    );
    // A failed verification is never cached.
    let server = TestServer::start(vec![
        Reply::json(404, r#"{"errors":[]}"#),
        Reply::json(200, api_key_answer()),
    ])
    .await;
    let cached = Verifier::builder()
        .client(client(&server))
        .machine_cache(Duration::from_secs(30), 100)
        .build()
        .expect("a verifier");
    assert!(
        cached
            .authenticate("ak_new", TokenType::ApiKey)
            .await
            .is_err()
    );
    cached
        .authenticate("ak_new", TokenType::ApiKey)
        .await
        .expect("verified on retry");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn requests_carry_machine_credentials_in_the_header_only() {
    let server = TestServer::replying(200, &api_key_answer()).await;
    let verifier = verifier(&server);
    let mut header = HeaderMap::new();
    header.insert(
        "authorization",
        HeaderValue::from_static("Bearer ak_secret"),
    );
    let who = verifier
        .authenticate_request(&header, TokenTypes::ANY)
        .await
        .expect("an API key");
    assert_eq!(who.token_type(), TokenType::ApiKey);

    let mut cookie = HeaderMap::new();
    cookie.insert("cookie", HeaderValue::from_static("__session=ak_secret"));
    let refused = verifier
        .authenticate_request(&cookie, TokenTypes::ANY)
        .await;
    assert_eq!(
        refused.map(|_| ()).map_err(|e| e.reason),
        Err(Reason::TokenTypeMismatch)
    );
    let none = verifier
        .authenticate_request(&HeaderMap::new(), TokenTypes::ANY)
        .await;
    assert_eq!(
        none.map(|_| ()).map_err(|e| e.reason),
        Err(Reason::TokenInvalid)
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn opaque_credentials_need_a_client() {
    let cases = cases();
    let verifier = Verifier::builder()
        .jwt_key(cases["keys"][0]["pem"].as_str().expect("pem"))
        .build()
        .expect("a verifier");
    let result = verifier
        .authenticate("mt_secret", TokenTypes::MACHINE)
        .await;
    assert_eq!(
        result.map(|_| ()).map_err(|e| e.reason),
        Err(Reason::SecretKeyInvalid)
    );
}
