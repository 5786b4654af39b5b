//! Multi-file documents: external `$ref`s are brought into the root document before lowering.
//!
//! A reference to `file.yaml#/components/<kind>/<name>` becomes a component of the same kind in
//! the root document (renamed with a suffix if the name is taken). A reference to a whole file,
//! or to another place in it, becomes a schema component when it sits where a schema is
//! expected, and is copied in place otherwise (a parameter, a response, a path item). Local
//! references inside an external file are followed the same way. Paths are resolved relative to
//! the file that holds the reference.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

use crate::diagnostic::{Diagnostic, Severity};
use crate::locate::locate;
use crate::pointer::{escape as escape_token, unescape};

/// Reads a file named relative to the root document's folder.
pub type Loader<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// A reference as its author wrote it, for diagnostics about the reference that replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The `$ref` as written (`../shared/errors.yaml#/components/schemas/Error`).
    pub reference: String,
    /// The file that holds it, as named in diagnostics.
    pub file: String,
    /// Where in that file, when the text can be searched for it.
    pub line_col: Option<(usize, usize)>,
}

impl Written {
    /// The reference for a message: `` `x.yaml#/a` (in `paths/users.yaml`, line 12) ``.
    pub fn describe(&self) -> String {
        match self.line_col {
            Some((line, column)) => format!(
                "`{}` (in `{}`, line {line}, column {column})",
                self.reference, self.file
            ),
            None => format!("`{}` (in `{}`)", self.reference, self.file),
        }
    }
}

/// The references written in the document, by the root reference that replaced them.
pub type WrittenRefs = BTreeMap<String, Written>;

/// Whether `value` holds a `$ref` to another file, outside example and default values.
pub fn has_external_refs(value: &Value) -> bool {
    external_in(value, Place::Object(false))
}

/// Whether the text may hold a `$ref` to another file: some `$ref` whose value does not start
/// with `#`. A cheap scan, so single-file documents are read only once.
pub fn may_have_external_refs(text: &str) -> bool {
    text.match_indices("$ref").any(|(at, _)| {
        let rest = text[at + 4..].trim_start_matches(['"', '\'', ' ', ':', '\t']);
        !rest.starts_with('#')
    })
}

struct Bundler<'a> {
    loader: Loader<'a>,
    root_name: &'a str,
    root_text: &'a str,
    files: BTreeMap<String, Value>,
    /// The text of each file read, to locate references in it.
    texts: BTreeMap<String, String>,
    /// What each root reference the bundler made was written as.
    written: WrittenRefs,
    /// Components added to the root, by (kind, name).
    added: BTreeMap<(String, String), Value>,
    /// The root reference each external target was given, by (file, pointer).
    done: BTreeMap<(String, String), String>,
    /// Targets being copied in place, to catch references that copy themselves.
    inlining: Vec<(String, String)>,
    errors: Vec<Diagnostic>,
}

/// Brings every external reference of `root` into it. Returns the bundled document and what
/// each reference the bundler made was written as.
pub fn bundle(
    root: Value,
    root_name: &str,
    root_text: &str,
    loader: Loader<'_>,
) -> Result<(Value, WrittenRefs), Vec<Diagnostic>> {
    let mut bundler = Bundler {
        loader,
        root_name,
        root_text,
        files: BTreeMap::new(),
        texts: BTreeMap::new(),
        written: BTreeMap::new(),
        added: BTreeMap::new(),
        done: BTreeMap::new(),
        inlining: Vec::new(),
        errors: Vec::new(),
    };
    let mut root = root;
    let mut taken: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(components) = root.get("components").and_then(Value::as_mapping) {
        for (kind, entries) in components {
            if let (Some(kind), Some(entries)) = (kind.as_str(), entries.as_mapping()) {
                let names = entries
                    .keys()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect();
                taken.insert(kind.to_owned(), names);
            }
        }
    }
    bundler.walk(&mut root, "", "#", Place::Object(false), &mut taken);
    if !bundler.errors.is_empty() {
        return Err(bundler.errors);
    }
    if !bundler.added.is_empty() {
        let Value::Mapping(map) = &mut root else {
            return Ok((root, bundler.written));
        };
        let components = map
            .entry(Value::from("components"))
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        if !components.is_mapping() {
            *components = Value::Mapping(Mapping::new());
        }
        if let Value::Mapping(components) = components {
            for ((kind, name), value) in std::mem::take(&mut bundler.added) {
                let entries = components
                    .entry(Value::from(kind))
                    .or_insert_with(|| Value::Mapping(Mapping::new()));
                if let Value::Mapping(entries) = entries {
                    entries.insert(Value::from(name), value);
                }
            }
        }
    }
    Ok((root, bundler.written))
}

