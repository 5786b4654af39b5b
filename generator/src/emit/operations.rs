//! Operation groups: a handle per group and a request builder per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_attrs, inner_doc_attrs};
use super::types::{field_doc, field_type};
use super::{ident, type_tokens};
use crate::ir::{
    Api, Body, Constraints, Field, Group, Operation, PageShape, Pagination, Param, ParamEncoding,
    ParamLocation, PartKind, Presence, ResponseKind, TypeRef,
};
use crate::naming::unraw;

/// `operations/mod.rs`: declares one module per group.
pub fn emit_operations_mod(api: &Api) -> TokenStream {
    let doc = inner_doc_attrs("Request builders, one module per operation group.");
    let modules = api.groups.iter().map(|group| {
        let module = ident(&group.module);
        let text = format!("Operations of the `{}` group.", group.accessor);
        let doc = doc_attrs(group.doc.as_deref().unwrap_or(&text));
        let feature = &group.feature;
        quote! { #doc #[cfg(feature = #feature)] pub mod #module; }
    });
    quote! { #doc #( #modules )* }
}

/// One group's module.
pub fn emit_group(api: &Api, group: &Group) -> TokenStream {
    let module_doc = inner_doc_attrs(&format!(
        "Operations of the `{}` group{}",
        group.accessor,
        group
            .doc
            .as_deref()
            .map(|d| format!(": {d}"))
            .unwrap_or_else(|| ".".to_owned())
    ));
    let handle = ident(&group.type_name);
    let accessor = ident(&group.accessor);
    let group_doc = doc_attrs(
        group
            .doc
            .as_deref()
            .unwrap_or(&format!("Operations of the `{}` group.", group.accessor)),
    );
    let accessor_doc = doc_attrs(&format!(
        "Operations of the `{}` group{}",
        group.accessor,
        group
            .doc
            .as_deref()
            .map(|d| format!(": {d}"))
            .unwrap_or_else(|| ".".to_owned())
    ));
    let methods = group.operations.iter().map(emit_method);
    let builders = group.operations.iter().map(|op| emit_builder(api, op));
    let uses_types = group.operations.iter().any(uses_generated_types);
    let types_import = uses_types.then(|| {
        quote!(
            use crate::generated::types;
        )
    });
    quote! {
        #module_doc
        use crate::runtime::codegen::{self, Client, Error};
        #types_import

        #group_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'a> {
            client: &'a Client,
        }

        impl Client {
            #accessor_doc
            pub fn #accessor(&self) -> #handle<'_> {
                #handle { client: self }
            }
        }

        impl #handle<'_> {
            #( #methods )*
        }

        #( #builders )*
    }
}

fn uses_generated_types(op: &Operation) -> bool {
    let named = |ty: &TypeRef| contains_named(ty);
    op.path_params
        .iter()
        .chain(&op.params)
        .any(|p| named(&p.ty))
        || matches!(&op.response, ResponseKind::Json(ty) if named(ty))
        || matches!(&op.response, ResponseKind::ByStatus { .. })
        || match &op.body {
            Some(Body::JsonObject { .. } | Body::Form { .. }) => true,
            Some(Body::JsonValue { ty, .. }) => named(ty),
            Some(Body::Multipart { parts }) => parts
                .iter()
                .any(|p| matches!(&p.kind, PartKind::Text(ty) if named(ty))),
            _ => false,
        }
}

fn contains_named(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) => true,
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Boxed(inner) => contains_named(inner),
        _ => false,
    }
}

fn types_path() -> TokenStream {
    quote!(types::)
}

