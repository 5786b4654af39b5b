//! Schemas to types: named and inline types, composition, enums, nullability and recursion.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use serde_yaml::Value;

use super::Lowerer;
use super::constraints::constraints;
use crate::ir::{
    Access, EnumVariant, Field, FloatType, Presence, TypeDef, TypeKind, TypeRef, UnionVariant,
};
use crate::naming::{Namespace, camel_ident, snake_ident, unraw};
use crate::openapi::{AdditionalProperties, Schema};
use crate::pointer::join;

pub(super) const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// How deep inline type definitions may nest.
const MAX_NESTING: usize = 48;

impl<'a> Lowerer<'a> {
    /// Gives every component schema its Rust name before any is lowered, so references resolve
    /// regardless of order.
    pub(super) fn declare_components(&mut self) {
        // Generated code names these prelude items unqualified; a schema of the same name gets
        // a suffix instead of shadowing them.
        for reserved in crate::naming::PRELUDE_NAMES {
            self.type_names.claim(reserved);
        }
        for name in self.doc.components.schemas.keys() {
            let wanted = match self.options.type_names.get(name) {
                Some(rust) => rust.clone(),
                None => camel_ident(name),
            };
            let rust = self.type_names.claim(&wanted);
            self.component_names.insert(name.clone(), rust);
        }
    }

