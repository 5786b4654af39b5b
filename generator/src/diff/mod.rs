//! What changed between two versions of an API, in the words of the generated Rust API.
//!
//! The diff compares two IRs, not two documents: whether a change breaks callers depends on the
//! generator's policy (required inputs are arguments, optional ones setters; an optional field
//! is an `Option`; response structs and every enum are `#[non_exhaustive]`). Each finding has a
//! stable rule id (oasdiff's where it has one), a semver class for the crate, and separately
//! what it means on the wire for a JSON client.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::ir::{Api, IntType, TypeRef};

mod operations;
mod pairing;
mod rule;
mod types;

use pairing::{owners, pair_types, sides};
pub use rule::Rule;

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
    /// What kind of change it is, with a stable id such as `new-required-request-parameter`.
    pub rule: Rule,
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
                    "rule": c.rule.as_str(),
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
    change.rule.as_str().ends_with("-deprecated")
}

/// Which side of the wire a type travels on.
#[derive(Debug, Clone, Copy, Default)]
struct Sides {
    sent: bool,
    received: bool,
}

impl Sides {
    /// What a change means on the wire for a type on these sides, given what it means for a
    /// received type and for a sent one: the worse of the two when the type travels both ways.
    fn wire(self, received: Wire, sent: Wire) -> Wire {
        match (self.received, self.sent) {
            (true, true) => received.min(sent),
            (false, true) => sent,
            _ => received,
        }
    }
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
        old_owners: owners(old),
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
    /// The same for the old types.
    old_owners: BTreeMap<String, String>,
}

struct Finding<'f> {
    rule: Rule,
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

fn widens(from: IntType, to: IntType) -> bool {
    use IntType::*;
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
        TypeRef::External(external) => external.path.clone(),
    }
}
