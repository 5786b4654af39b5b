//! The API-change fixtures: `api-diff/base.yaml` and the patches in `api-diff/patches/`.
//!
//! A patch file holds `expect` (rules the report from base to patched must contain), `reverse`
//! (the same for patched to base) and `patch`, a list of `set: <JSON pointer>` with a `value`,
//! or `remove: <JSON pointer>`.

use std::fs;
use std::path::Path;

use serde_yaml::Value;

/// One fixture: the base and patched documents, and the rules each direction must report.
// Each test file uses the part it needs.
#[allow(dead_code)]
pub struct Fixture {
    pub name: String,
    pub base: String,
    pub patched: String,
    pub expect: Vec<String>,
    pub reverse: Vec<String>,
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_sequence()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn tokens(pointer: &str) -> Vec<String> {
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The node at `path`, created (as a map) where absent.
fn node<'a>(root: &'a mut Value, path: &[String]) -> &'a mut Value {
    let mut current = root;
    for token in path {
        current = match current {
            Value::Sequence(items) => {
                let index: usize = token.parse().expect("a sequence index");
                if index == items.len() {
                    items.push(Value::Null);
                }
                &mut items[index]
            }
            other => {
                if !other.is_mapping() {
                    *other = Value::Mapping(Default::default());
                }
                let map = other.as_mapping_mut().expect("a mapping");
                map.entry(Value::String(token.clone()))
                    .or_insert(Value::Null)
            }
        };
    }
    current
}

fn apply(base: &Value, patch: &Value) -> Value {
    let mut doc = base.clone();
    for step in patch.as_sequence().expect("a list of steps") {
        if let Some(pointer) = step["set"].as_str() {
            *node(&mut doc, &tokens(pointer)) = step["value"].clone();
        } else if let Some(pointer) = step["remove"].as_str() {
            let mut path = tokens(pointer);
            let last = path.pop().expect("a key");
            let parent = node(&mut doc, &path);
            match parent {
                Value::Mapping(map) => {
                    map.remove(Value::String(last));
                }
                Value::Sequence(items) => {
                    items.remove(last.parse::<usize>().expect("an index"));
                }
                _ => panic!("nothing to remove at {pointer}"),
            }
        } else {
            panic!("a step is `set` or `remove`: {step:?}");
        }
    }
    doc
}

/// Every fixture, sorted by name.
pub fn fixtures() -> Vec<Fixture> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api-diff");
    let base_text = fs::read_to_string(dir.join("base.yaml")).expect("base.yaml");
    let base: Value = serde_yaml::from_str(&base_text).expect("YAML");
    let mut paths: Vec<_> = fs::read_dir(dir.join("patches"))
        .expect("the patches")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let patch: Value =
                serde_yaml::from_str(&fs::read_to_string(&path).expect("a patch")).expect("YAML");
            let patched = apply(&base, &patch["patch"]);
            Fixture {
                name: path
                    .file_stem()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned(),
                base: base_text.clone(),
                patched: serde_yaml::to_string(&patched).expect("YAML"),
                expect: strings(&patch["expect"]),
                reverse: strings(&patch["reverse"]),
            }
        })
        .collect()
}
