//! A mock of the API for an application's own tests (the `testing` feature): a real HTTP/1.1
//! server on 127.0.0.1 that answers each operation as the test says, records every request
//! it sees, and checks how often each operation was called. The client talks to it over a
//! real socket, so retries, timeouts, decoding and error handling run as in production.
//!
//! Generated code wraps it in a typed `Mock` with one method per operation; this module
//! knows operations only as the routes generated code hands it.

use std::fmt::Write as _;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use percent_encoding::percent_decode_str;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The most a request's head (request line and headers) may hold.
const MAX_HEAD: usize = 64 * 1024;

/// One operation as the mock recognises it: its method and path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The operationId.
    pub operation_id: &'static str,
    /// The operation as the client names it: `group.method` (`users.get`).
    pub name: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, relative to the base URL (`/users/{user_id}`).
    pub path: &'static str,
}

/// What operations answer whose body is not JSON (text, bytes or nothing): their
/// expectations take [`Expect::body`] and [`Expect::status`], not `returns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Raw {}

/// A request the mock received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The operation it addressed, when its method and path match one.
    pub operation: Option<&'static str>,
    /// The HTTP method.
    pub method: String,
    /// The path, percent-decoded.
    pub path: String,
    /// The path parameters, by name, when it addressed an operation.
    pub path_params: Vec<(String, String)>,
    /// The query pairs, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// The headers, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The body as received.
    pub body: Vec<u8>,
    /// Whether an expectation answered it.
    pub expected: bool,
}

impl RecordedRequest {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of path parameter `name`.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body decoded as JSON into `T`, such as the operation's body type.
    ///
    /// # Errors
    ///
    /// When the body is not JSON of that shape.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// What an expectation answers.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Option<Duration>,
}

#[derive(Debug)]
struct Expectation {
    route: usize,
    params: Vec<(String, String)>,
    query: Vec<(String, String)>,
    answer: Answer,
    times: Option<usize>,
    hits: usize,
}

#[derive(Debug, Default)]
struct State {
    expectations: Vec<Expectation>,
    requests: Vec<RecordedRequest>,
    strict: bool,
}

#[derive(Debug)]
struct Shared {
    routes: &'static [Route],
    state: Mutex<State>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock leaves the state usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The mock server. Dropping it stops it and, unless the test is already failing, checks
/// what [`MockServer::verify`] checks.
#[derive(Debug)]
pub struct MockServer {
    url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl MockServer {
    /// Starts a server on a free port of 127.0.0.1 that knows `routes`, on the current tokio
    /// runtime.
    ///
    /// # Errors
    ///
    /// When no port of 127.0.0.1 can be bound.
    pub async fn start(routes: &'static [Route]) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(Shared {
            routes,
            state: Mutex::new(State::default()),
        });
        let serving = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&serving)));
            }
        });
        Ok(Self { url, shared, task })
    }

    /// The base URL to point a client at.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Makes a request that no expectation answers a failure of [`MockServer::verify`].
    /// Either way it is answered `404` with a message naming it.
    pub fn strict(&self) {
        self.shared.state().strict = true;
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state().requests.clone()
    }

    /// How many requests addressed the operation `operation`: its operationId, or its name
    /// as the client calls it (`users.get`).
    pub fn calls(&self, operation: &str) -> usize {
        let id = self
            .shared
            .routes
            .iter()
            .find(|r| r.name == operation)
            .map_or(operation, |r| r.operation_id);
        self.shared
            .state()
            .requests
            .iter()
            .filter(|r| r.operation == Some(id))
            .count()
    }

    /// Forgets every expectation and recorded request.
    pub fn reset(&self) {
        let mut state = self.shared.state();
        state.expectations.clear();
        state.requests.clear();
    }

    /// Panics, listing each problem, when an expectation with [`Expect::times`] was called
    /// another number of times, or (after [`MockServer::strict`]) a request went unanswered.
    pub fn verify(&self) {
        let problems = self.problems();
        assert!(
            problems.is_empty(),
            "the mock server saw what the test did not expect:\n{}",
            problems.join("\n")
        );
    }

    fn problems(&self) -> Vec<String> {
        let state = self.shared.state();
        let mut problems = Vec::new();
        for expectation in &state.expectations {
            if let Some(times) = expectation.times.filter(|t| *t != expectation.hits) {
                let route = &self.shared.routes[expectation.route];
                problems.push(format!(
                    "- {} {} ({}) was expected {times} time(s) and called {}",
                    route.method, route.path, route.name, expectation.hits
                ));
            }
        }
        if state.strict {
            for request in state.requests.iter().filter(|r| !r.expected) {
                problems.push(format!(
                    "- unexpected request {} {}{}",
                    request.method,
                    request.path,
                    request
                        .operation
                        .map(|op| format!(" ({op})"))
                        .unwrap_or_default()
                ));
            }
        }
        problems
    }

    /// Registers an expectation for `operation_id`, answering `status` with no body until
    /// told otherwise. For generated code.
    #[doc(hidden)]
    pub fn expect<T>(
        &self,
        operation_id: &str,
        status: u16,
        params: Vec<(&str, String)>,
    ) -> Expect<'_, T> {
        let route = self
            .shared
            .routes
            .iter()
            .position(|r| r.operation_id == operation_id)
            .unwrap_or_else(|| panic!("the mock knows no operation {operation_id}"));
        let mut state = self.shared.state();
        state.expectations.push(Expectation {
            route,
            params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            query: Vec::new(),
            answer: Answer {
                status,
                headers: Vec::new(),
                body: Vec::new(),
                delay: None,
            },
            times: None,
            hits: 0,
        });
        Expect {
            server: self,
            index: state.expectations.len() - 1,
            value: PhantomData,
        }
    }

    fn change(&self, index: usize, change: impl FnOnce(&mut Expectation)) {
        if let Some(expectation) = self.shared.state().expectations.get_mut(index) {
            change(expectation);
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
        if !std::thread::panicking() {
            self.verify();
        }
    }
}