    pub(super) fn lower_components(&mut self) {
        let doc = self.doc;
        for (name, schema) in &doc.components.schemas {
            let rust = self.component_names[name].clone();
            let pointer = join("#/components/schemas", &[name]);
            if schema.reference.is_some() && self.resolve_schema(schema, &pointer).is_none() {
                continue;
            }
            self.define(schema, &pointer, rust.clone());
            let mut kept = Vec::new();
            for previous in &schema.previous_names {
                let valid = previous
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase())
                    && previous.chars().all(|c| c.is_ascii_alphanumeric());
                if !valid || self.type_names.claim(previous) != *previous {
                    self.warning(
                        &join(&pointer, &["x-rust-previous-names"]),
                        format!("`{previous}` is not a free type name; no alias is kept for it"),
                    );
                    continue;
                }
                kept.push(previous.clone());
            }
            if let Some(def) = self.types.get_mut(&rust) {
                def.previous_names = kept;
            }
        }
    }

    /// Swagger 2.0's `type: file`, read as a binary string, is worth a warning where it is used.
    pub(super) fn warn_swagger_file(&mut self, schema: &Schema, pointer: &str) {
        if schema.swagger_file {
            self.warning(
                pointer,
                "`type: file` is Swagger 2.0; read as `type: string, format: binary`".to_owned(),
            );
        }
    }

    /// Defines the named type `name` from `schema`. Schemas that are not objects, enums or
    /// unions become aliases.
    fn define(&mut self, schema: &Schema, pointer: &str, name: String) {
        // Inline schemas nest as deep as the document does, except through an `allOf` whose
        // merged properties lead back into it; stop such a loop with an error.
        if self.depth >= MAX_NESTING {
            self.error(
                pointer,
                format!(
                    "schemas nest more than {MAX_NESTING} levels deep here (a recursive allOf?)"
                ),
            );
            return;
        }
        self.depth += 1;
        let kind = match self.named_kind(schema, pointer, &name) {
            Some(kind) => kind,
            None => TypeKind::Alias(self.type_of(schema, pointer, &format!("{name}Value"))),
        };
        self.depth -= 1;
        self.types.insert(
            name.clone(),
            TypeDef {
                name,
                origin: pointer.to_owned(),
                doc: schema.description.clone().or_else(|| schema.title.clone()),
                deprecated: schema.deprecated,
                kind,
                features: Vec::new(),
                previous_names: Vec::new(),
            },
        );
    }

    /// The kind of a type that needs its own definition, or `None` when the schema is a plain
    /// type (string, array, map, reference, ...).
    fn named_kind(&mut self, schema: &Schema, pointer: &str, name: &str) -> Option<TypeKind> {
        if schema.reference.is_some() {
            return None;
        }
        if let Some(values) = &schema.enumeration {
            if values
                .iter()
                .all(|v| matches!(v, Value::String(_) | Value::Null))
                && values.iter().any(|v| matches!(v, Value::String(_)))
            {
                return Some(open_enum(values));
            }
            if is_integer_enum(values) {
                return Some(open_int_enum(values));
            }
            return None;
        }
        if !schema.all_of.is_empty() && wrapped_single(schema).is_none() {
            let fields = self.merged_fields(schema, pointer, name);
            return Some(TypeKind::Struct {
                fields,
                request: false,
            });
        }
        let alternatives = if schema.one_of.is_empty() {
            &schema.any_of
        } else {
            &schema.one_of
        };
        let keyword = if schema.one_of.is_empty() {
            "anyOf"
        } else {
            "oneOf"
        };
        let significant = alternatives.iter().filter(|a| !a.only_null()).count();
        if significant > 1 && !constraint_only(alternatives) {
            return Some(self.union_kind(schema, alternatives, &join(pointer, &[keyword]), name));
        }
        let names = schema.type_names();
        let is_object = names == ["object"] || (names.is_empty() && !schema.properties.is_empty());
        if is_object && !schema.properties.is_empty() {
            let fields = self.fields(&schema.properties, &schema.required, pointer, name);
            return Some(TypeKind::Struct {
                fields,
                request: false,
            });
        }
        None
    }

    /// The type of an inline or referenced schema. Schemas that need a definition get one,
    /// named `hint` (made unique).
    pub(super) fn type_of(&mut self, schema: &Schema, pointer: &str, hint: &str) -> TypeRef {
        self.warn_swagger_file(schema, pointer);
        if let Some(reference) = &schema.reference {
            return self.schema_ref(reference, pointer);
        }
        if let Some(inner) = wrapped_single(schema) {
            let keyword = if !schema.all_of.is_empty() {
                "allOf"
            } else if !schema.one_of.is_empty() {
                "oneOf"
            } else {
                "anyOf"
            };
            return self.type_of(inner, &join(pointer, &[keyword, "0"]), hint);
        }
        if let Some(values) = &schema.enumeration {
            let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            if strings.len() == 1 && values.len() == 1 {
                return TypeRef::String;
            }
        }
        if schema.enumeration.is_none() && schema.properties.is_empty() {
            match &schema.constant {
                Some(Value::String(_)) => return TypeRef::String,
                Some(Value::Bool(_)) => return TypeRef::Bool,
                Some(Value::Number(n)) if n.is_i64() => {
                    return TypeRef::Integer(self.scalars.integer(None));
                }
                Some(Value::Number(_)) => return TypeRef::Float(FloatType::F64),
                _ => {}
            }
        }
        if self.needs_definition(schema) {
            if let Some(ty) = self.inline_types.get(pointer) {
                return ty.clone();
            }
            let name = self.type_names.claim(&camel_ident(hint));
            self.inline_types
                .insert(pointer.to_owned(), TypeRef::Named(name.clone()));
            self.define(schema, pointer, name.clone());
            return TypeRef::Named(name);
        }
        let names = schema.type_names();
        if names.len() > 1 {
            self.warning(
                pointer,
                format!(
                    "a value of several types ({}) is kept as JSON",
                    names.join(", ")
                ),
            );
            return TypeRef::Json;
        }
        match names.first().copied() {
            Some(name @ ("string" | "integer" | "number" | "boolean")) => {
                self.scalar(name, schema.format.as_deref(), pointer)
            }
            Some("array") => {
                let item = match &schema.items {
                    Some(items) => {
                        let ty =
                            self.type_of(items, &join(pointer, &["items"]), &format!("{hint}Item"));
                        if items.is_nullable() {
                            TypeRef::Option(Box::new(ty))
                        } else {
                            ty
                        }
                    }
                    None => TypeRef::Json,
                };
                TypeRef::Vec(Box::new(item))
            }
            Some("object") | None if schema.properties.is_empty() => {
                match &schema.additional_properties {
                    Some(AdditionalProperties::Schema(value)) => {
                        let pointer = join(pointer, &["additionalProperties"]);
                        let ty = self.type_of(value, &pointer, &format!("{hint}Value"));
                        let ty = if value.is_nullable() {
                            TypeRef::Option(Box::new(ty))
                        } else {
                            ty
                        };
                        TypeRef::Map(Box::new(ty))
                    }
                    _ if !schema.pattern_properties.is_empty() => {
                        self.pattern_map(schema, pointer, hint)
                    }
                    _ if names.is_empty() && schema.constant.is_none() => TypeRef::Json,
                    _ if schema.constant.is_some() => TypeRef::Json,
                    _ => TypeRef::JsonObject,
                }
            }
            Some("null") => TypeRef::Unit,
            Some(other) => {
                self.error(pointer, format!("unknown schema type `{other}`"));
                TypeRef::Json
            }
            None => TypeRef::Json,
        }
    }

    /// A map whose keys follow `patternProperties`: its values' type when every pattern gives
    /// the same one, JSON values otherwise (with a warning).
    fn pattern_map(&mut self, schema: &Schema, pointer: &str, hint: &str) -> TypeRef {
        let mut types = Vec::new();
        for (pattern, value) in &schema.pattern_properties {
            let pointer = join(pointer, &["patternProperties", pattern]);
            let ty = self.type_of(value, &pointer, &format!("{hint}Value"));
            types.push(if value.is_nullable() {
                TypeRef::Option(Box::new(ty))
            } else {
                ty
            });
        }
        types.dedup();
        match types.as_slice() {
            [one] => TypeRef::Map(Box::new(one.clone())),
            _ => {
                self.warning(
                    &join(pointer, &["patternProperties"]),
                    "the key patterns give their values different types; values are kept as JSON",
                );
                TypeRef::Map(Box::new(TypeRef::Json))
            }
        }
    }

    fn needs_definition(&self, schema: &Schema) -> bool {
        if let Some(values) = &schema.enumeration {
            let strings = values.iter().filter(|v| v.is_string()).count();
            let string_enum = strings > 1
                && values
                    .iter()
                    .all(|v| matches!(v, Value::String(_) | Value::Null));
            return string_enum || is_integer_enum(values);
        }
        let alternatives = if schema.one_of.is_empty() {
            &schema.any_of
        } else {
            &schema.one_of
        };
        if alternatives.iter().filter(|a| !a.only_null()).count() > 1
            && !constraint_only(alternatives)
        {
            return true;
        }
        if !schema.all_of.is_empty() {
            return true;
        }
        let names = schema.type_names();
        (names == ["object"] || names.is_empty()) && !schema.properties.is_empty()
    }

    /// Whether `schema` is a reference (or a single-entry wrapper around one) to a schema that
    /// is itself nullable.
    fn references_nullable(&self, schema: &Schema) -> bool {
        let mut current = schema;
        for _ in 0..32 {
            if current.is_nullable() {
                return true;
            }
            if let Some(inner) = wrapped_single(current) {
                current = inner;
                continue;
            }
            let Some(reference) = &current.reference else {
                return false;
            };
            let target = reference
                .strip_prefix(SCHEMA_PREFIX)
                .map(crate::pointer::unescape)
                .and_then(|n| self.doc.components.schemas.get(&n));
            match target {
                Some(target) => current = target,
                None => return false,
            }
        }
        false
    }

    /// Fields of an object schema, named uniquely within the struct.
    pub(super) fn fields(
        &mut self,
        properties: &IndexMap<String, Schema>,
        required: &[String],
        pointer: &str,
        owner: &str,
    ) -> Vec<Field> {
        let mut names = Namespace::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (wire, schema) in properties {
            let field_pointer = join(pointer, &["properties", wire]);
            let name = names.claim(&snake_ident(wire));
            let hint = format!("{owner}{}", camel_ident(wire));
            let ty = self.type_of(schema, &field_pointer, &hint);
            let nullable = schema.is_nullable() || self.references_nullable(schema);
            let presence = match (required.contains(wire), nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::TriState,
            };
            let fixed = match (&schema.enumeration, &schema.constant) {
                (Some(values), _) if values.len() == 1 => values[0].as_str(),
                (None, Some(value)) => value.as_str(),
                _ => None,
            };
            let mut doc = match (&schema.description, fixed) {
                (Some(d), _) => Some(d.clone()),
                (None, Some(v)) => Some(format!("Always `{v}`.")),
                _ => None,
            };
            let note = match (schema.read_only, schema.write_only) {
                (true, false) => Some("Read-only: set by the server and not sent."),
                (false, true) => Some("Write-only: sent, never returned."),
                _ => None,
            };
            if let Some(note) = note {
                doc = Some(match doc {
                    Some(text) => format!("{}\n\n{note}", text.trim_end()),
                    None => note.to_owned(),
                });
            }
            fields.push(Field {
                name,
                wire: wire.clone(),
                ty,
                presence,
                doc,
                deprecated: schema.deprecated,
                constraints: constraints(schema),
                access: match (schema.read_only, schema.write_only) {
                    (true, false) => Access::ReadOnly,
                    (false, true) => Access::WriteOnly,
                    _ => Access::ReadWrite,
                },
            });
        }
        fields
    }

    /// The fields of an `allOf`: every part's properties, in order, then the schema's own;
    /// later ones override earlier ones. The merged components stay on the `merging` stack
    /// while the fields are lowered, so an `allOf` that leads back to one of them is cut there.
    fn merged_fields(&mut self, schema: &Schema, pointer: &str, owner: &str) -> Vec<Field> {
        let mut properties: IndexMap<String, Schema> = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        let mark = self.merging.len();
        if let Some(component) = pointer
            .strip_prefix(SCHEMA_PREFIX)
            .filter(|n| !n.contains('/'))
        {
            self.merging.push(format!("{SCHEMA_PREFIX}{component}"));
        }
        self.collect_all_of(schema, pointer, &mut properties, &mut required);
        let fields = self.fields(&properties, &required, pointer, owner);
        self.merging.truncate(mark);
        fields
    }

    fn collect_all_of(
        &mut self,
        schema: &Schema,
        pointer: &str,
        properties: &mut IndexMap<String, Schema>,
        required: &mut Vec<String>,
    ) {
        for (i, part) in schema.all_of.iter().enumerate() {
            let part_pointer = join(pointer, &["allOf", &i.to_string()]);
            if let Some(reference) = &part.reference {
                if self.merging.contains(reference) {
                    self.warning(
                        &part_pointer,
                        format!("`{reference}` includes itself through allOf, which cannot be flattened; this schema gets only its other parts"),
                    );
                    continue;
                }
                self.merging.push(reference.clone());
            }
            if let Some(part) = self.resolve_schema(part, &part_pointer) {
                self.collect_all_of(part, &part_pointer, properties, required);
            }
        }
        for (name, property) in &schema.properties {
            properties.insert(name.clone(), property.clone());
        }
        for name in &schema.required {
            if !required.contains(name) {
                required.push(name.clone());
            }
        }
    }

    fn union_kind(
        &mut self,
        schema: &Schema,
        alternatives: &[Schema],
        pointer: &str,
        owner: &str,
    ) -> TypeKind {
        let mut names = Namespace::default();
        let mut variants = Vec::with_capacity(alternatives.len());
        // An "or null" member makes the value nullable rather than adding a variant.
        let members: Vec<(usize, &Schema)> = alternatives
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.only_null())
            .collect();
        let alternatives: Vec<&Schema> = members.iter().map(|(_, a)| *a).collect();
        for &(i, alternative) in &members {
            let variant_pointer = join(pointer, &[&i.to_string()]);
            let base = match &alternative.reference {
                Some(reference) => reference.rsplit('/').next().unwrap_or("Variant").to_owned(),
                None => alternative
                    .title
                    .clone()
                    .or_else(|| distinguishing_name(alternative, &alternatives))
                    .or_else(|| alternative.type_names().first().map(|t| (*t).to_owned()))
                    .unwrap_or_else(|| format!("Variant{i}")),
            };
            let name = names.claim(&camel_ident(&base));
            let ty = self.type_of(
                alternative,
                &variant_pointer,
                &format!("{owner}{}", unraw(&name)),
            );
            variants.push(UnionVariant {
                name,
                ty,
                tags: Vec::new(),
            });
        }
        let Some(discriminator) = &schema.discriminator else {
            return TypeKind::Untagged { variants };
        };
        let property = discriminator.property_name.clone();
        for (variant, alternative) in variants.iter_mut().zip(alternatives) {
            let mut tags: Vec<String> = discriminator
                .mapping
                .iter()
                .filter(|(_, target)| alternative.reference.as_deref() == Some(target.as_str()))
                .map(|(tag, _)| tag.clone())
                .collect();
            if tags.is_empty() {
                if let Some(target) = self.resolve_schema(alternative, pointer) {
                    if let Some(values) = target
                        .properties
                        .get(&property)
                        .and_then(|p| p.enumeration.clone())
                    {
                        tags.extend(values.iter().filter_map(|v| v.as_str().map(str::to_owned)));
                    }
                }
            }
            if tags.is_empty() {
                if let Some(reference) = &alternative.reference {
                    tags.push(reference.rsplit('/').next().unwrap_or_default().to_owned());
                }
            }
            variant.tags = tags;
        }
        let other = crate::naming::catch_all_variant(&mut names, "UnknownVariant");
        TypeKind::Tagged {
            property,
            variants,
            other,
        }
    }
}

