//! Reading a large YAML document on several threads.
//!
//! The YAML parser is serial, and for a document of a few hundred kilobytes it is a fifth of
//! the generator's time. Most of such a document is two maps: `paths` and
//! `components/schemas`. Their entries start at lines of one indentation, which YAML fixes:
//! inside a block mapping indented by `n`, every line of a value (block scalars, continued
//! quoted or plain scalars, flow collections) is indented by more than `n`, so a line indented
//! by exactly `n` that is not a comment starts the next entry. The text is cut there into
//! consecutive runs of entries, each read as a mapping of its own, and the rest (the
//! document with those maps written as `{}`) is read as the document.
//!
//! What this reads equals what the serial parser reads, or it gives up and the caller reads
//! the whole text serially: for anything that is not plain block YAML at the places it cuts
//! (a document marker, a root that is not a block mapping, a tab, a line indented less than
//! its map's entries), for any piece that does not read (an alias whose anchor is in another
//! piece is an unknown alias there), and for a key found in two pieces. The serial parser's
//! errors, with their lines, are the ones reported, because a document that gives up here is
//! read again as a whole.

use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use indexmap::IndexMap;

use crate::openapi::{Document, PathItem, Schema};

/// Below this size a document is read serially: the threads would cost more than they save.
pub const MIN_PARALLEL_BYTES: usize = 128 * 1024;

/// Each piece holds entries of about this many bytes at least.
const MIN_PIECE_BYTES: usize = 16 * 1024;

/// The document in `text` read on `threads` threads, or `None` when it is too small, not
/// plain block YAML where it would be cut, or any piece fails to read; the caller then reads
/// it serially.
pub fn document(text: &str, threads: usize) -> Option<Document> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if threads < 2 || text.len() < MIN_PARALLEL_BYTES || crate::read::is_json(text) {
        return None;
    }
    let piece_bytes = (text.len() / (threads * 4)).max(MIN_PIECE_BYTES);
    read(text, threads, piece_bytes)
}

/// [`document`] with the piece size given, so that tests can cut small documents.
fn read(text: &str, threads: usize, piece_bytes: usize) -> Option<Document> {
    let cuts = cut(text, piece_bytes)?;
    let jobs: Vec<Job<'_>> = std::iter::once(Job::Rest(&cuts.rest))
        .chain(cuts.paths.iter().map(|r| Job::Paths(&text[r.clone()])))
        .chain(cuts.schemas.iter().map(|r| Job::Schemas(&text[r.clone()])))
        .collect();
    if jobs.len() < 3 {
        return None;
    }
    let results: Vec<Mutex<Option<Piece>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let work = || {
        while !failed.load(Ordering::Relaxed) {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else {
                return;
            };
            match (job.read(), results[index].lock()) {
                (Some(piece), Ok(mut slot)) => *slot = Some(piece),
                _ => failed.store(true, Ordering::Relaxed),
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads.min(jobs.len()) {
            scope.spawn(work);
        }
        work();
    });
    if failed.load(Ordering::Relaxed) {
        return None;
    }
    let mut pieces = results
        .into_iter()
        .map(|slot| slot.into_inner().ok().flatten());
    let Some(Some(Piece::Rest(mut document))) = pieces.next() else {
        return None;
    };
    for piece in pieces {
        match piece? {
            Piece::Paths(entries) => join(&mut document.paths, entries)?,
            Piece::Schemas(entries) => join(&mut document.components.schemas, entries)?,
            Piece::Rest(_) => return None,
        }
    }
    Some(*document)
}

/// Appends `entries` to `into`; `None` when a key is in both, which the serial parser would
/// have read as one entry given twice.
fn join<T>(into: &mut IndexMap<String, T>, entries: IndexMap<String, T>) -> Option<()> {
    into.reserve(entries.len());
    for (key, value) in entries {
        if into.insert(key, value).is_some() {
            return None;
        }
    }
    Some(())
}

/// One piece of text to read, and what it reads as.
enum Job<'a> {
    /// The document without the entries of the maps that were cut.
    Rest(&'a str),
    /// A run of entries of `paths`.
    Paths(&'a str),
    /// A run of entries of `components/schemas`.
    Schemas(&'a str),
}

/// What a [`Job`] read.
enum Piece {
    Rest(Box<Document>),
    Paths(IndexMap<String, PathItem>),
    Schemas(IndexMap<String, Schema>),
}

impl Job<'_> {
    fn read(&self) -> Option<Piece> {
        match *self {
            Job::Rest(text) => serde_yaml::from_str(text)
                .ok()
                .map(|d| Piece::Rest(Box::new(d))),
            // `paths` drops extension keys, as the document's own field does.
            Job::Paths(text) => {
                crate::read::without_extensions(serde_yaml::Deserializer::from_str(text))
                    .ok()
                    .map(Piece::Paths)
            }
            Job::Schemas(text) => serde_yaml::from_str(text).ok().map(Piece::Schemas),
        }
    }
}

/// Where the text is cut: byte ranges of runs of entries, and the rest of the document.
#[derive(Debug)]
struct Cuts {
    paths: Vec<Range<usize>>,
    schemas: Vec<Range<usize>>,
    rest: String,
}

/// A line of the text: its bytes without the line break, and where it starts and ends
/// (after its break).
#[derive(Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

impl Line<'_> {
    /// Spaces before the content; `None` for a blank or comment line, which YAML lets stand
    /// at any indentation.
    fn indent(&self) -> Option<usize> {
        let content = self.text.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') || content == "\r" {
            return None;
        }
        Some(self.text.len() - content.len())
    }

    /// Whether the line is `key:` alone (or with a comment): a key whose value is the block
    /// below it.
    fn is_key_alone(&self, indent: usize, key: &str) -> bool {
        let Some(rest) = self.text.get(indent..).and_then(|t| t.strip_prefix(key)) else {
            return false;
        };
        let Some(after) = rest.strip_prefix(':') else {
            return false;
        };
        let after = after.trim_matches([' ', '\r']);
        after.is_empty() || after.starts_with('#')
    }
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        let body = text[start..end].trim_end_matches('\n');
        lines.push(Line {
            text: body,
            start,
            end,
        });
        start = end;
    }
    lines
}

