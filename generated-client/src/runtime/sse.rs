//! Server-sent events: a `text/event-stream` response read as a typed stream of events,
//! parsed by the rules of the WHATWG HTML standard (section 9.2, "Server-sent events").

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::answer::Decoding;
use super::api::Api;
use super::correct::Shaped;
use super::error::Error;
use super::request::Request;
use super::stream::next_chunk;

/// How long a reconnecting stream waits when the server named no `retry` time.
const DEFAULT_RETRY: Duration = Duration::from_secs(3);

/// One event of a server-sent event stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The event type: the `event` field, or `message` when the event has none.
    pub event: String,
    /// The last event ID the stream set (`id`), which a reconnection sends back as
    /// `Last-Event-ID`; `None` while no event has set one.
    pub id: Option<String>,
    /// The reconnection time the event set (`retry`), when it set one.
    pub retry: Option<Duration>,
    /// The `data` lines, joined with `\n` and decoded.
    pub data: T,
}

/// An event as parsed, before its data is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawEvent {
    pub(crate) event: String,
    pub(crate) id: Option<String>,
    pub(crate) retry: Option<Duration>,
    pub(crate) data: String,
    /// The line the event's first field was on, from 1.
    pub(crate) line: u64,
}

/// The event stream parser: fed chunks split anywhere, it yields complete events.
#[derive(Debug, Default)]
pub(crate) struct Parser {
    /// The bytes of a line not yet ended.
    pending: Vec<u8>,
    /// The last chunk ended in CR, so an LF that starts the next one ends no line.
    after_cr: bool,
    /// Whether any byte has been seen (a byte order mark is dropped only at the start).
    started: bool,
    lines: u64,
    data: String,
    event: String,
    /// Whether the event being built has any field yet, and the line of its first.
    first_line: Option<u64>,
    /// The `retry` of the event being built.
    retry: Option<Duration>,
    /// The stream's reconnection time: the last `retry` it sent.
    stream_retry: Option<Duration>,
    last_id: Option<String>,
}

impl Parser {
    /// Feeds one chunk, pushing the events it completes onto `out`.
    pub(crate) fn feed(&mut self, mut chunk: &[u8], out: &mut VecDeque<RawEvent>) {
        if chunk.is_empty() {
            return;
        }
        if !self.started {
            // The byte order mark may itself arrive split; wait for enough bytes.
            const BOM: &[u8] = b"\xEF\xBB\xBF";
            self.pending.extend_from_slice(chunk);
            if self.pending.len() < BOM.len() && BOM.starts_with(&self.pending) {
                return;
            }
            self.started = true;
            let mut held = std::mem::take(&mut self.pending);
            if held.starts_with(BOM) {
                held.drain(..BOM.len());
            }
            return self.feed_started(&held, out);
        }
        if self.after_cr && chunk.first() == Some(&b'\n') {
            chunk = &chunk[1..];
        }
        self.after_cr = false;
        self.feed_started(chunk, out);
    }

    fn feed_started(&mut self, chunk: &[u8], out: &mut VecDeque<RawEvent>) {
        let mut rest = chunk;
        while let Some(end) = rest.iter().position(|b| *b == b'\r' || *b == b'\n') {
            let mut line = std::mem::take(&mut self.pending);
            line.extend_from_slice(&rest[..end]);
            let crlf = rest[end] == b'\r' && rest.get(end + 1) == Some(&b'\n');
            if rest[end] == b'\r' && end + 1 == rest.len() {
                self.after_cr = true;
            }
            rest = &rest[end + if crlf { 2 } else { 1 }..];
            self.line(&String::from_utf8_lossy(&line), out);
        }
        self.pending.extend_from_slice(rest);
    }

    /// Processes one complete line.
    fn line(&mut self, line: &str, out: &mut VecDeque<RawEvent>) {
        self.lines += 1;
        if line.is_empty() {
            return self.dispatch(out);
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        self.first_line.get_or_insert(self.lines);
        match field {
            "event" => value.clone_into(&mut self.event),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(millis) = value.parse() {
                    self.retry = Some(Duration::from_millis(millis));
                    self.stream_retry = self.retry;
                }
            }
            _ => {}
        }
    }

