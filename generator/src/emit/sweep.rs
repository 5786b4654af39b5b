//! The conformance sweep: code that calls every operation of a generated client, once with
//! only its required inputs and once with every input set, plus the error statuses it
//! declares. A runner (the workspace's `conformance` crate) checks each call against a mock
//! server that validates requests. The sweep reaches its runner only through the `Harness`
//! trait it declares, so a runner that lacks a part fails to build where it implements it.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::inner_doc_attrs;
use super::ident;
use crate::ir::{
    Api, Constraints, Input, Location, Operation, PartKind, Presence, SetterStyle, TypeDef,
    TypeKind, TypeRef,
};

/// The error statuses the sweep asks the mock server for, where an operation declares them.
const ERROR_STATUSES: &[&str] = &["404", "422"];

struct Samples<'a> {
    types: BTreeMap<&'a str, &'a TypeDef>,
    /// The client crate's name as a path.
    krate: proc_macro2::Ident,
}

/// `sweep.rs`: `pub(crate) async fn run(client, sweep)`.
pub fn emit_sweep(api: &Api) -> TokenStream {
    let doc = inner_doc_attrs(&format!(
        "Calls every operation of the {} client generated from `{}`: once with only the required inputs, once with every input set, and once per declared 404 or 422 answer.",
        api.title, api.spec_name
    ));
    let krate = ident(&api.settings.crate_name.replace('-', "_"));
    let samples = Samples {
        types: api.types.iter().map(|t| (t.name.as_str(), t)).collect(),
        krate: krate.clone(),
    };
    let mut calls = Vec::new();
    for group in &api.groups {
        for op in &group.operations {
            let id = &op.operation_id;
            let required = samples.call(&group.accessor, op, false);
            let full = samples.call(&group.accessor, op, true);
            calls.push(quote! {
                sweep.check(#id, "required inputs", #required.send().await);
                sweep.check(#id, "every input", #full.send().await);
            });
            for status in ERROR_STATUSES
                .iter()
                .filter(|s| op.statuses.iter().any(|status| status.status == **s))
            {
                let code: u16 = status.parse().unwrap_or(404);
                let code = Literal::u16_unsuffixed(code);
                calls.push(quote! {
                    if sweep.errors() {
                        sweep.check_error(#id, #code, #required.with_options(H::prefer(#code)).send().await);
                    }
                });
            }
        }
    }
    let operations =
        Literal::usize_unsuffixed(api.groups.iter().map(|g| g.operations.len()).sum::<usize>());
    quote! {
        #doc
        // The sweep sets every input, deprecated ones included.
        #![allow(deprecated)]

        use #krate::{Client, Error, RequestOptions, Upload, types};

        /// How many operations the sweep covers.
        pub(crate) const OPERATIONS: usize = #operations;

        /// What the sweep asks of the program that runs it.
        pub(crate) trait Harness {
            /// A small valid file, sent (cut to the allowed size) as every file part.
            const FILE: &'static [u8];

            /// A value for free-form object inputs.
            fn object() -> serde_json::Map<String, serde_json::Value>;

            /// Options that ask the server for the declared answer with `status`.
            fn prefer(status: u16) -> RequestOptions;

            /// Whether the declared error answers are asked for too.
            fn errors(&self) -> bool;

            /// Records a call that must be accepted and whose answer must decode.
            fn check<T>(&mut self, operation: &'static str, inputs: &str, result: Result<T, Error>);

            /// Records a call that asked for the error answer `status`, which must decode as
            /// the API's error.
            fn check_error<T>(&mut self, operation: &'static str, status: u16, result: Result<T, Error>);
        }

        /// Calls every operation through `client`, recording each outcome in `sweep`.
        pub(crate) async fn run<H: Harness>(client: &Client, sweep: &mut H) {
            #( #calls )*
        }
    }
}

/// `client.group().method(args)` with sample values of the required inputs, for the README's
/// quickstart.
pub(super) fn sample_call(api: &Api, accessor: &str, op: &Operation) -> TokenStream {
    let samples = Samples {
        types: api.types.iter().map(|t| (t.name.as_str(), t)).collect(),
        krate: ident(&api.settings.crate_name.replace('-', "_")),
    };
    samples.call(accessor, op, false)
}

impl Samples<'_> {
    /// `client.group().method(required args)` with every optional setter when `full`.
    fn call(&self, accessor: &str, op: &Operation, full: bool) -> TokenStream {
        let group = ident(accessor);
        let method = ident(&op.method_name);
        let args = op.required_inputs().map(|input| {
            let value = self.sample(input);
            if input.presence == Presence::RequiredNullable {
                quote!(Some(#value))
            } else {
                value
            }
        });
        let setters = op.optional_inputs().filter(|_| full).map(|input| {
            let setter = ident(&input.name);
            let value = self.sample(input);
            quote!(.#setter(#value))
        });
        quote!(client.#group().#method(#( #args ),*) #( #setters )*)
    }

    /// A value the input's argument or setter accepts.
    fn sample(&self, input: &Input) -> TokenStream {
        match &input.location {
            Location::Part(PartKind::File {
                content_types,
                max_size,
            }) => {
                let content_type = content_types.first().map_or("image/png", String::as_str);
                match max_size {
                    // A file within the size the spec allows.
                    Some(max) => {
                        let max = proc_macro2::Literal::usize_unsuffixed(
                            usize::try_from(*max).unwrap_or(usize::MAX),
                        );
                        quote!(Upload::new(
                            &H::FILE[..H::FILE.len().min(#max)],
                            "sample.png",
                            #content_type
                        ))
                    }
                    None => quote!(Upload::new(H::FILE, "sample.png", #content_type)),
                }
            }
            Location::Body if input.setter == SetterStyle::IntoPayload => {
                quote!(b"sample".to_vec())
            }
            _ => self.input(&input.ty, Some(&input.constraints), true),
        }
    }

    /// A value for an input whose builder method takes the type itself (a `Box` is added by
    /// the builder).
    fn input(&self, ty: &TypeRef, constraints: Option<&Constraints>, full: bool) -> TokenStream {
        match ty {
            TypeRef::Boxed(inner) => self.value(inner, constraints, full, 0),
            other => self.value(other, constraints, full, 0),
        }
    }

    /// A valid value of `ty`.
    fn value(
        &self,
        ty: &TypeRef,
        constraints: Option<&Constraints>,
        full: bool,
        depth: usize,
    ) -> TokenStream {
        match ty {
            TypeRef::String => {
                let text = string_samples(constraints)[0].clone();
                quote!(#text.to_owned())
            }
            TypeRef::Bool => quote!(true),
            TypeRef::Integer(_) => {
                let (min, max) = constraints.map_or((None, None), |c| (c.minimum, c.maximum));
                let mut value = min.unwrap_or(1).max(1);
                if let Some(max) = max {
                    value = value.min(max);
                }
                let value = Literal::i64_unsuffixed(value);
                quote!(#value)
            }
            TypeRef::Float(_) => quote!(1.5),
            TypeRef::Json => quote!(serde_json::json!("sample")),
            TypeRef::JsonObject => quote!(H::object()),
            // Two items, distinct where they are strings (for `uniqueItems`).
            TypeRef::Vec(inner) if **inner == TypeRef::String => {
                let items = string_samples(constraints);
                quote!(vec![#( #items.to_owned() ),*])
            }
            TypeRef::Vec(inner) => {
                let item = self.value(inner, None, full, depth + 1);
                quote!(vec![#item, #item])
            }
            TypeRef::Map(inner) => {
                let item = self.value(inner, None, full, depth + 1);
                quote!(std::collections::BTreeMap::from([("key".to_owned(), #item)]))
            }
            TypeRef::Option(inner) => {
                let item = self.value(inner, None, full, depth + 1);
                quote!(Some(#item))
            }
            TypeRef::Boxed(inner) => {
                let item = self.value(inner, None, full, depth + 1);
                quote!(Box::new(#item))
            }
            TypeRef::Bytes => quote!(b"sample".to_vec()),
            TypeRef::Unit => quote!(()),
            // The sample string of the schema's format, read as the external type.
            // Without samples of its own (an array's items), the type's zero value, which
            // the settings state in the type's own form.
            TypeRef::External(external) => {
                let text = match (
                    constraints.filter(|c| !c.samples.is_empty()),
                    &external.zero,
                ) {
                    (None, Some(zero)) => zero.clone(),
                    _ => string_samples(constraints)[0].clone(),
                };
                quote!(serde_json::from_value(serde_json::Value::String(#text.to_owned()))
                    .expect("the sample decodes as the external type"))
            }
            TypeRef::Named(name) => self.named(name, full, depth),
        }
    }

    fn named(&self, name: &str, full: bool, depth: usize) -> TokenStream {
        let type_name = ident(name);
        let Some(def) = self.types.get(name) else {
            return quote!(Default::default());
        };
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                let values = fields.iter().map(|field| {
                    let field_name = ident(&field.name);
                    let value = self.value(&field.ty, Some(&field.constraints), full, depth + 1);
                    let set = full && depth < 3;
                    let value = match field.presence {
                        Presence::Required => value,
                        Presence::RequiredNullable | Presence::Optional if set => {
                            quote!(Some(#value))
                        }
                        Presence::TriState if set => {
                            let krate = &self.krate;
                            quote!(Some(#krate::Nullable::Value(#value)))
                        }
                        Presence::RequiredNullable | Presence::Optional | Presence::TriState => {
                            quote!(None)
                        }
                    };
                    quote!(#field_name: #value,)
                });
                quote!(types::#type_name { #( #values )* })
            }
            TypeKind::Enum { variants, .. } => match variants.first() {
                Some(variant) => {
                    let variant = ident(&variant.name);
                    quote!(types::#type_name::#variant)
                }
                None => quote!(types::#type_name::from("sample")),
            },
            TypeKind::IntEnum { variants, .. } => match variants.first() {
                Some((variant, _)) => {
                    let variant = ident(variant);
                    quote!(types::#type_name::#variant)
                }
                None => quote!(types::#type_name::from(1)),
            },
            TypeKind::Tagged { variants, .. } | TypeKind::Untagged { variants } => {
                match variants.first() {
                    Some(variant) => {
                        let variant_name = ident(&variant.name);
                        let value = self.value(&variant.ty, None, full, depth + 1);
                        quote!(types::#type_name::#variant_name(#value))
                    }
                    None => quote!(Default::default()),
                }
            }
            TypeKind::Alias(inner) => self.value(inner, None, full, depth),
            TypeKind::Responses { .. } => quote!(Default::default()),
        }
    }
}

/// Strings the sweep sends for a string value: the schema's samples (which satisfy its pattern,
/// format or enum), else a word made of the allowed characters, else `sample`; two where two
/// are known or free to choose.
fn string_samples(constraints: Option<&Constraints>) -> Vec<String> {
    if let Some(samples) = constraints.map(|c| &c.samples).filter(|s| !s.is_empty()) {
        return samples.clone();
    }
    let ranges = constraints
        .and_then(|c| c.chars.as_ref())
        .map(|class| class.ranges.as_slice())
        .unwrap_or_default();
    let Some(&(start, end)) = ranges.first() else {
        return vec!["sample".to_owned(), "second".to_owned()];
    };
    let second = ranges
        .iter()
        .flat_map(|&(start, end)| [start, end])
        .find(|&c| c != start)
        .unwrap_or(end);
    let first = std::iter::repeat_n(start, 3).collect::<String>();
    let other = format!("{start}{start}{second}");
    if other == first {
        vec![first]
    } else {
        vec![first, other]
    }
}
