//! Paths and operations to groups of request builders.

use std::collections::BTreeMap;

use super::{Lowerer, is_json, schemas::note_roots};
use crate::diagnostic::join;
use crate::ir::{
    Body, Field, Group, Operation, PageShape, Pagination, Param, ParamEncoding, ParamLocation,
    Part, PartKind, Presence, ResponseKind, StatusVariant, TypeDef, TypeKind, TypeRef,
};
use crate::naming::{Namespace, camel_ident, snake_ident, unraw};
use crate::openapi::{Operation as SpecOperation, Parameter, PathItem, RequestBody};

/// Builder methods the runtime needs; inputs with these names get another name.
const RESERVED_INPUTS: &[&str] = &["send", "stream", "with_options", "client", "options"];

struct GroupState {
    doc: Option<String>,
    names: Namespace,
    type_name: String,
    operations: Vec<Operation>,
}

impl Lowerer<'_> {
    pub(super) fn lower_operations(&mut self) -> Vec<Group> {
        let doc = self.doc;
        let mut groups: BTreeMap<String, GroupState> = BTreeMap::new();
        let mut operation_ids: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in &doc.paths {
            for (method, op) in item.operations() {
                let pointer = join("#/paths", &[path, method]);
                let operation_id = op
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| derived_operation_id(method, path));
                if let Some(first) = operation_ids.insert(operation_id.clone(), pointer.clone()) {
                    self.error(
                        &join(&pointer, &["operationId"]),
                        format!("duplicate operationId `{operation_id}` (first used at {first})"),
                    );
                    continue;
                }
                let (accessor, method_name) = self.operation_names(op, &operation_id, &pointer);
                let state = groups.entry(accessor.clone()).or_insert_with(|| {
                    let mut names = Namespace::default();
                    let type_name = names.claim(&camel_ident(&accessor));
                    GroupState {
                        doc: None,
                        names,
                        type_name,
                        operations: Vec::new(),
                    }
                });
                if state.doc.is_none() {
                    state.doc = op
                        .tags
                        .first()
                        .and_then(|t| doc.tags.iter().find(|tag| &tag.name == t))
                        .and_then(|tag| tag.description.clone());
                }
                let builder_name = state.names.claim(&format!(
                    "{}{}",
                    camel_ident(&accessor),
                    unraw(&camel_ident(&method_name))
                ));
                if let Some(operation) = self.lower_operation(
                    path,
                    item,
                    method,
                    op,
                    &pointer,
                    operation_id,
                    method_name,
                    builder_name,
                ) {
                    if let Some(state) = groups.get_mut(&accessor) {
                        state.operations.push(operation);
                    }
                }
            }
        }
        groups
            .into_iter()
            .map(|(accessor, mut state)| {
                let mut methods = Namespace::default();
                state
                    .operations
                    .sort_by(|a, b| a.method_name.cmp(&b.method_name));
                for op in &mut state.operations {
                    op.method_name = methods.claim(&op.method_name);
                }
                let feature = match unraw(&accessor) {
                    name @ ("default" | "rustls" | "native-tls") => format!("{name}-api"),
                    name => name.to_owned(),
                };
                Group {
                    module: accessor.clone(),
                    feature,
                    accessor,
                    type_name: state.type_name,
                    doc: state.doc,
                    operations: state.operations,
                }
            })
            .collect()
    }

    /// The group accessor and method name of an operation.
    fn operation_names(
        &mut self,
        op: &SpecOperation,
        operation_id: &str,
        pointer: &str,
    ) -> (String, String) {
        if let Some(full) = &op.rust_method {
            match full.split_once('.') {
                Some((group, method)) if !group.is_empty() && !method.is_empty() => {
                    return (snake_ident(group), snake_ident(method));
                }
                _ => self.error(
                    &join(pointer, &["x-rust-method"]),
                    format!("`x-rust-method` must read `group.method`, found `{full}`"),
                ),
            }
        }
        let tag = op.tags.first();
        let accessor = if let Some(group) = &op.speakeasy_group {
            snake_ident(&group.replace('.', "_"))
        } else if let Some(tag) = tag {
            self.doc
                .tags
                .iter()
                .find(|t| &t.name == tag)
                .and_then(|t| t.rust_name.clone())
                .map(|n| snake_ident(&n))
                .unwrap_or_else(|| snake_ident(tag))
        } else {
            "default".to_owned()
        };
        let method = match &op.speakeasy_name {
            Some(name) => snake_ident(name),
            None => {
                method_from_operation_id(operation_id, tag.map(String::as_str).unwrap_or(&accessor))
            }
        };
        (accessor, method)
    }

    #[allow(clippy::too_many_arguments)]
    fn lower_operation(
        &mut self,
        path: &str,
        item: &PathItem,
        method: &str,
        op: &SpecOperation,
        pointer: &str,
        operation_id: String,
        method_name: String,
        builder_name: String,
    ) -> Option<Operation> {
        let mut inputs = Namespace::default();
        for reserved in RESERVED_INPUTS {
            inputs.claim(reserved);
        }
        let (path_params, params) =
            self.lower_parameters(path, item, op, pointer, &builder_name, &mut inputs)?;
        let body = match &op.request_body {
            Some(body) => self.lower_body(
                body,
                &join(pointer, &["requestBody"]),
                &builder_name,
                &mut inputs,
            ),
            None => None,
        };
        let (response, statuses) = self.lower_responses(op, pointer, &builder_name);
        let pagination = self.pagination(&params, &response);
        Some(Operation {
            operation_id,
            method_name,
            builder_name,
            http_method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            path_params,
            params,
            body,
            response,
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            origin: pointer.to_owned(),
            statuses,
            pagination,
        })
    }

    fn lower_parameters(
        &mut self,
        path: &str,
        item: &PathItem,
        op: &SpecOperation,
        pointer: &str,
        builder: &str,
        inputs: &mut Namespace,
    ) -> Option<(Vec<Param>, Vec<Param>)> {
        let path_pointer = pointer
            .rsplit_once('/')
            .map_or(pointer, |(p, _)| p)
            .to_owned();
        let mut merged: Vec<(String, &Parameter)> = Vec::new();
        let sources = [
            (&item.parameters, path_pointer.as_str()),
            (&op.parameters, pointer),
        ];
        for (list, base) in sources {
            for (i, raw) in list.iter().enumerate() {
                let param_pointer = join(base, &["parameters", &i.to_string()]);
                let Some(param) = self.resolve_parameter(raw, &param_pointer) else {
                    continue;
                };
                let key = (param.name.clone(), param.location.clone());
                merged.retain(|(_, p)| (p.name.clone(), p.location.clone()) != key);
                merged.push((param_pointer, param));
            }
        }
        let template: Vec<String> = template_params(path);
        let mut path_params = Vec::new();
        let mut params = Vec::new();
        for (param_pointer, param) in merged {
            let (Some(name), Some(location)) = (&param.name, &param.location) else {
                self.error(&param_pointer, "a parameter needs both `name` and `in`");
                continue;
            };
            let location = match location.as_str() {
                "path" => ParamLocation::Path,
                "query" => ParamLocation::Query,
                "header" => ParamLocation::Header,
                "cookie" => ParamLocation::Cookie,
                other => {
                    self.error(
                        &join(&param_pointer, &["in"]),
                        format!("unknown parameter location `{other}`"),
                    );
                    continue;
                }
            };
            if location == ParamLocation::Path && !template.contains(name) {
                self.error(
                    &param_pointer,
                    format!("path parameter `{name}` does not appear in `{path}`"),
                );
                continue;
            }
            if location == ParamLocation::Header
                && ["accept", "content-type", "authorization"]
                    .contains(&name.to_ascii_lowercase().as_str())
            {
                self.warning(
                    &param_pointer,
                    format!("header parameter `{name}` is set by the client and is skipped"),
                );
                continue;
            }
            let schema_pointer = join(&param_pointer, &["schema"]);
            let ty = match &param.schema {
                Some(schema) => self.type_of(
                    schema,
                    &schema_pointer,
                    &format!("{builder}{}", camel_ident(name)),
                ),
                None => TypeRef::String,
            };
            let constraints = param
                .schema
                .as_ref()
                .map(super::schemas::constraints)
                .unwrap_or_default();
            let encoding = match &ty {
                TypeRef::Vec(item) if self.is_scalar(item) => ParamEncoding::Each,
                ty if self.is_scalar(ty) => ParamEncoding::Display,
                _ => {
                    if location == ParamLocation::Path {
                        self.error(
                            &param_pointer,
                            "a path parameter must be a string, number, boolean or enum",
                        );
                        continue;
                    }
                    self.warning(&param_pointer, format!("parameter `{name}` is not a scalar or a list of scalars; it is sent as JSON text"));
                    ParamEncoding::Json
                }
            };
            let lowered = Param {
                name: inputs.claim(&snake_ident(name)),
                wire: name.clone(),
                location,
                ty,
                required: param.required || location == ParamLocation::Path,
                doc: param.description.clone(),
                deprecated: param.deprecated,
                constraints,
                encoding,
                integer_default: param
                    .schema
                    .as_ref()
                    .and_then(|s| s.default.as_ref())
                    .and_then(serde_yaml::Value::as_i64),
            };
            if location == ParamLocation::Path {
                path_params.push(lowered);
            } else {
                params.push(lowered);
            }
        }
        for name in &template {
            if !path_params.iter().any(|p| &p.wire == name) {
                self.error(pointer, format!("path template `{path}` uses `{{{name}}}`, but no path parameter declares it"));
                return None;
            }
        }
        path_params.sort_by_key(|p| template.iter().position(|t| t == &p.wire));
        Some((path_params, params))
    }

    fn lower_body(
        &mut self,
        body: &RequestBody,
        pointer: &str,
        builder: &str,
        inputs: &mut Namespace,
    ) -> Option<Body> {
        let body = self.resolve_request_body(body, pointer)?;
        let pick = |wanted: &dyn Fn(&str) -> bool| body.content.iter().find(|(ct, _)| wanted(ct));
        let essence = |ct: &str| {
            ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        };
        if let Some((ct, media)) = pick(&|ct| is_json(ct)) {
            let media_pointer = join(pointer, &["content", ct, "schema"]);
            let Some(schema) = &media.schema else {
                return Some(Body::JsonValue {
                    ty: TypeRef::Json,
                    required: body.required,
                });
            };
            let ty = self.type_of(schema, &media_pointer, &format!("{builder}Body"));
            note_roots(&mut self.request_roots, &ty);
            self.describe_inline(&ty, &media_pointer, "The request body of");
            if let Some((type_name, fields)) = self.struct_fields(&ty) {
                let setters = fields.iter().map(|f| inputs.claim(&f.name)).collect();
                return Some(Body::JsonObject {
                    type_name,
                    fields,
                    setters,
                });
            }
            return Some(Body::JsonValue {
                ty,
                required: body.required,
            });
        }
        if let Some((ct, media)) = pick(&|ct| essence(ct) == "multipart/form-data") {
            let media_pointer = join(pointer, &["content", ct]);
            let mut multipart = self.lower_multipart(media, &media_pointer, builder, inputs);
            // A required body must carry something: when it has a single part and the schema
            // leaves it optional, the part becomes a required argument.
            if let Body::Multipart { parts } = &mut multipart {
                if body.required && parts.len() == 1 && !parts[0].required {
                    parts[0].required = true;
                }
            }
            return Some(multipart);
        }
        if let Some((ct, media)) = pick(&|ct| essence(ct) == "application/x-www-form-urlencoded") {
            let media_pointer = join(pointer, &["content", ct, "schema"]);
            if let Some(schema) = &media.schema {
                let ty = self.type_of(schema, &media_pointer, &format!("{builder}Body"));
                note_roots(&mut self.request_roots, &ty);
                self.describe_inline(&ty, &media_pointer, "The request body of");
                if let Some((type_name, fields)) = self.struct_fields(&ty) {
                    let setters = fields.iter().map(|f| inputs.claim(&f.name)).collect();
                    return Some(Body::Form {
                        type_name,
                        fields,
                        setters,
                    });
                }
            }
            self.error(
                &media_pointer,
                "a form-urlencoded body needs an object schema",
            );
            return None;
        }
        let (content_type, _) = body.content.first()?;
        Some(Body::Raw {
            content_type: content_type.clone(),
            required: body.required,
        })
    }

    /// Whether values of `ty` are written as text with `Display`: primitives and open enums.
    fn is_scalar(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String | TypeRef::Bool | TypeRef::Integer(_) | TypeRef::Float(_) => true,
            TypeRef::Named(name) => match self.types.get(name).map(|d| &d.kind) {
                Some(TypeKind::Enum { .. } | TypeKind::IntEnum { .. }) => true,
                Some(TypeKind::Alias(inner)) => self.is_scalar(inner),
                _ => false,
            },
            _ => false,
        }
    }

    /// Updates the body fields copied into operations with the final field presence.
    pub(super) fn refresh_bodies(&self, groups: &mut [Group]) {
        for op in groups.iter_mut().flat_map(|g| g.operations.iter_mut()) {
            if let Some(
                Body::JsonObject {
                    type_name, fields, ..
                }
                | Body::Form {
                    type_name, fields, ..
                },
            ) = &mut op.body
            {
                if let Some(TypeDef {
                    kind:
                        TypeKind::Struct {
                            fields: current, ..
                        },
                    ..
                }) = self.types.get(type_name.as_str())
                {
                    fields.clone_from(current);
                }
            }
        }
    }

    /// Recognizes a list operation paged by optional integer `limit` and `offset` query
    /// parameters whose response is an array of items or an object with a `data` array (and
    /// maybe a `total_count`).
    fn pagination(&self, params: &[Param], response: &ResponseKind) -> Option<Pagination> {
        let find = |wire: &str| {
            params.iter().find(|p| {
                p.wire == wire
                    && p.location == ParamLocation::Query
                    && !p.required
                    && p.ty == TypeRef::Integer("i64")
            })
        };
        let (limit, offset) = (find("limit")?, find("offset")?);
        let ResponseKind::Json(ty) = response else {
            return None;
        };
        let (item, shape) = match ty {
            TypeRef::Vec(item) => ((**item).clone(), PageShape::Array),
            TypeRef::Named(name) => {
                let TypeKind::Struct { fields, .. } = &self.types.get(name)?.kind else {
                    return None;
                };
                let data = fields
                    .iter()
                    .find(|f| f.wire == "data" && f.presence == Presence::Required)?;
                let TypeRef::Vec(item) = &data.ty else {
                    return None;
                };
                let total = fields
                    .iter()
                    .find(|f| f.wire == "total_count" && f.ty == TypeRef::Integer("i64"))
                    .filter(|f| {
                        matches!(
                            f.presence,
                            Presence::Required | Presence::Optional | Presence::RequiredNullable
                        )
                    })
                    .map(|f| (f.name.clone(), f.presence));
                (
                    (**item).clone(),
                    PageShape::Envelope {
                        items: data.name.clone(),
                        total,
                    },
                )
            }
            _ => return None,
        };
        Some(Pagination {
            limit: limit.name.clone(),
            offset: offset.name.clone(),
            default_limit: limit.integer_default.filter(|d| *d > 0).unwrap_or(10),
            item,
            shape,
        })
    }

    /// Gives an undocumented type defined inline at `pointer` a doc line naming its operation.
    fn describe_inline(&mut self, ty: &TypeRef, pointer: &str, what: &str) {
        let TypeRef::Named(name) = ty else { return };
        let Some(def) = self.types.get_mut(name) else {
            return;
        };
        if def.origin != pointer || def.doc.is_some() {
            return;
        }
        let mut tokens = pointer.trim_start_matches("#/paths/").split('/');
        let path = tokens
            .next()
            .unwrap_or_default()
            .replace("~1", "/")
            .replace("~0", "~");
        let method = tokens.next().unwrap_or_default().to_ascii_uppercase();
        def.doc = Some(format!("{what} `{method} {path}`."));
    }

    /// The name and fields of the struct `ty` names, if it is one.
    fn struct_fields(&self, ty: &TypeRef) -> Option<(String, Vec<Field>)> {
        let TypeRef::Named(name) = ty else {
            return None;
        };
        match &self.types.get(name)?.kind {
            TypeKind::Struct { fields, .. } => Some((name.clone(), fields.clone())),
            _ => None,
        }
    }

    fn lower_multipart(
        &mut self,
        media: &crate::openapi::MediaType,
        pointer: &str,
        builder: &str,
        inputs: &mut Namespace,
    ) -> Body {
        let schema_pointer = join(pointer, &["schema"]);
        let schema = match &media.schema {
            Some(schema) => self.resolve_schema(schema, &schema_pointer),
            None => None,
        };
        let Some(schema) = schema else {
            self.error(&schema_pointer, "a multipart body needs an object schema");
            return Body::Multipart { parts: Vec::new() };
        };
        let mut parts = Vec::new();
        for (wire, property) in &schema.properties {
            let property_pointer = join(&schema_pointer, &["properties", wire]);
            let resolved = self
                .resolve_schema(property, &property_pointer)
                .cloned()
                .unwrap_or_default();
            let is_file = resolved.type_names() == ["string"]
                && (matches!(resolved.format.as_deref(), Some("binary" | "byte"))
                    || resolved.content_media_type.is_some());
            let kind = if is_file {
                let content_types = media
                    .encoding
                    .get(wire)
                    .and_then(|e| e.content_type.as_deref())
                    .map(|list| {
                        list.split(',')
                            .map(|t| t.trim().to_owned())
                            .filter(|t| !t.is_empty())
                            .collect()
                    })
                    .unwrap_or_default();
                PartKind::File {
                    content_types,
                    max_size: resolved.max_length,
                }
            } else {
                PartKind::Text(self.type_of(
                    property,
                    &property_pointer,
                    &format!("{builder}{}", camel_ident(wire)),
                ))
            };
            parts.push(Part {
                name: inputs.claim(&snake_ident(wire)),
                wire: wire.clone(),
                kind,
                required: schema.required.contains(wire),
                doc: property.description.clone(),
            });
        }
        Body::Multipart { parts }
    }

    fn lower_responses(
        &mut self,
        op: &SpecOperation,
        pointer: &str,
        builder: &str,
    ) -> (ResponseKind, Vec<(String, String)>) {
        let mut statuses = Vec::new();
        let mut successes: Vec<(String, String, &crate::openapi::Response)> = Vec::new();
        let mut fallback: Option<(String, &crate::openapi::Response)> = None;
        let mut codes: Vec<&String> = op.responses.keys().collect();
        codes.sort();
        for code in codes {
            let response_pointer = join(pointer, &["responses", code]);
            let Some(response) = self.resolve_response(&op.responses[code], &response_pointer)
            else {
                continue;
            };
            statuses.push((
                code.clone(),
                response.description.clone().unwrap_or_default(),
            ));
            if code.len() == 3 && code.starts_with('2') && code.chars().all(|c| c.is_ascii_digit())
            {
                successes.push((code.clone(), response_pointer, response));
            } else if code.eq_ignore_ascii_case("2XX") || (code == "default" && fallback.is_none())
            {
                fallback = Some((response_pointer, response));
            }
        }
        if successes.is_empty() {
            let Some((response_pointer, response)) = fallback else {
                return (ResponseKind::Empty, statuses);
            };
            let kind =
                self.response_kind(response, &response_pointer, &format!("{builder}Response"));
            return (kind, statuses);
        }
        if successes.len() == 1 {
            let (_, response_pointer, response) = successes.remove(0);
            let kind =
                self.response_kind(response, &response_pointer, &format!("{builder}Response"));
            return (kind, statuses);
        }
        let mut variants: Vec<StatusVariant> = Vec::new();
        let mut names = Namespace::default();
        for (code, response_pointer, response) in successes {
            let name = names.claim(&status_variant_name(&code));
            let kind = self.response_kind(response, &response_pointer, &format!("{builder}{name}"));
            variants.push(StatusVariant {
                status: code.parse().unwrap_or(200),
                name,
                kind,
            });
        }
        let first = &variants[0].kind;
        if variants.iter().all(|v| same_kind(&v.kind, first)) {
            return (variants.swap_remove(0).kind, statuses);
        }
        let type_name = self
            .type_names
            .claim(&camel_ident(&format!("{builder}Response")));
        let other = if names.contains("Other") {
            names.claim("OtherStatus")
        } else {
            "Other".to_owned()
        };
        self.types.insert(
            type_name.clone(),
            TypeDef {
                name: type_name.clone(),
                origin: join(pointer, &["responses"]),
                doc: Some(format!(
                    "The successful responses of `{} {}`, by status.",
                    pointer
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_ascii_uppercase(),
                    pointer
                        .trim_start_matches("#/paths/")
                        .split('/')
                        .next()
                        .unwrap_or_default()
                        .replace("~1", "/")
                        .replace("~0", "~")
                )),
                deprecated: false,
                kind: TypeKind::Responses {
                    variants: variants.clone(),
                    other: other.clone(),
                },
                features: Vec::new(),
            },
        );
        (
            ResponseKind::ByStatus {
                type_name,
                variants,
                other,
            },
            statuses,
        )
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
                    note_roots(&mut self.response_roots, &ty);
                    self.describe_inline(&ty, &schema_pointer, "The successful response of");
                    ResponseKind::Json(ty)
                }
                None => ResponseKind::Json(TypeRef::Json),
            }
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

