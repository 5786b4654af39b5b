//! Every name the generator mints: case conversion, keyword escaping, de-duplication, and the
//! naming policy built on them (group accessors, methods, builders, setters, `clear_*` setters,
//! cargo features, catch-all variants, status variants and the order of required arguments).
//!
//! Every identifier the generator prints comes through here, so the rules live in one place and are
//! tested with tables. To change how a builder method is named, start at [`input_name`],
//! [`clear_setter`] and [`RESERVED_BUILDER_NAMES`]; the method on a group handle comes from
//! [`method_from_operation_id`] unless the spec or [`crate::Options`] names it.

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

/// Names cargo refuses for a package: the standard library's own crates.
const STD_CRATES: &[&str] = &["alloc", "core", "proc_macro", "std", "test"];

/// Whether `name` can name a cargo package whose crate generated code and examples write in
/// paths (`use name::Client`): letters, digits, `-` and `_`, starting with a letter, and
/// neither a Rust keyword nor a crate of the standard library once `-` reads as `_`.
pub fn is_package_name(name: &str) -> bool {
    let as_crate = name.replace('-', "_");
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !KEYWORDS.contains(&as_crate.as_str())
        && !UNRAWABLE.contains(&as_crate.as_str())
        && !STD_CRATES.contains(&as_crate.as_str())
}

/// Replaces everything that cannot appear in an identifier by a word break, so that heck sees
/// `x5t#S256` as `x5t S256` and `date start (CET)` as three words. Latin letters with
/// diacritics, Cyrillic and Greek are written in ASCII first ([`transliterate`]), so that
/// `Café`, `Авторизація` and `Λογαριασμός` read as `Cafe`, `Avtorizatsiya` and `Logariasmos`.
pub fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut previous = ' ';
    for ch in raw.chars() {
        let after = std::mem::replace(&mut previous, ch.to_lowercase().next().unwrap_or(ch));
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if matches!(previous, 'υ' | 'ύ') && matches!(after, 'ο' | 'ό') {
            // Greek `ου` is `ou`.
            out.push('u');
        } else if let Some(ascii) = transliterate(ch) {
            // A capital stays capital: `Ж` is `Zh`, which heck reads as one word.
            let mut letters = ascii.chars();
            if let Some(first) = letters.next() {
                if ch.is_uppercase() {
                    out.push(first.to_ascii_uppercase());
                } else {
                    out.push(first);
                }
                out.extend(letters);
            }
        } else {
            out.push(' ');
        }
    }
    out
}

/// A letter of the Latin-1 and Latin Extended-A blocks, of Cyrillic or of Greek in lowercase
/// ASCII (a simple, reversible-enough romanization: `ж` is `zh`, `θ` is `th`), or `None` for
/// any other character. Signs that only soften a letter (`ь`, `ъ`) are the empty string.
fn transliterate(ch: char) -> Option<&'static str> {
    let lower = ch.to_lowercase().next().unwrap_or(ch);
    Some(match lower {
        'à'..='å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'i' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' => "t",
        'þ' => "th",
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => cyrillic_or_greek(lower)?,
    })
}

fn cyrillic_or_greek(lower: char) -> Option<&'static str> {
    Some(match lower {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ґ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'є' => "ye",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' => "i",
        'ї' => "yi",
        'й' | 'ы' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ў' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ю' => "yu",
        'я' => "ya",
        'α' | 'ά' => "a",
        'β' => "v",
        'γ' => "g",
        'δ' => "d",
        'ε' | 'έ' => "e",
        'ζ' => "z",
        'η' | 'ή' | 'ι' | 'ί' | 'ϊ' | 'ΐ' => "i",
        'θ' => "th",
        'κ' => "k",
        'λ' => "l",
        'μ' => "m",
        'ν' => "n",
        'ξ' => "x",
        'ο' | 'ό' | 'ω' | 'ώ' => "o",
        'π' => "p",
        'ρ' => "r",
        'σ' | 'ς' => "s",
        'τ' => "t",
        'υ' | 'ύ' | 'ϋ' | 'ΰ' => "y",
        'φ' => "f",
        'χ' => "ch",
        'ψ' => "ps",
        _ => return None,
    })
}

/// A name for text without ASCII letters or digits but with other characters, such as an
/// emoji: its non-ASCII code points (`👍` is `U1F44D`), so that distinct values get distinct,
/// stable names.
fn code_points(raw: &str) -> Option<String> {
    let points: Vec<String> = raw
        .chars()
        .filter(|c| !c.is_ascii())
        .map(|c| format!("U{:X}", u32::from(c)))
        .collect();
    (!points.is_empty()).then(|| points.concat())
}

