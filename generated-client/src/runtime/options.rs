//! Settings that apply to one request.

use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use super::hooks::{Hook, Hooks};
use super::retry::RetryPolicy;

/// Per-request settings, given to a request builder's `with_options`; anything left unset
/// falls back to the client's configuration.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) strict: Option<bool>,
    pub(crate) hooks: Hooks,
    pub(crate) reconnect: Option<u32>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long each attempt may take, from sending to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The retry policy for this request.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Whether decoding this request's response is strict, overriding the client's
    /// [`strict`](super::client::ClientBuilder::strict) setting: with `true`, a response that
    /// lacks a value the spec requires fails with `Error::Decode` instead of decoding with the
    /// zero value in its place.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = Some(strict);
        self
    }

    /// A hook for this request's attempts, run after the client's hooks (see
    /// [`Hook`] for the order).
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.0.push(std::sync::Arc::new(hook));
        self
    }

    /// For an operation that answers with server-sent events: reconnect when the stream ends
    /// or breaks, up to `max` times in a row without an event in between, sending the last
    /// event ID as `Last-Event-ID` (see `EventStream`). Off unless set.
    pub fn reconnect(mut self, max: u32) -> Self {
        self.reconnect = Some(max);
        self
    }

    /// An extra header, sent after the client's own (it can replace them, except the
    /// credentials).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }
}
