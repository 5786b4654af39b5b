//! `cargo xtask conformance`: the generated client against Stoplight Prism, a mock server that
//! validates every request against a spec and answers with schema-shaped responses.
//!
//! Every document is an oracle: spec/ itself, and each of the API's own published documents
//! in `../shared/reference/` (`clerk-bapi-*.yml`), when that folder exists. Each one is served
//! with static responses (with the declared 404/422 answers requested too), then with dynamic
//! responses under three seeds. Before the first sweep of each oracle, a deliberately broken
//! request must be reported, so that a clean sweep means something.
//!
//! The gate: no response fails to decode against any oracle, every operation is exercised,
//! and spec/ sees no request violation. A violation against a published document is drift
//! between it and spec/: printed, by operation and field, but not a failure.

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const PRISM_PACKAGE: &str = "@stoplight/prism-cli@5.16.0";
const SEEDS: &[&str] = &["1", "2", "3"];
const OUR_SPEC: &str = "spec/clerk-backend-api.yaml";
const REFERENCE: &str = "../shared/reference";

struct Options {
    oracle_spec: Option<PathBuf>,
    base_url: Option<String>,
    /// Documents to generate a client and a sweep for (`--spec`), in place of spec/.
    specs: Vec<PathBuf>,
    /// The verdicts `--spec` runs are compared with (`--expect`), or written to (`--bless`).
    expect: Option<PathBuf>,
    bless: bool,
}

/// A document the client is checked against.
pub(crate) struct Oracle {
    /// How the table names it.
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    /// Whether the client was generated from it, so that a request violation is a failure
    /// rather than drift.
    pub(crate) ours: bool,
    /// Whether the Clerk-specific self-check (a broken `limit`) applies.
    pub(crate) self_check: bool,
    /// The credentials the runner sends, when not its default secret key.
    pub(crate) token: Option<String>,
}

/// What the sweeps of one oracle found, totalled over its rounds.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) requests: usize,
    pub(crate) violations: usize,
    pub(crate) decode_failures: usize,
    pub(crate) corrections: usize,
    /// Answers the mock could not make.
    pub(crate) unmockable: usize,
    pub(crate) complete: bool,
    /// Why the mock server stopped during a sweep, when it did (the rounds after are skipped).
    pub(crate) crashed: Option<String>,
}

impl Tally {
    fn add(&mut self, round: &Tally) {
        self.requests += round.requests;
        self.violations += round.violations;
        self.decode_failures += round.decode_failures;
        self.corrections += round.corrections;
        self.unmockable += round.unmockable;
        self.complete &= round.complete;
    }

    /// Reads the runner's `tally ...` line.
    fn parse(line: &str) -> Option<Tally> {
        let mut tally = Tally::default();
        for pair in line.strip_prefix("tally ")?.split_whitespace() {
            let (key, value) = pair.split_once('=')?;
            match key {
                "complete" => tally.complete = value == "true",
                _ => {
                    let value: usize = value.parse().ok()?;
                    match key {
                        "requests" => tally.requests = value,
                        "violations" => tally.violations = value,
                        "decode_failures" => tally.decode_failures = value,
                        "corrections" => tally.corrections = value,
                        "unmockable" => tally.unmockable = value,
                        _ => return None,
                    }
                }
            }
        }
        Some(tally)
    }

    pub(crate) fn passed(&self, ours: bool) -> bool {
        self.crashed.is_none()
            && self.complete
            && self.decode_failures == 0
            && (!ours || self.violations == 0)
    }
}

/// Stops the server when dropped, also when the sweep fails.
struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Entry point of `cargo xtask conformance [--oracle-spec PATH] [--base-url URL]`.
pub fn conformance(root: &Path, args: &[String]) -> ExitCode {
    let options = match parse(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!(
                "error: {message}\nusage: cargo xtask conformance [--oracle-spec PATH] [--base-url URL] [--spec PATH]... [--spec-dir DIR] [--expect FILE [--bless]]"
            );
            return ExitCode::from(2);
        }
    };
    match run(root, &options) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        oracle_spec: None,
        base_url: None,
        specs: Vec::new(),
        expect: None,
        bless: false,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--oracle-spec" => {
                options.oracle_spec = Some(iter.next().ok_or("--oracle-spec needs a path")?.into())
            }
            "--base-url" => {
                options.base_url = Some(iter.next().ok_or("--base-url needs a URL")?.clone())
            }
            "--spec" => options
                .specs
                .push(iter.next().ok_or("--spec needs a path")?.into()),
            "--expect" => options.expect = Some(iter.next().ok_or("--expect needs a path")?.into()),
            "--bless" => options.bless = true,
            "--spec-dir" => {
                let dir = PathBuf::from(iter.next().ok_or("--spec-dir needs a folder")?);
                let mut found: Vec<PathBuf> = fs::read_dir(&dir)
                    .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
                    .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                    .filter(|path| {
                        path.extension()
                            .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
                    })
                    .collect();
                found.sort();
                options.specs.extend(found);
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

/// spec/, then every published bapi document in `../shared/reference/`; or only the one
/// `--oracle-spec` names.
fn oracles(root: &Path, options: &Options) -> Result<Vec<Oracle>, String> {
    let ours = root.join(OUR_SPEC);
    if let Some(path) = &options.oracle_spec {
        let is_ours = fs::canonicalize(path).ok() == fs::canonicalize(&ours).ok();
        return Ok(vec![Oracle {
            name: path.display().to_string(),
            path: path.clone(),
            ours: is_ours,
            self_check: true,
            token: None,
        }]);
    }
    let mut oracles = vec![Oracle {
        name: OUR_SPEC.into(),
        path: ours,
        ours: true,
        self_check: true,
        token: None,
    }];
    let reference = root.join(REFERENCE);
    let Ok(entries) = fs::read_dir(&reference) else {
        println!(
            "note: {} is absent, so only spec/ is checked (the published documents are the other oracles)",
            reference.display()
        );
        return Ok(oracles);
    };
    let mut published: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("clerk-bapi-") && name.ends_with(".yml"))
        })
        .collect();
    published.sort();
    for path in published {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        oracles.push(Oracle {
            name: format!("reference/{name}"),
            path,
            ours: false,
            self_check: true,
            token: None,
        });
    }
    Ok(oracles)
}