/// The named types an operation's inputs and outputs mention.
pub(super) fn operation_type_refs(op: &Operation, out: &mut Vec<String>) {
    use super::schemas::collect_refs;
    for param in op.path_params.iter().chain(&op.params) {
        collect_refs(&param.ty, out);
    }
    match &op.body {
        Some(Body::JsonObject { type_name, .. } | Body::Form { type_name, .. }) => {
            out.push(type_name.clone())
        }
        Some(Body::JsonValue { ty, .. }) => collect_refs(ty, out),
        Some(Body::Multipart { parts }) => {
            for part in parts {
                if let PartKind::Text(ty) = &part.kind {
                    collect_refs(ty, out);
                }
            }
        }
        Some(Body::Raw { .. }) | None => {}
    }
    match &op.response {
        ResponseKind::Json(ty) => collect_refs(ty, out),
        ResponseKind::ByStatus { type_name, .. } => out.push(type_name.clone()),
        ResponseKind::Text | ResponseKind::Bytes | ResponseKind::Empty => {}
    }
}

/// Whether two response kinds read the same way.
fn same_kind(a: &ResponseKind, b: &ResponseKind) -> bool {
    match (a, b) {
        (ResponseKind::Json(x), ResponseKind::Json(y)) => x == y,
        (ResponseKind::Text, ResponseKind::Text)
        | (ResponseKind::Bytes, ResponseKind::Bytes)
        | (ResponseKind::Empty, ResponseKind::Empty) => true,
        _ => false,
    }
}

