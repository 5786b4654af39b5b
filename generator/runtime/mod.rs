//! The hand-written runtime: how requests are sent, authenticated and answered.
//!
//! Generated code only describes operations; everything about sending them lives here and is
//! reached from generated code through [`codegen`] alone. The runtime knows the API only
//! through the [`api::Api`] trait that generated code implements, so it never names a
//! generated item.

mod answer;
mod api;
mod auth;
mod client;
#[doc(hidden)]
pub mod codegen;
mod correct;
mod error;
mod hooks;
mod oauth2;
mod options;
mod paginate;
mod params;
mod payload;
mod request;
mod retry;
mod send;
mod serde_helpers;
mod sse;
mod stream;
#[cfg(feature = "testing")]
mod testing;
mod values;
