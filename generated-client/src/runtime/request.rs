//! One request as generated code describes it: its path, query, headers, cookies and body,
//! checked as they are added. Sending it is in `send.rs`.

use std::borrow::Cow;
use std::fmt::Display;

use bytes::Bytes;
use percent_encoding::{AsciiSet, utf8_percent_encode};
use serde::Serialize;

use super::api::Api;
use super::client::Client;
use super::error::ValidationError;
use super::options::RequestOptions;
use super::params::{self, SEGMENT, Style};
use super::payload::Payload;
use super::values::Upload;

/// Escapes form values: like [`SEGMENT`], so that `+` and `&` arrive as themselves.
const FORM_VALUE: &AsciiSet = SEGMENT;

/// The body, as the builder set it.
#[derive(Clone)]
pub(super) enum Body {
    None,
    Json(Bytes),
    Form(String),
    Multipart(Vec<PartData>),
    Raw {
        content_type: &'static str,
        payload: Payload,
    },
}

impl Body {
    /// Whether the body can be sent again: every kind but a streamed payload.
    pub(super) fn is_replayable(&self) -> bool {
        match self {
            Self::Raw { payload, .. } => payload.is_replayable(),
            Self::Multipart(parts) => parts.iter().all(|part| match part {
                PartData::File { upload, .. } => upload.payload().is_replayable(),
                PartData::Text { .. } => true,
            }),
            _ => true,
        }
    }

    /// Whether the body is read while it is sent (a file or a stream), rather than held.
    pub(super) fn is_streamed(&self) -> bool {
        match self {
            Self::Raw { payload, .. } => payload.is_streamed(),
            Self::Multipart(parts) => parts.iter().any(|part| {
                matches!(part, PartData::File { upload, .. } if upload.payload().is_streamed())
            }),
            _ => false,
        }
    }
}

/// One part of a multipart body.
#[derive(Clone)]
pub(super) enum PartData {
    File {
        name: &'static str,
        upload: Upload,
        /// The size limit to enforce while sending, when the length is not known before.
        max: Option<u64>,
    },
    Text {
        name: &'static str,
        value: String,
    },
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum In {
    /// A `{name}` placeholder of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// The `Cookie` header.
    Cookie,
}

/// A request being assembled by a generated builder's `send`.
///
/// Inputs that fail validation are recorded and reported by the `send_*` methods before any
/// network traffic.
pub struct Request<A: Api> {
    pub(super) client: Client<A>,
    pub(super) options: RequestOptions,
    pub(super) operation: &'static str,
    pub(super) method: reqwest::Method,
    pub(super) path_template: &'static str,
    pub(super) path: String,
    /// The query string so far, escaped.
    pub(super) query: String,
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) cookies: Vec<(Cow<'static, str>, String)>,
    pub(super) body: Body,
    pub(super) problem: Option<ValidationError>,
    /// The URL of a next page's link, sent in place of the path and query.
    pub(super) link: Option<reqwest::Url>,
    /// The security requirements of the operation, when they are not the API's.
    pub(super) security: Option<&'static [&'static [A::Scheme]]>,
    /// Whether the request may be repeated whatever its method: it carries an idempotency
    /// key, so the API performs it once however often it arrives.
    pub(super) repeatable: bool,
}

/// A copy to send again: a reconnecting event stream resends its request.
impl<A: Api> Clone for Request<A> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            options: self.options.clone(),
            operation: self.operation,
            method: self.method.clone(),
            path_template: self.path_template,
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            cookies: self.cookies.clone(),
            body: self.body.clone(),
            problem: self.problem.clone(),
            link: self.link.clone(),
            security: self.security,
            repeatable: self.repeatable,
        }
    }
}

impl<A: Api> Request<A> {
    /// Starts a request for `operation` (its operationId) to the path template `path`.
    pub fn new(
        client: Client<A>,
        options: RequestOptions,
        operation: &'static str,
        method: reqwest::Method,
        path: &'static str,
    ) -> Self {
        Self {
            client,
            options,
            operation,
            method,
            path_template: path,
            path: path.to_owned(),
            query: String::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::None,
            problem: None,
            link: None,
            security: None,
            repeatable: false,
        }
    }

