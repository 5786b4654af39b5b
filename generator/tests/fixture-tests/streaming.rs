//! Copied by `tests/compile.rs` into the crate generated from `fixtures/streaming.yaml`, and
//! run there against a server on 127.0.0.1 that writes its answers in chunks split where the
//! test says: typed server-sent events split anywhere (inside a line, a CRLF, a UTF-8
//! character, the byte order mark), a malformed event that fails alone, reconnection with
//! `Last-Event-ID`, a download read as a stream, a stalled one, and uploads from a stream
//! (sent once, chunked) and from a file (with its length, retried).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use fixture_streaming::codegen::Stream;
use fixture_streaming::{Bytes, Client, Error, Payload, RequestOptions, RetryPolicy, Upload};

/// A request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does next on a connection.
enum Step {
    Write(Vec<u8>),
    Wait(u64),
}

fn write(bytes: impl AsRef<[u8]>) -> Step {
    Step::Write(bytes.as_ref().to_vec())
}

/// A response head whose body runs until the connection closes.
fn head(status: u16, content_type: &str) -> Step {
    write(format!(
        "HTTP/1.1 {status} Answer\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n"
    ))
}

/// A whole JSON response.
fn json(status: u16, body: &str) -> Vec<Step> {
    vec![write(format!(
        "HTTP/1.1 {status} Answer\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ))]
}

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Answers the `n`th request (from 0) with the steps `script` gives.
    fn start(script: impl Fn(usize, &Seen) -> Vec<Step> + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let script = Arc::new(script);
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { return };
                let (log, script) = (Arc::clone(&log), Arc::clone(&script));
                std::thread::spawn(move || {
                    let Some(request) = read_request(&mut stream) else {
                        return;
                    };
                    log.lock().expect("the log").push(request.clone());
                    for step in script(n, &request) {
                        match step {
                            Step::Write(bytes) => {
                                if stream.write_all(&bytes).and_then(|()| stream.flush()).is_err() {
                                    return;
                                }
                            }
                            Step::Wait(ms) => std::thread::sleep(Duration::from_millis(ms)),
                        }
                    }
                });
            }
        });
        Self { url, seen }
    }

    fn all(&self) -> Vec<Seen> {
        self.seen.lock().expect("the log").clone()
    }
}

/// Reads one request, its body by `content-length` or chunked.
fn read_request(stream: &mut std::net::TcpStream) -> Option<Seen> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let target = line.split_whitespace().nth(1)?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let mut seen = Seen {
        target,
        headers,
        body: Vec::new(),
    };
    if seen.header("transfer-encoding") == Some("chunked") {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            seen.body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = seen.header("content-length").and_then(|v| v.parse().ok()) {
        seen.body = vec![0; length];
        reader.read_exact(&mut seen.body).ok()?;
    }
    Some(seen)
}

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(&server.url)
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
        .build()
        .expect("a client")
}

async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

async fn collect<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    let mut items = Vec::new();
    while let Some(item) = next(&mut stream).await {
        items.push(item);
    }
    items
}

/// A stream of chunks given up front, for uploads.
struct Chunks(Vec<&'static [u8]>);

impl Stream for Chunks {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.0.is_empty() {
            return Poll::Ready(None);
        }
        Poll::Ready(Some(Ok(Bytes::from_static(self.0.remove(0)))))
    }
}

/// Every byte of `text` written alone, then the rest in pieces of 3, so that lines, CRLFs,
/// characters and the byte order mark are all split.
fn split_badly(text: &[u8]) -> Vec<Step> {
    let mut steps = Vec::new();
    let (first, rest) = text.split_at(text.len().min(12));
    for byte in first {
        steps.push(write([*byte]));
        steps.push(Step::Wait(2));
    }
    for piece in rest.chunks(3) {
        steps.push(write(piece));
        steps.push(Step::Wait(1));
    }
    steps
}

