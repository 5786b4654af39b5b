//! Copied by `tests/compile.rs` into each generated crate with a test of its own, as
//! `tests/support/mod.rs`: a blocking HTTP/1.1 server on 127.0.0.1 that records each request
//! exactly as it arrived and answers with JSON: the same body to every one, or a sequence.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// A request as it arrived.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The request target: path and query, still escaped.
    pub target: String,
    /// Header names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The query string, or "" without one.
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }
}

pub struct Server {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Starts a server that answers `200` with `body` to every request.
    pub fn replying(body: &'static str) -> Self {
        Self::answering(200, body)
    }

    /// Starts a server that answers `status` with `body` to every request.
    pub fn answering(status: u16, body: &'static str) -> Self {
        Self::sequence(vec![(status, body)])
    }

    /// Starts a server that gives these answers in turn, the last one from then on.
    pub fn sequence(answers: Vec<(u16, &'static str)>) -> Self {
        Self::headed(
            answers
                .into_iter()
                .map(|(status, body)| (status, String::new(), body))
                .collect(),
        )
    }

    /// Like [`sequence`](Self::sequence), each answer with more header lines
    /// (`"link: <...>\r\n"`).
    pub fn headed(answers: Vec<(u16, String, &'static str)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            let mut answered = 0;
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let mut parts = line.split_whitespace();
                let method = parts.next().unwrap_or_default().to_owned();
                let target = parts.next().unwrap_or_default().to_owned();
                let mut headers = Vec::new();
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = header.split_once(':') {
                        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
                    }
                }
                let length = headers
                    .iter()
                    .find(|(k, _)| k == "content-length")
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                let mut received = vec![0; length];
                let _ = reader.read_exact(&mut received);
                log.lock().expect("the log").push(Seen {
                    method,
                    target,
                    headers,
                    body: received,
                });
                let (status, headers, body) = &answers[answered.min(answers.len() - 1)];
                answered += 1;
                let reply = format!(
                    "HTTP/1.1 {status} Answer\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        Self { url, seen }
    }

    /// Every request the server has seen since the last call, in order.
    pub fn all(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.seen.lock().expect("the log"))
    }

    /// The one request the server has seen since the last call.
    pub fn take(&self) -> Seen {
        let mut seen = self.seen.lock().expect("the log");
        assert_eq!(seen.len(), 1, "expected one request, saw {seen:?}");
        seen.remove(0)
    }
}
