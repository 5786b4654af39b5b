//! The `types` module: one Rust type per named or inline schema.

use std::ops::Range;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, inner_doc_attrs};
use super::{ident, type_tokens};
use crate::ir::{
    Api, Capabilities, EnumVariant, Field, Presence, ResponseKind, StatusVariant, TypeDef,
    TypeKind, TypeRef, UnionVariant,
};

/// What every part of `types.rs` needs to know about the whole API, computed once.
pub struct TypesContext {
    sealed: std::collections::BTreeSet<String>,
    /// Types that always implement `Serialize`: sent, or held by a type that is.
    serialized: std::collections::BTreeSet<String>,
    /// Types that implement `Deserialize`.
    deserialized: std::collections::BTreeSet<String>,
    received: std::collections::BTreeSet<String>,
    /// Named types whose JSON is a scalar (open enums): nothing inside them is ever corrected.
    scalars: std::collections::BTreeSet<String>,
}

impl TypesContext {
    /// The body structs only their builder fills, and the types the client decodes.
    pub fn new(api: &Api) -> Self {
        let sent = api.sent_types();
        let received = api.received_types();
        // A type no operation uses gets both traits, and so does everything it holds.
        let unused: Vec<String> = api
            .types
            .iter()
            .filter(|def| !sent.contains(&def.name) && !received.contains(&def.name))
            .map(|def| def.name.clone())
            .collect();
        let serialized = api.reachable(sent.into_iter().chain(unused.iter().cloned()).collect());
        let deserialized = api.reachable(received.iter().cloned().chain(unused).collect());
        Self {
            sealed: api.sealed_bodies(),
            serialized,
            deserialized,
            // Only types the client decodes need a shape for the corrector.
            received,
            scalars: api
                .types
                .iter()
                .filter(|def| matches!(def.kind, TypeKind::Enum { .. } | TypeKind::IntEnum { .. }))
                .map(|def| def.name.clone())
                .collect(),
        }
    }
}

