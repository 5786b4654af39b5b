//! Lowering: the spec model in, the validated IR out.
//!
//! All naming, optionality and shape decisions are taken here, and this is the only stage
//! (besides loading) that reports problems with the document.

mod bodies;
mod constraints;
mod features;
mod hints;
mod operations;
mod pagination;
mod params;
mod recursion;
mod resolve;
mod responses;
mod samples;
mod scalars;
mod schemas;
mod security;
mod subset;
mod webhooks;

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Diagnostics, Severity, Source};
use crate::ir::{
    Api, ErrorFields, Field, Metadata, Presence, Settings, TypeDef, TypeKind, TypeRef,
};
use crate::locate::locate;
use crate::naming::{self, Namespace};
use crate::openapi::Document;
use crate::options::{Options, TypeMapping};

/// State shared by the lowering passes.
pub(crate) struct Lowerer<'a> {
    doc: &'a Document,
    options: &'a Options,
    source: Source<'a>,
    diagnostics: Vec<Diagnostic>,
    /// Rust names of `components/schemas` entries, by schema name.
    component_names: BTreeMap<String, String>,
    /// Every named type, by Rust name.
    types: BTreeMap<String, TypeDef>,
    /// The type defined for each inline schema, by the schema's pointer, so that a schema
    /// inside a shared component (`components/responses/X`) is one type for every use.
    inline_types: BTreeMap<String, TypeRef>,
    /// Type names handed out so far.
    type_names: Namespace,
    /// Types used as request bodies: they and everything they reach get request semantics.
    request_roots: Vec<String>,
    /// Types used as response bodies.
    response_roots: Vec<String>,
    /// Required write-only fields made optional because their type is also received, as
    /// (type, field) names: a request body still requires them.
    sent_required: std::collections::BTreeSet<(String, String)>,
    /// How many type definitions are being lowered inside each other.
    depth: usize,
    /// The component schemas whose properties are being merged into a type under lowering,
    /// as `$ref` strings; a recursive `allOf` stops at them.
    merging: Vec<String>,
    /// The caller's type table with the document's own entries over it.
    scalars: TypeMapping,
    /// Whether each external type path of the table parses as a Rust type.
    external_paths: BTreeMap<String, bool>,
    /// The `[dependencies]` lines of the external types used so far.
    dependencies: std::collections::BTreeSet<String>,
    /// The schemes the client can send, read before the operations that name them.
    security: crate::ir::Security,
    /// The pagination hints of operations (`x-speakeasy-pagination`), by operation pointer.
    pagination_hints: BTreeMap<String, crate::openapi::PaginationHint>,
}

impl<'a> Lowerer<'a> {
    fn new(doc: &'a Document, source: Source<'a>, options: &'a Options) -> Self {
        Self {
            doc,
            options,
            source,
            diagnostics: Vec::new(),
            component_names: BTreeMap::new(),
            types: BTreeMap::new(),
            inline_types: BTreeMap::new(),
            type_names: Namespace::default(),
            request_roots: Vec::new(),
            response_roots: Vec::new(),
            sent_required: std::collections::BTreeSet::new(),
            depth: 0,
            merging: Vec::new(),
            scalars: options.types.clone(),
            external_paths: BTreeMap::new(),
            dependencies: std::collections::BTreeSet::new(),
            security: crate::ir::Security::default(),
            pagination_hints: BTreeMap::new(),
        }
    }

    fn report(&mut self, severity: Severity, pointer: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            severity,
            message: message.into(),
            file: self.source.name.to_owned(),
            pointer: pointer.to_owned(),
            line_col: locate(self.source.text, pointer),
        });
    }

    pub(crate) fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.report(Severity::Error, pointer, message);
    }

    pub(crate) fn warning(&mut self, pointer: &str, message: impl Into<String>) {
        self.report(Severity::Warning, pointer, message);
    }
}

