//! Runtime policy over real HTTP on 127.0.0.1: retries, timeouts, connection failures, error
//! helpers, pagination, per-request options and tracing.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clerk_backend_api::{Client, Error, Payload, RequestOptions, RetryPolicy, Upload};
use futures_util::StreamExt;
use support::trace::Trace;
use support::{Reply, TestServer, array_of, fixture};

/// Retries in tests wait at most a few milliseconds.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

fn client_for(server: &TestServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .token("sk_test_secret")
        .base_url(&server.base_url)
        .timeout(Duration::from_secs(5))
        .retry_policy(policy)
        .build()
        .expect("a client")
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_the_stated_delay_for_any_method() {
    let server = TestServer::start(vec![
        Reply::json(429, fixture("clerk_errors.json")).with_header("Retry-After", "1"),
        Reply::json(200, fixture("organization.json")),
    ])
    .await;
    let started = Instant::now();
    let organization = client_for(&server, fast_retries())
        .organizations()
        .create("user_1", "Acme")
        .send()
        .await
        .expect("the retry succeeds");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited only {:?}",
        started.elapsed()
    );
    assert_eq!(organization.slug, "analytical-engines");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(
        requests[0].body, requests[1].body,
        "the same body is sent again"
    );
}

#[tokio::test]
async fn retry_after_is_capped_by_the_policy() {
    let server = TestServer::start(vec![
        Reply::json(429, "{}").with_header("Retry-After", "3600"),
        Reply::json(200, fixture("user.json")),
    ])
    .await;
    let policy = fast_retries().max_retry_after(Duration::from_millis(20));
    let started = Instant::now();
    client_for(&server, policy)
        .users()
        .get("user_1")
        .send()
        .await
        .expect("retried");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_post_that_gets_a_500_is_not_retried_by_default() {
    let server = TestServer::start(vec![
        Reply::json(500, "{}"),
        Reply::json(200, fixture("user.json")),
    ])
    .await;
    let error = client_for(&server, fast_retries())
        .users()
        .create()
        .send()
        .await
        .expect_err("a 500");
    assert_eq!(error.status(), Some(500));
    assert!(error.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_post_is_retried_after_a_500_when_the_request_opts_in() {
    let server = TestServer::start(vec![
        Reply::json(500, "{}"),
        Reply::json(200, fixture("user.json")),
    ])
    .await;
    let options = RequestOptions::new().retry(fast_retries().retry_non_idempotent(true));
    client_for(&server, fast_retries())
        .users()
        .create()
        .with_options(options)
        .send()
        .await
        .expect("retried");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_get_that_gets_a_503_is_retried_and_then_succeeds() {
    let server = TestServer::start(vec![
        Reply::json(503, "{}"),
        Reply::json(502, "<html>bad gateway</html>"),
        Reply::json(200, fixture("user.json")),
    ])
    .await;
    let user = client_for(&server, fast_retries())
        .users()
        .get("user_1")
        .send()
        .await
        .expect("the third attempt");
    assert_eq!(user.id, "user_2xK8pQ4mR1vN7sT3");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn attempts_are_limited_globally_and_per_request() {
    let server = TestServer::replying(503, "{}").await;
    let client = client_for(&server, fast_retries().max_attempts(4));
    let error = client
        .users()
        .get("user_1")
        .send()
        .await
        .expect_err("always 503");
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.requests().len(), 4);
    let once = RequestOptions::new().retry(RetryPolicy::none());
    client
        .users()
        .get("user_1")
        .with_options(once)
        .send()
        .await
        .expect_err("always 503");
    assert_eq!(server.requests().len(), 5, "one attempt disables retries");
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = TestServer::replying(422, &fixture("clerk_errors.json")).await;
    let error = client_for(&server, fast_retries())
        .users()
        .get("user_1")
        .send()
        .await
        .expect_err("a 422");
    assert!(!error.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn multipart_uploads_are_sent_again_on_retry() {
    let server = TestServer::start(vec![
        Reply::json(503, "{}"),
        Reply::json(200, fixture("organization_with_logo.json")),
    ])
    .await;
    let logo = Upload::new(b"\x89PNG-bytes".to_vec(), "logo.png", "image/png");
    client_for(&server, fast_retries())
        .organizations()
        .upload_logo("org_1", "user_1", logo)
        .send()
        .await
        .expect("the retry succeeds");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "PUT is idempotent");
    for request in &requests {
        let parts = request.multipart();
        assert_eq!(parts[0].3, b"\x89PNG-bytes".to_vec());
        assert_eq!(parts[1].3, b"user_1".to_vec());
    }
}

#[tokio::test]
async fn a_file_part_is_read_from_disk_for_every_attempt() {
    let path = std::env::temp_dir().join(format!("logo-{}.png", std::process::id()));
    let contents: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&path, &contents).expect("write the file");
    let server = TestServer::start(vec![
        Reply::json(503, "{}"),
        Reply::json(200, fixture("organization_with_logo.json")),
    ])
    .await;
    let file = Payload::file(&path).await.expect("the file");
    assert_eq!(file.len(), Some(300_000));
    let logo = Upload::from_payload(file, "logo.png", "image/png");
    client_for(&server, fast_retries())
        .organizations()
        .upload_logo("org_1", "user_1", logo)
        .send()
        .await
        .expect("the retry succeeds");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "a file is opened again for the retry");
    for request in &requests {
        assert_eq!(request.multipart()[0].3, contents);
    }
    std::fs::remove_file(&path).ok();
}

#[tokio::test]
async fn a_text_response_can_be_read_as_a_stream() {
    let page = "<html>".repeat(10_000);
    let server = TestServer::start(vec![Reply::json(200, page.clone())]).await;
    let mut stream = server
        .client()
        .miscellaneous()
        .interstitial()
        .send_stream()
        .await
        .expect("the head");
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.content_length(), Some(page.len() as u64));
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.expect("a chunk"));
    }
    assert_eq!(body, page.as_bytes());
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("an address");
    let accepted = Arc::new(Mutex::new(0usize));
    let counter = Arc::clone(&accepted);
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            *counter.lock().expect("lock") += 1;
            open.push(stream);
        }
    });
    let client = Client::builder()
        .token("sk_test_secret")
        .base_url(format!("http://{address}"))
        .timeout(Duration::from_millis(100))
        .retry_policy(fast_retries().max_attempts(2))
        .build()
        .expect("a client");
    let started = Instant::now();
    let error = client
        .users()
        .get("user_1")
        .send()
        .await
        .expect_err("a timeout");
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.is_retryable());
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "two attempts of 100 ms"
    );
    let per_request = RequestOptions::new()
        .timeout(Duration::from_millis(50))
        .retry(RetryPolicy::none());
    let error = client
        .users()
        .get("user_1")
        .with_options(per_request)
        .send()
        .await
        .expect_err("a timeout");
    assert!(error.is_timeout());
    assert!(*accepted.lock().expect("lock") >= 2);
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("an address");
    drop(listener);
    let client = Client::builder()
        .token("sk_test_secret")
        .base_url(format!("http://{address}"))
        .retry_policy(fast_retries())
        .build()
        .expect("a client");
    let error = client
        .users()
        .get("user_1")
        .send()
        .await
        .expect_err("refused");
    let Error::Transport { operation, .. } = &error else {
        panic!("expected a transport error, got {error:?}")
    };
    assert_eq!(*operation, "Users_getUserDetails");
    assert!(error.is_retryable());
    assert!(!error.to_string().contains("sk_test_secret"));
}