/// The part of the types module that holds the types in `range`, in order; the part that
/// starts at the first type also carries the module's documentation, lint attribute and
/// imports. The parts are formatted independently and their texts concatenated.
pub fn emit_types_part(api: &Api, cx: &TypesContext, range: Range<usize>) -> TokenStream {
    let first = range.start == 0;
    let items: TokenStream = api.types
        [range.start.min(api.types.len())..range.end.min(api.types.len())]
        .iter()
        .map(|def| {
            emit_type(
                def,
                cx.sealed.contains(&def.name),
                Serde::of(cx, &def.name),
                cx.received.contains(&def.name).then_some(&cx.scalars),
            )
        })
        .collect();
    if !first {
        return items;
    }
    let module_doc = inner_doc_attrs(&format!(
        "Request and response types of the {}, one per schema of the spec.",
        api.title
    ));
    // Only import the runtime facade when a type refers to it, so the module stays warning-free.
    let import = api
        .types
        .iter()
        .any(|def| mentions_codegen(def, cx.received.contains(&def.name)))
        .then(|| {
            quote!(
                use crate::runtime::codegen;
            )
        });
    // A type may hold a field of a deprecated type; the generated code that names it is not
    // the user's use of it, and users still see the warning when they name the type.
    let allow = api
        .types
        .iter()
        .any(|t| t.deprecated)
        .then(|| quote!(#![allow(deprecated)]));
    // The corrector never looks inside a type from another crate; it fills in the table's
    // zero value, if any, for a missing one. These impls come before the types, so their
    // place does not depend on where the module is cut into parts.
    let externals = api.external_types().into_iter().map(|external| {
        let ty = super::external_tokens(external);
        let shape = match &external.zero {
            Some(zero) => quote!(crate::runtime::codegen::Shape::Text(#zero)),
            None => quote!(crate::runtime::codegen::Shape::Any),
        };
        quote! {
            impl crate::runtime::codegen::Shaped for #ty {
                fn shape() -> crate::runtime::codegen::Shape {
                    #shape
                }
            }
        }
    });
    quote! {
        #module_doc
        #allow
        #import
        #( #externals )*
        #items
    }
}

/// Whether the code for `def` names the runtime facade (`shaped`: it implements `Shaped`).
fn mentions_codegen(def: &TypeDef, shaped: bool) -> bool {
    fn in_ref(ty: &crate::ir::TypeRef) -> bool {
        use crate::ir::TypeRef;
        match ty {
            TypeRef::Json | TypeRef::JsonObject => true,
            TypeRef::Vec(inner)
            | TypeRef::Map(inner)
            | TypeRef::Option(inner)
            | TypeRef::Boxed(inner) => in_ref(inner),
            _ => false,
        }
    }
    match &def.kind {
        TypeKind::Enum { .. } | TypeKind::Tagged { .. } => true,
        TypeKind::Struct { .. } | TypeKind::Untagged { .. } | TypeKind::IntEnum { .. }
            if shaped =>
        {
            true
        }
        TypeKind::Struct { fields, .. } => fields
            .iter()
            .any(|f| f.presence == Presence::TriState || in_ref(&f.ty)),
        TypeKind::Untagged { variants } => variants.iter().any(|v| in_ref(&v.ty)),
        TypeKind::IntEnum { .. } => false,
        TypeKind::Alias(ty) => in_ref(ty),
        TypeKind::Responses { variants, .. } => variants
            .iter()
            .any(|v| matches!(&v.kind, ResponseKind::Json(ty) if in_ref(ty))),
    }
}

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", feature = "b"))]`.
pub(super) fn cfg_features(features: &[String]) -> TokenStream {
    match features {
        [] => quote!(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any( #( feature = #many ),* ))]),
    }
}

/// Which serde traits a type implements: `Serialize` when the client sends it, `Deserialize`
/// when it receives it. A type the client only receives implements `Serialize` with the
/// crate's `serialize` feature, for callers who store or forward what they received; a type
/// it neither sends nor receives (no operation uses it) implements both.
#[derive(Clone, Copy)]
struct Serde {
    /// `true`: always; `false`: with the `serialize` feature.
    serialize: bool,
    deserialize: bool,
}

impl Serde {
    fn of(cx: &TypesContext, name: &str) -> Self {
        Self {
            serialize: cx.serialized.contains(name),
            deserialize: cx.deserialized.contains(name),
        }
    }

    fn serialize_attr(self) -> TokenStream {
        if self.serialize {
            quote!(#[derive(serde::Serialize)])
        } else {
            quote!(#[cfg_attr(feature = "serialize", derive(serde::Serialize))])
        }
    }

    fn deserialize_attr(self) -> TokenStream {
        if self.deserialize {
            quote!(#[derive(serde::Deserialize)])
        } else {
            quote!()
        }
    }
}

/// `received` holds the scalar type names when the client decodes the type (it then gets a
/// `Shaped` implementation).
fn emit_type(
    def: &TypeDef,
    sealed: bool,
    serde: Serde,
    received: Option<&std::collections::BTreeSet<String>>,
) -> TokenStream {
    let text = def
        .doc
        .clone()
        .unwrap_or_else(|| format!("The `{}` schema.", def.name));
    let doc = doc_attrs(&format!("{}\n\nSchema: `{}`.", text.trim_end(), def.origin));
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&def.name);
    let cfg = cfg_features(&def.features);
    let body = match &def.kind {
        TypeKind::Struct { fields, request } => {
            emit_struct(&cfg, &name, fields, *request, sealed, serde)
        }
        // Open enums are small; they keep both traits.
        TypeKind::Enum { variants, other } => emit_enum(&cfg, &name, variants, other),
        TypeKind::IntEnum { variants, other } => emit_int_enum(&cfg, &name, variants, other),
        TypeKind::Responses { variants, other } => emit_responses(&cfg, &name, variants, other),
        TypeKind::Tagged {
            property,
            variants,
            other,
        } => emit_tagged(&cfg, &name, property, variants, other, serde),
        TypeKind::Untagged { variants } => emit_untagged(&cfg, &name, variants, serde),
        TypeKind::Alias(ty) => {
            let ty = type_tokens(ty, &quote!());
            quote!(#cfg pub type #name = #ty;)
        }
    };
    let shape = received.map(|scalars| emit_shape(&cfg, &name, &def.kind, scalars));
    let aliases = def.previous_names.iter().map(|previous| {
        let alias = ident(previous);
        let note = format!("renamed to `{}`", def.name);
        let doc = doc_attrs(&format!("The earlier name of [`{}`].", def.name));
        quote! {
            #doc
            #cfg
            #[deprecated(note = #note)]
            pub type #alias = #name;
        }
    });
    quote! {
        #doc
        #deprecated
        #body
        #shape
        #( #aliases )*
    }
}

/// The type's `Shaped` implementation: what its JSON looks like, for the runtime to fill in
/// the zero value of a member a response lacks. Aliases are shaped by their target and
/// response enums are read by status, so neither has one.
///
/// A member that may be absent and holds a scalar needs nothing from the corrector but its
/// name (which tells union variants apart), so it is listed by name alone.
fn emit_shape(
    cfg: &TokenStream,
    name: &proc_macro2::Ident,
    kind: &TypeKind,
    scalars: &std::collections::BTreeSet<String>,
) -> TokenStream {
    let shape_of = |ty: TokenStream| quote!(codegen::shape::<#ty>);
    let shape = match kind {
        TypeKind::Struct { fields, .. } => {
            let members = fields.iter().map(|field| {
                let wire = &field.wire;
                if field.presence != Presence::Required && is_scalar(&field.ty, scalars) {
                    return quote!(codegen::Member::optional(#wire));
                }
                let required = field.presence == Presence::Required;
                let shape = shape_of(field_type(field, &quote!()));
                quote!(codegen::Member::new(#wire, #required, #shape))
            });
            quote! {
                const MEMBERS: &[codegen::Member] = &[ #( #members, )* ];
                codegen::Shape::Object(MEMBERS)
            }
        }
        TypeKind::Enum { .. } => quote!(codegen::Shape::String),
        TypeKind::IntEnum { .. } => quote!(codegen::Shape::Integer),
        TypeKind::Tagged {
            property, variants, ..
        } => {
            let variants = variants.iter().filter(|v| !v.tags.is_empty()).map(|v| {
                let tags = &v.tags;
                let shape = shape_of(type_tokens(&v.ty, &quote!()));
                quote!((&[ #( #tags ),* ], #shape))
            });
            quote! {
                const VARIANTS: &[codegen::TagVariant] = &[ #( #variants, )* ];
                codegen::Shape::Tagged { property: #property, variants: VARIANTS }
            }
        }
        TypeKind::Untagged { variants } => {
            let variants = variants
                .iter()
                .map(|v| shape_of(type_tokens(&v.ty, &quote!())));
            quote! {
                const VARIANTS: &[fn() -> codegen::Shape] = &[ #( #variants, )* ];
                codegen::Shape::OneOf(VARIANTS)
            }
        }
        TypeKind::Alias(_) | TypeKind::Responses { .. } => return quote!(),
    };
    quote! {
        #cfg impl codegen::Shaped for #name {
            fn shape() -> codegen::Shape {
                #shape
            }
        }
    }
}

/// Whether values of `ty` are JSON scalars (or any JSON), which the corrector never enters.
fn is_scalar(ty: &TypeRef, scalars: &std::collections::BTreeSet<String>) -> bool {
    ty.capabilities(&mut |name| Capabilities {
        display: false,
        opaque: scalars.contains(name),
    })
    .opaque
}

/// The Rust type of a field, with the `Option` its presence adds.
pub(super) fn field_type(field: &Field, types: &TokenStream) -> TokenStream {
    let ty = type_tokens(&field.ty, types);
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#ty>),
        Presence::TriState => quote!(Option<codegen::Nullable<#ty>>),
    }
}

/// The doc text of a field.
pub(super) fn field_doc(field: &Field) -> String {
    field
        .doc
        .clone()
        .unwrap_or_else(|| format!("The `{}` property.", field.wire))
}

fn emit_struct(
    cfg: &TokenStream,
    name: &proc_macro2::Ident,
    fields: &[Field],
    request: bool,
    sealed: bool,
    serde: Serde,
) -> TokenStream {
    let all_optional = fields
        .iter()
        .all(|f| matches!(f.presence, Presence::Optional | Presence::TriState));
    let default = (request && all_optional).then(|| quote!(Default,));
    // A response struct, or a body struct only its builder fills, may gain fields in a later
    // version without breaking callers: they read it, or never see it.
    let non_exhaustive = (!request || sealed).then(|| quote!(#[non_exhaustive]));
    // A request value the caller builds itself (an item of a list it sends) gets a constructor
    // of its required members, so that adding it does not mean spelling out every option.
    let constructor = (request && !sealed && !all_optional).then(|| constructor(cfg, name, fields));
    let fields = fields.iter().map(|field| {
        let doc = doc_attrs(&field_doc(field));
        let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
        let field_name = ident(&field.name);
        let ty = field_type(field, &quote!());
        let rename = (crate::naming::unraw(&field.name) != field.wire).then(|| {
            let wire = &field.wire;
            quote!(#[serde(rename = #wire)])
        });
        // serde reads a missing `Option` field as `None` by itself; what is left to say is
        // that an unset field is left out when sending, and how a tri-state field decodes.
        let presence = match (field.presence, serde.serialize, serde.deserialize) {
            (Presence::Required | Presence::RequiredNullable, ..) | (Presence::Optional, false, _) => {
                quote!()
            }
            (Presence::Optional, true, _) | (Presence::TriState, true, false) => {
                quote!(#[serde(skip_serializing_if = "Option::is_none")])
            }
            (Presence::TriState, _, _) => quote! {
                #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "codegen::tri_state")]
            },
        };
        quote! {
            #doc
            #deprecated
            #rename
            #presence
            pub #field_name: #ty,
        }
    });
    let (serialize, deserialize) = (serde.serialize_attr(), serde.deserialize_attr());
    quote! {
        #cfg #[derive(Debug, Clone, PartialEq, #default)]
        #serialize
        #deserialize
        #non_exhaustive
        pub struct #name {
            #( #fields )*
        }
        #constructor
    }
}

/// `new` with the required members as arguments (in field order) and every other one unset.
fn constructor(cfg: &TokenStream, name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let mut arguments = Vec::new();
    let values = fields.iter().map(|field| {
        let field_name = ident(&field.name);
        match field.presence {
            Presence::Required if field.ty == TypeRef::String => {
                arguments.push(quote!(#field_name: impl Into<String>));
                quote!(#field_name: #field_name.into())
            }
            Presence::Required | Presence::RequiredNullable => {
                let ty = field_type(field, &quote!());
                arguments.push(quote!(#field_name: #ty));
                quote!(#field_name)
            }
            Presence::Optional | Presence::TriState => quote!(#field_name: None),
        }
    });
    let values: Vec<TokenStream> = values.collect();
    let many = (arguments.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #cfg impl #name {
            /// A value with the required members given and every optional one unset.
            #many
            pub fn new(#( #arguments ),*) -> Self {
                Self { #( #values, )* }
            }
        }
    }
}

fn emit_enum(
    cfg: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[EnumVariant],
    other: &str,
) -> TokenStream {
    let other = ident(other);
    let names: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
    let docs = variants.iter().map(|v| doc_attrs(&format!("`{}`", v.wire)));
    quote! {
        #cfg #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #docs #names, )*
            /// A value this version of the client does not know, kept as sent.
            #other(String),
        }

        #cfg impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#names => #wires, )*
                    Self::#other(value) => value,
                }
            }
        }

        #cfg impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => Self::#names, )*
                    other => Self::#other(other.to_owned()),
                }
            }
        }

        #cfg impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #cfg impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #cfg impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                codegen::deserialize_str(deserializer).map(|value| Self::from(value.as_ref()))
            }
        }
    }
}

fn emit_int_enum(
    cfg: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[(String, i64)],
    other: &str,
) -> TokenStream {
    let other = ident(other);
    let names: Vec<_> = variants.iter().map(|(n, _)| ident(n)).collect();
    let values: Vec<_> = variants
        .iter()
        .map(|(_, v)| proc_macro2::Literal::i64_unsuffixed(*v))
        .collect();
    let docs = variants.iter().map(|(_, v)| doc_attrs(&format!("`{v}`")));
    quote! {
        #cfg #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #docs #names, )*
            /// A value this version of the client does not know, kept as sent.
            #other(i64),
        }

        #cfg impl #name {
            /// The value as sent on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    #( Self::#names => #values, )*
                    Self::#other(value) => *value,
                }
            }
        }

        #cfg impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #( #values => Self::#names, )*
                    other => Self::#other(other),
                }
            }
        }

        #cfg impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        #cfg impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        #cfg impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

fn emit_responses(
    cfg: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[StatusVariant],
    other: &str,
) -> TokenStream {
    let other = ident(other);
    let variants = variants.iter().map(|variant| {
        let doc = doc_attrs(&format!("Status `{}`.", variant.status));
        let variant_name = ident(&variant.name);
        match &variant.kind {
            ResponseKind::Json(ty) => {
                let ty = type_tokens(ty, &quote!());
                quote!(#doc #variant_name(#ty),)
            }
            // Lowering reads the events of one of several statuses as text.
            ResponseKind::Text | ResponseKind::Events(_) => quote!(#doc #variant_name(String),),
            ResponseKind::Bytes => quote!(#doc #variant_name(Vec<u8>),),
            ResponseKind::Empty | ResponseKind::ByStatus { .. } => quote!(#doc #variant_name,),
        }
    });
    quote! {
        #cfg #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #variants )*
            /// A 2xx status the spec does not declare, with its raw body.
            #other {
                /// The status code.
                status: u16,
                /// The body as received.
                body: Vec<u8>,
            },
        }
    }
}

fn variant_docs(variant: &UnionVariant) -> TokenStream {
    let text = if variant.tags.is_empty() {
        format!("A `{}`.", variant.name)
    } else {
        let tags: Vec<String> = variant.tags.iter().map(|t| format!("`{t}`")).collect();
        format!("Selected by {}.", tags.join(", "))
    };
    doc_attrs(&text)
}

fn emit_tagged(
    cfg: &TokenStream,
    name: &proc_macro2::Ident,
    property: &str,
    variants: &[UnionVariant],
    other: &str,
    serde: Serde,
) -> TokenStream {
    let other = ident(other);
    let docs = variants.iter().map(variant_docs);
    let names: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let types = variants.iter().map(|v| type_tokens(&v.ty, &quote!()));
    let arms = variants
        .iter()
        .filter(|v| !v.tags.is_empty())
        .map(|variant| {
            let variant_name = ident(&variant.name);
            let tags = &variant.tags;
            quote! {
                #( Some(#tags) )|* => codegen::from_value(value).map(Self::#variant_name),
            }
        });
    // Serialized as the variant's own value; decoded by the tag, by hand.
    let serialize = if serde.serialize {
        quote!(#[derive(serde::Serialize)] #[serde(untagged)])
    } else {
        quote!(#[cfg_attr(feature = "serialize", derive(serde::Serialize), serde(untagged))])
    };
    let deserialize = serde.deserialize.then(|| {
        quote! {
            #cfg impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <codegen::Value as serde::Deserialize>::deserialize(deserializer)?;
                    match value.get(#property).and_then(codegen::Value::as_str) {
                        #( #arms )*
                        _ => Ok(Self::#other(value)),
                    }
                }
            }
        }
    });
    quote! {
        #cfg #[derive(Debug, Clone, PartialEq)]
        #serialize
        #[non_exhaustive]
        pub enum #name {
            #( #docs #names(#types), )*
            /// An object whose tag this version of the client does not know, kept as JSON.
            #other(codegen::Value),
        }

        #deserialize
    }
}

fn emit_untagged(
    cfg: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[UnionVariant],
    serde: Serde,
) -> TokenStream {
    let docs = variants.iter().map(variant_docs);
    let names = variants.iter().map(|v| ident(&v.name));
    let types = variants.iter().map(|v| type_tokens(&v.ty, &quote!()));
    let (serialize, deserialize) = (serde.serialize_attr(), serde.deserialize_attr());
    quote! {
        #cfg #[derive(Debug, Clone, PartialEq)]
        #serialize
        #deserialize
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #( #docs #names(#types), )*
        }
    }
}
