//! Runtime benchmarks against a local server on 127.0.0.1, printed as `bench:` lines that
//! `cargo xtask bench` collects:
//!
//! - per-request overhead: `client.users().get(..)` against a hand-written reqwest call that
//!   sends the same request (same headers, same 30 s timeout) and decodes the same type, as the
//!   ratio of medians; and against the same call without a timeout, whose timer is about half
//!   of the difference;
//! - memory while streaming 100,000 users through pagination, sampled as resident memory;
//! - verifying a session token with a PEM key, and verifying and decoding a webhook.
//!
//! Run with `cargo bench -p clerk-backend-api --bench runtime`; see `profile_only` for a mode
//! made for profilers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clerk_backend_api::types::User;
use clerk_backend_api::{Client, RetryPolicy};
use futures_util::StreamExt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const USER: &str = include_str!("../tests/fixtures/user.json");
const TOTAL_USERS: usize = 100_000;
const REQUESTS: usize = 6_000;
const ROUNDS: usize = 10;

/// Answers `GET /users/<id>` with one user and `GET /users?limit=L&offset=O` with a page of the
/// 100,000 users; keeps connections alive.
async fn serve(listener: TcpListener) {
    let user: Arc<str> = USER.trim().into();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        // Without this, Nagle's algorithm and delayed ACKs add 40 ms to some responses.
        stream.set_nodelay(true).expect("set TCP_NODELAY");
        let user = Arc::clone(&user);
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut reader = BufReader::new(read);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                let target = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let mut length = 0usize;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(value) = header.to_ascii_lowercase().strip_prefix("content-length:")
                    {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).await.is_err() {
                    return;
                }
                let payload = if let Some(query) = target.strip_prefix("/users?") {
                    let param = |name: &str| {
                        query
                            .split('&')
                            .find_map(|p| p.strip_prefix(&format!("{name}=")))
                            .and_then(|v| v.parse::<usize>().ok())
                    };
                    let (limit, offset) =
                        (param("limit").unwrap_or(10), param("offset").unwrap_or(0));
                    let count = limit.min(TOTAL_USERS.saturating_sub(offset));
                    format!("[{}]", vec![&*user; count].join(","))
                } else {
                    user.to_string()
                };
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{payload}",
                    payload.len()
                );
                if write.write_all(response.as_bytes()).await.is_err() {
                    return;
                }
            }
        });
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Resident and peak resident memory of this process, in KiB (Linux).
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// For profilers (`perf`, `valgrind --tool=callgrind`): `PROFILE_ONLY=gen` or `=raw` runs only
/// the generated or only the hand-written call, `PROFILE_N` times (default 20,000), and prints
/// nothing.
async fn profile_only() {
    let (base_url, client) = start().await;
    let http = reqwest::Client::new();
    let which = std::env::var("PROFILE_ONLY").unwrap_or_default();
    let n: usize = std::env::var("PROFILE_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    for _ in 0..n {
        if which == "raw" {
            raw_call(&http, &base_url, Some(Duration::from_secs(30))).await;
        } else {
            client.users().get("user_1").send().await.expect("a user");
        }
    }
}

/// Starts the server on 127.0.0.1 and a client of it, without retries.
async fn start() -> (String, Client) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let base_url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(serve(listener));
    let client = Client::builder()
        .token("sk_test_bench")
        .base_url(&base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client");
    (base_url, client)
}

/// The client's request written by hand: its headers and, when given, its timeout (a timer
/// per request), decoded into the same type.
async fn raw_call(http: &reqwest::Client, base_url: &str, timeout: Option<Duration>) -> User {
    let mut request = http.get(format!("{base_url}/users/user_1"));
    if let Some(timeout) = timeout {
        request = request.timeout(timeout);
    }
    let response = request
        .header("Authorization", "Bearer sk_test_bench")
        .header("Clerk-API-Version", "2021-02-05")
        .header("Accept", "application/json")
        .header("User-Agent", "bench")
        .send()
        .await
        .expect("a response");
    let bytes = response.bytes().await.expect("a body");
    serde_json::from_slice::<User>(&bytes).expect("a user")
}

