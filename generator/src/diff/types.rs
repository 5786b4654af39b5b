//! Types compared pairwise (after renames are paired): kinds, fields, enum values and union
//! variants, each judged by the side of the wire the type travels on.

use std::collections::{BTreeMap, BTreeSet};

use super::{Class, Differ, Finding, Rule, Sides, Wire, render, type_change_wire};
use crate::ir::{Field, Presence, TypeDef, TypeKind, TypeRef};

/// The type whose members are compared: its name, where it was defined, which sides of the
/// wire it travels on, and the group it is reported under.
#[derive(Clone, Copy)]
struct TypeSite<'a> {
    name: &'a str,
    origin: &'a str,
    sides: Sides,
    group: &'a str,
}

/// Which members of a union-like type are compared.
#[derive(Clone, Copy)]
enum Members {
    /// The wire values of a string or integer enum.
    EnumValues,
    /// The variants of a `oneOf`.
    OneOf,
}

impl Differ<'_> {
    pub(super) fn types(&mut self) {
        let new_by_old = self.renames.clone();
        let renamed_to: BTreeSet<String> = new_by_old.values().cloned().collect();
        let (old_api, new_api) = (self.old, self.new);
        // Body structs only builders fill are compared through the operations' inputs.
        let (old_bodies, new_bodies) = (old_api.sealed_bodies(), new_api.sealed_bodies());
        for old in &old_api.types {
            let Some(new_name) = new_by_old.get(&old.name) else {
                if old_bodies.contains(&old.name) {
                    continue;
                }
                let group = self.group_of_old(&old.name);
                self.push(Finding {
                    rule: Rule::TypeRemoved,
                    class: Class::Breaking,
                    wire: Wire::None,
                    group: &group,
                    item: format!("`types::{}` is removed", old.name),
                    location: &old.origin,
                    hint: "Stop naming the type; the API no longer uses it.".into(),
                });
                continue;
            };
            let Some(new) = new_api.type_def(new_name) else {
                continue;
            };
            if old_bodies.contains(&old.name) && new_bodies.contains(&new.name) {
                continue;
            }
            let group = self.group_of(&new.name);
            if old.name != new.name && new.previous_names.contains(&old.name) {
                self.push(Finding {
                    rule: Rule::TypeRenamed,
                    class: Class::Additive,
                    wire: Wire::None,
                    group: &group,
                    item: format!(
                        "`types::{}` is now `types::{}`; the old name stays as a deprecated alias",
                        old.name, new.name
                    ),
                    location: &new.origin,
                    hint: "Move to the new name before the alias goes.".into(),
                });
            } else if old.name != new.name {
                let moved = !is_component(&old.origin) || !is_component(&new.origin);
                self.push(Finding {
                    rule: if moved { Rule::TypeMoved } else { Rule::TypeRenamed },
                    class: Class::Breaking,
                    wire: Wire::None,
                    group: &group,
                    item: format!("`types::{}` is now `types::{}`", old.name, new.name),
                    location: &new.origin,
                    hint: if is_component(&new.origin) {
                        format!(
                            "Rename it in your code, or keep the old name with `x-rust-previous-names: [{}]` on the schema.",
                            old.name
                        )
                    } else {
                        format!("Rename it in your code to `{}`.", new.name)
                    },
                });
            }
            self.type_changed(old, new, &group);
        }
        for new in &new_api.types {
            if renamed_to.contains(&new.name) || new_bodies.contains(&new.name) {
                continue;
            }
            let group = self.group_of(&new.name);
            self.push(Finding {
                rule: Rule::TypeAdded,
                class: Class::Additive,
                wire: Wire::None,
                group: &group,
                item: format!("`types::{}` is new", new.name),
                location: &new.origin,
                hint: "Nothing to do.".into(),
            });
        }
    }

    fn group_of(&self, new_name: &str) -> String {
        self.owners
            .get(new_name)
            .cloned()
            .unwrap_or_else(|| "types".to_owned())
    }

    fn group_of_old(&self, old_name: &str) -> String {
        self.old_owners
            .get(old_name)
            .cloned()
            .unwrap_or_else(|| "types".to_owned())
    }

    fn type_changed(&mut self, old: &TypeDef, new: &TypeDef, group: &str) {
        let sides = {
            let a = self.old_sides.get(&old.name).copied().unwrap_or_default();
            let b = self.new_sides.get(&new.name).copied().unwrap_or_default();
            Sides {
                sent: a.sent || b.sent,
                received: a.received || b.received,
            }
        };
        let name = &new.name;
        let site = TypeSite {
            name,
            origin: &new.origin,
            sides,
            group,
        };
        if !old.deprecated && new.deprecated {
            self.push(Finding {
                rule: Rule::TypeDeprecated,
                class: Class::Additive,
                wire: Wire::None,
                group,
                item: format!("`types::{name}` is deprecated"),
                location: &new.origin,
                hint: "Plan to move off it.".into(),
            });
        }
        if old.doc != new.doc {
            self.push(Finding {
                rule: Rule::DocumentationChanged,
                class: Class::Patch,
                wire: Wire::None,
                group,
                item: format!("`types::{name}`: documentation"),
                location: &new.origin,
                hint: "Nothing to do.".into(),
            });
        }
        self.kind_changed(&site, old, new);
    }

    /// What changed within a type of the same name: its fields, variants or aliased type, or
    /// its kind.
    fn kind_changed(&mut self, site: &TypeSite<'_>, old: &TypeDef, new: &TypeDef) {
        let TypeSite {
            name, sides, group, ..
        } = *site;
        match (&old.kind, &new.kind) {
            (
                TypeKind::Struct {
                    fields: old_fields, ..
                },
                TypeKind::Struct {
                    fields: new_fields,
                    request,
                },
            ) => self.fields(site, old_fields, new_fields, *request),
            (TypeKind::Enum { variants: a, .. }, TypeKind::Enum { variants: b, .. }) => {
                let a: BTreeMap<&str, &str> = a
                    .iter()
                    .map(|v| (v.wire.as_str(), v.name.as_str()))
                    .collect();
                let b: BTreeMap<&str, &str> = b
                    .iter()
                    .map(|v| (v.wire.as_str(), v.name.as_str()))
                    .collect();
                self.variants(site, &a, &b, Members::EnumValues);
            }
            (TypeKind::IntEnum { variants: a, .. }, TypeKind::IntEnum { variants: b, .. }) => {
                let a: BTreeMap<String, &str> =
                    a.iter().map(|(n, v)| (v.to_string(), n.as_str())).collect();
                let b: BTreeMap<String, &str> =
                    b.iter().map(|(n, v)| (v.to_string(), n.as_str())).collect();
                let a = a.iter().map(|(k, v)| (k.as_str(), *v)).collect();
                let b = b.iter().map(|(k, v)| (k.as_str(), *v)).collect();
                self.variants(site, &a, &b, Members::EnumValues);
            }
            (
                TypeKind::Tagged { variants: a, .. } | TypeKind::Untagged { variants: a },
                TypeKind::Tagged { variants: b, .. } | TypeKind::Untagged { variants: b },
            ) => {
                let a: BTreeMap<String, &str> = a
                    .iter()
                    .map(|v| (self.old_type(&v.ty), v.name.as_str()))
                    .collect();
                let b: BTreeMap<String, &str> = b
                    .iter()
                    .map(|v| (render(&v.ty, &|n| n.to_owned()), v.name.as_str()))
                    .collect();
                let a = a.iter().map(|(k, v)| (k.as_str(), *v)).collect();
                let b = b.iter().map(|(k, v)| (k.as_str(), *v)).collect();
                self.variants(site, &a, &b, Members::OneOf);
            }
            (TypeKind::Alias(a), TypeKind::Alias(b)) => {
                let (before, after) = (self.old_type(a), render(b, &|n| n.to_owned()));
                if before != after {
                    self.push(Finding {
                        rule: Rule::TypeChanged,
                        class: Class::Breaking,
                        wire: type_change_wire(a, b, sides.received && !sides.sent),
                        group,
                        item: format!("`types::{name}` is `{after}` instead of `{before}`"),
                        location: &new.origin,
                        hint: format!("Use it as a `{after}`."),
                    });
                }
            }
            (TypeKind::Responses { .. }, TypeKind::Responses { .. }) => {}
            (a, b) => {
                self.push(Finding {
                    rule: Rule::TypeChanged,
                    class: Class::Breaking,
                    wire: Wire::Breaking,
                    group,
                    item: format!(
                        "`types::{name}` changes from {} to {}",
                        kind_name(a),
                        kind_name(b)
                    ),
                    location: &new.origin,
                    hint: "Adapt the code that builds or reads it.".into(),
                });
            }
        }
    }

    fn fields(&mut self, site: &TypeSite<'_>, old: &[Field], new: &[Field], request: bool) {
        let TypeSite {
            name,
            origin,
            sides,
            group,
        } = *site;
        let old_fields: BTreeMap<&str, &Field> = old.iter().map(|f| (f.wire.as_str(), f)).collect();
        let new_fields: BTreeMap<&str, &Field> = new.iter().map(|f| (f.wire.as_str(), f)).collect();
        // Response structs are `#[non_exhaustive]`: a new field breaks no caller. Request
        // structs are built with struct literals, which a new field breaks.
        let exhaustive = request;
        for (wire, field) in &new_fields {
            let item = format!("`types::{name}::{}`", field.name);
            let Some(before) = old_fields.get(wire) else {
                let required = field.presence.is_required();
                self.push(Finding {
                    rule: if sides.sent && !sides.received {
                        if required {
                            Rule::NewRequiredRequestProperty
                        } else {
                            Rule::NewOptionalRequestProperty
                        }
                    } else {
                        Rule::ResponsePropertyAdded
                    },
                    class: if exhaustive {
                        Class::Breaking
                    } else {
                        Class::Additive
                    },
                    wire: sides.wire(
                        Wire::Compatible,
                        if required {
                            Wire::Breaking
                        } else {
                            Wire::Compatible
                        },
                    ),
                    group,
                    item: format!("{item} is new"),
                    location: origin,
                    hint: if exhaustive {
                        "Struct literals need the new field (or `..Default::default()`).".into()
                    } else {
                        "Nothing to do.".into()
                    },
                });
                continue;
            };
            self.field_changed(site, before, field, &item);
        }
        for (wire, field) in &old_fields {
            if new_fields.contains_key(wire) {
                continue;
            }
            self.push(Finding {
                rule: if sides.received {
                    Rule::ResponsePropertyRemoved
                } else {
                    Rule::RequestPropertyRemoved
                },
                class: Class::Breaking,
                wire: sides.wire(
                    if field.presence.is_required() {
                        Wire::Breaking
                    } else {
                        Wire::Compatible
                    },
                    Wire::Compatible,
                ),
                group,
                item: format!("`types::{name}::{}` is removed", field.name),
                location: origin,
                hint: "Stop reading or setting the field.".into(),
            });
        }
    }

    fn field_changed(&mut self, site: &TypeSite<'_>, old: &Field, new: &Field, item: &str) {
        let TypeSite {
            origin,
            sides,
            group,
            ..
        } = *site;
        let old_ty = self.old_type(&field_type(old, &old.ty));
        let new_ty = render(&field_type(new, &new.ty), &|n| n.to_owned());
        let rule = presence_rule(old.presence, new.presence, sides);
        let base_changed = self.old_type(&old.ty) != render(&new.ty, &|n| n.to_owned());
        if let Some((rule, wire)) = rule {
            let class = if old_ty == new_ty {
                Class::Patch
            } else {
                Class::Breaking
            };
            self.push(Finding {
                rule,
                class,
                wire,
                group,
                item: if old_ty == new_ty {
                    format!("{item} keeps its type `{new_ty}`")
                } else {
                    format!("{item}: `{old_ty}` → `{new_ty}`")
                },
                location: origin,
                hint: if old_ty == new_ty {
                    "Nothing to do.".into()
                } else {
                    format!("Read or write it as `{new_ty}`.")
                },
            });
        } else if base_changed {
            self.push(Finding {
                rule: if sides.received {
                    Rule::ResponsePropertyTypeChanged
                } else {
                    Rule::RequestPropertyTypeChanged
                },
                class: Class::Breaking,
                wire: type_change_wire(&old.ty, &new.ty, sides.received && !sides.sent),
                group,
                item: format!("{item}: `{old_ty}` → `{new_ty}`"),
                location: origin,
                hint: format!("Read or write it as `{new_ty}`."),
            });
        }
        if !old.deprecated && new.deprecated {
            self.push(Finding {
                rule: Rule::PropertyDeprecated,
                class: Class::Additive,
                wire: Wire::None,
                group,
                item: format!("{item} is deprecated"),
                location: origin,
                hint: "Plan to stop using it.".into(),
            });
        }
        if old.doc != new.doc {
            self.push(Finding {
                rule: Rule::DocumentationChanged,
                class: Class::Patch,
                wire: Wire::None,
                group,
                item: format!("{item}: documentation"),
                location: origin,
                hint: "Nothing to do.".into(),
            });
        }
    }

    fn variants(
        &mut self,
        site: &TypeSite<'_>,
        old: &BTreeMap<&str, &str>,
        new: &BTreeMap<&str, &str>,
        members: Members,
    ) {
        let TypeSite {
            name,
            origin,
            sides,
            group,
        } = *site;
        for (value, variant) in new {
            if !old.contains_key(value) {
                self.push(Finding {
                    rule: match (sides.received, members) {
                        (true, Members::OneOf) => Rule::ResponsePropertyOneOfAdded,
                        (true, Members::EnumValues) => Rule::ResponsePropertyEnumValueAdded,
                        (false, Members::OneOf) => Rule::RequestPropertyOneOfAdded,
                        (false, Members::EnumValues) => Rule::RequestPropertyEnumValueAdded,
                    },
                    class: Class::Additive,
                    wire: if sides.received {
                        Wire::Breaking
                    } else {
                        Wire::Compatible
                    },
                    group,
                    item: format!("`types::{name}::{variant}` is new (`{value}`)"),
                    location: origin,
                    hint: "Values that decoded as the catch-all variant now have their own; match arms on the catch-all may need the new variant.".into(),
                });
            }
        }
        for (value, variant) in old {
            if !new.contains_key(value) {
                self.push(Finding {
                    rule: match (sides.received, members) {
                        (true, Members::OneOf) => Rule::ResponsePropertyOneOfRemoved,
                        (true, Members::EnumValues) => Rule::ResponsePropertyEnumValueRemoved,
                        (false, Members::OneOf) => Rule::RequestPropertyOneOfRemoved,
                        (false, Members::EnumValues) => Rule::RequestPropertyEnumValueRemoved,
                    },
                    class: Class::Breaking,
                    wire: if sides.sent {
                        Wire::Breaking
                    } else {
                        Wire::Compatible
                    },
                    group,
                    item: format!("`types::{name}::{variant}` is removed (`{value}`)"),
                    location: origin,
                    hint: "Drop the variant from your code.".into(),
                });
            }
        }
    }
}

