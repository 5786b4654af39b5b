//! Machine callers: M2M tokens, API keys and OAuth access tokens, verified as `@clerk/backend`
//! does (`verifyMachineAuthToken`, `authenticateRequest` with `acceptsToken`).
//!
//! A credential's type is read from its shape before anything else, and a type the caller
//! does not accept is refused with `token-type-mismatch`, without a network call:
//!
//! | credential | type | verified |
//! | --- | --- | --- |
//! | `mt_...` | M2M token | `POST /m2m_tokens/verify` (with the machine secret key when one is set) |
//! | `ak_...` | API key | `POST /api_keys/verify` |
//! | `oat_...` | OAuth access token | `POST /oauth_applications/access_tokens/verify` |
//! | a JWT whose `sub` is a machine (`mch_...`) or whose `cat` is the M2M category | M2M token | networkless, against the instance's key |
//! | a JWT whose `typ` is `at+jwt` or `application/at+jwt` | OAuth access token | networkless |
//! | any other JWT | session token | networkless, as [`Verifier::verify_request`] |
//!
//! The Backend API calls go through the verifier's client, with its retries, timeouts and
//! tracing. Its answers map to `@clerk/backend`'s codes: 401 is `secret-key-invalid`, 404 is
//! `token-invalid`, anything else (a 5xx, a timeout) is `unexpected-error`. A credential the
//! API returns as revoked is refused with `token-invalid`, and one it returns as expired with
//! `token-expired` (`@clerk/backend` leaves both to the caller). A JWT-format machine token that
//! fails any check is refused with `token-verification-failed`, as there, the check that failed
//! being in the message.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::{Map, Value};

use super::error::{Reason, TokenError};
use super::{
    Claims, Kind, MACHINE_TOKEN_CATEGORY, OAUTH_ACCESS_TOKEN_TYPES, TokenCarrier, Verifier, decode,
    token_from_headers,
};
use crate::Error;

/// The kinds of credential a request can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenType {
    /// A user's session token (or a JWT-template token, where those are accepted).
    SessionToken,
    /// A machine-to-machine token, opaque (`mt_...`) or a JWT.
    M2mToken,
    /// An API key (`ak_...`).
    ApiKey,
    /// An OAuth access token the instance issued as an identity provider, opaque (`oat_...`)
    /// or a JWT.
    OAuthToken,
}

impl TokenType {
    /// The type as `@clerk/backend` names it: `session_token`, `m2m_token`, `api_key` or
    /// `oauth_token`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SessionToken => "session_token",
            Self::M2mToken => "m2m_token",
            Self::ApiKey => "api_key",
            Self::OAuthToken => "oauth_token",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Self::SessionToken => 1,
            Self::M2mToken => 2,
            Self::ApiKey => 4,
            Self::OAuthToken => 8,
        }
    }
}

impl std::fmt::Display for TokenType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of [`TokenType`]s: what a route accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenTypes(u8);

impl TokenTypes {
    /// Session tokens only: what [`Verifier::verify_request`] accepts.
    pub const SESSION: Self = Self(1);
    /// Every machine credential: M2M tokens, API keys and OAuth access tokens.
    pub const MACHINE: Self = Self(2 | 4 | 8);
    /// Every type (`acceptsToken: 'any'`).
    pub const ANY: Self = Self(1 | 2 | 4 | 8);

    /// The set with `token_type` added.
    pub const fn with(self, token_type: TokenType) -> Self {
        Self(
            self.0
                | match token_type {
                    TokenType::SessionToken => 1,
                    TokenType::M2mToken => 2,
                    TokenType::ApiKey => 4,
                    TokenType::OAuthToken => 8,
                },
        )
    }

    /// Whether `token_type` is in the set.
    pub fn contains(self, token_type: TokenType) -> bool {
        self.0 & token_type.bit() != 0
    }

    /// The types in the set, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = TokenType> {
        [
            TokenType::SessionToken,
            TokenType::M2mToken,
            TokenType::ApiKey,
            TokenType::OAuthToken,
        ]
        .into_iter()
        .filter(move |t| self.contains(*t))
    }
}

