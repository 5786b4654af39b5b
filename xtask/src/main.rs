//! Project automation: `cargo xtask codegen [--check] [--spec PATH --out DIR]`,
//! `cargo xtask conformance`, `cargo xtask mock`, `cargo xtask jwt-differential` and
//! `cargo xtask bench`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use openapi_rust_generator::{Layout, Model, Options};

/// Generation allocates and frees many small token and syntax trees; mimalloc serves that
/// pattern markedly faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod api_diff;
mod bench;
mod conformance;
mod differential;
mod npm;

const DEFAULT_SPEC: &str = "spec/clerk-backend-api.yaml";
const DEFAULT_OUT: &str = "generated-client/src/generated";
const SWEEP: &str = "conformance/src/sweep.rs";

const USAGE: &str = "usage: cargo xtask codegen [--check] [--spec PATH --out DIR]
       cargo xtask conformance [--oracle-spec PATH] [--base-url URL]
       cargo xtask mock [--spec PATH] [--port N] [-- COMMAND ARGS...]
       cargo xtask bench
       cargo xtask jwt-differential
       cargo xtask api-diff OLD NEW [--format text|markdown|json] | --check

  (no options)      regenerate generated-client/src/generated from spec/clerk-backend-api.yaml
  --check           write nothing; print a diff and exit 1 if the files are stale
  --spec PATH       generate from another OpenAPI document (needs --out)
  --out DIR         write a complete, standalone crate into DIR

  conformance       call every operation against a Prism mock server that validates requests
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
        Some("bench-process") => bench::bench_process(&workspace_root(), &args[1..]),
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

/// How generated files and diagnostics name the spec: relative to the workspace when it lies
/// inside it, else relative to the output folder, so no absolute path of this machine ends up
/// in generated files.
fn spec_display_name(spec: &Path, out: &Path, root: &Path) -> String {
    let absolute = |path: &Path| {
        fs::canonicalize(path).unwrap_or_else(|_| {
            std::env::current_dir()
                .map(|dir| dir.join(path))
                .unwrap_or_else(|_| path.to_path_buf())
        })
    };
    let spec = absolute(spec);
    let root = absolute(root);
    if let Ok(inside) = spec.strip_prefix(&root) {
        return slashes(inside);
    }
    let out = absolute(out);
    let common = spec
        .components()
        .zip(out.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = out.components().count() - common;
    let mut relative = PathBuf::new();
    for _ in 0..ups {
        relative.push("..");
    }
    relative.extend(spec.components().skip(common));
    slashes(&relative)
}

fn slashes(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn codegen(args: &CodegenArgs) -> ExitCode {
    let root = workspace_root();
    let (spec_path, spec_name, out_dir, layout) = match (&args.spec, &args.out) {
        (Some(spec), Some(out)) => (
            spec.clone(),
            spec_display_name(spec, out, &root),
            out.clone(),
            Layout::Crate,
        ),
        _ => (
            root.join(DEFAULT_SPEC),
            DEFAULT_SPEC.to_owned(),
            root.join(DEFAULT_OUT),
            Layout::Modules,
        ),
    };
    let text = match fs::read_to_string(&spec_path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", spec_path.display());
            return ExitCode::FAILURE;
        }
    };
    let spec_dir = spec_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let read_file =
        |relative: &str| fs::read_to_string(spec_dir.join(relative)).map_err(|e| e.to_string());
    let options = Options::new(layout);
    // The document is loaded and lowered once; the files, the sweep and the change summary
    // all come from this model.
    let generated = Model::load(&spec_name, &text, &options, &read_file)
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
    // Write mode and --check work on one map of files under one base folder: the crate for a
    // standalone client; the workspace for the checked-in client and its conformance sweep.
    let (out_dir, files, owned): (PathBuf, BTreeMap<String, String>, &[&str]) = match layout {
        Layout::Crate => (
            out_dir,
            output.files.clone(),
            &["src/generated", "src/runtime"],
        ),
        Layout::Modules => {
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
            (root.clone(), files, &[DEFAULT_OUT])
        }
    };
    let stale = match plan(&out_dir, &files, owned) {
        Ok(stale) => stale,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", out_dir.display());
            return ExitCode::FAILURE;
        }
    };
    let shown = |path: &str| display_path(&root, &out_dir.join(path));
    if args.check {
        for change in &stale {
            match change {
                Change::Write { path, old } => {
                    println!("stale: {}", shown(path));
                    print!("{}", diff(old.as_deref().unwrap_or(""), &files[path]));
                }
                Change::Remove { path } => {
                    println!("stale: {} is no longer generated", shown(path))
                }
            }
        }
        if stale.is_empty() {
            println!(
                "codegen: {} files up to date ({} operations, {} types)",
                files.len(),
                output.operations,
                output.types
            );
            return ExitCode::SUCCESS;
        }
        let fix = match (&args.spec, &args.out) {
            (Some(spec), Some(out)) => format!(
                "cargo xtask codegen --spec {} --out {}",
                spec.display(),
                out.display()
            ),
            _ => "cargo xtask codegen".to_owned(),
        };
        eprintln!(
            "error: {} generated files are stale; run `{fix}` to update them",
            stale.len()
        );
        return ExitCode::FAILURE;
    }
    for (path, contents) in &files {
        let changed = stale
            .iter()
            .any(|c| matches!(c, Change::Write { path: p, .. } if p == path));
        if changed {
            if let Err(e) = write_atomically(&out_dir.join(path), contents) {
                eprintln!("error: cannot write {}: {e}", shown(path));
                return ExitCode::FAILURE;
            }
            println!("wrote      {}", shown(path));
        } else {
            println!("unchanged  {}", shown(path));
        }
    }
    for change in &stale {
        if let Change::Remove { path } = change {
            if let Err(e) = fs::remove_file(out_dir.join(path)) {
                eprintln!("error: cannot remove {}: {e}", shown(path));
                return ExitCode::FAILURE;
            }
            println!("removed    {}", shown(path));
        }
    }
    println!(
        "codegen: {} operations, {} types",
        output.operations, output.types
    );
    if layout == Layout::Modules {
        api_diff::codegen_summary(&root, &model);
    }
    ExitCode::SUCCESS
}

