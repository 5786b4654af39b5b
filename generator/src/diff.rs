//! What changed between two versions of an API, in the words of the generated Rust API.
//!
//! The diff compares two IRs, not two documents: whether a change breaks callers depends on the
//! generator's policy (required inputs are arguments, optional ones setters; an optional field
//! is an `Option`; response structs and every enum are `#[non_exhaustive]`). Each finding has a
//! stable rule id (oasdiff's where it has one), a semver class for the crate, and separately
//! what it means on the wire for a JSON client.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::ir::{
    Api, Field, Input, Location, Operation, Presence, ResponseKind, TypeDef, TypeKind, TypeRef,
};

/// The semver class of a change for the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Code that compiled against the old crate may not compile against the new one.
    Breaking,
    /// New items only; existing code keeps compiling.
    Additive,
    /// Nothing a caller can see but documentation or behaviour that keeps its types.
    Patch,
}

impl Class {
    /// `breaking`, `additive` or `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Breaking => "breaking",
            Self::Additive => "additive",
            Self::Patch => "patch",
        }
    }
}

/// What a change means for any JSON client, whatever its language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Wire {
    /// Requests or responses that worked before may fail now.
    Breaking,
    /// The wire changed without breaking earlier clients.
    Compatible,
    /// Nothing changed on the wire.
    None,
}

impl Wire {
    /// `breaking`, `compatible` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Breaking => "breaking",
            Self::Compatible => "compatible",
            Self::None => "none",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// A stable id, such as `new-required-request-parameter` or
    /// `response-property-became-required`.
    pub rule: &'static str,
    /// The semver class for the generated crate.
    pub class: Class,
    /// The impact on the wire.
    pub wire: Wire,
    /// The operation group it belongs to (its accessor, such as `users`), or `types` for a
    /// type that no single group owns.
    pub group: String,
    /// The Rust item, such as ``types::User::locale`: `Option<String>` → `String` ``.
    pub item: String,
    /// Where in the spec: method and path, or a JSON pointer.
    pub location: String,
    /// What a caller does about it.
    pub hint: String,
}

/// The findings, in a stable order: by group, class, then item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Every finding.
    pub changes: Vec<Change>,
}

impl Report {
    /// How many findings have `class`.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// The highest class among the findings, if any.
    pub fn worst(&self) -> Option<Class> {
        self.changes.iter().map(|c| c.class).min()
    }

    /// The version the crate needs after these changes, by Cargo's rules: for `0.y.z`, a
    /// breaking change bumps `y` and anything else `z`; from `1.0.0`, breaking bumps the major
    /// and additive the minor.
    pub fn required_version(&self, current: &str) -> Option<String> {
        let mut parts = current
            .split(['.', '-', '+'])
            .take(3)
            .map(|p| p.parse::<u64>().ok());
        let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
        Some(match (self.worst()?, major) {
            (Class::Breaking, 0) => format!("0.{}.0", minor + 1),
            (Class::Breaking, _) => format!("{}.0.0", major + 1),
            (Class::Additive, 0) | (Class::Patch, _) => format!("{major}.{minor}.{}", patch + 1),
            (Class::Additive, _) => format!("{major}.{}.0", minor + 1),
        })
    }

