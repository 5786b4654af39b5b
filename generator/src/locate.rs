//! Finds the line and column of a JSON pointer in YAML or JSON text.
//!
//! The spec model is deserialized without positions, so diagnostics find their place again by
//! walking the text: each pointer token is looked up as a mapping key (or a sequence item) that
//! is indented deeper than its parent. That covers block-style YAML and pretty-printed JSON, which
//! is what API descriptions are written in; anything it cannot follow yields `None`, and the
//! diagnostic still carries the pointer.

/// One line as the walker sees it: a sequence item `- key: v` counts as the line `key: v`
/// indented to its content, marked with the column of its dash.
struct Entry<'t> {
    line: usize,
    indent: usize,
    text: &'t str,
    dash: Option<usize>,
}

impl Entry<'_> {
    /// The column the entry's node starts at: the dash for sequence items.
    fn start(&self) -> usize {
        self.dash.unwrap_or(self.indent)
    }
}

fn entries(text: &str) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    for (line, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || is_bracket_line(trimmed) {
            continue;
        }
        let indent = raw.len() - trimmed.len();
        match trimmed
            .strip_prefix('-')
            .filter(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        {
            Some(rest) => {
                let content = rest.trim_start();
                let content_indent = indent + 1 + (rest.len() - content.len());
                out.push(Entry {
                    line,
                    indent: content_indent,
                    text: content,
                    dash: Some(indent),
                });
            }
            None => out.push(Entry {
                line,
                indent,
                text: trimmed,
                dash: None,
            }),
        }
    }
    out
}

/// 1-based line and column of the node at `pointer` (`#/a/b/0`), if it can be found.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    walk(text, pointer, false)
}

/// As [`locate`], or else the nearest enclosing node that can be found (the line of a flow
/// mapping such as `tag: {maxLength: twenty}` for `#/.../tag/maxLength`). Only for pointers
/// known to lie in `text`.
pub fn locate_nearest(text: &str, pointer: &str) -> Option<(usize, usize)> {
    walk(text, pointer, true)
}

fn walk(text: &str, pointer: &str, nearest: bool) -> Option<(usize, usize)> {
    let entries = entries(text);
    let mut start = 0usize;
    let mut parent: Option<usize> = None;
    let mut parent_is_key = false;
    let mut found = None;
    for token in pointer.trim_start_matches('#').split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let Some((index, is_item)) = find_child(&entries, start, parent, parent_is_key, &token)
        else {
            return if nearest { found } else { None };
        };
        let entry = &entries[index];
        found = Some((entry.line + 1, entry.indent + 1));
        if is_item {
            // The item's first key sits on the item's own line.
            start = index;
            parent = entry.dash;
        } else {
            start = index + 1;
            parent = Some(entry.indent);
        }
        parent_is_key = !is_item;
    }
    found
}

/// Searches the block that starts at `start` for the key `token`, or for item number `token`
/// of a sequence; returns the entry and whether it is a sequence item.
fn find_child(
    entries: &[Entry<'_>],
    start: usize,
    parent: Option<usize>,
    parent_is_key: bool,
    token: &str,
) -> Option<(usize, bool)> {
    let wanted: Option<usize> = token.parse().ok();
    let mut item = 0usize;
    let mut first: Option<&Entry<'_>> = None;
    for (index, entry) in entries.iter().enumerate().skip(start) {
        // The line of the item being entered starts at the parent's column but belongs to it.
        let continues_item = index == start && entry.dash.is_some() && entry.dash == parent;
        // A key's sequence may sit at the key's own column (`key:` then `- item`), as many
        // YAML writers lay it out.
        let indentless_item = parent_is_key
            && entry.dash.is_some()
            && entry.dash == parent
            && first.is_none_or(|f| f.dash == parent);
        if parent.is_some_and(|parent| entry.start() <= parent)
            && !continues_item
            && !indentless_item
        {
            return None;
        }
        let first = *first.get_or_insert(entry);
        match wanted {
            Some(wanted) if entry.dash.is_some() => {
                if entry.dash == Some(first.start()) {
                    if item == wanted {
                        return Some((index, true));
                    }
                    item += 1;
                }
            }
            _ => {
                let at_block = entry.indent == first.indent
                    && (entry.dash.is_none() || continues_item || first.dash.is_some());
                if at_block && key_matches(entry.text, token) {
                    return Some((index, false));
                }
            }
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
        let indentless = "paths:\n  /a:\n    get:\n      parameters:\n      - in: query\n        name: a\n      - in: cookie\n        name: b\n        style: label\n      responses: {}\n";
        assert_eq!(
            locate(indentless, "#/paths/~1a/get/parameters/1/style"),
            Some((9, 9))
        );
        assert_eq!(
            locate(indentless, "#/paths/~1a/get/parameters/0"),
            Some((5, 9))
        );
        assert_eq!(
            locate(indentless, "#/paths/~1a/get/responses"),
            Some((10, 7))
        );
        assert_eq!(locate(indentless, "#/paths/~1a/get/parameters/2"), None);
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
