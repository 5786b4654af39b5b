//! Why a session token was not accepted.

use std::fmt;

/// The reason a token was rejected. [`Reason::as_str`] gives the same strings as
/// `TokenVerificationErrorReason` in Clerk's JavaScript SDK (`@clerk/backend`), so logs and
/// dashboards read alike across services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// `exp` is past, beyond the clock skew.
    TokenExpired,
    /// Not a JWT: not three base64url parts of JSON, a `typ` other than `JWT`, or a token
    /// category that is refused (machine tokens always).
    TokenInvalid,
    /// `alg` is not RS256, RS384 or RS512.
    TokenInvalidAlgorithm,
    /// `azp` is missing or not one of the authorized parties.
    TokenInvalidAuthorizedParties,
    /// The signature does not verify with the key.
    TokenInvalidSignature,
    /// `nbf` is in the future, beyond the clock skew.
    TokenNotActiveYet,
    /// `iat` is in the future, beyond the clock skew.
    TokenIatInTheFuture,
    /// `iss` is not the configured issuer.
    TokenInvalidIssuer,
    /// A claim has the wrong type (`sub`, `exp`, `nbf`, `iat`), `exp` is missing, the
    /// audience does not match, the key is for another algorithm than the token's, or the
    /// claims do not decode into the requested type.
    TokenVerificationFailed,
    /// The secret key the key set is fetched with was refused.
    SecretKeyInvalid,
    /// The PEM public key cannot be read.
    JwkLocalMissing,
    /// The key set could not be fetched.
    JwkRemoteFailedToLoad,
    /// The key set was fetched but holds no usable key.
    JwkRemoteInvalid,
    /// The key set holds no key for the token's `kid`.
    JwkRemoteMissing,
    /// No key source is configured: neither a PEM key nor a client to fetch the key set.
    JwkFailedToResolve,
    /// The key set holds no key with the token's `kid`, even after fetching it again.
    JwkKidMismatch,
    /// The token is of a type the caller does not accept: a JWT-template or machine token
    /// where a session token is expected, or a machine credential of a type not accepted.
    TokenTypeMismatch,
    /// The Backend API could not verify a machine credential for a reason other than the
    /// credential itself (a server error, a timeout, an unreachable API).
    UnexpectedError,
}

impl Reason {
    /// The reason as `@clerk/backend` spells it, such as `token-expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TokenExpired => "token-expired",
            Self::TokenInvalid => "token-invalid",
            Self::TokenInvalidAlgorithm => "token-invalid-algorithm",
            Self::TokenInvalidAuthorizedParties => "token-invalid-authorized-parties",
            Self::TokenInvalidSignature => "token-invalid-signature",
            Self::TokenNotActiveYet => "token-not-active-yet",
            Self::TokenIatInTheFuture => "token-iat-in-the-future",
            Self::TokenInvalidIssuer => "token-invalid-issuer",
            Self::TokenVerificationFailed => "token-verification-failed",
            Self::SecretKeyInvalid => "secret-key-invalid",
            Self::JwkLocalMissing => "jwk-local-missing",
            Self::JwkRemoteFailedToLoad => "jwk-remote-failed-to-load",
            Self::JwkRemoteInvalid => "jwk-remote-invalid",
            Self::JwkRemoteMissing => "jwk-remote-missing",
            Self::JwkFailedToResolve => "jwk-failed-to-resolve",
            Self::JwkKidMismatch => "jwk-kid-mismatch",
            Self::TokenTypeMismatch => "token-type-mismatch",
            Self::UnexpectedError => "unexpected-error",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rejected session token: the reason, and a message for logs (never for the caller of
/// your API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    /// Why it was rejected.
    pub reason: Reason,
    /// What exactly failed.
    pub message: String,
}

impl TokenError {
    pub(crate) fn new(reason: Reason, message: impl Into<String>) -> Self {
        Self {
            reason,
            message: message.into(),
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.reason, self.message)
    }
}

impl std::error::Error for TokenError {}
