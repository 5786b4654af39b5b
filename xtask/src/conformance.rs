//! `cargo xtask conformance`: the generated client against Stoplight Prism, a mock server that
//! validates every request against the spec and answers with schema-shaped responses.
//!
//! Rounds: Prism's static responses (with the declared 404/422 answers requested too), then its
//! dynamic responses with three seeds. Before the sweep, a deliberately broken request must be
//! reported, so that a clean sweep means something.

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const PRISM_PACKAGE: &str = "@stoplight/prism-cli@5.16.0";
const SEEDS: &[&str] = &["1", "2", "3"];

struct Options {
    oracle_spec: Option<PathBuf>,
    base_url: Option<String>,
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
                "error: {message}\nusage: cargo xtask conformance [--oracle-spec PATH] [--base-url URL]"
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
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

fn run(root: &Path, options: &Options) -> Result<bool, String> {
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
        return sweep(&runner, base_url, false);
    }
    let prism = install_prism(root)?;
    let spec = options
        .oracle_spec
        .clone()
        .unwrap_or_else(|| root.join("spec/clerk-backend-api.yaml"));
    let logs = root.join("target/conformance");
    fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
    let mut passed = true;

    println!("== static responses, {}", spec.display());
    {
        let (_server, base_url) = start(&prism, &spec, None, &logs.join("prism-static.log"))?;
        let check = Command::new(&runner)
            .args(["--base-url", &base_url, "--self-check"])
            .status()
            .map_err(|e| format!("cannot run the self-check: {e}"))?;
        if !check.success() {
            return Err("the self-check failed: a broken request was not reported, so the sweep would prove nothing".into());
        }
        passed &= sweep(&runner, &base_url, false)?;
    }
    for seed in SEEDS {
        println!("== dynamic responses, seed {seed}");
        let (_server, base_url) = start(
            &prism,
            &spec,
            Some(seed),
            &logs.join(format!("prism-dynamic-{seed}.log")),
        )?;
        passed &= sweep(&runner, &base_url, true)?;
    }
    println!("conformance: {}", if passed { "passed" } else { "FAILED" });
    Ok(passed)
}

fn sweep(runner: &Path, base_url: &str, dynamic: bool) -> Result<bool, String> {
    let mut command = Command::new(runner);
    command.args(["--base-url", base_url]);
    if dynamic {
        command.arg("--dynamic");
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run {}: {e}", runner.display()))?;
    Ok(status.success())
}

/// The Prism executable, installed with npm into `.tools/prism` (ignored by git) when absent.
fn install_prism(root: &Path) -> Result<PathBuf, String> {
    let prefix = root.join(".tools/prism");
    let executable = prefix.join("node_modules/.bin/prism");
    let installed =
        fs::read_to_string(prefix.join("node_modules/@stoplight/prism-cli/package.json"))
            .is_ok_and(|manifest| {
                manifest.contains(&format!(
                    "\"version\": \"{}\"",
                    PRISM_PACKAGE.rsplit('@').next().unwrap_or_default()
                ))
            });
    if executable.exists() && installed {
        return Ok(executable);
    }
    println!("== installing {PRISM_PACKAGE} into .tools/prism");
    fs::create_dir_all(&prefix).map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
        .arg(&prefix)
        .arg(PRISM_PACKAGE)
        .status()
        .map_err(|e| format!("cannot run npm (Node.js and npm are needed): {e}"))?;
    if !status.success() || !executable.exists() {
        return Err(format!("npm could not install {PRISM_PACKAGE}"));
    }
    Ok(executable)
}

/// Starts `prism mock` on a free port of 127.0.0.1 and waits until it accepts connections.
fn start(
    prism: &Path,
    spec: &Path,
    seed: Option<&str>,
    log: &Path,
) -> Result<(Server, String), String> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(|e| format!("cannot find a free port: {e}"))?
        .port();
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
