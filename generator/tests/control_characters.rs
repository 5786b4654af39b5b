//! What generates must compile: every prose field of every fixture (`title`, `summary`,
//! `description`) is given carriage returns, a lone CR and other control characters, and the
//! generated files must hold none of them and still parse as Rust. A bare CR in a doc comment
//! is a compile error (`bare CR not allowed in doc-comment`), which documents edited on Windows
//! cause.

use std::fs;
use std::path::Path;

use openapi_rust_generator::{Layout, Options, generate_with_files};
use serde_yaml::Value;

const NOISE: &str = "\r\nafter a CRLF\rafter a CR\u{7}bell\u{1b}[0m escape\u{0}nul\u{85}next line";

/// Appends `NOISE` to every prose string, wherever it is in the document.
fn add_noise(value: &mut Value) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                let prose = matches!(key.as_str(), Some("title" | "summary" | "description"));
                match child {
                    Value::String(text) if prose => text.push_str(NOISE),
                    other => add_noise(other),
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(add_noise),
        _ => {}
    }
}

#[test]
fn control_characters_in_prose_never_reach_the_generated_code() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut checked = 0;
    for entry in fs::read_dir(&fixtures).expect("the fixtures") {
        let path = entry.expect("an entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        // A fixture of numbers beyond 64 bits does not fit serde_yaml's value tree; it holds
        // no prose worth the noise.
        let Ok(mut document) =
            serde_yaml::from_str::<Value>(&fs::read_to_string(&path).expect("a fixture"))
        else {
            continue;
        };
        add_noise(&mut document);
        let text = serde_yaml::to_string(&document).expect("YAML text");
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let read_file =
            |relative: &str| fs::read_to_string(fixtures.join(relative)).map_err(|e| e.to_string());
        let output = generate_with_files(name, &text, &Options::new(Layout::Crate), &read_file)
            .unwrap_or_else(|d| panic!("{name}: {d}"));
        for (file, contents) in &output.files {
            let stray = contents
                .chars()
                .find(|c| c.is_control() && *c != '\n' && *c != '\t');
            assert_eq!(stray, None, "{name}: {file} holds a control character");
            if file.ends_with(".rs") && file.starts_with("src/generated") {
                syn::parse_file(contents).unwrap_or_else(|e| panic!("{name}: {file}: {e}"));
            }
        }
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} fixtures were checked");
}
