//! Reading document text: JSON as JSON, YAML as YAML, numbers of any size.
//!
//! A document whose first character is `{` is JSON and is read by a JSON parser, so that
//! everything JSON allows (escaped UTF-16 surrogate pairs such as `"\ud83d\udc4d"`) reads,
//! although the YAML parser refuses some of it. Integers beyond 64 bits (a `maximum` of
//! `18446744073709552000`) read as the nearest floating-point number in both syntaxes, where
//! the YAML parser alone would refuse them.

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Number, Value};

/// Why a text could not be read, and where.
#[derive(Debug)]
pub struct Unreadable {
    /// The parser's message, without its location.
    pub message: String,
    /// 1-based line and column, when the parser knows them.
    pub line_col: Option<(usize, usize)>,
}

/// Whether the text is a JSON document (its first non-blank character opens an object).
pub fn is_json(text: &str) -> bool {
    text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
        .starts_with('{')
}

/// The text without the byte-order mark that editors on Windows put before UTF-8 (the YAML
/// parser would read it as the start of a second document). Lines and columns are unchanged
/// but for the first line's.
fn content(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Reads the text straight into `T`, keeping the parser's location on type errors.
pub fn typed<T: DeserializeOwned>(text: &str) -> Result<T, Unreadable> {
    let text = content(text);
    if is_json(text) {
        serde_json::from_str(text).map_err(|e| json_error(&e))
    } else {
        serde_yaml::from_str(text).map_err(|e| yaml_error(&e))
    }
}

/// Reads the text into a value tree.
pub fn tree(text: &str) -> Result<Value, Unreadable> {
    let text = content(text);
    if is_json(text) {
        serde_json::from_str::<Lenient>(text)
            .map(|l| l.0)
            .map_err(|e| json_error(&e))
    } else {
        serde_yaml::from_str::<Lenient>(text)
            .map(|l| l.0)
            .map_err(|e| yaml_error(&e))
    }
}

fn json_error(e: &serde_json::Error) -> Unreadable {
    let text = e.to_string();
    let line_col = (e.line() > 0).then(|| (e.line(), e.column()));
    let message = match text.rfind(" at line ") {
        Some(at) if line_col.is_some() => text[..at].to_owned(),
        _ => text,
    };
    Unreadable { message, line_col }
}

fn yaml_error(e: &serde_yaml::Error) -> Unreadable {
    let line_col = e.location().map(|l| (l.line(), l.column()));
    let text = e.to_string();
    // serde_yaml appends " at line L column C"; the location is reported separately.
    let message = match text.find(" at line ") {
        Some(at) if line_col.is_some() => text[..at].to_owned(),
        _ => text,
    };
    Unreadable { message, line_col }
}

/// A value tree read from either syntax; integers wider than 64 bits become floats, and mapping
/// keys that are numbers or booleans (`200:`) become strings.
struct Lenient(Value);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor).map(Lenient)
    }
}

struct LenientVisitor;

impl<'de> serde::de::Visitor<'de> for LenientVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(match i64::try_from(v) {
            Ok(v) => Value::Number(v.into()),
            // Wider than 64 bits: the nearest float is as precise as a schema bound needs.
            Err(_) => Value::Number(Number::from(v as f64)),
        })
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(v) => Value::Number(v.into()),
            Err(_) => Value::Number(Number::from(v as f64)),
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Lenient(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Mapping::new();
        while let Some((Lenient(key), Lenient(value))) = map.next_entry()? {
            // Every key of an OpenAPI object is a string; YAML reads `200:` as a number,
            // which the typed reader takes as text but a tree would not.
            let key = match key {
                Value::Number(n) => Value::String(n.to_string()),
                Value::Bool(b) => Value::String(b.to_string()),
                other => other,
            };
            out.insert(key, value);
        }
        Ok(Value::Mapping(out))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A YAML tag (`!Tag value`).
        let (tag, variant): (String, _) = data.variant()?;
        let Lenient(value) = variant.newtype_variant()?;
        Ok(Value::Tagged(Box::new(TaggedValue {
            tag: Tag::new(tag),
            value,
        })))
    }
}

/// For `#[serde(deserialize_with)]`: any value, integers wider than 64 bits as floats.
pub fn value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Option::<Lenient>::deserialize(deserializer).map(|v| v.map(|l| l.0))
}

/// For `#[serde(deserialize_with)]`: a list of values, as [`value`].
pub fn values<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<Value>>, D::Error> {
    Option::<Vec<Lenient>>::deserialize(deserializer)
        .map(|v| v.map(|items| items.into_iter().map(|l| l.0).collect()))
}

