//! A typed async client for the [Clerk Backend API](https://clerk.com/docs/reference/backend-api),
//! API version `2021-02-05`.
//!
//! The operations and types are generated from `spec/clerk-backend-api.yaml` by
//! `cargo xtask codegen`; the runtime that sends them (authentication, errors, timeouts) is
//! written by hand.
//!
//! # Quickstart
//!
//! ```no_run
//! use clerk_backend_api::{Client, Error};
//!
//! # async fn run() -> Result<(), Error> {
//! // Reads CLERK_SECRET_KEY (and CLERK_API_URL, when set).
//! let client = Client::from_env()?;
//!
//! // Optional inputs are builder methods; `send` performs the call.
//! let users = client
//!     .users()
//!     .list()
//!     .email_address(["ada@example.com"])
//!     .limit(20)
//!     .send()
//!     .await?;
//! for user in &users {
//!     println!("{} {:?}", user.id, user.first_name);
//! }
//!
//! // Required inputs are arguments, so they cannot be forgotten.
//! match client.users().get("user_123").send().await {
//!     Ok(user) => println!("banned: {}", user.banned),
//!     Err(Error::Api(error)) if error.status == 404 => println!("no such user"),
//!     Err(error) => return Err(error),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Operations are grouped as in the API reference: [`Client::users`], [`Client::organizations`],
//! [`Client::organization_memberships`], [`Client::sessions`] and so on. Each call returns a
//! request builder from [`operations`]; responses are types from [`types`].

#![forbid(unsafe_code)]

mod runtime;
#[rustfmt::skip]
mod generated;

// The facade generated code reaches the runtime through, public (and hidden) like tonic's, so
// that every runtime item it re-exports counts as used whichever groups a build enables.
#[doc(hidden)]
pub use runtime::codegen;

// One list of public names, shared with every generated crate: `generated/mod.rs`.
pub use generated::*;

#[cfg(any(feature = "jwt", feature = "webhooks"))]
pub mod verify;

/// Testing support for applications (feature `testing`): [`Mock`](testing::Mock), a typed
/// mock of the API on a real HTTP server on 127.0.0.1, and (with `jwt`)
/// [`TestSigner`](testing::TestSigner), session tokens signed with a test key the mock serves.
#[cfg(feature = "testing")]
pub mod testing {
    pub use crate::generated::testing::*;
    #[cfg(feature = "jwt")]
    pub use crate::verify::testing::{TEST_ISSUER, TEST_KEY_ID, TestSigner};
}

#[cfg(feature = "jwt")]
pub use verify::jwt;

/// axum extractors for a verified session and a verified webhook, and (with the
/// `machine_auth` feature) for machine callers and callers of a chosen set of credential types.
#[cfg(feature = "axum")]
pub mod axum {
    #[cfg(feature = "machine_auth")]
    pub use crate::verify::axum::{
        AcceptedTokens, AnyToken, Caller, Machine, MachineTokens, SessionTokens,
    };
    pub use crate::verify::axum::{RejectedWebhook, Session, Unauthorized, VerifiedWebhook};
}

/// Clerk's webhooks: signature verification ([`Webhook`](webhooks::Webhook)) and the typed
/// events ([`WebhookMessage`](webhooks::WebhookMessage)), generated from the `x-webhooks` of
/// `spec/`.
#[cfg(feature = "webhooks")]
pub mod webhooks {
    pub use crate::generated::webhooks::{WebhookEvent, WebhookMessage};
    pub use crate::verify::webhook::{DEFAULT_TOLERANCE, SECRET_ENV, Webhook, WebhookError};
}
