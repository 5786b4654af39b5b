//! Session-token verification without a network call per request, in the order and with the
//! defaults of Clerk's own `verifyToken` (`@clerk/backend`):
//!
//! 1. the token is three base64url parts of JSON; a machine token (`cat` header) is refused;
//! 2. the key is the PEM public key when one is configured (`CLERK_JWT_KEY`), else the key of
//!    the token's `kid` in the instance's key set, fetched through the client and cached;
//! 3. `typ`, when present, is `JWT`; `alg` is RS256, RS384 or RS512 (`none`, HMAC and every
//!    other algorithm are refused) and the key's own algorithm (RS256 for a PEM key);
//! 4. the signature is verified, before any claim is read;
//! 5. `sub` is a string; then, each only when configured, the audience, the authorized
//!    parties (`azp`) and the issuer; then `exp` (required), `nbf` and `iat`, each with a
//!    clock skew of 5 seconds.
//!
//! ```no_run
//! # async fn run(request_headers: &reqwest::header::HeaderMap) -> Result<(), Box<dyn std::error::Error>> {
//! use clerk_backend_api::jwt::Verifier;
//!
//! // CLERK_JWT_KEY when set (networkless), else the key set through a client.
//! let verifier = Verifier::from_env()?;
//! let claims = verifier.verify_request(request_headers).await?;
//! println!("user {}", claims.sub);
//! # Ok(()) }
//! ```
//!
//! With the `machine_auth` feature, `Verifier::authenticate` and
//! `Verifier::authenticate_request` also accept machine callers (M2M tokens, API keys and
//! OAuth access tokens) of the types a route chooses, and say who is calling
//! (`Authenticated`).

mod claims;
mod error;
mod jwks;
mod key;
#[cfg(feature = "machine_auth")]
mod machine;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderMap};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use claims::{ActiveOrganization, Actor, Claims, NoCustomClaims, OrganizationClaim};
pub use error::{Reason, TokenError};
pub use jwks::{DEFAULT_FAILURE_INTERVAL, DEFAULT_JWKS_TTL, DEFAULT_REFETCH_INTERVAL};
pub use key::RsaKey;
#[cfg(feature = "machine_auth")]
pub use machine::{
    ApiKey, Authenticated, M2mToken, OAuthToken, TokenFormat, TokenType, TokenTypes,
};

use crate::Client;
use crate::verify::Clock;
use jwks::JwksCache;
use key::Algorithm;

/// The environment variable holding the PEM public key ("JWKS Public Key" in the Dashboard).
pub const JWT_KEY_ENV: &str = "CLERK_JWT_KEY";

/// The environment variable holding a machine's secret key, for verifying M2M tokens as that
/// machine.
pub const MACHINE_SECRET_KEY_ENV: &str = "CLERK_MACHINE_SECRET_KEY";

/// The cookie a browser session sends its token in.
pub const SESSION_COOKIE: &str = "__session";

/// The default clock skew: how far `exp`, `nbf` and `iat` may be off.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(5);

/// The `cat` header value of session tokens.
pub const SESSION_TOKEN_CATEGORY: &str = "cl_B7d4PD111AAA";

/// The `cat` header value of tokens minted from a JWT template.
const TEMPLATE_TOKEN_CATEGORY: &str = "cl_B7d4PD222AAA";

/// The `cat` header value of tokens that any category check lets through.
const IGNORED_TOKEN_CATEGORY: &str = "cl_I7d4PD111III";

/// The `cat` header value of machine tokens, which are never session tokens.
pub(crate) const MACHINE_TOKEN_CATEGORY: &str = "cl_B7d4PD333AAA";

/// Base64url that, like `@clerk/backend`, accepts padding or none and ignores trailing bits.
const LOOSE_BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Where a request carried its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCarrier {
    /// `Authorization: Bearer <token>`.
    Header,
    /// The `__session` cookie.
    Cookie,
}

