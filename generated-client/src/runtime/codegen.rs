//! The one module generated code uses to reach the runtime.

// The facade serves every spec; each generated client uses only the part its operations need.
#![allow(dead_code, unused_imports)]

pub use reqwest::Method;
pub use serde_json::{Map, Value};

pub use super::client::Client;
pub use super::error::Error;
pub use super::options::RequestOptions;
pub use super::paginate::{Page, paginate};
pub use super::request::{Request, decode_json};
pub use super::values::{Nullable, Upload};
pub use futures_core::Stream;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// Facts about the API that the generator takes from the spec.
#[derive(Debug, Clone, Copy)]
pub struct ApiSettings {
    /// `info.version`.
    pub version: &'static str,
    /// The first server URL.
    pub default_base_url: &'static str,
    /// A header that carries `version` on every request.
    pub version_header: Option<&'static str>,
    /// The environment variable `Client::from_env` reads the token from.
    pub token_env: Option<&'static str>,
    /// The environment variable `Client::from_env` reads a base URL from.
    pub base_url_env: Option<&'static str>,
    /// How the token is sent.
    pub auth: AuthScheme,
}

/// How the client's token is attached to requests.
// The runtime serves every spec; each generated client constructs only its own scheme.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// Not at all.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <token>`; the token is the encoded credentials.
    Basic,
    /// In the named header.
    Header(&'static str),
    /// In the named query parameter.
    Query(&'static str),
    /// In the named cookie.
    Cookie(&'static str),
}

/// Reads a string for an open enum.
pub fn deserialize_str<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    String::deserialize(deserializer)
}

/// Decodes a variant of a tagged union from the JSON value the tag was read from.
pub fn from_value<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// Reads a field that may be absent (handled by `#[serde(default)]`), `null` or a value.
pub fn tri_state<'de, D, T>(deserializer: D) -> Result<Option<Nullable<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Nullable::deserialize(deserializer).map(Some)
}