impl From<TokenType> for TokenTypes {
    fn from(token_type: TokenType) -> Self {
        Self(token_type.bit())
    }
}

impl FromIterator<TokenType> for TokenTypes {
    fn from_iter<I: IntoIterator<Item = TokenType>>(iter: I) -> Self {
        iter.into_iter().fold(Self(0), Self::with)
    }
}

impl<const N: usize> From<[TokenType; N]> for TokenTypes {
    fn from(types: [TokenType; N]) -> Self {
        types.into_iter().collect()
    }
}

/// How a machine credential travels: an opaque secret that only the Backend API can check, or
/// a JWT that is checked against the instance's key without a network call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenFormat {
    /// An opaque secret, verified by the Backend API (which can tell it was revoked).
    Opaque,
    /// A JWT, verified networklessly (it cannot be revoked before it expires).
    Jwt,
}

/// A verified M2M token: the machine that calls, and what it may call.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct M2mToken {
    /// The token's ID (`mt_...`; the `jti` of a JWT).
    pub id: String,
    /// The calling machine (`mch_...`).
    pub subject: String,
    /// The machines it may call (`mch_...`).
    pub scopes: Vec<String>,
    /// Custom claims set when it was created.
    pub claims: Map<String, Value>,
    /// Expiry in milliseconds since the Unix epoch; `None` when it does not expire.
    pub expiration: Option<i64>,
    /// Creation in milliseconds since the Unix epoch.
    pub created_at: Option<i64>,
    /// Opaque or JWT.
    pub format: TokenFormat,
}

/// A verified API key: whom it belongs to and what it may do.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiKey {
    /// The key's ID (`ak_...`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// The user, organization or machine it belongs to.
    pub subject: String,
    /// The scopes it grants.
    pub scopes: Vec<String>,
    /// Custom claims set when it was created.
    pub claims: Map<String, Value>,
    /// Expiry in milliseconds since the Unix epoch; `None` when it does not expire.
    pub expiration: Option<i64>,
    /// The user who created it.
    pub created_by: Option<String>,
    /// Its description.
    pub description: Option<String>,
}

/// A verified OAuth access token the instance issued as an identity provider.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OAuthToken {
    /// The token's ID (the `jti` of a JWT).
    pub id: String,
    /// The OAuth application it was issued to.
    pub client_id: String,
    /// The user it acts for.
    pub subject: String,
    /// The scopes granted.
    pub scopes: Vec<String>,
    /// Expiry in milliseconds since the Unix epoch; `None` when it does not expire.
    pub expiration: Option<i64>,
    /// The audience of a JWT access token.
    pub audience: Vec<String>,
    /// Opaque or JWT.
    pub format: TokenFormat,
}

/// Who a verified credential says is calling.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Authenticated {
    /// A signed-in user's session.
    Session(Box<Claims>),
    /// A machine, with an M2M token.
    M2m(M2mToken),
    /// The holder of an API key.
    ApiKey(ApiKey),
    /// An OAuth application acting for a user.
    OAuth(OAuthToken),
}

impl Authenticated {
    /// The credential's type.
    pub fn token_type(&self) -> TokenType {
        match self {
            Self::Session(_) => TokenType::SessionToken,
            Self::M2m(_) => TokenType::M2mToken,
            Self::ApiKey(_) => TokenType::ApiKey,
            Self::OAuth(_) => TokenType::OAuthToken,
        }
    }

    /// Who it is about: the user of a session or OAuth token, the calling machine, the API
    /// key's owner.
    pub fn subject(&self) -> &str {
        match self {
            Self::Session(claims) => &claims.sub,
            Self::M2m(token) => &token.subject,
            Self::ApiKey(key) => &key.subject,
            Self::OAuth(token) => &token.subject,
        }
    }

    /// The scopes a machine credential grants; none for a session.
    pub fn scopes(&self) -> &[String] {
        match self {
            Self::Session(_) => &[],
            Self::M2m(token) => &token.scopes,
            Self::ApiKey(key) => &key.scopes,
            Self::OAuth(token) => &token.scopes,
        }
    }
}

