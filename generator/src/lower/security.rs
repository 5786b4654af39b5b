//! Security schemes to the one way the client attaches credentials.

use super::Lowerer;
use crate::ir::Auth;

impl Lowerer<'_> {
    /// How requests carry credentials: the first scheme of the document's first security
    /// requirement.
    pub(super) fn auth(&mut self) -> Auth {
        let Some(requirement) = self.doc.security.as_ref().and_then(|reqs| reqs.first()) else {
            return Auth::None;
        };
        let Some(name) = requirement.keys().next() else {
            return Auth::None;
        };
        let pointer = "#/security/0";
        let Some(scheme) = self.doc.components.security_schemes.get(name) else {
            self.error(
                pointer,
                format!("security scheme `{name}` is not defined in components/securitySchemes"),
            );
            return Auth::None;
        };
        let scheme_pointer = crate::pointer::join("#/components/securitySchemes", &[name]);
        match (
            scheme.kind.as_str(),
            scheme.scheme.as_deref().map(str::to_ascii_lowercase),
        ) {
            ("http", Some(s)) if s == "bearer" => Auth::Bearer,
            ("http", Some(s)) if s == "basic" => Auth::Basic,
            ("oauth2" | "openIdConnect", _) => Auth::Bearer,
            ("apiKey", _) => {
                let Some(key) = scheme.name.clone().filter(|n| !n.is_empty()) else {
                    self.warning(
                        &scheme_pointer,
                        "apiKey scheme has no `name`, so the client cannot know where to put the key; requests are sent without credentials",
                    );
                    return Auth::None;
                };
                match scheme.location.as_deref() {
                    Some("header") => Auth::ApiKeyHeader(key),
                    Some("query") => Auth::ApiKeyQuery(key),
                    Some("cookie") => Auth::ApiKeyCookie(key),
                    other => {
                        self.error(
                            &scheme_pointer,
                            format!("apiKey scheme has unsupported location {other:?}"),
                        );
                        Auth::None
                    }
                }
            }
            (kind, scheme_name) => {
                self.warning(
                    &scheme_pointer,
                    format!("security scheme of type `{kind}` ({scheme_name:?}) is not supported; requests are sent without credentials"),
                );
                Auth::None
            }
        }
    }
}
