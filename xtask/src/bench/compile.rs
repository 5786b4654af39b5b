//! The generated crate's compile cost: `cargo check` and `cargo build` of it, cold and after
//! one change, for spec/ and synthetic documents of growing size.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use openapi_rust_generator::{Layout, Options, generate_with_files};

use super::{Row, run};

pub(super) fn compile_cost(
    root: &Path,
    work: &Path,
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let target = work.join("target");
    let mut inputs = vec![
        (
            "clerk-spec".to_owned(),
            root.join("spec/clerk-backend-api.yaml"),
            None,
        ),
        (
            "clerk-spec-users-sessions".to_owned(),
            root.join("spec/clerk-backend-api.yaml"),
            Some("users,sessions"),
        ),
    ];
    let newest = root.join("../shared/reference/clerk-bapi-2026-05-12.yml");
    if newest.exists() {
        inputs.push(("clerk-reference-249".to_owned(), newest.clone(), None));
        inputs.push((
            "clerk-reference-serialize".to_owned(),
            newest.clone(),
            Some("serialize"),
        ));
        inputs.push((
            "clerk-reference-users-feature".to_owned(),
            newest,
            Some("users"),
        ));
    } else {
        notes.push(
            "The 249-operation reference document is not present; its compile rows are skipped."
                .into(),
        );
    }
    for (name, spec, only_feature) in inputs {
        let text = fs::read_to_string(&spec)
            .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
        let output = generate_with_files(
            &spec.display().to_string(),
            &text,
            &Options::new(Layout::Crate),
            &|_| Err("single file".into()),
        )
        .map_err(|d| d.to_string())?;
        let dir = work.join("crates").join(&name);
        let _ = fs::remove_dir_all(&dir);
        for (file, contents) in &output.files {
            let contents = if file == "Cargo.toml" {
                let package = contents
                    .lines()
                    .find(|l| l.starts_with("name = "))
                    .unwrap_or_default()
                    .to_owned();
                contents.replace(&package, &format!("name = \"bench-{name}\""))
            } else {
                contents.clone()
            };
            let path = dir.join(file);
            fs::create_dir_all(path.parent().unwrap_or(&dir)).map_err(|e| e.to_string())?;
            fs::write(&path, contents).map_err(|e| e.to_string())?;
        }
        if let Ok(lock) = fs::read(root.join("Cargo.lock")) {
            let _ = fs::write(dir.join("Cargo.lock"), lock);
        }
        let lines: usize = output
            .files
            .iter()
            .filter(|(f, _)| f.starts_with("src/generated/"))
            .map(|(_, c)| c.lines().count())
            .sum();
        let features: Vec<String> = match only_feature {
            // Everything by default, and `Serialize` on the received types too.
            Some("serialize") => vec!["--features".into(), "serialize".into()],
            Some(feature) => vec![
                "--no-default-features".into(),
                "--features".into(),
                format!("rustls,{feature}"),
            ],
            None => Vec::new(),
        };
        let cargo = |args: &[&str]| {
            let mut command = Command::new("cargo");
            command
                .args(args)
                .args(&features)
                .current_dir(&dir)
                .env("CARGO_TARGET_DIR", &target);
            command
        };
        let package = format!("bench-{name}");
        // Dependencies first, so the timings below are of the generated crate alone.
        run(&mut cargo(&["build", "--quiet"]))?;
        run(&mut cargo(&["check", "--quiet"]))?;
        // The better of two timings, with cargo's incremental cache (a path dependency or a
        // workspace member) or without it (a dependency from a registry or git, which cargo
        // never builds incrementally).
        let timed = |verb: &str, incremental: bool| -> Result<f64, String> {
            let mut best = f64::MAX;
            for _ in 0..2 {
                run(Command::new("cargo")
                    .args(["clean", "--quiet", "-p", &package])
                    .current_dir(&dir)
                    .env("CARGO_TARGET_DIR", &target))?;
                let started = Instant::now();
                run(cargo(&[verb, "--quiet"])
                    .env("CARGO_INCREMENTAL", if incremental { "1" } else { "0" }))?;
                best = best.min(started.elapsed().as_secs_f64());
            }
            Ok(best)
        };
        let (check, build) = (timed("check", false)?, timed("build", false)?);
        let (check_incremental, build_incremental) = (timed("check", true)?, timed("build", true)?);
        let what = match name.as_str() {
            "clerk-spec" => format!(
                "generated crate for spec/ ({} operations, {lines} generated lines)",
                output.operations
            ),
            "clerk-reference-249" => {
                format!(
                    "generated crate for the 249-operation reference ({} operations, {lines} generated lines)",
                    output.operations
                )
            }
            "clerk-reference-serialize" => "same crate with the `serialize` feature (`Serialize` on received types too)".to_owned(),
            "clerk-spec-users-sessions" => "generated crate for spec/, only the `users` and `sessions` groups (`--no-default-features --features rustls,users,sessions`)".to_owned(),
            _ => "same crate, only the `users` group feature (`--no-default-features --features rustls,users`)".to_owned(),
        };
        rows.push(Row {
            what,
            figure: format!("as a dependency: cargo check {check:.1} s, cargo build {build:.1} s; as a workspace member (incremental): check {check_incremental:.1} s, build {build_incremental:.1} s"),
            how: format!("cargo xtask bench (crate in target/bench/crates/{name}; dependencies prebuilt, then `cargo clean -p {package}` before each timing; best of two)"),
        });
        println!(
            "{}: {}",
            rows.last().map_or("", |r| &r.what),
            rows.last().map_or("", |r| &r.figure)
        );
    }
    Ok(())
}
