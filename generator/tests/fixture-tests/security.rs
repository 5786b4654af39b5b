//! Copied by `tests/compile.rs` into the crate generated from `fixtures/security.yaml`, and
//! run there: each request sends the credentials its operation asks for (none for a public
//! one, the first alternative whose credentials are set, two headers together, optional ones
//! when set), and OAuth2 client-credentials tokens are fetched, cached, replaced when they
//! expire or are rejected, and their failures reported.

mod support;

use fixture_security::{Client, ClientBuilder, ClientCredentials, Error, SecurityScheme};
use support::Server;

const JOB: &str = r#"{"id": "j1"}"#;
const JOBS: &str = r#"[{"id": "j1"}]"#;

fn builder(server: &Server) -> ClientBuilder {
    Client::builder().base_url(&server.url)
}

#[tokio::test]
async fn a_public_operation_sends_no_credentials_even_when_they_are_set() {
    let server = Server::replying(JOB);
    let client = builder(&server)
        .token("personal")
        .token_for(SecurityScheme::Key, "k1")
        .build()
        .expect("a client");
    client.status().get_status().send().await.expect("the status");
    let seen = server.take();
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(seen.header("x-api-key"), None);
}

#[tokio::test]
async fn the_first_alternative_whose_credentials_are_set_is_sent_alone() {
    let server = Server::replying(JOBS);
    let key_only = builder(&server)
        .token_for(SecurityScheme::Key, "k1")
        .build()
        .expect("a client");
    key_only.jobs().list_jobs().send().await.expect("the jobs");
    let seen = server.take();
    assert_eq!(seen.header("x-api-key"), Some("k1"));
    assert_eq!(seen.header("authorization"), None);

    let both = builder(&server)
        .token("personal")
        .token_for(SecurityScheme::Key, "k1")
        .build()
        .expect("a client");
    both.jobs().list_jobs().send().await.expect("the jobs");
    let seen = server.take();
    assert_eq!(seen.header("authorization"), Some("Bearer personal"));
    assert_eq!(seen.header("x-api-key"), None, "one alternative, not both");
}

#[tokio::test]
async fn schemes_required_together_are_sent_together_or_not_at_all() {
    let server = Server::replying(JOBS);
    let pair = builder(&server)
        .token_for(SecurityScheme::AppId, "app-1")
        .token_for(SecurityScheme::AppSecret, "s3cret")
        .build()
        .expect("a client");
    pair.jobs().list_app_jobs().send().await.expect("the jobs");
    let seen = server.take();
    assert_eq!(seen.header("x-app-id"), Some("app-1"));
    assert_eq!(seen.header("x-app-secret"), Some("s3cret"));

    let half = builder(&server)
        .token_for(SecurityScheme::AppId, "app-1")
        .token("personal")
        .build()
        .expect("a client");
    half.jobs().list_app_jobs().send().await.expect("the jobs");
    let seen = server.take();
    assert_eq!(seen.header("x-app-id"), None, "half a requirement is not sent");
    assert_eq!(
        seen.header("authorization"),
        None,
        "a scheme the operation does not name is not sent"
    );
}

#[tokio::test]
async fn optional_credentials_are_sent_when_set() {
    let server = Server::replying(JOBS);
    let anonymous = builder(&server).build().expect("a client");
    anonymous.jobs().get_feed().send().await.expect("the feed");
    assert_eq!(server.take().query(), "");

    let keyed = builder(&server)
        .token_for(SecurityScheme::QueryKey, "q 1")
        .build()
        .expect("a client");
    keyed.jobs().get_feed().send().await.expect("the feed");
    assert_eq!(server.take().query(), "api_key=q+1");
}

#[tokio::test]
async fn a_requirement_naming_a_scheme_the_client_cannot_send_is_skipped() {
    let server = Server::replying(JOB);
    let client = builder(&server).token("personal").build().expect("a client");
    client.status().get_legacy().send().await.expect("the answer");
    assert_eq!(server.take().header("authorization"), Some("Bearer personal"));
}

