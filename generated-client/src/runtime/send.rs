//! Sending a [`Request`]: the wire request built from it, credentials attached, attempts and
//! retries inside one tracing span, and the answer decoded.

use std::future::Future;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::answer::{Decoding, Received};
use super::api::{Api, Scheme};
use super::auth::Attached;
use super::client::{Exchange, Sent};
use super::correct::Shaped;
use super::error::{ApiError, Error, ValidationError};
use super::request::{Body, PartData, Request};
use super::retry::{Outcome, parse_retry_after};
use super::stream::{ByteStream, Progress, next_chunk, within_idle};

impl<A: Api> Request<A> {
    /// Sends the request and decodes a JSON response, correcting what the API left out (see
    /// [`Received::json`]).
    pub fn send_json<T: DeserializeOwned + Shaped>(
        self,
    ) -> impl Future<Output = Result<T, Error<A>>> + Send + 'static {
        let received = self.send_raw();
        async move { received.await?.json() }
    }

    /// Sends the request and returns the body as text.
    pub fn send_text(self) -> impl Future<Output = Result<String, Error<A>>> + Send + 'static {
        let received = self.send_raw();
        async move { Ok(received.await?.text()) }
    }

    /// Sends the request and returns the body.
    pub fn send_bytes(self) -> impl Future<Output = Result<Vec<u8>, Error<A>>> + Send + 'static {
        let received = self.send_raw();
        async move { Ok(received.await?.into_bytes()) }
    }

    /// Sends the request and returns the success status with the body, for operations whose
    /// responses differ by status.
    ///
    /// The exchange runs in one heap-allocated future, so the futures of generated `send`
    /// methods stay small: a caller's state machine then moves a pointer, not kilobytes.
    pub fn send_raw(self) -> impl Future<Output = Result<Received<A>, Error<A>>> + Send + 'static {
        let decoding = self.decoding();
        let exchange = Box::pin(self.execute(Reading::Whole));
        async move {
            let Answer::Whole(status, headers, body) = exchange.await? else {
                return Err(Error::Config("the body was not read".into()));
            };
            Ok(Received {
                status,
                headers,
                body,
                decoding,
                api: std::marker::PhantomData,
            })
        }
    }

    /// Sends the request and returns the successful response with its body unread, to be
    /// read as a stream of chunks (see [`ByteStream`]).
    pub fn send_stream(
        self,
    ) -> impl Future<Output = Result<ByteStream<A>, Error<A>>> + Send + 'static {
        let opened = self.open();
        async move {
            let (response, decoding, idle) = opened.await?;
            Ok(ByteStream::new(response, idle, decoding.operation))
        }
    }

    /// Sends the request and returns the successful response with its body unread, how its
    /// parts decode, and the request's timeout.
    pub(crate) fn open(
        self,
    ) -> impl Future<Output = Result<(reqwest::Response, Decoding, std::time::Duration), Error<A>>>
    + Send
    + 'static {
        let decoding = self.decoding();
        let idle = self.options.timeout.unwrap_or(self.client.inner.timeout);
        let exchange = Box::pin(self.execute(Reading::Open));
        async move {
            let Answer::Open(response) = exchange.await? else {
                return Err(Error::Config("the body was read".into()));
            };
            Ok((response, decoding, idle))
        }
    }

    /// Sends the request and ignores any body.
    pub fn send_empty(self) -> impl Future<Output = Result<(), Error<A>>> + Send + 'static {
        let received = self.send_raw();
        async move { received.await.map(|_| ()) }
    }

    /// How this request's responses are decoded: the client's settings, with the request's
    /// own strictness when it sets one.
    fn decoding(&self) -> Decoding {
        let inner = &self.client.inner;
        Decoding {
            operation: self.operation,
            strict: self.options.strict.unwrap_or(inner.strict),
            observer: inner.correction_observer.clone(),
        }
    }

    /// Sends the request, retrying as the policy allows, inside one tracing span; a final
    /// status outside 2xx becomes [`Error::Api`].
    async fn execute(self, reading: Reading) -> Result<Answer, Error<A>> {
        let span = tracing::debug_span!(
            "request",
            operation = self.operation,
            method = %self.method,
            path = self.path_template,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        self.execute_with_retries(span.clone(), reading)
            .instrument(span)
            .await
    }

    /// Sends attempts until one succeeds, fails in a way the policy does not retry, or the
    /// attempts run out.
    async fn execute_with_retries(
        self,
        span: tracing::Span,
        reading: Reading,
    ) -> Result<Answer, Error<A>> {
        if let Some(problem) = self.problem {
            return Err(Error::Validation(problem));
        }
        let url = self.url()?;
        let headers = self.headers()?;
        let inner = &self.client.inner;
        let policy = self.options.retry.as_ref().unwrap_or(&inner.retry);
        // A streamed payload can be read once, so its request is sent once.
        let mut attempts = if self.body.is_replayable() {
            policy.attempts()
        } else {
            1
        };
        let timeout = self.options.timeout.unwrap_or(inner.timeout);
        // Transfers read while they move are bounded per idle wait, not as a whole.
        let idle = reading == Reading::Open || self.body.is_streamed();
        let started = Instant::now();
        let mut attempt = 0u32;
        // The client's bucket, when the policy in force spends one.
        let budget = inner
            .retry_tokens
            .as_deref()
            .filter(|_| policy.retry_budget().is_some());
        let mut spent = 0u32;
        // The schemes this request sends, and whether a provider was told of a 401 yet.
        let schemes = inner
            .keys
            .choose(self.security.unwrap_or(<A::Scheme as Scheme>::DEFAULT));
        let provided = inner.keys.provided(schemes);
        let mut refreshed = false;
        // The last attempt takes the URL and headers; the ones before send copies.
        let mut target = Some((url, headers));
        loop {
            attempt += 1;
            // While a rejected token may still be replaced, the last attempt keeps a copy too.
            let may_resend = provided && !refreshed;
            let (url, headers) = if attempt >= attempts && !may_resend {
                target.take()
            } else {
                target.clone()
            }
            .ok_or_else(|| Error::Config("no attempt is left".into()))?;
            let progress = idle.then(Progress::new);
            let mut request = build_request(
                &inner.http,
                Wire {
                    method: self.method.clone(),
                    url,
                    headers,
                    timeout: (!idle).then_some(timeout),
                    progress: progress.clone(),
                },
                &self.body,
                self.operation,
            )?;
            inner
                .keys
                .attach_fixed(schemes, &mut request)
                .map_err(Error::Config)?;
            // Without hooks or a provider, no future is made for them.
            if provided || !inner.hooks.0.is_empty() || !self.options.hooks.0.is_empty() {
                self.before_attempt(&mut request, attempt, schemes).await?;
            }
            let watch = progress.map(|progress| (progress, timeout));
            let failure = match self
                .attempt(request, attempt, &span, started, reading, watch)
                .await
            {
                Ok(answer) => {
                    if let Some(tokens) = budget {
                        tokens.refund(spent);
                    }
                    return Ok(answer);
                }
                Err(failure) => failure,
            };
            let outcome = failure.outcome();
            // A provider's token the API rejected is replaced once, and the request resent.
            if provided && !refreshed && matches!(outcome, Outcome::Status(401)) {
                refreshed = true;
                let told = inner.keys.rejected(
                    schemes,
                    super::hooks::Attempt {
                        operation: self.operation,
                        number: attempt,
                    },
                );
                if told && self.body.is_replayable() {
                    tracing::debug!(
                        attempt,
                        "the API rejected the token; resending with a fresh one"
                    );
                    attempts += 1;
                    continue;
                }
            }
            let last =
                attempt >= attempts || !policy.retries(&self.method, self.repeatable, outcome);
            if last {
                return Err(failure.error);
            }
            if let Some(tokens) = budget {
                let cost = tokens.cost(outcome);
                if !tokens.withdraw(cost) {
                    tracing::debug!(attempt, "the retry budget is spent; not retrying");
                    return Err(failure.error);
                }
                spent += cost;
            }
            let delay = policy.delay(attempt, failure.retry_after);
            let error = &failure.error;
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// The providers' tokens for this attempt, then the client's and the request's hooks.
    async fn before_attempt(
        &self,
        request: &mut reqwest::Request,
        number: u32,
        schemes: &[A::Scheme],
    ) -> Result<(), Error<A>> {
        let inner = &self.client.inner;
        let attempt = super::hooks::Attempt {
            operation: self.operation,
            number,
        };
        let failed = |source| Error::Hook {
            operation: self.operation,
            source,
        };
        inner
            .keys
            .attach_provided(schemes, request, attempt)
            .await
            .map_err(|e| match e {
                Attached::Provider(source) => failed(source),
                Attached::Invalid(message) => Error::Config(message),
            })?;
        for hook in inner.hooks.0.iter().chain(&self.options.hooks.0) {
            hook.before_attempt(request, attempt)
                .await
                .map_err(failed)?;
        }
        Ok(())
    }

    /// Sends one attempt and reads its answer: a success, or the failure with what the retry
    /// policy needs to judge it.
    async fn attempt(
        &self,
        request: reqwest::Request,
        attempt: u32,
        span: &tracing::Span,
        started: Instant,
        reading: Reading,
        watch: Option<(Progress, std::time::Duration)>,
    ) -> Result<Answer, Failure<A>> {
        let operation = self.operation;
        let record = |status: Option<u16>| {
            if let Some(status) = status {
                span.record("status", status);
            }
            span.record("attempt", attempt);
            span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        };
        let sent = self.client.inner.execute(request);
        let sent = match &watch {
            Some((progress, limit)) => within_idle(sent, progress, *limit).await,
            None => Some(sent.await),
        };
        let mut response = match sent {
            Some(Ok(response)) => response,
            Some(Err(Sent::Transport(source))) => {
                record(None);
                return Err(Failure::transport(operation, source));
            }
            Some(Err(Sent::Middleware(source))) => {
                record(None);
                return Err(Failure {
                    error: Error::Hook { operation, source },
                    retry_after: None,
                });
            }
            None => {
                record(None);
                return Err(Failure {
                    error: Error::Stalled {
                        operation,
                        waited: watch.map(|(_, limit)| limit).unwrap_or_default(),
                    },
                    retry_after: None,
                });
            }
        };
        let status = response.status().as_u16();
        let inner = &self.client.inner;
        if inner.observer.is_some() || !inner.hooks.0.is_empty() || !self.options.hooks.0.is_empty()
        {
            let exchange = Exchange {
                operation,
                method: &self.method,
                path: self.path_template,
                status,
                headers: response.headers(),
                attempt,
            };
            if let Some(observer) = &inner.observer {
                observer(&exchange);
            }
            for hook in inner.hooks.0.iter().chain(&self.options.hooks.0) {
                if let Err(source) = hook.after_attempt(&exchange) {
                    record(Some(status));
                    return Err(Failure {
                        error: Error::Hook { operation, source },
                        retry_after: None,
                    });
                }
            }
        }
        let success = response.status().is_success();
        if success && reading == Reading::Open {
            record(Some(status));
            return Ok(Answer::Open(response));
        }
        // The headers are moved out, not copied: reading the body consumes the response.
        let headers = std::mem::take(response.headers_mut());
        let body = match &watch {
            Some((_, limit)) => read_within(&mut response, *limit, operation).await,
            None => response
                .bytes()
                .await
                .map_err(|e| Failure::transport(operation, e)),
        };
        record(Some(status));
        let bytes = body?;
        if success {
            return Ok(Answer::Whole(status, headers, bytes));
        }
        Err(Failure::api(&self.decoding(), status, headers, &bytes))
    }

    fn url(&self) -> Result<reqwest::Url, Error<A>> {
        if let Some(link) = &self.link {
            return Ok(link.clone());
        }
        let inner = &self.client.inner;
        let mut url =
            reqwest::Url::parse(&format!("{}{}", inner.base_url, self.path)).map_err(|e| {
                Error::Config(format!("invalid request URL for {}: {e}", self.operation))
            })?;
        if !self.query.is_empty() {
            url.set_query(Some(&self.query));
        }
        Ok(url)
    }

    fn headers(&self) -> Result<HeaderMap, Error<A>> {
        let operation = self.operation;
        let inner = &self.client.inner;
        let mut headers = inner.base_headers.clone();
        for (name, value) in &self.headers {
            headers.insert(
                header_name(operation, name)?,
                header_value(operation, name, value)?,
            );
        }
        for (name, value) in &self.options.headers {
            if !headers.get(name).is_some_and(HeaderValue::is_sensitive) {
                headers.insert(name.clone(), value.clone());
            }
        }
        let cookies: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !cookies.is_empty() {
            let mut value = header_value(operation, "Cookie", &cookies.join("; "))?;
            value.set_sensitive(true);
            headers.insert(COOKIE, value);
        }
        Ok(headers)
    }
}

/// One failed attempt, with what the retry policy needs to judge it.
struct Failure<A: Api> {
    error: Error<A>,
    retry_after: Option<std::time::Duration>,
}

impl<A: Api> Failure<A> {
    fn transport(operation: &'static str, source: reqwest::Error) -> Self {
        Self {
            error: Error::Transport {
                operation,
                source: source.without_url(),
            },
            retry_after: None,
        }
    }

    fn api(decoding: &Decoding, status: u16, headers: HeaderMap, bytes: &[u8]) -> Self {
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        Self {
            error: Error::Api(Box::new(ApiError {
                operation: decoding.operation,
                status,
                headers,
                body: decoding.decode::<A, A::ErrorBody>(bytes).ok(),
                raw_body: String::from_utf8_lossy(bytes).into_owned(),
            })),
            retry_after,
        }
    }

    fn outcome(&self) -> Outcome<'_> {
        match &self.error {
            Error::Api(api) => Outcome::Status(api.status),
            Error::Transport { source, .. } => Outcome::Transport(source),
            Error::Stalled { .. } => Outcome::Stalled,
            // Only the three above are built as failures; anything else is final.
            _ => Outcome::Status(0),
        }
    }
}

/// How an attempt reads a successful answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// The whole body, before the call returns.
    Whole,
    /// Nothing of the body: the caller reads it as it arrives.
    Open,
}

