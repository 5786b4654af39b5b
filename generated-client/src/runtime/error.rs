//! The one error type of the client.

use std::fmt;

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::api::Api;
use super::retry::{Outcome, parse_retry_after, retryable};

/// Everything that can go wrong with a call to the API `A`.
#[non_exhaustive]
pub enum Error<A: Api> {
    /// The API answered with a status outside 2xx.
    Api(Box<ApiError<A>>),
    /// The request could not be sent or the response not received (connection refused, DNS,
    /// TLS, timeout, ...).
    Transport {
        /// The operation that failed.
        operation: &'static str,
        /// What the HTTP client reported. It never includes the request URL.
        source: reqwest::Error,
    },
    /// A streamed transfer (a streamed upload, a body read with `send_stream()`) made no
    /// progress for the request's timeout.
    Stalled {
        /// The operation that failed.
        operation: &'static str,
        /// How long nothing moved.
        waited: Duration,
    },
    /// A 2xx response did not match the expected type.
    Decode(Box<DecodeError>),
    /// An input was rejected before anything was sent.
    Validation(ValidationError),
    /// The client is misconfigured (missing environment variable, invalid base URL, ...).
    Config(String),
    /// A hook or the credential provider failed the call.
    Hook {
        /// The operation that failed.
        operation: &'static str,
        /// What the hook said.
        source: super::hooks::HookError,
    },
}

impl<A: Api> fmt::Debug for Error<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Self::Transport { operation, source } => f
                .debug_struct("Transport")
                .field("operation", operation)
                .field("source", source)
                .finish(),
            Self::Stalled { operation, waited } => f
                .debug_struct("Stalled")
                .field("operation", operation)
                .field("waited", waited)
                .finish(),
            Self::Decode(decode) => f.debug_tuple("Decode").field(decode).finish(),
            Self::Validation(validation) => f.debug_tuple("Validation").field(validation).finish(),
            Self::Config(message) => f.debug_tuple("Config").field(message).finish(),
            Self::Hook { operation, source } => f
                .debug_struct("Hook")
                .field("operation", operation)
                .field("source", source)
                .finish(),
        }
    }
}

impl<A: Api> Error<A> {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn api_error(&self) -> Option<&ApiError<A>> {
        match self {
            Self::Api(api) => Some(api),
            _ => None,
        }
    }

    /// Whether the request timed out, or a streamed transfer stalled.
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::Transport { source, .. } => source.is_timeout(),
            Self::Stalled { .. } => true,
            _ => false,
        }
    }

    /// Whether sending the same request again later may succeed: rate limiting (429), a
    /// server error (500, 502, 503, 504), a timeout or a connection failure. The client
    /// already retried these as its policy allows before returning them.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(api) => retryable(Outcome::Status(api.status)).is_some(),
            Self::Transport { source, .. } => retryable(Outcome::Transport(source)).is_some(),
            Self::Stalled { .. } => retryable(Outcome::Stalled).is_some(),
            Self::Decode(_) | Self::Validation(_) | Self::Config(_) | Self::Hook { .. } => false,
        }
    }

    /// The error codes the API reported (for Clerk: `errors[].code`, such as
    /// `resource_not_found`); empty for other errors.
    pub fn codes(&self) -> Vec<&str> {
        self.api_error().map(ApiError::codes).unwrap_or_default()
    }
}

impl<A: Api> fmt::Display for Error<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => api.fmt(f),
            Self::Transport { operation, source } => {
                write!(f, "{operation}: request failed: {source}")
            }
            Self::Stalled { operation, waited } => write!(
                f,
                "{operation}: the transfer made no progress for {} ms",
                waited.as_millis()
            ),
            Self::Decode(decode) => decode.fmt(f),
            Self::Validation(validation) => validation.fmt(f),
            Self::Config(message) => write!(f, "client configuration: {message}"),
            Self::Hook { operation, source } => {
                write!(f, "{operation}: a hook failed the call: {source}")
            }
        }
    }
}

impl<A: Api> std::error::Error for Error<A> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport { source, .. } => Some(source),
            Self::Decode(decode) => Some(&decode.source),
            Self::Hook { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// An answer with a status outside 2xx.
pub struct ApiError<A: Api> {
    /// The operation that failed.
    pub operation: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The error body, when it decoded as the API's error type.
    pub body: Option<A::ErrorBody>,
    /// The body as text, whatever it held (an HTML page from a proxy, say).
    pub raw_body: String,
}

impl<A: Api> fmt::Debug for ApiError<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("raw_body", &self.raw_body)
            .finish()
    }
}

impl<A: Api> ApiError<A> {
    /// The error codes in the body, as the spec's `x-rust-client.error` settings locate them.
    pub fn codes(&self) -> Vec<&str> {
        self.body.as_ref().map(A::error_codes).unwrap_or_default()
    }

    /// The human-readable messages in the body.
    pub fn messages(&self) -> Vec<&str> {
        self.body
            .as_ref()
            .map(A::error_messages)
            .unwrap_or_default()
    }

    /// The trace ID the API reported, to quote to its support (for Clerk: `clerk_trace_id`).
    pub fn trace_id(&self) -> Option<&str> {
        self.body.as_ref().and_then(A::error_trace_id)
    }

    /// How long the API asked to wait before trying again (`Retry-After`, in seconds or as an
    /// HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self.headers.get(RETRY_AFTER)?.to_str().ok()?;
        parse_retry_after(value, SystemTime::now())
    }
}

impl<A: Api> fmt::Display for ApiError<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 300;
        let text = self.raw_body.trim();
        let cut = text
            .char_indices()
            .nth(SHOWN)
            .map_or(text.len(), |(i, _)| i);
        write!(f, "{}: the API answered {}", self.operation, self.status)?;
        if let Some(trace_id) = self.trace_id() {
            write!(f, " (trace {trace_id})")?;
        }
        if !text.is_empty() {
            write!(f, ": {}", &text[..cut])?;
            if cut < text.len() {
                f.write_str("...")?;
            }
        }
        Ok(())
    }
}

/// A 2xx response whose body did not match the expected type.
#[derive(Debug)]
pub struct DecodeError {
    /// The operation whose response failed to decode.
    pub operation: &'static str,
    /// The JSON path of the value that failed (`data[3].created_at`), `.` for the root.
    pub path: String,
    /// The body as received.
    pub raw_body: String,
    /// What serde reported.
    pub source: serde_json::Error,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the response did not decode at `{}`: {}",
            self.operation, self.path, self.source
        )
    }
}

/// An input rejected before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The operation.
    pub operation: &'static str,
    /// The parameter, field or part at fault, by its wire name.
    pub input: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: invalid `{}`: {}",
            self.operation, self.input, self.message
        )
    }
}
