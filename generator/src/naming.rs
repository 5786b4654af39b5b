//! Rust identifiers from spec names: case conversion, keyword escaping and de-duplication.
//!
//! Every identifier the generator prints comes through here, so the rules live in one place and are
//! tested with tables.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers at all, even as raw identifiers.
const UNRAWABLE: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Strict and reserved keywords of Rust 2024 (`gen` included).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Replaces everything that cannot appear in an identifier by a word break, so that heck sees
/// `x5t#S256` as `x5t S256` and `date start (CET)` as three words.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else {
            out.push(' ');
        }
    }
    out
}

/// A `snake_case` identifier for a field, parameter, method or module; keywords become raw
/// identifiers (`r#type`) and the few words that cannot be raw get a trailing underscore.
pub fn snake_ident(raw: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    escape_keyword(name)
}

/// An `UpperCamelCase` identifier for a type or variant.
pub fn camel_ident(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    escape_keyword(name)
}

fn escape_keyword(name: String) -> String {
    if UNRAWABLE.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The identifier without a raw prefix, for building longer names from it.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Hands out names that are unique within one scope; a name already taken gets the smallest
/// numeric suffix that is free, so the result depends only on the order of requests.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// Reserves `name`, or the first free `name2`, `name3`, ... and returns what was reserved.
    pub fn claim(&mut self, name: &str) -> String {
        if self.taken.insert(name.to_owned()) {
            return name.to_owned();
        }
        let base = unraw(name);
        let separator = if base.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_else(|| unreachable!("an unbounded range always yields a free name"))
    }

    /// Whether `name` is already taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_identifiers() {
        let table = [
            ("user_id", "user_id"),
            ("frontendApi", "frontend_api"),
            ("type", "r#type"),
            ("self", "self_"),
            ("gen", "r#gen"),
            ("$ref", "r#ref"),
            ("+1", "_1"),
            ("x5t#S256", "x5t_s256"),
            ("date start (CET)", "date_start_cet"),
            ("", "value"),
            ("2fa", "_2fa"),
            (
                "Users_listSortedByCreationDate",
                "users_list_sorted_by_creation_date",
            ),
        ];
        for (raw, expected) in table {
            assert_eq!(snake_ident(raw), expected, "snake_ident({raw:?})");
        }
    }

    #[test]
    fn camel_identifiers() {
        let table = [
            ("verification_otp", "VerificationOtp"),
            ("SAMLConnection", "SamlConnection"),
            ("", "Empty"),
            ("off", "Off"),
            ("123", "V123"),
            ("Self", "Self_"),
            ("x-icon", "XIcon"),
        ];
        for (raw, expected) in table {
            assert_eq!(camel_ident(raw), expected, "camel_ident({raw:?})");
        }
    }

    #[test]
    fn namespace_suffixes_collisions_in_request_order() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim("frontend_api"), "frontend_api");
        assert_eq!(ns.claim("frontend_api"), "frontend_api2");
        assert_eq!(ns.claim("frontend_api"), "frontend_api3");
        assert_eq!(ns.claim("r#type"), "r#type");
        assert_eq!(ns.claim("r#type"), "type2");
        assert_eq!(ns.claim("v1"), "v1");
        assert_eq!(ns.claim("v1"), "v1_2");
    }
}