#[tokio::test]
async fn a_client_credentials_token_is_fetched_once_and_reused() {
    let server = Server::sequence(vec![
        (200, r#"{"access_token": "t1", "token_type": "Bearer", "expires_in": 3600}"#),
        (200, JOB),
    ]);
    let client = builder(&server)
        .client_credentials(SecurityScheme::Machine, "svc", "p@ss word")
        .build()
        .expect("a client");
    let jobs = client.jobs();
    jobs.create_machine_job().send().await.expect("a job");
    jobs.create_machine_job().send().await.expect("a job");
    let seen = server.all();
    assert_eq!(seen.len(), 3, "one token request, two calls: {seen:?}");
    let token = &seen[0];
    assert_eq!(token.method, "POST");
    assert_eq!(token.path(), "/oauth/token", "the spec's relative token URL");
    assert_eq!(
        String::from_utf8_lossy(&token.body),
        "grant_type=client_credentials&scope=jobs%3Awrite"
    );
    // base64("svc:p%40ss%20word"): the ID and secret are form-encoded first (RFC 6749 2.3.1).
    assert_eq!(
        token.header("authorization"),
        Some("Basic c3ZjOnAlNDBzcyUyMHdvcmQ=")
    );
    for call in &seen[1..] {
        assert_eq!(call.path(), "/machine/jobs");
        assert_eq!(call.header("authorization"), Some("Bearer t1"));
    }
}

#[tokio::test]
async fn an_expired_token_is_replaced_before_the_next_call() {
    let server = Server::sequence(vec![
        (200, r#"{"access_token": "t1", "expires_in": 0}"#),
        (200, JOB),
        (200, r#"{"access_token": "t2", "expires_in": "3600"}"#),
        (200, JOB),
        (200, JOB),
    ]);
    let client = builder(&server)
        .client_credentials(SecurityScheme::Machine, "svc", "secret")
        .build()
        .expect("a client");
    for _ in 0..3 {
        client.jobs().create_machine_job().send().await.expect("a job");
    }
    let seen = server.all();
    let bearers: Vec<Option<&str>> = seen
        .iter()
        .filter(|s| s.path() == "/machine/jobs")
        .map(|s| s.header("authorization"))
        .collect();
    assert_eq!(
        bearers,
        [Some("Bearer t1"), Some("Bearer t2"), Some("Bearer t2")]
    );
    assert_eq!(seen.len(), 5);
}

#[tokio::test]
async fn a_rejected_token_is_replaced_and_the_call_sent_once_more() {
    let server = Server::sequence(vec![
        (200, r#"{"access_token": "revoked", "expires_in": 3600}"#),
        (401, r#"{"message": "token revoked"}"#),
        (200, r#"{"access_token": "t2", "expires_in": 3600}"#),
        (200, JOB),
    ]);
    let client = builder(&server)
        .client_credentials(SecurityScheme::Machine, "svc", "secret")
        .build()
        .expect("a client");
    let job = client.jobs().create_machine_job().send().await.expect("a job");
    assert_eq!(job.id, "j1");
    let seen = server.all();
    let paths: Vec<&str> = seen.iter().map(|s| s.path()).collect();
    assert_eq!(paths, ["/oauth/token", "/machine/jobs", "/oauth/token", "/machine/jobs"]);
    assert_eq!(seen[3].header("authorization"), Some("Bearer t2"));

    // A second 401 in a row is the answer.
    let server = Server::sequence(vec![
        (200, r#"{"access_token": "t1"}"#),
        (401, r#"{"message": "no"}"#),
        (200, r#"{"access_token": "t2"}"#),
        (401, r#"{"message": "still no"}"#),
    ]);
    let client = builder(&server)
        .client_credentials(SecurityScheme::Machine, "svc", "secret")
        .build()
        .expect("a client");
    match client.jobs().create_machine_job().send().await {
        Err(Error::Api(api)) => assert_eq!(api.status, 401),
        other => panic!("expected the 401, got {other:?}"),
    }
    assert_eq!(server.all().len(), 4);
}

#[tokio::test]
async fn a_token_endpoint_error_fails_the_call_with_what_the_server_said() {
    let server = Server::answering(
        400,
        r#"{"error": "invalid_client", "error_description": "unknown client"}"#,
    );
    let client = builder(&server)
        .client_credentials(SecurityScheme::Machine, "svc", "wrong")
        .build()
        .expect("a client");
    let error = client
        .jobs()
        .create_machine_job()
        .send()
        .await
        .expect_err("the token request fails");
    let text = error.to_string();
    assert!(matches!(error, Error::Hook { .. }), "{error:?}");
    assert!(text.contains("invalid_client") && text.contains("unknown client"), "{text}");
    assert_eq!(server.all().len(), 1, "the API is not called without a token");
}

#[tokio::test]
async fn a_hand_built_provider_sets_scopes_and_sends_the_secret_in_the_form() {
    let server = Server::sequence(vec![(200, r#"{"access_token": "t9"}"#), (200, JOB)]);
    let provider = ClientCredentials::new(format!("{}/token", server.url), "svc", "secret")
        .scopes(["jobs:read", "jobs:write"])
        .param("audience", "https://jobs.example.com")
        .credentials_in_body();
    let client = builder(&server)
        .credentials_for(SecurityScheme::Machine, provider)
        .build()
        .expect("a client");
    client.jobs().create_machine_job().send().await.expect("a job");
    let seen = server.all();
    assert_eq!(seen[0].path(), "/token");
    assert_eq!(seen[0].header("authorization"), None);
    assert_eq!(
        String::from_utf8_lossy(&seen[0].body),
        "grant_type=client_credentials&scope=jobs%3Aread+jobs%3Awrite&client_id=svc&client_secret=secret&audience=https%3A%2F%2Fjobs.example.com"
    );
    assert_eq!(seen[1].header("authorization"), Some("Bearer t9"));
}

#[tokio::test]
async fn a_scheme_without_a_token_url_cannot_take_client_credentials() {
    let error = Client::builder()
        .client_credentials(SecurityScheme::Bearer, "svc", "secret")
        .build()
        .expect_err("no flow");
    assert!(error.to_string().contains("`bearer`"), "{error}");
}
