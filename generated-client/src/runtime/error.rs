//! The one error type of the client.

use std::fmt;

use reqwest::header::HeaderMap;

use crate::generated::ErrorBody;

/// Everything that can go wrong with a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a status outside 2xx.
    Api(Box<ApiError>),
    /// The request could not be sent or the response not received (connection refused, DNS,
    /// TLS, timeout, ...).
    Transport {
        /// The operation that failed.
        operation: &'static str,
        /// What the HTTP client reported. It never includes the request URL.
        source: reqwest::Error,
    },
    /// A 2xx response did not match the expected type.
    Decode(Box<DecodeError>),
    /// An input was rejected before anything was sent.
    Validation(ValidationError),
    /// The client is misconfigured (missing environment variable, invalid base URL, ...).
    Config(String),
}

impl Error {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            _ => None,
        }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Transport { source, .. } if source.is_timeout())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => api.fmt(f),
            Self::Transport { operation, source } => {
                write!(f, "{operation}: request failed: {source}")
            }
            Self::Decode(decode) => decode.fmt(f),
            Self::Validation(validation) => validation.fmt(f),
            Self::Config(message) => write!(f, "client configuration: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport { source, .. } => Some(source),
            Self::Decode(decode) => Some(&decode.source),
            _ => None,
        }
    }
}

/// An answer with a status outside 2xx.
#[derive(Debug)]
pub struct ApiError {
    /// The operation that failed.
    pub operation: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The error body, when it decoded as the API's error type.
    pub body: Option<ErrorBody>,
    /// The body as text, whatever it held (an HTML page from a proxy, say).
    pub raw_body: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 300;
        let text = self.raw_body.trim();
        let cut = text
            .char_indices()
            .nth(SHOWN)
            .map_or(text.len(), |(i, _)| i);
        write!(f, "{}: the API answered {}", self.operation, self.status)?;
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
