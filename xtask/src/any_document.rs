//! `cargo xtask conformance --spec X [--spec Y ...]`: the same sweep for any OpenAPI document.
//!
//! For each document, a standalone client crate is generated from it together with its sweep
//! (every operation with only its required inputs, then with every input, then each declared
//! 404 and 422 answer), and the runner of `conformance/src/main.rs` is built around that
//! client. All of them are members of one scratch workspace under `target/conformance/any/`,
//! so one cargo build compiles them. Each document is then served by Prism on 127.0.0.1, with
//! static responses and under the three dynamic seeds, and its sweep reports request
//! violations and decode failures per operation, as for spec/.
//!
//! A document that does not generate, a client that does not build, or a document Prism
//! cannot serve is reported in the table with the reason, not hidden, and fails the run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use openapi_rust_generator::{Layout, Model, Options, cli};

use super::conformance::{Oracle, check_oracle, install_prism};

/// The runner, whose client crate is renamed for each document.
const RUNNER: &str = include_str!("../../conformance/src/main.rs");
/// Where the scratch workspace lives, under the workspace root.
const SCRATCH: &str = "target/conformance/any";

/// One document: its place, and where it stands.
struct Document {
    path: PathBuf,
    /// The member folder and package of its runner, once its crates are written.
    member: Option<String>,
    /// Why it was not swept.
    refused: Option<String>,
}

/// What is known about each document's verdict, to compare a run with (`--expect FILE`):
/// one `verdict document` line each, `verdict` one of `ok`, `failed`, `unverified` and
/// `not-swept`. With `bless`, the run writes the file instead.
pub struct Expected {
    pub path: PathBuf,
    pub bless: bool,
}

/// Sweeps every document in `specs`; `Ok(true)` when each passed, or with `expected`, when
/// each verdict is the expected one.
pub fn run(root: &Path, specs: &[PathBuf], expected: Option<&Expected>) -> Result<bool, String> {
    let scratch = root.join(SCRATCH);
    fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let mut documents: Vec<Document> = specs
        .iter()
        .map(|path| Document {
            path: path.clone(),
            member: None,
            refused: None,
        })
        .collect();
    let mut members = Vec::new();
    for (index, document) in documents.iter_mut().enumerate() {
        match write_crates(&scratch, index, &document.path) {
            Ok(member) => {
                members.push(format!("\"{member}/client\", \"{member}/runner\""));
                document.member = Some(member);
            }
            Err(reason) => document.refused = Some(reason),
        }
    }
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    write(&scratch.join("Cargo.toml"), &manifest)?;
    if !scratch.join("Cargo.lock").exists() {
        fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))
            .map_err(|e| format!("cannot seed the lock file: {e}"))?;
    }
    let target = root.join("target/conformance-any-target");
    if !members.is_empty() {
        build(&scratch, &target, &mut documents)?;
    }
    let prism = install_prism(root)?;
    let mut rows = Vec::new();
    for document in &documents {
        let name = document.path.display().to_string();
        let tally = match (&document.refused, &document.member) {
            (None, Some(member)) => {
                let oracle = Oracle {
                    name: name.clone(),
                    path: document.path.clone(),
                    ours: true,
                    self_check: false,
                    // `conformance:sk_test_conformance` in base64: encoded basic credentials
                    // (which the runtime sends as given), and a token of any other scheme.
                    token: Some("Y29uZm9ybWFuY2U6c2tfdGVzdF9jb25mb3JtYW5jZQ==".into()),
                };
                let runner = target.join("debug").join(format!("{member}-runner"));
                check_oracle(&runner, &prism, &oracle, &scratch.join(member).join("logs"))
                    .map_err(|reason| reason.replace('\n', " "))
            }
            (refused, _) => Err(refused.clone().unwrap_or_default()),
        };
        rows.push((name, tally));
    }
    println!();
    println!(
        "{:<56} {:>9} {:>11} {:>16} {:>12} {:>6}  verdict",
        "document (static + dynamic seeds 1-3)",
        "requests",
        "violations",
        "decode failures",
        "corrections",
        "mock"
    );
    let mut passed = true;
    let mut verdicts = String::new();
    for (name, tally) in &rows {
        let word = match tally {
            Ok(tally) if tally.crashed.is_some() => "unverified",
            Ok(tally) if tally.complete && tally.violations == 0 && tally.decode_failures == 0 => {
                "ok"
            }
            Ok(_) => "failed",
            Err(_) => "not-swept",
        };
        verdicts.push_str(&format!("{word} {name}\n"));
        match tally {
            Ok(tally) => {
                // What the mock cannot do is reported; only the client's faults fail the run.
                let faults = !tally.complete || tally.violations > 0 || tally.decode_failures > 0;
                passed &= !faults;
                let verdict = match (&tally.crashed, faults) {
                    (Some(crash), _) => format!("UNVERIFIED: the mock stopped: {crash}"),
                    (None, true) if !tally.complete => "FAILED (operations not exercised)".into(),
                    (None, true) => "FAILED".into(),
                    (None, false) if tally.unmockable > 0 => {
                        "ok (some answers the mock cannot make)".into()
                    }
                    (None, false) => "ok".into(),
                };
                println!(
                    "{name:<56} {:>9} {:>11} {:>16} {:>12} {:>6}  {verdict}",
                    tally.requests,
                    tally.violations,
                    tally.decode_failures,
                    tally.corrections,
                    tally.unmockable
                );
            }
            Err(reason) => {
                passed = false;
                println!("{name:<56} not swept: {reason}");
            }
        }
    }
    if let Some(expected) = expected {
        return compare(&verdicts, expected);
    }
    println!("conformance: {}", if passed { "passed" } else { "FAILED" });
    Ok(passed)
}

