//! Loading: document text to the spec model, with located errors.

use crate::bundle::{self, Loader};
use crate::diagnostic::Source;
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::locate::locate;
use crate::openapi::Document;
use crate::read;

/// Parses a YAML or JSON document, brings in the files its external `$ref`s name, and checks
/// its OpenAPI version.
pub fn load(source: Source<'_>, loader: Loader<'_>) -> Result<Document, Diagnostics> {
    // Single-file documents are read straight from the text, so type errors keep their line.
    let bundled = if bundle::may_have_external_refs(source.text) {
        let value = read::tree(source.text).map_err(|e| unreadable(source, e))?;
        if bundle::has_external_refs(&value) {
            Some(bundle::bundle(value, source.name, source.text, loader).map_err(Diagnostics)?)
        } else {
            None
        }
    } else {
        None
    };
    let document: Document = match bundled {
        Some(value) => serde_path_to_error::deserialize(value).map_err(|e| {
            // The value tree has no lines; the path of the failing field becomes a pointer,
            // located in the root document when it lies there.
            let pointer = pointer_of(e.path());
            let mut diagnostics = unreadable(
                source,
                read::Unreadable {
                    message: e.inner().to_string(),
                    line_col: locate(source.text, &pointer),
                },
            );
            diagnostics.0[0].pointer = pointer;
            diagnostics
        })?,
        None => read::typed(source.text).map_err(|e| unreadable(source, e))?,
    };
    let version = document.openapi.trim();
    if version.is_empty() {
        return Err(error(
            source,
            "the document has no `openapi` version field; is it an OpenAPI 3 document?",
            "#",
        ));
    }
    if !(version.starts_with("3.0") || version.starts_with("3.1")) {
        let message = format!("OpenAPI version `{version}` is not supported (3.0.x and 3.1.x are)");
        return Err(error(source, &message, "#/openapi"));
    }
    Ok(document)
}

fn error(source: Source<'_>, message: &str, pointer: &str) -> Diagnostics {
    Diagnostics(vec![Diagnostic {
        severity: Severity::Error,
        message: message.to_owned(),
        file: source.name.to_owned(),
        pointer: pointer.to_owned(),
        line_col: locate(source.text, pointer),
    }])
}

fn unreadable(source: Source<'_>, e: read::Unreadable) -> Diagnostics {
    // A parser error without a position concerns the document as a whole (a second YAML
    // document, say): it points at the root, and at the line that starts the second document
    // when there is one.
    let pointer = if e.line_col.is_some() { "" } else { "#" };
    let line_col = e.line_col.or_else(|| {
        let mut starts = source
            .text
            .lines()
            .enumerate()
            .filter(|(_, line)| line.starts_with("---") || line.starts_with("..."));
        let first = starts.next()?;
        let second_document = if first.0 == 0 { starts.next()? } else { first };
        Some((second_document.0 + 1, 1))
    });
    Diagnostics(vec![Diagnostic {
        severity: Severity::Error,
        message: format!("the document cannot be read: {}", e.message),
        file: source.name.to_owned(),
        pointer: pointer.to_owned(),
        line_col,
    }])
}

/// The JSON pointer of a field path such as `paths./a.get.tags`.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::from("#");
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } => pointer.push_str(&crate::pointer::escape(key)),
            Segment::Enum { variant } => pointer.push_str(&crate::pointer::escape(variant)),
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}