    /// Gives the request the idempotency key header `name`: the caller's value when the
    /// builder set that header, else a new random key. Every attempt sends the same key, so
    /// the request may be retried whatever its method.
    pub fn idempotency_key(&mut self, name: &'static str) {
        let set = self
            .headers
            .iter()
            .any(|(header, _)| header.eq_ignore_ascii_case(name))
            || self
                .options
                .headers
                .iter()
                .any(|(header, _)| header.as_str().eq_ignore_ascii_case(name));
        if !set {
            self.headers.push((name, super::retry::idempotency_key()));
        }
        self.repeatable = true;
    }

    /// Sends the request to `link` (a next page's link from a response, absolute or relative to
    /// the base URL) in place of its path and query. A link to another origin (scheme, host
    /// and port) than the base URL's is refused before anything is sent, so that credentials
    /// never leave the API.
    pub fn follow(&mut self, link: &str) {
        let base = &self.client.inner.base_url;
        let resolved = reqwest::Url::parse(&format!("{base}/")).and_then(|base| base.join(link));
        match resolved {
            Ok(url) if reqwest::Url::parse(base).is_ok_and(|b| b.origin() == url.origin()) => {
                self.link = Some(url);
            }
            Ok(url) => self.reject(
                "next page link",
                format!("`{url}` is on another origin than the base URL `{base}`; not followed"),
            ),
            Err(e) => self.reject("next page link", format!("`{link}` is not a URL: {e}")),
        }
    }

    /// Sends the request without the client's credentials, for an operation that declares
    /// it needs none (`security: []`), so a public endpoint never receives the key.
    pub fn anonymous(&mut self) {
        self.security = Some(&[]);
    }

