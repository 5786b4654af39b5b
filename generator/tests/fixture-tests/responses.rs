//! Copied by `tests/compile.rs` into the crate generated from `fixtures/responses.yaml`, and
//! run there: `send_with_response` reads each declared status into its variant, with the
//! status and headers beside it, an undeclared 2xx into `Other` with its body, and a
//! `default` response as the only one.

mod support;

use fixture_responses::Client;
use fixture_responses::types::JobsSubmitResponse;
use support::Server;

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(&server.url)
        .build()
        .expect("a client")
}

#[tokio::test]
async fn each_status_is_read_into_its_variant_with_status_and_headers() {
    let server = Server::headed(vec![
        (202, "x-request-id: r-202\r\n".into(), r#"{"ticket":"t1"}"#),
        (204, String::new(), ""),
        (299, String::new(), "raw"),
    ]);
    let client = client(&server);
    let queued = client
        .jobs()
        .submit()
        .send_with_response()
        .await
        .expect("queued");
    assert_eq!(queued.status, 202);
    assert_eq!(queued.header("x-request-id"), Some("r-202"));
    let JobsSubmitResponse::Accepted(ticket) = queued.value else {
        panic!("not the 202 variant: {:?}", queued.value);
    };
    assert_eq!(ticket.ticket, "t1");

    let nothing = client
        .jobs()
        .submit()
        .send_with_response()
        .await
        .expect("nothing to do");
    assert_eq!(nothing.status, 204);
    assert!(matches!(nothing.value, JobsSubmitResponse::NoContent));

    let other = client
        .jobs()
        .submit()
        .send_with_response()
        .await
        .expect("an undeclared success");
    assert_eq!(other.status, 299);
    let JobsSubmitResponse::Other { status, body } = other.value else {
        panic!("not the undeclared variant: {:?}", other.value);
    };
    assert_eq!((status, body.as_slice()), (299, b"raw".as_slice()));
}

#[tokio::test]
async fn a_default_response_is_decoded_with_its_status() {
    let server = Server::headed(vec![(201, "etag: \"v1\"\r\n".into(), r#"{"output":"ok"}"#)]);
    let response = client(&server)
        .jobs()
        .get(7)
        .send_with_response()
        .await
        .expect("the job");
    assert_eq!(response.status, 201);
    assert_eq!(response.header("etag"), Some("\"v1\""));
    assert_eq!(response.value.output.as_deref(), Some("ok"));
    assert_eq!(server.take().target, "/jobs/7");
}