#[tokio::test]
async fn typed_events_survive_any_chunk_split() {
    let body = "\u{feff}: a comment, then a keep-alive\r\n:\r\n\
                event: delta\r\nid: 1\r\nretry: 250\r\ndata: {\"index\": 0,\r\ndata:  \"text\": \"héllo ✓\"}\r\n\r\n\
                data: {\"index\": 1, \"text\": \"two\"}\n\n\
                data:{\"index\": 2, \"text\": \"three\"}\r\r\
                id\nevent: ignored-without-data\n\n\
                data: {\"index\": 3, \"text\": \"cut off\"}";
    let server = Server::start(move |_, _| {
        let mut steps = vec![head(200, "text/event-stream")];
        steps.extend(split_badly(body.as_bytes()));
        steps
    });
    let events = client(&server)
        .chat()
        .stream_chat("hi")
        .send()
        .await
        .expect("the stream opens");
    assert_eq!(events.status(), 200);
    let events: Vec<_> = collect(events)
        .await
        .into_iter()
        .map(|e| e.expect("every event decodes"))
        .collect();
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(events[0].event, "delta");
    assert_eq!(events[0].id.as_deref(), Some("1"));
    assert_eq!(events[0].retry, Some(Duration::from_millis(250)));
    assert_eq!(events[0].data.index, 0);
    // Two `data` lines joined by a newline; one leading space dropped, the second kept.
    assert_eq!(events[0].data.text, "héllo ✓");
    assert_eq!(events[1].event, "message", "the default type");
    assert_eq!(events[1].id.as_deref(), Some("1"), "the last ID stays");
    assert_eq!(events[1].retry, None);
    assert_eq!(events[2].data.text, "three", "CR alone ends lines");
    let seen = server.all();
    assert_eq!(seen[0].header("accept"), Some("text/event-stream"));
    assert_eq!(seen[0].body, br#"{"prompt":"hi"}"#);
}

#[tokio::test]
async fn a_malformed_event_fails_alone_and_names_its_place() {
    let body = "data: {\"index\": 0, \"text\": \"ok\"}\n\n\
                : the next one lacks nothing but has the wrong type\n\
                data: {\"index\": \"one\", \"text\": \"bad\"}\n\n\
                data: not json at all\n\n\
                data: {\"index\": 3, \"text\": \"after\"}\n\n";
    let server =
        Server::start(move |_, _| vec![head(200, "text/event-stream"), write(body.as_bytes())]);
    let items = collect(
        client(&server)
            .chat()
            .stream_chat("hi")
            .send()
            .await
            .expect("opens"),
    )
    .await;
    assert_eq!(items.len(), 4, "the stream continues after a bad event");
    assert_eq!(items[0].as_ref().expect("decodes").data.text, "ok");
    let Err(Error::Decode(wrong_type)) = &items[1] else {
        panic!("a decode error: {:?}", items[1]);
    };
    assert_eq!(wrong_type.path, "event 2 (line 4): index", "{wrong_type}");
    assert_eq!(wrong_type.raw_body, r#"{"index": "one", "text": "bad"}"#);
    let Err(Error::Decode(not_json)) = &items[2] else {
        panic!("a decode error: {:?}", items[2]);
    };
    assert!(not_json.path.starts_with("event 3 (line 6)"), "{not_json}");
    assert_eq!(items[3].as_ref().expect("decodes").data.index, 3);
}

#[tokio::test]
async fn text_and_untyped_events() {
    let server = Server::start(|_, seen| {
        let body: &[u8] = if seen.target == "/logs" {
            b"data: line one\ndata: line two\n\n"
        } else {
            b"event: tick\ndata: {\"n\": 1}\n\n"
        };
        vec![head(200, "text/event-stream"), write(body)]
    });
    let client = client(&server);
    let logs = collect(client.logs().tail_logs().send().await.expect("opens")).await;
    assert_eq!(
        logs[0].as_ref().expect("text").data,
        "line one\nline two",
        "data lines joined with LF"
    );
    let ticks = collect(client.logs().ticks().send().await.expect("opens")).await;
    let tick = ticks[0].as_ref().expect("JSON");
    assert_eq!(tick.event, "tick");
    assert_eq!(tick.data["n"], 1);
}

#[tokio::test]
async fn reconnection_sends_the_last_event_id_and_stops_at_204() {
    let server = Server::start(|n, _| match n {
        0 => vec![
            head(200, "text/event-stream"),
            write("retry: 5\nid: 7\ndata: {\"id\": \"a\", \"kind\": \"created\"}\n\ndata: {\"id\": \"lost\""),
        ],
        1 => vec![
            head(200, "text/event-stream"),
            write("id: 8\ndata: {\"id\": \"b\", \"kind\": \"deleted\"}\n\n"),
        ],
        _ => json(204, ""),
    });
    let events = client(&server)
        .changes()
        .watch_changes()
        .with_options(RequestOptions::new().reconnect(3))
        .send()
        .await
        .expect("opens");
    let events: Vec<_> = collect(events)
        .await
        .into_iter()
        .map(|e| e.expect("decodes"))
        .collect();
    let ids: Vec<&str> = events.iter().map(|e| e.data.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"], "the cut-off event is dropped");
    let seen = server.all();
    assert_eq!(seen.len(), 3, "two reconnections, the second answered 204");
    assert_eq!(seen[0].header("last-event-id"), None);
    assert_eq!(seen[1].header("last-event-id"), Some("7"));
    assert_eq!(seen[2].header("last-event-id"), Some("8"));

    // Without the option, the end of the connection ends the stream.
    let once = Server::start(|_, _| {
        vec![
            head(200, "text/event-stream"),
            write("data: {\"id\": \"a\", \"kind\": \"created\"}\n\n"),
        ]
    });
    let events = collect(client(&once).changes().watch_changes().send().await.expect("opens")).await;
    assert_eq!(events.len(), 1);
    assert_eq!(once.all().len(), 1);
}

#[tokio::test]
async fn a_download_is_read_as_it_arrives() {
    let server = Server::start(|_, _| {
        vec![
            write("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 9\r\nconnection: close\r\n\r\n"),
            write("abc"),
            Step::Wait(30),
            write("def"),
            Step::Wait(30),
            write("ghi"),
        ]
    });
    let mut stream = client(&server)
        .exports()
        .download_export("e1")
        .send_stream()
        .await
        .expect("opens");
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.content_length(), Some(9));
    let mut chunks = Vec::new();
    while let Some(chunk) = next(&mut stream).await {
        chunks.push(chunk.expect("a chunk"));
    }
    assert!(chunks.len() >= 3, "read as it arrived: {chunks:?}");
    assert_eq!(chunks.concat(), b"abcdefghi");
    // The whole body, as before.
    let whole = client(&server)
        .exports()
        .download_export("e1")
        .send()
        .await
        .expect("the body");
    assert_eq!(whole, b"abcdefghi");
    // With its status and headers.
    let response = client(&server)
        .exports()
        .download_export("e1")
        .send_with_response()
        .await
        .expect("the body");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-length"), Some("9"));
    assert_eq!(response.value, b"abcdefghi");
}

#[tokio::test]
async fn a_stalled_download_ends_with_a_timeout() {
    let server = Server::start(|_, _| {
        vec![
            head(200, "application/octet-stream"),
            write("start"),
            Step::Wait(2_000),
            write("too late"),
        ]
    });
    let client = client(&server);
    // The timeout bounds each wait, so a slow download that keeps moving is not cut off...
    let mut stream = client
        .exports()
        .download_export("e1")
        .with_options(RequestOptions::new().timeout(Duration::from_millis(300)))
        .send_stream()
        .await
        .expect("opens");
    assert_eq!(&next(&mut stream).await.expect("a chunk").expect("bytes")[..], b"start");
    // ...but one that stops is.
    let error = next(&mut stream).await.expect("an item").expect_err("stalled");
    assert!(error.is_timeout(), "{error}");
    assert!(matches!(error, Error::Stalled { .. }), "{error:?}");
    assert!(next(&mut stream).await.is_none(), "the stream ends");
}

#[tokio::test]
async fn a_streamed_upload_is_sent_chunked_and_once() {
    let server = Server::start(|_, _| json(503, "{}"));
    let payload = Payload::from_stream(Chunks(vec![b"first ", b"second ", b"third"]), None);
    assert!(!payload.is_replayable());
    let error = client(&server)
        .exports()
        .upload_import(payload)
        .send()
        .await
        .expect_err("unavailable");
    assert_eq!(error.status(), Some(503));
    let seen = server.all();
    assert_eq!(seen.len(), 1, "a stream cannot be sent again, so a PUT is not retried");
    assert_eq!(seen[0].header("transfer-encoding"), Some("chunked"));
    assert_eq!(seen[0].body, b"first second third");

    // With its length known, it is sent with it.
    let sized = Server::start(|_, _| json(201, r#"{"id": "i1", "bytes": 5}"#));
    let payload = Payload::from_stream(Chunks(vec![b"ab", b"cde"]), Some(5));
    let import = client(&sized)
        .exports()
        .upload_import(payload)
        .send()
        .await
        .expect("uploaded");
    assert_eq!(import.bytes, 5);
    let seen = sized.all();
    assert_eq!(seen[0].header("content-length"), Some("5"));
    assert_eq!(seen[0].body, b"abcde");
}

#[tokio::test]
async fn a_file_upload_is_read_as_sent_and_retried() {
    let path = std::env::temp_dir().join(format!("streaming-upload-{}", std::process::id()));
    let contents: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &contents).expect("write the file");
    let server = Server::start(|n, _| match n {
        0 => json(503, "{}"),
        _ => json(201, r#"{"id": "i2", "bytes": 200000}"#),
    });
    let payload = Payload::file(&path).await.expect("the file");
    assert_eq!(payload.len(), Some(200_000));
    let import = client(&server)
        .exports()
        .upload_import(payload)
        .send()
        .await
        .expect("the second attempt succeeds");
    assert_eq!(import.id, "i2");
    let seen = server.all();
    assert_eq!(seen.len(), 2, "a file is opened again for the retry");
    for request in &seen {
        assert_eq!(request.header("content-length"), Some("200000"));
        assert_eq!(request.body, contents);
    }
    // A multipart part from the same file: over the spec's 16 bytes, refused before sending.
    let upload = Upload::from_payload(
        Payload::file(&path).await.expect("the file"),
        "big.bin",
        "application/octet-stream",
    );
    let error = client(&server)
        .exports()
        .attach(upload)
        .send()
        .await
        .expect_err("too big");
    assert!(matches!(error, Error::Validation(_)), "{error:?}");
    assert_eq!(server.all().len(), 2, "nothing was sent");
    std::fs::remove_file(&path).ok();
}

#[tokio::test]
async fn a_streamed_part_of_unknown_length_is_held_to_the_limit_while_sent() {
    let server = Server::start(|_, _| json(201, r#"{"id": "i3", "bytes": 8}"#));
    let small = Upload::from_payload(
        Payload::from_stream(Chunks(vec![b"8 bytes!"]), None),
        "small.txt",
        "text/plain",
    );
    client(&server)
        .exports()
        .attach(small)
        .note("hello")
        .send()
        .await
        .expect("within the limit");
    let body = String::from_utf8_lossy(&server.all()[0].body).into_owned();
    assert!(body.contains("8 bytes!") && body.contains("hello"), "{body}");

    let big = Upload::from_payload(
        Payload::from_stream(Chunks(vec![b"twelve bytes", b" and more"]), None),
        "big.txt",
        "text/plain",
    );
    let error = client(&server)
        .exports()
        .attach(big)
        .send()
        .await
        .expect_err("over the limit");
    assert!(
        matches!(error, Error::Transport { .. }),
        "the upload fails once past the limit: {error:?}"
    );
}