/// The session token of a request: from the `Authorization` header when it carries one (a
/// `Bearer` token, or a value without a scheme), else from the `__session` cookie, else from
/// the first suffixed `__session_<suffix>` cookie (which Clerk sets when several apps share a
/// domain).
///
/// As in `@clerk/backend`, an `Authorization` header that holds no token of ours (another
/// scheme such as `Basic`, an empty value, or bytes that are not text) is passed over, so an
/// app behind HTTP Basic authentication still reads the cookie.
pub fn token_from_headers(headers: &HeaderMap) -> Option<(&str, TokenCarrier)> {
    if let Some(token) = bearer_token(headers) {
        return Some((token, TokenCarrier::Header));
    }
    let cookies = || {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(_, value)| !value.is_empty())
    };
    let suffixed = |name: &str| {
        name.strip_prefix(SESSION_COOKIE)
            .is_some_and(|rest| rest.starts_with('_'))
    };
    cookies()
        .find(|(name, _)| *name == SESSION_COOKIE)
        .or_else(|| cookies().find(|(name, _)| suffixed(name)))
        .map(|(_, value)| (value, TokenCarrier::Cookie))
}

/// The token of the `Authorization` header: `Bearer <token>` (any case), or a value without a
/// scheme; `None` for another scheme or an empty value.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        Some(_) => return None,
        // `Bearer` with its token left out (`Authorization: Bearer `) holds none.
        None if value.eq_ignore_ascii_case("bearer") => return None,
        None => value,
    };
    (!token.is_empty()).then_some(token)
}

enum KeySource {
    Pem(Arc<RsaKey>),
    Jwks(Box<JwksCache>),
}

struct Config {
    source: KeySource,
    /// The Backend API, for credentials only it can verify (opaque machine tokens).
    #[cfg(feature = "machine_auth")]
    api: Option<Client>,
    /// The same API with the machine secret key, for M2M tokens when one is set.
    #[cfg(feature = "machine_auth")]
    machine_api: Option<Client>,
    /// Successful verifications of opaque machine credentials, when caching is on.
    #[cfg(feature = "machine_auth")]
    machine_cache: Option<machine::MachineCache>,
    skew: Duration,
    authorized_parties: Vec<String>,
    audience: Vec<String>,
    issuer: Option<String>,
    session_tokens_only: bool,
    template_tokens_in_requests: bool,
    clock: Clock,
}

