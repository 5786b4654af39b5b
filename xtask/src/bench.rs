//! `cargo xtask bench`: generation speed and memory, generated-crate compile time, and the
//! client's per-request overhead and paging memory. Prints a table and writes BENCHMARKS.md.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use openapi_rust_generator::{Layout, Options};

mod client;
mod compile;

use client::runtime;
use compile::compile_cost;

pub(super) const RUNS: usize = 10;

pub(crate) struct Row {
    pub(crate) what: String,
    pub(crate) figure: String,
    pub(crate) how: String,
}

/// Where the hand-maintained part of BENCHMARKS.md starts: what was tried and what it gave.
const HISTORY: &str = "\n## Levers and history\n";

/// Entry point of `cargo xtask bench`.
pub fn bench(root: &Path) -> ExitCode {
    let work = root.join("target/bench");
    if let Err(e) = fs::create_dir_all(&work) {
        eprintln!("error: cannot create {}: {e}", work.display());
        return ExitCode::FAILURE;
    }
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let result = (|| -> Result<(), String> {
        generation(root, &work, &mut rows, &mut notes)?;
        api_diff(root, &mut rows)?;
        compile_cost(root, &work, &mut rows, &mut notes)?;
        runtime(root, &mut rows)?;
        Ok(())
    })();
    if let Err(message) = result {
        eprintln!("error: {message}");
        return ExitCode::FAILURE;
    }
    let mut report = report(&rows, &notes);
    // The hand-written history below the marker survives a rerun.
    if let Ok(previous) = fs::read_to_string(root.join("BENCHMARKS.md")) {
        if let Some(at) = previous.find(HISTORY) {
            report.push_str(&previous[at..]);
        }
    }
    print!("{report}");
    if let Err(e) = fs::write(root.join("BENCHMARKS.md"), &report) {
        eprintln!("error: cannot write BENCHMARKS.md: {e}");
        return ExitCode::FAILURE;
    }
    println!("\nwrote BENCHMARKS.md");
    ExitCode::SUCCESS
}

/// The API change report on the two published document pairs, when `../shared/reference/` is
/// present: what `cargo xtask codegen` adds when the spec changed.
fn api_diff(root: &Path, rows: &mut Vec<Row>) -> Result<(), String> {
    let reference = root.join("../shared/reference");
    for (old, new) in [
        (
            "clerk-bapi-2021-02-05-as-of-2024-10.yml",
            "clerk-bapi-2021-02-05.yml",
        ),
        ("clerk-bapi-2021-02-05.yml", "clerk-bapi-2026-05-12.yml"),
    ] {
        if !reference.join(new).exists() {
            return Ok(());
        }
        let out = run(release_xtask("bench-api-diff")
            .arg(reference.join(old))
            .arg(reference.join(new))
            .arg(RUNS.to_string())
            .current_dir(root))?;
        let line = out.lines().last().unwrap_or_default().to_owned();
        rows.push(Row {
            what: format!(
                "API change report, {old} → {new} ({} findings)",
                field(&line, "findings")
            ),
            figure: format!(
                "{} ms median of {RUNS}, all that `cargo xtask codegen` adds for its summary (loading and lowering one document alone: {} ms)",
                field(&line, "median_ms"),
                field(&line, "lowering_ms")
            ),
            how: format!("cargo run --release -p xtask -- bench-api-diff OLD NEW {RUNS}"),
        });
        println!(
            "{}: {}",
            rows.last().map_or("", |r| &r.what),
            rows.last().map_or("", |r| &r.figure)
        );
    }
    Ok(())
}