/// How the mock answers one operation, typed by what the operation returns. Expectations
/// registered later win over earlier ones that match the same request, until their
/// [`Expect::times`] are used up.
#[derive(Debug)]
pub struct Expect<'m, T> {
    server: &'m MockServer,
    index: usize,
    value: PhantomData<fn(T)>,
}

impl<T: Serialize> Expect<'_, T> {
    /// Answers with `value` as JSON, under the operation's success status.
    pub fn returns(self, value: T) -> Self {
        let body = serde_json::to_vec(&value).unwrap_or_default();
        self.body("application/json", body)
    }
}

impl<T> Expect<'_, T> {
    /// Answers with any JSON under the operation's success status, such as an object holding
    /// only the fields the test cares about: the client corrects a missing required value as
    /// it would in a real answer (see its `strict` mode).
    pub fn returns_json(self, value: serde_json::Value) -> Self {
        let body = serde_json::to_vec(&value).unwrap_or_default();
        self.body("application/json", body)
    }

    /// Answers `status` with `body` as JSON, such as the API's error body.
    pub fn fails(self, status: u16, body: impl Serialize) -> Self {
        let body = serde_json::to_vec(&body).unwrap_or_default();
        self.status(status).body("application/json", body)
    }

    /// Answers with this status.
    pub fn status(self, status: u16) -> Self {
        self.server.change(self.index, |e| e.answer.status = status);
        self
    }

    /// Answers with this body, under this content type.
    pub fn body(self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        let body = body.into();
        let content_type = content_type.to_owned();
        self.server.change(self.index, |e| {
            e.answer.headers.retain(|(k, _)| k != "content-type");
            e.answer.headers.push(("content-type".into(), content_type));
            e.answer.body = body;
        });
        self
    }

    /// Adds a response header.
    pub fn header(self, name: &str, value: &str) -> Self {
        let header = (name.to_ascii_lowercase(), value.to_owned());
        self.server
            .change(self.index, |e| e.answer.headers.push(header));
        self
    }

    /// Waits this long before answering, to exercise the client's timeouts.
    pub fn delay(self, delay: Duration) -> Self {
        self.server
            .change(self.index, |e| e.answer.delay = Some(delay));
        self
    }

    /// Answers at most `times` requests, and makes [`MockServer::verify`] check that exactly
    /// that many came.
    pub fn times(self, times: usize) -> Self {
        self.server.change(self.index, |e| e.times = Some(times));
        self
    }

    /// Answers only requests whose query holds `name=value`.
    pub fn query(self, name: &str, value: &str) -> Self {
        let pair = (name.to_owned(), value.to_owned());
        self.server.change(self.index, |e| e.query.push(pair));
        self
    }

    /// How many requests this expectation has answered.
    pub fn hits(&self) -> usize {
        self.server
            .shared
            .state()
            .expectations
            .get(self.index)
            .map_or(0, |e| e.hits)
    }
}

/// A request's head and body, as read from the socket.
struct Incoming {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let Ok(Some(incoming)) = read_request(&mut stream).await else {
        return;
    };
    let (request, answer) = answer(&shared, incoming);
    shared.state().requests.push(request);
    if let Some(delay) = answer.delay {
        tokio::time::sleep(delay).await;
    }
    let mut head = format!("HTTP/1.1 {} Mock\r\n", answer.status);
    for (name, value) in &answer.headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    let _ = write!(
        head,
        "content-length: {}\r\nconnection: close\r\n\r\n",
        answer.body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(&answer.body).await;
    let _ = stream.shutdown().await;
}

/// Reads one HTTP/1.1 request: its head, then a body of `content-length` bytes or in chunks.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Incoming>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        if buffer.len() > MAX_HEAD {
            return Ok(None);
        }
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut rest = buffer[head_end + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split_whitespace();
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let body = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        read_chunked(stream, rest).await?
    } else {
        let length: usize = header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while rest.len() < length {
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                break;
            }
            rest.extend_from_slice(&chunk[..read]);
        }
        rest.truncate(length);
        rest
    };
    Ok(Some(Incoming {
        method,
        target,
        headers,
        body,
    }))
}

