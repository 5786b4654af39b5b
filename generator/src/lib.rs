//! Generates a typed async Rust client from an OpenAPI 3.0 or 3.1 document.
//!
//! The pipeline is `text -> spec model -> IR -> tokens -> formatted text`, all in memory:
//! [`generate`] never touches the disk, so the `xtask` writer, its `--check` mode, the freshness
//! test and the snapshot tests all consume the same [`Output`].
//!
//! ```no_run
//! let text = std::fs::read_to_string("spec/api.yaml").unwrap();
//! use openapi_rust_generator::{Layout, Options, generate};
//!
//! let options = Options::new(Layout::Modules);
//! let output = generate("spec/api.yaml", &text, &options)
//!     .unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
//! for (path, contents) in &output.files {
//!     println!("{path}: {} bytes", contents.len());
//! }
//! ```

pub mod build;
mod bundle;
mod chunked;
#[doc(hidden)]
pub mod cli;
mod diagnostic;
pub mod diff;
pub mod disk;
mod emit;
mod ir;
mod load;
mod locate;
mod lower;
mod naming;
mod openapi;
mod options;
mod pointer;
mod read;
mod refs;
mod render;
mod repair;
mod settings;
mod splice;

use std::collections::BTreeMap;

use diagnostic::Source;
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
#[doc(hidden)]
pub use emit::runtime_dependencies;
pub use options::{
    ExternalType, FloatType, IntType, Layout, Options, Scalar, SettingsLayer, TYPE_PRESETS,
    TextEncoding, TypeMapping,
};

/// The result of a successful run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// File contents by relative path (`/`-separated), in a stable order.
    pub files: BTreeMap<String, String>,
    /// Warnings about constructs that were approximated or skipped.
    pub warnings: Vec<Diagnostic>,
    /// How many operations were generated.
    pub operations: usize,
    /// How many named types were generated.
    pub types: usize,
    /// The cargo feature of each operation group; a client crate must declare them all and
    /// turn them on by default.
    pub group_features: Vec<String>,
}

/// Generates the client for the document `text`, whose name (used in diagnostics and in the
/// generated-file header) is `spec_name`.
///
/// # Errors
///
/// [`Diagnostics`] naming each problem's place in the document when it cannot be read or
/// describes something the generator cannot express.
pub fn generate(spec_name: &str, text: &str, options: &Options) -> Result<Output, Diagnostics> {
    let no_files = |path: &str| {
        Err(format!(
            "`{path}` is another file, and this run reads only one (use `generate_with_files`)"
        ))
    };
    generate_with_files(spec_name, text, options, &no_files)
}

