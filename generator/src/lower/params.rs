//! Parameters (path, query, header, cookie) to inputs: their names, types, how they are
//! written on the wire, and which setter they get.

use super::operations::template_params;
use super::{Lowerer, is_json};
use crate::ir::{
    Capabilities, Input, Location, ParamEncoding, ParamStyle, Presence, SetterStyle, TypeKind,
    TypeRef,
};
use crate::naming::{camel_ident, input_name};
use crate::openapi::{Operation as SpecOperation, Parameter, PathItem, Schema};
use crate::pointer::join;

impl Lowerer<'_> {
    /// The operation's parameters, path parameters first in template order.
    pub(super) fn lower_parameters(
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
                    optional_in_body: false,
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
        let (name, location) = self.parameter_place(param, param_pointer, path, template)?;
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
        ty.collect_named(&mut self.request_roots);
        let constraints = schema
            .map(super::constraints::constraints)
            .unwrap_or_default();
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
            optional_in_body: false,
        })
    }

    /// The parameter's name and location, once they are known and it is one the caller sets:
    /// `None` for a path parameter the template lacks or a header the client sets itself.
    fn parameter_place<'p>(
        &mut self,
        param: &'p Parameter,
        param_pointer: &str,
        path: &str,
        template: &[String],
    ) -> Option<(&'p String, &'p String)> {
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
        Some((name, location))
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

    /// Whether values of `ty` are written as text with `Display`: primitives, open enums and
    /// external types whose encoding says so.
    fn is_scalar(&self, ty: &TypeRef) -> bool {
        ty.capabilities(&mut |name| {
            let display = match self.types.get(name).map(|d| &d.kind) {
                Some(TypeKind::Enum { .. } | TypeKind::IntEnum { .. }) => true,
                Some(TypeKind::Alias(inner)) => self.is_scalar(inner),
                _ => false,
            };
            Capabilities {
                display,
                opaque: display,
            }
        })
        .display
    }
}

/// How a builder method takes a value of `ty`: strings and lists of strings through `Into`,
/// boxed values unboxed, a value that may be null as the `Option` itself.
pub(super) fn setter_style(ty: &TypeRef, presence: Presence) -> SetterStyle {
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
