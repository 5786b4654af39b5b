//! Settings given beside the document: a settings file, or single settings from the command
//! line, with the keys of the document's `x-rust-client` extension. Each layer wins over the
//! document and over the layers before it; mappings merge key by key, anything else is
//! replaced.

use serde_yaml::{Mapping, Value};

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::locate::locate;
use crate::openapi::{ClientSettings, Document};
use crate::options::SettingsLayer;
use crate::read;

/// The keys a settings layer may hold at its top level.
const KEYS: &[&str] = &[
    "crate-name",
    "crate-version",
    "group-features",
    "api-version-header",
    "idempotency-header",
    "env",
    "error",
    "webhooks",
    "types",
    "type-presets",
    "pagination",
];

/// Applies `layers` over the document's `x-rust-client`.
pub(crate) fn apply(document: &mut Document, layers: &[SettingsLayer]) -> Result<(), Diagnostics> {
    for layer in layers {
        let overlay = match layer {
            SettingsLayer::File { name, text } => read_file(name, text)?,
            SettingsLayer::Value { key, value } => {
                let mut mapping = Mapping::new();
                mapping.insert(Value::String(key.clone()), value.clone());
                check_keys(&mapping, "", "")?;
                Value::Mapping(mapping)
            }
        };
        let base = serde_yaml::to_value(document.rust_client.take().unwrap_or_default())
            .map_err(|e| plain_error(layer.name(), format!("cannot merge settings: {e}")))?;
        let merged = merge(base, overlay);
        let settings: ClientSettings = serde_path_to_error::deserialize(merged).map_err(|e| {
            let pointer = pointer_of(&e.path().to_string());
            let (file, text) = match layer {
                SettingsLayer::File { name, text } => (name.as_str(), text.as_str()),
                SettingsLayer::Value { key, .. } => (key.as_str(), ""),
            };
            Diagnostics(vec![Diagnostic {
                severity: Severity::Error,
                message: format!("invalid setting: {}", e.inner()),
                file: file.to_owned(),
                line_col: locate(text, &pointer),
                pointer,
            }])
        })?;
        document.rust_client = Some(settings);
    }
    Ok(())
}

/// Reads a settings file; an empty file sets nothing.
fn read_file(name: &str, text: &str) -> Result<Value, Diagnostics> {
    let value = read::tree(text).map_err(|e| {
        Diagnostics(vec![Diagnostic {
            severity: Severity::Error,
            message: format!("cannot read the settings file: {}", e.message),
            file: name.to_owned(),
            pointer: String::new(),
            line_col: e.line_col,
        }])
    })?;
    match value {
        Value::Null => Ok(Value::Mapping(Mapping::new())),
        Value::Mapping(mapping) => {
            check_keys(&mapping, name, text)?;
            Ok(Value::Mapping(mapping))
        }
        _ => Err(Diagnostics(vec![Diagnostic {
            severity: Severity::Error,
            message: "a settings file holds a mapping of `x-rust-client` settings".into(),
            file: name.to_owned(),
            pointer: "#".into(),
            line_col: Some((1, 1)),
        }])),
    }
}

/// Refuses a key no setting has, so that a misspelt setting is not silently ignored.
fn check_keys(mapping: &Mapping, name: &str, text: &str) -> Result<(), Diagnostics> {
    let unknown: Vec<Diagnostic> = mapping
        .keys()
        .filter_map(|key| {
            let key = key.as_str().unwrap_or("");
            (!KEYS.contains(&key)).then(|| {
                let pointer = format!("#/{}", key.replace('~', "~0").replace('/', "~1"));
                Diagnostic {
                    severity: Severity::Error,
                    message: format!(
                        "unknown setting `{key}`; the settings are {}",
                        KEYS.iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    file: if name.is_empty() {
                        key.to_owned()
                    } else {
                        name.to_owned()
                    },
                    line_col: locate(text, &pointer),
                    pointer,
                }
            })
        })
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(unknown))
    }
}

/// `overlay` over `base`: mappings merge key by key, anything else is replaced.
fn merge(base: Value, overlay: Value) -> Value {
    match (base, overlay) {
        (Value::Mapping(mut base), Value::Mapping(overlay)) => {
            for (key, value) in overlay {
                let merged = match base.remove(&key) {
                    Some(old) => merge(old, value),
                    None => value,
                };
                base.insert(key, merged);
            }
            Value::Mapping(base)
        }
        (_, overlay) => overlay,
    }
}

/// A JSON pointer from serde_path_to_error's dotted path (`env.base-url`, `types[0].rust`).
fn pointer_of(path: &str) -> String {
    if path == "." || path.is_empty() {
        return "#".into();
    }
    let mut pointer = String::from("#");
    for part in path.split('.') {
        let (name, indexes) = part
            .split_once('[')
            .map_or((part, ""), |(n, rest)| (n, rest));
        if !name.is_empty() {
            pointer.push('/');
            pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
        }
        for index in indexes.split('[').filter(|i| !i.is_empty()) {
            pointer.push('/');
            pointer.push_str(index.trim_end_matches(']'));
        }
    }
    pointer
}

fn plain_error(file: &str, message: String) -> Diagnostics {
    Diagnostics(vec![Diagnostic {
        severity: Severity::Error,
        message,
        file: file.to_owned(),
        pointer: String::new(),
        line_col: None,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(text: &str) -> SettingsLayer {
        SettingsLayer::File {
            name: "client.yaml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_layer_wins_over_the_document_key_by_key() {
        let mut document = Document {
            rust_client: Some(ClientSettings {
                crate_name: Some("from-doc".into()),
                api_version_header: Some("X-Version".into()),
                ..ClientSettings::default()
            }),
            ..Document::default()
        };
        let layers = [
            layer("crate-name: from-file\nenv:\n  base-url: API_URL\n"),
            SettingsLayer::Value {
                key: "crate-version".into(),
                value: Value::String("2.1.0".into()),
            },
        ];
        apply(&mut document, &layers).expect("the layers apply");
        let settings = document.rust_client.expect("settings");
        assert_eq!(settings.crate_name.as_deref(), Some("from-file"));
        assert_eq!(settings.api_version_header.as_deref(), Some("X-Version"));
        assert_eq!(settings.env.base_url.as_deref(), Some("API_URL"));
        assert_eq!(settings.crate_version.as_deref(), Some("2.1.0"));
    }

    #[test]
    fn an_unknown_or_mistyped_setting_is_a_located_error() {
        let mut document = Document::default();
        let error = apply(&mut document, &[layer("crate-name: x\ncrate_nam: y\n")])
            .expect_err("a misspelt key");
        let text = error.to_string();
        assert!(text.contains("client.yaml:2:1"), "{text}");
        assert!(text.contains("unknown setting `crate_nam`"), "{text}");

        let error = apply(&mut document, &[layer("env:\n  base-url: [1, 2]\n")])
            .expect_err("a list where a name belongs");
        let text = error.to_string();
        assert!(text.contains("#/env/base-url"), "{text}");
        assert!(text.contains("client.yaml:2:"), "{text}");
    }
}