/// Like [`generate`], for documents spread over several files: `read_file` returns the text of
/// a file named relative to the root document's folder (`schemas/pet.yaml`,
/// `../common/errors.yaml`).
///
/// # Errors
///
/// As [`generate`], and when a referenced file cannot be read or holds nothing at the
/// referenced place.
pub fn generate_with_files(
    spec_name: &str,
    text: &str,
    options: &Options,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Output, Diagnostics> {
    let model = Model::load(spec_name, text, options, read_file)?;
    let output = model.files();
    // Freeing a large IR takes a while; another thread does it meanwhile.
    release(model);
    output
}

/// A document loaded and lowered once. Ask it for the generated files, the conformance sweep,
/// the usage witness, or what changed against another model, without reading the document
/// again.
///
/// ```no_run
/// use openapi_rust_generator::{Layout, Model, Options};
///
/// let text = std::fs::read_to_string("spec/api.yaml").unwrap();
/// let no_files = |path: &str| Err(format!("{path}: one file only"));
/// let model = Model::load("spec/api.yaml", &text, &Options::new(Layout::Crate), &no_files)
///     .unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
/// let output = model.files().unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
/// let sweep = model.sweep().unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
/// println!("{} files, {} operations, a {}-byte sweep", output.files.len(), output.operations, sweep.len());
/// ```
#[derive(Debug)]
pub struct Model {
    api: ir::Api,
    warnings: Vec<Diagnostic>,
    layout: Layout,
    threads: Option<usize>,
    /// Wall time of loading and of lowering.
    loaded_in: [std::time::Duration; 2],
}

impl Model {
    /// Loads `text` (named `spec_name` in diagnostics and file headers; other files of the
    /// document come from `read_file`) and lowers it with `options`.
    ///
    /// # Errors
    ///
    /// As [`generate_with_files`].
    pub fn load(
        spec_name: &str,
        text: &str,
        options: &Options,
        read_file: &dyn Fn(&str) -> Result<String, String>,
    ) -> Result<Self, Diagnostics> {
        let started = std::time::Instant::now();
        let source = Source {
            name: spec_name,
            text,
        };
        let (mut document, loaded_warnings) =
            load::load(source, read_file, render::threads(options.threads))?;
        settings::apply(&mut document, &options.settings)?;
        let loaded = std::time::Instant::now();
        let (api, warnings) = lower::lower(&document, source, options, loaded_warnings)?;
        // Freeing a large document tree takes a while; another thread does it meanwhile.
        release(document);
        Ok(Self {
            api,
            warnings,
            layout: options.layout,
            threads: options.threads,
            loaded_in: [loaded - started, loaded.elapsed()],
        })
    }

    /// Warnings about constructs that were approximated or skipped.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The generated files, with the counts and warnings of [`Output`].
    ///
    /// # Errors
    ///
    /// A diagnostic if the generator produced code it cannot print (a generator bug).
    pub fn files(&self) -> Result<Output, Diagnostics> {
        self.files_profiled(&mut Profile::default())
    }

    fn files_profiled(&self, profile: &mut Profile) -> Result<Output, Diagnostics> {
        let api = &self.api;
        let started = std::time::Instant::now();
        let header = emit::header(api);
        let steps = render::Steps::default();
        let rendered = render::render_api(
            api,
            &header,
            self.layout == Layout::Crate,
            self.threads,
            &steps,
        )
        .map_err(|message| internal_error(&api.spec_name, message))?;
        let rendered_at = std::time::Instant::now();
        let mut modules: BTreeMap<String, String> = BTreeMap::new();
        let mut lib = None;
        for (path, text) in rendered {
            if path == "src/lib.rs" {
                lib = Some(text);
            } else {
                modules.insert(path, text);
            }
        }
        let files = match self.layout {
            Layout::Modules => modules,
            Layout::Crate => {
                let mut files: BTreeMap<String, String> = modules
                    .into_iter()
                    .map(|(path, text)| (format!("src/generated/{path}"), text))
                    .collect();
                files.insert("Cargo.toml".into(), emit::emit_cargo_toml(api));
                let readme =
                    emit::emit_readme(api).map_err(|m| internal_error(&api.spec_name, m))?;
                files.insert("README.md".into(), readme);
                files.insert("src/lib.rs".into(), lib.unwrap_or_default());
                for (name, text) in emit::RUNTIME_FILES {
                    files.insert(format!("src/runtime/{name}"), (*text).to_owned());
                }
                files
            }
        };
        profile.stages = vec![
            ("load", self.loaded_in[0]),
            ("lower", self.loaded_in[1]),
            ("render", rendered_at - started),
            ("assemble", rendered_at.elapsed()),
        ];
        profile.render_steps = steps.totals().to_vec();
        Ok(Output {
            files,
            warnings: self.warnings.clone(),
            operations: api.groups.iter().map(|g| g.operations.len()).sum(),
            types: api.types.len(),
            group_features: api.groups.iter().map(|g| g.feature.clone()).collect(),
        })
    }

    /// The conformance sweep (see [`generate_sweep`]).
    ///
    /// # Errors
    ///
    /// As [`Model::files`].
    pub fn sweep(&self) -> Result<String, Diagnostics> {
        render::render(
            emit::emit_sweep(&self.api),
            &emit::header(&self.api),
            "sweep.rs",
        )
        .map_err(|m| internal_error(&self.api.spec_name, m))
    }

    /// The usage witness (see [`witness`]).
    ///
    /// # Errors
    ///
    /// As [`Model::files`].
    #[doc(hidden)]
    pub fn witness(&self) -> Result<String, Diagnostics> {
        render::render(emit::emit_witness(&self.api), "", "witness.rs")
            .map_err(|m| internal_error(&self.api.spec_name, m))
    }

    /// What changed for users of the generated crate from `self` to `newer` (see [`diff`]).
    pub fn diff(&self, newer: &Model) -> diff::Report {
        diff::diff(&self.api, &newer.api)
    }
}

/// Where the time of one [`generate_with_files`] run went.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Profile {
    /// Wall time of each stage, in order: load, lower, render, assemble.
    pub stages: Vec<(&'static str, std::time::Duration)>,
    /// Time in each rendering step summed over all files and threads: emit, parse, print.
    pub render_steps: Vec<(&'static str, std::time::Duration)>,
}

/// [`generate_with_files`], reporting where the time went. For `cargo xtask bench`.
///
/// # Errors
///
/// As [`generate_with_files`].
#[doc(hidden)]
pub fn generate_profiled(
    spec_name: &str,
    text: &str,
    options: &Options,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(Output, Profile), Diagnostics> {
    let mut profile = Profile::default();
    let model = Model::load(spec_name, text, options, read_file)?;
    let output = model.files_profiled(&mut profile)?;
    release(model);
    Ok((output, profile))
}

/// Drops `value` on another thread, so the caller does not wait for a large tree to be freed.
/// Without a thread to spare, the value is dropped with the closure that failed to start.
fn release<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// The conformance sweep for the document: a `sweep.rs` that calls every operation of its
/// client twice (required inputs only, then every input) and asks for each declared 404 and
/// 422 answer. The workspace's `conformance` crate runs it against a mock server.
///
/// # Errors
///
/// As [`generate_with_files`].
pub fn generate_sweep(
    spec_name: &str,
    text: &str,
    options: &Options,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<String, Diagnostics> {
    Model::load(spec_name, text, options, read_file)?.sweep()
}

/// What changed for users of the generated crate between two documents: each finding with a
/// rule id, a semver class and its wire impact (see [`diff`]).
///
/// # Errors
///
/// As [`generate_with_files`], for either document (its name says which).
pub fn api_diff(
    old: (&str, &str),
    new: (&str, &str),
    options: &Options,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<diff::Report, Diagnostics> {
    let old = Model::load(old.0, old.1, options, read_file)?;
    let new = Model::load(new.0, new.1, options, read_file)?;
    Ok(old.diff(&new))
}

/// The usage witness of a document's crate (a `src/lib.rs` that uses the crate, named `api`,
/// as callers may): compiled against the crate of another document, it fails exactly when that
/// crate breaks callers. For the API-change tests.
///
/// # Errors
///
/// As [`generate_with_files`].
#[doc(hidden)]
pub fn witness(
    spec_name: &str,
    text: &str,
    options: &Options,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<String, Diagnostics> {
    Model::load(spec_name, text, options, read_file)?.witness()
}

/// A generator bug reported as a diagnostic rather than a panic.
fn internal_error(spec_name: &str, message: String) -> Diagnostics {
    Diagnostics(vec![Diagnostic {
        severity: Severity::Error,
        message,
        file: spec_name.to_owned(),
        pointer: String::new(),
        line_col: None,
    }])
}
