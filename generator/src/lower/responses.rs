//! Responses to the type an operation returns: one body type, or an enum by status, and the
//! `Accept` header the request sends.

use std::collections::BTreeMap;

use super::{Lowerer, is_json};
use crate::ir::{ResponseKind, StatusDoc, StatusVariant, TypeDef, TypeKind, TypeRef};
use crate::naming::{self, Namespace, camel_ident};
use crate::openapi::Operation as SpecOperation;
use crate::pointer::join;

impl Lowerer<'_> {
    /// Whether a successful response of `op` declares a `Link` header (a next-page link, as
    /// RFC 8288 pages).
    pub(super) fn declares_link_header(&mut self, op: &SpecOperation, pointer: &str) -> bool {
        let mut declared = false;
        for (code, response) in &op.responses {
            if !code.starts_with('2') {
                continue;
            }
            let here = join(pointer, &["responses", code]);
            if let Some((response, _, _)) = self.resolve_located(response, &here) {
                declared |= response
                    .headers
                    .keys()
                    .any(|h| h.eq_ignore_ascii_case("link"));
            }
        }
        declared
    }

    pub(super) fn lower_responses(
        &mut self,
        op: &SpecOperation,
        pointer: &str,
        builder: &str,
    ) -> (ResponseKind, Vec<StatusDoc>, Option<String>) {
        let mut statuses = Vec::new();
        let mut successes: Vec<(String, String, &crate::openapi::Response)> = Vec::new();
        let mut fallback: Option<(String, &crate::openapi::Response)> = None;
        let mut codes: Vec<&String> = op.responses.keys().collect();
        codes.sort();
        // Type-name hints of responses that are shared components, by their pointer.
        let mut hints: BTreeMap<String, String> = BTreeMap::new();
        for code in codes {
            let here = join(pointer, &["responses", code]);
            let Some((response, response_pointer, component)) =
                self.resolve_located(&op.responses[code], &here)
            else {
                continue;
            };
            let response_pointer = match component {
                Some(name) => {
                    hints.insert(response_pointer.clone(), camel_ident(&name));
                    response_pointer
                }
                None => response_pointer,
            };
            statuses.push(StatusDoc {
                status: code.clone(),
                description: response.description.clone().unwrap_or_default(),
            });
            if code.len() == 3 && code.starts_with('2') && code.chars().all(|c| c.is_ascii_digit())
            {
                successes.push((code.clone(), response_pointer, response));
            } else if code.eq_ignore_ascii_case("2XX") || (code == "default" && fallback.is_none())
            {
                fallback = Some((response_pointer, response));
            }
        }
        let accept = accept_header(
            successes.iter().map(|(_, _, response)| *response).chain(
                fallback
                    .iter()
                    .map(|(_, response)| *response)
                    .take(usize::from(successes.is_empty())),
            ),
        );
        // One response (the only success, or the fallback when there is none) is read as is.
        let single = match successes.len() {
            0 => match fallback {
                Some(fallback) => Some(fallback),
                None => return (ResponseKind::Empty, statuses, accept),
            },
            1 => successes
                .pop()
                .map(|(_, pointer, response)| (pointer, response)),
            _ => None,
        };
        if let Some((response_pointer, response)) = single {
            let hint = hints
                .remove(&response_pointer)
                .unwrap_or_else(|| format!("{builder}Response"));
            let kind = self.response_kind(response, &response_pointer, &hint);
            return (kind, statuses, accept);
        }
        let kind = self.by_status(successes, &hints, pointer, builder);
        (kind, statuses, accept)
    }

    /// Several successes: one kind when every status reads the same, else a `Responses` type
    /// with a variant per status.
    fn by_status(
        &mut self,
        successes: Vec<(String, String, &crate::openapi::Response)>,
        hints: &BTreeMap<String, String>,
        pointer: &str,
        builder: &str,
    ) -> ResponseKind {
        let mut variants: Vec<StatusVariant> = Vec::new();
        let mut names = Namespace::default();
        for (code, response_pointer, response) in successes {
            let name = names.claim(&naming::status_variant_name(&code));
            let hint = hints
                .get(&response_pointer)
                .cloned()
                .unwrap_or_else(|| format!("{builder}{name}"));
            let kind = match self.response_kind(response, &response_pointer, &hint) {
                // One of several statuses is read whole; its events stay text.
                ResponseKind::Events(_) => ResponseKind::Text,
                kind => kind,
            };
            variants.push(StatusVariant {
                status: code.parse().unwrap_or(200),
                name,
                kind,
            });
        }
        let first = &variants[0].kind;
        if variants.iter().all(|v| v.kind == *first) {
            return variants.swap_remove(0).kind;
        }
        let type_name = self
            .type_names
            .claim(&camel_ident(&format!("{builder}Response")));
        let other = naming::other_status_variant(&mut names);
        let (method, path) = crate::pointer::method_and_path(pointer).unwrap_or_default();
        self.types.insert(
            type_name.clone(),
            TypeDef {
                name: type_name.clone(),
                origin: join(pointer, &["responses"]),
                doc: Some(format!(
                    "The successful responses of `{method} {path}`, by status."
                )),
                deprecated: false,
                kind: TypeKind::Responses { variants, other },
                features: Vec::new(),
                previous_names: Vec::new(),
            },
        );
        ResponseKind::ByStatus(type_name)
    }

    /// How the body of one response is read.
    fn response_kind(
        &mut self,
        response: &crate::openapi::Response,
        pointer: &str,
        hint: &str,
    ) -> ResponseKind {
        if let Some((ct, media)) = response.content.iter().find(|(ct, _)| is_json(ct)) {
            match &media.schema {
                Some(schema) => {
                    let schema_pointer = join(pointer, &["content", ct, "schema"]);
                    let ty = self.type_of(schema, &schema_pointer, hint);
                    ty.collect_named(&mut self.response_roots);
                    self.describe_inline(&ty, &schema_pointer, "The successful response of");
                    if let (TypeRef::Named(name), Some(description)) = (&ty, &response.description)
                    {
                        // A shared response's own description says more than its name.
                        if let Some(def) = self.types.get_mut(name) {
                            if def.origin == schema_pointer && pointer.starts_with("#/components/")
                            {
                                def.doc = Some(description.clone());
                            }
                        }
                    }
                    ResponseKind::Json(ty)
                }
                None => ResponseKind::Json(TypeRef::Json),
            }
        } else if let Some((ct, media)) =
            response.content.iter().find(|(ct, _)| is_event_stream(ct))
        {
            // Each event's data: OpenAPI 3.2's `itemSchema`, or the schema, or any JSON.
            let (key, schema) = match (&media.item_schema, &media.schema) {
                (Some(schema), _) => ("itemSchema", schema),
                (None, Some(schema)) => ("schema", schema),
                (None, None) => return ResponseKind::Events(TypeRef::Json),
            };
            let schema_pointer = join(pointer, &["content", ct, key]);
            let ty = self.type_of(schema, &schema_pointer, hint);
            ty.collect_named(&mut self.response_roots);
            self.describe_inline(&ty, &schema_pointer, "An event of");
            ResponseKind::Events(ty)
        } else if let Some((ct, _)) = response.content.first() {
            if ct.starts_with("text/") {
                ResponseKind::Text
            } else {
                ResponseKind::Bytes
            }
        } else {
            ResponseKind::Empty
        }
    }
}

/// Whether a media type is `text/event-stream`, parameters aside.
fn is_event_stream(media: &str) -> bool {
    media
        .split(';')
        .next()
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/event-stream"))
}

/// The `Accept` header of an operation whose successful answers are not JSON (a page, a file):
/// their media types, so that a server which negotiates content answers with one of them.
/// `None` where JSON is among them, and the client's default `application/json` holds.
fn accept_header<'r>(
    responses: impl Iterator<Item = &'r crate::openapi::Response>,
) -> Option<String> {
    let mut types: Vec<&str> = Vec::new();
    for response in responses {
        for media in response.content.keys() {
            if is_json(media) {
                return None;
            }
            if !types.contains(&media.as_str()) {
                types.push(media);
            }
        }
    }
    (!types.is_empty()).then(|| types.join(", "))
}
