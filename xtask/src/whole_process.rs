//! What a user waits for: generation as a whole process, started fresh each time, beside the
//! parts it is made of (cargo's start, the binary alone, the installed generator) and, when
//! its jar is given, openapi-generator's Rust client generator on the same document in a
//! paired run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use crate::bench::{Row, display};

/// Fresh processes per figure (pairs, for the paired run).
const PROCESS_RUNS: usize = 5;

/// `cargo xtask bench-process SPEC [--peer JAR]`: the whole-process row of `cargo xtask
/// bench` alone. `--peer` (or `OPENAPI_GENERATOR_JAR`) names an `openapi-generator-cli` jar,
/// run with `java` in turn with the installed generator.
pub fn bench_process(root: &Path, args: &[String]) -> ExitCode {
    let (spec, peer) = match args {
        [spec] => (
            spec,
            std::env::var_os("OPENAPI_GENERATOR_JAR").map(PathBuf::from),
        ),
        [spec, flag, jar] if flag == "--peer" => (spec, Some(PathBuf::from(jar))),
        _ => {
            eprintln!("usage: cargo xtask bench-process SPEC [--peer OPENAPI_GENERATOR_JAR]");
            return ExitCode::from(2);
        }
    };
    let work = root.join("target/bench");
    let row = fs::create_dir_all(&work)
        .map_err(|e| format!("cannot create {}: {e}", work.display()))
        .and_then(|()| whole_process(root, &work, Path::new(spec), None, peer.as_deref()));
    match row {
        Ok(row) => {
            println!("{}: {}", row.what, row.figure);
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Fresh output folders, one per run, under one folder removed at the end.
///
/// Each run writes into a folder no earlier run used. Deleting and recreating the same folder
/// before each run makes the file system's cost of creating files grow run after run (on ext4,
/// new files skip the inodes freed moments ago), so a loop that did so measured its own
/// cleanup; a new user writes into a new folder.
struct Folders {
    base: PathBuf,
    used: std::cell::Cell<usize>,
}

impl Folders {
    fn new(base: PathBuf) -> Self {
        let _ = fs::remove_dir_all(&base);
        Self {
            base,
            used: std::cell::Cell::new(0),
        }
    }

    /// A folder path that no run has used yet (it does not exist).
    fn next(&self, tool: &str) -> PathBuf {
        let n = self.used.get();
        self.used.set(n + 1);
        self.base.join(format!("{tool}-{n}"))
    }
}

impl Drop for Folders {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.base);
    }
}

/// Runs `make(out)`'s command once with a new output folder, its output discarded, and
/// returns its wall time in ms.
///
/// The file system's dirty pages are written out first (`sync`, where there is one; with
/// hyperfine one would pass `--prepare sync`): otherwise the kernel writes back the files of the run
/// before (openapi-generator's hundreds, in a paired run) while this one is being timed.
fn timed(make: &dyn Fn(&Path) -> Command, out: PathBuf, must_succeed: bool) -> Result<f64, String> {
    // Best effort: a platform without `sync` times the run as it is.
    let _ = Command::new("sync")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let mut command = make(&out);
    let started = Instant::now();
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    if must_succeed && !status.success() {
        return Err(format!("{command:?} failed"));
    }
    Ok(elapsed)
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// `cargo xtask codegen --spec PATH --out DIR`, a fresh process each time, beside the xtask
/// binary alone, the installed generator (its release build) and cargo's own start (its
/// freshness check of the workspace), so the difference from the in-process figure is
/// accounted for; with `peer`, the installed generator and openapi-generator in turn.
pub(crate) fn whole_process(
    root: &Path,
    work: &Path,
    spec: &Path,
    in_process: Option<&str>,
    peer: Option<&Path>,
) -> Result<Row, String> {
    let folders = Folders::new(work.join("whole-process"));
    let median_of = |make: &dyn Fn(&Path) -> Command, must_succeed: bool| -> Result<f64, String> {
        let times = (0..PROCESS_RUNS)
            .map(|_| timed(make, folders.next("ours"), must_succeed))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(median(times))
    };
    let binary = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let codegen = |program: &Path, prefix: &[&str], out: &Path| {
        let mut command = Command::new(program);
        command
            .args(prefix)
            .arg("codegen")
            .arg("--spec")
            .arg(spec)
            .arg("--out")
            .arg(out)
            .current_dir(root);
        command
    };
    let through_cargo = median_of(&|out| codegen(Path::new("cargo"), &["xtask"], out), true)?;
    let alone = median_of(&|out| codegen(&binary, &[], out), true)?;
    // An unknown subcommand: cargo starts and checks the build, and xtask prints its usage.
    let cargo_start = median_of(
        &|_| {
            let mut command = Command::new("cargo");
            command.args(["xtask", "--version"]).current_dir(root);
            command
        },
        false,
    )?;
    let installed = installed_generator(root)?;
    let generate = |out: &Path| {
        let mut command = Command::new(&installed);
        command
            .arg("generate")
            .arg(spec)
            .arg("--out")
            .arg(out)
            .current_dir(root);
        command
    };
    let (ours, versus) = match peer {
        None => (median_of(&generate, true)?, String::new()),
        Some(jar) => {
            let openapi_generator = |out: &Path| {
                let mut command = Command::new("java");
                command
                    .arg("-jar")
                    .arg(jar)
                    .args(["generate", "-g", "rust", "-i"])
                    .arg(spec)
                    .arg("-o")
                    .arg(out)
                    .current_dir(root);
                command
            };
            let mut ours = Vec::new();
            let mut theirs = Vec::new();
            for _ in 0..PROCESS_RUNS {
                ours.push(timed(&generate, folders.next("ours"), true)?);
                theirs.push(timed(
                    &openapi_generator,
                    folders.next("openapi-generator"),
                    true,
                )?);
            }
            let (ours, theirs) = (median(ours), median(theirs));
            (
                ours,
                format!(
                    "; openapi-generator (`java -jar {} generate -g rust`) {theirs:.0} ms in the same paired run: the installed generator takes {:.3}x its time, through cargo {:.3}x",
                    jar.file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                    ours / theirs,
                    through_cargo / theirs
                ),
            )
        }
    };
    Ok(Row {
        what: format!(
            "whole process: `cargo xtask codegen --spec {} --out DIR`",
            display(root, spec)
        ),
        figure: format!(
            "{through_cargo:.0} ms median of {PROCESS_RUNS} fresh processes: the xtask binary alone {alone:.0} ms (generation{}, plus reading the document, writing the crate and starting the process), cargo's start and freshness check {cargo_start:.0} ms; the installed generator (`openapi-rust-generator generate`, release build) {ours:.0} ms{versus}",
            in_process.map_or(String::new(), |ms| format!(
                ", {ms} ms in process in the release build above"
            ))
        ),
        how: "cargo xtask bench (a fresh process and a new output folder per run, after a sync)"
            .into(),
    })
}

/// The generator's command-line program as `cargo install` builds it (release profile),
/// built here if needed.
fn installed_generator(root: &Path) -> Result<PathBuf, String> {
    let status = Command::new("cargo")
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "openapi-rust-generator",
            "--bin",
            "openapi-rust-generator",
        ])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cannot build the generator's release binary".into());
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    Ok(target.join("release").join(format!(
        "openapi-rust-generator{}",
        std::env::consts::EXE_SUFFIX
    )))
}
