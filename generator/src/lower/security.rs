//! Security schemes and requirements: which credentials the client can send, where each goes,
//! and which of them every operation needs.
//!
//! The schemes are those some requirement names (the root's or an operation's), in the order
//! of `components/securitySchemes`. A scheme the client cannot send (`mutualTLS`, an HTTP
//! scheme other than bearer and basic) is left out with a warning, and so is every
//! requirement that names it: such a requirement cannot be met. A token fetched for an OAuth2
//! scheme asks for every scope any requirement names for it, so that one token serves every
//! operation.

use indexmap::IndexMap;

use super::Lowerer;
use crate::ir::{Carrier, Requirements, Security, SecurityScheme};
use crate::naming::{Namespace, camel_ident};
use crate::openapi::SecurityScheme as SchemeObject;
use crate::pointer::join;

/// Requirements as a document writes them: scheme names to scopes.
type Written = [IndexMap<String, Vec<String>>];

impl Lowerer<'_> {
    /// Reads the schemes every requirement names, and the document's own requirements.
    pub(super) fn lower_security(&mut self) -> Security {
        let doc = self.doc;
        let mut named: Vec<(String, String)> = Vec::new();
        let mut note = |requirements: Option<&Vec<IndexMap<String, Vec<String>>>>,
                        pointer: String| {
            for (i, requirement) in requirements.into_iter().flatten().enumerate() {
                for name in requirement.keys() {
                    if !named.iter().any(|(n, _)| n == name) {
                        named.push((name.clone(), join(&pointer, &[&i.to_string()])));
                    }
                }
            }
        };
        note(doc.security.as_ref(), "#/security".to_owned());
        for (path, item) in &doc.paths {
            for (method, op) in item.operations() {
                note(
                    op.security.as_ref(),
                    join("#/paths", &[path, method.key(), "security"]),
                );
            }
        }
        for (name, pointer) in &named {
            if !doc.components.security_schemes.contains_key(name) {
                self.warning(
                    pointer,
                    format!("security scheme `{name}` is not defined in components/securitySchemes; the requirements that name it cannot be met, and are left out"),
                );
            }
        }
        // Every requirement as written, the root's first, for the scopes a token asks for.
        let written: Vec<&Vec<IndexMap<String, Vec<String>>>> = doc
            .security
            .iter()
            .chain(
                doc.paths
                    .values()
                    .flat_map(|item| item.operations().filter_map(|(_, op)| op.security.as_ref())),
            )
            .collect();
        let mut variants = Namespace::default();
        let schemes: Vec<SecurityScheme> = doc
            .components
            .security_schemes
            .iter()
            .filter(|(key, _)| named.iter().any(|(n, _)| n == *key))
            .filter_map(|(key, scheme)| {
                let carrier = self.carrier(key, scheme)?;
                let token_url = (scheme.kind == "oauth2")
                    .then_some(scheme.flows.client_credentials.as_ref())
                    .flatten()
                    .and_then(|flow| flow.token_url.clone())
                    .filter(|url| !url.is_empty());
                let scopes = written
                    .iter()
                    .flat_map(|requirements| requirements.iter())
                    .filter_map(|requirement| requirement.get(key))
                    .flatten()
                    .fold(Vec::new(), |mut scopes: Vec<String>, scope| {
                        if !scopes.contains(scope) {
                            scopes.push(scope.clone());
                        }
                        scopes
                    });
                Some(SecurityScheme {
                    key: key.clone(),
                    variant: variants.claim(&camel_ident(key)),
                    carrier,
                    token_url,
                    scopes,
                    description: scheme.description.clone(),
                })
            })
            .collect();
        let mut security = Security {
            schemes,
            default: Vec::new(),
            primary: None,
        };
        if let Some(written) = &doc.security {
            security.default = resolve(&security, written);
        }
        security.primary = security
            .default
            .iter()
            .find_map(|requirement| requirement.first().copied())
            .or_else(|| (!security.schemes.is_empty()).then_some(0));
        security
    }

    /// An operation's own requirements, when it states them and they differ from the
    /// document's.
    pub(super) fn operation_security(
        &self,
        written: Option<&Vec<IndexMap<String, Vec<String>>>>,
    ) -> Option<Requirements> {
        let own = resolve(&self.security, written?);
        (own != self.security.default).then_some(own)
    }

    /// Where a request carries `scheme`, or `None` (with a warning) when the client cannot
    /// send it.
    fn carrier(&mut self, key: &str, scheme: &SchemeObject) -> Option<Carrier> {
        let pointer = join("#/components/securitySchemes", &[key]);
        match (
            scheme.kind.as_str(),
            scheme.scheme.as_deref().map(str::to_ascii_lowercase),
        ) {
            ("http", Some(s)) if s == "bearer" => Some(Carrier::Bearer),
            ("http", Some(s)) if s == "basic" => Some(Carrier::Basic),
            ("oauth2" | "openIdConnect", _) => Some(Carrier::Bearer),
            ("apiKey", _) => {
                let Some(name) = scheme.name.clone().filter(|n| !n.is_empty()) else {
                    self.warning(
                        &pointer,
                        "apiKey scheme has no `name`, so the client cannot know where to put the key; the requirements that name it cannot be met, and are left out",
                    );
                    return None;
                };
                match scheme.location.as_deref() {
                    Some("header") => Some(Carrier::Header(name)),
                    Some("query") => Some(Carrier::Query(name)),
                    Some("cookie") => Some(Carrier::Cookie(name)),
                    other => {
                        self.warning(
                            &join(&pointer, &["in"]),
                            format!(
                                "apiKey scheme has {}, where the client cannot send a key (it sends one in a header, the query or a cookie); the requirements that name it cannot be met, and are left out",
                                other.map_or_else(|| "no `in`".to_owned(), |o| format!("`in: {o}`"))
                            ),
                        );
                        None
                    }
                }
            }
            (kind, scheme_name) => {
                self.warning(
                    &pointer,
                    format!("security scheme of type `{kind}` ({scheme_name:?}) is not supported; the requirements that name it cannot be met, and are left out"),
                );
                None
            }
        }
    }
}

/// Requirements as indexes into the schemes; one that names a scheme the client cannot send
/// is left out.
fn resolve(security: &Security, written: &Written) -> Requirements {
    written
        .iter()
        .filter_map(|requirement| {
            requirement
                .keys()
                .map(|name| security.schemes.iter().position(|s| &s.key == name))
                .collect::<Option<Vec<usize>>>()
        })
        .collect()
}
