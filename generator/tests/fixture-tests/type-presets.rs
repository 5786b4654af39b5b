//! Copied by `tests/compile.rs` into the crate generated from `fixtures/type-presets.yaml`,
//! and run there: the `chrono` and `uuid` presets make dates, timestamps and UUIDs real types
//! that go out in their wire form in a path, a query and a header, come back typed, are filled
//! in when a response lacks them, and fail to decode, naming their path, when invalid.

mod support;

use chrono::{NaiveDate, TimeZone, Utc};
use fixture_type_presets::{Client, Error};
use support::Server;
use uuid::Uuid;

const ROOM: &str = "6f1c2a4e-9b3d-4c5e-8f7a-1b2c3d4e5f60";
const BOOKING: &str = "0d9e8f7a-6b5c-4d3e-a2f1-0e9d8c7b6a50";

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(&server.url)
        .build()
        .expect("a client")
}

#[tokio::test]
async fn dates_timestamps_and_uuids_travel_in_their_wire_form() {
    let server = Server::replying(
        r#"[{"id": "0d9e8f7a-6b5c-4d3e-a2f1-0e9d8c7b6a50", "day": "2024-05-06", "created_at": "2024-05-01T14:30:00+02:00", "starts": "09:00:00+02:00", "length": "PT1H"}]"#,
    );
    let room: Uuid = ROOM.parse().expect("a UUID");
    let since = Utc.with_ymd_and_hms(2024, 5, 1, 12, 30, 0).single().expect("a time");
    let bookings = client(&server)
        .bookings()
        .list_bookings(room)
        .from(NaiveDate::from_ymd_opt(2024, 5, 6).expect("a day"))
        .changed_since(since)
        .x_request_id(Uuid::nil())
        .send()
        .await
        .expect("the bookings");
    let seen = server.take();
    assert_eq!(seen.path(), format!("/rooms/{ROOM}/bookings"));
    assert_eq!(
        seen.query(),
        "from=2024-05-06&changed_since=2024-05-01T12%3A30%3A00Z"
    );
    assert_eq!(
        seen.header("x-request-id"),
        Some("00000000-0000-0000-0000-000000000000")
    );
    let booking = &bookings[0];
    assert_eq!(booking.id, BOOKING.parse::<Uuid>().expect("a UUID"));
    assert_eq!(booking.day, NaiveDate::from_ymd_opt(2024, 5, 6).expect("a day"));
    assert_eq!(booking.created_at, since, "any offset reads as the same instant");
    // `time` (with an offset) and `duration` have no preset type: they stay text.
    assert_eq!(booking.starts.as_deref(), Some("09:00:00+02:00"));
    assert_eq!(booking.length.as_deref(), Some("PT1H"));
}

#[tokio::test]
async fn a_missing_required_value_is_filled_in_with_its_zero() {
    let server = Server::replying(r#"[{"day": "2024-05-06"}]"#);
    let bookings = client(&server)
        .bookings()
        .list_bookings(Uuid::nil())
        .send()
        .await
        .expect("corrected");
    assert_eq!(bookings[0].id, Uuid::nil());
    assert_eq!(bookings[0].created_at, Utc.timestamp_opt(0, 0).single().expect("the epoch"));
}

#[tokio::test]
async fn an_invalid_value_is_a_decode_error_with_its_path() {
    let server = Server::replying(
        r#"[{"id": "0d9e8f7a-6b5c-4d3e-a2f1-0e9d8c7b6a50", "day": "2024-13-45", "created_at": "2024-05-01T14:30:00Z"}]"#,
    );
    let error = client(&server)
        .bookings()
        .list_bookings(Uuid::nil())
        .send()
        .await
        .expect_err("not a date");
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("[0].day"), "{text}");
}
