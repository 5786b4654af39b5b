//! What callers plug into every attempt: hooks that may change a request before it is sent or
//! fail the call after an answer, and a credential provider that gives each attempt a fresh
//! token.
//!
//! Order, for each attempt of a request, inside its tracing span: the request is built with
//! the client's credentials, or the provider's token for this attempt; the client's hooks,
//! then the request's ([`RequestOptions::hook`](super::options::RequestOptions::hook)), run
//! `before_attempt` in the order they were added; the request is sent; the response observer
//! ([`ClientBuilder::on_response`](super::client::ClientBuilder::on_response)) sees the answer,
//! then the hooks run `after_attempt` in the same order; then the retry policy judges the
//! outcome. A retried request runs all of it again, so a hook sees every attempt.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::client::Exchange;

/// What a hook's future resolves to.
pub type HookFuture<'a, T = ()> = Pin<Box<dyn Future<Output = Result<T, HookError>> + Send + 'a>>;

/// Which attempt of which operation a hook is called for.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Attempt {
    /// The operation (its operationId).
    pub operation: &'static str,
    /// Which attempt this is, from 1.
    pub number: u32,
}

/// Code the client runs on every attempt: sign a request, add a correlation header, check an
/// answer. Both methods do nothing by default.
pub trait Hook: Send + Sync + 'static {
    /// Runs before each attempt is sent, with the request as it will go (credentials
    /// attached): it may change the headers, the URL or the body, or fail the call.
    fn before_attempt<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        attempt: Attempt,
    ) -> HookFuture<'a> {
        let _ = (request, attempt);
        Box::pin(async { Ok(()) })
    }

    /// Runs after each answer arrives, before its body is read: it may observe it, or fail
    /// the call (the failure is final, not retried).
    ///
    /// # Errors
    ///
    /// A [`HookError`] fails the call with `Error::Hook`.
    fn after_attempt(&self, exchange: &Exchange<'_>) -> Result<(), HookError> {
        let _ = exchange;
        Ok(())
    }
}

/// Gives each attempt its credential, such as an OAuth2 access token it refreshes before it
/// expires; the client sends it as the API's security scheme says.
pub trait Credentials: Send + Sync + 'static {
    /// The token for this attempt.
    fn token(&self, attempt: Attempt) -> HookFuture<'_, String>;

    /// Called when the API answered `401 Unauthorized` to an attempt that carried this
    /// provider's token: a provider that caches tokens should drop it. The client then sends
    /// the request once more, with the token [`token`](Self::token) gives next, whatever the
    /// retry policy (a second 401 is final). Does nothing by default.
    fn rejected(&self, attempt: Attempt) {
        let _ = attempt;
    }
}

/// Why a hook or a credential provider failed a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookError {
    message: String,
}

impl HookError {
    /// A failure with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HookError {}

/// Hooks in the order they run.
#[derive(Clone, Default)]
pub(crate) struct Hooks(pub(crate) Vec<Arc<dyn Hook>>);

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} hook(s)", self.0.len())
    }
}