/// A successful answer, as its [`Reading`] left it.
enum Answer {
    Whole(u16, HeaderMap, Bytes),
    Open(reqwest::Response),
}

/// Reads the whole body of `response`, waiting at most `limit` for each chunk.
async fn read_within<A: Api>(
    response: &mut reqwest::Response,
    limit: std::time::Duration,
    operation: &'static str,
) -> Result<Bytes, Failure<A>> {
    let mut body = bytes::BytesMut::new();
    loop {
        match next_chunk::<A>(response, Some(limit), operation).await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => return Ok(body.freeze()),
            Err(error) => {
                return Err(Failure {
                    error,
                    retry_after: None,
                });
            }
        }
    }
}

/// What one attempt sends, besides its body.
struct Wire {
    method: reqwest::Method,
    url: reqwest::Url,
    headers: HeaderMap,
    /// The bound of the whole exchange; `None` for a transfer bounded per idle wait.
    timeout: Option<std::time::Duration>,
    /// Marked by a streamed body's chunks as they go.
    progress: Option<Progress>,
}

/// One attempt's request. The body is rebuilt for every attempt, so every kind but a
/// streamed payload can be resent.
fn build_request<A: Api>(
    http: &reqwest::Client,
    wire: Wire,
    body: &Body,
    operation: &'static str,
) -> Result<reqwest::Request, Error<A>> {
    let Wire {
        method,
        url,
        headers,
        timeout,
        progress,
    } = wire;
    let config =
        |e: String| Error::Config(format!("cannot build the request for {operation}: {e}"));
    let (content_type, content): (&'static str, reqwest::Body) = match body {
        Body::None => ("", reqwest::Body::from(Bytes::new())),
        Body::Json(bytes) => ("application/json", bytes.clone().into()),
        Body::Form(text) => ("application/x-www-form-urlencoded", text.clone().into()),
        Body::Raw {
            content_type,
            payload,
        } => match payload.shared_bytes() {
            Some(bytes) => (content_type, bytes.into()),
            None => {
                let chunks = payload.chunks(None, progress).map_err(config)?;
                (content_type, reqwest::Body::wrap_stream(chunks))
            }
        },
        Body::Multipart(parts) => {
            // Only the builder sets the multipart boundary.
            let mut builder = http
                .request(method, url)
                .headers(headers)
                .multipart(multipart_form(operation, parts, progress)?);
            if let Some(timeout) = timeout {
                builder = builder.timeout(timeout);
            }
            return builder.build().map_err(|e| config(e.to_string()));
        }
    };
    // RFC 9110 §8.6: a request whose method defines a meaning for content carries a length
    // even when it is empty, so that servers that demand one (411) accept it. A streamed
    // payload of known length declares it.
    let length = match body {
        Body::Raw { payload, .. } => payload.len(),
        _ => content.as_bytes().map(|bytes| bytes.len() as u64),
    };
    let declared = match length {
        Some(0) => matches!(
            method,
            reqwest::Method::POST | reqwest::Method::PUT | reqwest::Method::PATCH
        )
        .then_some(0),
        Some(length) if content.as_bytes().is_none() => Some(length),
        _ => None,
    };
    let mut request = reqwest::Request::new(method, url);
    *request.headers_mut() = headers;
    *request.timeout_mut() = timeout;
    if let Some(length) = declared {
        request
            .headers_mut()
            .insert(reqwest::header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    if !matches!(body, Body::None) {
        request.headers_mut().insert(
            CONTENT_TYPE,
            header_value(operation, "Content-Type", content_type)?,
        );
        *request.body_mut() = Some(content);
    }
    Ok(request)
}

fn multipart_form<A: Api>(
    operation: &'static str,
    parts: &[PartData],
    progress: Option<Progress>,
) -> Result<reqwest::multipart::Form, Error<A>> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        form = match part {
            PartData::Text { name, value } => form.text(*name, value.clone()),
            PartData::File { name, upload, max } => {
                let payload = upload.payload();
                let file = match (payload.shared_bytes(), payload.len()) {
                    (Some(bytes), _) => {
                        let length = bytes.len() as u64;
                        reqwest::multipart::Part::stream_with_length(bytes, length)
                    }
                    (None, length) => {
                        let chunks = payload
                            .chunks(*max, progress.clone())
                            .map_err(|e| Error::Config(format!("{operation}: {e}")))?;
                        let body = reqwest::Body::wrap_stream(chunks);
                        match length {
                            Some(length) => {
                                reqwest::multipart::Part::stream_with_length(body, length)
                            }
                            None => reqwest::multipart::Part::stream(body),
                        }
                    }
                };
                let content_type = upload.content_type();
                let file = file
                    .file_name(upload.file_name().to_owned())
                    .mime_str(content_type)
                    .map_err(|_| {
                        Error::Validation(ValidationError {
                            operation,
                            input: (*name).to_owned(),
                            message: format!("`{content_type}` is not a valid content type"),
                        })
                    })?;
                form.part(*name, file)
            }
        };
    }
    Ok(form)
}

fn header_name<A: Api>(operation: &'static str, name: &str) -> Result<HeaderName, Error<A>> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        Error::Validation(ValidationError {
            operation,
            input: name.to_owned(),
            message: "not a valid header name".into(),
        })
    })
}

fn header_value<A: Api>(
    operation: &'static str,
    name: &str,
    value: &str,
) -> Result<HeaderValue, Error<A>> {
    HeaderValue::from_str(value).map_err(|_| {
        Error::Validation(ValidationError {
            operation,
            input: name.to_owned(),
            message: "contains characters that cannot be sent in a header".into(),
        })
    })
}
