//! `cargo xtask api-diff OLD NEW [--format text|markdown|json]`: what changed for users of the
//! generated crate between two OpenAPI documents. A document is a path, or `REV:PATH` for a
//! file as git has it at a revision (`HEAD:spec/clerk-backend-api.yaml`).
//!
//! `cargo xtask api-diff --check` is the release gate `.ci/run` runs: it compares `spec/` with
//! the spec of the current crate version's release, and fails on a breaking change that
//! CHANGELOG.md does not acknowledge, or on a version bump smaller than the changes need.

use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};

use openapi_rust_generator::diff::{Class, Report};
use openapi_rust_generator::{Layout, Model, Options, api_diff};

const SPEC: &str = "spec/clerk-backend-api.yaml";
const MANIFEST: &str = "generated-client/Cargo.toml";
const CHANGELOG: &str = "CHANGELOG.md";

/// A document's name and text.
struct Document {
    name: String,
    text: String,
}

/// Reads `PATH`, or `REV:PATH` from git.
fn read_document(root: &Path, spec: &str) -> Result<Document, String> {
    if let Some((rev, path)) = spec.split_once(':').filter(|(rev, _)| !rev.contains('/')) {
        let text = git_show(root, rev, path)?;
        return Ok(Document {
            name: spec.to_owned(),
            text,
        });
    }
    let text = fs::read_to_string(spec).map_err(|e| format!("cannot read {spec}: {e}"))?;
    Ok(Document {
        name: spec.to_owned(),
        text,
    })
}

fn git_show(root: &Path, rev: &str, path: &str) -> Result<String, String> {
    let output = Command::new("git")
        .args(["show", &format!("{rev}:{path}")])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git has no {path} at {rev}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout).map_err(|_| format!("{rev}:{path} is not UTF-8"))
}

fn compare(old: &Document, new: &Document) -> Result<Report, String> {
    // Both documents here are single files; a `$ref` to another file is read beside the new one.
    let no_files = |path: &str| Err(format!("`{path}`: only single-file documents are compared"));
    api_diff(
        (&old.name, &old.text),
        (&new.name, &new.text),
        &Options::new(Layout::Modules),
        &no_files,
    )
    .map_err(|d| d.to_string())
}

/// Entry point of `cargo xtask api-diff`.
pub fn api_diff_command(root: &Path, args: &[String]) -> ExitCode {
    if args.first().map(String::as_str) == Some("--check") {
        return match check(root) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        };
    }
    let mut format = "text".to_owned();
    let mut documents = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--format" => match iter.next() {
                Some(f) if ["text", "markdown", "json"].contains(&f.as_str()) => format = f.clone(),
                _ => return usage("--format takes text, markdown or json"),
            },
            other if other.starts_with("--") => return usage(&format!("unknown option `{other}`")),
            other => documents.push(other.to_owned()),
        }
    }
    let [old, new] = documents.as_slice() else {
        return usage("give two documents");
    };
    let report = match read_document(root, old)
        .and_then(|old| read_document(root, new).map(|new| (old, new)))
        .and_then(|(old, new)| compare(&old, &new))
    {
        Ok(report) => report,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let text = match format.as_str() {
        "markdown" => report.to_markdown(),
        "json" => format!("{}\n", report.to_json()),
        _ => report.to_text(),
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    eprintln!(
        "error: {message}\nusage: cargo xtask api-diff OLD NEW [--format text|markdown|json]\n       cargo xtask api-diff --check"
    );
    ExitCode::from(2)
}

/// The summary `cargo xtask codegen` ends with: what changed since the spec in the last commit.
pub fn codegen_summary(root: &Path, current: &Model) {
    let Ok(text) = git_show(root, "HEAD", SPEC) else {
        return;
    };
    let no_files = |path: &str| Err(format!("`{path}`: only single-file documents are compared"));
    let old = Model::load(
        &format!("HEAD:{SPEC}"),
        &text,
        &Options::new(Layout::Modules),
        &no_files,
    );
    match old.map(|old| old.diff(current)).map_err(|d| d.to_string()) {
        Ok(report) if report.changes.is_empty() => {
            println!("api changes since HEAD: none");
        }
        Ok(report) => {
            println!(
                "api changes since HEAD: {} breaking, {} additive, {} patch (all of them: cargo xtask api-diff HEAD:{SPEC} {SPEC})",
                report.count(Class::Breaking),
                report.count(Class::Additive),
                report.count(Class::Patch)
            );
            for change in report.changes.iter().filter(|c| c.class == Class::Breaking) {
                println!(
                    "  breaking  {}  [{}] {}",
                    change.item, change.rule, change.hint
                );
            }
        }
        Err(message) => println!("api changes since HEAD: not compared ({message})"),
    }
}

/// The crate version in `generated-client/Cargo.toml` at `rev` (the working tree for `None`).
fn version_at(root: &Path, rev: Option<&str>) -> Result<String, String> {
    let text = match rev {
        Some(rev) => git_show(root, rev, MANIFEST)?,
        None => fs::read_to_string(root.join(MANIFEST)).map_err(|e| e.to_string())?,
    };
    text.lines()
        .find_map(|line| {
            let value = line.strip_prefix("version = \"")?;
            Some(value.trim_end_matches('"').to_owned())
        })
        .ok_or_else(|| format!("no version in {MANIFEST}"))
}

/// The oldest commit, in the history of `from`, whose manifest has `version` with no other
/// version since: the release of that version.
fn release_of(root: &Path, from: &str, version: &str) -> Result<Option<String>, String> {
    let output = Command::new("git")
        .args(["log", "--format=%H", from, "--", MANIFEST])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Ok(None);
    }
    let mut release = None;
    for commit in String::from_utf8_lossy(&output.stdout).lines() {
        if version_at(root, Some(commit)).ok().as_deref() == Some(version) {
            release = Some(commit.to_owned());
        } else {
            break;
        }
    }
    Ok(release)
}

