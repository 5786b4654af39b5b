//! Spec prose to rustdoc attributes that pass `RUSTDOCFLAGS=-Dwarnings`.
//!
//! One `#[doc]` attribute per line (prettyplease prints them as `///`). Spec prose stays the
//! Markdown it was written as: inline links to absolute URLs (`[text](https://...)`), existing
//! autolinks, lists and code spans pass through. Only what rustdoc would misread is escaped:
//! brackets that are not such a link (they would be intra-doc links), `<` that opens no
//! autolink (it would be HTML), and bare URLs, which become autolinks. Code fences are tagged
//! `text` so they never run as doctests. Text the generator writes itself, such as intra-doc
//! links to runtime items, goes through [`trusted_doc_attrs`] and is left alone.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes for `text`.
pub fn doc_attrs(text: &str) -> TokenStream {
    outer(sanitize(text))
}

/// Outer `#[doc]` attributes for `lines`, or one marker for them while a rendering job
/// collects doc blocks ([`crate::splice`]).
fn outer(lines: Vec<String>) -> TokenStream {
    match crate::splice::defer(lines, false) {
        Ok(marker) => quote! { #[doc = #marker] },
        Err(lines) => quote! { #( #[doc = #lines] )* },
    }
}

/// `#[doc = "..."]` attributes for text the generator wrote, which is already valid rustdoc
/// (it may quote spec text, whose control characters are normalised all the same).
pub fn trusted_doc_attrs(text: &str) -> TokenStream {
    let text = normalize(text);
    let lines = text.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    outer(lines.collect())
}

/// `#![doc = "..."]` inner attributes for `text`.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    match crate::splice::defer(sanitize(text), true) {
        Ok(marker) => quote! { #![doc = #marker] },
        Err(lines) => quote! { #( #![doc = #lines] )* },
    }
}

/// Line breaks as `\n` (from `\r\n` and a lone `\r`, which Windows- and Mac-edited documents
/// hold and rustc refuses in a doc comment), and every other control character but a tab as a
/// space.
fn normalize(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    unified
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// `text` as Markdown prose outside Rust source (a README that rustdoc also reads): the
/// lines of [`sanitize`] without their leading space.
pub fn prose(text: &str) -> String {
    sanitize(text)
        .iter()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lines of rustdoc for `text`, each starting with a space as `///` comments do.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let text = normalize(text);
    for raw in text.trim().lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_fence {
                out.push(" ```".to_owned());
            } else {
                out.push(" ```text".to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(format!(" {line}"));
        } else if line.is_empty() {
            out.push(String::new());
        } else {
            out.push(format!(" {}", escape_line(line)));
        }
    }
    if in_fence {
        out.push(" ```".to_owned());
    }
    out
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        if rest.starts_with('`') {
            let ticks = rest.chars().take_while(|&c| c == '`').count();
            let fence = &rest[..ticks];
            if let Some(end) = rest[ticks..].find(fence) {
                let span_end = ticks + end + ticks;
                out.push_str(&rest[..span_end]);
                rest = &rest[span_end..];
                continue;
            }
            out.push_str(&"\\`".repeat(ticks));
            rest = &rest[ticks..];
            continue;
        }
        if let Some(link_len) = link_at(rest) {
            out.push_str(&rest[..link_len]);
            rest = &rest[link_len..];
            continue;
        }
        if let Some(url_len) = url_at(rest) {
            let url = &rest[..url_len];
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url_len..];
            continue;
        }
        let ch = rest.chars().next().unwrap_or(' ');
        if matches!(ch, '[' | ']' | '<') {
            out.push('\\');
        }
        out.push(ch);
        rest = &rest[ch.len_utf8()..];
    }
    out
}

/// The length of a Markdown construct at the start of `text` that rustdoc renders as written:
/// an inline link to an absolute URL (`[text](https://...)`, the text free of brackets and
/// backticks) or an autolink (`<https://...>`).
fn link_at(text: &str) -> Option<usize> {
    if text.starts_with("<http://") || text.starts_with("<https://") {
        let end = text.find('>')?;
        let inner = &text[1..end];
        return (!inner.contains(char::is_whitespace) && !inner.contains('<')).then_some(end + 1);
    }
    let label_end = text.strip_prefix('[')?.find(']')? + 1;
    let label = &text[1..label_end];
    if label.is_empty() || label.contains(['[', '`', '<']) {
        return None;
    }
    let target = text[label_end + 1..].strip_prefix('(')?;
    if !(target.starts_with("https://")
        || target.starts_with("http://")
        || target.starts_with("mailto:"))
    {
        return None;
    }
    let mut depth = 1usize;
    for (i, c) in target.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(label_end + 2 + i + 1);
                }
            }
            c if c.is_whitespace() || c == '<' || c == '>' => return None,
            _ => {}
        }
    }
    None
}

