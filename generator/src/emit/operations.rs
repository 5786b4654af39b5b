//! Operation groups: a handle per group and a request builder per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, inner_doc_attrs, sanitize, trusted_doc_attrs};
use super::inputs::{check_step, write_step};
use super::pagination::emit_stream;
use super::{ident, type_tokens};
use crate::ir::{
    Api, BodyEncoding, Group, HttpMethod, Input, Location, Operation, PartKind, Presence,
    ResponseKind, SetterStyle, TypeKind, TypeRef,
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
        let cfg = api
            .settings
            .group_features
            .then(|| quote!(#[cfg(feature = #feature)]));
        quote! { #doc #cfg pub mod #module; }
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
        || op.response.decoded_type().is_some_and(contains_named)
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
            ResponseKind::ByStatus(name) => named(name),
            other => other
                .decoded_type()
                .is_some_and(|ty| deprecated_in(api, ty)),
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

pub(super) fn types_path() -> TokenStream {
    quote!(types::)
}

/// The type a builder stores for an input that is not a body field: `T`, or `Option<T>` for
/// an optional one.
fn storage_type(input: &Input) -> TokenStream {
    let ty = match &input.location {
        Location::Part(PartKind::File { .. }) => quote!(codegen::Upload),
        Location::Body if input.setter == SetterStyle::IntoPayload => quote!(codegen::Payload),
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
        SetterStyle::IntoPayload => (quote!(impl Into<codegen::Payload>), quote!(#value.into())),
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
pub(super) fn place(input: &Input) -> TokenStream {
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
        let value = match (input.presence.is_required(), input.optional_in_body) {
            (true, false) => accepted(input, &quote!(#name)).1,
            (true, true) => {
                let value = accepted(input, &quote!(#name)).1;
                quote!(Some(#value))
            }
            (false, _) => quote!(None),
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
    match op.security.as_deref() {
        None => {}
        Some([]) => steps.push(quote!(request.anonymous();)),
        Some(requirements) => {
            let alternatives = requirements.iter().map(|schemes| {
                let schemes = schemes.iter().map(|&index| {
                    let variant = ident(&api.security.schemes[index].variant);
                    quote!(crate::generated::SecurityScheme::#variant)
                });
                quote!(&[#(#schemes),*])
            });
            steps.push(quote!(request.security(&[#(#alternatives),*]);));
        }
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
    let Answer {
        output,
        call,
        with_response,
        output_doc,
    } = answer(api, op);
    let title = sanitize(&api.title).join(" ");
    let errors = format!(
        "# Errors\n\nAn [`Error`] when an input is invalid (nothing is sent then), the request cannot be sent, the{title} answers with an error status, or the response cannot be decoded."
    );
    let doc = trusted_doc_attrs(&format!(
        "Sends the request and returns the successful response {output_doc}.\n\n{errors}"
    ));
    let with_response_doc = trusted_doc_attrs(&format!(
        "Sends the request and returns the successful response {output_doc}, with its status and headers (rate limits, request IDs, `ETag`, `Location`).\n\n{errors}"
    ));
    let mutability = (!op.inputs.is_empty()
        || op.body.is_some()
        || op.accept.is_some()
        || op.security.is_some()
        || op.idempotency_header.is_some())
    .then(|| quote!(mut));
    let idempotency = op
        .idempotency_header
        .as_ref()
        .map(|name| quote!(request.idempotency_key(#name);));
    let start = quote! {
        codegen::Request::new(
            self.client,
            self.options,
            #operation_id,
            codegen::Method::#method,
            #path,
        )
    };
    let build = if mutability.is_some() {
        quote! {
            let mut request = #start;
            #( #steps )*
            #idempotency
            request
        }
    } else {
        start
    };
    let stream = matches!(op.response, ResponseKind::Text | ResponseKind::Bytes).then(|| {
        let doc = trusted_doc_attrs(&format!(
            "Sends the request and returns the successful response with its body unread, to read as a stream of chunks: a large download then costs one chunk of memory, not its size. The timeout bounds each wait, not the whole download.\n\n{errors}"
        ));
        quote! {
            #doc
            pub fn send_stream(
                self,
            ) -> impl Future<Output = Result<codegen::ByteStream<crate::generated::Api>, Error>> + Send + 'static {
                self.into_request().send_stream()
            }
        }
    });
    // The request is built here and the runtime's future returned as is: no state machine of
    // its own per operation, and a future that is `Send + 'static`, ready to spawn.
    quote! {
        #doc
        pub fn send(self) -> impl Future<Output = Result<#output, Error>> + Send + 'static {
            let request = self.into_request();
            #call
        }

        #with_response_doc
        pub fn send_with_response(
            self,
        ) -> impl Future<Output = Result<codegen::Response<#output>, Error>> + Send + 'static {
            #with_response
        }

        #stream

        /// The request, its inputs written.
        fn into_request(self) -> codegen::Request<crate::generated::Api> {
            #build
        }
    }
}

/// What an operation's `send` methods return and how they read the answer.
struct Answer {
    /// The type `send()` returns.
    output: TokenStream,
    /// The body of `send()`, from `request`.
    call: TokenStream,
    /// The body of `send_with_response()`.
    with_response: TokenStream,
    /// How the doc says the response comes back.
    output_doc: &'static str,
}

fn answer(api: &Api, op: &Operation) -> Answer {
    // What `send_with_response` reads from a whole answer, the headers taken first.
    let whole = |output: TokenStream, call: TokenStream, value: TokenStream, output_doc| Answer {
        output,
        call,
        with_response: quote! {
            let received = self.into_request().send_raw();
            async move {
                let mut received = received.await?;
                let headers = received.take_headers();
                let status = received.status;
                let value = #value;
                Ok(codegen::Response::new(status, headers, value))
            }
        },
        output_doc,
    };
    match &op.response {
        ResponseKind::Json(ty) => {
            let ty = type_tokens(ty, &types_path());
            whole(
                ty.clone(),
                quote!(request.send_json::<#ty>()),
                quote!(received.json::<#ty>()?),
                "decoded",
            )
        }
        ResponseKind::Text => whole(
            quote!(String),
            quote!(request.send_text()),
            quote!(received.text()),
            "as text",
        ),
        ResponseKind::Bytes => whole(
            quote!(Vec<u8>),
            quote!(request.send_bytes()),
            quote!(received.into_bytes()),
            "as bytes",
        ),
        ResponseKind::Empty => whole(
            quote!(()),
            quote!(request.send_empty()),
            quote!(()),
            "(which has no body)",
        ),
        ResponseKind::ByStatus(type_name) => {
            let (name, arms) = by_status(api, type_name);
            whole(
                quote!(types::#name),
                quote! {
                    let received = request.send_raw();
                    async move {
                        let received = received.await?;
                        #arms
                    }
                },
                quote!({ #arms }?),
                "as the variant of its status",
            )
        }
        ResponseKind::Events(ty) => {
            let call = match ty {
                TypeRef::String => quote!(request.send_text_events()),
                _ => {
                    let ty = type_tokens(ty, &types_path());
                    quote!(request.send_events::<#ty>())
                }
            };
            let ty = type_tokens(ty, &types_path());
            Answer {
                output: quote!(codegen::EventStream<#ty, crate::generated::Api>),
                with_response: quote! {
                    let request = self.into_request();
                    let events = #call;
                    async move {
                        let events = events.await?;
                        let (status, headers) = (events.status(), events.headers().clone());
                        Ok(codegen::Response::new(status, headers, events))
                    }
                },
                call,
                output_doc: "as a stream of server-sent events, each event's data decoded",
            }
        }
    }
}

/// The enum of an operation whose responses differ by status, and the `match` that reads a
/// `received` answer into it.
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
            ResponseKind::Text | ResponseKind::Events(_) => {
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
        quote!(#enum_name),
        quote! {
            match received.status {
                #( #arms )*
                status => Ok(types::#enum_name::#other { status, body: received.into_bytes() }),
            }
        },
    )
}