/// Compares the verdicts with the expected ones (or writes them, to bless a run).
fn compare(verdicts: &str, expected: &Expected) -> Result<bool, String> {
    if expected.bless {
        let header = "# The verdict of each document (ok, failed, unverified, not-swept), written by\n\
                      # `cargo xtask conformance ... --expect THIS --bless`; see the README (Conformance).\n";
        write(&expected.path, &format!("{header}{verdicts}"))?;
        println!(
            "conformance: wrote the verdicts to {}",
            expected.path.display()
        );
        return Ok(true);
    }
    let known = fs::read_to_string(&expected.path)
        .map_err(|e| format!("cannot read {}: {e}", expected.path.display()))?;
    let known: std::collections::BTreeSet<&str> = known
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    let now: std::collections::BTreeSet<&str> = verdicts.lines().collect();
    let mut same = true;
    for line in now.difference(&known) {
        same = false;
        println!("new:      {line}");
    }
    for line in known.difference(&now) {
        same = false;
        println!("expected: {line}");
    }
    println!(
        "conformance: {} {}",
        if same {
            "as expected by"
        } else {
            "DIFFERS from"
        },
        expected.path.display()
    );
    Ok(same)
}

/// Writes the client crate and the runner of document `index`; returns the member folder.
fn write_crates(scratch: &Path, index: usize, path: &Path) -> Result<String, String> {
    let member = format!("doc{index}");
    let spec = cli::SpecFile::read(path)?;
    let client_name = format!("conformance-client-{index}");
    let options = Options::new(Layout::Crate).setting("crate-name", client_name.as_str());
    let read_file = |relative: &str| spec.read_other(relative);
    let name = path.display().to_string();
    let model = Model::load(&name, &spec.text, &options, &read_file)
        .map_err(|d| format!("does not generate: {}", first_line(&d.to_string())))?;
    let output = model
        .files()
        .map_err(|d| format!("does not generate: {}", first_line(&d.to_string())))?;
    if output.operations == 0 {
        return Err("has no operations to call".into());
    }
    let sweep = model
        .sweep()
        .map_err(|d| format!("no sweep: {}", first_line(&d.to_string())))?;
    let dir = scratch.join(&member);
    let client = dir.join("client");
    // Files the generator no longer writes must not linger from an earlier document.
    if client.exists() {
        fs::remove_dir_all(&client)
            .map_err(|e| format!("cannot clear {}: {e}", client.display()))?;
    }
    for (file, text) in &output.files {
        // The scratch workspace holds the crate; its own `[workspace]` table would split it.
        let text = if file == "Cargo.toml" {
            text.replace("\n[workspace]\n", "\n")
        } else {
            text.clone()
        };
        write(&client.join(file), &text)?;
    }
    let runner = dir.join("runner");
    let krate = client_name.replace('-', "_");
    write(
        &runner.join("src/main.rs"),
        &RUNNER.replace("clerk_backend_api", &krate),
    )?;
    write(&runner.join("src/sweep.rs"), &sweep)?;
    write(
        &runner.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{member}-runner\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{client_name} = {{ path = \"../client\" }}\n\
             reqwest = {{ version = \"0.12.28\", default-features = false }}\n\
             serde_json = \"1\"\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n"
        ),
    )?;
    Ok(member)
}

/// Builds every runner at once; a document whose crates do not build is marked refused, with
/// the first compiler error, and the others are built again without it.
fn build(scratch: &Path, target: &Path, documents: &mut [Document]) -> Result<(), String> {
    loop {
        let output = Command::new("cargo")
            .args(["build", "--workspace", "--quiet", "--message-format=short"])
            .current_dir(scratch)
            .env("CARGO_TARGET_DIR", target)
            .env_remove("RUSTFLAGS")
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let failed = documents.iter_mut().find(|d| {
            d.refused.is_none()
                && d.member
                    .as_ref()
                    .is_some_and(|m| stderr.contains(&format!("{m}/")))
        });
        let Some(document) = failed else {
            return Err(format!("the sweep crates do not build:\n{stderr}"));
        };
        let error = stderr
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or("a build error");
        document.refused = Some(format!("the generated crates do not build: {error}"));
        let member = document.member.take().unwrap_or_default();
        let manifest = scratch.join("Cargo.toml");
        let text = fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
        write(
            &manifest,
            &text
                .replace(&format!("\"{member}/client\", \"{member}/runner\""), "")
                .replace("[, ", "[")
                .replace(", , ", ", ")
                .replace(", ]", "]"),
        )?;
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    if fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::{Expected, compare};

    #[test]
    fn a_run_matches_its_expected_verdicts_in_any_order_and_reports_each_difference() {
        let dir = std::env::temp_dir().join(format!("any-document-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        let path = dir.join("expected.txt");
        std::fs::write(&path, "# known\nok a.yaml\nfailed b.yaml\n").expect("write");
        let expected = Expected {
            path: path.clone(),
            bless: false,
        };
        assert_eq!(compare("failed b.yaml\nok a.yaml\n", &expected), Ok(true));
        assert_eq!(compare("ok a.yaml\nok b.yaml\n", &expected), Ok(false));
        assert_eq!(
            compare("ok a.yaml\n", &expected),
            Ok(false),
            "a document went missing"
        );
        let bless = Expected {
            path: path.clone(),
            bless: true,
        };
        assert_eq!(compare("ok a.yaml\nok b.yaml\n", &bless), Ok(true));
        assert_eq!(compare("ok a.yaml\nok b.yaml\n", &expected), Ok(true));
        std::fs::remove_dir_all(&dir).ok();
    }
}
