//! The checked-in client and conformance sweep are what `cargo xtask codegen` writes from
//! `spec/`: the test runs the command itself in check mode, so the freshness check has one
//! implementation (`plan` in `src/main.rs`) for the command, CI and the tests.

use std::process::Command;

#[test]
fn the_checked_in_generated_files_are_fresh() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check"])
        .output()
        .expect("run xtask");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("files up to date (212 operations"),
        "{stdout}{stderr}"
    );
}

#[test]
fn a_stale_file_is_reported_with_its_diff() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf();
    let scratch = root.join("target/xtask-fresh-test");
    let _ = std::fs::remove_dir_all(&scratch);
    let spec = root.join("generator/tests/fixtures/bodies.yaml");
    let write = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .arg("--spec")
        .arg(&spec)
        .arg("--out")
        .arg(&scratch)
        .output()
        .expect("run xtask");
    assert!(write.status.success(), "{write:?}");
    let lib = scratch.join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).expect("the crate's lib.rs");
    std::fs::write(&lib, text.replacen("//!", "//! edited by hand;", 1)).expect("edit lib.rs");
    let check = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .arg("--check")
        .arg("--spec")
        .arg(&spec)
        .arg("--out")
        .arg(&scratch)
        .output()
        .expect("run xtask");
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(!check.status.success(), "{stdout}");
    assert!(stdout.contains("stale: "), "{stdout}");
    assert!(stdout.contains("edited by hand"), "{stdout}");
}
