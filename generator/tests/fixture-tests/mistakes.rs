//! Copied by `tests/compile.rs` into the crate generated from `fixtures/mistakes.yaml`, and run
//! there: what the generator read past the document's mistakes reaches the wire as the author
//! meant it. `type: file` is a file part, a bare-name discriminator selects the variant, and a
//! path variable no parameter declares is sent as a string.

mod support;

use fixture_mistakes::types::Animal;
use fixture_mistakes::{Client, Upload};
use support::Server;

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(&server.url)
        .build()
        .expect("a client")
}

#[tokio::test]
async fn a_swagger_file_property_is_sent_as_a_file_part() {
    let server = Server::replying(r#"{"kind":"Cat","lives":9}"#);
    let animal = client(&server)
        .uploads()
        .upload(Upload::new(b"\x89PNG".to_vec(), "cat.png", "image/png"))
        .note("a cat")
        .send()
        .await
        .expect("the animal");
    // The bare discriminator `kind` picked the variant.
    match animal {
        Animal::Cat(cat) => assert_eq!(cat.lives, 9),
        other => panic!("expected a cat, got {other:?}"),
    }
    let seen = server.take();
    let body = String::from_utf8_lossy(&seen.body);
    assert!(
        body.contains("name=\"file\"; filename=\"cat.png\""),
        "a file part: {body}"
    );
    assert!(body.contains("Content-Type: image/png"), "{body}");
    assert!(body.contains("name=\"note\""), "a text part: {body}");
}

#[tokio::test]
async fn an_undeclared_path_variable_is_sent_as_a_string() {
    let server = Server::replying(r#"{"id":"r1"}"#);
    let run = client(&server)
        .jobs()
        .get_run("job 1", 7)
        .send()
        .await
        .expect("the run");
    assert_eq!(run.id.as_deref(), Some("r1"));
    assert_eq!(server.take().target, "/jobs/job%201/runs/7");
}