#[tokio::test]
async fn api_errors_expose_codes_messages_trace_id_and_retry_after() {
    let server = TestServer::start(vec![
        Reply::json(404, fixture("clerk_errors.json")).with_header("Retry-After", "12"),
    ])
    .await;
    let error = client_for(&server, fast_retries())
        .users()
        .get("user_missing")
        .send()
        .await
        .expect_err("a 404");
    assert_eq!(error.codes(), ["resource_not_found"]);
    let api = error.api_error().expect("an API error");
    assert_eq!(api.messages(), ["No user was found with id user_missing"]);
    assert_eq!(api.trace_id(), Some("trace_2xKjj9"));
    assert_eq!(api.retry_after(), Some(Duration::from_secs(12)));
    assert!(
        error.to_string().contains("(trace trace_2xKjj9)"),
        "{error}"
    );
}

#[tokio::test]
async fn per_request_headers_are_sent() {
    let server = TestServer::replying(200, &fixture("user.json")).await;
    let options = RequestOptions::new().header(
        "x-correlation-id".parse().expect("a name"),
        "abc-123".parse().expect("a value"),
    );
    client_for(&server, fast_retries())
        .users()
        .get("user_1")
        .with_options(options)
        .send()
        .await
        .expect("a user");
    assert_eq!(
        server.only_request().header("x-correlation-id"),
        Some("abc-123")
    );
}

