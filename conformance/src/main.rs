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

use clerk_backend_api::codegen::Scheme as _;
use clerk_backend_api::{Client, Error, RequestOptions, RetryPolicy, SecurityScheme};

/// The outcome of every call of the sweep.
pub(crate) struct Sweep {
    /// Request violations the server reported for the current call (from `sl-violations`).
    reported: Arc<Mutex<Vec<String>>>,
    /// Whether error answers are requested too (static responses only).
    errors: bool,
    requests: usize,
    violations: usize,
    decode_failures: usize,
    /// Answers the mock server could not make (an event stream of objects, say): reported,
    /// but no fault of the client's.
    unmockable: usize,
    /// Values the client filled in because a response lacked them.
    corrections: Arc<Mutex<Vec<String>>>,
    /// Problems by operation; an operation with none passed.
    by_operation: BTreeMap<&'static str, (usize, Vec<String>)>,
    /// Operations with a response that did not decode.
    undecoded: std::collections::BTreeSet<&'static str>,
}

/// A small valid PNG for upload operations.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

impl Sweep {
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
}

impl sweep::Harness for Sweep {
    const FILE: &'static [u8] = PNG;

    /// `{"key": "value"}`.
    fn object() -> serde_json::Map<String, serde_json::Value> {
        let mut map = serde_json::Map::new();
        map.insert("key".into(), serde_json::Value::from("value"));
        map
    }

