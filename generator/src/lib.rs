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

mod bundle;
mod diagnostic;
pub mod diff;
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

use std::collections::BTreeMap;

use diagnostic::Source;
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use options::{
    ExternalType, FloatType, IntType, Layout, Options, Scalar, TextEncoding, TypeMapping,
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
    pipeline(spec_name, text, options, read_file, &mut Profile::default())
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
    let output = pipeline(spec_name, text, options, read_file, &mut profile)?;
    Ok((output, profile))
}

fn pipeline(
    spec_name: &str,
    text: &str,
    options: &Options,
    read_file: &dyn Fn(&str) -> Result<String, String>,
    profile: &mut Profile,
) -> Result<Output, Diagnostics> {
    let started = std::time::Instant::now();
    let source = Source {
        name: spec_name,
        text,
    };
    let (document, loaded_warnings) = load::load(source, read_file)?;
    let loaded = std::time::Instant::now();
    let (api, warnings) = lower::lower(&document, source, options, loaded_warnings)?;
    // Freeing a large document tree takes a while; another thread does it meanwhile.
    release(document);
    let lowered = std::time::Instant::now();
    let header = emit::header(&api);
    let steps = render::Steps::default();
    let rendered = render::render_api(
        &api,
        &header,
        options.layout == Layout::Crate,
        options.threads,
        &steps,
    )
    .map_err(|message| internal_error(spec_name, message))?;
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
    let files = match options.layout {
        Layout::Modules => modules,
        Layout::Crate => {
            let mut files: BTreeMap<String, String> = modules
                .into_iter()
                .map(|(path, text)| (format!("src/generated/{path}"), text))
                .collect();
            files.insert("Cargo.toml".into(), emit::emit_cargo_toml(&api));
            files.insert("src/lib.rs".into(), lib.unwrap_or_default());
            for (name, text) in emit::RUNTIME_FILES {
                files.insert(format!("src/runtime/{name}"), (*text).to_owned());
            }
            files
        }
    };
    let done = std::time::Instant::now();
    profile.stages = vec![
        ("load", loaded - started),
        ("lower", lowered - loaded),
        ("render", rendered_at - lowered),
        ("assemble", done - rendered_at),
    ];
    profile.render_steps = steps.totals().to_vec();
    let output = Output {
        files,
        warnings,
        operations: api.groups.iter().map(|g| g.operations.len()).sum(),
        types: api.types.len(),
        group_features: api.groups.iter().map(|g| g.feature.clone()).collect(),
    };
    release(api);
    Ok(output)
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
    let (api, _) = model(spec_name, text, options, read_file)?;
    render::render(emit::emit_sweep(&api), &emit::header(&api), "sweep.rs")
        .map_err(|m| internal_error(spec_name, m))
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
    let (old_api, _) = model(old.0, old.1, options, read_file)?;
    let (new_api, _) = model(new.0, new.1, options, read_file)?;
    Ok(diff::diff(&old_api, &new_api))
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
    let (api, _) = model(spec_name, text, options, read_file)?;
    render::render(emit::emit_witness(&api), "", "witness.rs")
        .map_err(|m| internal_error(spec_name, m))
}

/// Loads and lowers a document.
fn model(
    spec_name: &str,
    text: &str,
    options: &Options,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(ir::Api, Vec<Diagnostic>), Diagnostics> {
    let source = Source {
        name: spec_name,
        text,
    };
    let (document, warnings) = load::load(source, read_file)?;
    lower::lower(&document, source, options, warnings)
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
