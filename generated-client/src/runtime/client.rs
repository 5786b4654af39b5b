//! The client: configuration, credentials and the shared HTTP connection pool.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use super::api::{Api, Scheme};
use super::auth::{Credential, Keys, Secret};
use super::correct::Correction;
use super::error::Error;
use super::hooks::{Credentials, Hook, Hooks};
use super::oauth2::ClientCredentials;
use super::retry::{RetryPolicy, RetryTokens};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// The credential of each security scheme, where one is set.
    pub(crate) keys: Keys,
    pub(crate) user_agent: String,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    /// The retries the client may still spend, shared with clients made by `with_token`;
    /// `None` when its policy has no budget.
    pub(crate) retry_tokens: Option<Arc<RetryTokens>>,
    /// Accept, User-Agent and the version header, built once.
    pub(crate) base_headers: HeaderMap,
    /// Called with every response, before its body is read.
    pub(crate) observer: Option<Observer>,
    /// Whether a response that needs correcting is a decode error.
    pub(crate) strict: bool,
    /// Called with every correction made to a response.
    pub(crate) correction_observer: Option<CorrectionObserver>,
    /// Run on every attempt, in order.
    pub(crate) hooks: Hooks,
    /// Sends each attempt through a middleware stack, in place of `http`.
    #[cfg(feature = "reqwest-middleware")]
    pub(crate) middleware: Option<reqwest_middleware::ClientWithMiddleware>,
}

impl Inner {
    /// Sends one attempt: through the middleware stack when the client has one.
    pub(crate) async fn execute(
        &self,
        request: reqwest::Request,
    ) -> Result<reqwest::Response, Sent> {
        #[cfg(feature = "reqwest-middleware")]
        if let Some(middleware) = &self.middleware {
            return middleware
                .execute(request)
                .await
                .map_err(|error| match error {
                    reqwest_middleware::Error::Reqwest(error) => Sent::Transport(error),
                    reqwest_middleware::Error::Middleware(error) => {
                        Sent::Middleware(super::hooks::HookError::new(format!("{error:#}")))
                    }
                });
        }
        self.http.execute(request).await.map_err(Sent::Transport)
    }
}

/// Why an attempt got no response.
pub(crate) enum Sent {
    /// The HTTP client failed.
    Transport(reqwest::Error),
    /// A middleware failed the attempt.
    #[cfg_attr(not(feature = "reqwest-middleware"), allow(dead_code))]
    Middleware(super::hooks::HookError),
}

/// A callback that sees every response the client receives.
pub(crate) type Observer = Arc<dyn Fn(&Exchange<'_>) + Send + Sync>;

/// A callback that sees every value the client filled in for a response that lacked it.
pub(crate) type CorrectionObserver = Arc<dyn Fn(&Correction) + Send + Sync>;

/// What the client received for one attempt of one request, as shown to
/// [`ClientBuilder::on_response`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Exchange<'a> {
    /// The operation (its operationId).
    pub operation: &'static str,
    /// The HTTP method.
    pub method: &'a reqwest::Method,
    /// The path template, such as `/users/{user_id}`.
    pub path: &'static str,
    /// The response status.
    pub status: u16,
    /// The response headers.
    pub headers: &'a HeaderMap,
    /// Which attempt this was, from 1.
    pub attempt: u32,
}

/// The API client. Cloning is cheap: clones share one connection pool and configuration.
///
/// `A` is the API it calls; a generated crate names it for you (`Client`).
pub struct Client<A> {
    pub(crate) inner: Arc<Inner>,
    api: PhantomData<fn() -> A>,
}

impl<A> Clone for Client<A> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            api: PhantomData,
        }
    }
}

impl<A> fmt::Debug for Client<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.keys)
            .field("user_agent", &self.inner.user_agent)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("strict", &self.inner.strict)
            .finish_non_exhaustive()
    }
}

impl<A: Api> Client<A> {
    /// A client for the spec's first server that authenticates with `token`, sent as the
    /// first security scheme the spec asks for says (for the Clerk Backend API: the
    /// instance's secret key, as a bearer token).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the token cannot be sent in a header (it holds a line break or
    /// another control character) or the HTTP client cannot be built.
    pub fn new(token: impl Into<String>) -> Result<Self, Error<A>> {
        Self::builder().token(token).build()
    }