/// A name for an inline object alternative of a union, from what sets it apart from the others:
/// a member fixed to one string (`object: {enum: [access_token]}` names it `AccessToken`), else
/// the first required member that no other alternative requires (`active`).
fn distinguishing_name(alternative: &Schema, alternatives: &[&Schema]) -> Option<String> {
    if alternative.properties.is_empty() {
        return None;
    }
    let fixed = alternative.properties.values().find_map(|member| {
        match (&member.enumeration, &member.constant) {
            (Some(values), _) if values.len() == 1 => values[0].as_str(),
            (None, Some(value)) => value.as_str(),
            _ => None,
        }
    });
    if let Some(fixed) = fixed.filter(|f| !f.is_empty()) {
        return Some(fixed.to_owned());
    }
    alternative
        .required
        .iter()
        .find(|name| {
            alternatives
                .iter()
                .filter(|other| !std::ptr::eq(**other, alternative))
                .all(|other| !other.required.contains(name))
        })
        .cloned()
}

/// The one schema a wrapper stands for: `allOf`/`oneOf`/`anyOf` with a single entry and no
/// properties of its own (a common way to attach `nullable` or a description to a `$ref`).
fn wrapped_single(schema: &Schema) -> Option<&Schema> {
    if !schema.properties.is_empty() {
        return None;
    }
    let lists = [&schema.all_of, &schema.one_of, &schema.any_of];
    let non_empty: Vec<&Vec<Schema>> = lists.into_iter().filter(|l| !l.is_empty()).collect();
    let [only] = non_empty.as_slice() else {
        return None;
    };
    let is_all_of = std::ptr::eq(*only, &schema.all_of);
    // "Or null" members make the value nullable; in an `allOf`, members that only annotate
    // or constrain (`description`, `maxLength`) leave the type to the one that has it.
    let mut significant = only.iter().filter(|member| {
        let annotation = is_all_of && constraint_only(std::slice::from_ref(*member));
        !(member.only_null() || annotation)
    });
    match (significant.next(), significant.next()) {
        (Some(single), None) => Some(single),
        _ => None,
    }
}

