//! spec/ promises no more than the API does: every response member that
//! `spec/clerk-backend-api.yaml` marks required is required in the API's current document of
//! the same version (`../shared/reference/clerk-bapi-2021-02-05.yml`), and every member it
//! marks non-nullable is non-nullable there. Exceptions are listed, with their reasons, in
//! `spec/reference-exceptions.yaml`.
//!
//! The two documents are walked side by side from each operation's success responses:
//! references resolved, `allOf` merged, list items and map values followed. A `oneOf` variant of
//! spec/ must keep its promises against at least one variant of the reference.
//!
//! Skipped, with a printed reason, where the reference document is not present.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

const REFERENCE: &str = "../shared/reference/clerk-bapi-2021-02-05.yml";
const OURS: &str = "spec/clerk-backend-api.yaml";
const EXCEPTIONS: &str = "spec/reference-exceptions.yaml";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

fn load(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A promise of spec/ that the reference does not make.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Overpromise {
    /// Where spec/ defines the member: the JSON pointer of its property schema.
    pointer: String,
    /// `required` or `non-nullable`.
    rule: &'static str,
}

/// One document, with `$ref` resolution.
struct Doc<'a> {
    root: &'a Value,
}

impl<'a> Doc<'a> {
    /// Follows `$ref`s; returns the schema and the pointer it lives at.
    fn resolve(&self, schema: &'a Value, pointer: &str) -> (&'a Value, String) {
        let mut current = (schema, pointer.to_owned());
        for _ in 0..32 {
            let Some(target) = current.0.get("$ref").and_then(Value::as_str) else {
                return current;
            };
            let path = target.trim_start_matches('#');
            let mut node = self.root;
            for token in path.split('/').filter(|t| !t.is_empty()) {
                let token = token.replace("~1", "/").replace("~0", "~");
                node = node.get(token.as_str()).unwrap_or(&Value::Null);
            }
            current = (node, path.to_owned());
        }
        current
    }

    /// The members of an object schema, with `allOf` merged: name → (schema, pointer), and the
    /// required names.
    fn members(
        &self,
        schema: &'a Value,
        pointer: &str,
    ) -> (BTreeMap<String, (&'a Value, String)>, BTreeSet<String>) {
        let (schema, pointer) = self.resolve(schema, pointer);
        let mut properties = BTreeMap::new();
        let mut required = BTreeSet::new();
        if let Some(map) = schema.get("properties").and_then(Value::as_mapping) {
            for (name, member) in map {
                if let Some(name) = name.as_str() {
                    let at = format!(
                        "{pointer}/properties/{}",
                        name.replace('~', "~0").replace('/', "~1")
                    );
                    properties.insert(name.to_owned(), (member, at));
                }
            }
        }
        if let Some(names) = schema.get("required").and_then(Value::as_sequence) {
            required.extend(names.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_sequence) {
            for (index, part) in parts.iter().enumerate() {
                let (more, names) = self.members(part, &format!("{pointer}/allOf/{index}"));
                properties.extend(more);
                required.extend(names);
            }
        }
        (properties, required)
    }

    /// Whether the schema allows `null`: `nullable: true`, a `null` type, or an `allOf`,
    /// `oneOf` or `anyOf` with a part that does.
    fn nullable(&self, schema: &'a Value, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            return true;
        }
        match schema.get("type") {
            Some(Value::Sequence(types)) if types.iter().any(|t| t.as_str() == Some("null")) => {
                return true;
            }
            Some(Value::String(t)) if t == "null" => return true,
            _ => {}
        }
        let (resolved, _) = self.resolve(schema, "");
        if !std::ptr::eq(resolved, schema) && self.nullable(resolved, depth + 1) {
            return true;
        }
        ["oneOf", "anyOf"].iter().any(|key| {
            resolved
                .get(*key)
                .and_then(Value::as_sequence)
                .is_some_and(|parts| parts.iter().any(|p| self.nullable(p, depth + 1)))
        })
    }

    /// The alternatives of a union. A schema with its own `properties` is an object whose
    /// `oneOf`/`anyOf` only adds constraints (such as "`domain` or `domains`"), not a union.
    fn variants(&self, schema: &'a Value, pointer: &str) -> Option<Vec<(&'a Value, String)>> {
        let (schema, pointer) = self.resolve(schema, pointer);
        if schema.get("properties").is_some() {
            return None;
        }
        ["oneOf", "anyOf"].iter().find_map(|key| {
            schema.get(*key).and_then(Value::as_sequence).map(|parts| {
                parts
                    .iter()
                    .enumerate()
                    .map(|(index, part)| (part, format!("{pointer}/{key}/{index}")))
                    .collect()
            })
        })
    }
}

struct Walk<'a> {
    ours: Doc<'a>,
    theirs: Doc<'a>,
    /// Pairs of (our pointer, their pointer) already compared, so recursion ends.
    seen: BTreeSet<(String, String)>,
}

