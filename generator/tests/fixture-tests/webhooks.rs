//! Copied by `tests/compile.rs` into the crate generated from `fixtures/webhooks.yaml`, and
//! run there: bodies decode into the event their `type` names, with the envelope apart.

use fixture_webhooks::types::OrderStatus;
use fixture_webhooks::webhooks::{WebhookEvent, WebhookMessage};

#[test]
fn a_known_event_decodes_into_its_variant() {
    let body = br#"{"type":"order.created","timestamp":1716883200,
        "data":{"id":"ord_1","total":1200,"status":"paid","extra":true}}"#;
    let message = WebhookMessage::from_json(body).expect("decodes");
    assert_eq!(message.envelope.timestamp, 1716883200);
    assert_eq!(message.event.name(), "order.created");
    match &message.event {
        WebhookEvent::OrderCreated(order) => {
            assert_eq!((order.id.as_str(), order.total), ("ord_1", 1200));
            assert_eq!(order.status, OrderStatus::Paid);
        }
        other => panic!("expected order.created, got {other:?}"),
    }
    assert!(message.corrections.is_empty());
}

#[test]
fn an_inline_payload_and_an_unknown_event_decode() {
    let refund = br#"{"type":"refund.issued","timestamp":1,"data":{"order_id":"ord_1","amount":5}}"#;
    let message = WebhookMessage::from_json(refund).expect("decodes");
    assert!(matches!(message.event, WebhookEvent::RefundIssued(ref r) if r.amount == 5));

    let unknown = br#"{"type":"order.shipped","timestamp":1,"data":{"carrier":"post"}}"#;
    let message = WebhookMessage::from_json(unknown).expect("an unknown event still decodes");
    match message.event {
        WebhookEvent::Unknown { name, data } => {
            assert_eq!(name, "order.shipped");
            assert_eq!(data["carrier"], "post");
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
}

#[test]
fn missing_members_are_corrected_or_refused_when_strict() {
    let body = br#"{"type":"order.created","data":{"id":"ord_1","status":"open"}}"#;
    let message = WebhookMessage::from_json(body).expect("corrected");
    let paths: Vec<&str> = message.corrections.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["timestamp", "data.total"]);
    let error = WebhookMessage::from_json_strict(body).expect_err("strict");
    assert_eq!(error.path, "timestamp");

    let wrong = br#"{"type":"order.created","timestamp":1,"data":{"id":"o","total":"lots","status":"open"}}"#;
    let error = WebhookMessage::from_json(wrong).expect_err("a wrong type is an error");
    assert_eq!(error.path, "data.total");
    assert_eq!(error.operation, "order.created");

    let untyped = br#"{"timestamp":1,"data":{}}"#;
    let error = WebhookMessage::from_json(untyped).expect_err("no type");
    assert_eq!(error.path, "type");
    assert!(WebhookMessage::from_json(b"not json").is_err());
}
