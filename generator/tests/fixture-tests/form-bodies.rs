//! Copied by `tests/compile.rs` into the crate generated from `fixtures/form-bodies.yaml`, and
//! run there: form bodies are exactly the `application/x-www-form-urlencoded` encoding of their
//! fields, including the form with no fields and the free-form one.

mod support;

use std::collections::BTreeMap;

use fixture_form_bodies::Client;
use support::Server;

const FORM: &str = "application/x-www-form-urlencoded";

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(&server.url)
        .build()
        .expect("a client")
}

#[tokio::test]
async fn an_empty_form_object_sends_an_empty_form() {
    let server = Server::replying(r#"{"ok":true}"#);
    let done = client(&server)
        .forms()
        .revoke_session("sess_1")
        .send()
        .await
        .expect("revoke");
    assert!(done.ok);
    let seen = server.take();
    assert_eq!((seen.method.as_str(), seen.target.as_str()), ("POST", "/sessions/sess_1/revoke"));
    assert_eq!(seen.header("content-type"), Some(FORM));
    assert_eq!(seen.header("content-length"), Some("0"));
    assert!(seen.body.is_empty());
}

#[tokio::test]
async fn form_fields_are_encoded_in_order() {
    let server = Server::replying(r#"{"ok":true}"#);
    client(&server)
        .forms()
        .create_token("client credentials")
        .scope(["read:a", "write&b"])
        .send()
        .await
        .expect("create");
    let seen = server.take();
    assert_eq!(seen.header("content-type"), Some(FORM));
    assert_eq!(
        String::from_utf8(seen.body).expect("text"),
        "grant_type=client%20credentials&scope=read%3Aa&scope=write%26b"
    );
}

#[tokio::test]
async fn a_free_form_body_takes_a_map() {
    let server = Server::replying(r#"{"ok":true}"#);
    let fields: BTreeMap<String, String> =
        [("a".into(), "1 2".into()), ("b".into(), "x=y".into())].into();
    client(&server)
        .forms()
        .put_metadata()
        .body(fields)
        .send()
        .await
        .expect("put");
    let seen = server.take();
    assert_eq!(seen.header("content-type"), Some(FORM));
    assert_eq!(String::from_utf8(seen.body).expect("text"), "a=1%202&b=x%3Dy");

    client(&server).forms().put_metadata().send().await.expect("no body");
    let seen = server.take();
    assert!(seen.body.is_empty());
    assert_eq!(seen.header("content-type"), None);
}