/// Lowers a loaded document. On success, returns the API and the warnings.
pub fn lower(
    doc: &Document,
    source: Source<'_>,
    options: &Options,
    loaded: Vec<Diagnostic>,
) -> Result<(Api, Vec<Diagnostic>), Diagnostics> {
    let mut lowerer = Lowerer::new(doc, source, options);
    // The warnings of loading come first, in the order loading found them.
    lowerer.diagnostics = loaded;
    lowerer.read_type_table();
    lowerer.declare_components();
    lowerer.lower_components();
    lowerer.break_alias_cycles();
    lowerer.security = lowerer.lower_security();
    let mut groups = lowerer.lower_operations();
    let webhooks = lowerer.lower_webhooks();
    let error_body = lowerer.error_body();
    lowerer.finish_types();
    lowerer.finish_operations(&mut groups);
    let error_fields = lowerer.error_fields(&error_body);
    let settings = lowerer.settings();
    let default_base_url = lowerer.default_base_url();

    let mut diagnostics = std::mem::take(&mut lowerer.diagnostics);
    diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity));
    let mut seen = std::collections::BTreeSet::new();
    diagnostics.retain(|d| seen.insert((d.message.clone(), d.pointer.clone())));
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(Diagnostics(diagnostics));
    }
    let mut api = Api {
        // A name on one line: it also titles the crate's manifest and README.
        title: doc
            .info
            .title
            .split(|c: char| c.is_whitespace() || c.is_control())
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        version: doc.info.version.clone(),
        description: doc.info.description.clone(),
        spec_name: source.name.to_owned(),
        default_base_url,
        settings,
        security: lowerer.security,
        types: lowerer.types.into_values().collect(),
        groups,
        error_body,
        error_fields,
        webhooks,
    };
    subset::retain(&mut api, &options.only).map_err(|messages| {
        Diagnostics(
            messages
                .into_iter()
                .map(|message| Diagnostic {
                    severity: Severity::Error,
                    message,
                    file: source.name.to_owned(),
                    pointer: String::new(),
                    line_col: None,
                })
                .collect(),
        )
    })?;
    if api.settings.group_features {
        features::assign(&mut api);
    }
    Ok((api, diagnostics))
}

