//! How a builder's `send` checks and writes each input: the runtime's parameter writers with
//! a location and a style as enum values, the body, the parts of a multipart form.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use super::operations::place;
use crate::ir::{
    BodyEncoding, Input, Location, Operation, ParamEncoding, ParamStyle, PartKind, Presence,
    TypeRef,
};

/// `Option<&T>` of an input's value, for checks and for writing it.
fn value_ref(input: &Input) -> TokenStream {
    let place = place(input);
    match input.presence {
        Presence::Required => quote!(Some(&self.#place)),
        Presence::RequiredNullable | Presence::Optional => quote!(self.#place.as_ref()),
        Presence::TriState => {
            quote!(self.#place.as_ref().and_then(codegen::Nullable::as_ref))
        }
    }
}

/// The client-side checks of one input.
pub(super) fn check_step(input: &Input) -> TokenStream {
    let wire = &input.wire;
    let c = &input.constraints;
    let value = value_ref(input);
    let mut steps = Vec::new();
    if (c.minimum.is_some() || c.maximum.is_some()) && matches!(input.ty, TypeRef::Integer(_)) {
        let min = option_tokens(c.minimum);
        let max = option_tokens(c.maximum);
        steps.push(quote!(request.check_range(#wire, #value, #min, #max);));
    }
    if let (Some(max), TypeRef::Vec(_)) = (c.max_items, &input.ty) {
        let max = proc_macro2::Literal::u64_unsuffixed(max);
        steps.push(quote!(request.check_max_items(#wire, #value, #max);));
    }
    if let (Some(class), TypeRef::String) = (&c.chars, &input.ty) {
        let starts = class.ranges.iter().map(|r| r.0);
        let ends = class.ranges.iter().map(|r| r.1);
        let (pattern, allow_empty) = (&class.pattern, class.allow_empty);
        steps.push(quote! {
            request.check_chars(#wire, #value, &[#( (#starts, #ends) ),*], #allow_empty, #pattern);
        });
    }
    quote!(#( #steps )*)
}

/// Writes one input into the request (body fields travel with their struct).
pub(super) fn write_step(op: &Operation, input: &Input) -> TokenStream {
    let name = ident(&input.name);
    let wire = &input.wire;
    let required = input.presence == Presence::Required;
    let owned = if required {
        quote!(Some(self.#name))
    } else {
        quote!(self.#name)
    };
    let (location, encoding) = match &input.location {
        Location::BodyField(_) => return quote!(),
        Location::Path(encoding) => (quote!(codegen::In::Path), *encoding),
        Location::Part(PartKind::File {
            content_types,
            max_size,
        }) => {
            let max = match max_size {
                Some(size) => {
                    let size = proc_macro2::Literal::u64_unsuffixed(*size);
                    quote!(Some(#size))
                }
                None => quote!(None),
            };
            return quote!(request.file_part(#wire, #owned, &[#( #content_types ),*], #max););
        }
        Location::Part(PartKind::Text) => {
            let value = value_ref(input);
            return quote!(request.text_part(#wire, #value););
        }
        Location::Body => {
            return match op.body.as_ref().map(|b| &b.encoding) {
                Some(BodyEncoding::Raw(content_type)) => {
                    quote!(request.raw(#content_type, #owned);)
                }
                Some(BodyEncoding::Form) if required => quote!(request.form(&self.body);),
                Some(BodyEncoding::Form) => quote! {
                    if let Some(body) = &self.body {
                        request.form(body);
                    }
                },
                _ if required => quote!(request.json(&self.body);),
                _ => quote! {
                    if let Some(body) = &self.body {
                        request.json(body);
                    }
                },
            };
        }
        Location::Query(encoding) => (quote!(codegen::In::Query), *encoding),
        Location::Header(encoding) => (quote!(codegen::In::Header), *encoding),
        Location::Cookie(encoding) => (quote!(codegen::In::Cookie), *encoding),
    };
    match encoding {
        ParamEncoding::Display => {
            let value = value_ref(input);
            quote!(request.param(#location, #wire, #value);)
        }
        ParamEncoding::Each => {
            let values = if required {
                quote!(Some(self.#name.as_slice()))
            } else {
                quote!(self.#name.as_deref())
            };
            quote!(request.param_each(#location, #wire, #values);)
        }
        ParamEncoding::Json => {
            let value = value_ref(input);
            quote!(request.param_json(#location, #wire, #value);)
        }
        ParamEncoding::Styled { style, explode } => {
            let value = value_ref(input);
            let style = style_tokens(style);
            quote!(request.param_styled(#location, #wire, #style, #explode, #value);)
        }
    }
}

/// The runtime's name for a parameter style.
fn style_tokens(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Simple => quote!(codegen::Style::Simple),
        ParamStyle::Label => quote!(codegen::Style::Label),
        ParamStyle::Matrix => quote!(codegen::Style::Matrix),
        ParamStyle::Form => quote!(codegen::Style::Form),
        ParamStyle::SpaceDelimited => quote!(codegen::Style::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(codegen::Style::PipeDelimited),
        ParamStyle::DeepObject => quote!(codegen::Style::DeepObject),
    }
}

fn option_tokens(value: Option<i64>) -> TokenStream {
    match value {
        Some(v) => {
            let v = proc_macro2::Literal::i128_unsuffixed(i128::from(v));
            quote!(Some(#v))
        }
        None => quote!(None),
    }
}