/// Verifies session tokens. Cheap to clone: clones share the key-set cache.
#[derive(Clone)]
pub struct Verifier {
    config: Arc<Config>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.config.source {
            KeySource::Pem(_) => "pem",
            KeySource::Jwks(_) => "jwks",
        };
        f.debug_struct("Verifier")
            .field("keys", &source)
            .field("skew", &self.config.skew)
            .field("authorized_parties", &self.config.authorized_parties)
            .field("audience", &self.config.audience)
            .field("issuer", &self.config.issuer)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Verifier`].
#[derive(Default)]
pub struct VerifierBuilder {
    pem: Option<String>,
    client: Option<Client>,
    skew: Option<Duration>,
    authorized_parties: Vec<String>,
    audience: Vec<String>,
    issuer: Option<String>,
    session_tokens_only: bool,
    clock: Clock,
    jwks_ttl: Option<Duration>,
    refetch_interval: Option<Duration>,
    failure_interval: Option<Duration>,
    template_tokens_in_requests: bool,
    #[cfg(feature = "machine_auth")]
    machine_secret_key: Option<String>,
    #[cfg(feature = "machine_auth")]
    machine_cache: Option<(Duration, usize)>,
}

impl std::fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("pem", &self.pem.as_ref().map(|_| "<set>"))
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl VerifierBuilder {
    /// Verify with this PEM public key, without any network call. It takes precedence over a
    /// client's key set.
    pub fn jwt_key(mut self, pem: impl Into<String>) -> Self {
        self.pem = Some(pem.into());
        self
    }

    /// Fetch the instance's key set through this client when no PEM key is set.
    pub fn client(mut self, client: Client) -> Self {
        self.client = Some(client);
        self
    }

    /// How far `exp`, `nbf` and `iat` may be off (default 5 s).
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.skew = Some(skew);
        self
    }

    /// Accept only tokens whose `azp` is one of these origins, such as
    /// `https://example.com`. Off by default: tokens minted through the Backend API carry no
    /// `azp`.
    pub fn authorized_parties<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        parties: I,
    ) -> Self {
        self.authorized_parties = parties.into_iter().map(Into::into).collect();
        self
    }

    /// Accept only tokens whose `aud`, when they have one, names one of these audiences.
    pub fn audience<I: IntoIterator<Item = S>, S: Into<String>>(mut self, audience: I) -> Self {
        self.audience = audience.into_iter().map(Into::into).collect();
        self
    }

    /// Accept only tokens whose `iss` is exactly this, such as `https://clerk.example.com`.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Refuse tokens whose `cat` header says they are not session tokens (JWT-template and
    /// machine tokens); tokens without `cat` pass.
    pub fn session_tokens_only(mut self, only: bool) -> Self {
        self.session_tokens_only = only;
        self
    }

    /// The clock claims are checked against (default: the system clock).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// How long a fetched key set is used (default 5 minutes).
    pub fn jwks_ttl(mut self, ttl: Duration) -> Self {
        self.jwks_ttl = Some(ttl);
        self
    }

    /// The shortest time between two key-set fetches caused by an unknown `kid` (default 10 s).
    pub fn jwks_refetch_interval(mut self, interval: Duration) -> Self {
        self.refetch_interval = Some(interval);
        self
    }

    /// How long a failed key-set fetch is remembered (default 5 s): verifications that need
    /// the key set in that time fail with its error at once instead of fetching again, so an
    /// outage of the endpoint costs one fetch per interval.
    pub fn jwks_failure_interval(mut self, interval: Duration) -> Self {
        self.failure_interval = Some(interval);
        self
    }

    /// Accept JWT-template tokens on the request path ([`Verifier::verify_request`] and the
    /// axum extractors). Off by default, as in `@clerk/backend`'s `authenticateRequest`:
    /// a template token carries no session, and stays valid after the session is revoked.
    /// [`Verifier::verify`] of an explicit token accepts them either way, unless
    /// [`session_tokens_only`](Self::session_tokens_only) is set.
    pub fn template_tokens_in_requests(mut self, accept: bool) -> Self {
        self.template_tokens_in_requests = accept;
        self
    }

    /// The machine secret key (`CLERK_MACHINE_SECRET_KEY`) that opaque M2M tokens are verified
    /// with, instead of the instance's secret key: then a token verifies only when it may call
    /// that machine. Needs a [`client`](Self::client).
    #[cfg(feature = "machine_auth")]
    pub fn machine_secret_key(mut self, key: impl Into<String>) -> Self {
        self.machine_secret_key = Some(key.into());
        self
    }

    /// Remember successful verifications of opaque machine credentials (M2M tokens, API keys,
    /// OAuth access tokens) for up to `ttl`, at most `capacity` of them, so that a caller's
    /// every request does not cost a Backend API call. Off by default: a revocation then takes
    /// up to `ttl` to be seen. An entry never outlives its credential's expiry, and is kept
    /// under the SHA-256 of the credential, not the credential itself.
    #[cfg(feature = "machine_auth")]
    pub fn machine_cache(mut self, ttl: Duration, capacity: usize) -> Self {
        self.machine_cache = Some((ttl, capacity.max(1)));
        self
    }

    /// Builds the verifier.
    ///
    /// # Errors
    ///
    /// `jwk-local-missing` when the PEM key cannot be read, `jwk-failed-to-resolve` when
    /// neither a PEM key nor a client is set.
    pub fn build(self) -> Result<Verifier, TokenError> {
        #[cfg(feature = "machine_auth")]
        let api = self.client.clone();
        #[cfg(feature = "machine_auth")]
        let machine_api = match (&api, &self.machine_secret_key) {
            (Some(client), Some(key)) => Some(client.with_token(key.clone()).map_err(|e| {
                TokenError::new(
                    Reason::SecretKeyInvalid,
                    format!("the machine secret key: {e}"),
                )
            })?),
            _ => None,
        };
        let source = match (self.pem, self.client) {
            (Some(pem), _) => KeySource::Pem(Arc::new(
                RsaKey::from_pem(&pem)
                    .map_err(|why| TokenError::new(Reason::JwkLocalMissing, why))?,
            )),
            (None, Some(client)) => KeySource::Jwks(Box::new(JwksCache::new(
                client,
                self.jwks_ttl.unwrap_or(DEFAULT_JWKS_TTL),
                self.refetch_interval.unwrap_or(DEFAULT_REFETCH_INTERVAL),
                self.failure_interval.unwrap_or(DEFAULT_FAILURE_INTERVAL),
            ))),
            (None, None) => {
                return Err(TokenError::new(
                    Reason::JwkFailedToResolve,
                    format!("no key: set {JWT_KEY_ENV} or give a client to fetch the key set"),
                ));
            }
        };
        Ok(Verifier {
            config: Arc::new(Config {
                source,
                #[cfg(feature = "machine_auth")]
                api,
                #[cfg(feature = "machine_auth")]
                machine_api,
                #[cfg(feature = "machine_auth")]
                machine_cache: self
                    .machine_cache
                    .map(|(ttl, capacity)| machine::MachineCache::new(ttl, capacity)),
                skew: self.skew.unwrap_or(DEFAULT_CLOCK_SKEW),
                authorized_parties: self.authorized_parties,
                audience: self.audience,
                issuer: self.issuer,
                session_tokens_only: self.session_tokens_only,
                template_tokens_in_requests: self.template_tokens_in_requests,
                clock: self.clock,
            }),
        })
    }
}