    /// Prism's `Prefer: code=N`.
    fn prefer(status: u16) -> RequestOptions {
        let value = format!("code={status}")
            .parse()
            .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("code=404"));
        RequestOptions::new().header(reqwest::header::HeaderName::from_static("prefer"), value)
    }

    fn errors(&self) -> bool {
        self.errors
    }

    fn check<T>(&mut self, operation: &'static str, inputs: &str, result: Result<T, Error>) {
        let reported = self.take_reported();
        self.violations += reported.len();
        let mut problem = (!reported.is_empty())
            .then(|| format!("{inputs}: request violations: {}", reported.join("; ")));
        match result {
            Ok(_) => {}
            Err(Error::Decode(error)) => {
                self.decode_failures += 1;
                self.undecoded.insert(operation);
                problem = Some(format!("{inputs}: {error}"));
            }
            Err(Error::Api(error))
                if reported.is_empty()
                    && error.status == 500
                    && mock_limit(&error.raw_body).is_some() =>
            {
                self.unmockable += 1;
                problem = Some(format!(
                    "{inputs}: the mock cannot answer this: {}",
                    mock_limit(&error.raw_body).unwrap_or_default()
                ));
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

    fn check_error<T>(&mut self, operation: &'static str, status: u16, result: Result<T, Error>) {
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
                self.undecoded.insert(operation);
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

/// The title of a Prism error that says the mock cannot make the declared answer (not that
/// the request was wrong, which Prism answers with 422 or its violations header).
fn mock_limit(body: &str) -> Option<String> {
    let error: serde_json::Value = serde_json::from_str(body).ok()?;
    let kind = error["type"].as_str()?;
    kind.starts_with("https://stoplight.io/prism/errors#")
        .then(|| error["title"].as_str().unwrap_or(kind).to_owned())
}

struct Args {
    base_url: String,
    dynamic: bool,
    self_check: bool,
    /// The server's spec is not the client's: request violations are drift, not failures.
    drift: bool,
    /// The credentials sent.
    token: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        base_url: String::new(),
        dynamic: false,
        self_check: false,
        drift: false,
        token: "sk_test_conformance".into(),
    };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--base-url" => args.base_url = iter.next().ok_or("--base-url needs a URL")?,
            "--dynamic" => args.dynamic = true,
            "--self-check" => args.self_check = true,
            "--drift" => args.drift = true,
            "--token" => args.token = iter.next().ok_or("--token needs a value")?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if args.base_url.is_empty() {
        return Err(
            "usage: conformance --base-url URL [--dynamic] [--self-check] [--drift] [--token T]"
                .into(),
        );
    }
    Ok(args)
}

/// The request violations in an `sl-violations` header value: its entries located in the
/// request with severity `Error` (a deprecated parameter is a `Warning`, not a violation).
///
/// Prism cuts a long value to about 8 KiB after `Too many violations! `; the complete entries
/// before the cut are read, and the cut is reported as one more violation.
fn request_violations(header: &str) -> Vec<String> {
    let (text, cut) = match header.strip_prefix("Too many violations! ") {
        Some(rest) => (complete_entries(rest), true),
        None => (Some(header.to_owned()), false),
    };
    let entries = text
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|value| value.as_array().cloned());
    let Some(entries) = entries else {
        return vec![format!("unreadable sl-violations header: {header}")];
    };
    let mut violations: Vec<String> = entries
        .iter()
        .filter(|entry| {
            entry["location"].get(0).and_then(serde_json::Value::as_str) == Some("request")
                && entry["severity"].as_str().is_none_or(|s| s == "Error")
        })
        .map(|entry| entry["message"].as_str().unwrap_or("violation").to_owned())
        .collect();
    if cut {
        violations.push("more violations than the server could report".into());
    }
    violations
}

/// The longest prefix of a cut JSON array that ends after a complete entry, closed again.
fn complete_entries(cut: &str) -> Option<String> {
    cut.rmatch_indices("},")
        .map(|(index, _)| index + 1)
        .map(|end| format!("{}]", &cut[..end]))
        .find(|candidate| serde_json::from_str::<serde_json::Value>(candidate).is_ok())
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
    let corrections = Arc::new(Mutex::new(Vec::new()));
    let corrected = Arc::clone(&corrections);
    // Every scheme gets the token, so that each operation sends what it asks for.
    let mut builder = Client::builder();
    for &scheme in SecurityScheme::ALL {
        builder = builder.token_for(scheme, args.token.as_str());
    }
    let client = builder
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
        .on_correction(move |correction| {
            corrected
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(format!("{}: {}", correction.operation, correction.path));
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
        unmockable: 0,
        corrections,
        by_operation: BTreeMap::new(),
        undecoded: std::collections::BTreeSet::new(),
    };
    sweep::run(&client, &mut sweep).await;
    for (operation, (requests, problems)) in &sweep.by_operation {
        if problems.is_empty() {
            println!("ok    {operation} ({requests} requests)");
        } else {
            // Against another document, an operation whose answers all decoded only drifted;
            // one the mock could not answer is not the client's failure.
            let label = if args.drift && !sweep.undecoded.contains(operation) {
                "drift"
            } else if problems
                .iter()
                .all(|p| p.contains("the mock cannot answer"))
            {
                "mock "
            } else {
                "FAIL "
            };
            println!(
                "{label} {operation} ({requests} requests): {}",
                problems.join(" | ")
            );
        }
    }
    let corrections = std::mem::take(
        &mut *sweep
            .corrections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    // Each distinct corrected path once, with how often it was corrected.
    let mut by_path: BTreeMap<&str, usize> = BTreeMap::new();
    for correction in &corrections {
        *by_path.entry(correction).or_default() += 1;
    }
    for (path, count) in &by_path {
        println!("fixed {path} ({count}x)");
    }
    println!(
        "conformance: {} operations, {} requests, {} request violations, {} decode failures, {} corrections, {} answers the mock cannot make",
        sweep.by_operation.len(),
        sweep.requests,
        sweep.violations,
        sweep.decode_failures,
        corrections.len(),
        sweep.unmockable
    );
    let complete = sweep.by_operation.len() == sweep::OPERATIONS;
    // For `cargo xtask conformance`, which totals the rounds of each oracle.
    println!(
        "tally requests={} violations={} decode_failures={} corrections={} unmockable={} complete={complete}",
        sweep.requests,
        sweep.violations,
        sweep.decode_failures,
        corrections.len(),
        sweep.unmockable
    );
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

#[cfg(test)]
mod tests {
    use super::request_violations;

    const ERROR: &str = r#"{"location":["request","body"],"severity":"Error","message":"must have required property 'url'"}"#;
    const WARNING: &str = r#"{"location":["request","query","since"],"severity":"Warning","message":"Query param since is deprecated"}"#;
    const RESPONSE: &str =
        r#"{"location":["response","body"],"severity":"Error","message":"response problem"}"#;

    #[test]
    fn only_request_errors_count() {
        let header = format!("[{ERROR},{WARNING},{RESPONSE}]");
        assert_eq!(
            request_violations(&header),
            ["must have required property 'url'"]
        );
    }

    #[test]
    fn a_cut_header_keeps_its_complete_entries_and_says_it_was_cut() {
        let full = format!("[{ERROR},{ERROR},{WARNING}]");
        let cut = format!("Too many violations! {}", &full[..full.len() - 20]);
        assert_eq!(
            request_violations(&cut),
            [
                "must have required property 'url'",
                "must have required property 'url'",
                "more violations than the server could report"
            ]
        );
        assert_eq!(
            request_violations("garbage"),
            ["unreadable sl-violations header: garbage"]
        );
    }
}
