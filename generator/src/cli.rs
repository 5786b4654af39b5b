//! The `openapi-rust-generator` command: `generate` writes (or checks) a client crate, `diff`
//! reports what changed for its users between two documents. `cargo xtask codegen --spec
//! --out` runs the same [`generate`].

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::disk;
use crate::{Layout, Model, Options};

/// Exit status of a run whose arguments were wrong.
const USAGE_ERROR: u8 = 2;

/// A document at or above this size gets progress lines on stderr.
const LARGE_DOCUMENT: usize = 512 * 1024;

const HELP: &str = "openapi-rust-generator: a typed async Rust client crate from an OpenAPI 3.0 or 3.1 document

Usage:
  openapi-rust-generator generate SPEC --out DIR [OPTIONS]
  openapi-rust-generator diff OLD NEW [--format text|markdown|json] [--fail-on breaking|any]
  openapi-rust-generator help [generate|diff]
  openapi-rust-generator --version

Examples:
  openapi-rust-generator generate petstore.yaml --out petstore-client
  openapi-rust-generator generate api.yaml --out client --crate-name acme-api --only users,orders.list
  openapi-rust-generator generate api.yaml --out client --check
  openapi-rust-generator diff v1/api.yaml v2/api.yaml --format markdown

Exit status: 0 on success; 1 when the document cannot be generated (the diagnostics name the
file, JSON pointer and line:column), when --check finds stale files, or when diff finds changes
that --fail-on names; 2 when the arguments are wrong.";

const GENERATE_HELP: &str = "openapi-rust-generator generate SPEC --out DIR [OPTIONS]

Writes a complete crate into DIR: Cargo.toml, README.md, src/lib.rs, the runtime (src/runtime/)
and the generated modules (src/generated/). Files that did not change are not rewritten; files
the generator no longer produces are removed from src/generated/ and src/runtime/. Other files
of a multi-file document are read relative to SPEC.