/// A chunked body: each chunk's size line, its bytes, up to the empty last chunk.
async fn read_chunked(stream: &mut TcpStream, mut buffer: Vec<u8>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        while find(&buffer, b"\r\n").is_none() {
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                return Ok(body);
            }
            buffer.extend_from_slice(&chunk[..read]);
        }
        let line_end = find(&buffer, b"\r\n").unwrap_or(0);
        let size_text = String::from_utf8_lossy(&buffer[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or(0);
        buffer.drain(..line_end + 2);
        if size == 0 {
            return Ok(body);
        }
        while buffer.len() < size + 2 {
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                body.extend_from_slice(&buffer[..buffer.len().min(size)]);
                return Ok(body);
            }
            buffer.extend_from_slice(&chunk[..read]);
        }
        body.extend_from_slice(&buffer[..size]);
        buffer.drain(..size + 2);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Path parameters by name.
type Params = Vec<(String, String)>;

/// The route `method` and `path` address, with its path parameters: of the templates that
/// match, the one with the most literal segments.
fn route_of(routes: &[Route], method: &str, path: &str) -> Option<(usize, Params)> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut best: Option<(usize, usize, Params)> = None;
    for (index, route) in routes.iter().enumerate() {
        if !route.method.eq_ignore_ascii_case(method) {
            continue;
        }
        let template: Vec<&str> = route.path.trim_matches('/').split('/').collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let mut literals = 0;
        let fits = template.iter().zip(&segments).all(|(part, segment)| {
            match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => {
                    params.push((name.to_owned(), decode(segment)));
                    !segment.is_empty()
                }
                None => {
                    literals += 1;
                    *part == decode(segment)
                }
            }
        });
        if fits && best.as_ref().is_none_or(|(_, most, _)| literals > *most) {
            best = Some((index, literals, params));
        }
    }
    best.map(|(index, _, params)| (index, params))
}

/// The recorded request and the answer: the latest matching expectation with calls left, or
/// a 404 that names the request.
fn answer(shared: &Shared, incoming: Incoming) -> (RecordedRequest, Answer) {
    let (raw_path, raw_query) = incoming
        .target
        .split_once('?')
        .unwrap_or((&incoming.target, ""));
    // The path relative to the base URL: the mock serves at its root.
    let path = decode(raw_path);
    let query: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect();
    let route = route_of(shared.routes, &incoming.method, raw_path);
    let mut state = shared.state();
    let chosen = route.as_ref().and_then(|(index, params)| {
        state.expectations.iter_mut().rev().find(|e| {
            e.route == *index
                && e.times.is_none_or(|t| e.hits < t)
                && e.params.iter().all(|p| params.contains(p))
                && e.query.iter().all(|q| query.contains(q))
        })
    });
    let (answer, expected) = match chosen {
        Some(expectation) => {
            expectation.hits += 1;
            (expectation.answer.clone(), true)
        }
        None => {
            let message = serde_json::json!({
                "mock": format!("no expectation matches {} {}", incoming.method, path),
            });
            let answer = Answer {
                status: 404,
                headers: vec![("content-type".into(), "application/json".into())],
                body: serde_json::to_vec(&message).unwrap_or_default(),
                delay: None,
            };
            (answer, false)
        }
    };
    drop(state);
    let (operation, path_params) = match route {
        Some((index, params)) => (Some(shared.routes[index].operation_id), params),
        None => (None, Vec::new()),
    };
    let request = RecordedRequest {
        operation,
        method: incoming.method,
        path,
        path_params,
        query,
        headers: incoming.headers,
        body: incoming.body,
        expected,
    };
    (request, answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTES: &[Route] = &[
        Route {
            operation_id: "GetUser",
            name: "users.get",
            method: "GET",
            path: "/users/{user_id}",
        },
        Route {
            operation_id: "CountUsers",
            name: "users.count",
            method: "GET",
            path: "/users/count",
        },
    ];

    #[test]
    fn the_most_literal_template_wins_and_parameters_are_decoded() {
        let (index, params) = route_of(ROUTES, "GET", "/users/count").expect("a route");
        assert_eq!(ROUTES[index].operation_id, "CountUsers");
        assert!(params.is_empty());
        let (index, params) = route_of(ROUTES, "GET", "/users/a%20b").expect("a route");
        assert_eq!(ROUTES[index].operation_id, "GetUser");
        assert_eq!(params, vec![("user_id".to_owned(), "a b".to_owned())]);
        assert!(route_of(ROUTES, "POST", "/users/count").is_none());
        assert!(route_of(ROUTES, "GET", "/users").is_none());
    }
}
