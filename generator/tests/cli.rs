//! The `openapi-rust-generator` command, run as users run it: exit codes, `--check`,
//! `--only`, settings, diagnostics and `diff`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-rust-generator"))
        .args(args)
        .output()
        .expect("run openapi-rust-generator")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// A fresh scratch folder under `target/`.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/cli-tests")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

#[test]
fn help_shows_an_example_and_bad_arguments_exit_2() {
    let help = tool(&["--help"]);
    assert!(help.status.success());
    assert!(text(&help).contains("openapi-rust-generator generate petstore.yaml --out"));
    let help = tool(&["generate", "--help"]);
    assert!(text(&help).contains("--only NAME"), "{}", text(&help));
    for args in [
        &["generate"][..],
        &["generate", "x.yaml"],
        &["frobnicate"],
        &["diff", "a"],
    ] {
        let run = tool(args);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", text(&run));
        assert!(text(&run).contains("error: "), "{args:?}");
    }
}

#[test]
fn generate_writes_a_crate_that_check_finds_fresh_until_edited() {
    let out = scratch("fresh");
    let out_arg = out.display().to_string();
    let spec = fixture("package.yaml");
    let run = tool(&[
        "generate",
        &spec,
        "--out",
        &out_arg,
        "--crate-version",
        "9.9.9",
    ]);
    assert!(run.status.success(), "{}", text(&run));
    for file in [
        "Cargo.toml",
        "README.md",
        "src/lib.rs",
        "src/runtime/mod.rs",
        "src/generated/mod.rs",
    ] {
        assert!(out.join(file).exists(), "{file}");
    }
    let manifest = fs::read_to_string(out.join("Cargo.toml")).expect("the manifest");
    assert!(manifest.contains("version = \"9.9.9\""), "{manifest}");

    let check = tool(&[
        "generate",
        &spec,
        "--out",
        &out_arg,
        "--crate-version",
        "9.9.9",
        "--check",
    ]);
    assert!(check.status.success(), "{}", text(&check));
    assert!(
        text(&check).contains("files up to date (3 operations"),
        "{}",
        text(&check)
    );

    let lib = out.join("src/lib.rs");
    let edited = fs::read_to_string(&lib)
        .expect("lib.rs")
        .replacen("//!", "//! edited;", 1);
    fs::write(&lib, edited).expect("edit lib.rs");
    fs::write(out.join("src/generated/stray.rs"), "// not generated\n").expect("a stray file");
    let check = tool(&[
        "generate",
        &spec,
        "--out",
        &out_arg,
        "--crate-version",
        "9.9.9",
        "--check",
    ]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    let report = text(&check);
    assert!(report.contains("edited;"), "{report}");
    assert!(
        report.contains("stray.rs is no longer generated"),
        "{report}"
    );

    // Writing again repairs both, and touches nothing else.
    let run = tool(&[
        "generate",
        &spec,
        "--out",
        &out_arg,
        "--crate-version",
        "9.9.9",
    ]);
    let report = text(&run);
    assert!(report.contains("wrote      src/lib.rs"), "{report}");
    assert!(
        report.contains("removed    src/generated/stray.rs"),
        "{report}"
    );
    assert!(report.contains("(2 changed)"), "{report}");
}

#[test]
fn only_keeps_the_named_groups_and_the_types_they_need() {
    let out = scratch("only");
    let out_arg = out.display().to_string();
    let run = tool(&[
        "generate",
        &fixture("package.yaml"),
        "--out",
        &out_arg,
        "--only",
        "carriers",
    ]);
    assert!(run.status.success(), "{}", text(&run));
    let types = fs::read_to_string(out.join("src/generated/types.rs")).expect("types.rs");
    assert!(types.contains("pub struct Carrier"), "{types}");
    assert!(!types.contains("pub struct Parcel"), "{types}");
    assert!(!out.join("src/generated/operations/parcels.rs").exists());

    let run = tool(&[
        "generate",
        &fixture("package.yaml"),
        "--out",
        &out_arg,
        "--only",
        "parcels.get_parcel",
    ]);
    assert!(run.status.success(), "{}", text(&run));
    let types = fs::read_to_string(out.join("src/generated/types.rs")).expect("types.rs");
    assert!(types.contains("pub struct Parcel"), "{types}");
    assert!(!types.contains("pub struct Carrier"), "{types}");

    let run = tool(&[
        "generate",
        &fixture("package.yaml"),
        "--out",
        &out_arg,
        "--only",
        "parcel",
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        text(&run).contains("`--only parcel` names no operation group"),
        "{}",
        text(&run)
    );
    assert!(text(&run).contains("nothing was written"), "{}", text(&run));
}

#[test]
fn a_settings_file_wins_over_the_document_and_its_mistakes_are_located() {
    let out = scratch("settings");
    let settings = out.join("client.yaml");
    fs::write(
        &settings,
        "crate-name: parcel-client\ngroup-features: false\n",
    )
    .expect("settings");
    let settings_arg = settings.display().to_string();
    let crate_dir = out.join("crate");
    let crate_arg = crate_dir.display().to_string();
    let run = tool(&[
        "generate",
        &fixture("package.yaml"),
        "--out",
        &crate_arg,
        "--settings",
        &settings_arg,
    ]);
    assert!(run.status.success(), "{}", text(&run));
    let manifest = fs::read_to_string(crate_dir.join("Cargo.toml")).expect("the manifest");
    assert!(manifest.contains("name = \"parcel-client\""), "{manifest}");
    assert!(manifest.contains("default = [\"rustls\"]\n"), "{manifest}");
    let operations =
        fs::read_to_string(crate_dir.join("src/generated/operations/mod.rs")).expect("mod.rs");
    assert!(!operations.contains("cfg(feature"), "{operations}");

    fs::write(
        &settings,
        "crate-name: parcel-client\nenv:\n  bearer-token: [A, B]\n",
    )
    .expect("settings");
    let run = tool(&[
        "generate",
        &fixture("package.yaml"),
        "--out",
        &crate_arg,
        "--settings",
        &settings_arg,
    ]);
    assert_eq!(run.status.code(), Some(1));
    let report = text(&run);
    assert!(report.contains("client.yaml:3:"), "{report}");
    assert!(report.contains("#/env/bearer-token"), "{report}");
}

#[test]
fn a_broken_document_is_located_and_writes_nothing() {
    let out = scratch("broken");
    let spec = out.join("broken.yaml");
    fs::write(&spec, "openapi: 3.0.3\ninfo:\n  title: Broken\n  version: '1'\npaths:\n  /a:\n    get:\n      responses: [1\n").expect("spec");
    let crate_dir = out.join("crate");
    let run = tool(&[
        "generate",
        &spec.display().to_string(),
        "--out",
        &crate_dir.display().to_string(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run).contains("broken.yaml:"), "{}", text(&run));
    assert!(!crate_dir.exists(), "nothing is written");
}

#[test]
fn diff_reports_in_each_format_and_fails_on_request() {
    let dir = scratch("diff");
    let old = fixture("package.yaml");
    let text_old = fs::read_to_string(&old).expect("the fixture");
    // The newer document drops the carriers operation: a breaking change.
    let cut = text_old.find("  /carriers:").expect("the carriers path");
    let new = dir.join("new.yaml");
    fs::write(&new, &text_old[..cut]).expect("the newer document");
    let new = new.display().to_string();
    let json = tool(&["diff", &old, &new, "--format", "json"]);
    assert!(json.status.success(), "{}", text(&json));
    let value: serde_json::Value =
        serde_json::from_slice(&json.stdout).expect("the JSON report parses");
    assert!(value.to_string().contains("breaking"), "{value}");
    let markdown = tool(&["diff", &old, &new, "--format", "markdown"]);
    assert!(
        text(&markdown).contains("list_carriers"),
        "{}",
        text(&markdown)
    );
    let failing = tool(&["diff", &old, &new, "--fail-on", "breaking"]);
    assert_eq!(failing.status.code(), Some(1), "{}", text(&failing));
    let same = tool(&["diff", &old, &old, "--fail-on", "any"]);
    assert!(same.status.success(), "{}", text(&same));
}
