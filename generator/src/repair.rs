//! Reading a value tree into the spec model, past the mistakes real documents make.
//!
//! Other generators accept these with a warning, so a document that has them is read as its
//! author meant, and each repair is reported at its place:
//!
//! - `null` where an object is expected reads as an empty one; where a map or a list is
//!   expected (`requestBodies:` with nothing after it), the reader itself takes `null` for an
//!   empty one, and [`empty_collections`] reports it;
//! - a number or a boolean written as a string where the model wants one (`maximum: "100"`,
//!   `required: "true"`) reads as the number or the boolean;
//! - a `discriminator` given as a bare property name (Swagger 2.0) reads as
//!   `{propertyName: ...}`;
//! - `required: true` on a property (as Swagger 2.0 parameters say it) puts the property in
//!   its object's `required` list; any other flag where that list is expected is ignored.
//!
//! The repairs are driven by the reader's own errors: the tree is read, and while the first
//! error is one of these at a node the tree holds, that node is repaired and the tree read
//! again. Any other error stays an error, at its place.

use serde::de::DeserializeOwned;
use serde_path_to_error::{Path, Segment};
use serde_yaml::{Mapping, Number, Value};

/// A repair made: the JSON pointer of the node and what was read there.
pub type Repair = (String, String);

/// Keys whose value is a map or a list in the OpenAPI objects that have them.
const COLLECTION_KEYS: &[&str] = &[
    "paths",
    "components",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "securitySchemes",
    "headers",
    "examples",
    "links",
    "callbacks",
    "pathItems",
    "properties",
    "patternProperties",
    "required",
    "tags",
    "servers",
    "security",
    "content",
    "allOf",
    "oneOf",
    "anyOf",
    "prefixItems",
    "variables",
    "mapping",
    "encoding",
    "webhooks",
    "x-webhooks",
    "scopes",
    "flows",
];

/// Whether a YAML text may give `null` (`key:` with nothing under it, `key: null`, `key: ~`)
/// for one of the OpenAPI maps or lists. A cheap scan of the lines; JSON needs none, since its
/// reader refuses such a `null` and the tree reader then reports it.
pub fn may_have_empty_collections(text: &str) -> bool {
    if crate::read::is_json(text) {
        return false;
    }
    let indentation = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        // Only a line that ends in `:`, `null` or `~` (or has a comment) can give a `null`:
        // the rest are passed over without looking at their key.
        let end = line.trim_end();
        if !(end.ends_with([':', '~']) || end.ends_with("null") || end.contains('#')) {
            continue;
        }
        let entry = line.trim_start();
        let entry = entry.strip_prefix("- ").unwrap_or(entry).trim_start();
        let Some((key, rest)) = entry.split_once(':') else {
            continue;
        };
        if !COLLECTION_KEYS.contains(&key.trim_matches(['"', '\''])) {
            continue;
        }
        let rest = rest.split(" #").next().unwrap_or_default().trim();
        let empty = match rest {
            "null" | "~" => true,
            "" => {
                // A block value follows when the next line is deeper, or a list item at the
                // same depth.
                let next = lines.clone().find(|l| {
                    let t = l.trim_start();
                    !t.is_empty() && !t.starts_with('#')
                });
                match next {
                    Some(next) => {
                        let (own, theirs) = (indentation(line), indentation(next));
                        theirs < own || (theirs == own && !next.trim_start().starts_with("- "))
                    }
                    None => true,
                }
            }
            _ => false,
        };
        if empty {
            return true;
        }
    }
    false
}