/// Keys whose values are schemas, or maps and lists of schemas.
const SCHEMA_KEYS: &[&str] = &[
    "schema",
    "items",
    "prefixItems",
    "properties",
    "patternProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "additionalProperties",
    "schemas",
    "$defs",
    "definitions",
];

/// Keys whose values are data (a `$ref` member inside one is just a member) where the
/// object that has them defines them so: `example` in schemas, parameters and media types;
/// `default`, `enum` and `const` in schemas only, since a Responses object's `default` is a
/// Response, which may well be a reference to another file. A `properties` map is keyed by
/// property names, so its keys never count.
fn holds_data(key: &str, in_schema: bool) -> bool {
    key == "example"
        || (in_schema && matches!(key, "default" | "enum" | "const"))
        // Extensions are data, except the one the generator reads as OpenAPI objects.
        || (key.starts_with("x-") && key != "x-webhooks")
        // In a schema (3.1), `examples` is a list of values; elsewhere it maps names to
        // Example objects, whose `value` is data.
        || (in_schema && key == "examples")
}

/// What the members of a mapping are.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// An OpenAPI object, or a schema when `true`.
    Object(bool),
    /// A map from names to schemas (`properties`, `$defs`).
    Schemas,
    /// A map from names to Example objects.
    Examples,
    /// An Example object.
    Example,
}

/// Whether `value` (seen as `place`) holds an external `$ref` outside data.
fn external_in(value: &Value, place: Place) -> bool {
    match value {
        Value::Mapping(map) => map.iter().any(|(key, child)| {
            let key = key.as_str().unwrap_or_default();
            if key == "$ref" {
                return child.as_str().is_some_and(|r| !r.starts_with('#'));
            }
            match child_place(place, key) {
                Some(place) => external_in(child, place),
                None => false,
            }
        }),
        Value::Sequence(items) => items.iter().any(|item| external_in(item, place)),
        _ => false,
    }
}

/// The place of the member `key` of a mapping at `place`; `None` for data.
pub(crate) fn child_place(place: Place, key: &str) -> Option<Place> {
    match place {
        Place::Schemas => Some(Place::Object(true)),
        Place::Examples => Some(Place::Example),
        Place::Example => (key != "value").then_some(Place::Object(false)),
        Place::Object(in_schema) => {
            if holds_data(key, in_schema) {
                None
            } else if key == "examples" {
                Some(Place::Examples)
            } else if matches!(
                key,
                "properties" | "patternProperties" | "$defs" | "definitions" | "schemas"
            ) {
                Some(Place::Schemas)
            } else {
                Some(Place::Object(in_schema || SCHEMA_KEYS.contains(&key)))
            }
        }
    }
}