/// A `snake_case` identifier for a field, parameter, method or module; keywords become raw
/// identifiers (`r#type`) and the few words that cannot be raw get a trailing underscore.
pub fn snake_ident(raw: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = code_points(raw).map_or_else(|| "value".to_owned(), |n| n.to_ascii_lowercase());
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
        name = code_points(raw).unwrap_or_else(|| "Empty".to_owned());
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

/// Items a group module names unqualified (prelude types and the crate's `Client` and
/// `Error`); a group whose handle would take one of these names gets an `Operations` suffix.
pub const ITEMS_IN_GROUP_MODULES: &[&str] = &[
    "Client",
    "Error",
    "Future",
    "Send",
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Into",
    "IntoIterator",
    "Self",
];

/// Names every request builder uses for itself; inputs with these names get a suffix.
pub const RESERVED_BUILDER_NAMES: &[&str] = &[
    "send",
    "send_with_response",
    "send_stream",
    "into_request",
    "stream",
    "with_options",
    "client",
    "options",
    "body",
];

/// Names that generated types must not take, because generated code uses them unqualified.
pub const PRELUDE_NAMES: &[&str] = &[
    "Box", "Clone", "Default", "Err", "From", "None", "Ok", "Option", "Result", "Some", "String",
    "Vec",
];

/// The Rust name of an operation input (parameter, body field or part) from its wire name.
pub fn input_name(wire: &str) -> String {
    snake_ident(wire)
}

/// The setter that sends a tri-state input as `null`: `clear_<setter>`.
pub fn clear_setter(setter: &str) -> String {
    format!("clear_{}", unraw(setter))
}

/// The request builder type of an operation: group type name plus method name in camel case.
pub fn builder_type(accessor: &str, method: &str) -> String {
    format!("{}{}", camel_ident(accessor), unraw(&camel_ident(method)))
}

/// The cargo feature that compiles a group; names the crate already uses get `-api`.
pub fn group_feature(accessor: &str) -> String {
    match unraw(accessor) {
        name
        @ ("default" | "rustls" | "native-tls" | "serialize" | "jwt" | "webhooks" | "axum") => {
            format!("{name}-api")
        }
        name => name.to_owned(),
    }
}

/// The group of operations without a tag or group extension.
pub const DEFAULT_GROUP: &str = "default";

/// The catch-all variant of an open enum or a tagged union: `Unknown`, or `fallback` when a
/// known variant already took that name.
pub fn catch_all_variant(names: &mut Namespace, fallback: &str) -> String {
    if names.contains("Unknown") {
        names.claim(fallback)
    } else {
        names.claim("Unknown")
    }
}

/// The variant of a by-status response enum for undeclared 2xx statuses.
pub fn other_status_variant(names: &mut Namespace) -> String {
    if names.contains("Other") {
        names.claim("OtherStatus")
    } else {
        names.claim("Other")
    }
}

/// A variant name for a success status: `Ok`, `Created`, `NoContent`, ... or `Status299`.
pub fn status_variant_name(code: &str) -> String {
    let known = match code {
        "200" => "Ok",
        "201" => "Created",
        "202" => "Accepted",
        "203" => "NonAuthoritative",
        "204" => "NoContent",
        "205" => "ResetContent",
        "206" => "PartialContent",
        _ => return format!("Status{code}"),
    };
    known.to_owned()
}

/// An operationId for an operation that has none: `get /users/{id}` gives `get_users_id`.
pub fn derived_operation_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        method.to_owned()
    } else {
        format!("{method}_{}", words.join("_"))
    }
}

/// The method name from an operationId, without a `Tag_` prefix that repeats the group.
pub fn method_from_operation_id(operation_id: &str, group: &str) -> String {
    let normalize = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    if let Some((prefix, rest)) = operation_id.split_once('_') {
        let (prefix, group) = (normalize(prefix), normalize(group));
        if !rest.is_empty()
            && !group.is_empty()
            && (prefix.starts_with(&group) || group.starts_with(&prefix))
        {
            return snake_ident(rest);
        }
    }
    snake_ident(operation_id)
}

