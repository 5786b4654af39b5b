//! A successful answer as the caller gets it: `Received` (read whole, to decode), `Response`
//! (a value with its status and headers), and the one decode driver: `Decoding` for response
//! bodies and `decode_value` for other bodies (webhooks), both finishing in `decode_corrected`.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::api::Api;
use super::client::CorrectionObserver;
use serde_json::Value;

use super::correct::{Correction, Shaped, correct};
use super::error::{DecodeError, Error};

/// A successful response, read: its status, headers and body, and how to decode it.
pub struct Received<A> {
    /// The status code.
    pub status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
    pub(super) decoding: Decoding,
    pub(super) api: std::marker::PhantomData<fn() -> A>,
}

impl<A: Api> Received<A> {
    /// Decodes the body as JSON.
    ///
    /// A body that lacks a member the spec requires, or holds `null` where the spec does not
    /// allow it, decodes with the zero value in its place; each such correction is logged at
    /// WARN and passed to the client's correction observer. In strict mode it is an error
    /// instead.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] with the JSON path of the first value that does not fit: a value of
    /// the wrong type, a body that is not JSON, or in strict mode a value that would need
    /// correcting.
    pub fn json<T: DeserializeOwned + Shaped>(&self) -> Result<T, Error<A>> {
        self.decoding.decode(&self.body)
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Takes the response headers, leaving none.
    pub fn take_headers(&mut self) -> HeaderMap {
        std::mem::take(&mut self.headers)
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.body.to_vec()
    }
}

/// A successful call's value with the status and headers it came with, from an operation's
/// `send_with_response()`: rate-limit headers, request IDs, ETags, `Location`.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded value, what `send()` returns.
    pub value: T,
}

impl<T> Response<T> {
    /// For generated code.
    #[doc(hidden)]
    pub fn new(status: u16, headers: HeaderMap, value: T) -> Self {
        Self {
            status,
            headers,
            value,
        }
    }

    /// The first value of header `name`, when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The value alone.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The value, status and headers.
    pub fn into_parts(self) -> (T, u16, HeaderMap) {
        (self.value, self.status, self.headers)
    }
}

/// How the responses of one request are decoded.
pub(crate) struct Decoding {
    pub(crate) operation: &'static str,
    pub(crate) strict: bool,
    pub(crate) observer: Option<CorrectionObserver>,
}

impl Decoding {
    /// Decodes `bytes` as `T`: strictly first, and only when that fails, again with the
    /// missing values corrected (unless strict) and the path of a remaining fault tracked.
    pub(crate) fn decode<A: Api, T: DeserializeOwned + Shaped>(
        &self,
        bytes: &[u8],
    ) -> Result<T, Error<A>> {
        // The happy path: no JSON tree, no path tracking.
        if let Ok(value) = serde_json::from_slice(bytes) {
            return Ok(value);
        }
        // An empty body is a missing value, which correction fills like any other.
        let empty = bytes.iter().all(u8::is_ascii_whitespace);
        let mut tree = if empty {
            serde_json::Value::Null
        } else {
            match serde_json::from_slice::<serde_json::Value>(bytes) {
                Ok(tree) => tree,
                Err(_) => return Err(self.path_error::<A, T>(bytes)),
            }
        };
        let mut corrections = correct(self.operation, &mut tree, T::shape());
        if empty {
            for correction in corrections.iter_mut().filter(|c| c.path == ".") {
                correction.kind = super::correct::CorrectionKind::Missing;
            }
        }
        if corrections.is_empty() && !empty {
            return Err(self.path_error::<A, T>(bytes));
        }
        let decoded = decode_corrected(&tree, &corrections, self.strict, "response")
            .map_err(|fault| self.error(fault.path, bytes, fault.source))?;
        if let Some(observer) = &self.observer {
            for correction in &corrections {
                observer(correction);
            }
        }
        Ok(decoded)
    }