/// The type of a credential, from its shape alone.
pub(crate) fn token_type(token: &str) -> TokenType {
    classify(token).0
}

/// The type and format of a credential: opaque by its prefix, else a JWT (anything else fails
/// as a session token would).
fn classify(token: &str) -> (TokenType, TokenFormat) {
    let prefixes = [
        ("mt_", TokenType::M2mToken),
        ("oat_", TokenType::OAuthToken),
        ("ak_", TokenType::ApiKey),
    ];
    if let Some((_, found)) = prefixes
        .iter()
        .find(|(prefix, _)| token.starts_with(prefix))
    {
        return (*found, TokenFormat::Opaque);
    }
    let found = match decode(token) {
        Ok(parts) => jwt_type(&parts.header, &parts.payload),
        Err(_) => TokenType::SessionToken,
    };
    (found, TokenFormat::Jwt)
}

fn jwt_type(header: &Map<String, Value>, payload: &Value) -> TokenType {
    let typ = header.get("typ").and_then(Value::as_str).unwrap_or("JWT");
    if OAUTH_ACCESS_TOKEN_TYPES.contains(&typ) {
        return TokenType::OAuthToken;
    }
    let machine_subject = payload
        .get("sub")
        .and_then(Value::as_str)
        .is_some_and(|sub| sub.starts_with("mch_"));
    let machine_category =
        header.get("cat").and_then(Value::as_str) == Some(MACHINE_TOKEN_CATEGORY);
    if machine_subject || machine_category {
        TokenType::M2mToken
    } else {
        TokenType::SessionToken
    }
}

fn mismatch(found: TokenType, accepts: TokenTypes) -> TokenError {
    let accepted: Vec<&str> = accepts.iter().map(TokenType::as_str).collect();
    TokenError::new(
        Reason::TokenTypeMismatch,
        format!(
            "a {found} is not accepted here (accepted: {})",
            accepted.join(", ")
        ),
    )
}

impl Verifier {
    /// Verifies a credential of any type in `accepts` and says who is calling.
    ///
    /// # Errors
    ///
    /// `token-type-mismatch` for a type not in `accepts` (no network call is made);
    /// otherwise as the table in the module documentation says, or, for a session token, as
    /// [`Verifier::verify_request`] (which refuses JWT-template tokens unless they are let
    /// through).
    pub async fn authenticate(
        &self,
        token: &str,
        accepts: impl Into<TokenTypes>,
    ) -> Result<Authenticated, TokenError> {
        let accepts = accepts.into();
        let (found, format) = classify(token);
        if !accepts.contains(found) {
            return Err(mismatch(found, accepts));
        }
        match (found, format) {
            (TokenType::SessionToken, _) => self
                .verify_request_token(token)
                .await
                .map(|claims| Authenticated::Session(Box::new(claims))),
            (_, TokenFormat::Jwt) => self.verify_machine_jwt(token, found).await,
            (_, TokenFormat::Opaque) => self.verify_opaque(token, found).await,
        }
    }

    /// Verifies the credential of a request, of any type in `accepts`: the `Authorization`
    /// header's, else (for session tokens only, as browsers send them) the `__session` cookie.
    ///
    /// # Errors
    ///
    /// `token-invalid` when the request carries no credential, `token-type-mismatch` for a
    /// machine credential in a cookie or a type not in `accepts`, else as
    /// [`Verifier::authenticate`].
    pub async fn authenticate_request(
        &self,
        headers: &HeaderMap,
        accepts: impl Into<TokenTypes>,
    ) -> Result<Authenticated, TokenError> {
        let accepts = accepts.into();
        let (token, carrier) = token_from_headers(headers).ok_or_else(|| {
            TokenError::new(Reason::TokenInvalid, "the request carries no credential")
        })?;
        if carrier == TokenCarrier::Cookie && token_type(token) != TokenType::SessionToken {
            return Err(TokenError::new(
                Reason::TokenTypeMismatch,
                "machine credentials are read from the Authorization header, not from cookies",
            ));
        }
        self.authenticate(token, accepts).await
    }

