//! Credentials on requests: the one place that knows where each [`AuthScheme`] puts the
//! client's token. A header-borne token is built once, with the client; a query or cookie
//! token is added to each request; an anonymous request carries none.

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use super::api::AuthScheme;
use super::client::Secret;

impl AuthScheme {
    /// The header that carries `token` on every request, marked sensitive so that it never
    /// shows in debug output; `None` for schemes that do not use a header.
    pub(crate) fn header(
        self,
        token: &Secret,
    ) -> Result<Option<(HeaderName, HeaderValue)>, String> {
        let secret = |value: String| {
            let mut value = HeaderValue::from_str(&value).map_err(|_| {
                "the token contains characters that cannot be sent in a header".to_owned()
            })?;
            value.set_sensitive(true);
            Ok::<_, String>(value)
        };
        Ok(Some(match self {
            Self::None | Self::Query(_) | Self::Cookie(_) => return Ok(None),
            Self::Bearer => (AUTHORIZATION, secret(format!("Bearer {}", token.expose()))?),
            Self::Basic => (AUTHORIZATION, secret(format!("Basic {}", token.expose()))?),
            Self::Header(name) => (
                HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    "the API key header name contains characters that cannot be sent in a header"
                        .to_owned()
                })?,
                secret(token.expose().to_owned())?,
            ),
        }))
    }

    /// The header an anonymous request must not carry.
    pub(crate) fn header_name(self) -> Option<HeaderName> {
        match self {
            Self::Bearer | Self::Basic => Some(AUTHORIZATION),
            Self::Header(name) => HeaderName::from_bytes(name.as_bytes()).ok(),
            Self::None | Self::Query(_) | Self::Cookie(_) => None,
        }
    }

    /// The query pair that carries `token`, for a scheme that sends it in the query.
    pub(crate) fn query_pair(self, token: &Secret) -> Option<(&'static str, &str)> {
        match self {
            Self::Query(name) => Some((name, token.expose())),
            _ => None,
        }
    }

    /// The `name=value` cookie that carries `token`, for a scheme that sends it in a cookie.
    pub(crate) fn cookie(self, token: &Secret) -> Option<String> {
        match self {
            Self::Cookie(name) => Some(format!("{name}={}", token.expose())),
            _ => None,
        }
    }
}

/// Puts `token` on a request built without credentials, as `scheme` says: a header, a query
/// pair, or a cookie.
pub(crate) fn attach(
    scheme: AuthScheme,
    request: &mut reqwest::Request,
    token: &Secret,
) -> Result<(), String> {
    if let Some((name, value)) = scheme.header(token)? {
        request.headers_mut().insert(name, value);
    }
    if let Some((name, value)) = scheme.query_pair(token) {
        request.url_mut().query_pairs_mut().append_pair(name, value);
    }
    if let Some(cookie) = scheme.cookie(token) {
        let cookies = match request.headers().get(reqwest::header::COOKIE) {
            Some(old) => format!("{}; {cookie}", old.to_str().unwrap_or_default()),
            None => cookie,
        };
        let mut value = HeaderValue::from_str(&cookies)
            .map_err(|_| "the token cannot be sent in a cookie".to_owned())?;
        value.set_sensitive(true);
        request.headers_mut().insert(reqwest::header::COOKIE, value);
    }
    Ok(())
}
