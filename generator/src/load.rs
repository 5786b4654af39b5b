//! Loading: document text to the spec model, with located errors.

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::lower::Source;
use crate::openapi::Document;

/// Parses a YAML or JSON document and checks its OpenAPI version.
pub fn load(source: Source<'_>) -> Result<Document, Diagnostics> {
    let error = |message: String, pointer: &str, line_col: Option<(usize, usize)>| {
        Diagnostics(vec![Diagnostic {
            severity: Severity::Error,
            message,
            file: source.name.to_owned(),
            pointer: pointer.to_owned(),
            line_col,
        }])
    };
    let document: Document = serde_yaml::from_str(source.text).map_err(|e| {
        let line_col = e.location().map(|l| (l.line(), l.column()));
        let message = match line_col {
            // serde_yaml appends " at line L column C"; the location is printed separately.
            Some(_) => e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_owned(),
            None => e.to_string(),
        };
        error(
            format!("the document cannot be read: {message}"),
            "",
            line_col,
        )
    })?;
    let version = document.openapi.trim();
    if version.is_empty() {
        return Err(error(
            "the document has no `openapi` version field; is it an OpenAPI 3 document?".into(),
            "#",
            None,
        ));
    }
    if !(version.starts_with("3.0") || version.starts_with("3.1")) {
        return Err(error(
            format!("OpenAPI version `{version}` is not supported (3.0.x and 3.1.x are)"),
            "#/openapi",
            crate::locate::locate(source.text, "#/openapi"),
        ));
    }
    Ok(document)
}