impl Bundler<'_> {
    /// Rewrites the references in `value`, which lives in `file` ("" for the root) at `pointer`.
    fn walk(
        &mut self,
        value: &mut Value,
        file: &str,
        pointer: &str,
        place: Place,
        taken: &mut BTreeMap<String, Vec<String>>,
    ) {
        match value {
            Value::Mapping(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str).map(str::to_owned)
                {
                    let in_schema = place == Place::Object(true);
                    if let Some(replacement) =
                        self.resolve(&reference, file, pointer, in_schema, taken)
                    {
                        match replacement {
                            Resolved::Ref(target) => {
                                map.insert(Value::from("$ref"), Value::from(target));
                            }
                            Resolved::Inline(inlined) => *value = inlined,
                        }
                    }
                    return;
                }
                for (key, child) in map.iter_mut() {
                    let key = key.as_str().unwrap_or_default().to_owned();
                    let Some(child_place) = child_place(place, &key) else {
                        continue;
                    };
                    let child_pointer = format!("{pointer}/{}", escape_token(&key));
                    self.walk(child, file, &child_pointer, child_place, taken);
                }
            }
            Value::Sequence(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.walk(item, file, &format!("{pointer}/{i}"), place, taken);
                }
            }
            _ => {}
        }
    }

    fn resolve(
        &mut self,
        reference: &str,
        file: &str,
        pointer: &str,
        in_schema: bool,
        taken: &mut BTreeMap<String, Vec<String>>,
    ) -> Option<Resolved> {
        let (target_file, target_pointer) = match reference.split_once('#') {
            Some((path, fragment)) => (path, fragment),
            None => (reference, ""),
        };
        if target_file.is_empty() && file.is_empty() {
            return None;
        }
        if target_file.starts_with("http://") || target_file.starts_with("https://") {
            self.error(
                file,
                pointer,
                format!("`{reference}` is a remote reference; the generator reads no network, so save the document and reference it by a relative path"),
            );
            return None;
        }
        let target_file = if target_file.is_empty() {
            file.to_owned()
        } else {
            join_path(file, target_file)
        };
        let key = (target_file.clone(), target_pointer.to_owned());
        if let Some(done) = self.done.get(&key) {
            return Some(Resolved::Ref(done.clone()));
        }
        let document = match self.load(&target_file) {
            Ok(document) => document,
            Err(message) => {
                self.error(
                    file,
                    pointer,
                    format!("cannot read `{target_file}` (referenced as `{reference}`): {message}"),
                );
                return None;
            }
        };
        let Some(mut target) = find(&document, target_pointer).cloned() else {
            self.error(
                file,
                pointer,
                format!("`{reference}` points to nothing in `{target_file}`"),
            );
            return None;
        };
        let component = component_of(&target_file, target_pointer, in_schema);
        let Some((kind, name)) = component else {
            if self.inlining.contains(&key) {
                self.error(
                    file,
                    pointer,
                    format!("reference cycle through `{reference}`"),
                );
                return None;
            }
            self.inlining.push(key);
            self.walk(
                &mut target,
                &target_file,
                &format!("#{target_pointer}"),
                Place::Object(in_schema),
                taken,
            );
            self.inlining.pop();
            return Some(Resolved::Inline(target));
        };
        let unique = unique_name(taken.entry(kind.clone()).or_default(), &name);
        let root_ref = format!("#/components/{kind}/{}", escape_token(&unique));
        self.done.insert(key, root_ref.clone());
        let written = self.written_at(reference, file, pointer);
        self.written.insert(root_ref.clone(), written);
        self.walk(
            &mut target,
            &target_file,
            &format!("#{target_pointer}"),
            if kind == "examples" {
                Place::Example
            } else {
                Place::Object(kind == "schemas")
            },
            taken,
        );
        self.added.insert((kind, unique), target);
        Some(Resolved::Ref(root_ref))
    }

    /// Where `reference` was written: its file and line in the root document or a referenced one.
    fn written_at(&self, reference: &str, file: &str, pointer: &str) -> Written {
        Written {
            reference: reference.to_owned(),
            file: if file.is_empty() {
                self.root_name.to_owned()
            } else {
                file.to_owned()
            },
            line_col: if file.is_empty() {
                locate(self.root_text, pointer)
            } else {
                self.texts.get(file).and_then(|text| locate(text, pointer))
            },
        }
    }

    fn load(&mut self, path: &str) -> Result<Value, String> {
        if let Some(document) = self.files.get(path) {
            return Ok(document.clone());
        }
        let text = (self.loader)(path)?;
        let document = crate::read::tree(&text).map_err(|e| match e.line_col {
            Some((line, column)) => format!("{} (line {line}, column {column})", e.message),
            None => e.message,
        })?;
        self.files.insert(path.to_owned(), document.clone());
        self.texts.insert(path.to_owned(), text);
        Ok(document)
    }

    fn error(&mut self, file: &str, pointer: &str, message: String) {
        let (name, line_col) = if file.is_empty() {
            (self.root_name.to_owned(), locate(self.root_text, pointer))
        } else {
            (file.to_owned(), None)
        };
        self.errors.push(Diagnostic {
            severity: Severity::Error,
            message,
            file: name,
            pointer: pointer.to_owned(),
            line_col,
        });
    }
}