/// Cuts `text`, or `None` where it is not plain block YAML at the places it would cut.
fn cut(text: &str, piece_bytes: usize) -> Option<Cuts> {
    let lines = lines(text);
    // Anything that would make a line at the root's indentation mean something other than a
    // key of the root mapping: tabs before content, document markers and directives, a root
    // that is a sequence, a complex key or a flow collection.
    for line in &lines {
        if line.text.starts_with('\t') {
            return None;
        }
        if line.indent() == Some(0) {
            let first = line.text.as_bytes()[0];
            if matches!(
                first,
                b'-' | b'?' | b'%' | b'{' | b'[' | b'.' | b'&' | b'*' | b'!'
            ) {
                return None;
            }
        }
    }
    if lines.iter().find_map(Line::indent) != Some(0) {
        return None;
    }
    // The root's keys, each with the lines of its value.
    let top = blocks(&lines, 0, lines.len(), 0)?;
    let mut paths = Vec::new();
    let mut schemas = Vec::new();
    // Line ranges taken out of the rest, each with the line that stands for it.
    let mut taken: Vec<(Range<usize>, String)> = Vec::new();
    for (key, value) in top {
        let line = lines[key];
        if line.is_key_alone(0, "paths") && paths.is_empty() {
            if let Some(entries) = entries(&lines, value.clone(), 0) {
                paths = runs(&lines, &entries, value.end, piece_bytes);
                taken.push((key..value.end, "paths: {}\n".to_owned()));
            }
        } else if line.is_key_alone(0, "components") && schemas.is_empty() {
            let Some(indent) = child_indent(&lines, value.clone(), 0) else {
                continue;
            };
            for (child, child_value) in blocks(&lines, value.start, value.end, indent)? {
                if lines[child].is_key_alone(indent, "schemas") {
                    if let Some(entries) = entries(&lines, child_value.clone(), indent) {
                        schemas = runs(&lines, &entries, child_value.end, piece_bytes);
                        let stand_in = format!("{}schemas: {{}}\n", " ".repeat(indent));
                        taken.push((child..child_value.end, stand_in));
                    }
                    break;
                }
            }
        }
    }
    // The byte where line `i` starts, or the end of the text.
    let start = |i: usize| lines.get(i).map_or(text.len(), |line| line.start);
    let mut rest = String::new();
    let mut at = 0;
    taken.sort_by_key(|(range, _)| range.start);
    for (range, stand_in) in taken {
        rest.push_str(&text[start(at)..start(range.start)]);
        rest.push_str(&stand_in);
        at = range.end;
    }
    rest.push_str(&text[start(at)..]);
    Some(Cuts {
        paths,
        schemas,
        rest,
    })
}

