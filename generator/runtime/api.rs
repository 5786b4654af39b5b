//! What generated code tells the runtime about its API: the one contract between them.
//!
//! Generated code implements [`Api`] for a marker type and names the runtime's types with it
//! (`Client<Api>`); the runtime never names a generated item.

use std::fmt;

use serde::de::DeserializeOwned;

use super::correct::Shaped;

/// An API the runtime can call: its settings and the shape of its error body.
pub trait Api: 'static {
    /// Facts from the spec: version, server, credentials and their environment variables.
    const SETTINGS: ApiSettings;

    /// The security schemes the client can send.
    type Scheme: Scheme;

    /// The type error responses decode into (`serde_json::Value` when the spec has no single
    /// error schema).
    type ErrorBody: DeserializeOwned + Shaped + fmt::Debug + Send + Sync + 'static;

    /// The error codes in an error body.
    fn error_codes(body: &Self::ErrorBody) -> Vec<&str> {
        let _ = body;
        Vec::new()
    }

    /// The human-readable messages in an error body.
    fn error_messages(body: &Self::ErrorBody) -> Vec<&str> {
        let _ = body;
        Vec::new()
    }

    /// The trace ID in an error body.
    fn error_trace_id(body: &Self::ErrorBody) -> Option<&str> {
        let _ = body;
        None
    }
}

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
}

/// A security scheme of an API (an enum the generator writes, one variant per scheme), with
/// the requirements of the operations that state none.
///
/// Requirements are alternatives, any one of which authenticates a request; each lists the
/// schemes sent together. No alternatives: no credentials are needed. An empty alternative:
/// credentials are optional.
pub trait Scheme: Copy + Eq + fmt::Debug + Send + Sync + 'static {
    /// Every scheme, each at its [`index`](Self::index).
    const ALL: &'static [Self];
    /// The requirements of operations that do not state their own.
    const DEFAULT: &'static [&'static [Self]];
    /// The scheme [`ClientBuilder::token`](super::client::ClientBuilder::token) sets: the
    /// first the API asks for.
    const PRIMARY: Option<Self>;

    /// The scheme's position in [`ALL`](Self::ALL).
    fn index(self) -> usize;

    /// How the scheme is sent, and how its tokens are fetched.
    fn spec(self) -> SchemeSpec;
}

/// What the spec says of one security scheme.
#[derive(Debug, Clone, Copy)]
pub struct SchemeSpec {
    /// Its key in `components/securitySchemes`.
    pub name: &'static str,
    /// How a request carries its credential.
    pub carrier: AuthScheme,
    /// The token URL of its OAuth2 client-credentials flow, when it has one.
    pub token_url: Option<&'static str>,
    /// The scopes a fetched token asks for.
    pub scopes: &'static [&'static str],
}

/// How a credential is attached to requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
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
