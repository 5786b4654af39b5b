//! References to components: resolving them, and saying exactly why one does not resolve
//! (no such component, or a component of another kind).

use std::collections::BTreeSet;

use indexmap::IndexMap;

use super::Lowerer;
use super::schemas::SCHEMA_PREFIX;
use crate::ir::TypeRef;
use crate::openapi::{Parameter, RequestBody, Response, Schema};

impl<'a> Lowerer<'a> {
    /// The type a `$ref` to a schema names.
    pub(super) fn schema_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        if let Some(name) = reference.strip_prefix(SCHEMA_PREFIX) {
            let name = crate::pointer::unescape(name);
            if let Some(rust) = self.component_names.get(&name) {
                return TypeRef::Named(rust.clone());
            }
        }
        self.unresolvable(reference, pointer, SCHEMA_PREFIX);
        TypeRef::Json
    }

    /// Reports a `$ref` that names no component of the kind expected where it sits (`expected`
    /// is that kind's prefix, `#/components/schemas/`), naming the reference as its author
    /// wrote it and what it points to instead.
    fn unresolvable(&mut self, reference: &str, pointer: &str, expected: &str) {
        let shown = match self.doc.written.get(reference) {
            Some(written) => written.describe(),
            None => format!("`{reference}`"),
        };
        let wanted = kind_noun(expected);
        let message = if let Some(found) = self.other_kind(reference, expected) {
            format!("reference {shown} points to {found}, where {wanted} is expected")
        } else if reference.starts_with('#') {
            format!(
                "unresolvable reference {shown}: the document has no such {}",
                kind_word(expected)
            )
        } else {
            format!("reference {shown} points outside this document and could not be bundled")
        };
        self.error(pointer, message);
    }

    /// What kind of component `reference` names, when it is one of another kind than `expected`.
    fn other_kind(&self, reference: &str, expected: &str) -> Option<String> {
        let (kind, name) = reference.strip_prefix("#/components/")?.split_once('/')?;
        if expected.trim_end_matches('/').ends_with(kind) {
            return None;
        }
        let name = crate::pointer::unescape(name);
        let components = &self.doc.components;
        let exists = match kind {
            "schemas" => components.schemas.contains_key(&name),
            "parameters" => components.parameters.contains_key(&name),
            "responses" => components.responses.contains_key(&name),
            "requestBodies" => components.request_bodies.contains_key(&name),
            "securitySchemes" => components.security_schemes.contains_key(&name),
            _ => false,
        };
        exists.then(|| kind_noun(&format!("#/components/{kind}/")))
    }

    /// The schema a `$ref` points to, following chains of references.
    pub(super) fn resolve_schema<'s>(
        &mut self,
        schema: &'s Schema,
        pointer: &str,
    ) -> Option<&'s Schema>
    where
        'a: 's,
    {
        let mut current = schema;
        let mut seen = BTreeSet::new();
        while let Some(reference) = &current.reference {
            if !seen.insert(reference.clone()) {
                self.error(pointer, format!("reference cycle through `{reference}`"));
                return None;
            }
            let target = reference
                .strip_prefix(SCHEMA_PREFIX)
                .map(crate::pointer::unescape)
                .and_then(|n| self.doc.components.schemas.get(&n));
            match target {
                Some(target) => current = target,
                None => {
                    self.unresolvable(reference, pointer, SCHEMA_PREFIX);
                    return None;
                }
            }
        }
        Some(current)
    }

    /// Like [`Self::resolve`], with the pointer of the item found and, for a reference, the
    /// component's name: inline schemas inside a shared component are lowered once, at the
    /// component, and named after it.
    pub(super) fn resolve_located<'t, T: Component>(
        &mut self,
        item: &'t T,
        pointer: &str,
    ) -> Option<(&'t T, String, Option<String>)>
    where
        'a: 't,
    {
        let found = self.resolve(item, pointer)?;
        Some(match item.reference() {
            Some(reference) => {
                let name = crate::pointer::component_name(reference, T::PREFIX);
                (found, reference.to_owned(), name)
            }
            None => (found, pointer.to_owned(), None),
        })
    }

    /// `item` itself, or the component its `$ref` names (parameters, request bodies and
    /// responses alike).
    pub(super) fn resolve<'t, T: Component>(&mut self, item: &'t T, pointer: &str) -> Option<&'t T>
    where
        'a: 't,
    {
        let Some(reference) = item.reference() else {
            return Some(item);
        };
        let found = crate::pointer::component_name(reference, T::PREFIX)
            .and_then(|name| T::components(self.doc).get(&name));
        if found.is_none() {
            self.unresolvable(reference, pointer, T::PREFIX);
        }
        found
    }
}

/// A kind of reusable component that a `$ref` can name.
pub(super) trait Component: Sized {
    /// Where components of this kind live (`#/components/parameters/`).
    const PREFIX: &'static str;
    /// The `$ref` of this item, if it is a reference.
    fn reference(&self) -> Option<&str>;
    /// The document's components of this kind.
    fn components(doc: &crate::openapi::Document) -> &IndexMap<String, Self>;
}

impl Component for Parameter {
    const PREFIX: &'static str = "#/components/parameters/";
    fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }
    fn components(doc: &crate::openapi::Document) -> &IndexMap<String, Self> {
        &doc.components.parameters
    }
}

impl Component for RequestBody {
    const PREFIX: &'static str = "#/components/requestBodies/";
    fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }
    fn components(doc: &crate::openapi::Document) -> &IndexMap<String, Self> {
        &doc.components.request_bodies
    }
}

impl Component for Response {
    const PREFIX: &'static str = "#/components/responses/";
    fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }
    fn components(doc: &crate::openapi::Document) -> &IndexMap<String, Self> {
        &doc.components.responses
    }
}

/// "schema", "response", ... for the components under `prefix`.
fn kind_word(prefix: &str) -> &'static str {
    match prefix
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
    {
        "schemas" => "schema",
        "parameters" => "parameter",
        "responses" => "response",
        "requestBodies" => "request body",
        "securitySchemes" => "security scheme",
        _ => "component",
    }
}

/// The same with its article: "a schema".
fn kind_noun(prefix: &str) -> String {
    format!("a {}", kind_word(prefix))
}
