//! A minimal HTTP/1.1 server on 127.0.0.1 that records each request and answers from a queue
//! of canned responses, so tests can assert exactly what the client puts on the wire.

#![allow(dead_code, unreachable_pub)]

pub mod trace;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clerk_backend_api::Client;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The path without the query string, still percent-encoded.
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }

    /// The parts of a multipart body.
    pub fn multipart(&self) -> Vec<Part> {
        let content_type = self.header("content-type").expect("a content type");
        let boundary = content_type
            .split("boundary=")
            .nth(1)
            .expect("a boundary")
            .trim_matches('"');
        let delimiter = format!("--{boundary}");
        let mut parts = Vec::new();
        let body = &self.body;
        let positions: Vec<usize> = find_all(body, delimiter.as_bytes());
        for window in positions.windows(2) {
            let chunk = &body[window[0] + delimiter.len()..window[1]];
            let chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
            let chunk = chunk.strip_suffix(b"\r\n").unwrap_or(chunk);
            let split = find_all(chunk, b"\r\n\r\n")[0];
            let head = String::from_utf8_lossy(&chunk[..split]).to_string();
            let data = chunk[split + 4..].to_vec();
            let mut name = String::new();
            let mut file_name = None;
            let mut part_type = None;
            for line in head.lines() {
                let lower = line.to_ascii_lowercase();
                if lower.starts_with("content-disposition") {
                    for item in line.split(';').map(str::trim) {
                        if let Some(v) = item.strip_prefix("name=") {
                            name = v.trim_matches('"').to_owned();
                        }
                        if let Some(v) = item.strip_prefix("filename=") {
                            file_name = Some(v.trim_matches('"').to_owned());
                        }
                    }
                } else if lower.starts_with("content-type") {
                    part_type = line.split_once(':').map(|(_, v)| v.trim().to_owned());
                }
            }
            parts.push((name, file_name, part_type, data));
        }
        parts
    }
}

fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    (0..haystack.len().saturating_sub(needle.len() - 1))
        .filter(|&i| &haystack[i..i + needle.len()] == needle)
        .collect()
}

/// A multipart part: name, file name, content type and bytes.
pub type Part = (String, Option<String>, Option<String>, Vec<u8>);

/// A canned answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// How long the server waits before it answers.
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// The same answer, given only after `delay` (past the client's timeout, a hang).
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

pub struct TestServer {
    pub base_url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    /// Starts a server that answers with `replies` in order, then with the last one again.
    pub async fn start(replies: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let base_url = format!("http://{}", listener.local_addr().expect("local address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let queue = Arc::new(Mutex::new(VecDeque::from(replies)));
        let recorded = Arc::clone(&requests);
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let recorded = Arc::clone(&recorded);
                let queue = Arc::clone(&queue);
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut reader = BufReader::new(read);
                    while let Some(request) = read_request(&mut reader).await {
                        recorded.lock().expect("lock").push(request);
                        let reply = {
                            let mut queue = queue.lock().expect("lock");
                            if queue.len() > 1 {
                                queue.pop_front()
                            } else {
                                queue.front().cloned()
                            }
                        }
                        .expect("a reply is queued");
                        if !reply.delay.is_zero() {
                            tokio::time::sleep(reply.delay).await;
                        }
                        let mut head = format!(
                            "HTTP/1.1 {} Status\r\nContent-Length: {}\r\n",
                            reply.status,
                            reply.body.len()
                        );
                        for (name, value) in &reply.headers {
                            head.push_str(&format!("{name}: {value}\r\n"));
                        }
                        head.push_str("\r\n");
                        if write.write_all(head.as_bytes()).await.is_err()
                            || write.write_all(reply.body.as_bytes()).await.is_err()
                        {
                            return;
                        }
                    }
                });
            }
        });
        Self { base_url, requests }
    }

    /// A server that always answers `status` with `body` as JSON.
    pub async fn replying(status: u16, body: &str) -> Self {
        Self::start(vec![Reply::json(status, body)]).await
    }

    pub fn client(&self) -> Client {
        Client::builder()
            .token("sk_test_secret")
            .base_url(&self.base_url)
            .timeout(Duration::from_secs(10))
            .build()
            .expect("a client")
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }

    /// The one request received; fails when there were none or several.
    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request, got {requests:#?}"
        );
        requests.into_iter().next().expect("one request")
    }
}

async fn read_request<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R) -> Option<Recorded> {
    let mut line = String::new();
    if reader.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).await.ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if let Some(length) = find("content-length") {
        body.resize(length.parse().ok()?, 0);
        reader.read_exact(&mut body).await.ok()?;
    } else if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).await.ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await.ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), query.to_owned()),
        None => (target, String::new()),
    };
    let query = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect();
    Some(Recorded {
        method,
        path,
        query,
        headers,
        body,
    })
}

fn decode(text: &str) -> String {
    let text = text.replace('+', " ");
    percent_encoding::percent_decode_str(&text)
        .decode_utf8_lossy()
        .into_owned()
}

/// A JSON fixture from `tests/fixtures/`.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// `[fixture, fixture]` as a JSON array.
pub fn array_of(name: &str, count: usize) -> String {
    let item = fixture(name);
    format!("[{}]", vec![item.trim(); count].join(","))
}

/// Asserts the headers every request carries.
pub fn assert_standard_headers(request: &Recorded) {
    assert_eq!(
        request.header("authorization"),
        Some("Bearer sk_test_secret")
    );
    assert_eq!(request.header("clerk-api-version"), Some("2021-02-05"));
    assert_eq!(request.header("accept"), Some("application/json"));
    let agent = request.header("user-agent").expect("a User-Agent");
    assert!(
        agent.starts_with(concat!("clerk-backend-api/", env!("CARGO_PKG_VERSION"))),
        "{agent}"
    );
}
