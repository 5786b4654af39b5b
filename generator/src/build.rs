//! The build-script mode: a client generated into `OUT_DIR` when the crate builds, from a
//! document in the crate, and included with one line.
//!
//! `build.rs`:
//!
//! ```ignore
//! fn main() {
//!     openapi_rust_generator::build::Build::new("openapi/api.yaml")
//!         .generate()
//!         .unwrap_or_else(|error| panic!("{error}"));
//! }
//! ```
//!
//! (`generator/tests/build-script/` in the generator's repository is such a crate, with tests
//! that call its client.)
//!
//! `src/lib.rs` (at the crate root: the generated code reaches its runtime as
//! `crate::runtime`):
//!
//! ```ignore
//! include!(concat!(env!("OUT_DIR"), "/openapi_client.rs"));
//! ```
//!
//! The crate depends on what the runtime needs (see [`RUNTIME_DEPENDENCIES`]), and on
//! `openapi-rust-generator` under `[build-dependencies]`. Every file of the document (a
//! multi-file document's other files too) and every settings file is reported with
//! `cargo:rerun-if-changed`, so the client is regenerated exactly when one of them changes.
//!
//! Operation groups are not cargo features here (`group-features` is off, since the including
//! crate declares no such features); `Serialize` on received types follows the including
//! crate's own `serialize` feature when it declares one.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Diagnostics, Layout, Model, Options, disk};

/// The `[dependencies]` lines the runtime needs, versions and features resolved: a crate
/// that includes a generated client depends on these.
pub const RUNTIME_DEPENDENCIES: &str = include_str!("../runtime/dependencies.toml");

/// The file [`Build::generate`] writes into `OUT_DIR` unless [`Build::file_name`] says
/// otherwise.
pub const DEFAULT_FILE: &str = "openapi_client.rs";

/// Why a build-script generation failed.
#[derive(Debug)]
pub enum BuildError {
    /// A file could not be read or written.
    Io(String),
    /// The document could not be generated; each diagnostic names its place.
    Generate(Diagnostics),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(message) => f.write_str(message),
            Self::Generate(diagnostics) => write!(f, "{diagnostics}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// A client to generate from a build script.
#[derive(Debug, Clone)]
pub struct Build {
    spec: PathBuf,
    options: Options,
    settings_files: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    file_name: String,
}

impl Build {
    /// Generates from the document at `spec`, relative to the crate's folder (the build
    /// script's working directory).
    pub fn new(spec: impl AsRef<Path>) -> Self {
        Self {
            spec: spec.as_ref().to_path_buf(),
            options: Options::new(Layout::Crate).setting("group-features", false),
            settings_files: Vec::new(),
            out_dir: None,
            file_name: DEFAULT_FILE.to_owned(),
        }
    }

    /// Reads `x-rust-client` settings from a YAML or JSON file, over the document's.
    pub fn settings_file(mut self, path: impl AsRef<Path>) -> Self {
        self.settings_files.push(path.as_ref().to_path_buf());
        self
    }

    /// Sets one `x-rust-client` setting (see [`Options::setting`]).
    pub fn setting(mut self, key: &str, value: impl Into<serde_yaml::Value>) -> Self {
        self.options = self.options.setting(key, value);
        self
    }

    /// Generates only the named groups and operations (see [`Options::only`]).
    pub fn only<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.options = self.options.only(names);
        self
    }

    /// Writes into `dir` instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Names the written file (default [`DEFAULT_FILE`]), for a crate that includes two
    /// clients.
    pub fn file_name(mut self, name: &str) -> Self {
        self.file_name = name.to_owned();
        self
    }

    /// Generates the client into `OUT_DIR`, prints `cargo:rerun-if-changed` for every file
    /// read and a `cargo:warning` for each warning, and returns the written file's path.
    ///
    /// # Errors
    ///
    /// [`BuildError`] when a file cannot be read or written (`OUT_DIR` unset outside a build
    /// script, among others) or the document cannot be generated.
    pub fn generate(self) -> Result<PathBuf, BuildError> {
        let mut stdout = std::io::stdout().lock();
        self.generate_to(&mut stdout)
    }

    /// [`Build::generate`], writing the instructions for cargo to `cargo`.
    ///
    /// # Errors
    ///
    /// As [`Build::generate`].
    pub fn generate_to(self, cargo: &mut dyn Write) -> Result<PathBuf, BuildError> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    BuildError::Io(
                        "OUT_DIR is not set: run from a build script, or give Build::out_dir"
                            .into(),
                    )
                })?,
        };
        let io = |e: std::io::Error| BuildError::Io(e.to_string());
        let mut read = vec![self.spec.clone()];
        let text = std::fs::read_to_string(&self.spec)
            .map_err(|e| BuildError::Io(format!("cannot read {}: {e}", self.spec.display())));
        // Report the document even when it cannot be read, so that creating it reruns the
        // build.
        let mut options = self.options.clone();
        // The client is part of the including crate: its docs and examples name that crate.
        if let Ok(name) = std::env::var("CARGO_PKG_NAME") {
            options.settings.insert(
                0,
                crate::SettingsLayer::Value {
                    key: "crate-name".into(),
                    value: name.into(),
                },
            );
        }
        for path in &self.settings_files {
            read.push(path.clone());
            let settings = std::fs::read_to_string(path)
                .map_err(|e| BuildError::Io(format!("cannot read {}: {e}", path.display())));
            match settings {
                Ok(settings) => {
                    options = options.settings_file(&path.display().to_string(), &settings);
                }
                Err(e) => {
                    rerun(cargo, &read).map_err(io)?;
                    return Err(e);
                }
            }
        }
        let text = match text {
            Ok(text) => text,
            Err(e) => {
                rerun(cargo, &read).map_err(io)?;
                return Err(e);
            }
        };
        let dir = self
            .spec
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let others = RefCell::new(Vec::new());
        let read_file = |relative: &str| {
            let path = dir.join(relative);
            others.borrow_mut().push(path.clone());
            std::fs::read_to_string(&path).map_err(|e| e.to_string())
        };
        let name = self.spec.display().to_string();
        let generated = Model::load(&name, &text, &options, &read_file).and_then(|m| m.files());
        read.extend(others.into_inner());
        rerun(cargo, &read).map_err(io)?;
        let output = generated.map_err(BuildError::Generate)?;
        for warning in &output.warnings {
            let line = warning.to_string().replace('\n', " ");
            writeln!(cargo, "cargo:warning={line}").map_err(io)?;
        }
        let single = single_file(&output.files).map_err(BuildError::Io)?;
        let path = out_dir.join(&self.file_name);
        let unchanged = std::fs::read_to_string(&path).is_ok_and(|old| old == single);
        if !unchanged {
            disk::write_atomically(&path, &single).map_err(io)?;
        }
        Ok(path)
    }
}