#[tokio::test]
async fn pagination_walks_three_pages_of_a_bare_array() {
    let server = TestServer::start(vec![
        Reply::json(200, array_of("user.json", 2)),
        Reply::json(200, array_of("user.json", 2)),
        Reply::json(200, array_of("user.json", 1)),
    ])
    .await;
    let client = client_for(&server, fast_retries());
    let users: Vec<_> = client
        .users()
        .list()
        .limit(2)
        .order_by("-created_at")
        .stream()
        .collect()
        .await;
    assert_eq!(users.len(), 5);
    assert!(users.iter().all(Result::is_ok));
    let offsets: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            r.query
                .iter()
                .find(|(k, _)| k == "offset")
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(offsets, ["0", "2", "4"]);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.query.contains(&("order_by".into(), "-created_at".into())))
    );
}

#[tokio::test]
async fn pagination_walks_three_pages_of_an_envelope_and_stops_at_the_total() {
    let page = |items: usize| {
        let item = fixture("organization.json");
        format!(
            r#"{{"data": [{}], "total_count": 6}}"#,
            vec![item.trim(); items].join(",")
        )
    };
    let server = TestServer::start(vec![
        Reply::json(200, page(2)),
        Reply::json(200, page(2)),
        Reply::json(200, page(2)),
        Reply::json(200, page(2)),
    ])
    .await;
    let client = client_for(&server, fast_retries());
    let mut stream = Box::pin(client.organizations().list().limit(2).stream());
    let mut count = 0;
    while let Some(organization) = stream.next().await {
        assert_eq!(organization.expect("an organization").id, "org_2xK9aB3cD4");
        count += 1;
    }
    assert_eq!(count, 6);
    assert_eq!(
        server.requests().len(),
        3,
        "a full last page at the total ends the stream"
    );
}

#[tokio::test]
async fn pagination_yields_the_error_and_stops() {
    let server = TestServer::start(vec![
        Reply::json(200, array_of("session.json", 2)),
        Reply::json(422, "{}"),
    ])
    .await;
    let client = client_for(&server, fast_retries());
    let results: Vec<_> = client
        .sessions()
        .list()
        .user_id("user_1")
        .limit(2)
        .stream()
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    assert!(results[2].as_ref().is_err_and(|e| e.status() == Some(422)));
}

#[tokio::test(flavor = "current_thread")]
async fn each_call_is_one_span_with_its_outcome_and_no_secrets() {
    let trace = Trace::default();
    let _guard = trace.capture();
    let server = TestServer::start(vec![
        Reply::json(503, "{}"),
        Reply::json(200, fixture("user.json")),
    ])
    .await;
    client_for(&server, fast_retries())
        .users()
        .update("user_1")
        .password("hunter2-very-private")
        .send()
        .await
        .expect_err("PATCH is not retried");
    client_for(&server, fast_retries())
        .users()
        .get("user_1")
        .send()
        .await
        .expect("a user");
    let lines = trace.lines();
    let text = lines.join("\n");
    for expected in [
        "operation=\"Users_getUserDetails\"",
        "method=GET",
        "path=\"/users/{user_id}\"",
        "status=200",
        "attempt=1",
        "elapsed_ms=",
        "status=503",
    ] {
        assert!(text.contains(expected), "missing {expected} in\n{text}");
    }
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.as_str() == "span request")
            .count(),
        2,
        "one span per call"
    );
    assert!(
        !text.contains("sk_test_secret"),
        "the key leaked into traces:\n{text}"
    );
    assert!(
        !text.contains("hunter2"),
        "a body leaked into traces:\n{text}"
    );
}