    /// A terminal report: counts by class, then every finding, breaking ones first.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{} changes: {} breaking, {} additive, {} patch\n",
            self.changes.len(),
            self.count(Class::Breaking),
            self.count(Class::Additive),
            self.count(Class::Patch)
        );
        let mut sorted: Vec<&Change> = self.changes.iter().collect();
        sorted.sort_by(|a, b| (a.class, &a.group, &a.item).cmp(&(b.class, &b.group, &b.item)));
        for change in sorted {
            let _ = writeln!(
                out,
                "{:<9} wire {:<10} {:<44} {}\n          at {}; {}",
                change.class.as_str(),
                change.wire.as_str(),
                change.rule,
                change.item,
                change.location,
                change.hint
            );
        }
        out
    }

    /// A CHANGELOG fragment: per operation group, the sections Breaking, Added, Deprecated and
    /// Docs.
    pub fn to_markdown(&self) -> String {
        let mut groups: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
        for change in &self.changes {
            groups.entry(&change.group).or_default().push(change);
        }
        let mut out = String::new();
        for (group, changes) in groups {
            let _ = writeln!(out, "### `{group}`\n");
            let sections: [Section; 4] = [
                ("Breaking", |c| c.class == Class::Breaking),
                ("Added", |c| {
                    c.class == Class::Additive && !is_deprecation(c)
                }),
                ("Deprecated", is_deprecation),
                ("Docs", |c| c.class == Class::Patch),
            ];
            for (title, belongs) in sections {
                let mut lines: Vec<String> = changes
                    .iter()
                    .filter(|c| belongs(c))
                    .map(|c| {
                        let wire = match c.wire {
                            Wire::Breaking => " (breaks JSON clients too)",
                            Wire::Compatible | Wire::None => "",
                        };
                        format!("- {}{wire} [`{}`]. {}", c.item, c.rule, c.hint)
                    })
                    .collect();
                if lines.is_empty() {
                    continue;
                }
                lines.sort();
                let _ = writeln!(out, "#### {title}\n\n{}\n", lines.join("\n"));
            }
        }
        out
    }

    /// The findings as a JSON array.
    pub fn to_json(&self) -> String {
        let items: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "rule": c.rule,
                    "class": c.class.as_str(),
                    "wire": c.wire.as_str(),
                    "group": c.group,
                    "item": c.item,
                    "location": c.location,
                    "hint": c.hint,
                })
            })
            .collect();
        serde_json::to_string_pretty(&items).unwrap_or_default()
    }
}

/// A Markdown section: its title, and which findings it lists.
type Section = (&'static str, fn(&Change) -> bool);

fn is_deprecation(change: &Change) -> bool {
    change.rule.ends_with("-deprecated")
}

/// Which side of the wire a type travels on.
#[derive(Debug, Clone, Copy, Default)]
struct Sides {
    sent: bool,
    received: bool,
}

/// Compares two APIs.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut differ = Differ {
        old,
        new,
        renames: pair_types(old, new),
        changes: Vec::new(),
        old_sides: sides(old),
        new_sides: sides(new),
        owners: owners(new),
    };
    differ.operations();
    differ.types();
    let mut changes = differ.changes;
    changes.sort_by(|a, b| {
        (&a.group, a.class, &a.item, a.rule).cmp(&(&b.group, b.class, &b.item, b.rule))
    });
    changes.dedup();
    Report { changes }
}

struct Differ<'a> {
    old: &'a Api,
    new: &'a Api,
    /// Old type name → new type name, for every type present in both (renamed or not).
    renames: BTreeMap<String, String>,
    changes: Vec<Change>,
    old_sides: BTreeMap<String, Sides>,
    new_sides: BTreeMap<String, Sides>,
    /// The group that uses each new type, when exactly one does.
    owners: BTreeMap<String, String>,
}

struct Finding<'f> {
    rule: &'static str,
    class: Class,
    wire: Wire,
    group: &'f str,
    item: String,
    location: &'f str,
    hint: String,
}