/// Where a required input stands among an operation's arguments. Arguments are sorted by this
/// key: path parameters first, in path-template order; then identifiers (inputs whose wire
/// name is `id` or ends in `_id`/`Id`); then everything else. Within the last two ranks,
/// inputs are sorted by wire name. So `create(organization_id, user_id, role)` and
/// `update(organization_id, user_id, role)` take the same values in the same order whether
/// `user_id` travels in the path or the body.
pub fn argument_order(path_position: Option<usize>, wire: &str) -> (u8, usize, String) {
    if let Some(position) = path_position {
        return (0, position, String::new());
    }
    let identifier = wire == "id" || wire.ends_with("_id") || wire.ends_with("Id");
    (if identifier { 1 } else { 2 }, 0, wire.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_cyrillic_and_greek_letters_are_written_in_ascii() {
        assert_eq!(snake_ident("Авторизація"), "avtorizatsiya");
        assert_eq!(camel_ident("Торгові точки"), "TorgoviTochki");
        assert_eq!(snake_ident("Облік товарів"), "oblik_tovariv");
        assert_eq!(camel_ident("café crème"), "CafeCreme");
        assert_eq!(snake_ident("Straße"), "strasse");
        assert_eq!(snake_ident("Łódź"), "lodz");
        assert_eq!(camel_ident("Λογαριασμός"), "Logariasmos");
        assert_eq!(camel_ident("Жук"), "Zhuk");
        assert_eq!(camel_ident("Λειτουργία"), "Leitourgia");
        // Other scripts keep their code points, so distinct values stay distinct.
        assert_eq!(camel_ident("日本"), "U65E5U672C");
        assert_eq!(snake_ident("用户 users"), "users");
        assert_eq!(
            words("Смарт Каса API").to_ascii_lowercase(),
            "smart kasa api"
        );
    }

    #[test]
    fn operation_id_prefixes_that_repeat_the_group_are_dropped() {
        assert_eq!(
            method_from_operation_id("Users_getTotalCount", "Users"),
            "get_total_count"
        );
        assert_eq!(
            method_from_operation_id("SamlConnectionsBeta_getList", "SAML Connections"),
            "get_list"
        );
        assert_eq!(
            method_from_operation_id("RedirectUrLs_listAll", "Redirect URLs"),
            "list_all"
        );
        assert_eq!(
            method_from_operation_id("Other_listAll", "Users"),
            "other_list_all"
        );
        assert_eq!(method_from_operation_id("listUsers", "Users"), "list_users");
    }

    #[test]
    fn operations_without_an_id_are_named_from_method_and_path() {
        assert_eq!(
            derived_operation_id("get", "/users/{user_id}/mfa"),
            "get_users_user_id_mfa"
        );
        assert_eq!(derived_operation_id("post", "/"), "post");
    }

    #[test]
    fn required_arguments_are_path_then_identifiers_then_the_rest() {
        let mut inputs = [
            (None, "role"),
            (None, "user_id"),
            (Some(0), "organization_id"),
            (None, "metadata"),
            (None, "id"),
        ];
        inputs.sort_by_key(|(position, wire)| argument_order(*position, wire));
        let order: Vec<&str> = inputs.iter().map(|(_, w)| *w).collect();
        assert_eq!(
            order,
            ["organization_id", "id", "user_id", "metadata", "role"]
        );
    }

    #[test]
    fn minted_names_follow_the_policy() {
        assert_eq!(clear_setter("username"), "clear_username");
        assert_eq!(clear_setter("r#type"), "clear_type");
        assert_eq!(builder_type("users", "list"), "UsersList");
        assert_eq!(builder_type("users", "r#type"), "UsersRType");
        assert_eq!(group_feature("users"), "users");
        assert_eq!(group_feature("default"), "default-api");
        assert_eq!(group_feature("jwt"), "jwt-api");
        assert_eq!(status_variant_name("201"), "Created");
        assert_eq!(status_variant_name("299"), "Status299");
        let mut names = Namespace::default();
        names.claim("Unknown");
        assert_eq!(
            catch_all_variant(&mut names, "UnknownValue"),
            "UnknownValue"
        );
        let mut names = Namespace::default();
        assert_eq!(catch_all_variant(&mut names, "UnknownValue"), "Unknown");
        let mut names = Namespace::default();
        names.claim("Other");
        assert_eq!(other_status_variant(&mut names), "OtherStatus");
    }

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
            ("\u{1f44d}", "u1f44d"),
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
            ("\u{1f44d}", "U1F44D"),
            ("\u{1f44d}\u{1f3fd}", "U1F44DU1F3FD"),
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

#[cfg(test)]
mod package_name_tests {
    use super::is_package_name;

    #[test]
    fn package_names_are_checked_as_cargo_and_rustc_read_them() {
        for good in ["clerk-backend-api", "petstore", "api_v2", "typed"] {
            assert!(is_package_name(good), "{good}");
        }
        for bad in [
            "type", "self", "core", "std", "test", "2fa", "", "my api", "über", "-x",
        ] {
            assert!(!is_package_name(bad), "{bad}");
        }
    }
}
