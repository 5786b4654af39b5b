//! Webhooks end to end: a body signed as Clerk signs it is verified and decoded into its typed
//! event in one call. Every example of Clerk's published webhook document decodes into the
//! variant of its event type (skipped, with a printed reason, when `../shared/reference/` is
//! absent).

mod support;

use std::collections::BTreeSet;

use clerk_backend_api::types::User;
use clerk_backend_api::verify::Clock;
use clerk_backend_api::webhooks::{Webhook, WebhookError, WebhookEvent};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use support::fixture;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: i64 = 1_716_883_200;
const REFERENCE: &str = "../../shared/reference/clerk-webhooks-2025-04-15.yml";

fn webhook() -> Webhook {
    Webhook::new(SECRET)
        .expect("a secret")
        .with_clock(Clock::fixed_at(NOW as u64))
}

/// The headers Clerk sends with `body`.
fn signed(webhook: &Webhook, body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let id = "msg_2xK8pT0aK1";
    let mut set = |name: &'static str, value: String| {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(&value).expect("a header value"),
        );
    };
    set("svix-id", id.into());
    set("svix-timestamp", NOW.to_string());
    set("svix-signature", webhook.sign(id, NOW, body));
    headers
}

#[test]
fn a_signed_user_created_body_becomes_a_typed_event() {
    let user: serde_json::Value = serde_json::from_str(&fixture("user.json")).expect("a user");
    let body = serde_json::json!({
        "object": "event", "type": "user.created", "timestamp": NOW,
        "instance_id": "ins_1", "data": user,
    })
    .to_string();
    let webhook = webhook();
    let headers = signed(&webhook, body.as_bytes());
    let message = webhook
        .event(&headers, body.as_bytes())
        .expect("verified and decoded");
    assert_eq!(message.envelope.instance_id, "ins_1");
    assert_eq!(message.envelope.timestamp, NOW);
    let WebhookEvent::UserCreated(created) = &message.event else {
        panic!("expected user.created, got {:?}", message.event)
    };
    let expected: User = serde_json::from_value(user).expect("the fixture decodes");
    assert_eq!(created, &expected);

    let mut tampered = body.clone().into_bytes();
    let at = tampered.len() - 3;
    tampered[at] ^= 1;
    assert_eq!(
        webhook.event(&headers, &tampered).map(|_| ()),
        Err(WebhookError::NoMatchingSignature)
    );
    let garbage = b"not json";
    let headers = signed(&webhook, garbage);
    assert!(matches!(
        webhook.event(&headers, garbage),
        Err(WebhookError::Decode(_))
    ));
}

#[test]
fn an_unknown_event_type_still_decodes() {
    let body = br#"{"object":"event","type":"invoice.finalized","timestamp":1716883200,"instance_id":"ins_1","data":{"id":"inv_1"}}"#;
    let webhook = webhook();
    let message = webhook
        .event(&signed(&webhook, body), body)
        .expect("decoded");
    match message.event {
        WebhookEvent::Unknown { name, data } => {
            assert_eq!(name, "invoice.finalized");
            assert_eq!(data["id"], "inv_1");
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
}

/// The examples of one webhook in the reference: inline, or under `examples` (also by `$ref`).
fn examples(doc: &serde_yaml::Value, body: &serde_yaml::Value) -> Vec<serde_yaml::Value> {
    let media = &body["content"]["application/json"];
    let mut found = Vec::new();
    if !media["example"].is_null() {
        found.push(media["example"].clone());
    }
    if let Some(map) = media["examples"].as_mapping() {
        for example in map.values() {
            let example = match example["$ref"].as_str() {
                Some(reference) => {
                    let name = reference.rsplit('/').next().unwrap_or_default();
                    &doc["components"]["examples"][name]
                }
                None => example,
            };
            found.push(example["value"].clone());
        }
    }
    found
}

#[test]
fn every_example_of_the_published_webhook_document_decodes_to_its_variant() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(REFERENCE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: {} is not present", path.display());
        return;
    };
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
    let hooks = doc["x-webhooks"].as_mapping().expect("x-webhooks");
    let published: BTreeSet<&str> = hooks.keys().filter_map(|k| k.as_str()).collect();
    let known: BTreeSet<&str> = WebhookEvent::NAMES.iter().copied().collect();
    assert_eq!(published.len(), 45);
    assert_eq!(
        known, published,
        "spec/ describes every published event type"
    );

    let webhook = webhook();
    let mut decoded = 0;
    let mut corrected = Vec::new();
    for (name, item) in hooks {
        let name = name.as_str().expect("a name");
        for example in examples(&doc, &item["post"]["requestBody"]) {
            let body = serde_json::to_vec(&example).expect("JSON");
            let message = webhook
                .event(&signed(&webhook, &body), &body)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(message.event.name(), name);
            assert!(
                !matches!(message.event, WebhookEvent::Unknown { .. }),
                "{name} decoded as Unknown"
            );
            corrected.extend(
                message
                    .corrections
                    .iter()
                    .map(|c| format!("{name}: {}", c.path)),
            );
            decoded += 1;
        }
    }
    println!("{decoded} examples decoded; corrections: {corrected:?}");
    assert!(decoded >= 27, "only {decoded} examples were found");
}
