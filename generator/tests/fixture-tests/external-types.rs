//! Copied by `tests/compile.rs` into the crate generated from `fixtures/external-types.yaml`,
//! and run there: the document's type table maps `date-time` to `chrono::DateTime<Utc>` and
//! `ipv4` to `std::net::Ipv4Addr`, and values of those types travel in RFC 3339 and as text
//! in every place a parameter can go, in bodies, and back in responses.

mod support;

use chrono::{DateTime, TimeZone, Utc};
use fixture_external_types::Client;
use support::Server;

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(&server.url)
        .build()
        .expect("a client")
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, day, hour, 30, 0)
        .single()
        .expect("a valid time")
}

#[tokio::test]
async fn timestamps_go_out_in_rfc_3339_in_queries_and_headers() {
    let server = Server::replying(
        r#"[{"id":7,"starts_at":"2024-05-01T12:30:00Z","ends_at":null,"source":"10.0.0.1","reminders":["2024-05-01T11:30:00+00:00"]}]"#,
    );
    let events = client(&server)
        .events()
        .list_events(at(1, 12))
        .until(at(2, 8))
        .on(vec![at(3, 0), at(4, 0)])
        .from(std::net::Ipv4Addr::new(10, 0, 0, 1))
        .x_as_of(at(1, 9))
        .send()
        .await
        .expect("the events");
    let seen = server.take();
    assert_eq!(
        seen.query(),
        "since=2024-05-01T12%3A30%3A00Z&until=2024-05-02T08%3A30%3A00Z\
         &on=2024-05-03T00%3A30%3A00Z&on=2024-05-04T00%3A30%3A00Z&from=10.0.0.1"
    );
    assert_eq!(seen.header("x-as-of"), Some("2024-05-01T09:30:00Z"));
    // The response decodes into the same types, whatever offset notation the server used.
    let event = &events[0];
    assert_eq!(event.id, 7_i64);
    assert_eq!(event.starts_at, at(1, 12));
    assert_eq!(event.ends_at, None);
    assert_eq!(event.source, Some(std::net::Ipv4Addr::new(10, 0, 0, 1)));
    assert_eq!(event.reminders.as_deref(), Some(&[at(1, 11)][..]));
}

#[tokio::test]
async fn a_timestamp_in_a_path_and_a_bare_timestamp_response() {
    let server = Server::replying(r#""2024-05-01T12:30:00Z""#);
    let read = client(&server)
        .events()
        .get_event_at(at(6, 23))
        .send()
        .await
        .expect("the time");
    assert_eq!(read, at(1, 12));
    assert_eq!(server.take().path(), "/events/at/2024-05-06T23%3A30%3A00Z");
}

#[tokio::test]
async fn a_body_carries_timestamps_and_sends_null_when_cleared() {
    let server = Server::replying(r#"{"id":1,"starts_at":"2024-05-01T12:30:00Z"}"#);
    let event = client(&server)
        .events()
        .create_event(at(1, 12))
        .clear_ends_at()
        .send()
        .await
        .expect("the new event");
    assert_eq!(event.starts_at, at(1, 12));
    let body: serde_json::Value =
        serde_json::from_slice(&server.take().body).expect("a JSON body");
    assert_eq!(
        body,
        serde_json::json!({"starts_at": "2024-05-01T12:30:00Z", "ends_at": null})
    );
}

#[tokio::test]
async fn a_missing_required_timestamp_becomes_the_tables_zero_value() {
    let server = Server::replying(r#"{"id":1}"#);
    let event = client(&server)
        .events()
        .create_event(at(1, 12))
        .send()
        .await
        .expect("corrected");
    assert_eq!(event.starts_at, DateTime::<Utc>::UNIX_EPOCH);
}

#[tokio::test]
async fn a_timestamp_that_is_no_timestamp_fails_to_decode_naming_its_path() {
    let server = Server::replying(r#"{"id":1,"starts_at":"yesterday"}"#);
    let error = client(&server)
        .events()
        .create_event(at(1, 12))
        .send()
        .await
        .expect_err("not RFC 3339");
    assert!(error.to_string().contains("starts_at"), "{error}");
}
