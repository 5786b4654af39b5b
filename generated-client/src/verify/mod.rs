//! Networkless verification of what Clerk sends a backend: session tokens (feature `jwt`) and
//! webhook signatures (feature `webhooks`).
//!
//! This is hand-written and specific to Clerk; the generated client and its runtime do not
//! depend on it.

#[cfg(feature = "axum")]
pub(crate) mod axum;
mod clock;
#[cfg(feature = "jwt")]
pub mod jwt;
#[cfg(all(feature = "testing", feature = "jwt"))]
pub(crate) mod testing;
#[cfg(feature = "webhooks")]
pub(crate) mod webhook;

pub use clock::Clock;
