//! Credentials on requests: the one place that knows which schemes a request sends and where
//! each [`AuthScheme`] puts its credential. A fixed credential's header is built once, with
//! the client; a provider's token is asked for on every attempt.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, COOKIE, HeaderName, HeaderValue};

use super::api::{AuthScheme, Scheme};
use super::hooks::{Attempt, Credentials, HookError};

/// A credential that never shows in `Debug` output or error messages.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) String);

impl Secret {
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// One scheme's credential, as a client holds it.
#[derive(Clone)]
pub(crate) enum Credential {
    /// A fixed token, with the header that carries it built once.
    Fixed {
        token: Secret,
        header: Option<(HeaderName, HeaderValue)>,
    },
    /// A provider asked for a token on every attempt.
    Provider(Arc<dyn Credentials>),
}

impl Credential {
    /// A fixed `token` for a scheme carried as `carrier`.
    pub(crate) fn fixed(carrier: AuthScheme, token: Secret) -> Result<Self, String> {
        let header = carrier.header(&token)?;
        Ok(Self::Fixed { token, header })
    }
}

/// The credentials of a client, one slot per scheme of its API (by [`Scheme::index`]).
#[derive(Clone, Default)]
pub(crate) struct Keys(pub(crate) Vec<Option<Credential>>);

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for slot in &self.0 {
            list.entry(&match slot {
                None => "unset",
                Some(Credential::Fixed { .. }) => "<redacted>",
                Some(Credential::Provider(_)) => "provider",
            });
        }
        list.finish()
    }
}

impl Keys {
    /// No credential for any of `S`'s schemes.
    pub(crate) fn empty<S: Scheme>() -> Self {
        Self(vec![None; S::ALL.len()])
    }

    /// Sets `scheme`'s credential.
    pub(crate) fn set<S: Scheme>(&mut self, scheme: S, credential: Credential) {
        if let Some(slot) = self.0.get_mut(scheme.index()) {
            *slot = Some(credential);
        }
    }

    fn get<S: Scheme>(&self, scheme: S) -> Option<&Credential> {
        self.0.get(scheme.index()).and_then(Option::as_ref)
    }

    /// The schemes a request sends: the first alternative of `requirements` that names
    /// schemes and has all their credentials; none when no such alternative is met (an
    /// operation that needs none, or optional credentials that are not set).
    pub(crate) fn choose<S: Scheme>(&self, requirements: &'static [&'static [S]]) -> &'static [S] {
        requirements
            .iter()
            .copied()
            .find(|schemes| !schemes.is_empty() && schemes.iter().all(|&s| self.get(s).is_some()))
            .unwrap_or(&[])
    }

    /// Whether any of `schemes` asks a provider, so that attaching them awaits.
    pub(crate) fn provided<S: Scheme>(&self, schemes: &[S]) -> bool {
        schemes
            .iter()
            .any(|&s| matches!(self.get(s), Some(Credential::Provider(_))))
    }

    /// Puts the fixed credentials of `schemes` on `request`.
    pub(crate) fn attach_fixed<S: Scheme>(
        &self,
        schemes: &[S],
        request: &mut reqwest::Request,
    ) -> Result<(), String> {
        for &scheme in schemes {
            if let Some(Credential::Fixed { token, header }) = self.get(scheme) {
                match header {
                    Some((name, value)) => {
                        request.headers_mut().insert(name.clone(), value.clone());
                    }
                    None => attach(scheme.spec().carrier, request, token)?,
                }
            }
        }
        Ok(())
    }

    /// Asks the providers of `schemes` for this attempt's tokens and puts them on `request`.
    pub(crate) async fn attach_provided<S: Scheme>(
        &self,
        schemes: &[S],
        request: &mut reqwest::Request,
        attempt: Attempt,
    ) -> Result<(), Attached> {
        for &scheme in schemes {
            if let Some(Credential::Provider(provider)) = self.get(scheme) {
                let token = Secret(provider.token(attempt).await.map_err(Attached::Provider)?);
                attach(scheme.spec().carrier, request, &token).map_err(Attached::Invalid)?;
            }
        }
        Ok(())
    }

    /// Tells the providers of `schemes` that the API rejected their tokens; returns whether
    /// any was told, so that the request may be sent again with fresh ones.
    pub(crate) fn rejected<S: Scheme>(&self, schemes: &[S], attempt: Attempt) -> bool {
        let mut told = false;
        for &scheme in schemes {
            if let Some(Credential::Provider(provider)) = self.get(scheme) {
                provider.rejected(attempt);
                told = true;
            }
        }
        told
    }
}