/// The length of a bare URL at the start of `text`, without trailing punctuation.
fn url_at(text: &str) -> Option<usize> {
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return None;
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
        .unwrap_or(text.len());
    let mut url = &text[..end];
    while url.ends_with(['.', ',', ';', ':', ')', '\'', ']', '!', '?']) {
        let last = url.chars().last().unwrap_or(' ');
        if last == ')' && url.matches('(').count() >= url.matches(')').count() {
            break;
        }
        url = &url[..url.len() - last.len_utf8()];
    }
    Some(url.len())
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn escapes_what_rustdoc_would_misread() {
        assert_eq!(
            sanitize("a [link] and <tag> and `<code>`"),
            [r" a \[link\] and \<tag> and `<code>`"]
        );
        assert_eq!(
            sanitize("see https://clerk.com/docs."),
            [" see <https://clerk.com/docs>."]
        );
        assert_eq!(sanitize("snake_case *bold*"), [" snake_case *bold*"]);
    }

    #[test]
    fn markdown_links_render_as_written() {
        assert_eq!(
            sanitize(
                "See [The Pet Store repository](https://github.com/swagger-api/swagger-petstore)."
            ),
            [" See [The Pet Store repository](https://github.com/swagger-api/swagger-petstore)."]
        );
        assert_eq!(
            sanitize("[https://swagger.io](https://swagger.io) and <https://a.example/x>"),
            [" [https://swagger.io](https://swagger.io) and <https://a.example/x>"]
        );
        assert_eq!(
            sanitize("[Wiki](https://en.wikipedia.org/wiki/Rust_(language)) ok"),
            [" [Wiki](https://en.wikipedia.org/wiki/Rust_(language)) ok"]
        );
        assert_eq!(
            sanitize("a [relative](docs/page.md) link and [x][ref]"),
            [r" a \[relative\](docs/page.md) link and \[x\]\[ref\]"]
        );
        assert_eq!(sanitize("- one\n- `two`"), [" - one", " - `two`"]);
    }

    #[test]
    fn trusted_text_keeps_intra_doc_links() {
        let tokens = super::trusted_doc_attrs("An [`Error`] when\n\nnext").to_string();
        assert!(tokens.contains(r#"" An [`Error`] when""#), "{tokens}");
        assert!(!tokens.contains(r"\["), "{tokens}");
    }

    #[test]
    fn fences_become_text_blocks() {
        assert_eq!(
            sanitize("x\n```\nlet a = 1;\n```"),
            [" x", " ```text", " let a = 1;", " ```"]
        );
        assert_eq!(sanitize("```json\n{}"), [" ```text", " {}", " ```"]);
    }

    #[test]
    fn control_characters_never_reach_a_doc_comment() {
        let lines = sanitize("one\r\ntwo\rthree\u{7}four\u{1b}[0m\u{0}\tfive\u{85}");
        assert_eq!(lines, [" one", " two", " three four \\[0m \tfive"]);
        let trusted = super::trusted_doc_attrs("a\rb").to_string();
        assert!(!trusted.contains("\\r"), "{trusted}");
    }

    #[test]
    fn keeps_paragraphs() {
        assert_eq!(sanitize("one\n\ntwo\n"), [" one", "", " two"]);
    }
}
