//! A usage witness: Rust code that uses every public item of a generated crate the way a
//! caller may, so that compiling it against another version of the crate tells whether that
//! version breaks callers. The API-change tests compile the witness of an old document against
//! the crate of a new one; rustc's verdict must match the report's class.
//!
//! It calls every operation with every input, reads every field of the types callers read
//! (with its exact type), builds the types callers build with struct literals, and names
//! every enum and union variant. The crate it uses is named `api`.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::{
    Api, Input, Location, PartKind, Presence, ResponseKind, SetterStyle, TypeDef, TypeKind, TypeRef,
};

/// The type as a caller outside the crate names it.
fn outside(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::Integer(t) => {
            let name = ident(t.rust_name());
            quote!(#name)
        }
        TypeRef::Float(t) => {
            let name = ident(t.rust_name());
            quote!(#name)
        }
        TypeRef::Json => quote!(api::codegen::Value),
        TypeRef::JsonObject => quote!(api::codegen::Map<String, api::codegen::Value>),
        TypeRef::Vec(inner) => {
            let inner = outside(inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = outside(inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Option(inner) => {
            let inner = outside(inner);
            quote!(Option<#inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = outside(inner);
            quote!(Box<#inner>)
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(api::types::#name)
        }
        TypeRef::Bytes => quote!(Vec<u8>),
        TypeRef::Unit => quote!(()),
        TypeRef::External(external) => super::external_tokens(external),
    }
}

/// The value a caller passes for an input.
fn accepted(input: &Input) -> TokenStream {
    if input.presence == Presence::RequiredNullable {
        let ty = outside(&input.ty);
        return quote!(Option<#ty>);
    }
    if matches!(input.location, Location::Part(PartKind::File { .. })) {
        return quote!(api::Upload);
    }
    match input.setter {
        SetterStyle::IntoString => quote!(String),
        SetterStyle::IntoStrings => quote!(Vec<String>),
        SetterStyle::IntoPayload => quote!(Vec<u8>),
        SetterStyle::Upload => quote!(api::Upload),
        SetterStyle::Boxed => match &input.ty {
            TypeRef::Boxed(inner) => outside(inner),
            other => outside(other),
        },
        SetterStyle::Value => outside(&input.ty),
    }
}

/// The witness crate's `src/lib.rs`.
pub fn emit_witness(api: &Api) -> TokenStream {
    let calls = api.groups.iter().flat_map(|group| {
        let accessor = ident(&group.accessor);
        group.operations.iter().map(move |op| {
            let method = ident(&op.method_name);
            let arguments = op.required_inputs().map(|input| {
                let ty = accepted(input);
                quote!(any::<#ty>())
            });
            let setters = op.optional_inputs().map(|input| {
                let name = ident(&input.name);
                let ty = accepted(input);
                let clear = input.clear.as_ref().map(|clear| {
                    let clear = ident(clear);
                    quote!(.#clear())
                });
                quote!(.#name(any::<#ty>()) #clear)
            });
            let output = match &op.response {
                ResponseKind::Json(ty) => outside(ty),
                ResponseKind::ByStatus(name) => {
                    let name = ident(name);
                    quote!(api::types::#name)
                }
                ResponseKind::Text => quote!(String),
                ResponseKind::Bytes => quote!(Vec<u8>),
                ResponseKind::Events(ty) => {
                    let ty = outside(ty);
                    quote!(api::EventStream<#ty>)
                }
                ResponseKind::Empty => quote!(()),
            };
            quote! {
                let _: Sent<#output> = Box::pin(
                    client.#accessor().#method( #( #arguments ),* ) #( #setters )* .send()
                );
            }
        })
    });
    // Callers never build sealed body structs (only builders fill them).
    let sealed = api.sealed_bodies();
    let types = api
        .types
        .iter()
        .filter(|def| !sealed.contains(&def.name))
        .map(type_use);
    quote! {
        #![allow(deprecated, unused, unreachable_code, clippy::all)]

        /// A value of any type, for code that is compiled and never run.
        fn any<T>() -> T {
            loop {}
        }

        type Sent<T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, api::Error>>>>;

        pub fn calls(client: &api::Client) {
            #( #calls )*
        }

        #( #types )*
    }
}

fn type_use(def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let function = ident(&format!("use_{}", crate::naming::snake_ident(&def.name)));
    let path = quote!(api::types::#name);
    let body = match &def.kind {
        TypeKind::Struct { fields, request } => {
            let typed = |field: &crate::ir::Field| {
                let ty = outside(&field.ty);
                match field.presence {
                    Presence::Required => ty,
                    Presence::RequiredNullable | Presence::Optional => quote!(Option<#ty>),
                    Presence::TriState => quote!(Option<api::Nullable<#ty>>),
                }
            };
            if *request {
                let inits = fields.iter().map(|field| {
                    let field_name = ident(&field.name);
                    let ty = typed(field);
                    quote!(#field_name: any::<#ty>())
                });
                quote!(let _ = #path { #( #inits ),* };)
            } else {
                let reads = fields.iter().map(|field| {
                    let field_name = ident(&field.name);
                    let ty = typed(field);
                    quote!(let _: #ty = value.#field_name.clone();)
                });
                quote! {
                    let value: #path = any();
                    #( #reads )*
                }
            }
        }
        TypeKind::Enum { variants, other } => {
            let names = variants.iter().map(|v| ident(&v.name));
            let other = ident(other);
            quote!(let _ = [ #( #path::#names, )* #path::#other(any::<String>()) ];)
        }
        TypeKind::IntEnum { variants, other } => {
            let names = variants.iter().map(|(n, _)| ident(n));
            let other = ident(other);
            quote!(let _ = [ #( #path::#names, )* #path::#other(any::<i64>()) ];)
        }
        TypeKind::Tagged {
            variants, other, ..
        } => {
            let built = variants.iter().map(|v| {
                let variant = ident(&v.name);
                let ty = outside(&v.ty);
                quote!(#path::#variant(any::<#ty>()))
            });
            let other = ident(other);
            quote!(let _ = [ #( #built, )* #path::#other(any::<api::codegen::Value>()) ];)
        }
        TypeKind::Untagged { variants } => {
            let built = variants.iter().map(|v| {
                let variant = ident(&v.name);
                let ty = outside(&v.ty);
                quote!(#path::#variant(any::<#ty>()))
            });
            quote!(let _ = [ #( #built ),* ];)
        }
        TypeKind::Responses { variants, other } => {
            let built = variants.iter().map(|v| {
                let variant = ident(&v.name);
                match &v.kind {
                    ResponseKind::Json(ty) => {
                        let ty = outside(ty);
                        quote!(#path::#variant(any::<#ty>()))
                    }
                    ResponseKind::Text | ResponseKind::Events(_) => {
                        quote!(#path::#variant(any::<String>()))
                    }
                    ResponseKind::Bytes => quote!(#path::#variant(any::<Vec<u8>>())),
                    ResponseKind::Empty | ResponseKind::ByStatus(_) => quote!(#path::#variant),
                }
            });
            let other = ident(other);
            quote!(let _ = [ #( #built, )* #path::#other { status: 0, body: Vec::new() } ];)
        }
        TypeKind::Alias(ty) => {
            let ty = outside(ty);
            quote!(let _: #path = any::<#ty>();)
        }
    };
    quote! {
        pub fn #function() {
            #body
        }
    }
}
