//! Runs the generated sweep (`sweep.rs`, written by `cargo xtask codegen`) against a mock
//! server that validates requests, such as Stoplight Prism, and reports every request
//! violation and every response that does not decode. `cargo xtask conformance` starts the
//! server and runs this program; it can also be pointed at any running server:
//!
//! ```text
//! cargo run -p conformance -- --base-url http://127.0.0.1:4010 [--dynamic] [--self-check]
//! ```

#[rustfmt::skip]
mod sweep;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clerk_backend_api::{Client, Error, RequestOptions, RetryPolicy};

/// A small valid PNG for upload operations.
pub(crate) const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// `{"key": "value"}`, for free-form object inputs.
pub(crate) fn object() -> serde_json::Map<String, serde_json::Value> {
    let mut map = serde_json::Map::new();
    map.insert("key".into(), serde_json::Value::from("value"));
    map
}

/// Asks the mock server for the declared answer with `status` (Prism's `Prefer: code=N`).
pub(crate) fn prefer(status: u16) -> RequestOptions {
    let value = format!("code={status}")
        .parse()
        .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("code=404"));
    RequestOptions::new().header(reqwest::header::HeaderName::from_static("prefer"), value)
}

/// The outcome of every call of the sweep.
pub(crate) struct Sweep {
    /// Request violations the server reported for the current call (from `sl-violations`).
    reported: Arc<Mutex<Vec<String>>>,
    /// Whether error answers are requested too (static responses only).
    errors: bool,
    requests: usize,
    violations: usize,
    decode_failures: usize,
    /// Problems by operation; an operation with none passed.
    by_operation: BTreeMap<&'static str, (usize, Vec<String>)>,
}

impl Sweep {
    pub(crate) fn errors(&self) -> bool {
        self.errors
    }

    fn take_reported(&mut self) -> Vec<String> {
        std::mem::take(
            &mut *self
                .reported
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    fn record(&mut self, operation: &'static str, problem: Option<String>) {
        self.requests += 1;
        let entry = self.by_operation.entry(operation).or_default();
        entry.0 += 1;
        entry.1.extend(problem);
    }

    /// A call that must be accepted and whose answer must decode.
    pub(crate) fn check<T>(
        &mut self,
        operation: &'static str,
        inputs: &str,
        result: Result<T, Error>,
    ) {
        let reported = self.take_reported();
        self.violations += reported.len();
        let mut problem = (!reported.is_empty())
            .then(|| format!("{inputs}: request violations: {}", reported.join("; ")));
        match result {
            Ok(_) => {}
            Err(Error::Decode(error)) => {
                self.decode_failures += 1;
                problem = Some(format!("{inputs}: {error}"));
            }
            Err(Error::Api(error)) if reported.is_empty() => {
                // The server refused the request without saying why: a violation all the same.
                self.violations += 1;
                problem = Some(format!(
                    "{inputs}: answered {}: {}",
                    error.status, error.raw_body
                ));
            }
            Err(Error::Api(_)) => {}
            Err(other) => {
                self.violations += 1;
                problem = Some(format!("{inputs}: not sent: {other}"));
            }
        }
        self.record(operation, problem);
    }

    /// A call that asked for the error answer `status`, which must decode as the API's error.
    pub(crate) fn check_error<T>(
        &mut self,
        operation: &'static str,
        status: u16,
        result: Result<T, Error>,
    ) {
        let reported = self.take_reported();
        self.violations += reported.len();
        let problem = match result {
            _ if !reported.is_empty() => Some(format!(
                "{status} answer: request violations: {}",
                reported.join("; ")
            )),
            Err(Error::Api(error)) if error.status == status && error.body.is_some() => None,
            Err(Error::Api(error)) if error.status == status => {
                self.decode_failures += 1;
                Some(format!(
                    "{status} answer did not decode as the API error: {}",
                    error.raw_body
                ))
            }
            Err(other) => {
                self.violations += 1;
                Some(format!("{status} answer expected, got: {other}"))
            }
            Ok(_) => {
                self.violations += 1;
                Some(format!("{status} answer expected, got a success"))
            }
        };
        self.record(operation, problem);
    }
}

struct Args {
    base_url: String,
    dynamic: bool,
    self_check: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        base_url: String::new(),
        dynamic: false,
        self_check: false,
    };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--base-url" => args.base_url = iter.next().ok_or("--base-url needs a URL")?,
            "--dynamic" => args.dynamic = true,
            "--self-check" => args.self_check = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if args.base_url.is_empty() {
        return Err("usage: conformance --base-url URL [--dynamic] [--self-check]".into());
    }
    Ok(args)
}

/// The request violations in an `sl-violations` header value.
fn request_violations(header: &str) -> Vec<String> {
    let Ok(serde_json::Value::Array(entries)) = serde_json::from_str::<serde_json::Value>(header)
    else {
        return vec![format!("unreadable sl-violations header: {header}")];
    };
    entries
        .iter()
        .filter(|entry| {
            entry["location"].get(0).and_then(serde_json::Value::as_str) == Some("request")
        })
        .map(|entry| entry["message"].as_str().unwrap_or("violation").to_owned())
        .collect()
}

/// Sends a request that breaks the spec (`limit` as text) and checks that the server reports
/// it, so a sweep without violations means something.
async fn self_check(base_url: &str) -> Result<(), String> {
    let response = reqwest::Client::new()
        .get(format!("{base_url}/users?limit=ten"))
        .bearer_auth("sk_test_conformance")
        .send()
        .await
        .map_err(|e| format!("self-check request failed: {e}"))?;
    let header = response
        .headers()
        .get("sl-violations")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("[]")
        .to_owned();
    let violations = request_violations(&header);
    if violations.is_empty() {
        return Err(format!(
            "the server did not report `limit=ten` as a violation (status {})",
            response.status()
        ));
    }
    println!(
        "self-check: `limit=ten` reported as: {}",
        violations.join("; ")
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    if args.self_check {
        return match self_check(&args.base_url).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        };
    }
    let reported = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&reported);
    let client = Client::builder()
        .token("sk_test_conformance")
        .base_url(&args.base_url)
        .timeout(Duration::from_secs(30))
        .retry_policy(RetryPolicy::none())
        .on_response(move |exchange| {
            if let Some(header) = exchange
                .headers
                .get("sl-violations")
                .and_then(|v| v.to_str().ok())
            {
                sink.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .extend(request_violations(header));
            }
        })
        .build();
    let client = match client {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut sweep = Sweep {
        reported,
        errors: !args.dynamic,
        requests: 0,
        violations: 0,
        decode_failures: 0,
        by_operation: BTreeMap::new(),
    };
    sweep::run(&client, &mut sweep).await;
    for (operation, (requests, problems)) in &sweep.by_operation {
        if problems.is_empty() {
            println!("ok    {operation} ({requests} requests)");
        } else {
            println!(
                "FAIL  {operation} ({requests} requests): {}",
                problems.join(" | ")
            );
        }
    }
    println!(
        "conformance: {} operations, {} requests, {} request violations, {} decode failures",
        sweep.by_operation.len(),
        sweep.requests,
        sweep.violations,
        sweep.decode_failures
    );
    let complete = sweep.by_operation.len() == sweep::OPERATIONS;
    if !complete {
        eprintln!(
            "error: {} of {} operations were exercised",
            sweep.by_operation.len(),
            sweep::OPERATIONS
        );
    }
    if sweep.violations == 0 && sweep.decode_failures == 0 && complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
