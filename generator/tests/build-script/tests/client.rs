//! The client the build script generated, called over 127.0.0.1.

#[path = "../../fixture-tests/support.rs"]
mod support;

use build_script_client::types::{Parcel, Status};
use build_script_client::{Client, Error};

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .token("secret")
        .build()
        .expect("a client")
}

#[tokio::test]
async fn the_generated_client_sends_and_decodes() {
    let server =
        support::Server::replying(r#"{"id": "p_1", "status": "delivered", "weight_grams": 120}"#);
    let parcel: Parcel = client(&server.url)
        .parcels()
        .get_parcel("p_1")
        .send()
        .await
        .expect("the parcel");
    assert_eq!(parcel.id, "p_1");
    assert_eq!(parcel.weight_grams, Some(120));
    let seen = server.take();
    assert_eq!(seen.path(), "/parcels/p_1");
    assert_eq!(seen.header("authorization"), Some("Bearer secret"));
}

#[tokio::test]
async fn query_enums_travel_as_their_wire_values() {
    let server = support::Server::replying(r#"[{"id": "p_2", "status": "in_transit"}]"#);
    let parcels = client(&server.url)
        .parcels()
        .list_parcels()
        .status(Status::InTransit)
        .send()
        .await
        .expect("the parcels");
    assert_eq!(parcels.len(), 1);
    assert_eq!(server.take().query(), "status=in_transit");
}

#[tokio::test]
async fn an_error_status_is_an_api_error() {
    let server = support::Server::answering(404, r#"{"message": "no such parcel"}"#);
    match client(&server.url)
        .parcels()
        .get_parcel("nope")
        .send()
        .await
    {
        Err(Error::Api(error)) => assert_eq!(error.status, 404),
        other => panic!("expected a 404, got {other:?}"),
    }
}
