//! The hand-written runtime: how requests are sent, authenticated and answered.
//!
//! Generated code only describes operations; everything about sending them lives here and is
//! reached from generated code through [`codegen`] alone.

mod client;
pub(crate) mod codegen;
mod error;
mod options;
mod paginate;
mod request;
mod retry;
mod values;

pub use client::{Client, ClientBuilder, Exchange};
pub use error::{ApiError, DecodeError, Error, ValidationError};
pub use options::RequestOptions;
pub use retry::RetryPolicy;
pub use values::{Nullable, Upload};