/// Every OpenAPI map or list of `value` given as `null`, each read as empty.
pub fn empty_collections(value: &Value) -> Vec<Repair> {
    use crate::bundle::{Place, child_place};
    fn walk(value: &Value, pointer: &str, place: Place, out: &mut Vec<Repair>) {
        match value {
            Value::Mapping(map) => {
                for (key, child) in map {
                    let Some(key) = key.as_str() else { continue };
                    let Some(child_place) = child_place(place, key) else {
                        continue;
                    };
                    let child_pointer = format!("{pointer}/{}", crate::pointer::escape(key));
                    if child.is_null() && matches!(place, Place::Object(_)) {
                        if COLLECTION_KEYS.contains(&key) {
                            let note = format!("`{key}` is `null`; read as empty");
                            out.push((child_pointer, note));
                        }
                        continue;
                    }
                    walk(child, &child_pointer, child_place, out);
                }
            }
            Value::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{pointer}/{i}"), place, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, "#", Place::Object(false), &mut out);
    out
}

/// How many repairs one document may need; more means the reader is not making progress.
const MAX_REPAIRS: usize = 100_000;

/// An error that is not a mistake repaired here: the pointer of its node and the reader's
/// message.
#[derive(Debug)]
pub struct Unrepaired {
    pub pointer: String,
    pub message: String,
}

/// Reads `value` as `T`, repairing it in place where it holds the mistakes above.
pub fn deserialize<T: DeserializeOwned>(value: &mut Value) -> Result<(T, Vec<Repair>), Unrepaired> {
    let mut repairs: Vec<Repair> = Vec::new();
    loop {
        let error = match serde_path_to_error::deserialize::<_, T>(&*value) {
            Ok(read) => return Ok((read, repairs)),
            Err(error) => error,
        };
        let pointer = pointer_of(error.path());
        let message = error.inner().to_string();
        let unrepaired = || Unrepaired {
            pointer: pointer.clone(),
            message: message.clone(),
        };
        if repairs.len() >= MAX_REPAIRS || repairs.last().is_some_and(|(p, _)| *p == pointer) {
            return Err(unrepaired());
        }
        let Some(tokens) = tokens_of(error.path()) else {
            return Err(unrepaired());
        };
        let last = tokens.last().map(String::as_str);
        if last == Some("required") && message.contains(", expected a sequence") {
            if let Some(note) = required_flag(value, &tokens) {
                repairs.push((pointer, note));
                continue;
            }
        }
        let Some(node) = node_mut(value, &tokens) else {
            return Err(unrepaired());
        };
        let Some(note) = repair(node, &message, last) else {
            return Err(unrepaired());
        };
        repairs.push((pointer, note));
    }
}

/// Repairs `node` for the reader's `message`, and says what it read.
fn repair(node: &mut Value, message: &str, key: Option<&str>) -> Option<String> {
    let expected = message.split(", expected ").nth(1).unwrap_or_default();
    match node {
        Value::Null if expected.starts_with("a sequence") => {
            *node = Value::Sequence(Vec::new());
            Some("`null` where a list is expected; read as an empty list".to_owned())
        }
        Value::Null
            if expected.starts_with("a map")
                || expected.starts_with("struct")
                || expected.starts_with("a schema") =>
        {
            *node = Value::Mapping(Mapping::new());
            Some("`null` where an object is expected; read as an empty one".to_owned())
        }
        Value::String(text) if key == Some("discriminator") => {
            let note = format!(
                "a discriminator given as a bare property name (Swagger 2.0); read as `propertyName: {text}`"
            );
            let mut map = Mapping::new();
            map.insert(Value::from("propertyName"), Value::from(text.clone()));
            *node = Value::Mapping(map);
            Some(note)
        }
        Value::String(text) if is_number(expected) => {
            let trimmed = text.trim();
            let number = if let Ok(n) = trimmed.parse::<u64>() {
                Number::from(n)
            } else if let Ok(n) = trimmed.parse::<i64>() {
                Number::from(n)
            } else {
                Number::from(trimmed.parse::<f64>().ok().filter(|n| n.is_finite())?)
            };
            let note = format!("the number `{trimmed}` is written as a string; read as a number");
            *node = Value::Number(number);
            Some(note)
        }
        Value::String(text) if expected.starts_with("a boolean") => {
            let flag = match text.trim() {
                "true" => true,
                "false" => false,
                _ => return None,
            };
            *node = Value::Bool(flag);
            Some(format!(
                "the boolean `{flag}` is written as a string; read as a boolean"
            ))
        }
        _ => None,
    }
}

/// A schema's `required` given as a flag (`required: true` on a property, as Swagger 2.0
/// parameters say it): the property joins its object's `required` list, and the flag is read
/// as an empty list.
fn required_flag(root: &mut Value, tokens: &[String]) -> Option<String> {
    let node = node_mut(root, tokens)?;
    let flag = match node {
        Value::Bool(flag) => *flag,
        Value::String(text) if text.trim() == "true" => true,
        Value::String(text) if text.trim() == "false" => false,
        _ => return None,
    };
    *node = Value::Sequence(Vec::new());
    let property = match tokens {
        [schema @ .., properties, name, _] if properties == "properties" => {
            Some((schema, name.clone()))
        }
        _ => None,
    };
    let Some((schema, name)) = property.filter(|_| flag) else {
        return Some(format!(
            "`required: {flag}` where a list of property names is expected; ignored"
        ));
    };
    let Value::Mapping(object) = node_mut(root, schema)? else {
        return None;
    };
    let list = object
        .entry(Value::from("required"))
        .or_insert_with(|| Value::Sequence(Vec::new()));
    if let Value::Sequence(names) = list {
        if !names.iter().any(|n| n.as_str() == Some(name.as_str())) {
            names.push(Value::from(name.clone()));
        }
    }
    Some(format!(
        "`required: true` on the property `{name}` (as Swagger 2.0 parameters say it); read as `{name}` being in its object's `required` list"
    ))
}

fn is_number(expected: &str) -> bool {
    let ty = expected.split_whitespace().next().unwrap_or_default();
    matches!(
        ty,
        "f64" | "f32" | "u64" | "u32" | "u16" | "u8" | "usize" | "i64" | "i32" | "i16" | "i8"
    ) || expected.starts_with("a number")
        || expected.starts_with("an integer")
}

/// The JSON pointer of a field path such as `paths./a.get.tags`.
pub fn pointer_of(path: &Path) -> String {
    let mut pointer = String::from("#");
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } => pointer.push_str(&crate::pointer::escape(key)),
            Segment::Enum { variant } => pointer.push_str(&crate::pointer::escape(variant)),
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}

fn tokens_of(path: &Path) -> Option<Vec<String>> {
    path.iter()
        .map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

fn node_mut<'v>(root: &'v mut Value, tokens: &[String]) -> Option<&'v mut Value> {
    let mut current = root;
    for token in tokens {
        current = match current {
            Value::Mapping(map) => {
                let key = map
                    .keys()
                    .find(|k| match k {
                        Value::String(s) => s == token,
                        Value::Number(n) => n.to_string() == *token,
                        Value::Bool(b) => b.to_string() == *token,
                        _ => false,
                    })?
                    .clone();
                map.get_mut(&key)?
            }
            Value::Sequence(items) => items.get_mut(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::Document;

    fn read(text: &str) -> Result<(Document, Vec<Repair>), Unrepaired> {
        let mut value: Value = serde_yaml::from_str(text).expect("YAML");
        deserialize::<Document>(&mut value)
    }

    #[test]
    fn a_required_flag_on_a_property_joins_the_required_list() {
        let (doc, repairs) = read(
            "openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Pet:
      type: object
      required: [id]
      properties:
        id: {type: string}
        name: {type: string, required: true}
        tag: {type: string, required: 'false'}
    Loose:
      type: object
      properties:
        id: {type: string, required: 'true'}
    Odd: {type: object, required: true}
",
        )
        .expect("read");
        assert_eq!(doc.components.schemas["Pet"].required, ["id", "name"]);
        assert_eq!(doc.components.schemas["Loose"].required, ["id"]);
        assert!(doc.components.schemas["Odd"].required.is_empty());
        let pointers: Vec<&str> = repairs.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/components/schemas/Pet/properties/name/required",
                "#/components/schemas/Pet/properties/tag/required",
                "#/components/schemas/Loose/properties/id/required",
                "#/components/schemas/Odd/required",
            ]
        );
        let notes: Vec<&str> = repairs.iter().map(|(_, note)| note.as_str()).collect();
        assert!(notes[0].contains("read as `name` being in its object's `required` list"));
        assert!(notes[1].contains("ignored"));
        assert!(notes[3].contains("ignored"));
    }

    #[test]
    fn each_mistake_is_read_as_meant_and_reported_at_its_place() {
        let (doc, repairs) = read(
            "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      tags:
      responses: {'200': {description: ok}}
components:
  requestBodies:
  schemas:
    Pet:
      type: object
      discriminator: kind
      properties:
        kind: {type: string, maxLength: '20'}
        size: {type: number, maximum: '100.5', maxItems: ' 3', nullable: 'true'}
",
        )
        .expect("read");
        // `null` for a list or a map reads as an empty one without a repair, and is reported.
        assert!(doc.components.request_bodies.is_empty());
        let pet = &doc.components.schemas["Pet"];
        assert_eq!(pet.properties["kind"].max_length, Some(20));
        assert_eq!(pet.properties["size"].maximum, Some(100.5));
        assert!(pet.properties["size"].nullable);
        assert_eq!(pet.properties["size"].max_items, Some(3));
        let discriminator = pet.discriminator.as_ref().expect("a discriminator");
        assert_eq!(discriminator.property_name, "kind");
        let pointers: Vec<&str> = repairs.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/components/schemas/Pet/discriminator",
                "#/components/schemas/Pet/properties/kind/maxLength",
                "#/components/schemas/Pet/properties/size/maxItems",
                "#/components/schemas/Pet/properties/size/nullable",
            ]
        );
    }

    #[test]
    fn maps_and_lists_given_as_null_are_found() {
        let text = "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      tags: ~
      parameters:
      - name: q
        in: query
      responses: {'200': {description: ok}}
components:
  requestBodies:
  schemas:
    A:
      properties:
        required:
      example: {required: null}
";
        assert!(may_have_empty_collections(text));
        let value: Value = serde_yaml::from_str(text).expect("YAML");
        let found: Vec<String> = empty_collections(&value).into_iter().map(|r| r.0).collect();
        // `properties/required` is a property named `required`, and the example is data.
        assert_eq!(
            found,
            ["#/paths/~1a/get/tags", "#/components/requestBodies"]
        );
        let clean = "paths:\n  /a:\n    get:\n      parameters:\n      - name: q\n";
        assert!(!may_have_empty_collections(clean));
    }

    #[test]
    fn other_errors_stay_errors_at_their_place() {
        let error =
            read("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {/a: {get: {tags: 7}}}\n")
                .expect_err("refused");
        assert_eq!(error.pointer, "#/paths/~1a/get/tags");
        let error = read("openapi: 3.0.3\ninfo: {title: T, version: '1'}\ncomponents: {schemas: {A: {maximum: 'lots'}}}\n")
            .expect_err("refused");
        assert_eq!(error.pointer, "#/components/schemas/A/maximum");
    }
}