impl Lowerer<'_> {
    fn settings(&mut self) -> Settings {
        let ext = self.doc.rust_client.clone().unwrap_or_default();
        let given = ext.crate_name.clone().filter(|name| {
            let valid = naming::is_package_name(name);
            if !valid {
                self.warning(
                    "#/x-rust-client/crate-name",
                    format!("`{name}` cannot name a cargo package (letters, digits, `-` and `_`, starting with a letter, and no Rust keyword); the crate is named from the title instead"),
                );
            }
            valid
        });
        let crate_name = given.unwrap_or_else(|| {
            let words = naming::words(&self.doc.info.title).to_ascii_lowercase();
            let kebab = words.split_whitespace().collect::<Vec<_>>().join("-");
            if kebab.is_empty() || kebab.starts_with(|c: char| c.is_ascii_digit()) {
                format!(
                    "api-client{}",
                    if kebab.is_empty() {
                        String::new()
                    } else {
                        format!("-{kebab}")
                    }
                )
            } else if naming::is_package_name(&kebab) {
                kebab
            } else {
                // A keyword (`type`) or a name of the standard library's crates (`core`).
                format!("{kebab}-client")
            }
        });
        Settings {
            crate_name,
            crate_version: ext.crate_version.unwrap_or_else(|| "0.1.0".into()),
            group_features: ext.group_features.unwrap_or(true),
            metadata: self.metadata(),
            api_version_header: ext.api_version_header,
            token_env: ext.env.bearer_token,
            base_url_env: ext.env.base_url,
            dependencies: self.dependencies.iter().cloned().collect(),
        }
    }

    /// The manifest's facts from `info` and `externalDocs`.
    fn metadata(&self) -> Metadata {
        let info = &self.doc.info;
        let spdx = |text: &str| {
            !text.is_empty()
                && text.split_whitespace().all(|word| {
                    matches!(word, "OR" | "AND" | "WITH")
                        || word
                            .trim_matches(['(', ')'])
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
                })
                && text
                    .chars()
                    .any(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        };
        let (license, license_text) = match &info.license {
            None => (None, None),
            Some(l) => match l.identifier.as_deref().map(str::trim) {
                Some(id) if spdx(id) => (Some(id.to_owned()), None),
                _ if spdx(l.name.trim()) => (Some(l.name.trim().to_owned()), None),
                _ => {
                    let mut text = l.name.trim().to_owned();
                    if let Some(url) = &l.url {
                        text.push_str(&format!(" ({})", url.trim()));
                    }
                    (None, (!text.trim().is_empty()).then_some(text))
                }
            },
        };
        let web = |url: &str| {
            let url = url.trim();
            (url.starts_with("https://") || url.starts_with("http://")).then(|| url.to_owned())
        };
        let contact = info.contact.as_ref();
        let homepage = self
            .doc
            .external_docs
            .as_ref()
            .and_then(|d| web(&d.url))
            .or_else(|| contact.and_then(|c| c.url.as_deref()).and_then(web));
        let contact = contact.and_then(|c| {
            let name = c.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
            let email = c
                .email
                .as_deref()
                .map(str::trim)
                .filter(|e| e.contains('@'));
            match (name, email) {
                (Some(n), Some(e)) => Some(format!("{n} <{e}>")),
                (Some(n), None) => Some(n.to_owned()),
                (None, Some(e)) => Some(format!("<{e}>")),
                (None, None) => None,
            }
        });
        Metadata {
            license,
            license_text,
            homepage,
            contact,
        }
    }

    fn default_base_url(&self) -> String {
        let Some(server) = self.doc.servers.first() else {
            return String::new();
        };
        let mut url = server.url.clone();
        for (name, variable) in &server.variables {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
        url.trim_end_matches('/').to_owned()
    }

    /// The type error responses decode into: the one schema all of them share, or JSON.
    fn error_body(&mut self) -> TypeRef {
        let mut found: Option<TypeRef> = None;
        let mut mixed = false;
        let doc = self.doc;
        for (path, item) in &doc.paths {
            for (method, op) in item.operations() {
                for (status, response) in &op.responses {
                    if !(status.starts_with('4') || status.starts_with('5') || status == "default")
                    {
                        continue;
                    }
                    let pointer =
                        crate::pointer::join("#/paths", &[path, method.key(), "responses", status]);
                    let Some(response) = self.resolve(response, &pointer) else {
                        continue;
                    };
                    let Some(schema) = response
                        .content
                        .iter()
                        .find(|(ct, _)| is_json(ct))
                        .and_then(|(_, media)| media.schema.as_ref())
                    else {
                        continue;
                    };
                    let Some(reference) = &schema.reference else {
                        mixed = true;
                        continue;
                    };
                    let ty = self.schema_ref(reference, &pointer);
                    match &found {
                        None => found = Some(ty),
                        Some(existing) if *existing == ty => {}
                        Some(_) => mixed = true,
                    }
                }
            }
        }
        match found {
            Some(ty) if !mixed => ty,
            _ => TypeRef::Json,
        }
    }
}

impl Lowerer<'_> {
    /// Finds the fields that `x-rust-client.error` names in the error body.
    fn error_fields(&mut self, error_body: &TypeRef) -> ErrorFields {
        let settings = self.doc.rust_client.clone().unwrap_or_default().error;
        let pointer = "#/x-rust-client/error";
        let mut fields = ErrorFields::default();
        if settings.list.is_none()
            && settings.code.is_none()
            && settings.message.is_none()
            && settings.trace_id.is_none()
        {
            return fields;
        }
        let TypeRef::Named(body_name) = error_body else {
            self.error(
                pointer,
                "error settings need one error schema shared by all error responses",
            );
            return fields;
        };
        let body_fields = self.struct_of(body_name);
        let string_field = |fields: &[Field], wire: &str| {
            fields
                .iter()
                .find(|f| f.wire == wire && f.ty == TypeRef::String)
                .map(|f| (f.name.clone(), f.presence))
        };
        if let Some(wire) = &settings.trace_id {
            fields.trace_id = string_field(&body_fields, wire);
            if fields.trace_id.is_none() {
                self.error(
                    pointer,
                    format!("the error schema `{body_name}` has no string property `{wire}`"),
                );
            }
        }
        if settings.code.is_none() && settings.message.is_none() {
            return fields;
        }
        let Some(list_wire) = &settings.list else {
            self.error(
                pointer,
                "`code` and `message` need `list`, the array property that holds the errors",
            );
            return fields;
        };
        let list = body_fields
            .iter()
            .find(|f| &f.wire == list_wire && f.presence == Presence::Required);
        let item = match list.map(|f| &f.ty) {
            Some(TypeRef::Vec(item)) => match &**item {
                TypeRef::Named(item) => Some(item.clone()),
                _ => None,
            },
            _ => None,
        };
        let (Some(list), Some(item)) = (list, item) else {
            self.error(
                pointer,
                format!(
                    "the error schema `{body_name}` has no required array of objects `{list_wire}`"
                ),
            );
            return fields;
        };
        fields.list = Some(list.name.clone());
        let item_fields = self.struct_of(&item);
        for (wire, slot) in [
            (&settings.code, &mut fields.code),
            (&settings.message, &mut fields.message),
        ] {
            if let Some(wire) = wire {
                *slot = string_field(&item_fields, wire);
                if slot.is_none() {
                    self.error(
                        pointer,
                        format!("the error object `{item}` has no string property `{wire}`"),
                    );
                }
            }
        }
        fields
    }

    fn struct_of(&self, name: &str) -> Vec<Field> {
        match self.types.get(name).map(|d| &d.kind) {
            Some(TypeKind::Struct { fields, .. }) => fields.clone(),
            _ => Vec::new(),
        }
    }
}

/// The media type without parameters, in lower case: `Application/JSON; charset=utf-8` gives
/// `application/json`.
pub(crate) fn content_essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a content type carries JSON.
pub(crate) fn is_json(content_type: &str) -> bool {
    let essence = content_essence(content_type);
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}