enum Change {
    Write { path: String, old: Option<String> },
    Remove { path: String },
}

/// What differs between the generated files and the directory: files to write (new or
/// changed) and files the generator no longer produces.
fn plan(
    out_dir: &Path,
    files: &BTreeMap<String, String>,
    owned_dirs: &[&str],
) -> std::io::Result<Vec<Change>> {
    let mut changes = Vec::new();
    for (path, contents) in files {
        let old = match fs::read_to_string(out_dir.join(path)) {
            Ok(old) => Some(old),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if old.as_deref() != Some(contents.as_str()) {
            changes.push(Change::Write {
                path: path.clone(),
                old,
            });
        }
    }
    let mut existing = BTreeSet::new();
    for dir in owned_dirs {
        list_files(out_dir, &out_dir.join(dir), &mut existing)?;
    }
    for path in existing {
        if !files.contains_key(&path) {
            changes.push(Change::Remove { path });
        }
    }
    Ok(changes)
}

fn list_files(base: &Path, dir: &Path, out: &mut BTreeSet<String>) -> std::io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            list_files(base, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(base) {
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.insert(parts.join("/"));
        }
    }
    Ok(())
}

/// Writes through a temporary file in the same directory, so a file is never half-written.
fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let temporary = path.with_extension("rs.tmp");
    fs::write(&temporary, contents)?;
    fs::rename(&temporary, path)
}

fn display_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A unified-style diff: the common head and tail are skipped, the differing middle is shown
/// as removed and added lines with three lines of context.
fn diff(old: &str, new: &str) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    let head = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let context = 3;
    let start = head.saturating_sub(context);
    let mut out = format!(
        "@@ -{},{} +{},{} @@\n",
        start + 1,
        old.len() - tail - start,
        start + 1,
        new.len() - tail - start
    );
    for line in &old[start..head] {
        out.push_str(&format!(" {line}\n"));
    }
    for line in &old[head..old.len() - tail] {
        out.push_str(&format!("-{line}\n"));
    }
    for line in &new[head..new.len() - tail] {
        out.push_str(&format!("+{line}\n"));
    }
    for line in old[old.len() - tail..].iter().take(context) {
        out.push_str(&format!(" {line}\n"));
    }
    out
}