impl<'a> Walk<'a> {
    /// The promises of our schema that their schema does not make.
    fn compare(
        &mut self,
        ours: &'a Value,
        our_pointer: &str,
        theirs: &'a Value,
        their_pointer: &str,
    ) -> BTreeSet<Overpromise> {
        let (ours, our_pointer) = self.ours.resolve(ours, our_pointer);
        let (theirs, their_pointer) = self.theirs.resolve(theirs, their_pointer);
        let mut found = BTreeSet::new();
        if !self
            .seen
            .insert((our_pointer.clone(), their_pointer.clone()))
        {
            return found;
        }
        // Each of our variants keeps its promises against the reference variant that fits it
        // best.
        if let Some(our_variants) = self.ours.variants(ours, &our_pointer) {
            for (variant, pointer) in our_variants {
                found.extend(self.against_best(variant, &pointer, theirs, &their_pointer));
            }
            return found;
        }
        if let Some(their_variants) = self.theirs.variants(theirs, &their_pointer) {
            let best = their_variants
                .into_iter()
                .map(|(variant, pointer)| self.compare(ours, &our_pointer, variant, &pointer))
                .min_by_key(BTreeSet::len);
            return best.unwrap_or_default();
        }
        if let (Some(our_items), Some(their_items)) = (ours.get("items"), theirs.get("items")) {
            return self.compare(
                our_items,
                &format!("{our_pointer}/items"),
                their_items,
                &format!("{their_pointer}/items"),
            );
        }
        if let (Some(our_values), Some(their_values)) = (
            ours.get("additionalProperties").filter(|v| v.is_mapping()),
            theirs
                .get("additionalProperties")
                .filter(|v| v.is_mapping()),
        ) {
            found.extend(self.compare(
                our_values,
                &format!("{our_pointer}/additionalProperties"),
                their_values,
                &format!("{their_pointer}/additionalProperties"),
            ));
        }
        let (our_members, our_required) = self.ours.members(ours, &our_pointer);
        let (their_members, their_required) = self.theirs.members(theirs, &their_pointer);
        for (name, (our_member, pointer)) in &our_members {
            let Some((their_member, their_at)) = their_members.get(name) else {
                // A member the reference does not describe at all: spec/ may only leave it
                // optional.
                if our_required.contains(name) {
                    found.insert(Overpromise {
                        pointer: pointer.clone(),
                        rule: "required",
                    });
                }
                continue;
            };
            if our_required.contains(name) && !their_required.contains(name) {
                found.insert(Overpromise {
                    pointer: pointer.clone(),
                    rule: "required",
                });
            }
            if !self.ours.nullable(our_member, 0) && self.theirs.nullable(their_member, 0) {
                found.insert(Overpromise {
                    pointer: pointer.clone(),
                    rule: "non-nullable",
                });
            }
            found.extend(self.compare(our_member, pointer, their_member, their_at));
        }
        found
    }

