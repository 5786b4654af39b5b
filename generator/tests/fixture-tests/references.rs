//! Copied by `tests/compile.rs` into the crate generated from `fixtures/references.yaml`, and
//! run there: a parameter referenced by a percent-encoded pointer into `paths` is sent as the
//! one it copies, a schema referenced inside a request body is one type shared with the
//! response, and a response whose media type is a `$ref` decodes.

mod support;

use fixture_references::Client;
use fixture_references::types::{CreatePetRequestOwner, JobState, Pet};
use support::Server;

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(&server.url)
        .build()
        .expect("a client")
}

#[tokio::test]
async fn a_copied_parameter_is_sent_as_the_one_it_copies() {
    let server = Server::replying(r#"{"id":"j1","state":"running"}"#);
    let job = client(&server)
        .jobs()
        .get_latest_job("env 1")
        .verbose(true)
        .send()
        .await
        .expect("the latest job");
    assert_eq!(job.state, JobState::Running);
    let seen = server.take();
    assert_eq!(seen.target, "/env/env%201/job/latest?verbose=true");
}

#[tokio::test]
async fn a_schema_referenced_inside_a_body_is_one_type_with_the_response() {
    let server = Server::replying(
        r#"{"name":"Rex","owner":{"id":"u1","since":2020},"tag":{"label":"good"}}"#,
    );
    let owner = CreatePetRequestOwner {
        id: "u1".into(),
        since: Some(2020),
    };
    let pet: Pet = client(&server)
        .pets()
        .create_pet("Rex")
        .owner(owner.clone())
        .send()
        .await
        .expect("the pet");
    // The same type goes out in the body and comes back in the response.
    assert_eq!(pet.owner, owner);
    assert_eq!(pet.tag.label, "good");
    let seen = server.take();
    let body: serde_json::Value = serde_json::from_slice(&seen.body).expect("a JSON body");
    assert_eq!(body["owner"]["id"], "u1");
}

#[tokio::test]
async fn an_item_schema_referenced_by_pointer_decodes_as_its_own_type() {
    let server = Server::replying(r#"{"id":"e1","job":{"id":"j1","state":"done"}}"#);
    let event = client(&server)
        .events()
        .first_event()
        .send()
        .await
        .expect("the first event");
    assert_eq!(event.id, "e1");
    assert_eq!(event.job.map(|job| job.state), Some(JobState::Done));
}
