//! Loading: document text to the spec model, with located errors.

use crate::bundle::{self, Loader};
use crate::chunked;
use crate::diagnostic::Source;
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::locate::locate;
use crate::openapi::Document;
use crate::read;
use crate::{refs, repair};

/// Parses a YAML or JSON document, brings in the files its external `$ref`s name, rewrites
/// local references to any place as references to components ([`crate::refs`]), repairs the
/// mistakes [`crate::repair`] knows, and checks its OpenAPI version. On success, returns the
/// document and a warning for each repair.
///
/// A large YAML document is read on `threads` threads when it can be ([`crate::chunked`]).
pub fn load(
    source: Source<'_>,
    loader: Loader<'_>,
    threads: usize,
) -> Result<(Document, Vec<Diagnostic>), Diagnostics> {
    let external = bundle::may_have_external_refs(source.text);
    if !external && !refs::may_need(source.text) && !repair::may_have_empty_collections(source.text)
    {
        // Most documents are read straight from the text, so that type errors keep the line
        // the parser saw. A type error may be a mistake the tree reader repairs; when it is
        // not, the parser's own error is the one reported.
        let read = chunked::document(source.text, threads)
            .map_or_else(|| read::typed::<Document>(source.text), Ok);
        let (document, warnings) = match read {
            Ok(document) => (document, Vec::new()),
            Err(e) => {
                let Ok(mut value) = read::tree(source.text) else {
                    return Err(unreadable(source, e));
                };
                let mut repairs = repair::empty_collections(&value);
                match repair::deserialize::<Document>(&mut value) {
                    Ok((document, more)) => {
                        repairs.extend(more);
                        (document, repaired(source, repairs, true))
                    }
                    // Past the repairs, a later mistake: report that one, at its place.
                    Err(later) if !e.message.ends_with(&later.message) => {
                        return Err(Diagnostics(vec![Diagnostic {
                            severity: Severity::Error,
                            message: format!("the document cannot be read: {}", later.message),
                            file: source.name.to_owned(),
                            line_col: crate::locate::locate_nearest(source.text, &later.pointer),
                            pointer: later.pointer,
                        }]));
                    }
                    Err(_) => return Err(unreadable(source, e)),
                }
            }
        };
        return checked(source, document, warnings);
    }
    let mut value = read::tree(source.text).map_err(|e| unreadable(source, e))?;
    let mut written = bundle::WrittenRefs::new();
    let bundled = external && bundle::has_external_refs(&value);
    if bundled {
        (value, written) =
            bundle::bundle(value, source.name, source.text, loader).map_err(Diagnostics)?;
    }
    refs::normalize(&mut value).map_err(|problems| {
        Diagnostics(
            problems
                .into_iter()
                .map(|(pointer, message)| located(source, Severity::Error, message, pointer))
                .collect(),
        )
    })?;
    let mut repairs = repair::empty_collections(&value);
    match repair::deserialize::<Document>(&mut value) {
        Ok((mut document, more)) => {
            repairs.extend(more);
            // Without bundling, every pointer lies in the root text.
            let warnings = repaired(source, repairs, !bundled);
            document.written = written;
            checked(source, document, warnings)
        }
        // The value tree has no lines; the pointer of the failing field is located in the root
        // document when it lies there.
        Err(e) => Err(Diagnostics(vec![located(
            source,
            Severity::Error,
            format!("the document cannot be read: {}", e.message),
            e.pointer,
        )])),
    }
}

/// The document, once its version is one the generator reads.
fn checked(
    source: Source<'_>,
    document: Document,
    warnings: Vec<Diagnostic>,
) -> Result<(Document, Vec<Diagnostic>), Diagnostics> {
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
    Ok((document, warnings))
}

/// The repairs as warnings; with `in_root`, each at its node or the nearest one found.
fn repaired(source: Source<'_>, repairs: Vec<repair::Repair>, in_root: bool) -> Vec<Diagnostic> {
    repairs
        .into_iter()
        .map(|(pointer, message)| {
            let mut warning = located(source, Severity::Warning, message, pointer);
            if in_root && warning.line_col.is_none() {
                warning.line_col = crate::locate::locate_nearest(source.text, &warning.pointer);
            }
            warning
        })
        .collect()
}

fn located(source: Source<'_>, severity: Severity, message: String, pointer: String) -> Diagnostic {
    Diagnostic {
        severity,
        message,
        file: source.name.to_owned(),
        line_col: locate(source.text, &pointer),
        pointer,
    }
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