    fn against_best(
        &mut self,
        ours: &'a Value,
        our_pointer: &str,
        theirs: &'a Value,
        their_pointer: &str,
    ) -> BTreeSet<Overpromise> {
        match self.theirs.variants(theirs, their_pointer) {
            Some(their_variants) => their_variants
                .into_iter()
                .map(|(variant, pointer)| self.compare(ours, our_pointer, variant, &pointer))
                .min_by_key(BTreeSet::len)
                .unwrap_or_default(),
            None => self.compare(ours, our_pointer, theirs, their_pointer),
        }
    }
}

/// `/users/{user_id}` and `/users/{userId}` are the same route.
fn route(path: &str) -> String {
    let mut out = String::new();
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

/// The JSON schema of each 2xx response of each operation: (method, route, status) →
/// (schema, pointer).
fn success_schemas(doc: &Value) -> BTreeMap<(String, String, String), (&Value, String)> {
    let mut found = BTreeMap::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_mapping) else {
        return found;
    };
    for (path, item) in paths {
        let Some(path) = path.as_str() else { continue };
        let Some(item) = item.as_mapping() else {
            continue;
        };
        for (method, operation) in item {
            let Some(method) = method.as_str() else {
                continue;
            };
            let Some(responses) = operation.get("responses").and_then(Value::as_mapping) else {
                continue;
            };
            for (status, response) in responses {
                let status = match status {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => continue,
                };
                if !status.starts_with('2') {
                    continue;
                }
                let escaped = path.replace('~', "~0").replace('/', "~1");
                let pointer = format!("/paths/{escaped}/{method}/responses/{status}");
                found.insert(
                    (method.to_owned(), route(path), status),
                    (response, pointer),
                );
            }
        }
    }
    found
}

/// The schema of a response (after following a `$ref` to `components/responses`).
fn response_schema<'a>(
    doc: &Doc<'a>,
    response: &'a Value,
    pointer: &str,
) -> Option<(&'a Value, String)> {
    let (response, pointer) = doc.resolve(response, pointer);
    let content = response.get("content")?.as_mapping()?;
    let (media, body) = content
        .iter()
        .find(|(media, _)| media.as_str().is_some_and(|m| m.contains("json")))?;
    let media = media.as_str()?.replace('/', "~1");
    Some((
        body.get("schema")?,
        format!("{pointer}/content/{media}/schema"),
    ))
}

fn exceptions(root: &Path) -> BTreeMap<(String, String), String> {
    let path = root.join(EXCEPTIONS);
    let doc = load(&path);
    let mut found = BTreeMap::new();
    for entry in doc
        .get("exceptions")
        .and_then(Value::as_sequence)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let field = |key: &str| {
            entry
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: an exception without `{key}`: {entry:?}",
                        path.display()
                    )
                })
                .to_owned()
        };
        let reason = field("reason");
        assert!(
            reason.trim().len() > 10,
            "{}: the exception for {} needs a reason",
            path.display(),
            field("pointer")
        );
        found.insert((field("pointer"), field("rule")), reason);
    }
    found
}

fn overpromises(ours: &Value, theirs: &Value) -> (BTreeSet<Overpromise>, usize) {
    let mut walk = Walk {
        ours: Doc { root: ours },
        theirs: Doc { root: theirs },
        seen: BTreeSet::new(),
    };
    let their_schemas = success_schemas(theirs);
    let mut found = BTreeSet::new();
    let mut compared = 0;
    for ((method, route, status), (response, pointer)) in success_schemas(ours) {
        let Some((our_schema, our_at)) = response_schema(&walk.ours, response, &pointer) else {
            continue;
        };
        let theirs_found = their_schemas
            .get(&(method.clone(), route.clone(), status.clone()))
            .or_else(|| {
                their_schemas
                    .iter()
                    .find(|((m, r, s), _)| *m == method && *r == route && s.starts_with('2'))
                    .map(|(_, v)| v)
            });
        let Some((their_response, their_pointer)) = theirs_found else {
            continue;
        };
        let Some((their_schema, their_at)) =
            response_schema(&walk.theirs, their_response, their_pointer)
        else {
            continue;
        };
        compared += 1;
        found.extend(walk.compare(our_schema, &our_at, their_schema, &their_at));
    }
    (found, compared)
}

