//! Webhook signature verification: the Svix scheme Clerk signs its webhooks with (the same as
//! Standard Webhooks).
//!
//! Clerk sends three headers: `svix-id`, `svix-timestamp` (Unix seconds) and `svix-signature`,
//! a space-separated list of `v1,<base64>` entries. Each entry is the HMAC-SHA256 of
//! `{id}.{timestamp}.{body}` keyed with the endpoint's signing secret (`whsec_` followed by the
//! key in base64). The `webhook-*` names of Standard Webhooks are read too.

use std::fmt;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::HeaderMap;
use ring::hmac;

use super::clock::Clock;
use crate::webhooks::WebhookMessage;

/// The environment variable [`Webhook::from_env`] reads the signing secret from.
pub const SECRET_ENV: &str = "CLERK_WEBHOOK_SIGNING_SECRET";

/// How far a webhook's timestamp may be from the clock, either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Why a webhook was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signing secret is not set (no argument, or an unset or empty environment variable).
    MissingSecret,
    /// The signing secret is not `whsec_` followed by base64.
    InvalidSecret(String),
    /// A required header is absent: `svix-id`, `svix-timestamp` or `svix-signature`.
    MissingHeader(&'static str),
    /// A header is not readable as text.
    InvalidHeader(&'static str),
    /// The timestamp is not a number of seconds.
    InvalidTimestamp,
    /// The timestamp is older than the tolerance allows: a replay, or a very late delivery.
    TimestampTooOld,
    /// The timestamp is further in the future than the tolerance allows.
    TimestampTooNew,
    /// No `v1` signature in the header matches the body: the body was changed, the secret is
    /// another endpoint's, or the request does not come from Clerk.
    NoMatchingSignature,
    /// The verified body is not an event this client can decode.
    Decode(String),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSecret => {
                write!(f, "no webhook signing secret: pass one or set {SECRET_ENV}")
            }
            Self::InvalidSecret(why) => write!(f, "invalid webhook signing secret: {why}"),
            Self::MissingHeader(name) => write!(f, "the `{name}` header is missing"),
            Self::InvalidHeader(name) => write!(f, "the `{name}` header is not readable"),
            Self::InvalidTimestamp => f.write_str("the webhook timestamp is not a number"),
            Self::TimestampTooOld => f.write_str("the webhook timestamp is too old"),
            Self::TimestampTooNew => f.write_str("the webhook timestamp is in the future"),
            Self::NoMatchingSignature => f.write_str("no webhook signature matches"),
            Self::Decode(why) => write!(f, "the webhook event does not decode: {why}"),
        }
    }
}

impl std::error::Error for WebhookError {}

/// Verifies webhook signatures with one endpoint's signing secret.
///
/// ```
/// # use clerk_backend_api::webhooks::{Webhook, WebhookError};
/// # use clerk_backend_api::verify::Clock;
/// let webhook = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
///     .with_clock(Clock::fixed_at(1614265330));
/// let body = br#"{"test": 2432232314}"#;
/// webhook.verify_parts(
///     "msg_p5jXN8AQM9LWM0D4loKWxJek",
///     "1614265330",
///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
///     body,
/// )?;
/// # Ok::<(), WebhookError>(())
/// ```
#[derive(Clone)]
pub struct Webhook {
    key: hmac::Key,
    tolerance: Duration,
    clock: Clock,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("secret", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .field("clock", &self.clock)
            .finish()
    }
}