/// A variant name for a success status: `Ok`, `Created`, `NoContent`, ... or `Status299`.
fn status_variant_name(code: &str) -> String {
    let known = match code {
        "200" => "Ok",
        "201" => "Created",
        "202" => "Accepted",
        "203" => "NonAuthoritative",
        "204" => "NoContent",
        "205" => "ResetContent",
        "206" => "PartialContent",
        _ => return format!("Status{code}"),
    };
    known.to_owned()
}

/// The names inside `{...}` in a path template, in order.
fn template_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + end].to_owned());
        rest = &rest[start + end + 1..];
    }
    out
}

/// An operationId for an operation that has none: `get /users/{id}` gives `get_users_id`.
fn derived_operation_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        method.to_owned()
    } else {
        format!("{method}_{}", words.join("_"))
    }
}

/// The method name from an operationId, without a `Tag_` prefix that repeats the group.
fn method_from_operation_id(operation_id: &str, group: &str) -> String {
    let normalize = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    if let Some((prefix, rest)) = operation_id.split_once('_') {
        let (prefix, group) = (normalize(prefix), normalize(group));
        if !rest.is_empty()
            && !group.is_empty()
            && (prefix.starts_with(&group) || group.starts_with(&prefix))
        {
            return snake_ident(rest);
        }
    }
    snake_ident(operation_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_id_prefixes_that_repeat_the_group_are_dropped() {
        assert_eq!(
            method_from_operation_id("Users_getTotalCount", "Users"),
            "get_total_count"
        );
        assert_eq!(
            method_from_operation_id("SamlConnectionsBeta_getList", "SAML Connections"),
            "get_list"
        );
        assert_eq!(
            method_from_operation_id("RedirectUrLs_listAll", "Redirect URLs"),
            "list_all"
        );
        assert_eq!(
            method_from_operation_id("Other_listAll", "Users"),
            "other_list_all"
        );
        assert_eq!(method_from_operation_id("listUsers", "Users"), "list_users");
    }

    #[test]
    fn operations_without_an_id_are_named_from_method_and_path() {
        assert_eq!(
            derived_operation_id("get", "/users/{user_id}/mfa"),
            "get_users_user_id_mfa"
        );
        assert_eq!(derived_operation_id("post", "/"), "post");
    }

    #[test]
    fn template_parameters_in_order() {
        assert_eq!(template_params("/a/{x}/b/{y_z}"), ["x", "y_z"]);
        assert!(template_params("/plain").is_empty());
    }
}