/// Verifying one session token with a PEM key, and verifying and decoding one `user.created`
/// webhook: medians over 2,000 runs, after 200 to warm up.
async fn verification() {
    use clerk_backend_api::jwt::Verifier;
    use clerk_backend_api::verify::Clock;
    use clerk_backend_api::webhooks::Webhook;

    let cases: serde_json::Value =
        serde_json::from_str(include_str!("../tests/fixtures/jwt/cases.json")).expect("cases");
    let now = cases["now"].as_u64().expect("now");
    let verifier = Verifier::builder()
        .jwt_key(cases["keys"][0]["pem"].as_str().expect("pem"))
        .clock(Clock::fixed_at(now))
        .build()
        .expect("a verifier");
    let token = cases["cases"][0]["token"].as_str().expect("a token");
    let mut samples = Vec::new();
    for round in 0..2_200 {
        let started = Instant::now();
        verifier.verify(token).await.expect("valid");
        if round >= 200 {
            samples.push(started.elapsed());
        }
    }
    println!(
        "bench: jwt_verify_us {:.1}",
        median(samples).as_secs_f64() * 1e6
    );

    let webhook = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .expect("a secret")
        .with_clock(Clock::fixed_at(now));
    let body = format!(
        r#"{{"object":"event","type":"user.created","timestamp":{now},"instance_id":"ins_1","data":{}}}"#,
        USER.trim()
    );
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("svix-id", "msg_1".parse().expect("a value"));
    headers.insert("svix-timestamp", now.to_string().parse().expect("a value"));
    let signature = webhook.sign("msg_1", now as i64, body.as_bytes());
    headers.insert("svix-signature", signature.parse().expect("a value"));
    let mut samples = Vec::new();
    for round in 0..2_200 {
        let started = Instant::now();
        webhook.event(&headers, body.as_bytes()).expect("valid");
        if round >= 200 {
            samples.push(started.elapsed());
        }
    }
    println!(
        "bench: webhook_event_us {:.1}",
        median(samples).as_secs_f64() * 1e6
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if std::env::var("PROFILE_ONLY").is_ok() {
        return profile_only().await;
    }
    verification().await;

    let (base_url, client) = start().await;
    let http = reqwest::Client::new();
    // The default 30 s timeout of the client, or `None` for the call without a timer.
    let raw = |http: reqwest::Client, timeout: Option<Duration>| {
        let base_url = base_url.clone();
        async move { raw_call(&http, &base_url, timeout).await }
    };

    // Warm up both paths, then alternate rounds so drift affects both alike. Within a round the
    // two calls swap places every iteration: the call measured second was measured about 3%
    // faster whichever it was, so a fixed order would bias the ratio.
    let timeout = Some(Duration::from_secs(30));
    for _ in 0..200 {
        client.users().get("user_1").send().await.expect("a user");
        raw(http.clone(), timeout).await;
        raw(http.clone(), None).await;
    }
    let (mut generated, mut handwritten, mut untimed) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for _ in 0..REQUESTS / ROUNDS {
            let generated_first = generated.len() % 2 == 0;
            if !generated_first {
                let started = Instant::now();
                raw(http.clone(), timeout).await;
                handwritten.push(started.elapsed());
            }
            let started = Instant::now();
            client.users().get("user_1").send().await.expect("a user");
            generated.push(started.elapsed());
            if generated_first {
                let started = Instant::now();
                raw(http.clone(), timeout).await;
                handwritten.push(started.elapsed());
            }
            let started = Instant::now();
            raw(http.clone(), None).await;
            untimed.push(started.elapsed());
        }
    }
    let (generated, handwritten, untimed) =
        (median(generated), median(handwritten), median(untimed));
    println!(
        "bench: request_generated_us {:.1}",
        generated.as_secs_f64() * 1e6
    );
    println!(
        "bench: request_reqwest_us {:.1}",
        handwritten.as_secs_f64() * 1e6
    );
    println!(
        "bench: request_overhead_ratio {:.3}",
        generated.as_secs_f64() / handwritten.as_secs_f64()
    );
    println!(
        "bench: untimed_reqwest_us {:.1}",
        untimed.as_secs_f64() * 1e6
    );
    println!(
        "bench: untimed_overhead_ratio {:.3}",
        generated.as_secs_f64() / untimed.as_secs_f64()
    );

    let (rss_before, _) = memory_kib();
    let mut stream = Box::pin(client.users().list().limit(499).stream());
    let mut seen = 0usize;
    let mut samples = Vec::new();
    let started = Instant::now();
    while let Some(user) = stream.next().await {
        user.expect("a user");
        seen += 1;
        if seen % 10_000 == 0 {
            samples.push(memory_kib().0);
        }
    }
    let elapsed = started.elapsed();
    let (_, peak) = memory_kib();
    println!("bench: pagination_items {seen}");
    println!("bench: pagination_seconds {:.2}", elapsed.as_secs_f64());
    println!("bench: pagination_rss_before_kib {rss_before}");
    println!(
        "bench: pagination_rss_at_10k_kib {}",
        samples.first().copied().unwrap_or(0)
    );
    println!(
        "bench: pagination_rss_at_100k_kib {}",
        samples.last().copied().unwrap_or(0)
    );
    println!("bench: pagination_peak_kib {peak}");
}
