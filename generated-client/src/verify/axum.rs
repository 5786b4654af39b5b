//! axum extractors: the verified session of a request, and a verified, typed webhook.
//!
//! Both take their verifier from the router's state through `FromRef`, so a state holding a
//! [`Verifier`] and a [`Webhook`] serves both:
//!
//! ```no_run
//! use axum::{Router, extract::FromRef, routing::{get, post}};
//! use clerk_backend_api::axum::{Session, VerifiedWebhook};
//! use clerk_backend_api::jwt::Verifier;
//! use clerk_backend_api::webhooks::Webhook;
//!
//! #[derive(Clone, FromRef)]
//! struct State {
//!     verifier: Verifier,
//!     webhook: Webhook,
//! }
//!
//! async fn me(Session(claims): Session) -> String {
//!     claims.sub
//! }
//!
//! async fn clerk(VerifiedWebhook(message): VerifiedWebhook) -> &'static str {
//!     println!("{}", message.event.name());
//!     "ok"
//! }
//!
//! # fn app(verifier: Verifier, webhook: Webhook) -> Router {
//! Router::new()
//!     .route("/me", get(me))
//!     .route("/webhooks/clerk", post(clerk))
//!     .with_state(State { verifier, webhook })
//! # }
//! ```

use std::marker::PhantomData;

use axum_core::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;
use http::request::Parts;
use serde::de::DeserializeOwned;

use crate::jwt::{Claims, NoCustomClaims, Verifier, token_from_headers};
use crate::webhooks::{Webhook, WebhookMessage};

/// The claims of the request's verified session token (from `Authorization: Bearer` or the
/// `__session` cookie). A request without a valid token is answered 401, with no detail; the
/// reason is logged at DEBUG.
#[derive(Debug, Clone)]
pub struct Session<C = NoCustomClaims>(pub Claims<C>);

/// The answer to a request whose session token is missing or invalid: 401 with an empty body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unauthorized;

impl IntoResponse for Unauthorized {
    fn into_response(self) -> Response {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

impl<S, C> FromRequestParts<S> for Session<C>
where
    Verifier: FromRef<S>,
    S: Send + Sync,
    C: DeserializeOwned + Send,
{
    type Rejection = Unauthorized;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let Some((token, _)) = token_from_headers(&parts.headers) else {
            tracing::debug!("no session token in the request");
            return Err(Unauthorized);
        };
        match verifier.verify_as::<C>(token).await {
            Ok(claims) => Ok(Session(claims)),
            Err(error) => {
                tracing::debug!(reason = %error.reason, %error, "session token rejected");
                Err(Unauthorized)
            }
        }
    }
}

/// A webhook whose signature was verified over the raw body, decoded into its typed event.
/// A request that fails verification is answered 400 with no detail (the reason is logged at
/// WARN), so the sender sees it was refused.
#[derive(Debug, Clone)]
pub struct VerifiedWebhook(pub WebhookMessage);

/// The answer to a webhook that is not accepted: 400 with an empty body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RejectedWebhook(PhantomData<()>);

impl IntoResponse for RejectedWebhook {
    fn into_response(self) -> Response {
        StatusCode::BAD_REQUEST.into_response()
    }
}

impl<S> FromRequest<S> for VerifiedWebhook
where
    Webhook: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = RejectedWebhook;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let webhook = Webhook::from_ref(state);
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, state).await.map_err(|error| {
            tracing::warn!(%error, "the webhook body could not be read");
            RejectedWebhook(PhantomData)
        })?;
        webhook
            .event(&headers, &body)
            .map(VerifiedWebhook)
            .map_err(|error| {
                tracing::warn!(%error, "webhook rejected");
                RejectedWebhook(PhantomData)
            })
    }
}
