//! Paths and operations to groups of request builders.
//!
//! Lowering runs in two steps. [`Lowerer::lower_operations`] reads every operation: its
//! parameters, body and responses, defining the types they use. Once the types are final
//! (request types know which fields are tri-state), [`Lowerer::finish_operations`] adds the
//! body fields to each operation's flat input list, claims every builder name in one namespace
//! and picks the argument order and pagination.

use std::collections::BTreeMap;

use super::Lowerer;
use super::params::setter_style;
use crate::ir::{Group, HttpMethod, Input, Location, Operation, Presence, TypeDef, TypeKind};
use crate::naming::{self, Namespace, RESERVED_BUILDER_NAMES, camel_ident, snake_ident};
use crate::openapi::{Operation as SpecOperation, PathItem};
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
                let pointer = join("#/paths", &[path, method.key()]);
                let operation_id = op
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| naming::derived_operation_id(method.key(), path));
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
        method: HttpMethod,
        op: &SpecOperation,
        pointer: &str,
        names: OperationNames,
    ) -> Option<Operation> {
        let builder_name = names.builder_name;
        let settings_hint = self
            .doc
            .rust_client
            .as_ref()
            .and_then(|settings| settings.pagination.get(&names.operation_id));
        if let Some(hint) = settings_hint {
            self.pagination_hints
                .insert(pointer.to_owned(), hint.clone());
        }
        match &op.pagination {
            _ if settings_hint.is_some() => {}
            Some(crate::openapi::Hint::Read(hint)) => {
                self.pagination_hints
                    .insert(pointer.to_owned(), hint.clone());
            }
            Some(crate::openapi::Hint::Unreadable(_)) => self.warning(
                &join(pointer, &["x-speakeasy-pagination"]),
                "the pagination hint is not in the form `{type, inputs: [{name, type}], outputs: {results, nextCursor, nextUrl, numPages}}`; the detection rules apply",
            ),
            None => {}
        }
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
        let link_header = self.declares_link_header(op, pointer);
        let idempotency_name = self
            .doc
            .rust_client
            .as_ref()
            .and_then(|s| s.idempotency_header.clone())
            .unwrap_or_else(|| "Idempotency-Key".to_owned());
        let idempotency_header = inputs
            .iter()
            .find(|input| {
                matches!(input.location, Location::Header(_))
                    && input.wire.eq_ignore_ascii_case(&idempotency_name)
            })
            .map(|input| input.wire.clone());
        Some(Operation {
            operation_id: names.operation_id,
            method_name: names.method_name,
            builder_name,
            http_method: method,
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
            security: self.operation_security(op.security.as_ref()),
            idempotency_header,
            pagination: None,
            link_header,
        })
    }

    /// Completes every operation once types are final: body fields join the inputs, every
    /// builder name is claimed in one namespace, and the argument order and pagination are
    /// decided.
    pub(super) fn finish_operations(&mut self, groups: &mut [Group]) {
        for op in groups.iter_mut().flat_map(|g| g.operations.iter_mut()) {
            if let Some(structure) = op.body.as_ref().and_then(|b| b.structure.clone()) {
                if let Some(TypeDef {
                    kind: TypeKind::Struct { fields, .. },
                    ..
                }) = self.types.get(&structure)
                {
                    op.inputs.extend(fields.iter().map(|field| {
                        // Sent, a required write-only field is required whatever responses do.
                        let sent_required = self
                            .sent_required
                            .contains(&(structure.clone(), field.name.clone()));
                        let presence = match sent_required {
                            true => Presence::Required,
                            false => field.presence,
                        };
                        Input {
                            name: field.name.clone(),
                            wire: field.wire.clone(),
                            location: Location::BodyField(field.name.clone()),
                            setter: setter_style(&field.ty, presence),
                            ty: field.ty.clone(),
                            presence,
                            clear: None,
                            doc: field.doc.clone(),
                            deprecated: field.deprecated,
                            constraints: field.constraints.clone(),
                            integer_default: None,
                            optional_in_body: sent_required,
                        }
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
            op.pagination = match self.pagination_hints.get(&op.origin).cloned() {
                Some(hint) => match self.hinted_pagination(op, &hint) {
                    Ok(paging) => Some(paging),
                    Err(why) => {
                        self.warning(
                            &join(&op.origin, &["x-speakeasy-pagination"]),
                            format!("the pagination hint cannot be followed: {why}; the detection rules apply"),
                        );
                        self.pagination(&op.inputs, &op.response, op.link_header)
                    }
                },
                None => self.pagination(&op.inputs, &op.response, op.link_header),
            };
        }
    }
}

/// The group, method and builder names of an operation, decided before it is lowered.
struct OperationNames {
    operation_id: String,
    method_name: String,
    builder_name: String,
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

/// The names inside `{...}` in a path template, in order.
pub(super) fn template_params(path: &str) -> Vec<String> {
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

#[cfg(test)]
mod idempotency_tests {
    use crate::{Layout, Options, generate};

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /orders:\n    post:\n      operationId: createOrder\n      tags: [Orders]\n      parameters: [{name: X-Request-Token, in: header, schema: {type: string}}]\n      responses: {'204': {description: done}}\n";

    fn orders(options: Options) -> String {
        let output = generate("t.yaml", SPEC, &options).unwrap_or_else(|d| panic!("{d}"));
        output.files["operations/orders.rs"].clone()
    }

    #[test]
    fn the_idempotency_header_is_named_by_a_setting() {
        let plain = orders(Options::new(Layout::Modules));
        assert!(!plain.contains("request.idempotency_key("), "{plain}");
        let named =
            orders(Options::new(Layout::Modules).setting("idempotency-header", "x-request-token"));
        assert!(
            named.contains("request.idempotency_key(\"X-Request-Token\")"),
            "{named}"
        );
    }
}