#[tokio::test]
async fn the_response_observer_sees_every_attempt() {
    let server = TestServer::start(vec![
        Reply::json(503, "{}").with_header("X-RateLimit-Remaining", "7"),
        Reply::json(200, fixture("user.json")),
    ])
    .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let client = Client::builder()
        .token("sk_test_secret")
        .base_url(&server.base_url)
        .retry_policy(fast_retries())
        .on_response(move |exchange| {
            let remaining = exchange
                .headers
                .get("x-ratelimit-remaining")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            record.lock().expect("lock").push((
                exchange.operation,
                exchange.path,
                exchange.status,
                exchange.attempt,
                remaining,
            ));
        })
        .build()
        .expect("a client");
    client
        .users()
        .get("user_1")
        .send()
        .await
        .expect("the retry succeeds");
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(
        seen,
        [
            (
                "Users_getUserDetails",
                "/users/{user_id}",
                503,
                1,
                Some("7".to_owned())
            ),
            ("Users_getUserDetails", "/users/{user_id}", 200, 2, None),
        ]
    );
}

/// A request's exchange runs in one boxed future, so the future of a generated `send` stays
/// small (it was 4.8 KiB when every layer was nested in it) and awaiting it moves little.
#[test]
fn send_futures_stay_small() {
    let client = Client::builder()
        .token("sk_test_size")
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("a client");
    let get = client.users().get("user_1").send();
    let list = client.users().list().limit(3).send();
    for (what, size) in [
        ("users().get()", std::mem::size_of_val(&get)),
        ("users().list()", std::mem::size_of_val(&list)),
    ] {
        assert!(size <= 2048, "the future of {what} takes {size} bytes");
    }
}

/// A server that answers every request by `mode`: 0 = 503 to everything, 1 = 200 to
/// everything, 2 = 503 to every odd request and 200 to every even one. It counts requests.
async fn switchable_server() -> (
    String,
    Arc<std::sync::atomic::AtomicU32>,
    Arc<std::sync::atomic::AtomicU32>,
) {
    use std::sync::atomic::{AtomicU32, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let mode = Arc::new(AtomicU32::new(0));
    let count = Arc::new(AtomicU32::new(0));
    let (serving_mode, serving_count) = (Arc::clone(&mode), Arc::clone(&count));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (mode, count) = (Arc::clone(&serving_mode), Arc::clone(&serving_count));
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 8192];
                let mut read = 0;
                // GET requests without a body: the head ends the request.
                while !buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read += n,
                    }
                }
                let n = count.fetch_add(1, Ordering::SeqCst);
                let fail = match mode.load(Ordering::SeqCst) {
                    0 => true,
                    1 => false,
                    _ => n % 2 == 0,
                };
                let reply = if fail {
                    "HTTP/1.1 503 Unavailable\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}"
                        .to_owned()
                } else {
                    let body = fixture("user.json");
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: req_{n}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                };
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    (url, mode, count)
}

#[tokio::test]
async fn under_an_outage_the_retry_budget_keeps_the_load_near_one_attempt_per_request() {
    use std::sync::atomic::Ordering;
    let (url, mode, count) = switchable_server().await;
    let client = Client::builder()
        .token("sk_test_secret")
        .base_url(&url)
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::ZERO)
                .max_backoff(Duration::ZERO),
        )
        .build()
        .expect("a client");
    for _ in 0..1000 {
        let error = client
            .users()
            .get("user_1")
            .send()
            .await
            .expect_err("the API is down");
        assert_eq!(error.status(), Some(503));
    }
    let attempts = count.load(Ordering::SeqCst);
    // Without a budget: 3,000. With the default one: 1,000 first attempts and the 100
    // retries that 500 tokens at 5 each pay for.
    assert_eq!(attempts, 1100, "attempts under the outage");

    // The API heals: every request succeeds at once, and each success refills the bucket.
    mode.store(1, Ordering::SeqCst);
    for _ in 0..10 {
        client
            .users()
            .get("user_1")
            .send()
            .await
            .expect("the API is back");
    }
    // Ten successes paid for two retries: a request that fails once is retried again.
    mode.store(2, Ordering::SeqCst);
    count.store(0, Ordering::SeqCst);
    client
        .users()
        .get("user_1")
        .send()
        .await
        .expect("retried after one 503");
    assert_eq!(count.load(Ordering::SeqCst), 2);

    // Without a budget, the same outage costs three attempts per request.
    let unbudgeted = Client::builder()
        .token("sk_test_secret")
        .base_url(&url)
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::ZERO)
                .max_backoff(Duration::ZERO)
                .without_budget(),
        )
        .build()
        .expect("a client");
    mode.store(0, Ordering::SeqCst);
    count.store(0, Ordering::SeqCst);
    for _ in 0..200 {
        let _ = unbudgeted.users().get("user_1").send().await;
    }
    assert_eq!(count.load(Ordering::SeqCst), 600);
}