#[test]
fn spec_promises_no_more_than_the_current_reference() {
    let root = workspace();
    let reference = root.join(REFERENCE);
    if !reference.exists() {
        println!("skipped: {} is not present", reference.display());
        return;
    }
    let ours = load(&root.join(OURS));
    let theirs = load(&reference);
    let (found, compared) = overpromises(&ours, &theirs);
    // Every success answer of the 212 operations that has a JSON body.
    assert!(compared >= 205, "only {compared} responses were compared");
    let allowed = exceptions(&root);
    let unexplained: Vec<String> = found
        .iter()
        .filter(|o| !allowed.contains_key(&(o.pointer.clone(), o.rule.to_owned())))
        .map(|o| {
            format!(
                "{} is {} in spec/ but not in the reference",
                o.pointer, o.rule
            )
        })
        .collect();
    let stale: Vec<String> = allowed
        .keys()
        .filter(|(pointer, rule)| {
            !found
                .iter()
                .any(|o| o.pointer == *pointer && o.rule == rule)
        })
        .map(|(pointer, rule)| format!("{pointer} ({rule})"))
        .collect();
    assert!(
        unexplained.is_empty(),
        "{} promises beyond {REFERENCE} (relax spec/ or list them in {EXCEPTIONS} with a reason):\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    assert!(
        stale.is_empty(),
        "{EXCEPTIONS} lists exceptions spec/ no longer needs:\n{}",
        stale.join("\n")
    );
}

/// The walk itself finds what it should, on two small documents.
#[test]
fn the_walk_finds_required_and_non_nullable_promises() {
    let ours: Value = serde_yaml::from_str(
        r##"
paths:
  /users/{user_id}:
    get:
      responses:
        "200":
          content:
            application/json:
              schema: { $ref: "#/components/schemas/User" }
components:
  schemas:
    User:
      type: object
      required: [id, has_image, name, passkeys]
      properties:
        id: { type: string }
        has_image: { type: boolean }
        name: { type: string }
        extra: { type: string }
        passkeys:
          type: array
          items:
            type: object
            required: [object]
            properties:
              object: { type: string }
"##,
    )
    .expect("yaml");
    let theirs: Value = serde_yaml::from_str(
        r##"
paths:
  /users/{id}:
    get:
      responses:
        "200":
          content:
            application/json:
              schema:
                allOf:
                  - type: object
                    required: [id, passkeys]
                    properties:
                      id: { type: string }
                      name: { type: string, nullable: true }
                      has_image: { type: boolean }
                      passkeys:
                        type: array
                        items: { $ref: "#/components/schemas/Passkey" }
components:
  schemas:
    Passkey:
      type: object
      properties:
        object: { type: string }
"##,
    )
    .expect("yaml");
    let (found, compared) = overpromises(&ours, &theirs);
    assert_eq!(compared, 1);
    let found: Vec<(String, &str)> = found.into_iter().map(|o| (o.pointer, o.rule)).collect();
    assert_eq!(
        found,
        [
            (
                "/components/schemas/User/properties/has_image".to_owned(),
                "required"
            ),
            (
                "/components/schemas/User/properties/name".to_owned(),
                "non-nullable"
            ),
            (
                "/components/schemas/User/properties/name".to_owned(),
                "required"
            ),
            (
                "/components/schemas/User/properties/passkeys/items/properties/object".to_owned(),
                "required"
            ),
        ]
    );
}
