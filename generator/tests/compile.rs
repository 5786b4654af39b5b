//! Every fixture, `spec/` itself and, when `../shared/reference/` is present, the API's published
//! documents generate standalone crates that pass `cargo clippy --all-targets -- -D warnings`
//! with every operation present. A fixture with a test in `fixture-tests/` (same name, `.rs`)
//! has it copied into its crate and run there.
//!
//! The crates are members of one scratch workspace under `target/`, so they share one build of
//! their dependencies; unchanged files are not rewritten, so reruns are incremental.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use openapi_rust_generator::{Layout, Options, generate_with_files};
use scratch::{write_if_changed, write_member};

mod scratch;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

/// The operations in a document, counted independently of the generator.
fn count_operations(text: &str) -> usize {
    // Only the shape of `paths` is read, so values the YAML value tree cannot hold (integers
    // beyond 64 bits) do not matter.
    #[derive(serde::Deserialize)]
    struct Document {
        #[serde(default)]
        paths: std::collections::BTreeMap<
            String,
            std::collections::BTreeMap<String, serde::de::IgnoredAny>,
        >,
    }
    // A JSON document may hold escapes (surrogate pairs) that YAML parsers refuse.
    let document: Document = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).expect("valid JSON")
    } else {
        serde_yaml::from_str(text).expect("valid YAML")
    };
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    document
        .paths
        .values()
        .map(|item| {
            item.keys()
                .filter(|k| methods.contains(&k.as_str()))
                .count()
        })
        .sum()
}

#[test]
fn fixtures_spec_and_published_documents_generate_crates_that_pass_clippy() {
    let root = workspace();
    let scratch = root.join("target/generated-crates");
    let mut inputs: Vec<(String, PathBuf)> = fs::read_dir(root.join("generator/tests/fixtures"))
        .expect("the fixtures")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .map(|p| {
            (
                p.file_stem()
                    .expect("a name")
                    .to_string_lossy()
                    .replace('-', "_"),
                p,
            )
        })
        .collect();
    inputs.push(("clerk".into(), root.join("spec/clerk-backend-api.yaml")));
    let reference = root.join("../shared/reference");
    match fs::read_dir(&reference) {
        Ok(entries) => {
            for path in entries.map(|e| e.expect("an entry").path()) {
                if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                    let stem = path
                        .file_stem()
                        .expect("a name")
                        .to_string_lossy()
                        .replace(['-', '.'], "_");
                    inputs.push((format!("reference_{stem}"), path));
                }
            }
        }
        Err(_) => println!(
            "skipped the published documents: {} is not present",
            reference.display()
        ),
    }
    inputs.sort();

    let mut members = Vec::new();
    let mut tested = Vec::new();
    for (name, path) in &inputs {
        let text = fs::read_to_string(path).expect("the spec");
        let dir = path.parent().expect("a folder").to_path_buf();
        let read_file =
            |relative: &str| fs::read_to_string(dir.join(relative)).map_err(|e| e.to_string());
        // The package is named for the scratch workspace, so that its README's quickstart
        // (a doctest) names the crate it is compiled in.
        let options =
            Options::new(Layout::Crate).setting("crate-name", format!("fixture-{name}").as_str());
        let output = generate_with_files(&path.display().to_string(), &text, &options, &read_file)
            .unwrap_or_else(|d| panic!("{d}"));
        println!(
            "{name}: {} operations, {} types, {} warnings",
            output.operations,
            output.types,
            output.warnings.len()
        );
        assert_eq!(
            output.operations,
            count_operations(&text),
            "{name}: every operation is generated"
        );
        let dir = scratch.join(name);
        // A fixture may come with a test of its own, run inside its crate with a small
        // blocking server (`fixture-tests/support.rs`) and tokio's test runtime.
        let tests = root.join("generator/tests/fixture-tests");
        let own_test = tests.join(format!("{}.rs", name.replace('_', "-")));
        let files = output.files.clone();
        if let Ok(test) = fs::read_to_string(&own_test) {
            // The crate's dev-dependencies already hold tokio's macros and runtime.
            write_if_changed(&dir.join(format!("tests/{name}.rs")), &test);
            let support = fs::read_to_string(tests.join("support.rs")).expect("the support module");
            write_if_changed(&dir.join("tests/support/mod.rs"), &support);
            tested.push(format!("fixture-{name}"));
        }
        write_member(&dir, &format!("fixture-{name}"), &files);
        members.push(format!("\"{name}\""));
    }
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    write_if_changed(&scratch.join("Cargo.toml"), &manifest);
    if !scratch.join("Cargo.lock").exists() {
        fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).expect("seed the lock file");
    }

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            // The typed mock too; it turns on `serialize`, whose derives are all it adds.
            "--features",
            "testing",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ])
        .current_dir(&scratch)
        .env(
            "CARGO_TARGET_DIR",
            root.join("target/generated-crates-target"),
        )
        .env_remove("RUSTFLAGS")
        .status()
        .expect("run cargo clippy");
    assert!(
        status.success(),
        "a generated crate in {} does not pass clippy",
        scratch.display()
    );
    assert!(
        !tested.is_empty(),
        "the fixtures with tests of their own were found"
    );
    for package in &tested {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["test", "--quiet", "-p", package])
            .current_dir(&scratch)
            .env(
                "CARGO_TARGET_DIR",
                root.join("target/generated-crates-target"),
            )
            .env_remove("RUSTFLAGS")
            .status()
            .expect("run cargo test");
        assert!(status.success(), "the tests of {package} fail");
    }
}