#[tokio::test]
async fn send_with_response_returns_the_status_and_headers_with_the_value() {
    use std::sync::atomic::Ordering;
    let (url, mode, _) = switchable_server().await;
    mode.store(1, Ordering::SeqCst);
    let client = Client::builder()
        .token("sk_test_secret")
        .base_url(&url)
        .build()
        .expect("a client");
    let response = client
        .users()
        .get("user_1")
        .send_with_response()
        .await
        .expect("a user");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("x-request-id"), Some("req_0"));
    let (user, status, headers) = response.into_parts();
    assert_eq!(status, 200);
    assert!(headers.contains_key("content-type"));
    assert!(!user.id.is_empty());
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_post() {
    // A port that refuses connections until a server starts on it, after the first attempt.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("an address");
    drop(listener);
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .expect("rebind");
        let (mut stream, _) = listener.accept().await.expect("the retry");
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut buffer = vec![0u8; 65536];
        let _ = stream.read(&mut buffer).await;
        let body = fixture("organization.json");
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(reply.as_bytes()).await.expect("reply");
    });
    let client = Client::builder()
        .token("sk_test_secret")
        .base_url(format!("http://{address}"))
        .retry_policy(
            // Jittered waits of up to 200 ms: nine of them outlast the 150 ms of refusals.
            RetryPolicy::new()
                .max_attempts(10)
                .initial_backoff(Duration::from_millis(200))
                .max_backoff(Duration::from_millis(200)),
        )
        .build()
        .expect("a client");
    let organization = client
        .organizations()
        .create("user_1", "Acme")
        .send()
        .await
        .expect("the POST is retried after the refused connection");
    assert_eq!(organization.slug, "analytical-engines");
    server.await.expect("the server");
}

/// Records what each hook saw, in order.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, line: String) {
        self.0.lock().expect("the log").push(line);
    }
    fn lines(&self) -> Vec<String> {
        self.0.lock().expect("the log").clone()
    }
}

/// Adds `x-correlation-id: <name>-<attempt>` and logs both calls.
struct Tagging {
    name: &'static str,
    log: Log,
}

impl clerk_backend_api::Hook for Tagging {
    fn before_attempt<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        attempt: clerk_backend_api::Attempt,
    ) -> clerk_backend_api::HookFuture<'a> {
        Box::pin(async move {
            self.log
                .push(format!("{} before {}", self.name, attempt.number));
            let value = format!("{}-{}", self.name, attempt.number);
            request
                .headers_mut()
                .append("x-correlation-id", value.parse().expect("a header value"));
            Ok(())
        })
    }

    fn after_attempt(
        &self,
        exchange: &clerk_backend_api::Exchange<'_>,
    ) -> Result<(), clerk_backend_api::HookError> {
        self.log.push(format!(
            "{} after {} {}",
            self.name, exchange.attempt, exchange.status
        ));
        Ok(())
    }
}

/// Hands out `token-1`, `token-2`, ...: a token refreshed for every attempt.
struct Rotating(std::sync::atomic::AtomicU32);

impl clerk_backend_api::Credentials for Rotating {
    fn token(
        &self,
        _attempt: clerk_backend_api::Attempt,
    ) -> clerk_backend_api::HookFuture<'_, String> {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        Box::pin(async move { Ok(format!("token-{n}")) })
    }
}

#[tokio::test]
async fn hooks_change_every_attempt_and_a_provider_refreshes_the_token_on_retry() {
    let server = TestServer::start(vec![
        Reply::json(503, "{}"),
        Reply::json(200, fixture("user.json")),
    ])
    .await;
    let log = Log::default();
    let observed = log.clone();
    let client = Client::builder()
        .base_url(&server.base_url)
        .retry_policy(fast_retries())
        .credentials(Rotating(std::sync::atomic::AtomicU32::new(0)))
        .hook(Tagging {
            name: "client",
            log: log.clone(),
        })
        .on_response(move |exchange| observed.push(format!("observer {}", exchange.attempt)))
        .build()
        .expect("a client");
    client
        .users()
        .get("user_1")
        .with_options(RequestOptions::new().hook(Tagging {
            name: "request",
            log: log.clone(),
        }))
        .send()
        .await
        .expect("the retry succeeds");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].header("authorization"), Some("Bearer token-1"));
    assert_eq!(requests[1].header("authorization"), Some("Bearer token-2"));
    let tags = |r: &support::Recorded| {
        r.headers
            .iter()
            .filter(|(k, _)| k == "x-correlation-id")
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(tags(&requests[0]), ["client-1", "request-1"]);
    assert_eq!(tags(&requests[1]), ["client-2", "request-2"]);
    assert_eq!(
        log.lines(),
        [
            "client before 1",
            "request before 1",
            "observer 1",
            "client after 1 503",
            "request after 1 503",
            "client before 2",
            "request before 2",
            "observer 2",
            "client after 2 200",
            "request after 2 200",
        ]
    );
}