/// The three parts of a token, decoded.
pub(crate) struct Parts<'a> {
    pub(crate) header: Map<String, Value>,
    pub(crate) payload: Value,
    signing_input: &'a str,
    signature: Vec<u8>,
}

impl Verifier {
    /// A builder: set a PEM key or a client, then optional checks.
    pub fn builder() -> VerifierBuilder {
        VerifierBuilder::default()
    }

    /// A verifier with the PEM key in `CLERK_JWT_KEY` when it is set (networkless); else one
    /// that fetches the key set through [`Client::from_env`].
    ///
    /// # Errors
    ///
    /// `jwk-local-missing` for an unreadable key, `jwk-failed-to-resolve` when neither
    /// `CLERK_JWT_KEY` nor `CLERK_SECRET_KEY` is set.
    ///
    /// With both, the PEM key verifies JWTs and the client is kept for the credentials only the
    /// Backend API can verify (opaque machine tokens); `CLERK_MACHINE_SECRET_KEY`, when set, is
    /// the key M2M tokens are verified with.
    pub fn from_env() -> Result<Self, TokenError> {
        let pem = std::env::var(JWT_KEY_ENV)
            .ok()
            .filter(|pem| !pem.trim().is_empty());
        let client = Client::from_env();
        let mut builder = Self::builder();
        match (pem, client) {
            (Some(pem), client) => {
                builder = builder.jwt_key(pem);
                if let Ok(client) = client {
                    builder = builder.client(client);
                }
            }
            (None, Ok(client)) => builder = builder.client(client),
            (None, Err(error)) => {
                return Err(TokenError::new(
                    Reason::JwkFailedToResolve,
                    error.to_string(),
                ));
            }
        }
        #[cfg(feature = "machine_auth")]
        if let Some(key) = std::env::var(MACHINE_SECRET_KEY_ENV)
            .ok()
            .filter(|key| !key.trim().is_empty())
        {
            builder = builder.machine_secret_key(key.trim());
        }
        builder.build()
    }

    /// How many times the key set was fetched (0 with a PEM key).
    pub fn jwks_fetches(&self) -> u64 {
        match &self.config.source {
            KeySource::Pem(_) => 0,
            KeySource::Jwks(cache) => cache.fetches(),
        }
    }