/// The indentation of the first content line of `range`, when it is deeper than `parent`.
fn child_indent(lines: &[Line<'_>], range: Range<usize>, parent: usize) -> Option<usize> {
    let indent = lines[range].iter().find_map(Line::indent)?;
    (indent > parent).then_some(indent)
}

/// The keys at `indent` in lines `from..to`, each with the line range of its value (up to the
/// next key); `None` when a content line is indented less than `indent`.
fn blocks(
    lines: &[Line<'_>],
    from: usize,
    to: usize,
    indent: usize,
) -> Option<Vec<(usize, Range<usize>)>> {
    let mut keys: Vec<usize> = Vec::new();
    for (i, line) in lines.iter().enumerate().take(to).skip(from) {
        match line.indent() {
            Some(n) if n == indent => keys.push(i),
            Some(n) if n < indent => return None,
            _ => {}
        }
    }
    // Content before the first key belongs to no key: not a block mapping.
    if lines[from..keys.first().copied().unwrap_or(to)]
        .iter()
        .any(|l| l.indent().is_some())
    {
        return None;
    }
    Some(
        keys.iter()
            .enumerate()
            .map(|(k, &line)| (line, line + 1..keys.get(k + 1).copied().unwrap_or(to)))
            .collect(),
    )
}

/// The first lines of the entries of the map whose value is `range`, under a key at `parent`.
/// `None` when the value is not a block mapping of plain, double- or single-quoted keys.
fn entries(lines: &[Line<'_>], range: Range<usize>, parent: usize) -> Option<Vec<usize>> {
    let indent = child_indent(lines, range.clone(), parent)?;
    let entries: Vec<usize> = blocks(lines, range.start, range.end, indent)?
        .into_iter()
        .map(|(line, _)| line)
        .collect();
    let keys_are_plain = entries.iter().all(|&i| {
        let first = lines[i].text.as_bytes()[indent];
        !matches!(
            first,
            b'-' | b'?'
                | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'%'
                | b'@'
                | b'`'
        )
    });
    keys_are_plain.then_some(entries)
}

/// Consecutive entries grouped into byte ranges of at least `piece_bytes` each; the last run
/// ends at line `end`.
fn runs(
    lines: &[Line<'_>],
    entries: &[usize],
    end: usize,
    piece_bytes: usize,
) -> Vec<Range<usize>> {
    let end_byte = lines
        .get(end)
        .map_or_else(|| lines.last().map_or(0, |l| l.end), |line| line.start);
    let mut runs = Vec::new();
    let mut start = None;
    for &entry in entries {
        let at = lines[entry].start;
        match start {
            None => start = Some(at),
            Some(from) if at - from >= piece_bytes => {
                runs.push(from..at);
                start = Some(at);
            }
            Some(_) => {}
        }
    }
    if let Some(from) = start {
        runs.push(from..end_byte);
    }
    runs
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{cut, read};
    use crate::openapi::Document;

    fn serial(text: &str) -> Option<Document> {
        serde_yaml::from_str(text).ok()
    }

    /// Every YAML fixture, spec/ and, when present, the published documents read the same cut
    /// into small pieces on two threads as read whole.
    #[test]
    fn pieces_read_as_the_whole_document() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut documents: Vec<_> = std::fs::read_dir(root.join("tests/fixtures"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
            .collect();
        documents.push(root.join("../spec/clerk-backend-api.yaml"));
        documents.extend(
            std::fs::read_dir(root.join("../../shared/reference"))
                .into_iter()
                .flatten()
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|e| e == "yml")),
        );
        let mut cut_documents = 0;
        for path in &documents {
            let text = std::fs::read_to_string(path).expect("a listed document reads");
            let name = path.display();
            let Some(whole) = serial(&text) else {
                continue;
            };
            for piece_bytes in [1, 2_000] {
                if let Some(pieces) = read(&text, 2, piece_bytes) {
                    assert_eq!(
                        format!("{pieces:?}"),
                        format!("{whole:?}"),
                        "{name}: read in pieces of {piece_bytes} bytes"
                    );
                    cut_documents += 1;
                }
            }
        }
        assert!(cut_documents > 40, "only {cut_documents} readings were cut");
    }

    const DOCUMENT: &str = "openapi: 3.0.3
info:
  title: t
  version: '1'
paths:
  /a:
    get:
      description: |
        one

        two
      responses:
        '200':
          description: ok
  # a comment at another indentation
  '/b/{id}':
    get:
      responses:
        '200':
          description: \"quoted
            and continued\"
components:
  parameters: {}
  schemas:
    A:
      type: string
    B:
      type: integer
";

    #[test]
    fn entries_are_cut_at_their_indentation() {
        let cuts = cut(DOCUMENT, 1).expect("plain block YAML is cut");
        let texts: Vec<&str> = cuts
            .paths
            .iter()
            .chain(&cuts.schemas)
            .map(|r| &DOCUMENT[r.clone()])
            .collect();
        assert_eq!(texts.len(), 4);
        assert!(texts[0].starts_with("  /a:\n") && texts[0].ends_with("indentation\n"));
        assert!(texts[1].starts_with("  '/b/{id}':\n"));
        assert_eq!(texts[2], "    A:\n      type: string\n");
        assert_eq!(texts[3], "    B:\n      type: integer\n");
        assert!(
            cuts.rest
                .contains("paths: {}\ncomponents:\n  parameters: {}\n  schemas: {}\n")
        );
        let whole = serial(DOCUMENT).expect("the document reads");
        let pieces = read(DOCUMENT, 2, 1).expect("the pieces read");
        assert_eq!(format!("{pieces:?}"), format!("{whole:?}"));
        assert_eq!(pieces.paths.len(), 2);
        assert_eq!(pieces.components.schemas.len(), 2);
    }

    #[test]
    fn what_cannot_be_cut_safely_is_left_to_the_serial_parser() {
        // An alias to an anchor in another piece, a key in two pieces, a document marker, a
        // root sequence, a tab, and a line indented less than its map's entries.
        let alias = DOCUMENT
            .replace("    A:\n", "    A: &a\n")
            .replace("    B:\n      type: integer\n", "    B: *a\n");
        assert!(serial(&alias).is_some());
        assert!(read(&alias, 2, 1).is_none());
        let twice = DOCUMENT.replace("    B:", "    A:");
        assert!(read(&twice, 2, 1).is_none());
        assert!(cut(&format!("---\n{DOCUMENT}"), 1).is_none());
        assert!(cut("- 1\n- 2\n", 1).is_none());
        assert!(cut(&DOCUMENT.replace("  /a:", "\t/a:"), 1).is_none());
        // `B` indented less than `A`: the schemas are not cut (and the document does not read).
        let shallow = DOCUMENT.replace("    B:\n", "   B:\n");
        let cuts = cut(&shallow, 1).expect("the paths are still cut");
        assert!(cuts.schemas.is_empty() && cuts.paths.len() == 2);
        assert!(serial(&shallow).is_none() && read(&shallow, 2, 1).is_none());
    }

    /// A large document with a mistake is read again whole, so the mistake is reported at
    /// its line as the serial parser reports it.
    #[test]
    fn a_mistake_in_a_large_document_keeps_its_line() {
        use crate::diagnostic::Source;
        let mut text = String::from("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n");
        for i in 0..3000 {
            text.push_str(&format!(
                "  /p{i}:\n    get:\n      responses:\n        '200':\n          description: ok\n"
            ));
        }
        assert!(text.len() > super::MIN_PARALLEL_BYTES);
        assert_eq!(super::document(&text, 2).map(|d| d.paths.len()), Some(3000));
        let broken = text.replacen(
            "  /p2000:\n    get:\n",
            "  /p2000:\n    get:\n      tags: 5\n",
            1,
        );
        let line = 5 + 2000 * 5 + 3;
        assert_eq!(broken.lines().nth(line - 1), Some("      tags: 5"));
        assert!(super::document(&broken, 2).is_none());
        let load = |threads| {
            let source = Source {
                name: "big.yaml",
                text: &broken,
            };
            crate::load::load(source, &|_| Err(String::new()), threads)
                .err()
                .map(|e| e.to_string())
        };
        let message = load(2).expect("the mistake is reported");
        assert_eq!(Some(&message), load(1).as_ref());
        assert!(message.contains(&format!("big.yaml:{line}:")), "{message}");
    }
}
