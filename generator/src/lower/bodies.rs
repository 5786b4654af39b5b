//! Request bodies to inputs and body types: JSON and form bodies, multipart parts, and the
//! names of the inline types they define.

use super::params::setter_style;
use super::{Lowerer, content_essence, is_json};
use crate::ir::{
    Body, BodyEncoding, Input, Location, PartKind, Presence, SetterStyle, TypeKind, TypeRef,
};
use crate::naming::{camel_ident, input_name};
use crate::openapi::{RequestBody, Schema};
use crate::pointer::join;

impl Lowerer<'_> {
    /// The request body: its encoding, and the inputs it adds (parts or the whole value; the
    /// fields of a body struct join in [`Self::finish_operations`]).
    pub(super) fn lower_body(
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
                    ty.collect_named(&mut self.request_roots);
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
                ty.collect_named(&mut self.request_roots);
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

    /// Gives an undocumented type defined inline at `pointer` a doc line naming its operation.
    pub(super) fn describe_inline(&mut self, ty: &TypeRef, pointer: &str, what: &str) {
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
                optional_in_body: false,
            });
        }
        parts
    }
}

/// An object schema without properties that admits no others: `additionalProperties: false`.
fn closed_and_empty(schema: &Schema) -> bool {
    schema.properties.is_empty()
        && matches!(
            schema.additional_properties,
            Some(crate::openapi::AdditionalProperties::Allowed(false))
        )
}

/// The input that carries a whole body (a JSON value that is not a struct, or raw bytes).
/// Its name is `body`, which every builder reserves for its body.
fn whole_body(ty: TypeRef, presence: Presence) -> Input {
    Input {
        name: "body".to_owned(),
        wire: "body".to_owned(),
        location: Location::Body,
        setter: if ty == TypeRef::Bytes {
            SetterStyle::IntoPayload
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
        optional_in_body: false,
    }
}