    /// The operation's own security requirements, in place of the API's: alternatives, the
    /// first whose credentials are all set sent (see [`Scheme`](super::api::Scheme)).
    pub fn security(&mut self, requirements: &'static [&'static [A::Scheme]]) {
        self.security = Some(requirements);
    }

    fn reject(&mut self, input: &str, message: impl Into<String>) {
        if self.problem.is_none() {
            self.problem = Some(ValidationError {
                operation: self.operation,
                input: input.to_owned(),
                message: message.into(),
            });
        }
    }

    /// Writes a parameter as its `Display` text, in its location's default style, when it is
    /// set: a percent-encoded path segment, a query pair, a header or a cookie.
    pub fn param(&mut self, at: In, name: &'static str, value: Option<&impl Display>) {
        if let Some(value) = value {
            self.put_text(at, name, value.to_string());
        }
    }

    /// Writes a list parameter, each item by its `Display` text, when it is set: one query
    /// pair per item (form style, exploded), or the items joined by commas elsewhere.
    pub fn param_each(&mut self, at: In, name: &'static str, values: Option<&[impl Display]>) {
        let Some(values) = values else { return };
        if at == In::Query {
            for value in values {
                params::push_pair(&mut self.query, name, &value.to_string());
            }
            return;
        }
        let joined: Vec<String> = values.iter().map(ToString::to_string).collect();
        self.put_text(at, name, joined.join(","));
    }

    /// Writes a parameter as its JSON text (a parameter described by `content`), when it is
    /// set.
    pub fn param_json(&mut self, at: In, name: &'static str, value: Option<&impl Serialize>) {
        if let Some(text) = self.json_text(name, value) {
            self.put_text(at, name, text);
        }
    }

    /// Writes a parameter by the OpenAPI serialization rules for `style` and `explode`, when
    /// it is set: lists, objects, and scalars in the `label` and `matrix` path styles. Headers
    /// are always `simple` and cookies `form`, whatever `style` says.
    pub fn param_styled(
        &mut self,
        at: In,
        name: &'static str,
        style: Style,
        explode: bool,
        value: Option<&impl Serialize>,
    ) {
        match at {
            In::Path => {
                let Some(value) = value else { return };
                match params::shape_of(value) {
                    Ok(shape) => {
                        let text = params::path_segment(name, style, explode, shape);
                        self.fill_path(name, &text);
                    }
                    Err(e) => self.reject(name, format!("cannot be serialized: {e}")),
                }
            }
            In::Query => {
                if let Some(shape) = self.shape(name, value) {
                    params::push_query(&mut self.query, name, style, explode, Some(shape));
                }
            }
            In::Header => {
                if let Some(text) = self
                    .shape(name, value)
                    .and_then(|shape| params::header_text(explode, Some(shape)))
                {
                    self.headers.push((name, text));
                }
            }
            In::Cookie => {
                if let Some(shape) = self.shape(name, value) {
                    let pairs = params::cookie_pairs(name, explode, Some(shape));
                    self.cookies.extend(pairs);
                }
            }
        }
    }

    /// Puts text where `at` says: percent-encoded into the path, escaped into the query, or
    /// as it is into a header or cookie.
    fn put_text(&mut self, at: In, name: &'static str, text: String) {
        match at {
            In::Path => {
                let encoded = utf8_percent_encode(&text, SEGMENT).to_string();
                self.fill_path(name, &encoded);
            }
            In::Query => params::push_pair(&mut self.query, name, &text),
            In::Header => self.headers.push((name, text)),
            In::Cookie => self.cookies.push((Cow::Borrowed(name), text)),
        }
    }

    fn fill_path(&mut self, name: &'static str, segment: &str) {
        if segment.is_empty() || segment == "." || segment == ".." {
            self.reject(name, format!("a path parameter cannot be {segment:?}"));
            return;
        }
        // Replace `{name}` in place: no pattern string, no second path.
        let mut from = 0;
        while let Some(open) = self.path[from..].find('{').map(|i| i + from) {
            let rest = &self.path[open + 1..];
            if rest.starts_with(name) && rest[name.len()..].starts_with('}') {
                self.path
                    .replace_range(open..open + name.len() + 2, segment);
                from = open + segment.len();
            } else {
                from = open + 1;
            }
        }
    }

    fn shape(
        &mut self,
        name: &'static str,
        value: Option<&impl Serialize>,
    ) -> Option<params::Shape> {
        match params::shape_of(value?) {
            Ok(shape) => shape,
            Err(e) => {
                self.reject(name, format!("cannot be serialized: {e}"));
                None
            }
        }
    }

    fn json_text(&mut self, name: &'static str, value: Option<&impl Serialize>) -> Option<String> {
        match serde_json::to_string(value?) {
            Ok(text) => Some(text),
            Err(e) => {
                self.reject(name, format!("cannot be serialized: {e}"));
                None
            }
        }
    }

    /// Rejects a number outside `min..=max`.
    pub fn check_range<T: Copy + Into<i128>>(
        &mut self,
        name: &'static str,
        value: Option<&T>,
        min: Option<i128>,
        max: Option<i128>,
    ) {
        let Some(value) = value.map(|v| (*v).into()) else {
            return;
        };
        let below = min.is_some_and(|min| value < min);
        let above = max.is_some_and(|max| value > max);
        if below || above {
            let bounds = match (min, max) {
                (Some(min), Some(max)) => format!("between {min} and {max}"),
                (Some(min), None) => format!("at least {min}"),
                (None, Some(max)) => format!("at most {max}"),
                (None, None) => String::new(),
            };
            self.reject(
                name,
                format!("{value} is out of range: it must be {bounds}"),
            );
        }
    }

    /// Rejects a list longer than `max`.
    pub fn check_max_items<T>(&mut self, name: &'static str, values: Option<&Vec<T>>, max: u64) {
        let Some(len) = values.map(Vec::len) else {
            return;
        };
        if u64::try_from(len).map_or(true, |len| len > max) {
            self.reject(
                name,
                format!("{len} items given, at most {max} are accepted"),
            );
        }
    }

    /// Rejects a string with characters outside `ranges` (the spec's `pattern`).
    pub fn check_chars(
        &mut self,
        name: &'static str,
        value: Option<&impl AsRef<str>>,
        ranges: &[(char, char)],
        allow_empty: bool,
        pattern: &str,
    ) {
        let Some(value) = value.map(AsRef::as_ref) else {
            return;
        };
        let allowed = |c: char| {
            ranges
                .iter()
                .any(|&(start, end)| (start..=end).contains(&c))
        };
        if (value.is_empty() && !allow_empty) || !value.chars().all(allowed) {
            self.reject(
                name,
                format!("{value:?} does not match the pattern `{pattern}`"),
            );
        }
    }

    /// Sends `value` as a JSON body.
    pub fn json(&mut self, value: &impl Serialize) {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.body = Body::Json(Bytes::from(bytes)),
            Err(e) => self.reject("body", format!("cannot be serialized: {e}")),
        }
    }

    /// Sends `value`, a struct, as an `application/x-www-form-urlencoded` body.
    pub fn form(&mut self, value: &impl Serialize) {
        let fields = match serde_json::to_value(value) {
            Ok(serde_json::Value::Object(fields)) => fields,
            Ok(_) => return self.reject("body", "a form body must be an object"),
            Err(e) => return self.reject("body", format!("cannot be serialized: {e}")),
        };
        let mut pairs = Vec::new();
        for (key, value) in fields {
            let items = match value {
                serde_json::Value::Array(items) => items,
                other => vec![other],
            };
            for item in items {
                let text = match item {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(text) => text,
                    other => other.to_string(),
                };
                pairs.push(format!(
                    "{}={}",
                    utf8_percent_encode(&key, FORM_VALUE),
                    utf8_percent_encode(&text, FORM_VALUE)
                ));
            }
        }
        self.body = Body::Form(pairs.join("&"));
    }

    /// Sends an empty form: the operation's form body has no fields.
    pub fn form_empty(&mut self) {
        self.body = Body::Form(String::new());
    }

    /// Sends a raw body with the given content type.
    pub fn raw(&mut self, content_type: &'static str, payload: Option<Payload>) {
        if let Some(payload) = payload {
            self.body = Body::Raw {
                content_type,
                payload,
            };
        }
    }

    /// Starts a `multipart/form-data` body.
    pub fn multipart(&mut self) {
        self.body = Body::Multipart(Vec::new());
    }

    /// Adds a file part, after checking its content type against `allowed` (when not empty)
    /// and its size against `max_size`.
    pub fn file_part(
        &mut self,
        name: &'static str,
        upload: Option<Upload>,
        allowed: &[&str],
        max_size: Option<u64>,
    ) {
        let Some(upload) = upload else { return };
        let essence = upload
            .content_type()
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !allowed.is_empty() && !allowed.iter().any(|a| a.eq_ignore_ascii_case(&essence)) {
            return self.reject(
                name,
                format!(
                    "content type `{}` is not accepted (accepted: {})",
                    upload.content_type(),
                    allowed.join(", ")
                ),
            );
        }
        if let (Some(max), Some(len)) = (max_size, upload.len()) {
            if len > max {
                return self.reject(
                    name,
                    format!("{len} bytes is over the limit of {max} bytes"),
                );
            }
        }
        if let Body::Multipart(parts) = &mut self.body {
            let max = max_size.filter(|_| upload.len().is_none());
            parts.push(PartData::File { name, upload, max });
        }
    }

    /// Adds a text part: strings as they are, other values as JSON.
    pub fn text_part(&mut self, name: &'static str, value: Option<&impl Serialize>) {
        let Some(value) = value else { return };
        let text = match serde_json::to_value(value) {
            Ok(serde_json::Value::String(text)) => text,
            Ok(other) => other.to_string(),
            Err(e) => return self.reject(name, format!("cannot be serialized: {e}")),
        };
        if let Body::Multipart(parts) = &mut self.body {
            parts.push(PartData::Text { name, value: text });
        }
    }
}