    /// An empty line: the event built so far is complete, unless it has no data.
    fn dispatch(&mut self, out: &mut VecDeque<RawEvent>) {
        let line = self.first_line.take().unwrap_or(self.lines);
        let event = std::mem::take(&mut self.event);
        let retry = self.retry.take();
        if self.data.is_empty() {
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop();
        out.push_back(RawEvent {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            id: self.last_id.clone().filter(|id| !id.is_empty()),
            retry,
            data,
            line,
        });
    }

    /// The end of one connection: an event not ended by an empty line is dropped, as the
    /// standard says; the last event ID is kept for a reconnection.
    pub(crate) fn end(&mut self) {
        self.pending.clear();
        self.after_cr = false;
        self.started = false;
        self.data.clear();
        self.event.clear();
        self.first_line = None;
    }
}

/// Decodes one event's data.
type DataDecoder<T, A> = fn(&Decoding, &str) -> Result<T, Error<A>>;

fn json_data<A: Api, T: DeserializeOwned + Shaped>(
    decoding: &Decoding,
    data: &str,
) -> Result<T, Error<A>> {
    decoding.decode(data.as_bytes())
}

fn text_data<A: Api>(_: &Decoding, data: &str) -> Result<String, Error<A>> {
    Ok(data.to_owned())
}

impl<A: Api> Request<A> {
    /// Sends the request and returns its `text/event-stream` response as events whose data
    /// decodes as JSON into `T` (see [`EventStream`]).
    pub fn send_events<T: DeserializeOwned + Shaped + Send + 'static>(
        self,
    ) -> impl std::future::Future<Output = Result<EventStream<T, A>, Error<A>>> + Send + 'static
    {
        self.send_event_stream(json_data::<A, T>)
    }

    /// Sends the request and returns its `text/event-stream` response as events whose data
    /// is text.
    pub fn send_text_events(
        self,
    ) -> impl std::future::Future<Output = Result<EventStream<String, A>, Error<A>>> + Send + 'static
    {
        self.send_event_stream(text_data::<A>)
    }

    fn send_event_stream<T: Send + 'static>(
        self,
        decode: DataDecoder<T, A>,
    ) -> impl std::future::Future<Output = Result<EventStream<T, A>, Error<A>>> + Send + 'static
    {
        let reconnect = self.options.reconnect.map(|max| Reconnect {
            request: self.clone(),
            max,
            left: max,
        });
        let opened = self.open();
        async move {
            let (response, decoding, _) = opened.await?;
            Ok(EventStream::new(response, decoding, decode, reconnect))
        }
    }
}

/// What a reconnecting stream sends again.
struct Reconnect<A: Api> {
    request: Request<A>,
    max: u32,
    /// Reconnections left before the next event resets the count.
    left: u32,
}

/// Where a stream is.
struct State<T, A: Api> {
    response: Option<reqwest::Response>,
    parser: Parser,
    queue: VecDeque<RawEvent>,
    decoding: Decoding,
    decode: DataDecoder<T, A>,
    reconnect: Option<Reconnect<A>>,
    /// Events yielded, counted from 1 across reconnections.
    events: u64,
    idle: Option<Duration>,
    done: bool,
}

type Events<T, A> = Pin<Box<dyn Stream<Item = Result<Event<T>, Error<A>>> + Send>>;