Options:
  --out DIR              the crate's folder, created when missing
  --check                write nothing; print each stale file with a diff and exit 1 if any
  --crate-name NAME      the package name (default: x-rust-client's crate-name, else from info.title)
  --crate-version VER    the package version (default: x-rust-client's crate-version, else 0.1.0)
  --settings FILE        a YAML or JSON file of x-rust-client settings, over the document's
  --set KEY=VALUE        one x-rust-client setting, VALUE read as YAML (--set group-features=false)
  --only NAME[,NAME...]  only these operation groups (users), operations (an operationId, or
                         users.list) and webhooks, with just the types they need; repeatable
  --threads N            format the files on N threads (default: every core)
  --quiet                print only errors and warnings

Example:
  openapi-rust-generator generate petstore.yaml --out petstore-client --crate-name petstore";

const DIFF_HELP: &str = "openapi-rust-generator diff OLD NEW [OPTIONS]

Reports what changed for users of the generated crate from document OLD to NEW: each change with
a rule id, a semver class (breaking, minor, patch) and what it means on the wire.

Options:
  --format FORMAT      text (default), markdown or json
  --fail-on CLASS      exit 1 when there is a breaking change (breaking) or any change (any)

Example:
  openapi-rust-generator diff old/api.yaml api.yaml --format markdown --fail-on breaking";

/// Runs the command line `args` (the program name first) and returns its exit status.
pub fn main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<String> = args
        .into_iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match args.first().map(String::as_str) {
        Some("generate") => match GenerateArgs::parse(&args[1..]) {
            Ok(Parsed::Run(parsed)) => generate(&parsed, None),
            Ok(Parsed::Help) => help(GENERATE_HELP),
            Err(message) => usage(&message, GENERATE_HELP),
        },
        Some("diff") => match DiffArgs::parse(&args[1..]) {
            Ok(Parsed::Run(parsed)) => diff(&parsed),
            Ok(Parsed::Help) => help(DIFF_HELP),
            Err(message) => usage(&message, DIFF_HELP),
        },
        Some("help") => match args.get(1).map(String::as_str) {
            Some("generate") => help(GENERATE_HELP),
            Some("diff") => help(DIFF_HELP),
            _ => help(HELP),
        },
        Some("-h" | "--help") => help(HELP),
        Some("-V" | "--version") => {
            println!("openapi-rust-generator {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some(other) => usage(&format!("unknown command `{other}`"), HELP),
        None => usage("no command given", HELP),
    }
}

fn help(text: &str) -> ExitCode {
    println!("{text}");
    ExitCode::SUCCESS
}

fn usage(message: &str, help: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{help}");
    ExitCode::from(USAGE_ERROR)
}

/// A parsed command line, or a request for its help.
enum Parsed<T> {
    Run(T),
    Help,
}

/// The arguments of `generate`.
#[derive(Debug, Clone, Default)]
pub struct GenerateArgs {
    /// The document.
    pub spec: PathBuf,
    /// The crate's folder.
    pub out: PathBuf,
    /// Compare instead of writing.
    pub check: bool,
    /// Settings files, by path, in order.
    pub settings_files: Vec<PathBuf>,
    /// Single settings, in order, after the files.
    pub settings: Vec<(String, serde_yaml::Value)>,
    /// `--only` names.
    pub only: Vec<String>,
    /// Formatting threads.
    pub threads: Option<usize>,
    /// No progress or summary lines.
    pub quiet: bool,
}

impl GenerateArgs {
    fn parse(args: &[String]) -> Result<Parsed<Self>, String> {
        let mut parsed = Self::default();
        let mut spec = None;
        let mut out = None;
        let mut iter = args.iter();
        let value = |iter: &mut std::slice::Iter<'_, String>, flag: &str, what: &str| {
            iter.next()
                .filter(|v| !v.starts_with("--"))
                .cloned()
                .ok_or_else(|| format!("{flag} needs {what}"))
        };
        while let Some(arg) = iter.next() {
            match arg.as_str() {
                "-h" | "--help" => return Ok(Parsed::Help),
                "--check" => parsed.check = true,
                "--quiet" | "-q" => parsed.quiet = true,
                "--out" => out = Some(PathBuf::from(value(&mut iter, "--out", "a folder")?)),
                "--settings" => parsed
                    .settings_files
                    .push(value(&mut iter, "--settings", "a file")?.into()),
                "--crate-name" => {
                    let name = value(&mut iter, "--crate-name", "a name")?;
                    parsed
                        .settings
                        .push(("crate-name".into(), serde_yaml::Value::String(name)));
                }
                "--crate-version" => {
                    let version = value(&mut iter, "--crate-version", "a version")?;
                    parsed
                        .settings
                        .push(("crate-version".into(), serde_yaml::Value::String(version)));
                }
                "--set" => {
                    let pair = value(&mut iter, "--set", "KEY=VALUE")?;
                    let (key, text) = pair
                        .split_once('=')
                        .ok_or_else(|| format!("--set {pair}: write KEY=VALUE"))?;
                    let value = serde_yaml::from_str(text)
                        .unwrap_or_else(|_| serde_yaml::Value::String(text.to_owned()));
                    parsed.settings.push((key.trim().to_owned(), value));
                }
                "--only" => {
                    let names = value(&mut iter, "--only", "names")?;
                    parsed.only.extend(
                        names
                            .split(',')
                            .map(str::trim)
                            .filter(|n| !n.is_empty())
                            .map(str::to_owned),
                    );
                }
                "--threads" => {
                    let n = value(&mut iter, "--threads", "a number")?;
                    parsed.threads = Some(
                        n.parse()
                            .map_err(|_| format!("--threads {n}: not a number"))?,
                    );
                }
                flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
                path if spec.is_none() => spec = Some(PathBuf::from(path)),
                extra => return Err(format!("unexpected argument `{extra}`")),
            }
        }
        parsed.spec = spec.ok_or("no document given: generate SPEC --out DIR")?;
        parsed.out = out.ok_or("--out DIR is required")?;
        Ok(Parsed::Run(parsed))
    }

    /// The command that rewrites what `--check` found stale.
    fn fix(&self) -> String {
        let mut command = format!(
            "openapi-rust-generator generate {} --out {}",
            self.spec.display(),
            self.out.display()
        );
        for file in &self.settings_files {
            command.push_str(&format!(" --settings {}", file.display()));
        }
        if !self.only.is_empty() {
            command.push_str(&format!(" --only {}", self.only.join(",")));
        }
        command
    }
}

/// A document read from the disk: its text, and the folder its other files (of a multi-file
/// document) are read relative to.
#[derive(Debug, Clone)]
pub struct SpecFile {
    /// The document's text.
    pub text: String,
    dir: PathBuf,
}

impl SpecFile {
    /// Reads the document at `path`.
    ///
    /// # Errors
    ///
    /// A message naming the path when it cannot be read.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text =
            fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Self { text, dir })
    }

    /// Another file of the document, named relative to its folder.
    ///
    /// # Errors
    ///
    /// Why the file cannot be read.
    pub fn read_other(&self, relative: &str) -> Result<String, String> {
        fs::read_to_string(self.dir.join(relative)).map_err(|e| e.to_string())
    }
}

