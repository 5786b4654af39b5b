//! Doc comments written into the formatted text instead of going through `syn` and
//! `prettyplease`.
//!
//! A third of a generated client's lines are rustdoc taken from the document. As `#[doc]`
//! attributes, every line is emitted as tokens, parsed into an attribute, read back as a
//! string and printed: about a fifth of rendering's time. While a rendering job runs under
//! [`collect`], [`defer`] keeps a block of doc lines in a table and gives its emitter a single
//! marker attribute instead; prettyplease prints the marker as one `///` line at the item's
//! indentation, and [`splice`] replaces that line with the block's lines, each written as
//! prettyplease writes a doc line (`///`, the text, its trailing spaces trimmed). The text is
//! byte for byte what formatting the attributes would give.
//!
//! The marker is a control character (which the doc sanitizer turns into a space, so no doc
//! text holds one) followed by an ASCII sentinel and the block's index. A marker printed
//! anywhere but as a whole doc line (inside a macro's tokens, say) leaves the sentinel in the
//! text without its control character; [`splice`] then gives up, and the job is rendered
//! again with plain attributes. Outside [`collect`] (a single file, the README's example),
//! [`defer`] declines and the attributes are emitted as they are.

use std::cell::RefCell;

/// What follows the control character of a marker, before its index.
const SENTINEL: &str = "openapi-rust-generator-doc-";

thread_local! {
    /// The doc blocks of the rendering job running on this thread, while one runs.
    static TABLE: RefCell<Option<Vec<Vec<String>>>> = const { RefCell::new(None) };
}

/// Runs `emit` with doc blocks deferred, and returns its result with the blocks by index.
pub(crate) fn collect<T>(emit: impl FnOnce() -> T) -> (T, Vec<Vec<String>>) {
    /// Restores the table that was active before (none, outside nesting), also on a panic.
    struct Restore(Option<Vec<Vec<String>>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            TABLE.with(|table| *table.borrow_mut() = previous);
        }
    }
    let restore = Restore(TABLE.with(|table| table.borrow_mut().replace(Vec::new())));
    let value = emit();
    let blocks = TABLE
        .with(|table| table.borrow_mut().take())
        .unwrap_or_default();
    drop(restore);
    (value, blocks)
}

/// Keeps `lines` for [`splice`] and returns the text of the marker attribute that stands for
/// them; gives the lines back when no job collects them, when there are none, or when one
/// would not print as a `///` line (a line break in it, or an outer doc line that starts with
/// `/`, which prettyplease writes as an attribute).
pub(crate) fn defer(lines: Vec<String>, inner: bool) -> Result<String, Vec<String>> {
    let printable = |line: &String| !line.contains('\n') && (inner || !line.starts_with('/'));
    if lines.is_empty() || !lines.iter().all(printable) {
        return Err(lines);
    }
    TABLE.with(|table| match table.borrow_mut().as_mut() {
        Some(blocks) => {
            blocks.push(lines);
            Ok(format!("\u{1}{SENTINEL}{}", blocks.len() - 1))
        }
        None => Err(lines),
    })
}

/// `text` with each marker line replaced by its block's doc lines; `None` when a marker is
/// anywhere else, or names no block.
pub(crate) fn splice(text: &str, blocks: &[Vec<String>]) -> Option<String> {
    let extra: usize = blocks.iter().flatten().map(|line| line.len() + 16).sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut rest = text;
    let mut markers = 0;
    while let Some(at) = rest.find('\u{1}') {
        // The marker's line: `    ///` or `//!` (the indentation and the comment's opening,
        // as printed), the marker, the line's end.
        let line_start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
        let head = &rest[line_start..at];
        let opening = head.trim_start_matches(' ');
        if opening != "///" && opening != "//!" {
            return None;
        }
        let line_end = rest[at..].find('\n').map_or(rest.len(), |i| at + i + 1);
        let index = rest[at..line_end]
            .strip_prefix('\u{1}')?
            .strip_prefix(SENTINEL)?
            .trim_end_matches('\n')
            .parse::<usize>()
            .ok()?;
        out.push_str(&rest[..line_start]);
        for doc in blocks.get(index)? {
            out.push_str(head);
            out.push_str(doc.trim_end_matches(' '));
            out.push('\n');
        }
        markers += 1;
        rest = &rest[line_end..];
    }
    out.push_str(rest);
    // A sentinel without its control character is a marker printed some other way.
    (text.matches(SENTINEL).count() == markers).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[&str]) -> Vec<String> {
        text.iter().map(|line| (*line).to_owned()).collect()
    }

    #[test]
    fn outside_a_job_the_lines_come_back() {
        assert_eq!(defer(lines(&[" a"]), false), Err(lines(&[" a"])));
    }

    #[test]
    fn markers_become_the_lines_prettyplease_would_print() {
        let ((first, second), blocks) = collect(|| {
            (
                defer(lines(&[" One.", "", " Two.   "]), false),
                defer(lines(&[" Inner."]), true),
            )
        });
        let (first, second) = (first.expect("deferred"), second.expect("deferred"));
        let text = format!("//!{second}\n\n    ///{first}\n    fn f() {{}}\n");
        assert_eq!(
            splice(&text, &blocks).as_deref(),
            Some("//! Inner.\n\n    /// One.\n    ///\n    /// Two.\n    fn f() {}\n")
        );
    }

    #[test]
    fn a_marker_anywhere_else_gives_up() {
        let (marker, blocks) = collect(|| defer(lines(&[" a"]), false));
        let marker = marker.expect("deferred");
        // As a string literal, the control character is escaped and the sentinel remains.
        let escaped = format!("m! {{ #[doc = {:?}] }}\n", marker);
        assert_eq!(splice(&escaped, &blocks), None);
        // A marker that is not a whole doc line, or names no block.
        assert_eq!(splice(&format!("let x = 1; //{marker}\n"), &blocks), None);
        assert_eq!(splice(&format!("///{marker}9\n"), &blocks), None);
    }

    #[test]
    fn lines_that_would_not_print_as_doc_comments_stay_attributes() {
        let (results, blocks) = collect(|| {
            (
                defer(lines(&["/ slash"]), false),
                defer(lines(&["a\nb"]), true),
                defer(Vec::new(), false),
            )
        });
        assert!(results.0.is_err() && results.1.is_err() && results.2.is_err());
        assert!(blocks.is_empty());
    }

    #[test]
    fn collecting_nests_and_restores() {
        let (inner, outer) = collect(|| {
            let (_, inner) = collect(|| defer(lines(&[" inner"]), false));
            let _ = defer(lines(&[" outer"]), false);
            inner
        });
        assert_eq!(inner, vec![lines(&[" inner"])]);
        assert_eq!(outer, vec![lines(&[" outer"])]);
        assert_eq!(defer(lines(&[" after"]), false), Err(lines(&[" after"])));
    }
}