/// How a caller sees a field: its type with the `Option` presence adds.
fn field_type(field: &Field, ty: &TypeRef) -> TypeRef {
    match field.presence {
        Presence::Required => ty.clone(),
        Presence::RequiredNullable | Presence::Optional => TypeRef::Option(Box::new(ty.clone())),
        Presence::TriState => TypeRef::Option(Box::new(TypeRef::Option(Box::new(ty.clone())))),
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "a struct",
        TypeKind::Enum { .. } => "a string enum",
        TypeKind::IntEnum { .. } => "an integer enum",
        TypeKind::Tagged { .. } => "a tagged union",
        TypeKind::Untagged { .. } => "an untagged union",
        TypeKind::Responses { .. } => "a response enum",
        TypeKind::Alias(_) => "an alias",
    }
}

fn is_component(origin: &str) -> bool {
    origin
        .strip_prefix("#/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'))
}

/// The rule, and what it means on the wire, of a field whose presence went from `was` to
/// `is`; `None` when it did not change.
fn presence_rule(was: Presence, is: Presence, sides: Sides) -> Option<(Rule, Wire)> {
    match (was, is) {
        _ if was == is => None,
        (
            Presence::Optional | Presence::TriState,
            Presence::Required | Presence::RequiredNullable,
        ) => Some(if sides.received {
            (
                Rule::ResponsePropertyBecameRequired,
                sides.wire(Wire::Compatible, Wire::Breaking),
            )
        } else {
            (Rule::RequestPropertyBecameRequired, Wire::Breaking)
        }),
        (
            Presence::Required | Presence::RequiredNullable,
            Presence::Optional | Presence::TriState,
        ) => Some(if sides.received {
            (
                Rule::ResponsePropertyBecameOptional,
                sides.wire(Wire::Breaking, Wire::Compatible),
            )
        } else {
            (Rule::RequestPropertyBecameOptional, Wire::Compatible)
        }),
        (Presence::Required, Presence::RequiredNullable)
        | (Presence::Optional, Presence::TriState) => Some(if sides.received {
            (
                Rule::ResponsePropertyBecameNullable,
                sides.wire(Wire::Breaking, Wire::Compatible),
            )
        } else {
            (Rule::RequestPropertyBecameNullable, Wire::Compatible)
        }),
        _ => Some(if sides.received {
            (
                Rule::ResponsePropertyBecameNotNullable,
                sides.wire(Wire::Compatible, Wire::Breaking),
            )
        } else {
            (Rule::RequestPropertyBecameNotNullable, Wire::Breaking)
        }),
    }
}
