//! Sample strings a schema accepts: for the conformance sweep, which must send values that a
//! request-validating server takes (identifiers with a prefix, country codes, timestamps).
//!
//! Decided here, from the schema's `enum`, `const`, `format`, `pattern` and `minLength`, so that
//! the sweep emitter only prints them. Two samples are made where the schema allows two, so an
//! array with `uniqueItems` gets distinct items.

use serde_yaml::Value;

use crate::openapi::Schema;

/// Up to two distinct strings that `schema` accepts, most telling first; empty when the schema
/// says nothing that a plain word would break (the sweep then sends `"sample"`).
pub(super) fn string_samples(schema: &Schema) -> Vec<String> {
    if let Some(Value::String(value)) = &schema.constant {
        return vec![value.clone()];
    }
    if let Some(values) = &schema.enumeration {
        let strings: Vec<String> = values
            .iter()
            .filter_map(|value| match value {
                Value::String(text) => Some(text.clone()),
                _ => None,
            })
            .take(2)
            .collect();
        if !strings.is_empty() {
            return strings;
        }
    }
    let from_pattern = schema
        .pattern
        .as_deref()
        .and_then(|pattern| Some([sample(pattern, 0)?, sample(pattern, 1)?]));
    let mut samples = match (
        schema.format.as_deref().and_then(format_samples),
        from_pattern,
    ) {
        (_, Some(samples)) => samples.to_vec(),
        (Some(samples), None) => samples.iter().map(|s| (*s).to_owned()).collect(),
        (None, None) => match schema.min_length {
            Some(min) if min > 6 => vec!["sample".to_owned(), "second".to_owned()],
            _ => return Vec::new(),
        },
    };
    if let Some(min) = schema.min_length {
        for sample in &mut samples {
            while (sample.chars().count() as u64) < min {
                sample.push('x');
            }
        }
    }
    samples.dedup();
    samples
}

/// Two values of a string `format` that validators check.
fn format_samples(format: &str) -> Option<[&'static str; 2]> {
    Some(match format {
        "date-time" => ["2030-01-01T00:00:00Z", "2030-01-02T00:00:00Z"],
        "date" => ["2030-01-01", "2030-01-02"],
        "time" => ["12:00:00Z", "13:00:00Z"],
        "email" => ["sample@example.com", "second@example.com"],
        "uri" | "url" | "uri-reference" | "iri" => {
            ["https://example.com/sample", "https://example.com/second"]
        }
        "hostname" => ["example.com", "example.org"],
        "ipv4" => ["192.0.2.1", "192.0.2.2"],
        "ipv6" => ["2001:db8::1", "2001:db8::2"],
        "uuid" => [
            "00000000-0000-4000-8000-000000000001",
            "00000000-0000-4000-8000-000000000002",
        ],
        _ => return None,
    })
}

/// One piece of a pattern: a set of characters it may stand for, or a group of alternatives.
#[derive(Debug)]
enum Atom {
    /// Candidate characters, the preferred one first.
    Chars(Vec<char>),
    /// Alternatives; the first is taken.
    Group(Vec<Vec<Piece>>),
}

#[derive(Debug)]
struct Piece {
    atom: Atom,
    /// How many times the atom is written.
    count: usize,
}

/// A string matching `pattern`, from the subset of regular expressions that identifiers and
/// codes use (literals, classes, `\w`, `\d`, groups, alternation, quantifiers, anchors).
/// `variant` 1 changes the last free character, so the two samples differ where the pattern
/// leaves a choice. `None` for anything
/// else (look-arounds, back-references, Unicode classes): the sweep then sends its default.
pub(super) fn sample(pattern: &str, variant: usize) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut at = 0;
    let pieces = sequence(&chars, &mut at)?;
    if at != chars.len() {
        return None;
    }
    let mut out = Vec::new();
    write(&pieces, &mut out);
    let free = out.iter().rposition(|(_, candidates)| candidates.len() > 1);
    if let (true, Some(index)) = (variant > 0, free) {
        out[index].0 = out[index].1[1];
    }
    Some(out.into_iter().map(|(c, _)| c).collect())
}

/// Writes each character with the candidates it was chosen from.
fn write(pieces: &[Piece], out: &mut Vec<(char, Vec<char>)>) {
    for piece in pieces {
        for _ in 0..piece.count {
            match &piece.atom {
                Atom::Chars(candidates) => out.push((candidates[0], candidates.clone())),
                Atom::Group(alternatives) => write(&alternatives[0], out),
            }
        }
    }
}

/// Alternatives up to a closing `)` or the end.
fn alternatives(chars: &[char], at: &mut usize) -> Option<Vec<Vec<Piece>>> {
    let mut out = vec![sequence(chars, at)?];
    while chars.get(*at) == Some(&'|') {
        *at += 1;
        out.push(sequence(chars, at)?);
    }
    Some(out)
}

