//! JSON pointers (RFC 6901) as the generator uses them: `#/paths/~1users~1{id}/get`.
//!
//! Every place that builds, splits or reads a pointer goes through here.

/// Escapes one reference token.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one reference token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends escaped tokens to a pointer.
pub fn join(pointer: &str, tokens: &[&str]) -> String {
    let mut out = pointer.to_owned();
    for token in tokens {
        out.push('/');
        out.push_str(&escape(token));
    }
    out
}

/// The unescaped tokens of a pointer, without the leading `#`.
pub fn tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .trim_start_matches('#')
        .trim_start_matches('/')
        .split('/')
        .filter(|t| !t.is_empty())
        .map(unescape)
}

/// The upper-case method and the path of a pointer into `#/paths/{path}/{method}/...`.
pub fn method_and_path(pointer: &str) -> Option<(String, String)> {
    let mut tokens = pointer.strip_prefix("#/paths/")?.split('/');
    let path = unescape(tokens.next()?);
    let method = tokens.next()?.to_ascii_uppercase();
    Some((method, path))
}

/// The unescaped name after `prefix` (`#/components/schemas/`), if the pointer starts with it.
pub fn component_name(reference: &str, prefix: &str) -> Option<String> {
    reference.strip_prefix(prefix).map(unescape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        let pointer = join("#/paths", &["/users/{id}", "get", "a~b"]);
        assert_eq!(pointer, "#/paths/~1users~1{id}/get/a~0b");
        let back: Vec<String> = tokens(&pointer).collect();
        assert_eq!(back, ["paths", "/users/{id}", "get", "a~b"]);
    }

    #[test]
    fn method_and_path_of_an_operation_pointer() {
        assert_eq!(
            method_and_path("#/paths/~1users~1{id}/patch/requestBody"),
            Some(("PATCH".to_owned(), "/users/{id}".to_owned()))
        );
        assert_eq!(method_and_path("#/components/schemas/User"), None);
    }
}
