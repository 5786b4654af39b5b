//! Spec prose to rustdoc attributes that pass `RUSTDOCFLAGS=-Dwarnings`.
//!
//! One `#[doc]` attribute per line (prettyplease prints them as `///`). Outside inline code,
//! `[`, `]` and `<` are escaped so they are neither intra-doc links nor HTML, bare URLs become
//! autolinks, and code fences are tagged `text` so they never run as doctests.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes for `text`.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = sanitize(text);
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc = "..."]` inner attributes for `text`.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines = sanitize(text);
    quote! { #( #![doc = #lines] )* }
}

/// The lines of rustdoc for `text`, each starting with a space as `///` comments do.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
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
    fn fences_become_text_blocks() {
        assert_eq!(
            sanitize("x\n```\nlet a = 1;\n```"),
            [" x", " ```text", " let a = 1;", " ```"]
        );
        assert_eq!(sanitize("```json\n{}"), [" ```text", " {}", " ```"]);
    }

    #[test]
    fn keeps_paragraphs() {
        assert_eq!(sanitize("one\n\ntwo\n"), [" one", "", " two"]);
    }
}