fn sequence(chars: &[char], at: &mut usize) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    while let Some(&c) = chars.get(*at) {
        let atom = match c {
            '|' | ')' => break,
            '^' | '$' => {
                *at += 1;
                continue;
            }
            '(' => {
                *at += 1;
                if chars.get(*at) == Some(&'?') {
                    if chars.get(*at + 1) != Some(&':') {
                        return None; // look-around or named group
                    }
                    *at += 2;
                }
                let inner = alternatives(chars, at)?;
                if chars.get(*at) != Some(&')') {
                    return None;
                }
                *at += 1;
                Atom::Group(inner)
            }
            '[' => {
                *at += 1;
                Atom::Chars(class(chars, at)?)
            }
            '\\' => {
                *at += 1;
                let escaped = *chars.get(*at)?;
                *at += 1;
                Atom::Chars(escape(escaped)?)
            }
            '.' => {
                *at += 1;
                Atom::Chars(vec!['a', 'b'])
            }
            '*' | '+' | '?' | '{' => return None,
            literal => {
                *at += 1;
                Atom::Chars(vec![literal])
            }
        };
        let count = quantifier(chars, at)?;
        pieces.push(Piece { atom, count });
    }
    Some(pieces)
}

/// The characters an escape stands for.
fn escape(c: char) -> Option<Vec<char>> {
    Some(match c {
        'w' => vec!['a', 'b'],
        'd' => vec!['0', '1'],
        's' => vec![' '],
        'W' => vec!['-', '.'],
        'D' | 'S' => vec!['a', 'b'],
        c if c.is_ascii_alphanumeric() => return None, // \b, \p, \1 ...
        c => vec![c],
    })
}

/// A bracket class after its `[`, up to and including `]`: its members, preferred first.
fn class(chars: &[char], at: &mut usize) -> Option<Vec<char>> {
    let negated = chars.get(*at) == Some(&'^');
    if negated {
        *at += 1;
    }
    let mut members = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(*at)?;
        *at += 1;
        match c {
            ']' if !first => break,
            '\\' => {
                let escaped = *chars.get(*at)?;
                *at += 1;
                members.extend(escape(escaped)?);
            }
            start
                if chars.get(*at) == Some(&'-')
                    && chars.get(*at + 1).is_some_and(|&e| e != ']') =>
            {
                let end = chars[*at + 1];
                *at += 2;
                if end < start {
                    return None;
                }
                members.extend((start..=end).take(2));
            }
            single => members.push(single),
        }
        first = false;
    }
    if negated {
        let allowed: Vec<char> = ('a'..='z')
            .chain('0'..='9')
            .filter(|c| !members.contains(c))
            .take(2)
            .collect();
        return (!allowed.is_empty()).then_some(allowed);
    }
    members.dedup();
    (!members.is_empty()).then_some(members)
}

/// How many times the preceding atom is written: its minimum, and at least once for `*`.
fn quantifier(chars: &[char], at: &mut usize) -> Option<usize> {
    let count = match chars.get(*at) {
        Some('*' | '+') => {
            *at += 1;
            1
        }
        Some('?') => {
            *at += 1;
            0
        }
        Some('{') => {
            let close = chars[*at..].iter().position(|&c| c == '}')? + *at;
            let inside: String = chars[*at + 1..close].iter().collect();
            *at = close + 1;
            let min = inside.split(',').next()?.trim();
            min.parse().ok()?
        }
        _ => return Some(1),
    };
    if chars.get(*at) == Some(&'?') {
        *at += 1; // lazy
    }
    Some(count)
}

#[cfg(test)]
mod tests {
    use super::sample;

    #[test]
    fn identifier_patterns_get_matching_distinct_samples() {
        let cases = [
            (
                "^(ak|api_key)_[0-9A-Fa-f]{32}$",
                "ak_00000000000000000000000000000000",
            ),
            ("^mch_\\w{27}$", "mch_aaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            ("^[A-Z]{2}$", "AA"),
            ("^user_[a-zA-Z0-9]+$", "user_a"),
            ("^(?:org|user)_\\d{2,}$", "org_00"),
            ("^[a-z0-9-]+$", "a"),
            ("^[^@]+@example\\.com$", "a@example.com"),
            ("v?[0-9]+(\\.[0-9]+)*", "0.0"),
        ];
        for (pattern, expected) in cases {
            let first = sample(pattern, 0).unwrap_or_else(|| panic!("{pattern}"));
            let second = sample(pattern, 1).unwrap_or_else(|| panic!("{pattern}"));
            assert_eq!(first, expected, "{pattern}");
            assert_ne!(first, second, "{pattern}");
            assert_eq!(first.len(), second.len(), "{pattern}");
        }
    }

    #[test]
    fn patterns_beyond_the_subset_have_no_sample() {
        for pattern in ["^(?=a)b$", "^(a)\\1$", "^\\p{L}+$", "a{2", "*a", "^[a-"] {
            assert_eq!(sample(pattern, 0), None, "{pattern}");
        }
    }
}
