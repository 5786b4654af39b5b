//! The validation keywords a setter checks (lengths, ranges, simple patterns), read from a
//! schema.

use crate::ir::{CharClass, Constraints};
use crate::openapi::Schema;

/// Client-side checks a schema asks for.
pub(super) fn constraints(schema: &Schema) -> Constraints {
    let whole = |v: Option<f64>| {
        v.filter(|v| v.fract() == 0.0 && v.abs() < 9.0e15)
            .map(|v| v as i64)
    };
    Constraints {
        minimum: whole(schema.minimum),
        maximum: whole(schema.maximum),
        max_items: schema.max_items,
        chars: schema.pattern.as_deref().and_then(char_class),
        samples: match &schema.items {
            Some(items) => super::samples::string_samples(items),
            None => super::samples::string_samples(schema),
        },
    }
}

/// Recognizes `^[...]+$` and `^[...]*$` with literal characters and ranges; other patterns are
/// left to the server.
fn char_class(pattern: &str) -> Option<CharClass> {
    let body = pattern.strip_prefix("^[")?;
    let (class, allow_empty) = if let Some(class) = body.strip_suffix("]+$") {
        (class, false)
    } else {
        (body.strip_suffix("]*$")?, true)
    };
    let chars: Vec<char> = class.chars().collect();
    if chars.is_empty() || chars[0] == '^' || chars.iter().any(|c| matches!(c, '\\' | '[' | ']')) {
        return None;
    }
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' {
            if chars[i] > chars[i + 2] {
                return None;
            }
            ranges.push((chars[i], chars[i + 2]));
            i += 3;
        } else {
            ranges.push((chars[i], chars[i]));
            i += 1;
        }
    }
    Some(CharClass {
        pattern: pattern.to_owned(),
        ranges,
        allow_empty,
    })
}

#[cfg(test)]
mod tests {
    use super::char_class;

    #[test]
    fn simple_character_class_patterns_are_understood() {
        let class = char_class("^[a-z0-9-]+$").expect("a class");
        assert_eq!(class.ranges, [('a', 'z'), ('0', '9'), ('-', '-')]);
        assert!(!class.allow_empty);
        assert!(char_class("^[A-F]*$").is_some_and(|c| c.allow_empty));
        assert_eq!(char_class("^[^a]+$"), None);
        assert_eq!(char_class("^\\d+$"), None);
        assert_eq!(char_class("[a-z]+"), None);
    }
}
