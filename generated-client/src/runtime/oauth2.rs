//! OAuth2 client credentials (RFC 6749 section 4.4): a [`Credentials`] provider that fetches
//! an access token from the token endpoint, keeps it until shortly before it expires, and
//! fetches a new one then, or when the API rejects it.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use super::auth::Secret;
use super::hooks::{Attempt, Credentials, HookError, HookFuture};

/// How long before its expiry a token is replaced, by default.
const DEFAULT_MARGIN: Duration = Duration::from_secs(30);

/// How long a token request may take, by default.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// What RFC 6749 (appendix B) leaves unescaped in a client ID or secret sent as HTTP basic
/// credentials.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'*');

/// Access tokens by the OAuth2 client-credentials grant, for a security scheme of type
/// `oauth2`.
///
/// The first attempt that needs a token fetches one: a `POST` of
/// `grant_type=client_credentials` (with `scope` when scopes are set) to the token URL, the
/// client ID and secret sent as HTTP basic credentials (or in the form, with
/// [`credentials_in_body`](Self::credentials_in_body)). The token is reused until
/// [`refresh_before`](Self::refresh_before) its `expires_in` (30 s by default), then
/// replaced; a token without `expires_in` is kept until the API answers `401`. Concurrent
/// requests share one fetch.
///
/// [`ClientBuilder::client_credentials`](super::client::ClientBuilder::client_credentials)
/// makes one from the spec's token URL and scopes; build one yourself to change them, and pass
/// it to [`ClientBuilder::credentials_for`](super::client::ClientBuilder::credentials_for).
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    params: Vec<(String, String)>,
    in_body: bool,
    margin: Duration,
    timeout: Duration,
    http: Option<reqwest::Client>,
    /// The token and when it stops being used; held only while read or written.
    cached: Mutex<Option<Cached>>,
    /// Held while a token is fetched, so that one request fetches and the others wait.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
struct Cached {
    token: Secret,
    until: Option<Instant>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// Tokens from `token_url` (an absolute URL) for this client.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Self {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: Secret(client_secret.into()),
            scopes: Vec::new(),
            params: Vec::new(),
            in_body: false,
            margin: DEFAULT_MARGIN,
            timeout: DEFAULT_TIMEOUT,
            http: None,
            cached: Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    /// The scopes to ask for, sent space-separated as `scope`; none by default (the
    /// server's default scopes).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Another form parameter of the token request, such as the `audience` some servers
    /// require.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// Sends the client ID and secret as `client_id` and `client_secret` in the form, for
    /// servers that do not accept HTTP basic credentials.
    pub fn credentials_in_body(mut self) -> Self {
        self.in_body = true;
        self
    }

    /// How long before its expiry a token is replaced (default 30 s).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// How long a token request may take (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends token requests through this HTTP client (by default, a new one).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The token URL.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// The token in the cache, while it may still be used.
    fn cached(&self) -> Option<String> {
        let cached = self.cached.lock().ok()?;
        let cached = cached.as_ref()?;
        match cached.until {
            Some(until) if Instant::now() >= until => None,
            _ => Some(cached.token.expose().to_owned()),
        }
    }

    /// Fetches a token from the token endpoint.
    async fn fetch(&self) -> Result<Cached, HookError> {
        let failed = |what: String| {
            HookError::new(format!(
                "OAuth2 token request to {}: {what}",
                self.token_url
            ))
        };
        let mut form: Vec<(&str, &str)> = vec![("grant_type", "client_credentials")];
        let scope = self.scopes.join(" ");
        if !scope.is_empty() {
            form.push(("scope", &scope));
        }
        if self.in_body {
            form.push(("client_id", &self.client_id));
            form.push(("client_secret", self.client_secret.expose()));
        }
        form.extend(self.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let http = match &self.http {
            Some(http) => http.clone(),
            None => reqwest::Client::new(),
        };
        let mut request = http
            .post(&self.token_url)
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(self.timeout)
            .form(&form);
        if !self.in_body {
            let id = utf8_percent_encode(&self.client_id, UNRESERVED).to_string();
            let secret = utf8_percent_encode(self.client_secret.expose(), UNRESERVED).to_string();
            request = request.basic_auth(id, Some(secret));
        }
        let requested = Instant::now();
        let response = request
            .send()
            .await
            .map_err(|e| failed(e.without_url().to_string()))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| failed(e.without_url().to_string()))?;
        let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let text = |key: &str| json.get(key).and_then(Value::as_str);
        if !status.is_success() {
            let mut what = format!("answered {}", status.as_u16());
            if let Some(error) = text("error") {
                what.push_str(&format!(": {error}"));
            }
            if let Some(description) = text("error_description") {
                what.push_str(&format!(" ({description})"));
            }
            return Err(failed(what));
        }
        let Some(token) = text("access_token").filter(|t| !t.is_empty()) else {
            return Err(failed("the answer has no access_token".to_owned()));
        };
        // `expires_in` is a number of seconds; some servers write it as a string.
        let lifetime = match json.get("expires_in") {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|secs| secs.is_finite() && *secs >= 0.0)
        .map(|secs| Duration::from_secs_f64(secs.min(1e9)));
        Ok(Cached {
            token: Secret(token.to_owned()),
            // A token that lives less than twice the margin is replaced at half its life.
            until: lifetime.map(|life| requested + life.saturating_sub(self.margin.min(life / 2))),
        })
    }
}

impl Credentials for ClientCredentials {
    fn token(&self, attempt: Attempt) -> HookFuture<'_, String> {
        let _ = attempt;
        Box::pin(async move {
            if let Some(token) = self.cached() {
                return Ok(token);
            }
            let _fetching = self.fetching.lock().await;
            // Another request may have fetched one while this one waited.
            if let Some(token) = self.cached() {
                return Ok(token);
            }
            let fresh = self.fetch().await?;
            let token = fresh.token.expose().to_owned();
            if let Ok(mut cached) = self.cached.lock() {
                *cached = Some(fresh);
            }
            Ok(token)
        })
    }

    fn rejected(&self, attempt: Attempt) {
        let _ = attempt;
        if let Ok(mut cached) = self.cached.lock() {
            *cached = None;
        }
    }
}