/// For `#[serde(deserialize_with)]`: a number of any size, as the nearest `f64`.
pub fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    match Option::<Lenient>::deserialize(deserializer)? {
        None | Some(Lenient(Value::Null)) => Ok(None),
        Some(Lenient(Value::Number(n))) => Ok(n.as_f64()),
        // YAML reads a number too large for a float (`1e400`) as text.
        Some(Lenient(Value::String(text))) if text.trim().parse::<f64>().is_ok() => {
            Ok(text.trim().parse().ok())
        }
        Some(Lenient(other)) => Err(serde::de::Error::custom(format!(
            "invalid type: {}, expected a number",
            kind(&other)
        ))),
    }
}

/// For `#[serde(deserialize_with)]`: the entries of an OpenAPI object that allows extensions
/// beside them (the Paths and Responses objects), without the `x-` ones; `null` is empty.
pub fn without_extensions<'de, D, T>(deserializer: D) -> Result<IndexMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Entries<T>(std::marker::PhantomData<T>);

    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Entries<T> {
        type Value = IndexMap<String, T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a map")
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(IndexMap::new())
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(IndexMap::new())
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = IndexMap::with_capacity(map.size_hint().unwrap_or(0));
            while let Some(key) = map.next_key::<String>()? {
                if key.starts_with("x-") {
                    map.next_value::<serde::de::IgnoredAny>()?;
                } else {
                    let value = map.next_value::<T>()?;
                    out.insert(key, value);
                }
            }
            Ok(out)
        }
    }

    deserializer.deserialize_map(Entries(std::marker::PhantomData))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a sequence",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_among_paths_and_responses_are_skipped() {
        let text = "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  x-note: text
  /a:
    get:
      responses:
        x-ok: 1
        200: {description: ok}
";
        let typed: crate::openapi::Document = typed(text).expect("the typed reader reads");
        let mut tree = tree(text).expect("the tree reads");
        let (repaired, _) = crate::repair::deserialize::<crate::openapi::Document>(&mut tree)
            .expect("the tree reader reads");
        for document in [typed, repaired] {
            assert_eq!(document.paths.keys().collect::<Vec<_>>(), ["/a"]);
            let get = document.paths["/a"].get.as_ref().expect("a get");
            assert_eq!(get.responses.keys().collect::<Vec<_>>(), ["200"]);
        }
    }

    #[test]
    fn a_byte_order_mark_is_not_a_second_document() {
        for text in [
            "\u{feff}openapi: 3.0.3\ninfo: {title: T, version: '1'}\n",
            "\u{feff}{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"T\", \"version\": \"1\"}}",
        ] {
            let value = tree(text).expect("the tree reads");
            assert_eq!(value["openapi"].as_str(), Some("3.0.3"));
            let typed: Value = typed(text).expect("the typed reader reads");
            assert_eq!(typed["info"]["title"].as_str(), Some("T"));
        }
    }

    #[test]
    fn json_with_surrogate_pairs_reads_as_json() {
        let text = r#"{"a": "Hello! \ud83d\udc4d", "b": [1, 2.5, true, null]}"#;
        let value = tree(text).expect("JSON reads");
        assert_eq!(value["a"].as_str(), Some("Hello! 👍"));
        assert_eq!(value["b"][1].as_f64(), Some(2.5));
        assert!(
            serde_yaml::from_str::<Value>(text).is_err(),
            "YAML refuses it"
        );
    }

    #[test]
    fn integers_beyond_64_bits_read_as_floats() {
        for text in [
            "max: 18446744073709552000\n",
            r#"{"max": 18446744073709552000}"#,
        ] {
            let value = tree(text).expect("reads");
            assert_eq!(value["max"].as_f64(), Some(18_446_744_073_709_552_000.0));
        }
        let value = tree("min: -170141183460469231731687303715884105728\n").expect("reads");
        assert!(value["min"].as_f64().is_some_and(|v| v < -1e38));
    }

    #[test]
    fn errors_keep_their_place() {
        let yaml = tree("a: [1, 2\nb: c\n").expect_err("unclosed");
        assert!(yaml.line_col.is_some(), "{yaml:?}");
        assert!(!yaml.message.contains(" at line "), "{yaml:?}");
        let json = tree("{\n  \"a\": 1,\n  \"b\" 2\n}").expect_err("missing colon");
        assert_eq!(json.line_col.map(|(line, _)| line), Some(3), "{json:?}");
        assert!(!json.message.contains(" at line "), "{json:?}");
    }

    #[test]
    fn tags_are_kept() {
        let value = tree("a: !Thing 3\n").expect("reads");
        assert!(matches!(&value["a"], Value::Tagged(_)), "{value:?}");
    }
}