/// A `text/event-stream` response read as a stream of typed [`Event`]s, from an
/// operation's `send()`.
///
/// The events are parsed by the WHATWG rules: lines end in LF, CR or CRLF, anywhere in a
/// chunk; comments (`:` lines, the usual keep-alives) are skipped; `data` lines are joined
/// with `\n`; an event without data is not dispatched; an event cut off by the end of the
/// connection is dropped.
///
/// **Errors.** An event whose data does not decode yields [`Error::Decode`], its path naming
/// the event's number and line (`event 3 (line 12): .name`), and the stream **continues**
/// with the next event. A broken connection or an error status ends the stream with that
/// error (after reconnecting, when enabled).
///
/// **Timeouts.** The request's timeout bounds the wait for the response's head. Between
/// events the stream waits as long as the server stays silent, unless
/// [`idle_timeout`](Self::idle_timeout) bounds it.
///
/// **Reconnection** is opt-in, with `RequestOptions::reconnect(max)`: when the connection
/// ends or breaks, the request is sent again after the server's `retry` time (3 s when it
/// named none) with `Last-Event-ID` set to the last event ID, up to `max` times in a row
/// without an event in between. A `204 No Content` answer ends the stream, as the standard
/// says. A request with a streamed upload cannot be sent again and does not reconnect.
pub struct EventStream<T, A: Api> {
    status: u16,
    headers: HeaderMap,
    state: Option<Box<State<T, A>>>,
    events: Option<Events<T, A>>,
}

impl<T: Send + 'static, A: Api> EventStream<T, A> {
    fn new(
        mut response: reqwest::Response,
        decoding: Decoding,
        decode: DataDecoder<T, A>,
        reconnect: Option<Reconnect<A>>,
    ) -> Self {
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let reconnect = reconnect.filter(|r| r.request.body.is_replayable());
        Self {
            status,
            headers,
            state: Some(Box::new(State {
                response: Some(response),
                parser: Parser::default(),
                queue: VecDeque::new(),
                decoding,
                decode,
                reconnect,
                events: 0,
                idle: None,
                done: false,
            })),
            events: None,
        }
    }

    /// The status code of the first response.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The headers of the first response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Ends the stream with [`Error::Stalled`] when nothing (not even a comment) arrives for
    /// `limit`; with reconnection enabled, it reconnects instead. Call it before reading.
    pub fn idle_timeout(mut self, limit: Duration) -> Self {
        if let Some(state) = &mut self.state {
            state.idle = Some(limit);
        }
        self
    }

    /// The events, their reading started on first use.
    fn events(&mut self) -> &mut Events<T, A> {
        let state = &mut self.state;
        self.events.get_or_insert_with(|| {
            Box::pin(futures_util::stream::unfold(
                state.take(),
                |state| async move {
                    let mut state = state?;
                    let item = state.next().await?;
                    Some((item, Some(state)))
                },
            ))
        })
    }
}

impl<T, A: Api> State<T, A> {
    /// The next event or error, or `None` at the end.
    async fn next(&mut self) -> Option<Result<Event<T>, Error<A>>> {
        let operation = self.decoding.operation;
        loop {
            if let Some(raw) = self.queue.pop_front() {
                self.events += 1;
                if let Some(reconnect) = &mut self.reconnect {
                    reconnect.left = reconnect.max;
                }
                return Some(self.decoded(raw));
            }
            if self.done {
                return None;
            }
            let Some(response) = &mut self.response else {
                match self.reconnected().await {
                    Ok(true) => continue,
                    Ok(false) => return None,
                    Err(error) => {
                        self.done = true;
                        return Some(Err(error));
                    }
                }
            };
            match next_chunk::<A>(response, self.idle, operation).await {
                Ok(Some(chunk)) => self.parser.feed(&chunk, &mut self.queue),
                Ok(None) => self.ended(),
                Err(error) if self.reconnect.as_ref().is_some_and(|r| r.left > 0) => {
                    tracing::debug!(operation, error = %error, "the event stream broke; reconnecting");
                    self.ended();
                }
                Err(error) => {
                    self.ended();
                    self.done = true;
                    return Some(Err(error));
                }
            }
        }
    }

    fn ended(&mut self) {
        self.response = None;
        self.parser.end();
        if self.reconnect.is_none() {
            self.done = true;
        }
    }