/// Fails every answer that lacks a request ID.
struct RequireRequestId;

impl clerk_backend_api::Hook for RequireRequestId {
    fn after_attempt(
        &self,
        exchange: &clerk_backend_api::Exchange<'_>,
    ) -> Result<(), clerk_backend_api::HookError> {
        match exchange.headers.get("x-request-id") {
            Some(_) => Ok(()),
            None => Err(clerk_backend_api::HookError::new("no x-request-id")),
        }
    }
}

#[tokio::test]
async fn a_hook_can_fail_a_call_after_the_answer() {
    let server = TestServer::replying(200, &fixture("user.json")).await;
    let client = Client::builder()
        .token("sk_test_secret")
        .base_url(&server.base_url)
        .hook(RequireRequestId)
        .build()
        .expect("a client");
    let error = client
        .users()
        .get("user_1")
        .send()
        .await
        .expect_err("the hook refuses");
    let Error::Hook { operation, source } = &error else {
        panic!("expected a hook error, got {error:?}")
    };
    assert_eq!(*operation, "Users_getUserDetails");
    assert_eq!(source.message(), "no x-request-id");
    assert!(!error.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

/// Adds `x-middleware: seen` after checking the hooks ran first, or fails every attempt.
struct Layer {
    fail: bool,
    log: Log,
}

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for Layer {
    async fn handle(
        &self,
        mut request: reqwest::Request,
        extensions: &mut http::Extensions,
        next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let tagged = request.headers().contains_key("x-correlation-id");
        self.log.push(format!("middleware (hooks ran: {tagged})"));
        if self.fail {
            return Err(reqwest_middleware::Error::middleware(
                std::io::Error::other("refused by policy"),
            ));
        }
        request
            .headers_mut()
            .insert("x-middleware", "seen".parse().expect("a header value"));
        next.run(request, extensions).await
    }
}

#[tokio::test]
async fn a_middleware_stack_sends_every_attempt_after_the_hooks() {
    let server = TestServer::start(vec![
        Reply::json(503, "{}"),
        Reply::json(200, fixture("user.json")),
    ])
    .await;
    let log = Log::default();
    let stack = |fail| {
        reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
            .with(Layer {
                fail,
                log: log.clone(),
            })
            .build()
    };
    let client = |fail| {
        Client::builder()
            .token("sk_test_1")
            .base_url(&server.base_url)
            .retry_policy(fast_retries())
            .hook(Tagging {
                name: "client",
                log: log.clone(),
            })
            .middleware(stack(fail))
            .build()
            .expect("a client")
    };
    client(false)
        .users()
        .get("user_1")
        .send()
        .await
        .expect("the retry succeeds");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "each attempt went through the stack");
    for request in &requests {
        assert_eq!(request.header("x-middleware"), Some("seen"));
        assert_eq!(request.header("authorization"), Some("Bearer sk_test_1"));
    }
    assert_eq!(
        log.lines(),
        [
            "client before 1",
            "middleware (hooks ran: true)",
            "client after 1 503",
            "client before 2",
            "middleware (hooks ran: true)",
            "client after 2 200",
        ]
    );

    let error = client(true)
        .users()
        .get("user_1")
        .send()
        .await
        .expect_err("the middleware refuses");
    assert!(matches!(error, Error::Hook { .. }), "{error:?}");
    assert!(error.to_string().contains("refused by policy"), "{error}");
    assert_eq!(
        server.requests().len(),
        2,
        "nothing more reached the server"
    );
    assert_eq!(
        log.lines().len(),
        8,
        "one attempt, refused by the middleware before it was sent: {:?}",
        log.lines()
    );
}