    /// A builder for the base URL, timeouts, User-Agent and HTTP client.
    pub fn builder() -> ClientBuilder<A> {
        ClientBuilder {
            credentials: (0..A::Scheme::ALL.len()).map(|_| None).collect(),
            base_url: None,
            timeout: None,
            connect_timeout: None,
            user_agent_suffix: None,
            retry: None,
            http: None,
            observer: None,
            strict: false,
            correction_observer: None,
            hooks: Hooks::default(),
            #[cfg(feature = "reqwest-middleware")]
            middleware: None,
            api: PhantomData,
        }
    }

    /// A client configured from the environment variables the spec's `x-rust-client`
    /// extension names (for the Clerk Backend API: `CLERK_SECRET_KEY`, and `CLERK_API_URL` when
    /// set).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the token variable is unset or empty, or the base URL is invalid.
    pub fn from_env() -> Result<Self, Error<A>> {
        let mut builder = Self::builder();
        if let Some(name) = A::SETTINGS.token_env {
            match std::env::var(name) {
                Ok(value) if !value.trim().is_empty() => builder = builder.token(value.trim()),
                _ => {
                    return Err(Error::Config(format!(
                        "the environment variable {name} is not set"
                    )));
                }
            }
        }
        if let Some(name) = A::SETTINGS.base_url_env {
            if let Ok(value) = std::env::var(name) {
                if !value.trim().is_empty() {
                    builder = builder.base_url(value.trim());
                }
            }
        }
        builder.build()
    }

    /// The base URL every request path is appended to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The same client (connection pool, base URL, timeouts, retries and observers) sending
    /// another token, such as a machine secret key for the operations that take one. The
    /// token replaces the credential of the first scheme the spec asks for
    /// ([`ClientBuilder::token`]); the other schemes keep theirs.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the token cannot be sent in a header.
    pub fn with_token(&self, token: impl Into<String>) -> Result<Self, Error<A>> {
        let inner = &self.inner;
        let mut keys = inner.keys.clone();
        if let Some(scheme) = A::Scheme::PRIMARY {
            keys.set(scheme, fixed(scheme, Secret(token.into()))?);
        }
        Ok(Client {
            inner: Arc::new(Inner {
                http: inner.http.clone(),
                base_url: inner.base_url.clone(),
                keys,
                user_agent: inner.user_agent.clone(),
                timeout: inner.timeout,
                retry: inner.retry.clone(),
                retry_tokens: inner.retry_tokens.clone(),
                base_headers: inner.base_headers.clone(),
                observer: inner.observer.clone(),
                strict: inner.strict,
                correction_observer: inner.correction_observer.clone(),
                hooks: inner.hooks.clone(),
                #[cfg(feature = "reqwest-middleware")]
                middleware: inner.middleware.clone(),
            }),
            api: PhantomData,
        })
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder<A> {
    /// What each security scheme is to send, by its index.
    credentials: Vec<Option<Pending>>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent_suffix: Option<String>,
    retry: Option<RetryPolicy>,
    http: Option<reqwest::Client>,
    observer: Option<Observer>,
    strict: bool,
    correction_observer: Option<CorrectionObserver>,
    hooks: Hooks,
    #[cfg(feature = "reqwest-middleware")]
    middleware: Option<reqwest_middleware::ClientWithMiddleware>,
    api: PhantomData<fn() -> A>,
}

/// A scheme's credential as the builder was given it.
enum Pending {
    Token(Secret),
    Provider(Arc<dyn Credentials>),
    ClientCredentials { id: String, secret: Secret },
}

/// A fixed token for `scheme`, its header built.
fn fixed<A: Api>(scheme: A::Scheme, token: Secret) -> Result<Credential, Error<A>> {
    let spec = scheme.spec();
    Credential::fixed(spec.carrier, token)
        .map_err(|e| Error::Config(format!("security scheme `{}`: {e}", spec.name)))
}

impl<A> fmt::Debug for ClientBuilder<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "credentials",
                &self
                    .credentials
                    .iter()
                    .map(|slot| slot.as_ref().map(|_| "<redacted>"))
                    .collect::<Vec<_>>(),
            )
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("retry", &self.retry)
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

impl<A: Api> ClientBuilder<A> {
    /// The token requests authenticate with, for the first security scheme the spec asks for
    /// ([`Scheme::PRIMARY`]); an API without security schemes sends none.
    pub fn token(self, token: impl Into<String>) -> Self {
        match A::Scheme::PRIMARY {
            Some(scheme) => self.token_for(scheme, token),
            None => self,
        }
    }

