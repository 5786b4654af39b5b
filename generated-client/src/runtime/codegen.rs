//! The one module generated code uses to reach the runtime: re-exports only.

pub use bytes::Bytes;
pub use futures_core::Stream;
pub use reqwest::Method;
pub use serde_json::{Map, Value};

pub use super::answer::{Received, Response, decode_value, missing_property, parse_json};
pub use super::api::{Api, ApiSettings, AuthScheme, Scheme, SchemeSpec};
pub use super::client::{Client, ClientBuilder, Exchange};
pub use super::correct::{
    Correction, CorrectionKind, Member, Shape, Shaped, TagVariant, correct, shape,
};
pub use super::error::{ApiError, DecodeError, Error, ValidationError};
pub use super::hooks::{Attempt, Credentials, Hook, HookError, HookFuture};
pub use super::oauth2::ClientCredentials;
pub use super::options::RequestOptions;
pub use super::paginate::{
    CursorPage, Page, PageCursor, next_link, page_param, paginate, paginate_cursor,
};
pub use super::params::Style;
pub use super::payload::{BoxError, Payload};
pub use super::request::{In, Request};
pub use super::retry::{RetryBudget, RetryPolicy};
pub use super::serde_helpers::{deserialize_str, from_value, tri_state};
pub use super::sse::{Event, EventStream};
pub use super::stream::ByteStream;
#[cfg(feature = "testing")]
pub use super::testing::{Expect, MockServer, Raw, RecordedRequest, Route};
pub use super::values::{Nullable, Upload};
