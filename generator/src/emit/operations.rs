//! Operation groups: a handle per group and a request builder per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, inner_doc_attrs, sanitize, trusted_doc_attrs};
use super::{ident, type_tokens};
use crate::ir::{
    Api, BodyEncoding, Group, HttpMethod, Input, IntType, Location, Operation, PageShape,
    Pagination, ParamEncoding, ParamStyle, PartKind, Presence, ResponseKind, SetterStyle, TypeKind,
    TypeRef,
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
    // Operations that send or return a deprecated type name it; users see the deprecation
    // where they name the type themselves.
    let allow = group
        .operations
        .iter()
        .any(|op| mentions_deprecated(api, op))
        .then(|| quote!(#![allow(deprecated)]));
    quote! {
        #module_doc
        #allow
        use std::future::Future;
        use crate::generated::{Client, Error};
        use crate::runtime::codegen;
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
    op.inputs.iter().any(|i| contains_named(&i.ty))
        || op.body.as_ref().is_some_and(|b| b.structure.is_some())
        || matches!(&op.response, ResponseKind::Json(ty) if contains_named(ty))
        || matches!(&op.response, ResponseKind::ByStatus(_))
}

/// Whether an operation's inputs, body or response name a deprecated type.
fn mentions_deprecated(api: &Api, op: &Operation) -> bool {
    fn deprecated_in(api: &Api, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(name) => api.type_def(name).is_some_and(|t| t.deprecated),
            TypeRef::Vec(inner)
            | TypeRef::Map(inner)
            | TypeRef::Option(inner)
            | TypeRef::Boxed(inner) => deprecated_in(api, inner),
            _ => false,
        }
    }
    let named = |name: &String| deprecated_in(api, &TypeRef::Named(name.clone()));
    op.inputs.iter().any(|i| deprecated_in(api, &i.ty))
        || op
            .body
            .as_ref()
            .and_then(|b| b.structure.as_ref())
            .is_some_and(named)
        || match &op.response {
            ResponseKind::Json(ty) => deprecated_in(api, ty),
            ResponseKind::ByStatus(name) => named(name),
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

/// The type a builder stores for an input that is not a body field: `T`, or `Option<T>` for
/// an optional one.
fn storage_type(input: &Input) -> TokenStream {
    let ty = match &input.location {
        Location::Part(PartKind::File { .. }) => quote!(codegen::Upload),
        _ => type_tokens(&input.ty, &types_path()),
    };
    if input.presence == Presence::Required {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

/// How a caller passes an input: the parameter type of its argument or setter, and the
/// expression that turns the parameter `value` into the stored value.
fn accepted(input: &Input, value: &TokenStream) -> (TokenStream, TokenStream) {
    if input.presence == Presence::RequiredNullable {
        let ty = type_tokens(&input.ty, &types_path());
        return (quote!(Option<#ty>), value.clone());
    }
    match input.setter {
        SetterStyle::IntoString => (quote!(impl Into<String>), quote!(#value.into())),
        SetterStyle::IntoStrings => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(#value.into_iter().map(Into::into).collect()),
        ),
        SetterStyle::IntoBytes => (quote!(impl Into<Vec<u8>>), quote!(#value.into())),
        SetterStyle::Upload => (quote!(codegen::Upload), value.clone()),
        SetterStyle::Boxed => {
            let inner = match &input.ty {
                TypeRef::Boxed(inner) => inner.as_ref(),
                other => other,
            };
            (type_tokens(inner, &types_path()), quote!(Box::new(#value)))
        }
        SetterStyle::Value => (type_tokens(&input.ty, &types_path()), value.clone()),
    }
}

/// The doc text of an input's argument (`setter: false`) or setter.
fn input_doc(input: &Input, setter: bool) -> String {
    if let Some(doc) = &input.doc {
        return doc.clone();
    }
    match (&input.location, setter) {
        (Location::BodyField(_), _) => format!("The `{}` property.", input.wire),
        (Location::Body, true) => "Sets the request body.".to_owned(),
        (Location::Body, false) => "The request body.".to_owned(),
        (Location::Part(_), true) => format!("Sets the `{}` part.", input.wire),
        (_, true) => format!("Sets the `{}` parameter.", input.wire),
        (_, false) => String::new(),
    }
}

/// Where the builder keeps an input: `self.name`, or `self.body.field` for a body field.
fn place(input: &Input) -> TokenStream {
    let name = ident(&input.name);
    match &input.location {
        Location::BodyField(field) => {
            let field = ident(field);
            quote!(body.#field)
        }
        _ => quote!(#name),
    }
}

fn method_doc(op: &Operation) -> String {
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
    let arguments: Vec<&Input> = op.required_inputs().collect();
    if !arguments.is_empty() {
        text.push_str("\n\n# Arguments\n");
        for input in arguments {
            let doc = input_doc(input, false).trim().replace('\n', " ");
            text.push_str(&format!("\n- `{}`: {}", unraw(&input.name), doc));
        }
    }
    let optional: Vec<String> = op
        .optional_inputs()
        .map(|i| format!("`{}`", unraw(&i.name)))
        .collect();
    if !optional.is_empty() {
        text.push_str("\n\n# Optional inputs\n\nSet on the returned builder: ");
        text.push_str(&optional.join(", "));
        text.push('.');
    }
    if !op.statuses.is_empty() {
        text.push_str("\n\n# Responses\n");
        for status in &op.statuses {
            text.push_str(&format!(
                "\n- `{}`: {}",
                status.status,
                status.description.trim().replace('\n', " ")
            ));
        }
    }
    text
}

fn deprecated_attr(deprecated: bool) -> Option<TokenStream> {
    deprecated.then(|| quote!(#[deprecated]))
}

fn emit_method(op: &Operation) -> TokenStream {
    let doc = doc_attrs(&method_doc(op));
    let deprecated = deprecated_attr(op.deprecated);
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let params = op.required_inputs().map(|input| {
        let name = ident(&input.name);
        let (ty, _) = accepted(input, &quote!(#name));
        quote!(#name: #ty)
    });
    let mut inits = Vec::new();
    let mut body_fields = Vec::new();
    for input in &op.inputs {
        let name = ident(&input.name);
        let value = if input.presence.is_required() {
            accepted(input, &quote!(#name)).1
        } else {
            quote!(None)
        };
        match &input.location {
            Location::BodyField(field) => body_fields.push(field_init(&ident(field), value)),
            _ => inits.push(field_init(&name, value)),
        }
    }
    if let Some(structure) = op.body.as_ref().and_then(|b| b.structure.as_ref()) {
        let structure = ident(structure);
        inits.push(quote!(body: types::#structure { #( #body_fields )* },));
    }
    // The builder starts with every field, deprecated ones included.
    let allow = op
        .inputs
        .iter()
        .any(|i| i.deprecated && matches!(i.location, Location::BodyField(_)))
        .then(|| quote!(#[allow(deprecated)]));
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

/// `name: value,`, or the shorthand `name,` when the value is the variable of that name.
fn field_init(name: &proc_macro2::Ident, value: TokenStream) -> TokenStream {
    if *name == value.to_string() {
        quote!(#name,)
    } else {
        quote!(#name: #value,)
    }
}

fn emit_builder(api: &Api, op: &Operation) -> TokenStream {
    let builder = ident(&op.builder_name);
    let method = unraw(&op.method_name);
    let builder_doc = doc_attrs(&format!(
        "Request builder for `{} {}` (operation `{}`), made by the group's `{method}` method. Set optional inputs, then call `send`.",
        op.http_method, op.path, op.operation_id
    ));
    let mut fields: Vec<TokenStream> = op
        .inputs
        .iter()
        .filter(|i| !matches!(i.location, Location::BodyField(_)))
        .map(|input| {
            let name = ident(&input.name);
            let ty = storage_type(input);
            quote!(#name: #ty,)
        })
        .collect();
    if let Some(structure) = op.body.as_ref().and_then(|b| b.structure.as_ref()) {
        let structure = ident(structure);
        fields.push(quote!(body: types::#structure,));
    }
    let setters = op.optional_inputs().map(setter);
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

/// The setter of an optional input, and for a tri-state one its `clear_` setter.
fn setter(input: &Input) -> TokenStream {
    let name = ident(&input.name);
    let place = place(input);
    let (ty, value) = accepted(input, &quote!(value));
    let doc = doc_attrs(&input_doc(input, true));
    // A deprecated body field's setter is deprecated itself, and writes the field without a
    // warning.
    let deprecated = match (&input.location, input.deprecated) {
        (Location::BodyField(_), true) => Some(quote!(#[deprecated] #[allow(deprecated)])),
        (_, deprecated) => deprecated_attr(deprecated),
    };
    let Some(clear) = &input.clear else {
        return quote! {
            #doc
            #deprecated
            pub fn #name(mut self, value: #ty) -> Self {
                self.#place = Some(#value);
                self
            }
        };
    };
    let clear = ident(clear);
    let clear_doc = doc_attrs(&format!(
        "Sends `{}` as `null`, which clears it.",
        input.wire
    ));
    quote! {
        #doc
        #deprecated
        pub fn #name(mut self, value: #ty) -> Self {
            self.#place = Some(codegen::Nullable::Value(#value));
            self
        }
        #clear_doc
        #deprecated
        pub fn #clear(mut self) -> Self {
            self.#place = Some(codegen::Nullable::Null);
            self
        }
    }
}

fn emit_send(api: &Api, op: &Operation) -> TokenStream {
    let operation_id = &op.operation_id;
    let method = match op.http_method {
        HttpMethod::Get => quote!(GET),
        HttpMethod::Put => quote!(PUT),
        HttpMethod::Post => quote!(POST),
        HttpMethod::Delete => quote!(DELETE),
        HttpMethod::Options => quote!(OPTIONS),
        HttpMethod::Head => quote!(HEAD),
        HttpMethod::Patch => quote!(PATCH),
        HttpMethod::Trace => quote!(TRACE),
    };
    let path = &op.path;
    let mut steps = Vec::new();
    if let Some(accept) = &op.accept {
        steps.push(quote!(request.param(codegen::In::Header, "Accept", Some(&#accept));));
    }
    if op.anonymous {
        steps.push(quote!(request.anonymous();));
    }
    let mut multipart_started = false;
    for input in &op.inputs {
        steps.push(check_step(input));
        if matches!(input.location, Location::Part(_)) && !multipart_started {
            steps.push(quote!(request.multipart();));
            multipart_started = true;
        }
        steps.push(write_step(op, input));
    }
    if !multipart_started && op.body.as_ref().map(|b| &b.encoding) == Some(&BodyEncoding::Multipart)
    {
        steps.push(quote!(request.multipart();));
    }
    if let Some(body) = &op.body {
        let whole = op.inputs.iter().any(|i| i.location == Location::Body);
        match (&body.encoding, &body.structure) {
            (BodyEncoding::Form, Some(_)) => steps.push(quote!(request.form(&self.body);)),
            (BodyEncoding::Form, None) if !whole => steps.push(quote!(request.form_empty();)),
            (_, Some(_)) => steps.push(quote!(request.json(&self.body);)),
            _ => {}
        }
    }
    let (output, call) = match &op.response {
        ResponseKind::Json(ty) => {
            let ty = type_tokens(ty, &types_path());
            (ty.clone(), quote!(request.send_json::<#ty>()))
        }
        ResponseKind::Text => (quote!(String), quote!(request.send_text())),
        ResponseKind::Bytes => (quote!(Vec<u8>), quote!(request.send_bytes())),
        ResponseKind::Empty => (quote!(()), quote!(request.send_empty())),
        ResponseKind::ByStatus(type_name) => by_status(api, type_name),
    };
    let output_doc = match &op.response {
        ResponseKind::Json(_) => "decoded",
        ResponseKind::Text => "as text",
        ResponseKind::Bytes => "as bytes",
        ResponseKind::Empty => "(which has no body)",
        ResponseKind::ByStatus(_) => "as the variant of its status",
    };
    let title = sanitize(&api.title).join(" ");
    let doc = trusted_doc_attrs(&format!(
        "Sends the request and returns the successful response {output_doc}.\n\n# Errors\n\nAn [`Error`] when an input is invalid (nothing is sent then), the request cannot be sent, the{title} answers with an error status, or the response cannot be decoded."
    ));
    let mutability =
        (!op.inputs.is_empty() || op.body.is_some() || op.accept.is_some() || op.anonymous)
            .then(|| quote!(mut));
    // The request is built here and the runtime's future returned as is: no state machine of
    // its own per operation, and a future that is `Send + 'static`, ready to spawn.
    quote! {
        #doc
        pub fn send(self) -> impl Future<Output = Result<#output, Error>> + Send + 'static {
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

/// The output type and the reading code of an operation whose responses differ by status.
fn by_status(api: &Api, type_name: &str) -> (TokenStream, TokenStream) {
    let Some(TypeKind::Responses { variants, other }) = api.type_def(type_name).map(|t| &t.kind)
    else {
        unreachable!("lowering defines the responses enum `{type_name}`");
    };
    let enum_name = ident(type_name);
    let other = ident(other);
    let arms = variants.iter().map(|variant| {
        let status = proc_macro2::Literal::u16_unsuffixed(variant.status);
        let name = ident(&variant.name);
        match &variant.kind {
            ResponseKind::Json(ty) => {
                let ty = type_tokens(ty, &types_path());
                quote!(#status => received.json::<#ty>().map(types::#enum_name::#name),)
            }
            ResponseKind::Text => {
                quote!(#status => Ok(types::#enum_name::#name(received.text())),)
            }
            ResponseKind::Bytes => {
                quote!(#status => Ok(types::#enum_name::#name(received.into_bytes())),)
            }
            ResponseKind::Empty | ResponseKind::ByStatus(_) => {
                quote!(#status => Ok(types::#enum_name::#name),)
            }
        }
    });
    (
        quote!(types::#enum_name),
        quote! {
            let received = request.send_raw();
            async move {
                let received = received.await?;
                match received.status {
                    #( #arms )*
                    status => Ok(types::#enum_name::#other { status, body: received.into_bytes() }),
                }
            }
        },
    )
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
                Some((name, presence, ty)) => {
                    let name = ident(name);
                    let value = quote!(response.#name);
                    match (presence, ty) {
                        (Presence::Required, IntType::I64) => quote!(Some(#value)),
                        (Presence::Required, _) => quote!(Some(i64::from(#value))),
                        (_, IntType::I64) => value,
                        (_, _) => quote!(#value.map(i64::from)),
                    }
                }
                None => quote!(None),
            };
            quote!(codegen::Page { items: response.#items, total: #total })
        }
    };
    let widen = |name: &proc_macro2::Ident, ty: IntType| match ty {
        IntType::I64 => quote!(self.#name.unwrap_or(#default_limit)),
        _ => quote!(i64::from(self.#name.unwrap_or(#default_limit))),
    };
    let limit_start = widen(&limit, pagination.limit_type);
    let offset_start = match pagination.offset_type {
        IntType::I64 => quote!(self.#offset.unwrap_or(0)),
        _ => quote!(i64::from(self.#offset.unwrap_or(0))),
    };
    let narrow = |name: &str, ty: IntType, value: TokenStream| match ty {
        IntType::I64 => value,
        _ => {
            let operation_id = &op.operation_id;
            quote!(codegen::page_param(#operation_id, #name, #value)?)
        }
    };
    let offset_value = narrow(&pagination.offset, pagination.offset_type, quote!(offset));
    let limit_value = narrow(&pagination.limit, pagination.limit_type, quote!(limit));
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
            let limit = #limit_start;
            let offset = #offset_start;
            codegen::paginate(self, offset, limit, |mut page: Self, offset, limit| async move {
                page.#offset = Some(#offset_value);
                page.#limit = Some(#limit_value);
                let response = page.send().await?;
                Ok(#page)
            })
        }
    }
}

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
fn check_step(input: &Input) -> TokenStream {
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
fn write_step(op: &Operation, input: &Input) -> TokenStream {
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