    /// The decode error of a body that cannot be corrected, with the path serde stopped at.
    fn path_error<A: Api, T: DeserializeOwned>(&self, bytes: &[u8]) -> Error<A> {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(_) => self.error(
                ".".into(),
                bytes,
                serde::de::Error::custom("does not decode"),
            ),
            Err(e) => self.error(e.path().to_string(), bytes, e.into_inner()),
        }
    }

    fn error<A: Api>(&self, path: String, bytes: &[u8], source: serde_json::Error) -> Error<A> {
        Error::Decode(Box::new(DecodeError {
            operation: self.operation,
            path,
            raw_body: String::from_utf8_lossy(bytes).into_owned(),
            source,
        }))
    }
}

/// Decodes `value` (found at `at` in `raw`, such as `data`) as `T` outside a request, as for a
/// webhook body: strictly first; on failure, with missing values corrected (unless `strict`)
/// and each correction logged at WARN and returned. `context` names what is decoded in errors
/// and corrections.
///
/// # Errors
///
/// A [`DecodeError`] naming the path of the first value that does not fit.
pub fn decode_value<T: DeserializeOwned + Shaped>(
    context: &'static str,
    value: &Value,
    at: &str,
    raw: &[u8],
    strict: bool,
) -> Result<(T, Vec<Correction>), DecodeError> {
    let under = |path: &str| match (at, path) {
        ("", path) => path.to_owned(),
        (at, ".") => at.to_owned(),
        (at, path) if path.starts_with('[') => format!("{at}{path}"),
        (at, path) => format!("{at}.{path}"),
    };
    let error = |path: String, source: serde_json::Error| DecodeError {
        operation: context,
        path,
        raw_body: String::from_utf8_lossy(raw).into_owned(),
        source,
    };
    if let Ok(decoded) = T::deserialize(value) {
        return Ok((decoded, Vec::new()));
    }
    let mut tree = value.clone();
    let mut corrections = correct(context, &mut tree, T::shape());
    for correction in &mut corrections {
        correction.path = under(&correction.path);
    }
    let decoded = decode_corrected(&tree, &corrections, strict, "body")
        .map_err(|fault| error(under(&fault.path), fault.source))?;
    Ok((decoded, corrections))
}

/// Where a corrected tree still failed to decode.
pub(crate) struct Fault {
    /// The JSON path, as serde reports it (`.` for the root).
    pub(crate) path: String,
    pub(crate) source: serde_json::Error,
}

/// The one decode driver's last step, shared by responses and webhook bodies: decodes a tree
/// the corrector has filled in, refuses it in strict mode when anything was corrected, and
/// logs each correction at WARN (`what` names the value: "response", "body").
pub(crate) fn decode_corrected<T: DeserializeOwned>(
    tree: &Value,
    corrections: &[Correction],
    strict: bool,
    what: &str,
) -> Result<T, Fault> {
    let decoded: T = serde_path_to_error::deserialize(tree).map_err(|e| Fault {
        path: e.path().to_string(),
        source: e.into_inner(),
    })?;
    if let (true, Some(first)) = (strict, corrections.first()) {
        return Err(Fault {
            path: first.path.clone(),
            source: first.to_serde_error(),
        });
    }
    for correction in corrections {
        tracing::warn!(
            operation = correction.operation,
            path = %correction.path,
            zero = %correction.zero,
            kind = ?correction.kind,
            "the {what} lacked a value the spec requires; decoded with its zero value"
        );
    }
    Ok(decoded)
}

/// Parses `raw` as JSON for [`decode_value`].
///
/// # Errors
///
/// A [`DecodeError`] when `raw` is not JSON.
pub fn parse_json(context: &'static str, raw: &[u8]) -> Result<Value, DecodeError> {
    serde_json::from_slice(raw).map_err(|source| DecodeError {
        operation: context,
        path: ".".into(),
        raw_body: String::from_utf8_lossy(raw).into_owned(),
        source,
    })
}

/// The error for a body without the string property `name`.
pub fn missing_property(context: &'static str, name: &str, raw: &[u8]) -> DecodeError {
    use serde::de::Error as _;
    DecodeError {
        operation: context,
        path: name.to_owned(),
        raw_body: String::from_utf8_lossy(raw).into_owned(),
        source: serde_json::Error::custom(format_args!("missing string field `{name}`")),
    }
}