    /// The token (or API key) of one security scheme. A request sends the schemes its
    /// operation asks for: the first of its alternatives whose credentials are all set.
    pub fn token_for(self, scheme: A::Scheme, token: impl Into<String>) -> Self {
        self.set(scheme, Pending::Token(Secret(token.into())))
    }

    /// Credentials for HTTP basic authentication, for APIs whose first security scheme is
    /// `basic`: the token becomes the Base64 encoding of `username:password`.
    pub fn basic_auth(self, username: &str, password: &str) -> Self {
        match A::Scheme::PRIMARY {
            Some(scheme) => self.basic_auth_for(scheme, username, password),
            None => self,
        }
    }

    /// HTTP basic credentials for one security scheme.
    pub fn basic_auth_for(self, scheme: A::Scheme, username: &str, password: &str) -> Self {
        use base64::Engine;
        let credentials = format!("{username}:{password}");
        self.token_for(
            scheme,
            base64::engine::general_purpose::STANDARD.encode(credentials),
        )
    }

    /// OAuth2 client credentials for a scheme whose spec gives a client-credentials flow:
    /// each attempt sends an access token fetched from the flow's token URL (resolved against
    /// the base URL when relative) with the scopes the spec asks for, cached until shortly
    /// before it expires (see [`ClientCredentials`]; build one yourself, and pass it to
    /// [`credentials_for`](Self::credentials_for), to change the URL, scopes or form).
    pub fn client_credentials(
        self,
        scheme: A::Scheme,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.set(
            scheme,
            Pending::ClientCredentials {
                id: client_id.into(),
                secret: Secret(client_secret.into()),
            },
        )
    }

    fn set(mut self, scheme: A::Scheme, credential: Pending) -> Self {
        if let Some(slot) = self.credentials.get_mut(scheme.index()) {
            *slot = Some(credential);
        }
        self
    }