fn rerun(cargo: &mut dyn Write, paths: &[PathBuf]) -> std::io::Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for path in paths {
        let path = normalize(path);
        if seen.insert(path.clone()) {
            writeln!(cargo, "cargo:rerun-if-changed={}", path.display())?;
        }
    }
    Ok(())
}

/// `a/./b/../c` as `a/c`, so each file is reported once however a `$ref` reached it.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if out
                    .components()
                    .next_back()
                    .is_some_and(|c| matches!(c, std::path::Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The runtime and the generated modules of a crate's files as one file of items for
/// `include!`: each `mod name;` becomes `mod name { ... }` with its file's text, and the
/// crate root's items follow.
pub(crate) fn single_file(files: &BTreeMap<String, String>) -> Result<String, String> {
    let runtime = inline(files, "src/runtime/mod.rs", "src/runtime")?;
    let generated = inline(files, "src/generated/mod.rs", "src/generated")?;
    Ok(format!(
        "// @generated by openapi-rust-generator's build-script mode; do not edit.\n\
         // The client's runtime and modules, for `include!` at the crate root. An inlined\n\
         // module keeps the docs of its declaration and of its file.\n\n\
         #[allow(unexpected_cfgs, clippy::mixed_attributes_style)]\n\
         mod runtime {{\n{runtime}}}\n\n\
         #[rustfmt::skip]\n\
         // The including crate may declare no `serialize` feature.\n\
         #[allow(unexpected_cfgs, clippy::mixed_attributes_style)]\n\
         mod generated {{\n{generated}}}\n\n\
         #[doc(hidden)]\n\
         pub use runtime::codegen;\n\
         pub use generated::*;\n"
    ))
}

/// The text of `file` with its `mod name;` declarations replaced by the modules' text,
/// recursively; `dir` is where the declared modules' files are.
fn inline(files: &BTreeMap<String, String>, file: &str, dir: &str) -> Result<String, String> {
    let text = files
        .get(file)
        .ok_or_else(|| format!("internal error: the generated crate has no {file}"))?;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        match declared_module(line) {
            Some((head, name)) => {
                let flat = format!("{dir}/{name}.rs");
                let nested = format!("{dir}/{name}/mod.rs");
                let (child, child_dir) = if files.contains_key(&flat) {
                    (flat, format!("{dir}/{name}"))
                } else {
                    (nested, format!("{dir}/{name}"))
                };
                let body = inline(files, &child, &child_dir)?;
                out.push_str(&format!("{head} {{\n{body}}}\n"));
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// `pub mod name;` (any visibility, any indent) as its head `pub mod name` and the name.
fn declared_module(line: &str) -> Option<(&str, &str)> {
    let head = line.trim_end().strip_suffix(';')?;
    let rest = head.trim_start();
    let rest = match rest.strip_prefix("pub") {
        Some(after) if after.starts_with(' ') => after.trim_start(),
        Some(after) if after.starts_with('(') => after.split_once(')')?.1.trim_start(),
        Some(_) => return None,
        None => rest,
    };
    let name = rest.strip_prefix("mod ")?.trim();
    let identifier = !name.is_empty()
        && name
            .trim_start_matches("r#")
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    identifier.then_some((head, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_declarations_are_found_with_any_visibility() {
        assert_eq!(declared_module("mod api;"), Some(("mod api", "api")));
        assert_eq!(
            declared_module("    pub(crate) mod users;"),
            Some(("    pub(crate) mod users", "users"))
        );
        assert_eq!(
            declared_module("pub mod r#type;"),
            Some(("pub mod r#type", "r#type"))
        );
        assert_eq!(declared_module("/// mod api;"), None);
        assert_eq!(declared_module("mod api { }"), None);
        assert_eq!(declared_module("let mod_x = y;"), None);
    }

    #[test]
    fn nested_modules_are_inlined() {
        let files: BTreeMap<String, String> = [
            (
                "src/runtime/mod.rs",
                "//! Runtime.\nmod api;\npub mod codegen;\n",
            ),
            ("src/runtime/api.rs", "pub struct Api;\n"),
            ("src/runtime/codegen.rs", "pub use super::api::Api;\n"),
            (
                "src/generated/mod.rs",
                "#[cfg(all())]\npub mod operations;\n",
            ),
            ("src/generated/operations/mod.rs", "pub mod users;\n"),
            ("src/generated/operations/users.rs", "pub fn list() {}\n"),
        ]
        .into_iter()
        .map(|(p, t)| (p.to_owned(), t.to_owned()))
        .collect();
        let single = single_file(&files).expect("one file");
        let parsed = syn::parse_file(&single).expect("valid Rust");
        assert!(single.contains("mod api {\npub struct Api;\n}"), "{single}");
        assert!(
            single.contains("pub mod users {\npub fn list() {}\n}"),
            "{single}"
        );
        assert_eq!(parsed.items.len(), 4, "{single}");
        let missing: BTreeMap<String, String> =
            [("src/runtime/mod.rs".to_owned(), "mod gone;\n".to_owned())].into();
        assert!(single_file(&missing).is_err());
    }

    #[test]
    fn every_file_read_is_reported_once_for_cargo() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/build-mode-test");
        let mut cargo = Vec::new();
        let path = Build::new(dir.join("multi-file.yaml"))
            .out_dir(&out)
            .generate_to(&mut cargo)
            .expect("the multi-file fixture generates");
        let lines = String::from_utf8(cargo).expect("UTF-8");
        let reruns: Vec<&str> = lines
            .lines()
            .filter_map(|l| l.strip_prefix("cargo:rerun-if-changed="))
            .collect();
        assert!(reruns[0].ends_with("multi-file.yaml"), "{lines}");
        assert!(reruns.len() > 2, "the document's other files: {lines}");
        let mut unique = reruns.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), reruns.len(), "{lines}");
        for file in &reruns {
            assert!(Path::new(file).exists(), "{file}");
        }
        let text = std::fs::read_to_string(path).expect("the written client");
        syn::parse_file(&text).expect("one valid file of items");
        // No group features: only the including crate's optional `serialize` and `testing`,
        // and the runtime's optional dependencies.
        for feature in text.split("feature = \"").skip(1) {
            let name = feature.split('"').next().unwrap_or_default();
            assert!(
                ["serialize", "testing"].contains(&name)
                    || crate::emit::RUNTIME_OPTIONAL.contains(&name),
                "a feature `{name}`"
            );
        }

        let mut cargo = Vec::new();
        let missing = Build::new(dir.join("no-such.yaml"))
            .out_dir(&out)
            .generate_to(&mut cargo);
        assert!(matches!(missing, Err(BuildError::Io(_))));
        let lines = String::from_utf8(cargo).expect("UTF-8");
        assert!(
            lines.contains("no-such.yaml"),
            "a missing document still reruns: {lines}"
        );
    }
}
