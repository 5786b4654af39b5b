//! Located, user-facing messages about the input document.
//!
//! A diagnostic names the file, the JSON pointer of the offending node and, when the text can be
//! searched for it, the line and column, in the rustc style:
//!
//! ```text
//! error: unresolvable reference `#/components/schemas/Missing`
//!   --> spec/api.yaml:12:9 (#/paths/~1users/get/responses/200)
//! ```

use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The construct was skipped or approximated; generation still succeeds.
    Warning,
    /// Generation cannot succeed.
    Error,
}

/// One message about one place in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The document's name as given by the caller.
    pub file: String,
    /// JSON pointer of the node the message is about (`#/paths/~1users/get`), or empty.
    pub pointer: String,
    /// 1-based line and column, when known.
    pub line_col: Option<(usize, usize)>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        writeln!(f, "{label}: {}", self.message)?;
        write!(f, "  --> {}", self.file)?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " ({})", self.pointer)?;
        }
        Ok(())
    }
}

/// Everything that stopped a generation run; never empty, errors first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The document's name and text, for locating diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The name shown in diagnostics (usually the path given on the command line).
    pub name: &'a str,
    /// The full text of the document.
    pub text: &'a str,
}