    /// Sends requests to `url` instead of the spec's server (a mock server, a proxy, ...).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How long a whole request may take, from sending to the end of the body (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long connecting may take (default 10 s). Ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Text appended to the User-Agent header, such as `my-service/1.2`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// How failed requests are retried (default: [`RetryPolicy::default`]); use
    /// [`RetryPolicy::none`] to send every request once.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Calls `observer` with every response (each attempt), before its body is read: for
    /// metrics, logging of rate-limit headers, or contract checks. It sees no request data, so
    /// no credentials.
    pub fn on_response(mut self, observer: impl Fn(&Exchange<'_>) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// Makes decoding strict: a response that lacks a value the spec requires, or holds `null`
    /// where the spec does not allow it, fails with [`Error::Decode`] naming its path, instead
    /// of decoding with the zero value in its place. Off by default; useful in tests that
    /// should catch such drift. [`RequestOptions::strict`](super::options::RequestOptions::strict)
    /// overrides it for one request.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Calls `observer` with every value the client fills in because a response lacked it (see
    /// [`Correction`]), for metrics or alerts on API drift. Each one is also logged as a
    /// `tracing` event at WARN. Not called in strict mode, where such a response is an error.
    pub fn on_correction(mut self, observer: impl Fn(&Correction) + Send + Sync + 'static) -> Self {
        self.correction_observer = Some(Arc::new(observer));
        self
    }

    /// Runs `hook` on every attempt of every request (see [`Hook`] for the order); hooks run
    /// in the order they are added.
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.0.push(Arc::new(hook));
        self
    }

    /// Asks `provider` for the token of every attempt, in place of a fixed
    /// [`token`](Self::token) of the first scheme the spec asks for: a token it refreshes
    /// (OAuth2 client credentials, a rotated key) reaches each retry fresh.
    pub fn credentials(self, provider: impl Credentials) -> Self {
        match A::Scheme::PRIMARY {
            Some(scheme) => self.credentials_for(scheme, provider),
            None => self,
        }
    }

    /// Asks `provider` for the token of one scheme on every attempt that sends it.
    pub fn credentials_for(self, scheme: A::Scheme, provider: impl Credentials) -> Self {
        self.set(scheme, Pending::Provider(Arc::new(provider)))
    }

    /// Sends requests through this HTTP client (for its proxy, TLS or pool settings).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sends every attempt through this `reqwest-middleware` stack (feature
    /// `reqwest-middleware`): the layers a service already uses for tracing, caching or
    /// signing. Each attempt of the client's retry loop passes through the whole stack once,
    /// after the client's hooks; a middleware's error fails the call as [`Error::Hook`], not
    /// retried. A retry middleware in the stack retries inside one attempt of the client's;
    /// pair it with `RetryPolicy::none()` to keep one policy.
    #[cfg(feature = "reqwest-middleware")]
    pub fn middleware(mut self, client: reqwest_middleware::ClientWithMiddleware) -> Self {
        self.middleware = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the base URL is not an absolute http(s) URL, the token or the
    /// User-Agent suffix cannot be sent in a header, or the HTTP client cannot be built.
    pub fn build(mut self) -> Result<Client<A>, Error<A>> {
        let base_url = self
            .base_url
            .take()
            .unwrap_or_else(|| A::SETTINGS.default_base_url.to_owned())
            .trim_end_matches('/')
            .to_owned();
        match reqwest::Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.query().is_none() => {}
            _ => {
                return Err(Error::Config(format!(
                    "invalid base URL `{base_url}`: expected an absolute http(s) URL"
                )));
            }
        }
        let user_agent = self.user_agent();
        let base_headers = base_headers::<A>(&user_agent).map_err(Error::Config)?;
        let http = match self.http.take() {
            Some(http) => http,
            None => self
                .default_http_client()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let mut keys = Keys::empty::<A::Scheme>();
        for (&scheme, pending) in A::Scheme::ALL
            .iter()
            .zip(std::mem::take(&mut self.credentials))
        {
            let credential = match pending {
                None => continue,
                Some(Pending::Token(token)) => fixed(scheme, token)?,
                Some(Pending::Provider(provider)) => Credential::Provider(provider),
                Some(Pending::ClientCredentials { id, secret }) => {
                    let spec = scheme.spec();
                    let Some(token_url) = spec.token_url else {
                        return Err(Error::Config(format!(
                            "security scheme `{}` has no OAuth2 client-credentials flow in the spec; pass a ClientCredentials with its token URL to credentials_for",
                            spec.name
                        )));
                    };
                    let token_url = reqwest::Url::parse(&format!("{base_url}/"))
                        .and_then(|base| base.join(token_url))
                        .map_err(|e| {
                            Error::Config(format!(
                                "security scheme `{}`: invalid token URL `{token_url}`: {e}",
                                spec.name
                            ))
                        })?;
                    let provider = ClientCredentials::new(token_url, id, secret.0)
                        .scopes(spec.scopes.iter().copied())
                        .timeout(timeout)
                        .http_client(http.clone());
                    Credential::Provider(Arc::new(provider))
                }
            };
            keys.set(scheme, credential);
        }
        let retry = self.retry.take().unwrap_or_default();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                keys,
                user_agent,
                timeout,
                retry_tokens: retry
                    .retry_budget()
                    .map(|budget| Arc::new(RetryTokens::new(budget))),
                retry,
                base_headers,
                observer: self.observer,
                strict: self.strict,
                correction_observer: self.correction_observer,
                hooks: self.hooks,
                #[cfg(feature = "reqwest-middleware")]
                middleware: self.middleware,
            }),
            api: PhantomData,
        })
    }

    fn user_agent(&self) -> String {
        let base = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
        match &self.user_agent_suffix {
            Some(suffix) if !suffix.is_empty() => format!("{base} {suffix}"),
            _ => base.to_owned(),
        }
    }

    fn default_http_client(&self) -> reqwest::Result<reqwest::Client> {
        reqwest::Client::builder()
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .build()
    }
}

/// The headers every request carries.
fn base_headers<A: Api>(user_agent: &str) -> Result<HeaderMap, String> {
    let invalid =
        |what: &str| format!("the {what} contains characters that cannot be sent in a header");
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(
        USER_AGENT,
        HeaderValue::from_str(user_agent).map_err(|_| invalid("User-Agent"))?,
    );
    if let Some(name) = A::SETTINGS.version_header {
        let name =
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("version header name"))?;
        headers.insert(name, HeaderValue::from_static(A::SETTINGS.version));
    }
    Ok(headers)
}
