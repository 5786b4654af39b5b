//! axum extractors: the verified session of a request, and a verified, typed webhook; with the
//! `machine_auth` feature, machine callers (`Machine`) and callers of a chosen set of credential
//! types (`Caller<A>`). `Option<Session>` and `Option<Caller<A>>` never reject, for routes that
//! serve anonymous users too.
//!
//! They take their verifier from the router's state through `FromRef`, so a state holding a
//! [`Verifier`] and a [`Webhook`] serves all of them:
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

use axum_core::extract::{
    FromRef, FromRequest, FromRequestParts, OptionalFromRequestParts, Request,
};
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
        match verifier.verify_request_token::<C>(token).await {
            Ok(claims) => Ok(Session(claims)),
            Err(error) => {
                tracing::debug!(reason = %error.reason, %error, "session token rejected");
                Err(Unauthorized)
            }
        }
    }
}

/// `Option<Session>`: the session when the request carries a valid session token, `None`
/// when it carries none or an invalid one (treated as signed out), for routes that serve
/// signed-in and anonymous users alike. Never rejects.
impl<S, C> OptionalFromRequestParts<S> for Session<C>
where
    Verifier: FromRef<S>,
    S: Send + Sync,
    C: DeserializeOwned + Send,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let Some((token, _)) = token_from_headers(&parts.headers) else {
            return Ok(None);
        };
        match verifier.verify_request_token::<C>(token).await {
            Ok(claims) => Ok(Some(Session(claims))),
            Err(error) => {
                tracing::debug!(reason = %error.reason, %error, "session token rejected; signed out");
                Ok(None)
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

#[cfg(feature = "machine_auth")]
pub use machine::{AcceptedTokens, AnyToken, Caller, Machine, MachineTokens, SessionTokens};

#[cfg(feature = "machine_auth")]
mod machine {
    use std::marker::PhantomData;
    use std::ops::Deref;

    use axum_core::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
    use http::request::Parts;

    use super::Unauthorized;
    use crate::jwt::{Authenticated, TokenTypes, Verifier};

    /// The credential types a [`Caller`] extractor accepts, chosen per route by a type:
    /// [`AnyToken`], [`SessionTokens`], [`MachineTokens`], or one of yours.
    ///
    /// ```
    /// use clerk_backend_api::axum::AcceptedTokens;
    /// use clerk_backend_api::jwt::{TokenType, TokenTypes};
    ///
    /// /// Users in a browser, and scripts with an API key.
    /// struct UsersAndKeys;
    /// impl AcceptedTokens for UsersAndKeys {
    ///     const TYPES: TokenTypes = TokenTypes::SESSION.with(TokenType::ApiKey);
    /// }
    /// ```
    pub trait AcceptedTokens: Send + Sync + 'static {
        /// The accepted types.
        const TYPES: TokenTypes;
    }

    /// Every credential type.
    #[derive(Debug, Clone, Copy)]
    pub struct AnyToken;
    impl AcceptedTokens for AnyToken {
        const TYPES: TokenTypes = TokenTypes::ANY;
    }

    /// Session tokens only.
    #[derive(Debug, Clone, Copy)]
    pub struct SessionTokens;
    impl AcceptedTokens for SessionTokens {
        const TYPES: TokenTypes = TokenTypes::SESSION;
    }

    /// Machine credentials only: M2M tokens, API keys and OAuth access tokens.
    #[derive(Debug, Clone, Copy)]
    pub struct MachineTokens;
    impl AcceptedTokens for MachineTokens {
        const TYPES: TokenTypes = TokenTypes::MACHINE;
    }

    /// The verified caller of a request, with a credential of a type `A` accepts (every type
    /// by default): a session, an M2M token, an API key or an OAuth access token. Any other
    /// request is answered 401 with an empty body, as [`Session`](super::Session) does; the
    /// reason is logged at DEBUG. It dereferences to [`Authenticated`].
    ///
    /// ```no_run
    /// use clerk_backend_api::axum::{Caller, MachineTokens};
    /// use clerk_backend_api::jwt::Authenticated;
    ///
    /// async fn report(caller: Caller<MachineTokens>) -> String {
    ///     match caller.into_inner() {
    ///         Authenticated::M2m(token) => format!("machine {}", token.subject),
    ///         other => format!("{} {}", other.token_type(), other.subject()),
    ///     }
    /// }
    /// ```
    #[derive(Debug, Clone)]
    pub struct Caller<A = AnyToken> {
        authenticated: Authenticated,
        accepts: PhantomData<fn() -> A>,
    }

    impl<A> Caller<A> {
        /// Who is calling.
        pub fn into_inner(self) -> Authenticated {
            self.authenticated
        }
    }

    impl<A> Deref for Caller<A> {
        type Target = Authenticated;

        fn deref(&self) -> &Authenticated {
            &self.authenticated
        }
    }

    async fn authenticate<S>(
        parts: &Parts,
        state: &S,
        accepts: TokenTypes,
    ) -> Result<Authenticated, crate::jwt::TokenError>
    where
        Verifier: FromRef<S>,
    {
        Verifier::from_ref(state)
            .authenticate_request(&parts.headers, accepts)
            .await
    }

    impl<S, A> FromRequestParts<S> for Caller<A>
    where
        Verifier: FromRef<S>,
        S: Send + Sync,
        A: AcceptedTokens,
    {
        type Rejection = Unauthorized;

        async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
            match authenticate(parts, state, A::TYPES).await {
                Ok(authenticated) => Ok(Caller {
                    authenticated,
                    accepts: PhantomData,
                }),
                Err(error) => {
                    tracing::debug!(reason = %error.reason, %error, "credential rejected");
                    Err(Unauthorized)
                }
            }
        }
    }

    /// `Option<Caller<A>>`: `None` for a request without a valid credential of an accepted
    /// type. Never rejects.
    impl<S, A> OptionalFromRequestParts<S> for Caller<A>
    where
        Verifier: FromRef<S>,
        S: Send + Sync,
        A: AcceptedTokens,
    {
        type Rejection = std::convert::Infallible;

        async fn from_request_parts(
            parts: &mut Parts,
            state: &S,
        ) -> Result<Option<Self>, Self::Rejection> {
            Ok(authenticate(parts, state, A::TYPES)
                .await
                .inspect_err(|error| tracing::debug!(reason = %error.reason, %error, "credential rejected; anonymous"))
                .ok()
                .map(|authenticated| Caller {
                    authenticated,
                    accepts: PhantomData,
                }))
        }
    }

    /// A machine caller: the request's verified M2M token, API key or OAuth access token.
    /// Any other request (a session token included) is answered 401 with an empty body.
    #[derive(Debug, Clone)]
    pub struct Machine(pub Authenticated);

    impl<S> FromRequestParts<S> for Machine
    where
        Verifier: FromRef<S>,
        S: Send + Sync,
    {
        type Rejection = Unauthorized;

        async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
            <Caller<MachineTokens> as FromRequestParts<S>>::from_request_parts(parts, state)
                .await
                .map(|caller| Machine(caller.into_inner()))
        }
    }
}