    /// Verifies a token and returns its claims.
    ///
    /// # Errors
    ///
    /// A [`TokenError`] whose [`Reason`] says which check failed.
    pub async fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        self.verify_as(token).await
    }

    /// Verifies a token and returns its claims with custom claims of type `C`.
    ///
    /// # Errors
    ///
    /// A [`TokenError`] whose [`Reason`] says which check failed;
    /// `token-verification-failed` when the claims do not decode as `C`.
    pub async fn verify_as<C: DeserializeOwned>(
        &self,
        token: &str,
    ) -> Result<Claims<C>, TokenError> {
        let parts = decode(token)?;
        self.check_category(&parts.header)?;
        self.verify_decoded(&parts).await
    }

    /// Verifies the session token of a request (see [`token_from_headers`]).
    ///
    /// On this path only session tokens are accepted, as `@clerk/backend`'s
    /// `authenticateRequest` does: a token whose `cat` header names another category (a
    /// JWT-template or machine token) is refused with `token-type-mismatch`, unless
    /// [`VerifierBuilder::template_tokens_in_requests`] lets template tokens through.
    ///
    /// # Errors
    ///
    /// `token-invalid` when the request carries no token, `token-type-mismatch` for a token
    /// of another category, else as [`Verifier::verify`].
    pub async fn verify_request(&self, headers: &HeaderMap) -> Result<Claims, TokenError> {
        self.verify_request_as(headers).await
    }

    /// [`Verifier::verify_request`] with custom claims of type `C`.
    ///
    /// # Errors
    ///
    /// As [`Verifier::verify_request`]; `token-verification-failed` when the claims do not
    /// decode as `C`.
    pub async fn verify_request_as<C: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
    ) -> Result<Claims<C>, TokenError> {
        let (token, _) = token_from_headers(headers).ok_or_else(|| {
            TokenError::new(Reason::TokenInvalid, "the request carries no session token")
        })?;
        self.verify_request_token(token).await
    }

    /// A token that came with a request: only session tokens pass the category check.
    pub(crate) async fn verify_request_token<C: DeserializeOwned>(
        &self,
        token: &str,
    ) -> Result<Claims<C>, TokenError> {
        let parts = decode(token)?;
        self.check_request_category(&parts.header)?;
        self.check_category(&parts.header)?;
        self.verify_decoded(&parts).await
    }

    /// The key, the algorithm, the signature and the claims of a decoded session token.
    async fn verify_decoded<C: DeserializeOwned>(
        &self,
        parts: &Parts<'_>,
    ) -> Result<Claims<C>, TokenError> {
        self.verify_signed(parts, Kind::Session).await?;
        serde_json::from_value(parts.payload.clone()).map_err(|e| {
            TokenError::new(
                Reason::TokenVerificationFailed,
                format!("the claims do not decode: {e}"),
            )
        })
    }

    /// Everything but reading the claims: the key, `typ` and `alg`, the signature, then the
    /// claim checks of the token's kind.
    pub(crate) async fn verify_signed(
        &self,
        parts: &Parts<'_>,
        kind: Kind,
    ) -> Result<(), TokenError> {
        let key = match &self.config.source {
            KeySource::Pem(key) => Arc::clone(key),
            KeySource::Jwks(cache) => {
                let kid = parts
                    .header
                    .get("kid")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                cache.key(kid, &self.config.clock).await?
            }
        };
        let algorithm = check_type_and_algorithm(&parts.header, kind)?;
        if algorithm != key.algorithm_kind() {
            return Err(TokenError::new(
                Reason::TokenVerificationFailed,
                format!(
                    "the token is signed with {} but the key is for {}",
                    algorithm.name(),
                    key.algorithm()
                ),
            ));
        }
        if !key.verifies(algorithm, parts.signing_input.as_bytes(), &parts.signature) {
            return Err(TokenError::new(
                Reason::TokenInvalidSignature,
                "the signature does not verify",
            ));
        }
        self.check_claims(&parts.payload, kind)
    }

    /// On the request path, a `cat` other than the session token's (or the category that
    /// carries no class) is a token of another type.
    fn check_request_category(&self, header: &Map<String, Value>) -> Result<(), TokenError> {
        let Some(category) = header.get("cat").and_then(Value::as_str) else {
            return Ok(());
        };
        let session = category == SESSION_TOKEN_CATEGORY || category == IGNORED_TOKEN_CATEGORY;
        let template =
            category == TEMPLATE_TOKEN_CATEGORY && self.config.template_tokens_in_requests;
        if session || template {
            return Ok(());
        }
        Err(TokenError::new(
            Reason::TokenTypeMismatch,
            format!("a token of category `{category}` is not a session token"),
        ))
    }

    /// Machine tokens are never session tokens; with `session_tokens_only`, neither are
    /// JWT-template tokens.
    fn check_category(&self, header: &Map<String, Value>) -> Result<(), TokenError> {
        let Some(category) = header.get("cat").and_then(Value::as_str) else {
            return Ok(());
        };
        let refused = category == MACHINE_TOKEN_CATEGORY
            || (self.config.session_tokens_only
                && category != SESSION_TOKEN_CATEGORY
                && category != IGNORED_TOKEN_CATEGORY);
        if refused {
            return Err(TokenError::new(
                Reason::TokenInvalid,
                format!("the token category `{category}` is not a session token's"),
            ));
        }
        Ok(())
    }

    /// The claim checks, in `@clerk/backend`'s order: `sub`, `aud`, `azp`, `iss`, `exp`,
    /// `nbf`, `iat`. Machine tokens are held to the same checks but the authorized parties and
    /// the issuer, which `@clerk/backend` does not ask of them.
    fn check_claims(&self, payload: &Value, kind: Kind) -> Result<(), TokenError> {
        let failed = |message: String| TokenError::new(Reason::TokenVerificationFailed, message);
        let config = &self.config;
        if !payload.get("sub").is_some_and(Value::is_string) {
            return Err(failed("`sub` is not a string".into()));
        }
        if !config.audience.is_empty() {
            // Only a string or a list of strings is compared; a token without `aud` passes,
            // but an OAuth access token, which RFC 9068 requires to name its audience.
            let names: Option<Vec<&str>> = match payload.get("aud") {
                Some(Value::String(one)) if !one.is_empty() => Some(vec![one]),
                Some(Value::Array(many)) if !many.is_empty() => {
                    many.iter().map(Value::as_str).collect()
                }
                _ => None,
            };
            #[cfg(feature = "machine_auth")]
            if names.is_none() && kind == Kind::OAuth {
                return Err(failed("the access token names no audience".into()));
            }
            if let Some(names) = names {
                if !names
                    .iter()
                    .any(|name| config.audience.iter().any(|a| a == name))
                {
                    return Err(failed(format!("the audience {names:?} is not accepted")));
                }
            }
        }
        let session = kind == Kind::Session;
        if session && !config.authorized_parties.is_empty() {
            let azp = payload.get("azp").and_then(Value::as_str).unwrap_or("");
            if azp.is_empty() || !config.authorized_parties.iter().any(|p| p == azp) {
                return Err(TokenError::new(
                    Reason::TokenInvalidAuthorizedParties,
                    format!("the authorized party `{azp}` is not accepted"),
                ));
            }
        }
        if let Some(issuer) = config.issuer.as_ref().filter(|_| session) {
            let iss = payload.get("iss").and_then(Value::as_str);
            if iss != Some(issuer.as_str()) {
                return Err(TokenError::new(
                    Reason::TokenInvalidIssuer,
                    format!("the issuer {iss:?} is not `{issuer}`"),
                ));
            }
        }
        let now = config.clock.now_millis();
        let skew = config.skew.as_millis() as i128;
        // Whole seconds, as a JavaScript `Date` set with `setUTCSeconds` keeps them.
        let millis = |name: &str, required: bool| -> Result<Option<i128>, TokenError> {
            match payload.get(name) {
                None if !required => Ok(None),
                Some(Value::Number(number)) => match number.as_f64() {
                    Some(seconds) if seconds.is_finite() => {
                        Ok(Some(seconds.trunc() as i128 * 1000))
                    }
                    _ => Err(failed(format!("`{name}` is not a number"))),
                },
                _ => Err(failed(format!("`{name}` is missing or not a number"))),
            }
        };
        let exp = millis("exp", true)?.unwrap_or_default();
        if exp <= now - skew {
            return Err(TokenError::new(
                Reason::TokenExpired,
                format!("expired {} ms ago", now - exp),
            ));
        }
        if let Some(nbf) = millis("nbf", false)? {
            if nbf > now + skew {
                return Err(TokenError::new(
                    Reason::TokenNotActiveYet,
                    format!("valid only in {} ms", nbf - now),
                ));
            }
        }
        if let Some(iat) = millis("iat", false)? {
            if iat > now + skew {
                return Err(TokenError::new(
                    Reason::TokenIatInTheFuture,
                    format!("issued {} ms in the future", iat - now),
                ));
            }
        }
        Ok(())
    }
}