    /// Sends the request again, when reconnections are left: `Ok(false)` when the stream is
    /// over.
    async fn reconnected(&mut self) -> Result<bool, Error<A>> {
        let Some(reconnect) = self.reconnect.as_mut().filter(|r| r.left > 0) else {
            self.done = true;
            return Ok(false);
        };
        reconnect.left -= 1;
        tokio::time::sleep(self.parser.retry_time()).await;
        let mut request = reconnect.request.clone();
        if let Some(id) = &self.parser.last_id {
            request
                .headers
                .retain(|(name, _)| !name.eq_ignore_ascii_case("last-event-id"));
            request.headers.push(("Last-Event-ID", id.clone()));
        }
        let (response, _, _) = request.open().await?;
        if response.status() == reqwest::StatusCode::NO_CONTENT {
            self.done = true;
            return Ok(false);
        }
        self.response = Some(response);
        Ok(true)
    }

    fn decoded(&self, raw: RawEvent) -> Result<Event<T>, Error<A>> {
        let data = (self.decode)(&self.decoding, &raw.data).map_err(|error| match error {
            Error::Decode(mut decode) => {
                decode.path = format!("event {} (line {}): {}", self.events, raw.line, decode.path);
                Error::Decode(decode)
            }
            other => other,
        })?;
        Ok(Event {
            event: raw.event,
            id: raw.id,
            retry: raw.retry,
            data,
        })
    }
}

impl Parser {
    /// The reconnection time: the last `retry` the stream sent, or the default.
    fn retry_time(&self) -> Duration {
        self.stream_retry.unwrap_or(DEFAULT_RETRY)
    }
}

impl<T: Send + 'static, A: Api> Stream for EventStream<T, A> {
    type Item = Result<Event<T>, Error<A>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events().as_mut().poll_next(cx)
    }
}

impl<T, A: Api> fmt::Debug for EventStream<T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&[u8]]) -> Vec<RawEvent> {
        let mut parser = Parser::default();
        let mut out = VecDeque::new();
        for chunk in chunks {
            parser.feed(chunk, &mut out);
        }
        parser.end();
        out.into()
    }

    const STREAM: &str = "\u{feff}:comment\r\nevent: a\r\nid: 1\r\ndata: x\r\ndata:  y\r\n\r\n\
                          retry: 1500\ndata: ✓\n\n\
                          retry: soon\nid: bad\0id\ndata\n\n\
                          id\rdata: z\r\r\
                          event: empty\n\n\
                          data: cut";

    #[test]
    fn fields_follow_the_standard() {
        let events = parse(&[STREAM.as_bytes()]);
        let seen: Vec<_> = events
            .iter()
            .map(|e| {
                (
                    e.event.as_str(),
                    e.id.as_deref(),
                    e.retry,
                    e.data.as_str(),
                    e.line,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("a", Some("1"), None, "x\n y", 2),
                (
                    "message",
                    Some("1"),
                    Some(Duration::from_millis(1500)),
                    "✓",
                    7
                ),
                // A `retry` that is not digits and an `id` holding NUL are ignored; a bare
                // `data` adds an empty line.
                ("message", Some("1"), None, "", 10),
                // An empty `id` clears it.
                ("message", None, None, "z", 14),
            ]
        );
    }

    #[test]
    fn every_split_gives_the_same_events() {
        let bytes = STREAM.as_bytes();
        let whole = parse(&[bytes]);
        for first in 0..=bytes.len() {
            for second in first..=bytes.len() {
                let split = parse(&[&bytes[..first], &bytes[first..second], &bytes[second..]]);
                assert_eq!(split, whole, "split at {first} and {second}");
            }
        }
        let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(parse(&bytewise), whole);
    }

    #[test]
    fn the_last_id_and_retry_outlive_a_connection() {
        let mut parser = Parser::default();
        let mut out = VecDeque::new();
        parser.feed(b"retry: 20\nid: 9\ndata: a\n\ndata: cut", &mut out);
        parser.end();
        parser.feed(b"data: b\n\n", &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].data, "b", "the cut-off event is gone");
        assert_eq!(out[1].id.as_deref(), Some("9"));
        assert_eq!(parser.retry_time(), Duration::from_millis(20));
        assert_eq!(Parser::default().retry_time(), DEFAULT_RETRY);
    }
}
