//! Finds the line and column of a JSON pointer in YAML or JSON text.
//!
//! The spec model is deserialized without positions, so diagnostics find their place again by
//! walking the text: each pointer token is looked up as a mapping key (or a sequence item) that
//! is indented deeper than its parent. That covers block-style YAML and pretty-printed JSON, which
//! is what API descriptions are written in; anything it cannot follow yields `None`, and the
//! diagnostic still carries the pointer.

/// 1-based line and column of the node at `pointer` (`#/a/b/0`), if it can be found.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let tokens: Vec<String> = pointer
        .trim_start_matches('#')
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0usize;
    let mut parent_indent: Option<usize> = None;
    let mut found = None;
    for token in &tokens {
        let (line, indent) = find_child(&lines, start, parent_indent, token)?;
        found = Some((line + 1, indent + 1));
        start = line + 1;
        parent_indent = Some(indent);
    }
    found
}

/// Searches the block that follows `start` for the key `token`, or for item number `token` of a
/// sequence, and returns its line index and indentation.
fn find_child(
    lines: &[&str],
    start: usize,
    parent_indent: Option<usize>,
    token: &str,
) -> Option<(usize, usize)> {
    let index: Option<usize> = token.parse().ok();
    let mut item = 0usize;
    let mut block_indent: Option<usize> = None;
    for (offset, raw) in lines.iter().enumerate().skip(start) {
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || is_bracket_line(trimmed) {
            continue;
        }
        let indent = raw.len() - trimmed.len();
        if let Some(parent) = parent_indent {
            let is_sequence_item_at_parent = trimmed.starts_with("- ") && indent == parent;
            if indent < parent || (indent == parent && !is_sequence_item_at_parent) {
                return None;
            }
        }
        let block = *block_indent.get_or_insert(indent);
        if indent != block {
            continue;
        }
        if let Some(wanted) = index {
            if let Some(after_dash) = trimmed.strip_prefix('-') {
                if item == wanted {
                    let inner = after_dash.len() - after_dash.trim_start().len();
                    return Some((offset, indent + 1 + inner));
                }
                item += 1;
                continue;
            }
        }
        let key_text = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        if key_matches(key_text, token) {
            let column = indent + (trimmed.len() - key_text.len());
            return Some((offset, column));
        }
    }
    None
}

fn is_bracket_line(trimmed: &str) -> bool {
    matches!(trimmed.trim_end(), "{" | "}" | "[" | "]" | "}," | "],")
}

fn key_matches(text: &str, token: &str) -> bool {
    for quote in ["\"", "'"] {
        let quoted = format!("{quote}{token}{quote}");
        if let Some(rest) = text.strip_prefix(&quoted) {
            return rest.trim_start().starts_with(':');
        }
    }
    text.strip_prefix(token).is_some_and(|rest| {
        rest.starts_with(':') && (rest.len() == 1 || rest[1..].starts_with([' ', '\t']))
    })
}

#[cfg(test)]
mod tests {
    use super::locate;

    const YAML: &str = "openapi: 3.0.3\npaths:\n  /users/{id}:\n    get:\n      parameters:\n        - name: id\n          in: path\n        - name: limit\n      responses:\n        \"200\":\n          description: ok\n";

    #[test]
    fn finds_keys_and_sequence_items() {
        assert_eq!(locate(YAML, "#/paths"), Some((2, 1)));
        assert_eq!(locate(YAML, "#/paths/~1users~1{id}/get"), Some((4, 5)));
        assert_eq!(
            locate(YAML, "#/paths/~1users~1{id}/get/parameters/1"),
            Some((8, 11))
        );
        assert_eq!(
            locate(YAML, "#/paths/~1users~1{id}/get/parameters/0/in"),
            Some((7, 11))
        );
        assert_eq!(
            locate(YAML, "#/paths/~1users~1{id}/get/responses/200/description"),
            Some((11, 11))
        );
    }

    #[test]
    fn missing_nodes_are_not_guessed() {
        assert_eq!(locate(YAML, "#/paths/~1users~1{id}/post"), None);
        assert_eq!(locate(YAML, "#/components"), None);
    }

    #[test]
    fn finds_keys_in_pretty_json() {
        let json = "{\n  \"paths\": {\n    \"/a\": {\n      \"get\": {}\n    }\n  }\n}\n";
        assert_eq!(locate(json, "#/paths/~1a/get"), Some((4, 7)));
    }
}
