//! rustc is the oracle for the class of an API change. For every fixture of `api_diff.rs`, in
//! both directions, the old document's usage witness (code that calls every operation with
//! every input, reads every response field with its exact type, builds every request struct
//! and names every variant) is compiled against the crate generated from the new document. It
//! must fail to compile exactly when the report has a breaking finding.
//!
//! The crates share one scratch workspace under `target/`, so dependencies build once.

mod patching;
mod scratch;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use openapi_rust_generator::diff::Class;
use openapi_rust_generator::{Layout, Options, api_diff, generate, witness};
use patching::fixtures;
use scratch::{write_if_changed, write_member};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

/// Writes the crate generated from `text` as package `name` in `dir`.
fn write_crate(dir: &Path, name: &str, text: &str) {
    let output = generate("fixture.yaml", text, &Options::new(Layout::Crate))
        .unwrap_or_else(|d| panic!("{d}"));
    write_member(dir, name, &output.files);
}

/// Writes a crate whose `src/lib.rs` is the witness of `old`, using the crate in `api_dir`.
fn write_witness(dir: &Path, name: &str, api_package: &str, api_dir: &str, old: &str) {
    let no_files = |path: &str| Err(format!("no file {path}"));
    let source = witness("old.yaml", old, &Options::new(Layout::Crate), &no_files)
        .unwrap_or_else(|d| panic!("{d}"));
    write_if_changed(&dir.join("src/lib.rs"), &source);
    write_if_changed(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\napi = {{ package = \"{api_package}\", path = \"../{api_dir}\" }}\n"
        ),
    );
}

#[test]
fn the_witness_of_the_old_crate_compiles_against_the_new_one_exactly_when_nothing_breaks() {
    let root = workspace();
    let scratch = root.join("target/api-diff-crates");
    let mut members = Vec::new();
    // (fixture, direction, witness package, whether the report says breaking)
    let mut checks = Vec::new();
    let fixtures = fixtures();
    let no_files = |path: &str| Err(format!("no file {path}"));
    for fixture in &fixtures {
        let name = fixture.name.replace('-', "_");
        for (direction, old, new) in [
            ("forward", &fixture.base, &fixture.patched),
            ("reverse", &fixture.patched, &fixture.base),
        ] {
            let report = api_diff(
                ("old.yaml", old),
                ("new.yaml", new),
                &Options::new(Layout::Crate),
                &no_files,
            )
            .unwrap_or_else(|d| panic!("{d}"));
            let api_dir = format!("api_{name}_{direction}");
            let api_package = format!("api-{}-{direction}", fixture.name);
            let witness_dir = format!("witness_{name}_{direction}");
            let witness_package = format!("witness-{}-{direction}", fixture.name);
            write_crate(&scratch.join(&api_dir), &api_package, new);
            write_witness(
                &scratch.join(&witness_dir),
                &witness_package,
                &api_package,
                &api_dir,
                old,
            );
            members.push(api_dir);
            members.push(witness_dir);
            checks.push((
                fixture.name.clone(),
                direction,
                witness_package,
                report.count(Class::Breaking) > 0,
                report.to_text(),
            ));
        }
    }
    // The witness of a document compiles against its own crate.
    write_crate(&scratch.join("api_base"), "api-base", &fixtures[0].base);
    write_witness(
        &scratch.join("witness_base"),
        "witness-base",
        "api-base",
        "api_base",
        &fixtures[0].base,
    );
    members.push("api_base".into());
    members.push("witness_base".into());
    checks.push((
        "base".into(),
        "itself",
        "witness-base".into(),
        false,
        String::new(),
    ));

    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members
            .iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    write_if_changed(&scratch.join("Cargo.toml"), &manifest);
    if !scratch.join("Cargo.lock").exists() {
        fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).expect("seed the lock file");
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = root.join("target/generated-crates-target");
    let mut disagreements = Vec::new();
    for (fixture, direction, package, breaking, text) in &checks {
        let output = Command::new(&cargo)
            .args(["check", "--quiet", "-p", package])
            .current_dir(&scratch)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS")
            .stdout(Stdio::null())
            .output()
            .expect("run cargo check");
        let compiles = output.status.success();
        if compiles == *breaking {
            disagreements.push(format!(
                "{fixture} ({direction}): the report says {}, rustc {}\n{text}{}",
                if *breaking {
                    "breaking"
                } else {
                    "not breaking"
                },
                if compiles {
                    "compiles the witness"
                } else {
                    "rejects the witness"
                },
                if compiles {
                    String::new()
                } else {
                    String::from_utf8_lossy(&output.stderr).into_owned()
                }
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} checks disagree:\n{}",
        disagreements.len(),
        checks.len(),
        disagreements.join("\n")
    );
}