/// Why a provider's credential could not be attached.
pub(crate) enum Attached {
    /// The provider failed.
    Provider(HookError),
    /// Its token cannot be sent.
    Invalid(String),
}

impl AuthScheme {
    /// The header that carries `token`, marked sensitive so that it never shows in debug
    /// output; `None` for schemes that do not use a header.
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
            Self::Query(_) | Self::Cookie(_) => return Ok(None),
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
}

/// Puts `token` on a request as `scheme` says: a header, a query pair, or a cookie added to
/// the ones the request has.
fn attach(
    scheme: AuthScheme,
    request: &mut reqwest::Request,
    token: &Secret,
) -> Result<(), String> {
    if let Some((name, value)) = scheme.header(token)? {
        request.headers_mut().insert(name, value);
        return Ok(());
    }
    match scheme {
        AuthScheme::Query(name) => {
            request
                .url_mut()
                .query_pairs_mut()
                .append_pair(name, token.expose());
        }
        AuthScheme::Cookie(name) => {
            let cookie = format!("{name}={}", token.expose());
            let cookies = match request.headers().get(COOKIE) {
                Some(old) => format!("{}; {cookie}", old.to_str().unwrap_or_default()),
                None => cookie,
            };
            let mut value = HeaderValue::from_str(&cookies)
                .map_err(|_| "the token cannot be sent in a cookie".to_owned())?;
            value.set_sensitive(true);
            request.headers_mut().insert(COOKIE, value);
        }
        AuthScheme::Bearer | AuthScheme::Basic | AuthScheme::Header(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::api::SchemeSpec;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Test {
        Bearer,
        Id,
        Secret,
    }

    impl Scheme for Test {
        const ALL: &'static [Self] = &[Self::Bearer, Self::Id, Self::Secret];
        const DEFAULT: &'static [&'static [Self]] = &[&[Self::Bearer]];
        const PRIMARY: Option<Self> = Some(Self::Bearer);

        fn index(self) -> usize {
            self as usize
        }

        fn spec(self) -> SchemeSpec {
            let carrier = match self {
                Self::Bearer => AuthScheme::Bearer,
                Self::Id => AuthScheme::Header("X-Id"),
                Self::Secret => AuthScheme::Query("secret"),
            };
            SchemeSpec {
                name: "test",
                carrier,
                token_url: None,
                scopes: &[],
            }
        }
    }

    fn keys(set: &[Test]) -> Keys {
        let mut keys = Keys::empty::<Test>();
        for &scheme in set {
            let token = Secret(format!("{scheme:?}"));
            keys.set(
                scheme,
                Credential::fixed(scheme.spec().carrier, token).expect("a header"),
            );
        }
        keys
    }

    #[test]
    fn the_first_alternative_with_every_credential_is_chosen() {
        const PAIR_OR_BEARER: &[&[Test]] = &[&[Test::Id, Test::Secret], &[Test::Bearer]];
        assert_eq!(
            keys(&[Test::Id, Test::Secret, Test::Bearer]).choose(PAIR_OR_BEARER),
            [Test::Id, Test::Secret]
        );
        assert_eq!(
            keys(&[Test::Id, Test::Bearer]).choose(PAIR_OR_BEARER),
            [Test::Bearer]
        );
        assert!(keys(&[Test::Id]).choose(PAIR_OR_BEARER).is_empty());
        assert!(
            keys(&[Test::Bearer]).choose::<Test>(&[]).is_empty(),
            "no requirement, no credentials"
        );
    }

    #[test]
    fn optional_credentials_are_sent_when_set_whatever_the_order() {
        const OPTIONAL: &[&[Test]] = &[&[], &[Test::Bearer]];
        assert_eq!(keys(&[Test::Bearer]).choose(OPTIONAL), [Test::Bearer]);
        assert!(keys(&[]).choose(OPTIONAL).is_empty());
    }

    #[test]
    fn fixed_credentials_go_where_their_scheme_says_and_stay_out_of_debug_output() {
        let keys = keys(&[Test::Id, Test::Secret]);
        let mut request = reqwest::Request::new(
            reqwest::Method::GET,
            "https://api.example.com/x?a=1".parse().expect("a URL"),
        );
        keys.attach_fixed(&[Test::Id, Test::Secret], &mut request)
            .expect("attached");
        assert_eq!(request.headers()["x-id"], "Id");
        assert!(request.headers()["x-id"].is_sensitive());
        assert_eq!(request.url().query(), Some("a=1&secret=Secret"));
        let shown = format!("{keys:?}");
        assert!(
            !shown.contains("Id") && !shown.contains("Secret"),
            "{shown}"
        );
    }
}