/// `generate`: writes the crate, or with `--check` compares it. `fix` is the command a stale
/// check tells the user to run (the tool's own by default).
pub fn generate(args: &GenerateArgs, fix: Option<&str>) -> ExitCode {
    let spec = match SpecFile::read(&args.spec) {
        Ok(spec) => spec,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let (text, read_file) = (&spec.text, |path: &str| spec.read_other(path));
    let progress = !args.quiet && text.len() >= LARGE_DOCUMENT;
    if progress {
        eprintln!(
            "reading    {} ({:.1} MiB)",
            args.spec.display(),
            text.len() as f64 / (1024.0 * 1024.0)
        );
    }
    let options = match generate_options(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let spec_name = relative_name(&args.spec, &args.out);
    let generated = Model::load(&spec_name, text, &options, &read_file).and_then(|model| {
        if progress {
            eprintln!("generating {} operations", model.api.operations().count());
        }
        model.files()
    });
    let output = match generated {
        Ok(output) => output,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            eprintln!("error: generation failed; nothing was written");
            return ExitCode::FAILURE;
        }
    };
    for warning in &output.warnings {
        eprintln!("{warning}");
    }
    let owned = ["src/generated", "src/runtime"];
    let changes = match disk::plan(&args.out, &output.files, &owned) {
        Ok(changes) => changes,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.out.display());
            return ExitCode::FAILURE;
        }
    };
    let shown = |path: &str| args.out.join(path).display().to_string();
    if args.check {
        print!("{}", disk::stale_report(&changes, &output.files, shown));
        if changes.is_empty() {
            if !args.quiet {
                println!(
                    "generate: {} files up to date ({} operations, {} types)",
                    output.files.len(),
                    output.operations,
                    output.types
                );
            }
            return ExitCode::SUCCESS;
        }
        let fix = fix.map_or_else(|| args.fix(), str::to_owned);
        eprintln!(
            "error: {} generated files are stale; run `{fix}` to update them",
            changes.len()
        );
        return ExitCode::FAILURE;
    }
    if progress {
        eprintln!("writing    {} changed files", changes.len());
    }
    match disk::apply(&args.out, &output.files, &changes) {
        Ok(done) => {
            if !args.quiet {
                for line in done {
                    println!("{line}");
                }
                println!(
                    "generate: {} operations, {} types, {} files in {} ({} changed)",
                    output.operations,
                    output.types,
                    output.files.len(),
                    args.out.display(),
                    changes.len()
                );
            }
            ExitCode::SUCCESS
        }
        Err((path, e)) => {
            eprintln!("error: cannot write {}: {e}", shown(&path));
            ExitCode::FAILURE
        }
    }
}

/// The generation options `generate`'s arguments ask for, their settings files read.
fn generate_options(args: &GenerateArgs) -> Result<Options, String> {
    let mut options = Options::new(Layout::Crate).only(args.only.iter().cloned());
    if let Some(threads) = args.threads {
        options = options.threads(threads);
    }
    for path in &args.settings_files {
        let settings =
            fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        options = options.settings_file(&path.display().to_string(), &settings);
    }
    for (key, value) in &args.settings {
        options = options.setting(key, value.clone());
    }
    Ok(options)
}

/// How generated files name the document: relative to the crate's folder, so that
/// `generate SPEC --out .` run from there regenerates it, and no absolute path of the machine
/// ends up in the files.
pub fn relative_name(spec: &Path, out: &Path) -> String {
    let absolute = |path: &Path| {
        fs::canonicalize(path).unwrap_or_else(|_| {
            std::env::current_dir()
                .map(|dir| dir.join(path))
                .unwrap_or_else(|_| path.to_path_buf())
        })
    };
    let spec = absolute(spec);
    let out = absolute(out);
    let common = spec
        .components()
        .zip(out.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = out.components().count() - common;
    let mut parts: Vec<String> = vec!["..".to_owned(); ups];
    parts.extend(
        spec.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The arguments of `diff`.
struct DiffArgs {
    old: PathBuf,
    new: PathBuf,
    format: String,
    fail_on: Option<String>,
}

impl DiffArgs {
    fn parse(args: &[String]) -> Result<Parsed<Self>, String> {
        let mut paths = Vec::new();
        let mut format = "text".to_owned();
        let mut fail_on = None;
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            match arg.as_str() {
                "-h" | "--help" => return Ok(Parsed::Help),
                "--format" => {
                    format = iter.next().cloned().ok_or("--format needs a format")?;
                    if !["text", "markdown", "json"].contains(&format.as_str()) {
                        return Err(format!("--format {format}: use text, markdown or json"));
                    }
                }
                "--fail-on" => {
                    let class = iter.next().cloned().ok_or("--fail-on needs a class")?;
                    if !["breaking", "any"].contains(&class.as_str()) {
                        return Err(format!("--fail-on {class}: use breaking or any"));
                    }
                    fail_on = Some(class);
                }
                flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
                path => paths.push(PathBuf::from(path)),
            }
        }
        let [old, new]: [PathBuf; 2] = paths
            .try_into()
            .map_err(|_| "diff takes two documents: OLD NEW".to_owned())?;
        Ok(Parsed::Run(Self {
            old,
            new,
            format,
            fail_on,
        }))
    }
}

fn diff(args: &DiffArgs) -> ExitCode {
    let load = |path: &Path| -> Result<Model, String> {
        let spec = SpecFile::read(path)?;
        let name = path.display().to_string();
        let read_file = |relative: &str| spec.read_other(relative);
        Model::load(
            &name,
            &spec.text,
            &Options::new(Layout::Modules),
            &read_file,
        )
        .map_err(|d| d.to_string())
    };
    let (old, new) = match (load(&args.old), load(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("{message}");
            eprintln!("error: a document could not be read");
            return ExitCode::FAILURE;
        }
    };
    let report = old.diff(&new);
    let text = match args.format.as_str() {
        "markdown" => report.to_markdown(),
        "json" => report.to_json(),
        _ => report.to_text(),
    };
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    let fails = match args.fail_on.as_deref() {
        Some("breaking") => report.count(crate::diff::Class::Breaking) > 0,
        Some(_) => !report.changes.is_empty(),
        None => false,
    };
    if fails {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
