//! Project automation: `cargo xtask codegen [--check] [--spec PATH --out DIR]`,
//! `cargo xtask conformance`, `cargo xtask mock`, `cargo xtask jwt-differential` and
//! `cargo xtask bench`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use openapi_rust_generator::disk;
use openapi_rust_generator::{Layout, Model, Options, cli};

/// Generation allocates and frees many small token and syntax trees; mimalloc serves that
/// pattern markedly faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod any_document;
mod api_diff;
mod bench;
mod conformance;
mod differential;
mod npm;
mod whole_process;

const DEFAULT_SPEC: &str = "spec/clerk-backend-api.yaml";
const DEFAULT_OUT: &str = "generated-client/src/generated";
const SWEEP: &str = "conformance/src/sweep.rs";
/// The client's runtime, hand-written and tested here.
const RUNTIME: &str = "generated-client/src/runtime";
/// Its copy inside the generator package, which standalone crates get.
const RUNTIME_COPY: &str = "generator/runtime";

const USAGE: &str = "usage: cargo xtask codegen [--check] [--spec PATH --out DIR]
       cargo xtask conformance [--oracle-spec PATH] [--base-url URL] [--spec PATH]...
       cargo xtask mock [--spec PATH] [--port N] [-- COMMAND ARGS...]
       cargo xtask bench
       cargo xtask jwt-differential
       cargo xtask api-diff OLD NEW [--format text|markdown|json] | --check

  (no options)      regenerate generated-client/src/generated from spec/clerk-backend-api.yaml
  --check           write nothing; print a diff and exit 1 if the files are stale
  --spec PATH       generate from another OpenAPI document (needs --out)
  --out DIR         write a complete, standalone crate into DIR

  conformance       call every operation against a Prism mock server that validates requests
  --spec PATH       (repeatable) generate a client and its sweep for any document and check
                    it the same way, against Prism serving that document
  --spec-dir DIR    every .yaml, .yml and .json document of DIR, as --spec
  --expect FILE     compare each document's verdict with FILE's (`--bless` writes it)
  mock              serve spec/ with Prism on 127.0.0.1; with a command, run it against the
                    mock (CLERK_API_URL set) and stop
  bench             measure generation, compile time and client overhead; writes BENCHMARKS.md
  jwt-differential  the session-token cases through @clerk/backend's own verifyToken
  api-diff          what changed for users between two documents (REV:PATH reads git);
                    --check: breaking changes since the release are in CHANGELOG.md";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => match CodegenArgs::parse(&args[1..]) {
            Ok(options) => codegen(&options),
            Err(message) => {
                eprintln!("error: {message}\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("bench") => bench::bench(&workspace_root()),
        Some("conformance") => conformance::conformance(&workspace_root(), &args[1..]),
        Some("mock") => conformance::mock(&workspace_root(), &args[1..]),
        Some("bench-generate") => bench::bench_generate(&args[1..]),
        Some("bench-api-diff") => bench::bench_api_diff(&args[1..]),
        Some("bench-process") => whole_process::bench_process(&workspace_root(), &args[1..]),
        Some("jwt-differential") => differential::jwt_differential(&workspace_root()),
        Some("api-diff") => api_diff::api_diff_command(&workspace_root(), &args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

struct CodegenArgs {
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
}

impl CodegenArgs {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut parsed = Self {
            check: false,
            spec: None,
            out: None,
        };
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            match arg.as_str() {
                "--check" => parsed.check = true,
                "--spec" => parsed.spec = Some(iter.next().ok_or("--spec needs a path")?.into()),
                "--out" => parsed.out = Some(iter.next().ok_or("--out needs a directory")?.into()),
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        if parsed.spec.is_some() != parsed.out.is_some() {
            return Err("--spec and --out go together".into());
        }
        Ok(parsed)
    }
}

/// The workspace root, where the default paths are resolved.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn codegen(args: &CodegenArgs) -> ExitCode {
    let root = workspace_root();
    if let (Some(spec), Some(out)) = (&args.spec, &args.out) {
        // A standalone crate: the command-line tool's own `generate`.
        let generate = cli::GenerateArgs {
            spec: spec.clone(),
            out: out.clone(),
            check: args.check,
            ..cli::GenerateArgs::default()
        };
        let fix = format!(
            "cargo xtask codegen --spec {} --out {}",
            spec.display(),
            out.display()
        );
        return cli::generate(&generate, Some(&fix));
    }
    let spec_path = root.join(DEFAULT_SPEC);
    let spec = match cli::SpecFile::read(&spec_path) {
        Ok(spec) => spec,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let options = Options::new(Layout::Modules);
    // The document is loaded and lowered once; the files, the sweep and the change summary
    // all come from this model.
    let read_file = |path: &str| spec.read_other(path);
    let generated = Model::load(DEFAULT_SPEC, &spec.text, &options, &read_file)
        .and_then(|model| model.files().map(|output| (model, output)));
    let (model, output) = match generated {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            eprintln!("error: generation failed; nothing was written");
            return ExitCode::FAILURE;
        }
    };
    for warning in &output.warnings {
        eprintln!("{warning}");
    }
    // Write mode and --check work on one map of files under the workspace: the checked-in
    // client's modules, its conformance sweep, and the generator package's copy of the runtime.
    let mut files: BTreeMap<String, String> = output
        .files
        .iter()
        .map(|(path, text)| (format!("{DEFAULT_OUT}/{path}"), text.clone()))
        .collect();
    match model.sweep() {
        Ok(sweep) => files.insert(SWEEP.to_owned(), sweep),
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(message) = runtime_copy(&root, &mut files) {
        eprintln!("error: {message}");
        return ExitCode::FAILURE;
    }
    let stale = match disk::plan(&root, &files, &[DEFAULT_OUT, RUNTIME_COPY]) {
        Ok(stale) => stale,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", root.display());
            return ExitCode::FAILURE;
        }
    };
    if args.check {
        print!("{}", disk::stale_report(&stale, &files, str::to_owned));
        if stale.is_empty() {
            println!(
                "codegen: {} files up to date ({} operations, {} types)",
                files.len(),
                output.operations,
                output.types
            );
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "error: {} generated files are stale; run `cargo xtask codegen` to update them",
            stale.len()
        );
        return ExitCode::FAILURE;
    }
    match disk::apply(&root, &files, &stale) {
        Ok(done) => {
            for line in done {
                println!("{line}");
            }
            println!(
                "codegen: {} operations, {} types ({} of {} files changed)",
                output.operations,
                output.types,
                stale.len(),
                files.len()
            );
        }
        Err((path, e)) => {
            eprintln!("error: cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    api_diff::codegen_summary(&root, &model);
    ExitCode::SUCCESS
}

/// The generator package's copy of the client's runtime (`generator/runtime/`), which it
/// writes into every standalone crate: each runtime file byte for byte, and its dependencies
/// with the workspace's versions resolved.
fn runtime_copy(root: &Path, files: &mut BTreeMap<String, String>) -> Result<(), String> {
    let runtime = root.join(RUNTIME);
    let entries = fs::read_dir(&runtime).map_err(|e| format!("cannot read {RUNTIME}: {e}"))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            files.insert(format!("{RUNTIME_COPY}/{name}"), text);
        }
    }
    let read = |path: &str| {
        fs::read_to_string(root.join(path)).map_err(|e| format!("cannot read {path}: {e}"))
    };
    let dependencies = openapi_rust_generator::runtime_dependencies(
        &read("generated-client/Cargo.toml")?,
        &read("Cargo.toml")?,
    );
    files.insert(
        format!("{RUNTIME_COPY}/dependencies.toml"),
        format!(
            "# @generated by `cargo xtask codegen` from generated-client/Cargo.toml; do not edit.\n\
             # The runtime's dependencies, written into the manifest of every standalone crate.\n\
             {dependencies}"
        ),
    );
    Ok(())
}