impl Webhook {
    /// A verifier for `secret`, the endpoint's signing secret (`whsec_...`; the prefix is
    /// optional).
    ///
    /// # Errors
    ///
    /// [`WebhookError::MissingSecret`] for an empty secret, [`WebhookError::InvalidSecret`]
    /// when the part after `whsec_` is not base64.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        let secret = secret.trim();
        let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
        if encoded.is_empty() {
            return Err(WebhookError::MissingSecret);
        }
        let key = STANDARD
            .decode(encoded)
            .map_err(|e| WebhookError::InvalidSecret(format!("not base64: {e}")))?;
        if key.is_empty() {
            return Err(WebhookError::InvalidSecret("the key is empty".into()));
        }
        Ok(Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, &key),
            tolerance: DEFAULT_TOLERANCE,
            clock: Clock::system(),
        })
    }

    /// A verifier for the secret in `CLERK_WEBHOOK_SIGNING_SECRET`.
    ///
    /// # Errors
    ///
    /// [`WebhookError::MissingSecret`] when the variable is unset or empty, and the errors of
    /// [`Webhook::new`].
    pub fn from_env() -> Result<Self, WebhookError> {
        let secret = std::env::var(SECRET_ENV).unwrap_or_default();
        Self::new(&secret)
    }

    /// How far the timestamp may be from the clock, either way (default 5 minutes).
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The clock timestamps are checked against (default: the system clock).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Verifies a webhook from its headers and its body exactly as received.
    ///
    /// # Errors
    ///
    /// A [`WebhookError`] that says which check failed.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
        let id = header(headers, "svix-id", "webhook-id")?;
        let timestamp = header(headers, "svix-timestamp", "webhook-timestamp")?;
        let signature = header(headers, "svix-signature", "webhook-signature")?;
        self.verify_parts(id, timestamp, signature, body)
    }

    /// Verifies a webhook from the values of its three headers and its body exactly as
    /// received.
    ///
    /// # Errors
    ///
    /// A [`WebhookError`] that says which check failed.
    pub fn verify_parts(
        &self,
        id: &str,
        timestamp: &str,
        signatures: &str,
        body: &[u8],
    ) -> Result<(), WebhookError> {
        let (id, timestamp) = (id.trim(), timestamp.trim());
        let seconds: i64 = timestamp
            .parse()
            .ok()
            .filter(|s| *s >= 0)
            .ok_or(WebhookError::InvalidTimestamp)?;
        let now = self.clock.now_millis() / 1000;
        let tolerance = self.tolerance.as_secs() as i128;
        if i128::from(seconds) + tolerance < now {
            return Err(WebhookError::TimestampTooOld);
        }
        if i128::from(seconds) > now + tolerance {
            return Err(WebhookError::TimestampTooNew);
        }
        let signed = signed_content(id, timestamp, body);
        let matches = signatures
            .split_whitespace()
            .filter_map(|entry| entry.split_once(','))
            .filter(|(version, _)| *version == "v1")
            .filter_map(|(_, signature)| STANDARD.decode(signature).ok())
            // `hmac::verify` compares in constant time.
            .any(|signature| hmac::verify(&self.key, &signed, &signature).is_ok());
        if matches {
            Ok(())
        } else {
            Err(WebhookError::NoMatchingSignature)
        }
    }

    /// Verifies a webhook and decodes its body into the typed event: verified bytes in, a
    /// [`WebhookMessage`] out. An event type this client does not know decodes as
    /// [`WebhookEvent::Unknown`](crate::webhooks::WebhookEvent::Unknown).
    ///
    /// # Errors
    ///
    /// A [`WebhookError`] that says which check failed, or [`WebhookError::Decode`] when the
    /// verified body is not an event (not JSON, no `type`, a value of the wrong type).
    pub fn event(&self, headers: &HeaderMap, body: &[u8]) -> Result<WebhookMessage, WebhookError> {
        self.verify(headers, body)?;
        WebhookMessage::from_json(body).map_err(|e| WebhookError::Decode(e.to_string()))
    }

    /// The `v1,<base64>` signature of a body, as Clerk would send it: for testing your own
    /// webhook handler.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let tag = hmac::sign(&self.key, &signed_content(id, &timestamp.to_string(), body));
        format!("v1,{}", STANDARD.encode(tag.as_ref()))
    }
}