/// `cargo xtask bench-api-diff OLD NEW RUNS`: the API change report between two documents,
/// RUNS times; prints its median time, and that of loading and lowering the old document
/// alone (half of comparing it with itself).
pub fn bench_api_diff(args: &[String]) -> ExitCode {
    let (Some(old), Some(new), Some(runs)) = (
        args.first(),
        args.get(1),
        args.get(2).and_then(|r| r.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: cargo xtask bench-api-diff OLD NEW RUNS");
        return ExitCode::from(2);
    };
    let (Ok(old_text), Ok(new_text)) = (fs::read_to_string(old), fs::read_to_string(new)) else {
        eprintln!("error: cannot read the documents");
        return ExitCode::FAILURE;
    };
    let options = Options::new(Layout::Modules);
    let no_files = |path: &str| Err(format!("no file {path}"));
    let mut whole = Vec::new();
    let mut lowering = Vec::new();
    let mut findings = 0;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let report = openapi_rust_generator::api_diff(
            (old, &old_text),
            (new, &new_text),
            &options,
            &no_files,
        );
        whole.push(started.elapsed().as_secs_f64() * 1000.0);
        findings = report.map(|r| r.changes.len()).unwrap_or(0);
        let started = Instant::now();
        let _ = openapi_rust_generator::api_diff(
            (old, &old_text),
            (old, &old_text),
            &options,
            &no_files,
        );
        lowering.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (whole, same) = (median(whole), median(lowering));
    println!(
        "findings {findings} median_ms {whole:.1} lowering_ms {:.1}",
        same / 2.0
    );
    ExitCode::SUCCESS
}

/// `cargo xtask bench-generate SPEC RUNS`: generates SPEC in-process RUNS times and prints the
/// median time, the peak resident memory, and the size of the output. Run in release mode by
/// `cargo xtask bench`.
pub fn bench_generate(args: &[String]) -> ExitCode {
    let (Some(spec), Some(runs)) = (
        args.first(),
        args.get(1).and_then(|r| r.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: cargo xtask bench-generate SPEC RUNS [THREADS]");
        return ExitCode::from(2);
    };
    let threads = args.get(2).and_then(|t| t.parse::<usize>().ok());
    let text = match fs::read_to_string(spec) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot read {spec}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let dir = Path::new(spec)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let read_file =
        |relative: &str| fs::read_to_string(dir.join(relative)).map_err(|e| e.to_string());
    let mut times = Vec::with_capacity(runs);
    let mut summary = (0, 0, 0);
    // Per stage and rendering step, every run's time, for the medians of the profile.
    let mut phases: Vec<(&'static str, Vec<f64>)> = Vec::new();
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let mut options = Options::new(Layout::Modules);
        if let Some(threads) = threads {
            options = options.threads(threads);
        }
        let (output, profile) =
            match openapi_rust_generator::generate_profiled(spec, &text, &options, &read_file) {
                Ok(result) => result,
                Err(diagnostics) => {
                    eprintln!("{diagnostics}");
                    return ExitCode::FAILURE;
                }
            };
        times.push(started.elapsed().as_secs_f64());
        for (i, (name, time)) in profile
            .stages
            .iter()
            .chain(&profile.render_steps)
            .enumerate()
        {
            if phases.len() <= i {
                phases.push((name, Vec::new()));
            }
            phases[i].1.push(time.as_secs_f64());
        }
        let lines = output
            .files
            .values()
            .map(|f| f.lines().count())
            .sum::<usize>();
        summary = (output.operations, output.types, lines);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let profile: Vec<String> = phases
        .iter_mut()
        .map(|(name, times)| {
            times.sort_by(f64::total_cmp);
            format!(
                "{}={:.1}",
                name.split(' ').next().unwrap_or(name),
                times[times.len() / 2] * 1000.0
            )
        })
        .collect();
    println!(
        "median_ms {:.1} peak_kib {} operations {} types {} lines {} profile_ms {}",
        median * 1000.0,
        peak_kib(),
        summary.0,
        summary.1,
        summary.2,
        profile.join(",")
    );
    ExitCode::SUCCESS
}

/// `cargo run --release -p xtask -- <subcommand>`: measurements run in a release build.
pub(super) fn release_xtask(subcommand: &str) -> Command {
    let mut command = Command::new("cargo");
    command.args([
        "run",
        "--release",
        "--quiet",
        "-p",
        "xtask",
        "--",
        subcommand,
    ]);
    command
}

pub(super) fn peak_kib() -> u64 {
    fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

pub(super) fn run(command: &mut Command) -> Result<String, String> {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{shown} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

pub(super) fn field<'a>(line: &'a str, name: &str) -> &'a str {
    let mut words = line.split_whitespace();
    while let Some(word) = words.next() {
        if word == name {
            return words.next().unwrap_or("?");
        }
    }
    "?"
}

fn reference_documents(root: &Path) -> Vec<PathBuf> {
    let mut documents: Vec<PathBuf> = fs::read_dir(root.join("../shared/reference"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
                .collect()
        })
        .unwrap_or_default();
    documents.sort();
    documents
}

fn generation(
    root: &Path,
    work: &Path,
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    // openapi-generator's jar, for a paired whole-process run against it.
    let peer = std::env::var_os("OPENAPI_GENERATOR_JAR").map(PathBuf::from);
    let mut inputs = vec![(
        "spec/clerk-backend-api.yaml".to_owned(),
        root.join("spec/clerk-backend-api.yaml"),
    )];
    let references = reference_documents(root);
    if references.is_empty() {
        notes.push("The published documents in ../shared/reference/ are not present; their rows are skipped.".into());
    }
    for path in references {
        let name = format!(
            "reference/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        inputs.push((name, path));
    }
    for operations in [100, 1_000, 10_000] {
        let path = work.join(format!("synthetic-{operations}.yaml"));
        fs::write(&path, synthetic(operations))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        inputs.push((format!("synthetic, {operations} operations"), path));
    }
    let mut synthetic_ms: Vec<f64> = Vec::new();
    for (name, path) in inputs {
        let runs = if name.contains("10000") {
            3.max(RUNS / 3)
        } else {
            RUNS
        };
        // The largest published document is also profiled on one thread: the phase profile
        // without parallel rendering.
        let thread_counts: &[Option<usize>] = if name.ends_with("2026-05-12.yml") {
            &[None, Some(1)]
        } else {
            &[None]
        };
        for threads in thread_counts {
            let mut command = release_xtask("bench-generate");
            command.arg(&path).arg(runs.to_string()).current_dir(root);
            if let Some(threads) = threads {
                command.arg(threads.to_string());
            }
            let out = run(&mut command)?;
            let line = out.lines().last().unwrap_or_default().to_owned();
            let median = field(&line, "median_ms");
            let in_process = median.to_owned();
            if name.starts_with("synthetic") && threads.is_none() {
                synthetic_ms.push(median.parse().unwrap_or(0.0));
            }
            let profile = field(&line, "profile_ms")
                .replace('=', " ")
                .replace(',', ", ");
            rows.push(Row {
                what: match threads {
                    None => format!(
                        "generate {name} ({} operations, {} types, {} lines)",
                        field(&line, "operations"),
                        field(&line, "types"),
                        field(&line, "lines")
                    ),
                    Some(n) => format!("same, rendered on {n} thread (the phase profile without parallelism)"),
                },
                figure: format!(
                    "{median} ms median of {runs}, peak {} MiB; ms per phase (emit, parse and print summed over threads): {profile}",
                    kib_to_mib(field(&line, "peak_kib"))
                ),
                how: format!(
                    "cargo run --release -p xtask -- bench-generate {} {runs}{}",
                    display(root, &path),
                    threads.map(|n| format!(" {n}")).unwrap_or_default()
                ),
            });
            println!(
                "{}: {}",
                rows.last().map_or("", |r| &r.what),
                rows.last().map_or("", |r| &r.figure)
            );
            if threads.is_none() && (name.starts_with("spec/") || name.ends_with("2026-05-12.yml"))
            {
                rows.push(crate::whole_process::whole_process(
                    root,
                    work,
                    &path,
                    Some(&in_process),
                    peer.as_deref(),
                )?);
                println!("{}", rows.last().map_or("", |r| &r.figure));
            }
        }
    }
    if let [_, thousand, ten_thousand] = synthetic_ms[..] {
        rows.push(Row {
            what: "scaling: 10,000 operations against 1,000".into(),
            figure: format!(
                "{:.1}× the time for 10× the operations (goal: at most 10×)",
                ten_thousand / thousand
            ),
            how: "the two synthetic rows above".into(),
        });
    }
    Ok(())
}

pub(super) fn kib_to_mib(kib: &str) -> String {
    kib.parse::<f64>()
        .map_or_else(|_| "?".into(), |k| format!("{:.1}", k / 1024.0))
}

pub(crate) fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A document with `operations` operations over `operations / 5` resources, each with a list,
/// create, get, update and delete operation and two schemas.
fn synthetic(operations: usize) -> String {
    let resources = operations.div_ceil(5);
    let mut paths = String::new();
    let mut schemas = String::new();
    for r in 0..resources {
        let _ = write!(
            paths,
            "  /resources{r}:\n    get:\n      operationId: Resource{r}_list\n      tags: [Resource{r}]\n      parameters:\n        - {{name: limit, in: query, schema: {{type: integer, minimum: 1, maximum: 100, default: 10}}}}\n        - {{name: offset, in: query, schema: {{type: integer, minimum: 0}}}}\n        - {{name: status, in: query, schema: {{type: string, enum: [active, archived]}}}}\n      responses:\n        \"200\": {{description: A page, content: {{application/json: {{schema: {{type: object, required: [data, total_count], properties: {{data: {{type: array, items: {{$ref: '#/components/schemas/Resource{r}'}}}}, total_count: {{type: integer}}}}}}}}}}}}\n        \"422\": {{description: Invalid, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Errors'}}}}}}}}\n    post:\n      operationId: Resource{r}_create\n      tags: [Resource{r}]\n      requestBody: {{required: true, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Resource{r}Input'}}}}}}}}\n      responses:\n        \"200\": {{description: Created, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Resource{r}'}}}}}}}}\n  /resources{r}/{{id}}:\n    parameters:\n      - {{name: id, in: path, required: true, schema: {{type: string}}}}\n    get:\n      operationId: Resource{r}_get\n      tags: [Resource{r}]\n      responses:\n        \"200\": {{description: One, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Resource{r}'}}}}}}}}\n        \"404\": {{description: Missing, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Errors'}}}}}}}}\n    patch:\n      operationId: Resource{r}_update\n      tags: [Resource{r}]\n      requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/Resource{r}Input'}}}}}}}}\n      responses:\n        \"200\": {{description: Updated, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Resource{r}'}}}}}}}}\n    delete:\n      operationId: Resource{r}_delete\n      tags: [Resource{r}]\n      responses:\n        \"200\": {{description: Deleted, content: {{application/json: {{schema: {{type: object, properties: {{deleted: {{type: boolean}}}}}}}}}}}}\n"
        );
        let _ = write!(
            schemas,
            "    Resource{r}:\n      type: object\n      required: [id, name, created_at]\n      properties:\n        id: {{type: string}}\n        name: {{type: string}}\n        description: {{type: string, nullable: true}}\n        status: {{type: string, enum: [active, archived]}}\n        tags: {{type: array, items: {{type: string}}}}\n        metadata: {{type: object, additionalProperties: true}}\n        owner: {{type: object, properties: {{id: {{type: string}}, email: {{type: string}}}}}}\n        created_at: {{type: integer, format: int64}}\n    Resource{r}Input:\n      type: object\n      required: [name]\n      properties:\n        name: {{type: string}}\n        description: {{type: string, nullable: true}}\n        tags: {{type: array, maxItems: 10, items: {{type: string}}}}\n"
        );
    }
    format!(
        "openapi: 3.0.3\ninfo: {{title: Synthetic, version: '1'}}\nservers: [{{url: 'https://api.example.com'}}]\npaths:\n{paths}components:\n  schemas:\n    Errors:\n      type: object\n      properties:\n        errors: {{type: array, items: {{type: object, properties: {{code: {{type: string}}}}}}}}\n{schemas}"
    )
}

fn report(rows: &[Row], notes: &[String]) -> String {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(|| "?".into(), |k| format!("{:.1} GiB", k / 1024.0 / 1024.0));
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let mut text = String::from(
        "# Benchmarks\n\nWritten by `cargo xtask bench`; rerun it to refresh every figure.\n\n",
    );
    let _ = writeln!(
        text,
        "Machine: {cores} cores, {memory} of memory; {rustc}.\n"
    );
    text.push_str("| what | result | command |\n| --- | --- | --- |\n");
    for row in rows {
        let _ = writeln!(text, "| {} | {} | `{}` |", row.what, row.figure, row.how);
    }
    text.push_str(
        "\nHow the figures are taken: generation runs in-process in a release build and reports the median \
         of its runs and the process's peak resident memory; compile times are for the generated crate alone, \
         its dependencies built beforehand in `target/bench/target`, both as cargo builds a dependency (`CARGO_INCREMENTAL=0`) and as it builds a workspace member; the runtime figures come from a release \
         build talking to a server on 127.0.0.1.\n\nCompile-time design: each operation group is a cargo feature \
         (all on by default) and every generated type is compiled only with the groups that use it; compare the \
         full 249-operation crate with its `users`-only build above. Operations share one non-generic request \
         path in the runtime, and `send` returns the runtime's future rather than a state machine of its own; \
         the only generic code instantiated per response type is its JSON decoding. Types implement \
         `Serialize` only when the client sends them and `Deserialize` only when it receives them (the \
         `serialize` feature adds `Serialize` to received types).\n",
    );
    if !notes.is_empty() {
        text.push('\n');
        for note in notes {
            let _ = writeln!(text, "- {note}");
        }
    }
    text
}