/// The `## [Unreleased]` section of the changelog.
fn unreleased(root: &Path) -> Result<String, String> {
    let text = fs::read_to_string(root.join(CHANGELOG))
        .map_err(|e| format!("cannot read {CHANGELOG}: {e}"))?;
    let start = text
        .find("## [Unreleased]")
        .ok_or_else(|| format!("{CHANGELOG} has no `## [Unreleased]` section"))?;
    let rest = &text[start + 1..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
    Ok(rest[..end].to_owned())
}

/// The release gate: breaking changes since the current version's release are acknowledged in
/// the changelog's Unreleased section, and the current version is as far from the previous one
/// as the changes between their releases need.
fn check(root: &Path) -> Result<bool, String> {
    let version = version_at(root, None)?;
    let Some(release) = release_of(root, "HEAD", &version)? else {
        println!("api-diff --check: no git history of {MANIFEST}; skipped");
        return Ok(true);
    };
    let current = Document {
        name: SPEC.to_owned(),
        text: fs::read_to_string(root.join(SPEC)).map_err(|e| e.to_string())?,
    };
    let mut passed = true;
    // Since the release of the current version.
    let released = Document {
        name: format!("{}:{SPEC}", &release[..12]),
        text: git_show(root, &release, SPEC)?,
    };
    let since = compare(&released, &current)?;
    let notes = unreleased(root)?;
    let unacknowledged: Vec<_> = since
        .changes
        .iter()
        .filter(|c| c.class == Class::Breaking)
        .filter(|c| !notes.contains(&c.item))
        .collect();
    println!(
        "api-diff --check: since {version} ({}): {} breaking, {} additive, {} patch",
        &release[..12],
        since.count(Class::Breaking),
        since.count(Class::Additive),
        since.count(Class::Patch)
    );
    if !unacknowledged.is_empty() {
        passed = false;
        eprintln!(
            "error: {} breaking changes since {version} are not in the Unreleased section of {CHANGELOG}; add them (`cargo xtask api-diff {}:{SPEC} {SPEC} --format markdown` writes the lines):",
            unacknowledged.len(),
            &release[..12]
        );
        for change in unacknowledged {
            eprintln!("  {} [{}]", change.item, change.rule);
        }
    }
    // The release itself, against the release of the version before it.
    let before_release = format!("{release}^");
    if let Ok(previous_version) = version_at(root, Some(&before_release)) {
        if let Some(previous_release) = release_of(root, &before_release, &previous_version)? {
            if let Ok(text) = git_show(root, &previous_release, SPEC) {
                let previous = Document {
                    name: format!("{}:{SPEC}", &previous_release[..12]),
                    text,
                };
                let released_changes = compare(&previous, &released)?;
                println!(
                    "api-diff --check: {previous_version} ({}) → {version}: {} breaking, {} additive, {} patch",
                    &previous_release[..12],
                    released_changes.count(Class::Breaking),
                    released_changes.count(Class::Additive),
                    released_changes.count(Class::Patch)
                );
                if let Some(needed) = released_changes.required_version(&previous_version) {
                    if !at_least(&version, &needed) {
                        passed = false;
                        eprintln!(
                            "error: {version} follows {previous_version}, but the spec changes it released need at least {needed}"
                        );
                    }
                }
            }
        }
    }
    Ok(passed)
}

/// Whether version `a` is at least `b` (both `x.y.z`).
fn at_least(a: &str, b: &str) -> bool {
    let parse = |v: &str| -> Vec<u64> { v.split('.').filter_map(|p| p.parse().ok()).collect() };
    parse(a) >= parse(b)
}