/// `anyOf: [{required: [a]}, {required: [b]}]`: alternatives that only constrain, never shape.
pub(super) fn constraint_only(alternatives: &[Schema]) -> bool {
    alternatives.iter().all(|s| {
        s.reference.is_none()
            && s.kind.is_none()
            && s.properties.is_empty()
            && s.all_of.is_empty()
            && s.one_of.is_empty()
            && s.any_of.is_empty()
            && s.enumeration.is_none()
            && s.items.is_none()
    })
}

fn open_enum(values: &[Value]) -> TypeKind {
    let mut names = Namespace::default();
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for value in values.iter().filter_map(Value::as_str) {
        if !seen.insert(value) {
            continue;
        }
        variants.push(EnumVariant {
            name: names.claim(&camel_ident(value)),
            wire: value.to_owned(),
        });
    }
    let other = crate::naming::catch_all_variant(&mut names, "UnknownValue");
    TypeKind::Enum { variants, other }
}

/// Two or more integer values (and maybe `null`).
fn is_integer_enum(values: &[Value]) -> bool {
    values.iter().filter(|v| v.as_i64().is_some()).count() > 1
        && values.iter().all(|v| v.as_i64().is_some() || v.is_null())
}

fn open_int_enum(values: &[Value]) -> TypeKind {
    let mut names = Namespace::default();
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for value in values.iter().filter_map(Value::as_i64) {
        if !seen.insert(value) {
            continue;
        }
        let raw = if value < 0 {
            format!("Minus{}", value.unsigned_abs())
        } else {
            format!("V{value}")
        };
        variants.push((names.claim(&raw), value));
    }
    let other = crate::naming::catch_all_variant(&mut names, "UnknownValue");
    TypeKind::IntEnum { variants, other }
}