impl Differ<'_> {
    fn push(&mut self, finding: Finding<'_>) {
        self.changes.push(Change {
            rule: finding.rule,
            class: finding.class,
            wire: finding.wire,
            group: finding.group.to_owned(),
            item: finding.item,
            location: finding.location.to_owned(),
            hint: finding.hint,
        });
    }

    /// The Rust spelling of an old type, with old type names replaced by their new names.
    fn old_type(&self, ty: &TypeRef) -> String {
        render(ty, &|name| {
            self.renames
                .get(name)
                .cloned()
                .unwrap_or_else(|| name.to_owned())
        })
    }

    fn operations(&mut self) {
        let key = |op: &Operation| (op.http_method.clone(), route(&op.path));
        let mut old_ops: BTreeMap<(String, String), (&str, &Operation)> = BTreeMap::new();
        for group in &self.old.groups {
            for op in &group.operations {
                old_ops.insert(key(op), (&group.accessor, op));
            }
        }
        let mut seen = BTreeSet::new();
        for group in &self.new.groups {
            for op in &group.operations {
                let k = key(op);
                let location = format!("{} {}", op.http_method, op.path);
                let call = format!("`client.{}().{}()`", group.accessor, op.method_name);
                let Some(&(old_group, old_op)) = old_ops.get(&k) else {
                    self.push(Finding {
                        rule: "endpoint-added",
                        class: Class::Additive,
                        wire: Wire::None,
                        group: &group.accessor,
                        item: format!("{call} is new"),
                        location: &location,
                        hint: "Nothing to do.".into(),
                    });
                    continue;
                };
                seen.insert(k);
                self.operation(old_group, old_op, &group.accessor, op, &location);
            }
        }
        for (k, (group, op)) in &old_ops {
            if seen.contains(k) {
                continue;
            }
            self.push(Finding {
                rule: "endpoint-removed",
                class: Class::Breaking,
                wire: Wire::Breaking,
                group,
                item: format!("`client.{group}().{}()` is removed", op.method_name),
                location: &format!("{} {}", op.http_method, op.path),
                hint: "Remove the calls; the API no longer offers the operation.".into(),
            });
        }
    }

    fn operation(
        &mut self,
        old_group: &str,
        old: &Operation,
        group: &str,
        new: &Operation,
        location: &str,
    ) {
        let call = format!("`client.{group}().{}()`", new.method_name);
        if old_group != group || old.method_name != new.method_name {
            self.push(Finding {
                rule: "operation-renamed",
                class: Class::Breaking,
                wire: Wire::None,
                group,
                item: format!(
                    "`client.{old_group}().{}()` is now {call}",
                    old.method_name
                ),
                location,
                hint: format!(
                    "Rename the calls, or keep the old name with `x-rust-method: {old_group}.{}` on the operation.",
                    old.method_name
                ),
            });
        }
        if !old.deprecated && new.deprecated {
            self.push(Finding {
                rule: "endpoint-deprecated",
                class: Class::Additive,
                wire: Wire::None,
                group,
                item: format!("{call} is deprecated"),
                location,
                hint: "Plan to move off it; calls now warn.".into(),
            });
        }
        if old.summary != new.summary || old.description != new.description {
            self.push(Finding {
                rule: "documentation-changed",
                class: Class::Patch,
                wire: Wire::None,
                group,
                item: format!("{call}: documentation"),
                location,
                hint: "Nothing to do.".into(),
            });
        }
        self.inputs(old, new, group, &call, location);
        self.response(old, new, group, &call, location);
    }

    fn inputs(
        &mut self,
        old: &Operation,
        new: &Operation,
        group: &str,
        call: &str,
        location: &str,
    ) {
        let key = |input: &Input| (location_kind(&input.location), input.wire.clone());
        let old_inputs: BTreeMap<_, &Input> = old.inputs.iter().map(|i| (key(i), i)).collect();
        let new_inputs: BTreeMap<_, &Input> = new.inputs.iter().map(|i| (key(i), i)).collect();
        for (k, input) in &new_inputs {
            let (param, noun) = naming_of(&input.location);
            let Some(before) = old_inputs.get(k) else {
                let required = input.presence.is_required();
                self.push(Finding {
                    rule: match (param, required) {
                        (true, true) => "new-required-request-parameter",
                        (true, false) => "new-optional-request-parameter",
                        (false, true) => "new-required-request-property",
                        (false, false) => "new-optional-request-property",
                    },
                    class: if required {
                        Class::Breaking
                    } else {
                        Class::Additive
                    },
                    wire: if required {
                        Wire::Breaking
                    } else {
                        Wire::Compatible
                    },
                    group,
                    item: if required {
                        format!("{call} takes a new required argument `{}`", input.name)
                    } else {
                        format!("{call} has a new setter `{}`", input.name)
                    },
                    location,
                    hint: if required {
                        format!("Pass the {noun} `{}`.", input.wire)
                    } else {
                        "Nothing to do.".into()
                    },
                });
                continue;
            };
            self.input_changed(before, input, param, group, call, location);
        }
        for (k, input) in &old_inputs {
            if new_inputs.contains_key(k) {
                continue;
            }
            let (param, noun) = naming_of(&input.location);
            let what = if input.presence.is_required() {
                "argument"
            } else {
                "setter"
            };
            self.push(Finding {
                rule: if param {
                    "request-parameter-removed"
                } else {
                    "request-property-removed"
                },
                class: Class::Breaking,
                // A server that drops a parameter ignores it, and a caller that relied on its
                // effect gets another result (drift counts this as breaking); an unknown body
                // property is ignored like any other.
                wire: if param {
                    Wire::Breaking
                } else {
                    Wire::Compatible
                },
                group,
                item: format!("{call} loses its {what} `{}`", input.name),
                location,
                hint: format!(
                    "Stop passing the {noun} `{}`; the API ignores it now.",
                    input.wire
                ),
            });
        }
        let order = |op: &Operation| -> Vec<String> {
            op.required_inputs().map(|i| i.wire.clone()).collect()
        };
        let (old_order, new_order) = (order(old), order(new));
        let same_set: BTreeSet<_> = old_order.iter().collect::<BTreeSet<_>>();
        if old_order != new_order && same_set == new_order.iter().collect::<BTreeSet<_>>() {
            self.push(Finding {
                rule: "arguments-reordered",
                class: Class::Breaking,
                wire: Wire::None,
                group,
                item: format!(
                    "{call} takes its arguments as ({}) instead of ({})",
                    new_order.join(", "),
                    old_order.join(", ")
                ),
                location,
                hint: "Reorder the arguments.".into(),
            });
        }
    }

    fn input_changed(
        &mut self,
        old: &Input,
        new: &Input,
        param: bool,
        group: &str,
        call: &str,
        location: &str,
    ) {
        let (was, is) = (old.presence.is_required(), new.presence.is_required());
        let subject = |input: &Input| {
            if input.presence.is_required() {
                format!("argument `{}`", input.name)
            } else {
                format!("setter `{}`", input.name)
            }
        };
        if was != is {
            self.push(Finding {
                rule: match (param, is) {
                    (true, true) => "request-parameter-became-required",
                    (true, false) => "request-parameter-became-optional",
                    (false, true) => "request-property-became-required",
                    (false, false) => "request-property-became-optional",
                },
                class: Class::Breaking,
                wire: if is { Wire::Breaking } else { Wire::Compatible },
                group,
                item: format!("{call}: the {} is now the {}", subject(old), subject(new)),
                location,
                hint: if is {
                    format!("Pass `{}` as an argument.", new.wire)
                } else {
                    format!("Set `{}` with its setter instead of an argument.", new.wire)
                },
            });
        } else {
            let nullable =
                |p: Presence| matches!(p, Presence::RequiredNullable | Presence::TriState);
            if !nullable(old.presence) && nullable(new.presence) {
                // A required argument becomes `Option<T>`; an optional one gains a `clear_` setter.
                let (class, item) = if is {
                    (
                        Class::Breaking,
                        format!("{call}: argument `{}` becomes an `Option`", new.name),
                    )
                } else {
                    (
                        Class::Additive,
                        format!(
                            "{call}: `{}` can be sent as null with `{}()`",
                            new.name,
                            new.clear.as_deref().unwrap_or("clear")
                        ),
                    )
                };
                self.push(Finding {
                    rule: if param {
                        "request-parameter-became-nullable"
                    } else {
                        "request-property-became-nullable"
                    },
                    class,
                    wire: Wire::Compatible,
                    group,
                    item,
                    location,
                    hint: if is {
                        "Wrap the value in `Some`.".into()
                    } else {
                        "Nothing to do.".into()
                    },
                });
            } else if nullable(old.presence) && !nullable(new.presence) {
                self.push(Finding {
                    rule: if param {
                        "request-parameter-became-not-nullable"
                    } else {
                        "request-property-became-not-nullable"
                    },
                    class: Class::Breaking,
                    wire: Wire::Breaking,
                    group,
                    item: format!("{call}: `{}` can no longer be sent as null", new.name),
                    location,
                    hint: "Always send a value.".into(),
                });
            }
        }
        let (old_ty, new_ty) = (self.old_type(&old.ty), render(&new.ty, &|n| n.to_owned()));
        if old_ty != new_ty {
            self.push(Finding {
                rule: if param {
                    "request-parameter-type-changed"
                } else {
                    "request-property-type-changed"
                },
                class: Class::Breaking,
                wire: type_change_wire(&old.ty, &new.ty, false),
                group,
                item: format!(
                    "{call}: `{}` takes `{new_ty}` instead of `{old_ty}`",
                    new.name
                ),
                location,
                hint: format!("Pass a `{new_ty}`."),
            });
        } else if old.setter != new.setter {
            self.push(Finding {
                rule: "request-setter-changed",
                class: Class::Breaking,
                wire: Wire::None,
                group,
                item: format!("{call}: `{}` accepts its value differently", new.name),
                location,
                hint: "Adjust the argument's type.".into(),
            });
        }
        if !old.deprecated && new.deprecated {
            self.push(Finding {
                rule: if param {
                    "request-parameter-deprecated"
                } else {
                    "request-property-deprecated"
                },
                class: Class::Additive,
                wire: Wire::None,
                group,
                item: format!("{call}: `{}` is deprecated", new.name),
                location,
                hint: "Plan to stop sending it.".into(),
            });
        }
        if old.doc != new.doc {
            self.push(Finding {
                rule: "documentation-changed",
                class: Class::Patch,
                wire: Wire::None,
                group,
                item: format!("{call}: documentation of `{}`", new.name),
                location,
                hint: "Nothing to do.".into(),
            });
        }
    }

    fn response(
        &mut self,
        old: &Operation,
        new: &Operation,
        group: &str,
        call: &str,
        location: &str,
    ) {
        let describe = |kind: &ResponseKind, rename: &dyn Fn(&TypeRef) -> String| match kind {
            ResponseKind::Json(ty) => rename(ty),
            ResponseKind::ByStatus(name) => name.clone(),
            ResponseKind::Text => "String".into(),
            ResponseKind::Bytes => "Vec<u8>".into(),
            ResponseKind::Empty => "()".into(),
        };
        let before = describe(&old.response, &|ty| self.old_type(ty));
        let after = describe(&new.response, &|ty| render(ty, &|n| n.to_owned()));
        if before != after {
            let wire = match (&old.response, &new.response) {
                (ResponseKind::Json(a), ResponseKind::Json(b)) => type_change_wire(a, b, true),
                _ => Wire::Breaking,
            };
            self.push(Finding {
                rule: "response-body-type-changed",
                class: Class::Breaking,
                wire,
                group,
                item: format!("{call} returns `{after}` instead of `{before}`"),
                location,
                hint: format!("Read the response as `{after}`."),
            });
        }
    }

    fn types(&mut self) {
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
                    rule: "type-removed",
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
                    rule: "type-renamed",
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
                    rule: if moved { "type-moved" } else { "type-renamed" },
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
                rule: "type-added",
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
        owners(self.old)
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
        if !old.deprecated && new.deprecated {
            self.push(Finding {
                rule: "type-deprecated",
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
                rule: "documentation-changed",
                class: Class::Patch,
                wire: Wire::None,
                group,
                item: format!("`types::{name}`: documentation"),
                location: &new.origin,
                hint: "Nothing to do.".into(),
            });
        }
        match (&old.kind, &new.kind) {
            (
                TypeKind::Struct {
                    fields: old_fields, ..
                },
                TypeKind::Struct {
                    fields: new_fields,
                    request,
                },
            ) => self.fields(
                name,
                &new.origin,
                old_fields,
                new_fields,
                *request,
                sides,
                group,
            ),
            (TypeKind::Enum { variants: a, .. }, TypeKind::Enum { variants: b, .. }) => {
                let a: BTreeMap<&str, &str> = a
                    .iter()
                    .map(|v| (v.wire.as_str(), v.name.as_str()))
                    .collect();
                let b: BTreeMap<&str, &str> = b
                    .iter()
                    .map(|v| (v.wire.as_str(), v.name.as_str()))
                    .collect();
                self.variants(name, &new.origin, &a, &b, sides, group, "enum-value");
            }
            (TypeKind::IntEnum { variants: a, .. }, TypeKind::IntEnum { variants: b, .. }) => {
                let a: BTreeMap<String, &str> =
                    a.iter().map(|(n, v)| (v.to_string(), n.as_str())).collect();
                let b: BTreeMap<String, &str> =
                    b.iter().map(|(n, v)| (v.to_string(), n.as_str())).collect();
                let a = a.iter().map(|(k, v)| (k.as_str(), *v)).collect();
                let b = b.iter().map(|(k, v)| (k.as_str(), *v)).collect();
                self.variants(name, &new.origin, &a, &b, sides, group, "enum-value");
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
                self.variants(name, &new.origin, &a, &b, sides, group, "one-of");
            }
            (TypeKind::Alias(a), TypeKind::Alias(b)) => {
                let (before, after) = (self.old_type(a), render(b, &|n| n.to_owned()));
                if before != after {
                    self.push(Finding {
                        rule: "type-changed",
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
                    rule: "type-changed",
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

    #[allow(clippy::too_many_arguments)]
    fn fields(
        &mut self,
        name: &str,
        origin: &str,
        old: &[Field],
        new: &[Field],
        request: bool,
        sides: Sides,
        group: &str,
    ) {
        let old_fields: BTreeMap<&str, &Field> = old.iter().map(|f| (f.wire.as_str(), f)).collect();
        let new_fields: BTreeMap<&str, &Field> = new.iter().map(|f| (f.wire.as_str(), f)).collect();
        // Response structs are `#[non_exhaustive]`: a new field breaks no caller. Request
        // structs are built with struct literals, which a new field breaks.
        let exhaustive = request;
        let side = |received: Wire, sent: Wire| match (sides.received, sides.sent) {
            (true, true) => received.min(sent),
            (false, true) => sent,
            _ => received,
        };
        for (wire, field) in &new_fields {
            let item = format!("`types::{name}::{}`", field.name);
            let Some(before) = old_fields.get(wire) else {
                let required = field.presence.is_required();
                self.push(Finding {
                    rule: if sides.sent && !sides.received {
                        if required {
                            "new-required-request-property"
                        } else {
                            "new-optional-request-property"
                        }
                    } else {
                        "response-property-added"
                    },
                    class: if exhaustive {
                        Class::Breaking
                    } else {
                        Class::Additive
                    },
                    wire: side(
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
            self.field_changed(name, origin, before, field, sides, group, &item);
        }
        for (wire, field) in &old_fields {
            if new_fields.contains_key(wire) {
                continue;
            }
            self.push(Finding {
                rule: if sides.received {
                    "response-property-removed"
                } else {
                    "request-property-removed"
                },
                class: Class::Breaking,
                wire: side(
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

    #[allow(clippy::too_many_arguments)]
    fn field_changed(
        &mut self,
        name: &str,
        origin: &str,
        old: &Field,
        new: &Field,
        sides: Sides,
        group: &str,
        item: &str,
    ) {
        let old_ty = self.old_type(&field_type(old, &old.ty));
        let new_ty = render(&field_type(new, &new.ty), &|n| n.to_owned());
        let side = |received: Wire, sent: Wire| match (sides.received, sides.sent) {
            (true, true) => received.min(sent),
            (false, true) => sent,
            _ => received,
        };
        let (was, is) = (old.presence, new.presence);
        let rule = match (was, is) {
            _ if was == is => None,
            (
                Presence::Optional | Presence::TriState,
                Presence::Required | Presence::RequiredNullable,
            ) => Some(if sides.received {
                (
                    "response-property-became-required",
                    side(Wire::Compatible, Wire::Breaking),
                )
            } else {
                ("request-property-became-required", Wire::Breaking)
            }),
            (
                Presence::Required | Presence::RequiredNullable,
                Presence::Optional | Presence::TriState,
            ) => Some(if sides.received {
                (
                    "response-property-became-optional",
                    side(Wire::Breaking, Wire::Compatible),
                )
            } else {
                ("request-property-became-optional", Wire::Compatible)
            }),
            (Presence::Required, Presence::RequiredNullable)
            | (Presence::Optional, Presence::TriState) => Some(if sides.received {
                (
                    "response-property-became-nullable",
                    side(Wire::Breaking, Wire::Compatible),
                )
            } else {
                ("request-property-became-nullable", Wire::Compatible)
            }),
            _ => Some(if sides.received {
                (
                    "response-property-became-not-nullable",
                    side(Wire::Compatible, Wire::Breaking),
                )
            } else {
                ("request-property-became-not-nullable", Wire::Breaking)
            }),
        };
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
                    "response-property-type-changed"
                } else {
                    "request-property-type-changed"
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
                rule: "property-deprecated",
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
                rule: "documentation-changed",
                class: Class::Patch,
                wire: Wire::None,
                group,
                item: format!("{item}: documentation"),
                location: origin,
                hint: "Nothing to do.".into(),
            });
        }
        let _ = name;
    }

    #[allow(clippy::too_many_arguments)]
    fn variants(
        &mut self,
        name: &str,
        origin: &str,
        old: &BTreeMap<&str, &str>,
        new: &BTreeMap<&str, &str>,
        sides: Sides,
        group: &str,
        what: &'static str,
    ) {
        let prefix = if sides.received {
            "response"
        } else {
            "request"
        };
        for (value, variant) in new {
            if !old.contains_key(value) {
                self.push(Finding {
                    rule: match (prefix, what) {
                        ("response", "one-of") => "response-property-one-of-added",
                        ("response", _) => "response-property-enum-value-added",
                        (_, "one-of") => "request-property-one-of-added",
                        _ => "request-property-enum-value-added",
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
                    rule: match (prefix, what) {
                        ("response", "one-of") => "response-property-one-of-removed",
                        ("response", _) => "response-property-enum-value-removed",
                        (_, "one-of") => "request-property-one-of-removed",
                        _ => "request-property-enum-value-removed",
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

/// What a type change means on the wire: widening an integer that is only received keeps
/// earlier values valid; anything else may not.
fn type_change_wire(old: &TypeRef, new: &TypeRef, received_only: bool) -> Wire {
    match (old, new) {
        (TypeRef::Integer(a), TypeRef::Integer(b)) if received_only && widens(*a, *b) => {
            Wire::Compatible
        }
        (TypeRef::Named(_), TypeRef::Named(_)) => Wire::Compatible,
        _ => Wire::Breaking,
    }
}

fn widens(from: crate::ir::IntType, to: crate::ir::IntType) -> bool {
    use crate::ir::IntType::*;
    let range = |t| match t {
        I8 => (-128i128, 127i128),
        I16 => (-32768, 32767),
        I32 => (i128::from(i32::MIN), i128::from(i32::MAX)),
        I64 => (i128::from(i64::MIN), i128::from(i64::MAX)),
        U8 => (0, 255),
        U16 => (0, 65535),
        U32 => (0, i128::from(u32::MAX)),
        U64 => (0, i128::from(u64::MAX)),
    };
    let (a, b) = (range(from), range(to));
    b.0 <= a.0 && a.1 <= b.1
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

/// `/users/{user_id}` and `/users/{id}` are the same route.
fn route(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

fn location_kind(location: &Location) -> &'static str {
    match location {
        Location::Path(_) => "path",
        Location::Query(_) => "query",
        Location::Header(_) => "header",
        Location::Cookie(_) => "cookie",
        Location::BodyField(_) | Location::Body => "body",
        Location::Part(_) => "part",
    }
}

/// Whether an input is a parameter (rather than a body property), and what to call it.
fn naming_of(location: &Location) -> (bool, &'static str) {
    match location {
        Location::Path(_) | Location::Query(_) | Location::Header(_) | Location::Cookie(_) => {
            (true, "parameter")
        }
        Location::BodyField(_) | Location::Body | Location::Part(_) => (false, "property"),
    }
}

/// A type as a caller writes it, with named types spelled by `name`.
fn render(ty: &TypeRef, name: &dyn Fn(&str) -> String) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::Integer(t) => t.rust_name().into(),
        TypeRef::Float(t) => t.rust_name().into(),
        TypeRef::Json => "Value".into(),
        TypeRef::JsonObject => "Map<String, Value>".into(),
        TypeRef::Vec(inner) => format!("Vec<{}>", render(inner, name)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", render(inner, name)),
        TypeRef::Option(inner) => format!("Option<{}>", render(inner, name)),
        TypeRef::Boxed(inner) => render(inner, name),
        TypeRef::Named(n) => name(n),
        TypeRef::Bytes => "Vec<u8>".into(),
        TypeRef::Unit => "()".into(),
    }
}

fn named(ty: &TypeRef, out: &mut Vec<String>) {
    ty.collect_named(out);
}

/// The named types an operation sends (its inputs and body) and receives (its response).
fn operation_types(op: &Operation) -> (Vec<String>, Vec<String>) {
    let (mut sent, mut received) = (Vec::new(), Vec::new());
    for input in &op.inputs {
        named(&input.ty, &mut sent);
    }
    if let Some(structure) = op.body.as_ref().and_then(|b| b.structure.clone()) {
        sent.push(structure);
    }
    match &op.response {
        ResponseKind::Json(ty) => named(ty, &mut received),
        ResponseKind::ByStatus(name) => received.push(name.clone()),
        _ => {}
    }
    (sent, received)
}

/// Which types are sent (reachable from inputs) and which received (from responses).
fn sides(api: &Api) -> BTreeMap<String, Sides> {
    let mut sent = Vec::new();
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        sent.extend(operation_types(op).0);
    }
    let mut out: BTreeMap<String, Sides> = BTreeMap::new();
    for name in api.reachable(sent) {
        out.entry(name).or_default().sent = true;
    }
    for name in api.received_types() {
        out.entry(name).or_default().received = true;
    }
    out
}

/// The group that uses each type, for types exactly one group uses.
fn owners(api: &Api) -> BTreeMap<String, String> {
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for group in &api.groups {
        let mut roots = Vec::new();
        for op in &group.operations {
            let (sent, received) = operation_types(op);
            roots.extend(sent);
            roots.extend(received);
        }
        for name in api.reachable(roots) {
            users
                .entry(name)
                .or_default()
                .insert(group.accessor.clone());
        }
    }
    users
        .into_iter()
        .filter(|(_, groups)| groups.len() == 1)
        .filter_map(|(name, groups)| Some((name, groups.into_iter().next()?)))
        .collect()
}

/// The shape of a type, with named types spelled by `name`: equal shapes under a renaming
/// mean a renamed type.
fn signature(def: &TypeDef, name: &dyn Fn(&str) -> String) -> String {
    match &def.kind {
        TypeKind::Struct { fields, .. } => {
            let mut parts: Vec<String> = fields
                .iter()
                .map(|f| format!("{}:{:?}:{}", f.wire, f.presence, render(&f.ty, name)))
                .collect();
            parts.sort();
            format!("struct{{{}}}", parts.join(","))
        }
        TypeKind::Enum { variants, .. } => {
            let mut wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
            wires.sort_unstable();
            format!("enum{{{}}}", wires.join(","))
        }
        TypeKind::IntEnum { variants, .. } => {
            let mut values: Vec<i64> = variants.iter().map(|(_, v)| *v).collect();
            values.sort_unstable();
            format!("intenum{values:?}")
        }
        TypeKind::Tagged {
            property, variants, ..
        } => {
            let mut parts: Vec<String> = variants
                .iter()
                .map(|v| format!("{:?}={}", v.tags, render(&v.ty, name)))
                .collect();
            parts.sort();
            format!("tagged[{property}]{{{}}}", parts.join(","))
        }
        TypeKind::Untagged { variants } => {
            let mut parts: Vec<String> = variants.iter().map(|v| render(&v.ty, name)).collect();
            parts.sort();
            format!("untagged{{{}}}", parts.join(","))
        }
        TypeKind::Responses { variants, .. } => format!("responses{}", variants.len()),
        TypeKind::Alias(ty) => format!("alias({})", render(ty, name)),
    }
}

/// Pairs each old type with the new type it became: the same name and shape first; then the
/// same shape under another name (a rename), when exactly one new type has it; what is left
/// pairs by name. Shapes compare with the pairs found so far, so renames nest.
fn pair_types(old: &Api, new: &Api) -> BTreeMap<String, String> {
    let mut pairs: BTreeMap<String, String> = BTreeMap::new();
    for _ in 0..4 {
        let before = pairs.len();
        for def in &old.types {
            if pairs.contains_key(&def.name) || pairs.values().any(|v| *v == def.name) {
                continue;
            }
            let Some(same_name) = new.type_def(&def.name) else {
                continue;
            };
            let map_old = |n: &str| pairs.get(n).cloned().unwrap_or_else(|| n.to_owned());
            if signature(def, &map_old) == signature(same_name, &|n| n.to_owned()) {
                pairs.insert(def.name.clone(), def.name.clone());
            }
        }
        let taken: BTreeSet<String> = pairs.values().cloned().collect();
        let mut by_signature: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for def in &new.types {
            if !taken.contains(&def.name) {
                by_signature
                    .entry(signature(def, &|n| n.to_owned()))
                    .or_default()
                    .push(&def.name);
            }
        }
        let mut renames = Vec::new();
        for def in &old.types {
            if pairs.contains_key(&def.name) {
                continue;
            }
            let map_old = |n: &str| pairs.get(n).cloned().unwrap_or_else(|| n.to_owned());
            if let Some([only]) = by_signature
                .get(&signature(def, &map_old))
                .map(Vec::as_slice)
            {
                renames.push((def.name.clone(), (*only).to_owned()));
            }
        }
        let mut used: BTreeSet<String> = pairs.values().cloned().collect();
        for (from, to) in renames {
            if used.insert(to.clone()) {
                pairs.insert(from, to);
            }
        }
        if pairs.len() == before {
            break;
        }
    }
    let taken: BTreeSet<String> = pairs.values().cloned().collect();
    for def in &old.types {
        if !pairs.contains_key(&def.name)
            && !taken.contains(&def.name)
            && new.type_def(&def.name).is_some()
        {
            pairs.insert(def.name.clone(), def.name.clone());
        }
    }
    pairs
}
