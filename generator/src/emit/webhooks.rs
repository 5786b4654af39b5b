//! The `webhooks` module: one enum variant per webhook event, and the message that decodes a
//! whole body by its tag.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, inner_doc_attrs, trusted_doc_attrs};
use super::{ident, type_tokens};
use crate::ir::{Api, Webhooks};

/// The whole `webhooks.rs` file.
pub fn emit_webhooks(api: &Api, webhooks: &Webhooks) -> TokenStream {
    let title = &api.title;
    let tag = &webhooks.tag;
    let module_doc = inner_doc_attrs(&format!(
        "The webhook events of the {title}: a variant per event, chosen by the body's `{tag}`.\n\nDecode a body only after verifying that it comes from the API."
    ));
    let types = quote!(types::);
    let variants = webhooks.events.iter().map(|event| {
        let name = ident(&event.variant);
        let ty = type_tokens(&event.payload, &types);
        let text = match &event.doc {
            Some(doc) => format!("`{}`: {}", event.name, doc.trim()),
            None => format!("`{}`.", event.name),
        };
        let text = format!("{text}\n\nWebhook: `{}`.", event.origin);
        let doc = doc_attrs(&text);
        let deprecated = event.deprecated.then(|| quote!(#[deprecated]));
        quote! { #doc #deprecated #name(#ty), }
    });
    let names: Vec<&str> = webhooks.events.iter().map(|e| e.name.as_str()).collect();
    let name_arms = webhooks.events.iter().map(|event| {
        let variant = ident(&event.variant);
        let name = &event.name;
        quote!(Self::#variant(_) => #name,)
    });
    let decode_arms = webhooks.events.iter().map(|event| {
        let variant = ident(&event.variant);
        let name = &event.name;
        quote! {
            #name => {
                let (payload, corrections) = codegen::decode_value(#name, payload, at, raw, strict)?;
                (Self::#variant(payload), corrections)
            }
        }
    });
    let allow = webhooks
        .events
        .iter()
        .any(|e| e.deprecated)
        .then(|| quote!(#![allow(deprecated)]));
    let (payload_at, payload_value) = match &webhooks.payload {
        Some(property) => (
            quote!(#property),
            quote!(value.get(#property).unwrap_or(&codegen::Value::Null)),
        ),
        None => (quote!(""), quote!(&value)),
    };
    let (envelope_field, envelope_decode, envelope_init) = match &webhooks.envelope {
        Some(envelope) => {
            let envelope = ident(envelope);
            (
                quote! {
                    /// The fields every event body carries.
                    pub envelope: types::#envelope,
                },
                quote! {
                    let (envelope, mut corrections) =
                        codegen::decode_value(CONTEXT, &value, "", raw, strict)?;
                },
                quote!(envelope,),
            )
        }
        None => (
            quote!(),
            quote!(let mut corrections = Vec::new();),
            quote!(),
        ),
    };
    let from_json_doc = trusted_doc_attrs(&format!(
        "Decodes a webhook body. A body that lacks a value the spec requires decodes with the zero value in its place, listed in `corrections`.\n\n# Errors\n\nA [`DecodeError`](crate::DecodeError) when the body is not JSON, has no string `{tag}`, or holds a value of the wrong type."
    ));
    quote! {
        #module_doc
        #allow

        use crate::runtime::codegen;
        use super::types;

        /// What errors and corrections of a body's envelope name.
        const CONTEXT: &str = "webhook";

        /// An event the API sends to webhook endpoints.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            #( #variants )*
            /// An event this version of the client does not know, with its payload as JSON.
            Unknown {
                /// The event's name.
                name: String,
                /// Its payload.
                data: codegen::Value,
            },
        }

        impl WebhookEvent {
            /// The name of every event this client knows, in the spec's order.
            pub const NAMES: &'static [&'static str] = &[ #( #names ),* ];

            /// The event's name as sent, such as `user.created`.
            pub fn name(&self) -> &str {
                match self {
                    #( #name_arms )*
                    Self::Unknown { name, .. } => name,
                }
            }

            /// Decodes the payload of the event `name`, found at `at` in the body `raw`; an
            /// unknown name decodes as [`WebhookEvent::Unknown`].
            ///
            /// # Errors
            ///
            /// A [`DecodeError`](crate::DecodeError) naming the first value that does not fit.
            pub fn decode(
                name: &str,
                payload: &codegen::Value,
                at: &str,
                raw: &[u8],
                strict: bool,
            ) -> Result<(Self, Vec<codegen::Correction>), codegen::DecodeError> {
                Ok(match name {
                    #( #decode_arms )*
                    other => (
                        Self::Unknown { name: other.to_owned(), data: payload.clone() },
                        Vec::new(),
                    ),
                })
            }
        }

        /// One webhook body, decoded.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct WebhookMessage {
            #envelope_field
            /// The event and its payload.
            pub event: WebhookEvent,
            /// Values filled in because the body lacked them (each also logged at WARN).
            pub corrections: Vec<codegen::Correction>,
        }

        impl WebhookMessage {
            #from_json_doc
            pub fn from_json(raw: &[u8]) -> Result<Self, codegen::DecodeError> {
                Self::decode(raw, false)
            }

            /// Like [`WebhookMessage::from_json`], failing where it would correct.
            ///
            /// # Errors
            ///
            /// As [`WebhookMessage::from_json`], and for a body that lacks a required value.
            pub fn from_json_strict(raw: &[u8]) -> Result<Self, codegen::DecodeError> {
                Self::decode(raw, true)
            }

            fn decode(raw: &[u8], strict: bool) -> Result<Self, codegen::DecodeError> {
                let value = codegen::parse_json(CONTEXT, raw)?;
                let Some(name) = value.get(#tag).and_then(codegen::Value::as_str) else {
                    return Err(codegen::missing_property(CONTEXT, #tag, raw));
                };
                #envelope_decode
                let payload = #payload_value;
                let (event, more) = WebhookEvent::decode(name, payload, #payload_at, raw, strict)?;
                corrections.extend(more);
                Ok(Self { #envelope_init event, corrections })
            }
        }
    }
}