/// How a caller passes a value of `ty`: the argument type and the conversion to the stored type.
fn input(ty: &TypeRef) -> (TokenStream, fn(TokenStream) -> TokenStream) {
    match ty {
        TypeRef::String => (quote!(impl Into<String>), |v| quote!(#v.into())),
        TypeRef::Vec(inner) if **inner == TypeRef::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            |v| quote!(#v.into_iter().map(Into::into).collect()),
        ),
        TypeRef::Boxed(inner) => (type_tokens(inner, &types_path()), |v| quote!(Box::new(#v))),
        other => (type_tokens(other, &types_path()), |v| v),
    }
}

/// One constructor argument of a builder.
struct Arg {
    name: proc_macro2::Ident,
    ty: TokenStream,
    init: TokenStream,
    doc: String,
}

/// The inputs every call must give: path parameters, required parameters and required body
/// fields and parts, in that order.
fn required_args(op: &Operation) -> Vec<Arg> {
    let mut args = Vec::new();
    for param in op
        .path_params
        .iter()
        .chain(op.params.iter().filter(|p| p.required))
    {
        let (ty, convert) = input(&param.ty);
        let name = ident(&param.name);
        args.push(Arg {
            init: convert(quote!(#name)),
            name,
            ty,
            doc: param.doc.clone().unwrap_or_default(),
        });
    }
    match &op.body {
        Some(
            Body::JsonObject {
                fields, setters, ..
            }
            | Body::Form {
                fields, setters, ..
            },
        ) => {
            for (field, setter) in fields.iter().zip(setters) {
                let name = ident(setter);
                match field.presence {
                    Presence::Required => {
                        let (ty, convert) = input(&field.ty);
                        args.push(Arg {
                            init: convert(quote!(#name)),
                            name,
                            ty,
                            doc: field_doc(field),
                        });
                    }
                    Presence::RequiredNullable => {
                        let ty = field_type(field, &types_path());
                        args.push(Arg {
                            init: quote!(#name),
                            name,
                            ty,
                            doc: field_doc(field),
                        });
                    }
                    Presence::Optional | Presence::TriState => {}
                }
            }
        }
        Some(Body::JsonValue { ty, required: true }) => {
            let (ty, convert) = input(ty);
            args.push(Arg {
                init: convert(quote!(body)),
                name: format_ident!("body"),
                ty,
                doc: "The request body.".into(),
            });
        }
        Some(Body::Raw { required: true, .. }) => args.push(Arg {
            name: format_ident!("body"),
            ty: quote!(impl Into<Vec<u8>>),
            init: quote!(body.into()),
            doc: "The request body.".into(),
        }),
        Some(Body::Multipart { parts }) => {
            for part in parts.iter().filter(|p| p.required) {
                let name = ident(&part.name);
                let (ty, init) = match &part.kind {
                    PartKind::File { .. } => (quote!(codegen::Upload), quote!(#name)),
                    PartKind::Text(ty) => {
                        let (ty, convert) = input(ty);
                        (ty, convert(quote!(#name)))
                    }
                };
                args.push(Arg {
                    name,
                    ty,
                    init,
                    doc: part.doc.clone().unwrap_or_default(),
                });
            }
        }
        _ => {}
    }
    args
}

fn method_doc(op: &Operation, args: &[Arg]) -> String {
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(summary.trim());
        text.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        if op.summary.as_deref().map(str::trim) != Some(description.trim()) {
            text.push_str(description.trim());
            text.push_str("\n\n");
        }
    }
    text.push_str(&format!(
        "Sends `{} {}` (operation `{}`, spec `{}`).",
        op.http_method, op.path, op.operation_id, op.origin
    ));
    if !args.is_empty() {
        text.push_str("\n\n# Arguments\n");
        for arg in args {
            let doc = arg.doc.trim().replace('\n', " ");
            text.push_str(&format!("\n- `{}`: {}", unraw(&arg.name.to_string()), doc));
        }
    }
    let optional = optional_inputs(op);
    if !optional.is_empty() {
        text.push_str("\n\n# Optional inputs\n\nSet on the returned builder: ");
        let list: Vec<String> = optional.iter().map(|n| format!("`{n}`")).collect();
        text.push_str(&list.join(", "));
        text.push('.');
    }
    if !op.statuses.is_empty() {
        text.push_str("\n\n# Responses\n");
        for (status, description) in &op.statuses {
            text.push_str(&format!(
                "\n- `{status}`: {}",
                description.trim().replace('\n', " ")
            ));
        }
    }
    text
}

fn optional_inputs(op: &Operation) -> Vec<String> {
    let mut names: Vec<String> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| unraw(&p.name).to_owned())
        .collect();
    match &op.body {
        Some(
            Body::JsonObject {
                fields, setters, ..
            }
            | Body::Form {
                fields, setters, ..
            },
        ) => {
            for (field, setter) in fields.iter().zip(setters) {
                if matches!(field.presence, Presence::Optional | Presence::TriState) {
                    names.push(unraw(setter).to_owned());
                }
            }
        }
        Some(Body::Multipart { parts }) => {
            names.extend(
                parts
                    .iter()
                    .filter(|p| !p.required)
                    .map(|p| unraw(&p.name).to_owned()),
            );
        }
        Some(
            Body::JsonValue {
                required: false, ..
            }
            | Body::Raw {
                required: false, ..
            },
        ) => names.push("body".into()),
        _ => {}
    }
    names
}

fn deprecated_attr(deprecated: bool) -> Option<TokenStream> {
    deprecated.then(|| quote!(#[deprecated]))
}

fn emit_method(op: &Operation) -> TokenStream {
    let args = required_args(op);
    let doc = doc_attrs(&method_doc(op, &args));
    let deprecated = deprecated_attr(op.deprecated);
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let params = args.iter().map(|a| {
        let (name, ty) = (&a.name, &a.ty);
        quote!(#name: #ty)
    });
    let inits = builder_inits(op, &args);
    // The builder starts with every field, deprecated ones included.
    let allow = has_deprecated_body_fields(op).then(|| quote!(#[allow(deprecated)]));
    quote! {
        #doc
        #deprecated
        #allow
        pub fn #method(&self, #( #params ),*) -> #builder {
            #builder {
                client: self.client.clone(),
                options: codegen::RequestOptions::default(),
                #( #inits )*
            }
        }
    }
}

fn has_deprecated_body_fields(op: &Operation) -> bool {
    matches!(&op.body, Some(Body::JsonObject { fields, .. } | Body::Form { fields, .. }) if fields.iter().any(|f| f.deprecated))
}

/// Field initializers of a new builder.
fn builder_inits(op: &Operation, args: &[Arg]) -> Vec<TokenStream> {
    let arg_init = |name: &str| args.iter().find(|a| a.name == name).map(|a| a.init.clone());
    let mut inits = Vec::new();
    for param in op.path_params.iter().chain(&op.params) {
        let name = ident(&param.name);
        let value = arg_init(&param.name)
            .filter(|_| param.required)
            .unwrap_or_else(|| quote!(None));
        inits.push(field_init(&name, value));
    }
    match &op.body {
        Some(
            Body::JsonObject {
                type_name,
                fields,
                setters,
            }
            | Body::Form {
                type_name,
                fields,
                setters,
            },
        ) => {
            let type_name = ident(type_name);
            let values = fields.iter().zip(setters).map(|(field, setter)| {
                let field_name = ident(&field.name);
                let value = match field.presence {
                    Presence::Required | Presence::RequiredNullable => {
                        arg_init(setter).unwrap_or_else(|| quote!(None))
                    }
                    Presence::Optional | Presence::TriState => quote!(None),
                };
                field_init(&field_name, value)
            });
            inits.push(quote!(body: types::#type_name { #( #values )* },));
        }
        Some(Body::JsonValue { required, .. } | Body::Raw { required, .. }) => {
            let value = if *required {
                arg_init("body").unwrap_or_else(|| quote!(None))
            } else {
                quote!(None)
            };
            inits.push(field_init(&format_ident!("body"), value));
        }
        Some(Body::Multipart { parts }) => {
            for part in parts {
                let name = ident(&part.name);
                let value = if part.required {
                    arg_init(&part.name).unwrap_or_else(|| quote!(None))
                } else {
                    quote!(None)
                };
                inits.push(field_init(&name, value));
            }
        }
        None => {}
    }
    inits
}

/// `name: value,`, or the shorthand `name,` when the value is the variable of that name.
fn field_init(name: &proc_macro2::Ident, value: TokenStream) -> TokenStream {
    if *name == value.to_string() {
        quote!(#name,)
    } else {
        quote!(#name: #value,)
    }
}

fn param_storage(param: &Param) -> TokenStream {
    let ty = type_tokens(&param.ty, &types_path());
    if param.required {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

fn emit_builder(api: &Api, op: &Operation) -> TokenStream {
    let builder = ident(&op.builder_name);
    let method = unraw(&op.method_name);
    let builder_doc = doc_attrs(&format!(
        "Request builder for `{} {}` (operation `{}`), made by the group's `{method}` method. Set optional inputs, then call `send`.",
        op.http_method, op.path, op.operation_id
    ));
    let mut fields = Vec::new();
    for param in op.path_params.iter().chain(&op.params) {
        let name = ident(&param.name);
        let ty = param_storage(param);
        fields.push(quote!(#name: #ty,));
    }
    match &op.body {
        Some(Body::JsonObject { type_name, .. } | Body::Form { type_name, .. }) => {
            let type_name = ident(type_name);
            fields.push(quote!(body: types::#type_name,));
        }
        Some(Body::JsonValue { ty, required }) => {
            let ty = type_tokens(ty, &types_path());
            fields.push(if *required {
                quote!(body: #ty,)
            } else {
                quote!(body: Option<#ty>,)
            });
        }
        Some(Body::Raw { required, .. }) => {
            fields.push(if *required {
                quote!(body: Vec<u8>,)
            } else {
                quote!(body: Option<Vec<u8>>,)
            });
        }
        Some(Body::Multipart { parts }) => {
            for part in parts {
                let name = ident(&part.name);
                let ty = match &part.kind {
                    PartKind::File { .. } => quote!(codegen::Upload),
                    PartKind::Text(ty) => type_tokens(ty, &types_path()),
                };
                fields.push(if part.required {
                    quote!(#name: #ty,)
                } else {
                    quote!(#name: Option<#ty>,)
                });
            }
        }
        None => {}
    }
    let setters = setters(op);
    let send = emit_send(api, op);
    let stream = op.pagination.as_ref().map(|p| emit_stream(op, p));
    quote! {
        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder {
            client: Client,
            options: codegen::RequestOptions,
            #( #fields )*
        }

        impl #builder {
            #( #setters )*

            /// Overrides the client's timeout, retry policy or headers for this request.
            pub fn with_options(mut self, options: codegen::RequestOptions) -> Self {
                self.options = options;
                self
            }

            #send
            #stream
        }
    }
}

fn setters(op: &Operation) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for param in op.params.iter().filter(|p| !p.required) {
        let name = ident(&param.name);
        let (ty, convert) = input(&param.ty);
        let value = convert(quote!(value));
        let doc = doc_attrs(
            param
                .doc
                .as_deref()
                .unwrap_or(&format!("Sets the `{}` parameter.", param.wire)),
        );
        let deprecated = deprecated_attr(param.deprecated);
        out.push(quote! {
            #doc
            #deprecated
            pub fn #name(mut self, value: #ty) -> Self {
                self.#name = Some(#value);
                self
            }
        });
    }
    match &op.body {
        Some(
            Body::JsonObject {
                fields, setters, ..
            }
            | Body::Form {
                fields, setters, ..
            },
        ) => {
            for (field, setter) in fields.iter().zip(setters) {
                out.extend(body_setter(field, setter));
            }
        }
        Some(Body::JsonValue {
            ty,
            required: false,
        }) => {
            let (ty, convert) = input(ty);
            let value = convert(quote!(value));
            out.push(quote! {
                /// Sets the request body.
                pub fn body(mut self, value: #ty) -> Self {
                    self.body = Some(#value);
                    self
                }
            });
        }
        Some(Body::Raw {
            required: false, ..
        }) => out.push(quote! {
            /// Sets the request body.
            pub fn body(mut self, value: impl Into<Vec<u8>>) -> Self {
                self.body = Some(value.into());
                self
            }
        }),
        Some(Body::Multipart { parts }) => {
            for part in parts.iter().filter(|p| !p.required) {
                let name = ident(&part.name);
                let doc = doc_attrs(
                    part.doc
                        .as_deref()
                        .unwrap_or(&format!("Sets the `{}` part.", part.wire)),
                );
                let (ty, value) = match &part.kind {
                    PartKind::File { .. } => (quote!(codegen::Upload), quote!(value)),
                    PartKind::Text(ty) => {
                        let (ty, convert) = input(ty);
                        (ty, convert(quote!(value)))
                    }
                };
                out.push(quote! {
                    #doc
                    pub fn #name(mut self, value: #ty) -> Self {
                        self.#name = Some(#value);
                        self
                    }
                });
            }
        }
        _ => {}
    }
    out
}

fn body_setter(field: &Field, setter: &str) -> Vec<TokenStream> {
    if matches!(
        field.presence,
        Presence::Required | Presence::RequiredNullable
    ) {
        return Vec::new();
    }
    let name = ident(setter);
    let field_name = ident(&field.name);
    let (ty, convert) = input(&field.ty);
    let value = convert(quote!(value));
    let doc = doc_attrs(&field_doc(field));
    // A deprecated field's setter is deprecated itself, and writes the field without a warning.
    let deprecated = field
        .deprecated
        .then(|| quote!(#[deprecated] #[allow(deprecated)]));
    let mut out = Vec::new();
    if field.presence == Presence::TriState {
        out.push(quote! {
            #doc
            #deprecated
            pub fn #name(mut self, value: #ty) -> Self {
                self.body.#field_name = Some(codegen::Nullable::Value(#value));
                self
            }
        });
        let clear = format_ident!("clear_{}", unraw(setter));
        let clear_doc = doc_attrs(&format!(
            "Sends `{}` as `null`, which clears it.",
            field.wire
        ));
        out.push(quote! {
            #clear_doc
            #deprecated
            pub fn #clear(mut self) -> Self {
                self.body.#field_name = Some(codegen::Nullable::Null);
                self
            }
        });
    } else {
        out.push(quote! {
            #doc
            #deprecated
            pub fn #name(mut self, value: #ty) -> Self {
                self.body.#field_name = Some(#value);
                self
            }
        });
    }
    out
}

fn emit_send(api: &Api, op: &Operation) -> TokenStream {
    let operation_id = &op.operation_id;
    let method = format_ident!("{}", op.http_method);
    let path = &op.path;
    let mut steps = Vec::new();
    for param in &op.path_params {
        let name = ident(&param.name);
        let wire = &param.wire;
        steps.push(quote!(request.path_param(#wire, &self.#name);));
    }
    for param in &op.params {
        steps.push(param_step(param));
    }
    if let Some(body) = &op.body {
        steps.push(body_constraint_steps(body));
        steps.push(body_step(body));
    }
    let (output, call) = match &op.response {
        ResponseKind::Json(ty) => {
            let ty = type_tokens(ty, &types_path());
            (ty.clone(), quote!(request.send_json::<#ty>().await))
        }
        ResponseKind::Text => (quote!(String), quote!(request.send_text().await)),
        ResponseKind::Bytes => (quote!(Vec<u8>), quote!(request.send_bytes().await)),
        ResponseKind::Empty => (quote!(()), quote!(request.send_empty().await)),
        ResponseKind::ByStatus {
            type_name,
            variants,
            other,
        } => {
            let type_name = ident(type_name);
            let other = ident(other);
            let arms = variants.iter().map(|variant| {
                let status = proc_macro2::Literal::u16_unsuffixed(variant.status);
                let name = ident(&variant.name);
                match &variant.kind {
                    ResponseKind::Json(ty) => {
                        let ty = type_tokens(ty, &types_path());
                        quote!(#status => codegen::decode_json::<#ty>(#operation_id, &body).map(types::#type_name::#name),)
                    }
                    ResponseKind::Text => {
                        quote!(#status => Ok(types::#type_name::#name(String::from_utf8_lossy(&body).into_owned())),)
                    }
                    ResponseKind::Bytes => quote!(#status => Ok(types::#type_name::#name(body)),),
                    ResponseKind::Empty | ResponseKind::ByStatus { .. } => quote!(#status => Ok(types::#type_name::#name),),
                }
            });
            (
                quote!(types::#type_name),
                quote! {
                    let (status, body) = request.send_raw().await?;
                    match status {
                        #( #arms )*
                        status => Ok(types::#type_name::#other { status, body }),
                    }
                },
            )
        }
    };
    let output_doc = match &op.response {
        ResponseKind::Json(_) => "decoded",
        ResponseKind::Text => "as text",
        ResponseKind::Bytes => "as bytes",
        ResponseKind::Empty => "(which has no body)",
        ResponseKind::ByStatus { .. } => "as the variant of its status",
    };
    let doc = doc_attrs(&format!(
        "Sends the request and returns the successful response {output_doc}.\n\n# Errors\n\nAn [`Error`] when an input is invalid (nothing is sent then), the request cannot be sent, the {} answers with an error status, or the response cannot be decoded.",
        api.title
    ));
    let mutability = (!steps.is_empty()).then(|| quote!(mut));
    quote! {
        #doc
        pub async fn send(self) -> Result<#output, Error> {
            let #mutability request = codegen::Request::new(
                self.client,
                self.options,
                #operation_id,
                codegen::Method::#method,
                #path,
            );
            #( #steps )*
            #call
        }
    }
}

fn emit_stream(op: &Operation, pagination: &Pagination) -> TokenStream {
    let item = type_tokens(&pagination.item, &types_path());
    let (limit, offset) = (ident(&pagination.limit), ident(&pagination.offset));
    let default_limit = proc_macro2::Literal::i64_unsuffixed(pagination.default_limit);
    let page = match &pagination.shape {
        PageShape::Array => quote!(codegen::Page {
            items: response,
            total: None
        }),
        PageShape::Envelope { items, total } => {
            let items = ident(items);
            let total = match total {
                Some((name, Presence::Required)) => {
                    let name = ident(name);
                    quote!(Some(response.#name))
                }
                Some((name, _)) => {
                    let name = ident(name);
                    quote!(response.#name)
                }
                None => quote!(None),
            };
            quote!(codegen::Page { items: response.#items, total: #total })
        }
    };
    let doc = doc_attrs(&format!(
        "Streams the items of every page, sending `{} {}` again with a growing `{}` as the stream is read.\n\nPages hold `{}` items (default {}), starting at `{}` (default 0); only the current page is kept in memory. The stream ends after the last page, or after the first error, which it yields.",
        op.http_method,
        op.path,
        pagination.offset,
        pagination.limit,
        pagination.default_limit,
        pagination.offset
    ));
    quote! {
        #doc
        pub fn stream(self) -> impl codegen::Stream<Item = Result<#item, Error>> + Send + 'static {
            let limit = self.#limit.unwrap_or(#default_limit);
            let offset = self.#offset.unwrap_or(0);
            codegen::paginate(self, offset, limit, |mut page: Self, offset, limit| async move {
                page.#offset = Some(offset);
                page.#limit = Some(limit);
                let response = page.send().await?;
                Ok(#page)
            })
        }
    }
}

fn param_step(param: &Param) -> TokenStream {
    let name = ident(&param.name);
    let wire = &param.wire;
    let value = if param.required {
        quote!(Some(&self.#name))
    } else {
        quote!(self.#name.as_ref())
    };
    let mut steps = vec![constraint_steps(
        wire,
        &value,
        &param.ty,
        &param.constraints,
    )];
    let method = match (param.location, param.encoding) {
        (ParamLocation::Query, ParamEncoding::Display) => quote!(query),
        (ParamLocation::Query, ParamEncoding::Each) => quote!(query_each),
        (ParamLocation::Query, ParamEncoding::Json) => quote!(query_json),
        (ParamLocation::Header, ParamEncoding::Display) => quote!(header),
        (ParamLocation::Header, ParamEncoding::Each) => quote!(header_each),
        (ParamLocation::Header, ParamEncoding::Json) => quote!(header_json),
        (ParamLocation::Cookie, ParamEncoding::Display) => quote!(cookie),
        (ParamLocation::Cookie, ParamEncoding::Each) => quote!(cookie_each),
        (ParamLocation::Cookie, ParamEncoding::Json) => quote!(cookie_json),
        (ParamLocation::Path, _) => quote!(path_param),
    };
    let value = if param.encoding == ParamEncoding::Each {
        if param.required {
            quote!(Some(self.#name.as_slice()))
        } else {
            quote!(self.#name.as_deref())
        }
    } else {
        value
    };
    steps.push(quote!(request.#method(#wire, #value);));
    quote!(#( #steps )*)
}

/// Client-side checks of one input; `value` is an expression of type `Option<&T>`.
fn constraint_steps(wire: &str, value: &TokenStream, ty: &TypeRef, c: &Constraints) -> TokenStream {
    let mut steps = Vec::new();
    if (c.minimum.is_some() || c.maximum.is_some()) && matches!(ty, TypeRef::Integer(_)) {
        let min = option_tokens(c.minimum);
        let max = option_tokens(c.maximum);
        steps.push(quote!(request.check_range(#wire, #value, #min, #max);));
    }
    if let (Some(max), TypeRef::Vec(_)) = (c.max_items, ty) {
        let max = proc_macro2::Literal::u64_unsuffixed(max);
        steps.push(quote!(request.check_max_items(#wire, #value, #max);));
    }
    if let (Some(class), TypeRef::String) = (&c.chars, ty) {
        let starts = class.ranges.iter().map(|r| r.0);
        let ends = class.ranges.iter().map(|r| r.1);
        let (pattern, allow_empty) = (&class.pattern, class.allow_empty);
        steps.push(quote! {
            request.check_chars(#wire, #value, &[#( (#starts, #ends) ),*], #allow_empty, #pattern);
        });
    }
    quote!(#( #steps )*)
}

/// Checks of the body's fields.
fn body_constraint_steps(body: &Body) -> TokenStream {
    let (Body::JsonObject { fields, .. } | Body::Form { fields, .. }) = body else {
        return quote!();
    };
    let steps = fields.iter().map(|field| {
        let name = ident(&field.name);
        let value = match field.presence {
            Presence::Required => quote!(Some(&self.body.#name)),
            Presence::RequiredNullable | Presence::Optional => quote!(self.body.#name.as_ref()),
            Presence::TriState => {
                quote!(self.body.#name.as_ref().and_then(codegen::Nullable::as_ref))
            }
        };
        constraint_steps(&field.wire, &value, &field.ty, &field.constraints)
    });
    quote!(#( #steps )*)
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

fn body_step(body: &Body) -> TokenStream {
    match body {
        Body::JsonObject { .. } => quote!(request.json(&self.body);),
        Body::Form { .. } => quote!(request.form(&self.body);),
        Body::JsonValue { required: true, .. } => quote!(request.json(&self.body);),
        Body::JsonValue {
            required: false, ..
        } => quote! {
            if let Some(body) = &self.body {
                request.json(body);
            }
        },
        Body::Raw {
            content_type,
            required,
        } => {
            let value = if *required {
                quote!(Some(self.body))
            } else {
                quote!(self.body)
            };
            quote!(request.raw(#content_type, #value);)
        }
        Body::Multipart { parts } => {
            let steps = parts.iter().map(|part| {
                let name = ident(&part.name);
                let wire = &part.wire;
                let value = if part.required {
                    quote!(Some(self.#name))
                } else {
                    quote!(self.#name)
                };
                match &part.kind {
                    PartKind::File {
                        content_types,
                        max_size,
                    } => {
                        let max = match max_size {
                            Some(size) => {
                                let size = proc_macro2::Literal::u64_unsuffixed(*size);
                                quote!(Some(#size))
                            }
                            None => quote!(None),
                        };
                        quote!(request.file_part(#wire, #value, &[#( #content_types ),*], #max);)
                    }
                    PartKind::Text(_) => {
                        let value = if part.required {
                            quote!(Some(&self.#name))
                        } else {
                            quote!(self.#name.as_ref())
                        };
                        quote!(request.text_part(#wire, #value);)
                    }
                }
            });
            quote! {
                request.multipart();
                #( #steps )*
            }
        }
    }
}
