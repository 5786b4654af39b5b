//! Paths and operations to groups of request builders.
//!
//! Lowering runs in two steps. [`Lowerer::lower_operations`] reads every operation: its
//! parameters, body and responses, defining the types they use. Once the types are final
//! (request types know which fields are tri-state), [`Lowerer::finish_operations`] adds the
//! body fields to each operation's flat input list, claims every builder name in one namespace
//! and picks the argument order and pagination.

use std::collections::BTreeMap;

use super::{Lowerer, content_essence, is_json, schemas::note_roots};
use crate::ir::{
    Body, BodyEncoding, Group, Input, Location, Operation, PageShape, Pagination, ParamEncoding,
    ParamStyle, PartKind, Presence, ResponseKind, SetterStyle, StatusDoc, StatusVariant, TypeDef,
    TypeKind, TypeRef,
};
use crate::naming::{
    self, Namespace, RESERVED_BUILDER_NAMES, camel_ident, input_name, snake_ident,
};
use crate::openapi::{Operation as SpecOperation, Parameter, PathItem, RequestBody, Schema};
use crate::pointer::join;

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
                    .unwrap_or_else(|| naming::derived_operation_id(method, path));
                // Documents repeat operationIds (two `list`s in different groups, or a
                // copied operation); both operations are kept, and their Rust names made
                // unique like any other clash of names.
                if let Some(first) = operation_ids.get(&operation_id) {
                    self.warning(
                        &join(&pointer, &["operationId"]),
                        format!("duplicate operationId `{operation_id}` (first used at {first}); both operations are kept, with Rust names made unique"),
                    );
                } else {
                    operation_ids.insert(operation_id.clone(), pointer.clone());
                }
                let (accessor, method_name) = self.operation_names(op, &operation_id, &pointer);
                let state = groups.entry(accessor.clone()).or_insert_with(|| {
                    let mut names = Namespace::default();
                    // Group modules name these prelude and crate items themselves.
                    let mut base = camel_ident(&accessor);
                    if naming::ITEMS_IN_GROUP_MODULES.contains(&base.as_str()) {
                        base.push_str("Operations");
                    }
                    let type_name = names.claim(&base);
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
                let builder_name = state
                    .names
                    .claim(&naming::builder_type(&accessor, &method_name));
                let names = OperationNames {
                    operation_id,
                    method_name,
                    builder_name,
                };
                if let Some(operation) =
                    self.lower_operation(path, item, method, op, &pointer, names)
                {
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
                Group {
                    module: accessor.clone(),
                    feature: naming::group_feature(&accessor),
                    accessor,
                    type_name: state.type_name,
                    doc: state.doc,
                    operations: state.operations,
                }
            })
            .collect()
    }

    /// The group accessor and method name of an operation: from the caller's options, the
    /// spec's `x-rust-method`, the Speakeasy extensions, or the tag and operationId.
    fn operation_names(
        &mut self,
        op: &SpecOperation,
        operation_id: &str,
        pointer: &str,
    ) -> (String, String) {
        let chosen = match self.options.operation_names.get(operation_id) {
            Some(name) => Some((name.clone(), "options")),
            None => op.rust_method.clone().map(|name| (name, "x-rust-method")),
        };
        if let Some((full, source)) = chosen {
            match full.split_once('.') {
                Some((group, method)) if !group.is_empty() && !method.is_empty() => {
                    return (snake_ident(group), snake_ident(method));
                }
                _ => self.error(
                    &join(pointer, &["x-rust-method"]),
                    format!("the name from {source} must read `group.method`, found `{full}`"),
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
            naming::DEFAULT_GROUP.to_owned()
        };
        let method = match &op.speakeasy_name {
            Some(name) => snake_ident(name),
            None => naming::method_from_operation_id(
                operation_id,
                tag.map(String::as_str).unwrap_or(&accessor),
            ),
        };
        (accessor, method)
    }

    fn lower_operation(
        &mut self,
        path: &str,
        item: &PathItem,
        method: &str,
        op: &SpecOperation,
        pointer: &str,
        names: OperationNames,
    ) -> Option<Operation> {
        let builder_name = names.builder_name;
        for name in op.callbacks.keys() {
            self.warning(
                &join(pointer, &["callbacks", name]),
                format!("callback `{name}` describes requests the API sends to a URL the caller registers; the client does not send them, so it has no method (its schemas are generated where operations or webhooks use them)"),
            );
        }
        let mut inputs = self.lower_parameters(path, item, op, pointer, &builder_name)?;
        let body = match &op.request_body {
            Some(body) => self.lower_body(
                body,
                &join(pointer, &["requestBody"]),
                &builder_name,
                &mut inputs,
            ),
            None => None,
        };
        let (response, statuses, accept) = self.lower_responses(op, pointer, &builder_name);
        Some(Operation {
            operation_id: names.operation_id,
            method_name: names.method_name,
            builder_name,
            http_method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            inputs,
            arguments: Vec::new(),
            body,
            response,
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            origin: pointer.to_owned(),
            statuses,
            accept,
            anonymous: op.security.as_ref().is_some_and(Vec::is_empty),
            pagination: None,
        })
    }

    /// Completes every operation once types are final: body fields join the inputs, every
    /// builder name is claimed in one namespace, and the argument order and pagination are
    /// decided.
    pub(super) fn finish_operations(&self, groups: &mut [Group]) {
        for op in groups.iter_mut().flat_map(|g| g.operations.iter_mut()) {
            if let Some(structure) = op.body.as_ref().and_then(|b| b.structure.clone()) {
                if let Some(TypeDef {
                    kind: TypeKind::Struct { fields, .. },
                    ..
                }) = self.types.get(&structure)
                {
                    op.inputs.extend(fields.iter().map(|field| Input {
                        name: field.name.clone(),
                        wire: field.wire.clone(),
                        location: Location::BodyField(field.name.clone()),
                        setter: setter_style(&field.ty, field.presence),
                        ty: field.ty.clone(),
                        presence: field.presence,
                        clear: None,
                        doc: field.doc.clone(),
                        deprecated: field.deprecated,
                        constraints: field.constraints.clone(),
                        integer_default: None,
                    }));
                }
            }
            claim_input_names(op);
            let template = template_params(&op.path);
            let mut arguments: Vec<usize> = (0..op.inputs.len())
                .filter(|&i| op.inputs[i].presence.is_required())
                .collect();
            arguments.sort_by_key(|&i| {
                let input = &op.inputs[i];
                let position = matches!(input.location, Location::Path(_))
                    .then(|| template.iter().position(|t| *t == input.wire))
                    .flatten();
                naming::argument_order(position, &input.wire)
            });
            op.arguments = arguments;
            op.pagination = self.pagination(&op.inputs, &op.response);
        }
    }

    /// The operation's parameters, path parameters first in template order.
    fn lower_parameters(
        &mut self,
        path: &str,
        item: &PathItem,
        op: &SpecOperation,
        pointer: &str,
        builder: &str,
    ) -> Option<Vec<Input>> {
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
                let here = join(base, &["parameters", &i.to_string()]);
                let Some((param, param_pointer, _)) = self.resolve_located(raw, &here) else {
                    continue;
                };
                let key = (param.name.clone(), param.location.clone());
                merged.retain(|(_, p)| (p.name.clone(), p.location.clone()) != key);
                merged.push((param_pointer, param));
            }
        }
        let template: Vec<String> = template_params(path);
        let mut inputs = Vec::new();
        let mut refused = Vec::new();
        for (param_pointer, param) in merged {
            match self.lower_parameter(param, &param_pointer, path, &template, builder) {
                Some(input) => inputs.push(input),
                None => refused.extend(param.name.clone()),
            }
        }
        for name in &template {
            if !refused.contains(name)
                && !inputs
                    .iter()
                    .any(|p| matches!(p.location, Location::Path(_)) && &p.wire == name)
            {
                // Other generators accept the omission; the variable is plainly a required
                // string.
                self.warning(
                    pointer,
                    format!("path template `{path}` uses `{{{name}}}`, but no path parameter declares it; it is taken as a required string"),
                );
                inputs.push(Input {
                    name: input_name(name),
                    wire: name.clone(),
                    location: Location::Path(ParamEncoding::Display),
                    setter: setter_style(&TypeRef::String, Presence::Required),
                    ty: TypeRef::String,
                    presence: Presence::Required,
                    clear: None,
                    doc: Some(format!("The `{name}` of the path.")),
                    deprecated: false,
                    constraints: Default::default(),
                    integer_default: None,
                });
            }
        }
        inputs.sort_by_key(|p| match p.location {
            Location::Path(_) => template.iter().position(|t| t == &p.wire).unwrap_or(0),
            _ => template.len(),
        });
        Some(inputs)
    }

    fn lower_parameter(
        &mut self,
        param: &Parameter,
        param_pointer: &str,
        path: &str,
        template: &[String],
        builder: &str,
    ) -> Option<Input> {
        let (Some(name), Some(location)) = (&param.name, &param.location) else {
            self.error(param_pointer, "a parameter needs both `name` and `in`");
            return None;
        };
        if !matches!(location.as_str(), "path" | "query" | "header" | "cookie") {
            self.error(
                &join(param_pointer, &["in"]),
                format!("unknown parameter location `{location}`"),
            );
            return None;
        }
        if location == "path" && !template.contains(name) {
            self.warning(
                param_pointer,
                format!("path parameter `{name}` does not appear in `{path}`; it is ignored"),
            );
            return None;
        }
        if location == "header"
            && ["accept", "content-type", "authorization"]
                .contains(&name.to_ascii_lowercase().as_str())
        {
            self.warning(
                param_pointer,
                format!("header parameter `{name}` is set by the client and is skipped"),
            );
            return None;
        }
        // A parameter has a `schema`, or a `content` map with one media type and its schema.
        let (schema, schema_pointer, as_json) = match (&param.schema, param.content.first()) {
            (Some(schema), _) => (Some(schema), join(param_pointer, &["schema"]), false),
            (None, Some((media_type, media))) => (
                media.schema.as_ref(),
                join(param_pointer, &["content", media_type, "schema"]),
                is_json(media_type),
            ),
            (None, None) => (None, String::new(), false),
        };
        let ty = match schema {
            // A choice between scalars ("a UUID or a slug") is text on the wire either way.
            Some(schema) if self.is_scalar_choice(schema, &schema_pointer) => TypeRef::String,
            Some(schema) => {
                // A shared parameter's inline type is named after the parameter alone.
                let owner = if param_pointer.starts_with("#/components/") {
                    ""
                } else {
                    builder
                };
                self.type_of(
                    schema,
                    &schema_pointer,
                    &format!("{owner}{}", camel_ident(name)),
                )
            }
            None => TypeRef::String,
        };
        // Callers build parameter values, so their types are request types.
        note_roots(&mut self.request_roots, &ty);
        let constraints = schema.map(super::schemas::constraints).unwrap_or_default();
        let encoding = if as_json {
            ParamEncoding::Json
        } else {
            self.param_encoding(param, location, &ty, param_pointer)?
        };
        let (location, required) = match location.as_str() {
            "path" => (Location::Path(encoding), true),
            "query" => (Location::Query(encoding), param.required),
            "header" => (Location::Header(encoding), param.required),
            _ => (Location::Cookie(encoding), param.required),
        };
        let presence = if required {
            Presence::Required
        } else {
            Presence::Optional
        };
        Some(Input {
            name: input_name(name),
            wire: name.clone(),
            location,
            setter: setter_style(&ty, presence),
            ty,
            presence,
            clear: None,
            doc: param.description.clone(),
            deprecated: param.deprecated,
            constraints,
            integer_default: schema
                .and_then(|s| s.default.as_ref())
                .and_then(serde_yaml::Value::as_i64),
        })
    }

    /// How a parameter of type `ty` is written, from its `style` and `explode` (or the
    /// defaults of its location); `None` after reporting a style the location does not allow.
    fn param_encoding(
        &mut self,
        param: &Parameter,
        location: &str,
        ty: &TypeRef,
        pointer: &str,
    ) -> Option<ParamEncoding> {
        let allowed: &[ParamStyle] = match location {
            "path" => &[ParamStyle::Simple, ParamStyle::Label, ParamStyle::Matrix],
            "query" => &[
                ParamStyle::Form,
                ParamStyle::SpaceDelimited,
                ParamStyle::PipeDelimited,
                ParamStyle::DeepObject,
            ],
            "header" => &[ParamStyle::Simple],
            _ => &[ParamStyle::Form],
        };
        let style = match &param.style {
            None => allowed[0],
            Some(name) => match allowed.iter().find(|s| s.spec_name() == name) {
                Some(style) => *style,
                None => {
                    let names: Vec<&str> = allowed.iter().map(|s| s.spec_name()).collect();
                    self.error(
                        &join(pointer, &["style"]),
                        format!(
                            "style `{name}` is not defined for {location} parameters (use {})",
                            names.join(", ")
                        ),
                    );
                    return None;
                }
            },
        };
        let explode = param.explode.unwrap_or(style == ParamStyle::Form);
        let styled = ParamEncoding::Styled { style, explode };
        Some(match ty {
            ty if self.is_scalar(ty) => match style {
                ParamStyle::Label | ParamStyle::Matrix => styled,
                _ => ParamEncoding::Display,
            },
            TypeRef::Vec(item) if self.is_scalar(item) => match (location, style, explode) {
                ("query", ParamStyle::Form, true) | ("header", _, _) => ParamEncoding::Each,
                ("cookie", _, _) => ParamEncoding::Each,
                _ => styled,
            },
            _ => styled,
        })
    }

    /// Whether `schema` is a `oneOf`/`anyOf`/`allOf` of scalar schemas, or lists several
    /// scalar types: a value whose wire form is its text.
    fn is_scalar_choice(&mut self, schema: &Schema, pointer: &str) -> bool {
        let names = schema.type_names();
        let scalar_name = |n: &&str| matches!(*n, "string" | "integer" | "number" | "boolean");
        if names.len() > 1 {
            return names.iter().all(scalar_name);
        }
        let members: Vec<&Schema> = schema
            .one_of
            .iter()
            .chain(&schema.any_of)
            .chain(&schema.all_of)
            .collect();
        if members.len() < 2 || !schema.properties.is_empty() || schema.items.is_some() {
            return false;
        }
        // One typed member with constraints beside it is that member's type, as `type_of` reads it.
        let typed = members
            .iter()
            .filter(|m| {
                m.reference.is_some()
                    || m.kind.is_some()
                    || m.enumeration.is_some()
                    || m.constant.is_some()
            })
            .count();
        if typed < 2 {
            return false;
        }
        members.into_iter().all(|member| {
            let Some(member) = self.resolve_schema(member, pointer) else {
                return false;
            };
            let names = member.type_names();
            if !names.is_empty() {
                names.iter().all(scalar_name)
            } else if member.enumeration.is_some() || member.constant.is_some() {
                true
            } else {
                // A constraint-only member (`pattern`, `maxLength`) narrows the others.
                super::schemas::constraint_only(std::slice::from_ref(member))
            }
        })
    }

    /// The request body: its encoding, and the inputs it adds (parts or the whole value; the
    /// fields of a body struct join in [`Self::finish_operations`]).
    fn lower_body(
        &mut self,
        body: &RequestBody,
        pointer: &str,
        builder: &str,
        inputs: &mut Vec<Input>,
    ) -> Option<Body> {
        let (body, pointer, component) = self.resolve_located(body, pointer)?;
        let pointer = pointer.as_str();
        // A shared request body's inline type is named after the component.
        let body_hint =
            component.map_or_else(|| format!("{builder}Body"), |name| camel_ident(&name));
        let pick = |wanted: &dyn Fn(&str) -> bool| body.content.iter().find(|(ct, _)| wanted(ct));
        let presence = if body.required {
            Presence::Required
        } else {
            Presence::Optional
        };
        if let Some((ct, media)) = pick(&|ct| is_json(ct)) {
            let media_pointer = join(pointer, &["content", ct, "schema"]);
            let ty = match &media.schema {
                Some(schema) => {
                    let ty = self.type_of(schema, &media_pointer, &body_hint);
                    note_roots(&mut self.request_roots, &ty);
                    self.describe_inline(&ty, &media_pointer, "The request body of");
                    ty
                }
                None => TypeRef::Json,
            };
            if let Some(structure) = self.struct_name(&ty) {
                return Some(Body {
                    encoding: BodyEncoding::Json,
                    structure: Some(structure),
                });
            }
            inputs.push(whole_body(ty, presence));
            return Some(Body {
                encoding: BodyEncoding::Json,
                structure: None,
            });
        }
        if let Some((ct, media)) = pick(&|ct| content_essence(ct) == "multipart/form-data") {
            let media_pointer = join(pointer, &["content", ct]);
            let mut parts = self.lower_multipart(media, &media_pointer, builder);
            // A required body must carry something: when it has a single part and the schema
            // leaves it optional, the part becomes a required argument.
            if body.required && parts.len() == 1 && !parts[0].presence.is_required() {
                parts[0].presence = Presence::Required;
            }
            inputs.extend(parts);
            return Some(Body {
                encoding: BodyEncoding::Multipart,
                structure: None,
            });
        }
        if let Some((ct, media)) =
            pick(&|ct| content_essence(ct) == "application/x-www-form-urlencoded")
        {
            let media_pointer = join(pointer, &["content", ct, "schema"]);
            if let Some(schema) = &media.schema {
                let ty = self.type_of(schema, &media_pointer, &body_hint);
                note_roots(&mut self.request_roots, &ty);
                self.describe_inline(&ty, &media_pointer, "The request body of");
                if let Some(structure) = self.struct_name(&ty) {
                    return Some(Body {
                        encoding: BodyEncoding::Form,
                        structure: Some(structure),
                    });
                }
                let form = Some(Body {
                    encoding: BodyEncoding::Form,
                    structure: None,
                });
                match ty {
                    // An object that admits no property: the operation has no fields to send.
                    TypeRef::JsonObject if closed_and_empty(schema) => return form,
                    // Free-form fields: the caller gives them as a map.
                    TypeRef::JsonObject | TypeRef::Map(_) => {
                        inputs.push(whole_body(ty, presence));
                        return form;
                    }
                    _ => {}
                }
            }
            self.error(
                &media_pointer,
                "a form-urlencoded body needs an object schema (its properties are the form fields)",
            );
            return None;
        }
        let (content_type, _) = body.content.first()?;
        inputs.push(whole_body(TypeRef::Bytes, presence));
        Some(Body {
            encoding: BodyEncoding::Raw(content_type.clone()),
            structure: None,
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

    /// Recognizes a list operation paged by optional integer `limit` and `offset` query
    /// parameters whose response is an array of items or an object with a `data` array (and
    /// maybe a `total_count`).
    fn pagination(&self, inputs: &[Input], response: &ResponseKind) -> Option<Pagination> {
        let find = |wire: &str| {
            inputs.iter().find_map(|p| match p.ty {
                TypeRef::Integer(ty)
                    if p.wire == wire
                        && p.location == Location::Query(ParamEncoding::Display)
                        && !p.presence.is_required()
                        && ty.fits_i64() =>
                {
                    Some((p, ty))
                }
                _ => None,
            })
        };
        let ((limit, limit_type), (offset, offset_type)) = (find("limit")?, find("offset")?);
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
                let total = fields.iter().find_map(|f| match f.ty {
                    TypeRef::Integer(ty)
                        if f.wire == "total_count"
                            && ty.fits_i64()
                            && f.presence != Presence::TriState =>
                    {
                        Some((f.name.clone(), f.presence, ty))
                    }
                    _ => None,
                });
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
            limit_type,
            offset: offset.name.clone(),
            offset_type,
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
        def.doc = Some(match crate::pointer::method_and_path(pointer) {
            Some((method, path)) => format!("{what} `{method} {path}`."),
            // A schema inside a shared component: named after it, used by several operations.
            None => {
                let component = pointer.split('/').nth(3).unwrap_or_default();
                format!("The `{}` component.", crate::pointer::unescape(component))
            }
        });
    }

    /// The name of the struct `ty` names, if it is one.
    fn struct_name(&self, ty: &TypeRef) -> Option<String> {
        let TypeRef::Named(name) = ty else {
            return None;
        };
        match &self.types.get(name)?.kind {
            TypeKind::Struct { .. } => Some(name.clone()),
            _ => None,
        }
    }

    /// One input per part of a multipart body.
    fn lower_multipart(
        &mut self,
        media: &crate::openapi::MediaType,
        pointer: &str,
        builder: &str,
    ) -> Vec<Input> {
        let schema_pointer = join(pointer, &["schema"]);
        let schema = match &media.schema {
            Some(schema) => self.resolve_schema(schema, &schema_pointer),
            None => None,
        };
        let Some(schema) = schema else {
            self.error(&schema_pointer, "a multipart body needs an object schema");
            return Vec::new();
        };
        let mut parts = Vec::new();
        for (wire, property) in &schema.properties {
            let property_pointer = join(&schema_pointer, &["properties", wire]);
            let resolved = self
                .resolve_schema(property, &property_pointer)
                .cloned()
                .unwrap_or_default();
            self.warn_swagger_file(&resolved, &property_pointer);
            let is_file = resolved.type_names() == ["string"]
                && (matches!(resolved.format.as_deref(), Some("binary" | "byte"))
                    || resolved.content_media_type.is_some());
            let presence = if schema.required.contains(wire) {
                Presence::Required
            } else {
                Presence::Optional
            };
            let (kind, ty, setter) = if is_file {
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
                let kind = PartKind::File {
                    content_types,
                    max_size: resolved.max_length,
                };
                (kind, TypeRef::Bytes, SetterStyle::Upload)
            } else {
                let ty = self.type_of(
                    property,
                    &property_pointer,
                    &format!("{builder}{}", camel_ident(wire)),
                );
                let setter = setter_style(&ty, presence);
                (PartKind::Text, ty, setter)
            };
            parts.push(Input {
                name: input_name(wire),
                wire: wire.clone(),
                location: Location::Part(kind),
                ty,
                presence,
                setter,
                clear: None,
                doc: property.description.clone(),
                deprecated: false,
                constraints: Default::default(),
                integer_default: None,
            });
        }
        parts
    }

    fn lower_responses(
        &mut self,
        op: &SpecOperation,
        pointer: &str,
        builder: &str,
    ) -> (ResponseKind, Vec<StatusDoc>, Option<String>) {
        let mut statuses = Vec::new();
        let mut successes: Vec<(String, String, &crate::openapi::Response)> = Vec::new();
        let mut fallback: Option<(String, &crate::openapi::Response)> = None;
        let mut codes: Vec<&String> = op.responses.keys().collect();
        codes.sort();
        // Type-name hints of responses that are shared components, by their pointer.
        let mut hints: BTreeMap<String, String> = BTreeMap::new();
        for code in codes {
            let here = join(pointer, &["responses", code]);
            let Some((response, response_pointer, component)) =
                self.resolve_located(&op.responses[code], &here)
            else {
                continue;
            };
            let response_pointer = match component {
                Some(name) => {
                    hints.insert(response_pointer.clone(), camel_ident(&name));
                    response_pointer
                }
                None => response_pointer,
            };
            statuses.push(StatusDoc {
                status: code.clone(),
                description: response.description.clone().unwrap_or_default(),
            });
            if code.len() == 3 && code.starts_with('2') && code.chars().all(|c| c.is_ascii_digit())
            {
                successes.push((code.clone(), response_pointer, response));
            } else if code.eq_ignore_ascii_case("2XX") || (code == "default" && fallback.is_none())
            {
                fallback = Some((response_pointer, response));
            }
        }
        let accept = accept_header(
            successes.iter().map(|(_, _, response)| *response).chain(
                fallback
                    .iter()
                    .map(|(_, response)| *response)
                    .take(usize::from(successes.is_empty())),
            ),
        );
        // One response (the only success, or the fallback when there is none) is read as is.
        let single = match successes.len() {
            0 => match fallback {
                Some(fallback) => Some(fallback),
                None => return (ResponseKind::Empty, statuses, accept),
            },
            1 => successes
                .pop()
                .map(|(_, pointer, response)| (pointer, response)),
            _ => None,
        };
        if let Some((response_pointer, response)) = single {
            let hint = hints
                .remove(&response_pointer)
                .unwrap_or_else(|| format!("{builder}Response"));
            let kind = self.response_kind(response, &response_pointer, &hint);
            return (kind, statuses, accept);
        }
        let mut variants: Vec<StatusVariant> = Vec::new();
        let mut names = Namespace::default();
        for (code, response_pointer, response) in successes {
            let name = names.claim(&naming::status_variant_name(&code));
            let hint = hints
                .get(&response_pointer)
                .cloned()
                .unwrap_or_else(|| format!("{builder}{name}"));
            let kind = self.response_kind(response, &response_pointer, &hint);
            variants.push(StatusVariant {
                status: code.parse().unwrap_or(200),
                name,
                kind,
            });
        }
        let first = &variants[0].kind;
        if variants.iter().all(|v| v.kind == *first) {
            return (variants.swap_remove(0).kind, statuses, accept);
        }
        let type_name = self
            .type_names
            .claim(&camel_ident(&format!("{builder}Response")));
        let other = naming::other_status_variant(&mut names);
        let (method, path) = crate::pointer::method_and_path(pointer).unwrap_or_default();
        self.types.insert(
            type_name.clone(),
            TypeDef {
                name: type_name.clone(),
                origin: join(pointer, &["responses"]),
                doc: Some(format!(
                    "The successful responses of `{method} {path}`, by status."
                )),
                deprecated: false,
                kind: TypeKind::Responses { variants, other },
                features: Vec::new(),
                previous_names: Vec::new(),
            },
        );
        (ResponseKind::ByStatus(type_name), statuses, accept)
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
                    if let (TypeRef::Named(name), Some(description)) = (&ty, &response.description)
                    {
                        // A shared response's own description says more than its name.
                        if let Some(def) = self.types.get_mut(name) {
                            if def.origin == schema_pointer && pointer.starts_with("#/components/")
                            {
                                def.doc = Some(description.clone());
                            }
                        }
                    }
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

/// The `Accept` header of an operation whose successful answers are not JSON (a page, a file):
/// their media types, so that a server which negotiates content answers with one of them.
/// `None` where JSON is among them, and the client's default `application/json` holds.
fn accept_header<'r>(
    responses: impl Iterator<Item = &'r crate::openapi::Response>,
) -> Option<String> {
    let mut types: Vec<&str> = Vec::new();
    for response in responses {
        for media in response.content.keys() {
            if is_json(media) {
                return None;
            }
            if !types.contains(&media.as_str()) {
                types.push(media);
            }
        }
    }
    (!types.is_empty()).then(|| types.join(", "))
}

/// The group, method and builder names of an operation, decided before it is lowered.
struct OperationNames {
    operation_id: String,
    method_name: String,
    builder_name: String,
}

/// The input that carries a whole body (a JSON value that is not a struct, or raw bytes).
/// Its name is `body`, which every builder reserves for its body.
/// An object schema without properties that admits no others: `additionalProperties: false`.
fn closed_and_empty(schema: &Schema) -> bool {
    schema.properties.is_empty()
        && matches!(
            schema.additional_properties,
            Some(crate::openapi::AdditionalProperties::Allowed(false))
        )
}

fn whole_body(ty: TypeRef, presence: Presence) -> Input {
    Input {
        name: "body".to_owned(),
        wire: "body".to_owned(),
        location: Location::Body,
        setter: if ty == TypeRef::Bytes {
            SetterStyle::IntoBytes
        } else {
            setter_style(&ty, presence)
        },
        ty,
        presence,
        clear: None,
        doc: None,
        deprecated: false,
        constraints: Default::default(),
        integer_default: None,
    }
}

/// How a builder method takes a value of `ty`: strings and lists of strings through `Into`,
/// boxed values unboxed, a value that may be null as the `Option` itself.
fn setter_style(ty: &TypeRef, presence: Presence) -> SetterStyle {
    if presence == Presence::RequiredNullable {
        return SetterStyle::Value;
    }
    match ty {
        TypeRef::String => SetterStyle::IntoString,
        TypeRef::Vec(inner) if **inner == TypeRef::String => SetterStyle::IntoStrings,
        TypeRef::Boxed(_) => SetterStyle::Boxed,
        _ => SetterStyle::Value,
    }
}

/// Claims every builder name of `op` in one namespace: the builder's own names first, then
/// each input in declaration order, each tri-state input's `clear_` setter right after it.
fn claim_input_names(op: &mut Operation) {
    let mut names = Namespace::default();
    for reserved in RESERVED_BUILDER_NAMES {
        names.claim(reserved);
    }
    // A deprecated input yields its natural name to a current one spelled alike
    // (`frontendApi` and `frontend_api` are both `frontend_api`).
    for deprecated in [false, true] {
        for input in op.inputs.iter_mut().filter(|i| i.deprecated == deprecated) {
            if input.location == Location::Body {
                continue;
            }
            input.name = names.claim(&input.name);
            if input.presence == Presence::TriState {
                input.clear = Some(names.claim(&naming::clear_setter(&input.name)));
            }
        }
    }
}

/// The named types an operation's inputs and outputs mention.
pub(super) fn operation_type_refs(op: &Operation, out: &mut Vec<String>) {
    use super::schemas::collect_refs;
    for input in &op.inputs {
        collect_refs(&input.ty, out);
    }
    if let Some(structure) = op.body.as_ref().and_then(|b| b.structure.as_ref()) {
        out.push(structure.clone());
    }
    match &op.response {
        ResponseKind::Json(ty) => collect_refs(ty, out),
        ResponseKind::ByStatus(type_name) => out.push(type_name.clone()),
        ResponseKind::Text | ResponseKind::Bytes | ResponseKind::Empty => {}
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parameters_in_order() {
        assert_eq!(template_params("/a/{x}/b/{y_z}"), ["x", "y_z"]);
        assert!(template_params("/plain").is_empty());
    }
}