/// What a JWT is, which decides its `typ` and its claim checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A session or JWT-template token.
    Session,
    /// A JWT-format machine-to-machine token.
    #[cfg(feature = "machine_auth")]
    M2m,
    /// A JWT-format OAuth access token (RFC 9068).
    #[cfg(feature = "machine_auth")]
    OAuth,
}

impl Kind {
    /// The `typ` values the kind may carry; an absent `typ` passes.
    fn types(self) -> &'static [&'static str] {
        match self {
            Self::Session => &["JWT"],
            #[cfg(feature = "machine_auth")]
            Self::M2m => &["JWT"],
            #[cfg(feature = "machine_auth")]
            Self::OAuth => OAUTH_ACCESS_TOKEN_TYPES,
        }
    }
}

/// The `typ` header values of OAuth 2.0 JWT access tokens (RFC 9068, section 2.1).
#[cfg(feature = "machine_auth")]
pub(crate) const OAUTH_ACCESS_TOKEN_TYPES: &[&str] = &["at+jwt", "application/at+jwt"];

/// `typ`, when present, is the kind's (`JWT` for session tokens); `alg` is RS256, RS384 or
/// RS512.
fn check_type_and_algorithm(
    header: &Map<String, Value>,
    kind: Kind,
) -> Result<Algorithm, TokenError> {
    match header.get("typ") {
        None => {}
        Some(Value::String(typ)) if kind.types().contains(&typ.as_str()) => {}
        Some(other) => {
            return Err(TokenError::new(
                Reason::TokenInvalid,
                format!(
                    "the token type {other} is not {}",
                    kind.types().join(" or ")
                ),
            ));
        }
    }
    let name = header.get("alg").and_then(Value::as_str).unwrap_or("");
    Algorithm::from_name(name).ok_or_else(|| {
        TokenError::new(
            Reason::TokenInvalidAlgorithm,
            format!("the algorithm `{name}` is not one of RS256, RS384, RS512"),
        )
    })
}

