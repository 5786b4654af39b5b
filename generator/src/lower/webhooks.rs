//! Webhooks: the requests an API sends to its users' endpoints, as typed events.
//!
//! Each webhook (`webhooks` in OpenAPI 3.1, `x-webhooks` in 3.0) is one event; its name is the
//! value the body's tag property holds (`type` unless `x-rust-client.webhooks.tag` says
//! otherwise). The event's payload is the body's payload property (`data`), or the whole body
//! when it has none. The fields every body shares form the envelope, when every event takes
//! them from the same schema (the first `$ref` of its `allOf`).

use indexmap::IndexMap;

use super::{Lowerer, is_json};
use crate::ir::{TypeRef, WebhookEvent, Webhooks};
use crate::naming::{Namespace, camel_ident};
use crate::openapi::{PathItem, Schema};
use crate::pointer::join;

/// The cargo feature and module name of the events.
pub(crate) const WEBHOOKS_FEATURE: &str = "webhooks";

/// The variant that keeps events of unknown names.
pub(crate) const UNKNOWN_EVENT: &str = "Unknown";

impl Lowerer<'_> {
    pub(super) fn lower_webhooks(&mut self) -> Option<Webhooks> {
        let doc = self.doc;
        let (key, hooks): (&str, &IndexMap<String, PathItem>) = if !doc.webhooks.is_empty() {
            ("#/webhooks", &doc.webhooks)
        } else if !doc.x_webhooks.is_empty() {
            ("#/x-webhooks", &doc.x_webhooks)
        } else {
            return None;
        };
        let settings = doc
            .rust_client
            .as_ref()
            .map(|c| c.webhooks.clone())
            .unwrap_or_default();
        let mut variants = Namespace::default();
        variants.claim(UNKNOWN_EVENT);
        let mut events = Vec::new();
        let mut envelopes: Vec<Option<String>> = Vec::new();
        let mut with_payload = 0;
        for (name, item) in hooks {
            let item_pointer = join(key, &[name]);
            let Some((method, operation)) = item.operations().next() else {
                self.warning(&item_pointer, "a webhook without an operation is skipped");
                continue;
            };
            let op_pointer = join(&item_pointer, &[method.key()]);
            let body_pointer = join(&op_pointer, &["requestBody"]);
            let Some(body) = operation.request_body.as_ref() else {
                self.warning(&op_pointer, "a webhook without a request body is skipped");
                continue;
            };
            let Some(body) = self.resolve(body, &body_pointer) else {
                continue;
            };
            let Some((content_type, schema)) = body
                .content
                .iter()
                .find(|(ct, _)| is_json(ct))
                .and_then(|(ct, media)| media.schema.as_ref().map(|s| (ct, s)))
            else {
                self.warning(&body_pointer, "a webhook without a JSON body is skipped");
                continue;
            };
            let schema_pointer = join(&body_pointer, &["content", content_type, "schema"]);
            let variant = variants.claim(&camel_ident(name));
            let (payload, envelope) =
                match self.payload_schema(schema, &schema_pointer, &settings.payload) {
                    Some((payload_schema, payload_pointer)) => {
                        with_payload += 1;
                        let ty = self.type_of(
                            &payload_schema,
                            &payload_pointer,
                            &format!("{variant}Payload"),
                        );
                        (ty, envelope_ref(schema))
                    }
                    None => (
                        self.type_of(schema, &schema_pointer, &format!("{variant}Event")),
                        None,
                    ),
                };
            payload.collect_named(&mut self.response_roots);
            envelopes.push(envelope);
            events.push(WebhookEvent {
                name: name.clone(),
                variant,
                payload,
                doc: operation
                    .summary
                    .clone()
                    .or_else(|| operation.description.clone()),
                deprecated: operation.deprecated,
                origin: item_pointer,
            });
        }
        if events.is_empty() {
            return None;
        }
        if with_payload != 0 && with_payload != events.len() {
            self.warning(
                key,
                format!(
                    "some webhook bodies have a `{}` property and some do not; the others are decoded whole",
                    settings.payload
                ),
            );
        }
        let envelope = self.shared_envelope(key, &envelopes, with_payload == events.len());
        Some(Webhooks {
            feature: WEBHOOKS_FEATURE.to_owned(),
            tag: settings.tag,
            payload: (with_payload == events.len()).then_some(settings.payload),
            envelope,
            events,
        })
    }

    /// The envelope type every event shares: the schema each body's `allOf` starts with, when
    /// every body has a payload property and all start with the same one.
    fn shared_envelope(
        &mut self,
        key: &str,
        envelopes: &[Option<String>],
        every_payload: bool,
    ) -> Option<String> {
        let first = envelopes.first().cloned().flatten();
        let shared = first.filter(|first| {
            every_payload
                && envelopes
                    .iter()
                    .all(|e| e.as_deref() == Some(first.as_str()))
        });
        shared.and_then(|reference| match self.schema_ref(&reference, key) {
            TypeRef::Named(name) => {
                self.response_roots.push(name.clone());
                Some(name)
            }
            _ => None,
        })
    }

    /// The schema of the payload property of a webhook body, from the body's own properties
    /// or one of its `allOf` parts, with its pointer.
    fn payload_schema(
        &mut self,
        schema: &Schema,
        pointer: &str,
        property: &str,
    ) -> Option<(Schema, String)> {
        let resolved = self.resolve_schema(schema, pointer)?.clone();
        if let Some(found) = resolved.properties.get(property) {
            return Some((found.clone(), join(pointer, &["properties", property])));
        }
        for (index, part) in resolved.all_of.iter().enumerate() {
            let part_pointer = join(pointer, &["allOf", &index.to_string()]);
            if let Some(found) = self.payload_schema(part, &part_pointer, property) {
                return Some(found);
            }
        }
        None
    }
}

/// The first `$ref` among the parts of a body's `allOf`: the schema of its shared fields.
fn envelope_ref(schema: &Schema) -> Option<String> {
    schema.all_of.iter().find_map(|part| part.reference.clone())
}