fn run(root: &Path, options: &Options) -> Result<bool, String> {
    if !options.specs.is_empty() {
        if options.oracle_spec.is_some() || options.base_url.is_some() {
            return Err(
                "--spec makes its own client and server; it takes no --oracle-spec or --base-url"
                    .into(),
            );
        }
        let expected = options
            .expect
            .clone()
            .map(|path| crate::any_document::Expected {
                path,
                bless: options.bless,
            });
        return crate::any_document::run(root, &options.specs, expected.as_ref());
    }
    let status = Command::new("cargo")
        .args(["build", "--quiet", "-p", "conformance"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the conformance sweep does not build".into());
    }
    let runner = root.join("target/debug/conformance");
    if let Some(base_url) = &options.base_url {
        println!("== sweep against {base_url} (no server started, no self-check)");
        let tally = sweep(&runner, base_url, false, false, None)?;
        return Ok(tally.passed(true));
    }
    let prism = install_prism(root)?;
    let logs = root.join("target/conformance");
    fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
    let mut rows = Vec::new();
    for (index, oracle) in oracles(root, options)?.into_iter().enumerate() {
        let tally = check_oracle(&runner, &prism, &oracle, &logs.join(index.to_string()))?;
        rows.push((oracle, tally));
    }
    println!();
    println!(
        "{:<48} {:>9} {:>11} {:>16} {:>12}  verdict",
        "oracle (static + dynamic seeds 1-3)",
        "requests",
        "violations",
        "decode failures",
        "corrections"
    );
    let mut passed = true;
    for (oracle, tally) in &rows {
        let ok = tally.passed(oracle.ours);
        passed &= ok;
        let verdict = match (ok, oracle.ours, tally.violations) {
            (false, ..) if !tally.complete => "FAILED (operations not exercised)",
            (false, ..) => "FAILED",
            (true, false, 1..) => "ok (violations are drift)",
            (true, ..) => "ok",
        };
        println!(
            "{:<48} {:>9} {:>11} {:>16} {:>12}  {verdict}",
            oracle.name, tally.requests, tally.violations, tally.decode_failures, tally.corrections
        );
    }
    println!("conformance: {}", if passed { "passed" } else { "FAILED" });
    Ok(passed)
}

/// The static round and the dynamic rounds of one oracle, each against its own Prism.
pub(crate) fn check_oracle(
    runner: &Path,
    prism: &Path,
    oracle: &Oracle,
    logs: &Path,
) -> Result<Tally, String> {
    fs::create_dir_all(logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
    let mut total = Tally {
        complete: true,
        ..Tally::default()
    };
    let rounds = std::iter::once(None).chain(SEEDS.iter().copied().map(Some));
    for seed in rounds {
        let (round, log) = match seed {
            None => ("static responses".to_owned(), logs.join("prism-static.log")),
            Some(seed) => (
                format!("dynamic responses, seed {seed}"),
                logs.join(format!("prism-dynamic-{seed}.log")),
            ),
        };
        println!("== {}: {round}", oracle.name);
        let (mut server, base_url) = start(prism, &oracle.path, seed, None, &log)?;
        if seed.is_none() && oracle.self_check {
            let check = Command::new(runner)
                .args(["--base-url", &base_url, "--self-check"])
                .status()
                .map_err(|e| format!("cannot run the self-check: {e}"))?;
            if !check.success() {
                return Err(format!(
                    "the self-check failed against {}: a broken request was not reported, so the sweep would prove nothing",
                    oracle.name
                ));
            }
        }
        let tally = sweep(
            runner,
            &base_url,
            seed.is_some(),
            !oracle.ours,
            oracle.token.as_deref(),
        )?;
        // A mock that died mid-sweep refused the rest for its own reasons, not the client's.
        if let Ok(Some(status)) = server.child.try_wait() {
            let text = fs::read_to_string(&log).unwrap_or_default();
            let cause = text
                .lines()
                .find(|l| l.contains("Error"))
                .unwrap_or("no error in its log");
            total.crashed = Some(format!("Prism stopped ({status}): {}", cause.trim()));
            return Ok(total);
        }
        total.add(&tally);
    }
    Ok(total)
}

/// Runs one sweep, shows what it found (not the operations that passed) and reads its tally.
fn sweep(
    runner: &Path,
    base_url: &str,
    dynamic: bool,
    drift: bool,
    token: Option<&str>,
) -> Result<Tally, String> {
    let mut command = Command::new(runner);
    command.args(["--base-url", base_url]);
    if let Some(token) = token {
        command.args(["--token", token]);
    }
    if dynamic {
        command.arg("--dynamic");
    }
    if drift {
        command.arg("--drift");
    }
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", runner.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut tally = None;
    for line in stdout.lines() {
        if line.starts_with("tally ") {
            tally = Tally::parse(line);
        } else if !line.starts_with("ok ") {
            println!("{line}");
        }
    }
    tally.ok_or_else(|| {
        format!(
            "the sweep against {base_url} ended without a tally ({})",
            output.status
        )
    })
}

/// The Prism executable, installed with npm into `.tools/prism` (ignored by git) when absent.
pub(crate) fn install_prism(root: &Path) -> Result<PathBuf, String> {
    let prefix = crate::npm::install(root, "prism", PRISM_PACKAGE)?;
    Ok(prefix.join("node_modules/.bin/prism"))
}

/// Entry point of `cargo xtask mock [--spec PATH] [--port N] [-- COMMAND ARGS...]`: Prism
/// serving a spec (static responses, requests validated) on 127.0.0.1. With a command, runs
/// it with `CLERK_API_URL` pointing at the mock (and a test `CLERK_SECRET_KEY` unless one is
/// set), then stops the mock and exits as the command did; without one, serves until stopped.
pub fn mock(root: &Path, args: &[String]) -> ExitCode {
    const USAGE: &str = "usage: cargo xtask mock [--spec PATH] [--port N] [-- COMMAND ARGS...]";
    let mut spec = root.join(OUR_SPEC);
    let mut port = None;
    let mut command: Vec<String> = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--spec" => match iter.next() {
                Some(path) => spec = path.into(),
                None => return usage_error("--spec needs a path", USAGE),
            },
            "--port" => match iter.next().and_then(|p| p.parse::<u16>().ok()) {
                Some(number) => port = Some(number),
                None => return usage_error("--port needs a number", USAGE),
            },
            "--" => {
                command = iter.by_ref().cloned().collect();
            }
            other => return usage_error(&format!("unknown argument `{other}`"), USAGE),
        }
    }
    let served = (|| -> Result<(Server, String), String> {
        let prism = install_prism(root)?;
        let logs = root.join("target/conformance");
        fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
        start(&prism, &spec, None, port, &logs.join("prism-mock.log"))
    })();
    let (_server, base_url) = match served {
        Ok(served) => served,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    println!("mock: {} served at {base_url}", spec.display());
    let Some((program, program_args)) = command.split_first() else {
        println!("mock: stop it with Ctrl-C");
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    };
    let mut child = Command::new(program);
    child.args(program_args).env("CLERK_API_URL", &base_url);
    if std::env::var_os("CLERK_SECRET_KEY").is_none() {
        child.env("CLERK_SECRET_KEY", "sk_test_mock");
    }
    match child.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("error: `{}` exited with {status}", command.join(" "));
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: cannot run `{program}`: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage_error(message: &str, usage: &str) -> ExitCode {
    eprintln!("error: {message}\n{usage}");
    ExitCode::from(2)
}

/// Starts `prism mock` on 127.0.0.1 (on `port`, or a free one) and waits until it accepts
/// connections.
fn start(
    prism: &Path,
    spec: &Path,
    seed: Option<&str>,
    port: Option<u16>,
    log: &Path,
) -> Result<(Server, String), String> {
    let port = match port {
        Some(port) => port,
        None => TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|e| format!("cannot find a free port: {e}"))?
            .port(),
    };
    let log_file =
        fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let log_err = log_file.try_clone().map_err(|e| e.to_string())?;
    let mut command = Command::new(prism);
    command.args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()]);
    if let Some(seed) = seed {
        command.args(["--dynamic", "--seed", seed]);
    }
    command
        .arg(spec)
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(log_err);
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start Prism: {e}"))?;
    let mut server = Server { child };
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        if let Ok(Some(status)) = server.child.try_wait() {
            let output = fs::read_to_string(log).unwrap_or_default();
            return Err(format!(
                "Prism exited ({status}) before listening:\n{output}"
            ));
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok((server, format!("http://127.0.0.1:{port}")));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!(
        "Prism did not listen on port {port} within 120 s (log: {})",
        log.display()
    ))
}