    /// A JWT-format M2M or OAuth access token, against the instance's key.
    async fn verify_machine_jwt(
        &self,
        token: &str,
        found: TokenType,
    ) -> Result<Authenticated, TokenError> {
        let failed = |error: TokenError| {
            TokenError::new(
                Reason::TokenVerificationFailed,
                format!("{}: {}", error.reason, error.message),
            )
        };
        let parts =
            decode(token).map_err(|error| TokenError::new(Reason::TokenInvalid, error.message))?;
        let kind = if found == TokenType::OAuthToken {
            Kind::OAuth
        } else {
            let category = parts.header.get("cat").and_then(Value::as_str);
            if category.is_some_and(|cat| cat != MACHINE_TOKEN_CATEGORY) {
                return Err(TokenError::new(
                    Reason::TokenInvalid,
                    "the token's category is not the M2M token's",
                ));
            }
            Kind::M2m
        };
        self.verify_signed(&parts, kind).await.map_err(failed)?;
        let payload = &parts.payload;
        let text = |name: &str| payload.get(name).and_then(Value::as_str).map(str::to_owned);
        let millis = |name: &str| {
            payload
                .get(name)
                .and_then(Value::as_f64)
                .map(|seconds| seconds.trunc() as i64 * 1000)
        };
        let words = |name: &str| {
            payload.get(name).and_then(Value::as_str).map(|list| {
                list.split(' ')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
        };
        let audience = match payload.get("aud") {
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(many)) => many
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        Ok(match kind {
            Kind::OAuth => Authenticated::OAuth(OAuthToken {
                id: text("jti").unwrap_or_default(),
                client_id: text("client_id").unwrap_or_default(),
                subject: text("sub").unwrap_or_default(),
                scopes: match payload.get("scp") {
                    Some(Value::Array(scopes)) => scopes
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect(),
                    _ => words("scope").unwrap_or_default(),
                },
                expiration: millis("exp"),
                audience,
                format: TokenFormat::Jwt,
            }),
            _ => {
                // The claims that are not registered JWT claims are the token's own.
                let reserved = ["iss", "sub", "exp", "nbf", "iat", "jti"];
                let claims = payload
                    .as_object()
                    .map(|object| {
                        object
                            .iter()
                            .filter(|(name, _)| !reserved.contains(&name.as_str()))
                            .map(|(name, value)| (name.clone(), value.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                Authenticated::M2m(M2mToken {
                    id: text("jti").unwrap_or_default(),
                    subject: text("sub").unwrap_or_default(),
                    scopes: words("scopes").unwrap_or(audience),
                    claims,
                    expiration: millis("exp"),
                    created_at: millis("iat"),
                    format: TokenFormat::Jwt,
                })
            }
        })
    }

    /// An opaque credential, through the Backend API (or the cache of earlier answers).
    async fn verify_opaque(
        &self,
        token: &str,
        found: TokenType,
    ) -> Result<Authenticated, TokenError> {
        let config = &self.config;
        let now = config.clock.now_millis();
        if let Some(cached) = config
            .machine_cache
            .as_ref()
            .and_then(|c| c.get(token, now))
        {
            return Ok(cached);
        }
        let api = config.api.as_ref().ok_or_else(|| {
            TokenError::new(
                Reason::SecretKeyInvalid,
                "opaque machine credentials are verified by the Backend API: give the verifier a client",
            )
        })?;
        let verified = match found {
            TokenType::M2mToken => {
                let api = config.machine_api.as_ref().unwrap_or(api);
                let token = api
                    .m2m_tokens()
                    .verify(token)
                    .send()
                    .await
                    .map_err(|e| api_error(e, found))?;
                let expiration = token.expiration.map(|ms| ms as i64);
                check_state(token.revoked, token.expired, found)?;
                Authenticated::M2m(M2mToken {
                    id: token.id,
                    subject: token.subject,
                    scopes: token.scopes.unwrap_or_default(),
                    claims: object(token.claims),
                    expiration,
                    created_at: Some(token.created_at as i64),
                    format: TokenFormat::Opaque,
                })
            }
            TokenType::ApiKey => {
                let key = api
                    .api_keys()
                    .verify(token)
                    .send()
                    .await
                    .map_err(|e| api_error(e, found))?;
                check_state(key.revoked, key.expired, found)?;
                Authenticated::ApiKey(ApiKey {
                    id: key.id,
                    name: key.name,
                    subject: key.subject,
                    scopes: key.scopes,
                    claims: object(key.claims),
                    expiration: key.expiration.map(|ms| ms as i64),
                    created_by: key.created_by,
                    description: key.description,
                })
            }
            _ => {
                use crate::types::OauthAccessTokensVerifyResponse as Answer;
                let answer = api
                    .oauth_access_tokens()
                    .verify()
                    .access_token(token)
                    .send()
                    .await
                    .map_err(|e| api_error(e, found))?;
                let token = match answer {
                    Answer::ClerkIdpOauthAccessToken(token) => token,
                    _ => {
                        return Err(TokenError::new(
                            Reason::TokenInvalid,
                            "the OAuth access token is not active",
                        ));
                    }
                };
                check_state(token.revoked, token.expired, found)?;
                Authenticated::OAuth(OAuthToken {
                    id: token.id,
                    client_id: token.client_id,
                    subject: token.subject,
                    scopes: token.scopes,
                    expiration: token.expiration.map(|ms| ms as i64),
                    audience: Vec::new(),
                    format: TokenFormat::Opaque,
                })
            }
        };
        if let Some(cache) = &config.machine_cache {
            cache.put(token, &verified, now);
        }
        Ok(verified)
    }
}

fn object(value: Option<Value>) -> Map<String, Value> {
    match value {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn check_state(revoked: bool, expired: bool, found: TokenType) -> Result<(), TokenError> {
    if revoked {
        return Err(TokenError::new(
            Reason::TokenInvalid,
            format!("the {found} was revoked"),
        ));
    }
    if expired {
        return Err(TokenError::new(
            Reason::TokenExpired,
            format!("the {found} has expired"),
        ));
    }
    Ok(())
}

/// A failed Backend API call, as `@clerk/backend` reports it.
fn api_error(error: Error, found: TokenType) -> TokenError {
    match &error {
        Error::Api(api) if api.status == 401 => TokenError::new(
            Reason::SecretKeyInvalid,
            format!("verifying the {found}: {error}"),
        ),
        Error::Api(api) if api.status == 404 => {
            TokenError::new(Reason::TokenInvalid, format!("no such {found}"))
        }
        _ => TokenError::new(
            Reason::UnexpectedError,
            format!("verifying the {found}: {error}"),
        ),
    }
}

/// Successful verifications of opaque credentials, by the SHA-256 of the credential, each for
/// at most a time to live and never past the credential's expiry; the oldest entry makes room
/// when the cache is full.
pub(crate) struct MachineCache {
    ttl: Duration,
    capacity: usize,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    by_digest: HashMap<[u8; 32], (i128, Authenticated)>,
    order: VecDeque<[u8; 32]>,
}

impl MachineCache {
    pub(crate) fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            entries: Mutex::new(Entries::default()),
        }
    }

    fn digest(token: &str) -> [u8; 32] {
        let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
        let mut out = [0; 32];
        out.copy_from_slice(digest.as_ref());
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, token: &str, now: i128) -> Option<Authenticated> {
        let digest = Self::digest(token);
        let mut entries = self.lock();
        match entries.by_digest.get(&digest) {
            Some((until, value)) if *until > now => Some(value.clone()),
            Some(_) => {
                entries.by_digest.remove(&digest);
                None
            }
            None => None,
        }
    }

    fn put(&self, token: &str, value: &Authenticated, now: i128) {
        let expiry = match value {
            Authenticated::M2m(token) => token.expiration,
            Authenticated::ApiKey(key) => key.expiration,
            Authenticated::OAuth(token) => token.expiration,
            Authenticated::Session(_) => return,
        };
        let mut until = now + self.ttl.as_millis() as i128;
        if let Some(expiry) = expiry {
            until = until.min(i128::from(expiry));
        }
        if until <= now {
            return;
        }
        let digest = Self::digest(token);
        let mut entries = self.lock();
        if entries
            .by_digest
            .insert(digest, (until, value.clone()))
            .is_none()
        {
            entries.order.push_back(digest);
        }
        while entries.by_digest.len() > self.capacity {
            let Some(oldest) = entries.order.pop_front() else {
                break;
            };
            entries.by_digest.remove(&oldest);
        }
        // Forget digests whose entries expired and were removed by `get`.
        if entries.order.len() > 2 * self.capacity {
            let Entries { by_digest, order } = &mut *entries;
            order.retain(|digest| by_digest.contains_key(digest));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_read_from_the_shape() {
        assert_eq!(token_type("mt_abc"), TokenType::M2mToken);
        assert_eq!(token_type("ak_abc"), TokenType::ApiKey);
        assert_eq!(token_type("oat_abc"), TokenType::OAuthToken);
        assert_eq!(token_type("sk_live_abc"), TokenType::SessionToken);
        let jwt = |header: Value, payload: Value| {
            use base64::Engine;
            let part =
                |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
            format!("{}.{}.c2ln", part(&header), part(&payload))
        };
        let session = jwt(
            serde_json::json!({"alg": "RS256"}),
            serde_json::json!({"sub": "user_1"}),
        );
        let machine = jwt(
            serde_json::json!({"alg": "RS256"}),
            serde_json::json!({"sub": "mch_1"}),
        );
        let category = jwt(
            serde_json::json!({"alg": "RS256", "cat": MACHINE_TOKEN_CATEGORY}),
            serde_json::json!({"sub": "x"}),
        );
        let oauth = jwt(
            serde_json::json!({"alg": "RS256", "typ": "at+jwt"}),
            serde_json::json!({"sub": "user_1"}),
        );
        assert_eq!(token_type(&session), TokenType::SessionToken);
        assert_eq!(token_type(&machine), TokenType::M2mToken);
        assert_eq!(token_type(&category), TokenType::M2mToken);
        assert_eq!(token_type(&oauth), TokenType::OAuthToken);
    }

    #[test]
    fn token_type_sets() {
        let set = TokenTypes::from([TokenType::SessionToken, TokenType::ApiKey]);
        assert!(set.contains(TokenType::ApiKey) && !set.contains(TokenType::M2mToken));
        assert_eq!(TokenTypes::MACHINE.iter().count(), 3);
        assert!(TokenTypes::ANY.contains(TokenType::OAuthToken));
        assert_eq!(TokenTypes::SESSION, TokenType::SessionToken.into());
    }

    #[test]
    fn the_cache_keeps_entries_for_their_time_and_no_more_than_its_capacity() {
        let cache = MachineCache::new(Duration::from_secs(10), 2);
        let key = |expiration| {
            Authenticated::ApiKey(ApiKey {
                id: "ak_1".into(),
                name: "n".into(),
                subject: "user_1".into(),
                scopes: Vec::new(),
                claims: Map::new(),
                expiration,
                created_by: None,
                description: None,
            })
        };
        cache.put("ak_a", &key(None), 0);
        assert!(cache.get("ak_a", 9_999).is_some());
        assert!(cache.get("ak_a", 10_000).is_none(), "past the time to live");
        cache.put("ak_b", &key(Some(500)), 0);
        assert!(cache.get("ak_b", 499).is_some());
        assert!(
            cache.get("ak_b", 500).is_none(),
            "past the credential's expiry"
        );
        for (i, token) in ["ak_1", "ak_2", "ak_3"].iter().enumerate() {
            cache.put(token, &key(None), i as i128);
        }
        assert!(cache.get("ak_1", 5).is_none(), "the oldest made room");
        assert!(cache.get("ak_2", 5).is_some() && cache.get("ak_3", 5).is_some());
    }
}