fn signed_content(id: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
    let mut signed = Vec::with_capacity(id.len() + timestamp.len() + body.len() + 2);
    signed.extend_from_slice(id.as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(timestamp.as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(body);
    signed
}

/// The value of the Svix header, or of its Standard Webhooks name.
fn header<'a>(
    headers: &'a HeaderMap,
    svix: &'static str,
    standard: &'static str,
) -> Result<&'a str, WebhookError> {
    let value = headers
        .get(svix)
        .or_else(|| headers.get(standard))
        .ok_or(WebhookError::MissingHeader(svix))?;
    value
        .to_str()
        .map_err(|_| WebhookError::InvalidHeader(svix))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vectors from the Svix libraries' own tests.
    const VECTORS: &[(&str, &str, i64, &str, &str)] = &[
        (
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
        (
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1649367553,
            r#"{"email":"test@example.com","username":"test_user"}"#,
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
        ),
    ];

    fn at(secret: &str, seconds: u64) -> Webhook {
        Webhook::new(secret)
            .expect("a secret")
            .with_clock(Clock::fixed_at(seconds))
    }

    #[test]
    fn the_svix_vectors_verify_and_sign() {
        for (secret, id, timestamp, body, expected) in VECTORS {
            let webhook = at(secret, *timestamp as u64);
            assert_eq!(webhook.sign(id, *timestamp, body.as_bytes()), *expected);
            webhook
                .verify_parts(id, &timestamp.to_string(), expected, body.as_bytes())
                .expect("the vector verifies");
        }
    }

    #[test]
    fn a_changed_signature_body_or_secret_fails() {
        let (secret, id, timestamp, body, good) = VECTORS[0];
        let webhook = at(secret, timestamp as u64);
        let ts = timestamp.to_string();
        let near_miss = good.replace("1OE=", "1OA=");
        for (signature, body) in [
            (near_miss.as_str(), body),
            (good, r#"{"test": 2432232315}"#),
            ("v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body),
            ("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body),
            ("", body),
        ] {
            assert_eq!(
                webhook.verify_parts(id, &ts, signature, body.as_bytes()),
                Err(WebhookError::NoMatchingSignature),
                "{signature} over {body}"
            );
        }
        let other = at("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", timestamp as u64);
        assert_eq!(
            other.verify_parts(id, &ts, good, body.as_bytes()),
            Err(WebhookError::NoMatchingSignature)
        );
    }

    #[test]
    fn any_matching_v1_entry_passes() {
        let (secret, id, timestamp, body, good) = VECTORS[0];
        let webhook = at(secret, timestamp as u64);
        let list = format!(
            "v1,tFtCZ5RDCPxzWQRWXWPgrCgE2frDBe9gjpbWQxnVfsQ= v1a,abc v2,{} {good} v1,Mm7xgUVICxZfQ3bgf0h0Dof65L/IFx+PnZvnDWPCX6Q=",
            &good[3..]
        );
        webhook
            .verify_parts(id, &timestamp.to_string(), &list, body.as_bytes())
            .expect("the third entry matches");
    }

    #[test]
    fn timestamps_are_checked_against_the_tolerance_both_ways() {
        let (secret, id, timestamp, body, good) = VECTORS[0];
        let ts = timestamp.to_string();
        let check = |now: i64| at(secret, now as u64).verify_parts(id, &ts, good, body.as_bytes());
        assert_eq!(check(timestamp + 300), Ok(()));
        assert_eq!(check(timestamp + 301), Err(WebhookError::TimestampTooOld));
        assert_eq!(check(timestamp - 300), Ok(()));
        assert_eq!(check(timestamp - 301), Err(WebhookError::TimestampTooNew));
        let webhook = at(secret, timestamp as u64);
        for bad in ["", "soon", "-5", "1.5"] {
            assert_eq!(
                webhook.verify_parts(id, bad, good, body.as_bytes()),
                Err(WebhookError::InvalidTimestamp),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn headers_are_read_by_either_name() {
        let (secret, id, timestamp, body, good) = VECTORS[0];
        let webhook = at(secret, timestamp as u64);
        for prefix in ["svix", "webhook"] {
            let mut headers = HeaderMap::new();
            let names = ["id", "timestamp", "signature"].map(|n| format!("{prefix}-{n}"));
            let values = [id.to_owned(), timestamp.to_string(), good.to_owned()];
            for (name, value) in names.iter().zip(values) {
                headers.insert(
                    reqwest::header::HeaderName::from_bytes(name.as_bytes()).expect("a name"),
                    value.parse().expect("a value"),
                );
            }
            webhook.verify(&headers, body.as_bytes()).expect("verifies");
            headers.remove(names[2].as_str());
            assert_eq!(
                webhook.verify(&headers, body.as_bytes()),
                Err(WebhookError::MissingHeader("svix-signature"))
            );
        }
    }

    #[test]
    fn secrets_are_checked() {
        assert_eq!(Webhook::new("").err(), Some(WebhookError::MissingSecret));
        assert_eq!(
            Webhook::new("whsec_").err(),
            Some(WebhookError::MissingSecret)
        );
        assert!(matches!(
            Webhook::new("whsec_not base64!"),
            Err(WebhookError::InvalidSecret(_))
        ));
        // The prefix is optional.
        let bare = Webhook::new("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("a bare key");
        assert_eq!(
            bare.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            VECTORS[0].4
        );
        let shown = format!("{bare:?}");
        assert!(!shown.contains("MfKQ"), "{shown}");
    }
}