/// Splits and decodes a compact JWS: three base64url parts, the first two JSON objects.
pub(crate) fn decode(token: &str) -> Result<Parts<'_>, TokenError> {
    let invalid = |message: &str| TokenError::new(Reason::TokenInvalid, message.to_owned());
    let token = token.trim();
    let mut pieces = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (pieces.next(), pieces.next(), pieces.next(), pieces.next())
    else {
        return Err(invalid("a JWT has three parts"));
    };
    let bytes = |part: &str| {
        LOOSE_BASE64URL
            .decode(part)
            .map_err(|_| invalid("a part is not base64url"))
    };
    let header_json: Value =
        serde_json::from_slice(&bytes(header)?).map_err(|_| invalid("the header is not JSON"))?;
    let Value::Object(header_map) = header_json else {
        return Err(invalid("the header is not a JSON object"));
    };
    let payload_json: Value =
        serde_json::from_slice(&bytes(payload)?).map_err(|_| invalid("the payload is not JSON"))?;
    if !payload_json.is_object() {
        return Err(invalid("the payload is not a JSON object"));
    }
    let signature = bytes(signature)?;
    Ok(Parts {
        header: header_map,
        payload: payload_json,
        signing_input: &token[..header.len() + 1 + payload.len()],
        signature,
    })
}
