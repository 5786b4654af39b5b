//! Local references to any place in the document.
//!
//! Lowering reads a `$ref` as a component of the kind expected where it sits
//! (`#/components/schemas/Pet` where a schema goes). Documents also point elsewhere: inside a
//! component (`#/components/schemas/Tag/allOf/0`), into `paths`, at Swagger 2.0's
//! `#/definitions/Pet`, at a kind of component this version does not define
//! (`#/components/mediaTypes/x`, as OpenAPI 3.2 allows), or with the percent-encoding that URI
//! fragments allow (`#/paths/~1env~1%7Bid%7D/get`, RFC 6901 section 6). This pass rewrites them
//! all before the document is read:
//!
//! - a schema found at another place is moved into `components/schemas`, named from its place
//!   (`Tag/allOf/0` becomes `Tag_allOf_0`, the Rust type `TagAllOf0`), and its old place refers
//!   to the new component, so that every use shares one type;
//! - any other object (a parameter, a media type, a response) is copied to where it is
//!   referenced, the `$ref`'s sibling members (a `description`) kept over the copy's;
//! - a pointer that reaches a component through other references on its way names that
//!   component.
//!
//! Single-file documents reach this pass only when a cheap scan of the text finds such a
//! reference ([`may_need`]).

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

use crate::bundle::{Place, child_place};
use crate::pointer::{escape, unescape};

/// The component kinds OpenAPI 3.0 and 3.1 define, but `pathItems` (3.1), which lowering does
/// not read as components: a path item found by reference is copied where it is used.
const KINDS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// How many rounds of rewriting a document may need (a copy may bring references of its own)
/// before the references are taken for a cycle.
const MAX_ROUNDS: usize = 32;

/// How many references a pointer may pass through on its way.
const MAX_HOPS: usize = 32;

/// A problem with one reference: the JSON pointer of the `$ref` and what is wrong.
pub type Problem = (String, String);

/// Whether `reference` already names a component as lowering reads it, or is not local.
pub fn is_canonical(reference: &str) -> bool {
    if !reference.starts_with('#') {
        return true;
    }
    let Some(rest) = reference.strip_prefix("#/components/") else {
        return false;
    };
    if rest.contains('%') {
        return false;
    }
    match rest.split_once('/') {
        Some((kind, name)) => KINDS.contains(&kind) && !name.is_empty() && !name.contains('/'),
        None => false,
    }
}

/// Whether the text may hold a local `$ref` that [`normalize`] rewrites. A cheap scan; a false
/// positive costs only a slower read.
pub fn may_need(text: &str) -> bool {
    text.match_indices("$ref").any(|(at, _)| {
        let rest = text[at + 4..].trim_start_matches(['"', '\'', ' ', ':', '\t']);
        let end = rest
            .find(|c: char| matches!(c, '"' | '\'' | ',' | '}' | ']') || c.is_whitespace())
            .unwrap_or(rest.len());
        let value = &rest[..end];
        value.starts_with('#') && !is_canonical(value)
    })
}