enum Resolved {
    Ref(String),
    Inline(Value),
}

fn find<'v>(document: &'v Value, pointer: &str) -> Option<&'v Value> {
    let mut current = document;
    for token in crate::pointer::tokens(pointer) {
        current = match current {
            Value::Mapping(map) => map.get(token.as_str())?,
            Value::Sequence(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// `relative` resolved against the folder of `from` ("" for the root document), with `.` and
/// `..` segments folded.
/// The component kind and name a referenced target is brought in as: its own place when it
/// is a component of the other file, a schema named after its last pointer token (or the
/// file) when it is a schema elsewhere, and `None` when it is inlined.
fn component_of(
    target_file: &str,
    target_pointer: &str,
    in_schema: bool,
) -> Option<(String, String)> {
    let tokens: Vec<&str> = target_pointer.trim_start_matches('/').split('/').collect();
    match tokens.as_slice() {
        ["components", kind, name] => Some(((*kind).to_owned(), unescape(name))),
        _ if in_schema => {
            let stem = target_file.rsplit('/').next().unwrap_or("Schema");
            let stem = stem.split('.').next().unwrap_or(stem);
            let name = tokens
                .last()
                .filter(|t| !t.is_empty())
                .map_or_else(|| stem.to_owned(), |t| unescape(t));
            Some(("schemas".to_owned(), name))
        }
        _ => None,
    }
}

/// `name`, or `name2`, `name3`... when `names` holds it already; the result joins `names`.
fn unique_name(names: &mut Vec<String>, name: &str) -> String {
    let unique = (1..)
        .map(|n| {
            if n == 1 {
                name.to_owned()
            } else {
                format!("{name}{n}")
            }
        })
        .find(|candidate| !names.contains(candidate))
        .unwrap_or_default();
    names.push(unique.clone());
    unique
}

fn join_path(from: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| !p.is_empty() && *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    parts.retain(|p| !p.is_empty());
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::{Place, external_in, join_path};

    fn yaml(text: &str) -> serde_yaml::Value {
        serde_yaml::from_str(text).expect("YAML")
    }

    #[test]
    fn default_is_data_in_schemas_and_a_response_under_responses() {
        let response = yaml("responses: {default: {$ref: 'shared/error.yml'}}");
        assert!(external_in(&response, Place::Object(false)));
        let schema = yaml("schema: {type: object, default: {$ref: 'not/a/file.yml'}}");
        assert!(!external_in(&schema, Place::Object(false)));
        let example = yaml("content: {application/json: {example: {$ref: 'data.yml'}}}");
        assert!(!external_in(&example, Place::Object(false)));
    }

    #[test]
    fn paths_resolve_against_the_referencing_file() {
        assert_eq!(join_path("", "schemas/pet.yaml"), "schemas/pet.yaml");
        assert_eq!(
            join_path("schemas/pet.yaml", "./owner.yaml"),
            "schemas/owner.yaml"
        );
        assert_eq!(
            join_path("schemas/pet.yaml", "../common.yaml"),
            "common.yaml"
        );
        assert_eq!(join_path("", "../shared/x.yaml"), "../shared/x.yaml");
    }
}