/// The unescaped tokens of a local reference, percent-decoded first (RFC 6901 section 6).
fn decode(reference: &str) -> Vec<String> {
    let fragment = percent_decode(reference.trim_start_matches('#'));
    fragment
        .split('/')
        .filter(|t| !t.is_empty())
        .map(unescape)
        .collect()
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// The pointer text of a token path.
fn pointer_of(path: &[String]) -> String {
    let mut pointer = String::from("#");
    for token in path {
        pointer.push('/');
        pointer.push_str(&escape(token));
    }
    pointer
}

/// A `$ref` that needs rewriting: where it sits and whether a schema is expected there.
struct Site {
    path: Vec<String>,
    reference: String,
    in_schema: bool,
}

/// Rewrites every local reference of `root` that does not name a component as lowering reads
/// it. Problems name the `$ref` that could not be followed.
pub fn normalize(root: &mut Value) -> Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    // The new reference of each schema target, by the pointer written.
    let mut hoisted: BTreeMap<String, String> = BTreeMap::new();
    for _ in 0..MAX_ROUNDS {
        let sites = collect(root);
        if sites.is_empty() {
            return if problems.is_empty() {
                Ok(())
            } else {
                Err(problems)
            };
        }
        let mut failed = Vec::new();
        for site in sites.iter().filter(|s| s.in_schema) {
            if !hoisted.contains_key(&site.reference) {
                match hoist(root, &site.reference) {
                    Ok(new) => {
                        hoisted.insert(site.reference.clone(), new);
                    }
                    Err(message) => {
                        problems.push((pointer_of(&site.path), message));
                        failed.push(site.path.clone());
                    }
                }
            }
        }
        // Moving schemas may have moved references too: find them again.
        for site in collect(root) {
            if failed.contains(&site.path) {
                continue;
            }
            let replacement = if let Some(name) = component(&decode(&site.reference)) {
                Ok(Replacement::Ref(name))
            } else if site.in_schema {
                match hoisted.get(&site.reference) {
                    Some(new) => Ok(Replacement::Ref(new.clone())),
                    None => hoist(root, &site.reference).map(Replacement::Ref),
                }
            } else {
                copy(root, &site)
            };
            match replacement {
                Ok(replacement) => replace(root, &site.path, replacement),
                Err(message) => problems.push((pointer_of(&site.path), message)),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
    }
    Err(collect(root)
        .into_iter()
        .map(|site| {
            let message = format!("reference cycle through `{}`", site.reference);
            (pointer_of(&site.path), message)
        })
        .collect())
}

/// The canonical reference of a token path that is a component of a kind lowering reads.
fn component(path: &[String]) -> Option<String> {
    match path {
        [components, kind, name] if components == "components" && KINDS.contains(&&**kind) => {
            Some(format!("#/components/{kind}/{}", escape(name)))
        }
        _ => None,
    }
}

enum Replacement {
    Ref(String),
    Value(Value),
}

fn replace(root: &mut Value, path: &[String], replacement: Replacement) {
    let Some(Value::Mapping(site)) = get_mut(root, path) else {
        return;
    };
    match replacement {
        Replacement::Ref(reference) => {
            site.insert(Value::from("$ref"), Value::from(reference));
        }
        Replacement::Value(Value::Mapping(mut copy)) => {
            for (key, value) in site.iter() {
                if key.as_str() != Some("$ref") {
                    copy.insert(key.clone(), value.clone());
                }
            }
            *site = copy;
        }
        Replacement::Value(_) => {}
    }
}

/// The object `site` refers to, copied.
fn copy(root: &Value, site: &Site) -> Result<Replacement, String> {
    let path = real_path(root, &decode(&site.reference), 0)
        .ok_or_else(|| format!("`{}` points to nothing in this document", site.reference))?;
    if let Some(name) = component(&path) {
        return Ok(Replacement::Ref(name));
    }
    if site.path.starts_with(&path) {
        return Err(format!(
            "reference cycle through `{}`: it points to a place that holds it",
            site.reference
        ));
    }
    match get(root, &path) {
        Some(value @ Value::Mapping(_)) => Ok(Replacement::Value(value.clone())),
        Some(other) => Err(format!(
            "`{}` points to {}, where an object is expected",
            site.reference,
            kind_of(other)
        )),
        None => Err(format!(
            "`{}` points to nothing in this document",
            site.reference
        )),
    }
}

/// Makes the schema `reference` points to a component, leaving a reference in its place, and
/// returns the component's reference.
fn hoist(root: &mut Value, reference: &str) -> Result<String, String> {
    let path = real_path(root, &decode(reference), 0)
        .ok_or_else(|| format!("`{reference}` points to nothing in this document"))?;
    if let [components, kind, _] = path.as_slice() {
        if components == "components" && kind == "schemas" {
            return component(&path).ok_or_else(String::new);
        }
    }
    if path.is_empty() {
        return Err(format!(
            "`{reference}` points to the whole document, where a schema is expected"
        ));
    }
    let target = get(root, &path)
        .ok_or_else(|| format!("`{reference}` points to nothing in this document"))?;
    match target {
        Value::Mapping(map) => {
            if let Some(next) = map.get("$ref").and_then(Value::as_str) {
                return Ok(next.to_owned());
            }
        }
        Value::Bool(_) => {}
        other => {
            return Err(format!(
                "`{reference}` points to {}, where a schema is expected",
                kind_of(other)
            ));
        }
    }
    let name = unique_name(root, &stable_name(root, &path));
    let new_ref = format!("#/components/schemas/{}", escape(&name));
    let mut placeholder = Mapping::new();
    placeholder.insert(Value::from("$ref"), Value::from(new_ref.clone()));
    let Some(slot) = get_mut(root, &path) else {
        return Err(format!("`{reference}` points to nothing in this document"));
    };
    let schema = std::mem::replace(slot, Value::Mapping(placeholder));
    schemas_mut(root).insert(Value::from(name), schema);
    Ok(new_ref)
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "`null`",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "an object",
        Value::Tagged(_) => "a tagged value",
    }
}

/// `components/schemas` of the root, created when missing.
fn schemas_mut(root: &mut Value) -> &mut Mapping {
    if !root.is_mapping() {
        *root = Value::Mapping(Mapping::new());
    }
    let mut current = root;
    for key in ["components", "schemas"] {
        let Value::Mapping(map) = current else {
            unreachable!("made a mapping above")
        };
        let entry = map
            .entry(Value::from(key))
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        if !entry.is_mapping() {
            *entry = Value::Mapping(Mapping::new());
        }
        current = entry;
    }
    match current {
        Value::Mapping(map) => map,
        _ => unreachable!("made a mapping above"),
    }
}

fn unique_name(root: &Value, wanted: &str) -> String {
    let taken = |name: &str| {
        get(root, &["components".to_owned(), "schemas".to_owned()])
            .and_then(Value::as_mapping)
            .is_some_and(|m| m.contains_key(name))
    };
    (1..)
        .map(|n| {
            if n == 1 {
                wanted.to_owned()
            } else {
                format!("{wanted}_{n}")
            }
        })
        .find(|candidate| !taken(candidate))
        .unwrap_or_default()
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A component name for the schema at `path`, from its place: the component, operation or
/// webhook that holds it, then the way into it (`Event/properties/events/items` gives
/// `Event_events_item`).
fn stable_name(root: &Value, path: &[String]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let start = match path {
        [components, _, name, ..] if components == "components" => {
            parts.push(name.clone());
            3
        }
        [definitions, name, ..] if definitions == "definitions" || definitions == "$defs" => {
            parts.push(name.clone());
            2
        }
        [paths, route, method, ..] if paths == "paths" && METHODS.contains(&&**method) => {
            let operation_id = get(root, &path[..3])
                .and_then(|op| op.get("operationId"))
                .and_then(Value::as_str);
            match operation_id {
                Some(id) => parts.push(id.to_owned()),
                None => {
                    parts.push(method.clone());
                    parts.push(route.clone());
                }
            }
            3
        }
        [paths, route, ..] if paths == "paths" => {
            parts.push(route.clone());
            2
        }
        [webhooks, name, ..] if webhooks == "webhooks" => {
            parts.push(name.clone());
            2
        }
        _ => 0,
    };
    let mut i = start;
    while i < path.len() {
        let token = path[i].as_str();
        let next = path.get(i + 1).map(String::as_str);
        match token {
            "properties" | "patternProperties" | "schema" | "$defs" | "definitions" => {}
            "content" => i += 1,
            "items" => parts.push("item".to_owned()),
            "additionalProperties" => parts.push("value".to_owned()),
            "requestBody" => parts.push("request".to_owned()),
            "allOf" | "anyOf" | "oneOf" | "prefixItems" | "responses" if next.is_some() => {
                parts.push(format!("{token}_{}", next.unwrap_or_default()));
                i += 1;
            }
            "parameters" | "headers" if next.is_some() => {
                let name = get(root, &path[..i + 2])
                    .and_then(|p| p.get("name"))
                    .and_then(Value::as_str)
                    .map_or_else(|| next.unwrap_or_default().to_owned(), str::to_owned);
                parts.push(name);
                i += 1;
            }
            other => parts.push(other.to_owned()),
        }
        i += 1;
    }
    if parts.is_empty() {
        parts.push("Schema".to_owned());
    }
    parts.join("_")
}

/// Every `$ref` outside data that [`is_canonical`] refuses, in document order.
fn collect(root: &Value) -> Vec<Site> {
    fn walk(value: &Value, path: &mut Vec<String>, place: Place, out: &mut Vec<Site>) {
        match value {
            Value::Mapping(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    if !is_canonical(reference) {
                        out.push(Site {
                            path: path.clone(),
                            reference: reference.to_owned(),
                            in_schema: place == Place::Object(true),
                        });
                    }
                    return;
                }
                for (key, child) in map {
                    let key = key_text(key);
                    let Some(child_place) = child_place(place, &key) else {
                        continue;
                    };
                    path.push(key);
                    walk(child, path, child_place, out);
                    path.pop();
                }
            }
            Value::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    walk(item, path, place, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(root, &mut Vec::new(), Place::Object(false), &mut out);
    out
}

/// A mapping key as a pointer token (YAML keys may be numbers: `200:`).
fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

fn child<'v>(value: &'v Value, token: &str) -> Option<&'v Value> {
    match value {
        Value::Mapping(map) => map
            .get(token)
            .or_else(|| map.iter().find(|(k, _)| key_text(k) == token).map(|e| e.1)),
        Value::Sequence(items) => items.get(token.parse::<usize>().ok()?),
        _ => None,
    }
}

fn get<'v>(root: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(root, |node, token| child(node, token))
}

fn get_mut<'v>(root: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    let mut current = root;
    for token in path {
        current = match current {
            Value::Mapping(map) => {
                let key = map.keys().find(|k| key_text(k) == *token)?.clone();
                map.get_mut(&key)?
            }
            Value::Sequence(items) => items.get_mut(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The path of the node `tokens` points to, following the references met on the way
/// (`#/components/schemas/A/properties/b` where `A` is itself a `$ref`).
fn real_path(root: &Value, tokens: &[String], depth: usize) -> Option<Vec<String>> {
    if depth > MAX_HOPS {
        return None;
    }
    let mut path: Vec<String> = Vec::new();
    let mut node = root;
    for token in tokens {
        let mut hops = 0;
        while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            if !reference.starts_with('#') || token == "$ref" || hops > MAX_HOPS {
                break;
            }
            hops += 1;
            path = real_path(root, &decode(reference), depth + 1)?;
            node = get(root, &path)?;
        }
        node = child(node, token)?;
        path.push(token.clone());
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).expect("YAML")
    }

    #[test]
    fn canonical_references_are_left_alone() {
        assert!(is_canonical("#/components/schemas/Pet"));
        assert!(is_canonical("other.yaml#/anything"));
        assert!(!is_canonical("#/components/schemas/Pet/properties/id"));
        assert!(!is_canonical("#/components/mediaTypes/x"));
        assert!(!is_canonical("#/components/schemas/Pet%20Shop"));
        assert!(!is_canonical("#/definitions/Pet"));
        assert!(!may_need("a: {$ref: '#/components/schemas/Pet'}"));
        assert!(may_need("a: {$ref: '#/components/schemas/Pet/allOf/0'}"));
        assert!(may_need("{\"$ref\": \"#/paths/~1a/get/parameters/0\"}"));
    }

    #[test]
    fn percent_encoded_pointers_decode_before_unescaping() {
        assert_eq!(
            decode("#/paths/~1env~1%7Bid%7D~1job/get/parameters/1"),
            ["paths", "/env/{id}/job", "get", "parameters", "1"]
        );
        assert_eq!(decode("#/a%25b/%zz"), ["a%b", "%zz"]);
    }

    #[test]
    fn a_schema_inside_a_component_becomes_one_shared_component() {
        let mut doc = yaml(
            "components:
  schemas:
    Event:
      properties:
        events: {type: array, items: {type: object, properties: {id: {type: string}}}}
    Other:
      properties:
        event: {$ref: '#/components/schemas/Event/properties/events/items'}
        again: {$ref: '#/components/schemas/Event/properties/events/items'}
",
        );
        normalize(&mut doc).expect("normalized");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Event"]["properties"]["events"]["items"]["$ref"],
            "#/components/schemas/Event_events_item"
        );
        assert_eq!(
            schemas["Other"]["properties"]["again"]["$ref"],
            "#/components/schemas/Event_events_item"
        );
        assert_eq!(
            schemas["Event_events_item"]["properties"]["id"]["type"],
            "string"
        );
    }

    #[test]
    fn other_objects_are_copied_with_their_siblings_kept() {
        let mut doc = yaml(
            "paths:
  /env/{id}/job:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: q, in: query, description: old, schema: {type: string}}
  /other:
    get:
      parameters:
        - {$ref: '#/paths/~1env~1%7Bid%7D~1job/get/parameters/1', description: new}
",
        );
        normalize(&mut doc).expect("normalized");
        let copied = &doc["paths"]["/other"]["get"]["parameters"][0];
        assert_eq!(copied["name"], "q");
        assert_eq!(copied["description"], "new");
        assert!(copied.get("$ref").is_none());
    }

    #[test]
    fn missing_targets_and_cycles_are_problems_at_the_reference() {
        let mut doc = yaml("paths: {/a: {get: {parameters: [{$ref: '#/nowhere/0'}]}}}");
        let problems = normalize(&mut doc).expect_err("refused");
        assert_eq!(problems[0].0, "#/paths/~1a/get/parameters/0");
        assert!(problems[0].1.contains("points to nothing"), "{problems:?}");
        let mut doc = yaml("paths: {/a: {get: {parameters: [{$ref: '#/paths/~1a/get'}]}}}");
        let problems = normalize(&mut doc).expect_err("refused");
        assert!(problems[0].1.contains("cycle"), "{problems:?}");
    }
}
