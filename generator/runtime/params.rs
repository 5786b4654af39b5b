//! Parameter serialization by OpenAPI `style` and `explode`, for values that are not a single
//! scalar written with `Display`: lists, objects, and scalars in the `label` and `matrix`
//! path styles.
//!
//! A value is first turned into JSON (so any `Serialize` type works), then into one of three
//! shapes: a scalar's text, a list of item texts, or an object's `(key, text)` pairs, in the
//! order the type serializes them. `null` members are left out. A list item or member value
//! that is itself a list or object is written as its JSON text, since the serialization
//! rules stop at one level.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Everything but RFC 3986 unreserved characters is escaped in a path segment, so that a
/// value such as `a/../b` stays one segment, and a `,` or `=` inside a value cannot be read as
/// a separator.
pub(crate) const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// An OpenAPI parameter style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `simple`: comma-separated (paths and headers).
    Simple,
    /// `label`: each value prefixed with `.` (paths).
    Label,
    /// `matrix`: `;name=value` (paths).
    Matrix,
    /// `form`: `name=value` pairs (queries and cookies).
    Form,
    /// `spaceDelimited`: items joined by spaces (queries).
    SpaceDelimited,
    /// `pipeDelimited`: items joined by `|` (queries).
    PipeDelimited,
    /// `deepObject`: `name[key]=value` per member (queries).
    DeepObject,
}

/// A value flattened one level, as the serialization rules see it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    Scalar(String),
    List(Vec<String>),
    Object(Vec<(String, String)>),
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        nested => nested.to_string(),
    }
}

/// The shape of a value; `None` for `null`, which sends nothing. Members keep the order in
/// which the type serializes them (a struct's field order), so the value goes through JSON
/// text rather than through a `serde_json::Map`, which would sort them.
pub(crate) fn shape_of(value: &impl Serialize) -> Result<Option<Shape>, serde_json::Error> {
    shape_of_json(&serde_json::to_string(value)?)
}

fn shape_of_json(json: &str) -> Result<Option<Shape>, serde_json::Error> {
    serde_json::from_str::<Shaper>(json).map(|s| s.0)
}

struct Shaper(Option<Shape>);

impl<'de> Deserialize<'de> for Shaper {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ShaperVisitor).map(Shaper)
    }
}

struct ShaperVisitor;

impl<'de> Visitor<'de> for ShaperVisitor {
    type Value = Option<Shape>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(Shape::Scalar(v.to_string())))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Shape::Scalar(v.to_string())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Shape::Scalar(v.to_string())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Shape::Scalar(text(&Value::from(v)))))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Shape::Scalar(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(Shape::Scalar(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(text(&item));
        }
        Ok(Some(Shape::List(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            if !value.is_null() {
                members.push((key, text(&value)));
            }
        }
        Ok(Some(Shape::Object(members)))
    }
}

fn encode(text: &str) -> Cow<'_, str> {
    utf8_percent_encode(text, SEGMENT).into()
}

/// `k1,v1,k2,v2` (`=` between key and value when `pairs`; `separator` between members), each
/// piece escaped by `escape`.
fn join_members(
    members: &[(String, String)],
    pairs: bool,
    separator: &str,
    escape: fn(&str) -> Cow<'_, str>,
) -> String {
    join_members_with(members, if pairs { "=" } else { "," }, separator, escape)
}

/// Members joined with `between` inside each and `separator` between them.
fn join_members_with(
    members: &[(String, String)],
    between: &str,
    separator: &str,
    escape: fn(&str) -> Cow<'_, str>,
) -> String {
    let mut out = String::new();
    for (i, (key, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(&escape(key));
        out.push_str(between);
        out.push_str(&escape(value));
    }
    out
}

fn join_items(items: &[String], separator: &str, escape: fn(&str) -> Cow<'_, str>) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(&escape(item));
    }
    out
}

/// The text that replaces `{name}` in a path: `simple`, `label` or `matrix` (any other style
/// is read as `simple`), percent-encoded except for the separators.
pub(crate) fn path_segment(
    name: &str,
    style: Style,
    explode: bool,
    shape: Option<Shape>,
) -> String {
    let Some(shape) = shape else {
        return String::new();
    };
    let name = encode(name);
    match (style, shape) {
        (Style::Label, Shape::Scalar(v)) => format!(".{}", encode(&v)),
        (Style::Label, Shape::List(items)) => {
            format!(
                ".{}",
                join_items(&items, if explode { "." } else { "," }, encode)
            )
        }
        (Style::Label, Shape::Object(members)) => format!(
            ".{}",
            join_members(&members, explode, if explode { "." } else { "," }, encode)
        ),
        (Style::Matrix, Shape::Scalar(v)) if v.is_empty() => format!(";{name}"),
        (Style::Matrix, Shape::Scalar(v)) => format!(";{name}={}", encode(&v)),
        (Style::Matrix, Shape::List(items)) if items.is_empty() => format!(";{name}"),
        (Style::Matrix, Shape::List(items)) if explode => items
            .iter()
            .map(|item| format!(";{name}={}", encode(item)))
            .collect(),
        (Style::Matrix, Shape::List(items)) => {
            format!(";{name}={}", join_items(&items, ",", encode))
        }
        (Style::Matrix, Shape::Object(members)) if explode => members
            .iter()
            .map(|(k, v)| format!(";{}={}", encode(k), encode(v)))
            .collect(),
        (Style::Matrix, Shape::Object(members)) => {
            format!(";{name}={}", join_members(&members, false, ",", encode))
        }
        (_, Shape::Scalar(v)) => encode(&v).into_owned(),
        (_, Shape::List(items)) => join_items(&items, ",", encode),
        (_, Shape::Object(members)) => join_members(&members, explode, ",", encode),
    }
}

fn plain(text: &str) -> Cow<'_, str> {
    Cow::Borrowed(text)
}

/// Appends `name=value` to a query string, both escaped like path values (a space as `%20`).
pub(crate) fn push_pair(query: &mut String, name: &str, value: &str) {
    push_raw(query, &encode(name), &encode(value));
}

fn push_raw(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(name);
    query.push('=');
    query.push_str(value);
}

/// Appends a parameter's pairs to a query string: `form` (the default), `spaceDelimited`,
/// `pipeDelimited` or `deepObject`. Names and values are escaped; the delimiters the style
/// adds are not, except a space (`%20`) and a pipe (`%7C`), which a URL cannot hold.
pub(crate) fn push_query(
    query: &mut String,
    name: &str,
    style: Style,
    explode: bool,
    shape: Option<Shape>,
) {
    let Some(shape) = shape else {
        return;
    };
    let delimiter = match style {
        Style::SpaceDelimited => "%20",
        Style::PipeDelimited => "%7C",
        _ => ",",
    };
    match shape {
        Shape::Scalar(v) => push_pair(query, name, &v),
        Shape::List(items) if explode && delimiter == "," => {
            for item in &items {
                push_pair(query, name, item);
            }
        }
        Shape::List(items) => {
            push_raw(query, &encode(name), &join_items(&items, delimiter, encode))
        }
        Shape::Object(members) if style == Style::DeepObject => {
            for (key, value) in &members {
                push_pair(query, &format!("{name}[{key}]"), value);
            }
        }
        Shape::Object(members) if explode && delimiter == "," => {
            for (key, value) in &members {
                push_pair(query, key, value);
            }
        }
        Shape::Object(members) => {
            let text = join_members_with(&members, delimiter, delimiter, encode);
            push_raw(query, &encode(name), &text);
        }
    }
}

/// A header's value: always `simple`.
pub(crate) fn header_text(explode: bool, shape: Option<Shape>) -> Option<String> {
    Some(match shape? {
        Shape::Scalar(v) => v,
        Shape::List(items) => items.join(","),
        Shape::Object(members) => join_members(&members, explode, ",", plain),
    })
}

/// The cookies of a parameter: always `form`. An exploded object is one cookie per member; a
/// list is one cookie of comma-separated items.
pub(crate) fn cookie_pairs(
    name: &'static str,
    explode: bool,
    shape: Option<Shape>,
) -> Vec<(Cow<'static, str>, String)> {
    match shape {
        None => Vec::new(),
        Some(Shape::Scalar(v)) => vec![(Cow::Borrowed(name), v)],
        Some(Shape::List(items)) => vec![(Cow::Borrowed(name), items.join(","))],
        Some(Shape::Object(members)) if explode => members
            .into_iter()
            .map(|(k, v)| (Cow::Owned(k), v))
            .collect(),
        Some(Shape::Object(members)) => vec![(
            Cow::Borrowed(name),
            join_members(&members, false, ",", plain),
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// In the order written, as a struct would serialize it.
    fn object() -> Option<Shape> {
        shape_of_json(r#"{"role": "admin", "firstName": "Alex", "gone": null}"#)
            .expect("valid JSON")
    }

    fn s(value: Value) -> Option<Shape> {
        shape_of(&value).expect("serializable")
    }

    /// The examples of the OpenAPI 3 style table: `5`, `[3, 4, 5]` and
    /// `{"role": "admin", "firstName": "Alex"}` for a parameter named `id`.
    #[test]
    fn path_styles_follow_the_openapi_table() {
        let cases: Vec<(Style, bool, Option<Shape>, &str)> = vec![
            (Style::Simple, false, s(json!(5)), "5"),
            (Style::Simple, true, s(json!(5)), "5"),
            (Style::Simple, false, s(json!([3, 4, 5])), "3,4,5"),
            (Style::Simple, true, s(json!([3, 4, 5])), "3,4,5"),
            (Style::Simple, false, object(), "role,admin,firstName,Alex"),
            (Style::Simple, true, object(), "role=admin,firstName=Alex"),
            (Style::Label, false, s(json!(5)), ".5"),
            (Style::Label, true, s(json!(5)), ".5"),
            (Style::Label, false, s(json!([3, 4, 5])), ".3,4,5"),
            (Style::Label, true, s(json!([3, 4, 5])), ".3.4.5"),
            (Style::Label, false, object(), ".role,admin,firstName,Alex"),
            (Style::Label, true, object(), ".role=admin.firstName=Alex"),
            (Style::Matrix, false, s(json!(5)), ";id=5"),
            (Style::Matrix, true, s(json!(5)), ";id=5"),
            (Style::Matrix, false, s(json!([3, 4, 5])), ";id=3,4,5"),
            (Style::Matrix, true, s(json!([3, 4, 5])), ";id=3;id=4;id=5"),
            (
                Style::Matrix,
                false,
                object(),
                ";id=role,admin,firstName,Alex",
            ),
            (Style::Matrix, true, object(), ";role=admin;firstName=Alex"),
            (Style::Matrix, false, s(json!("")), ";id"),
            (Style::Label, false, s(json!("")), "."),
            (Style::Simple, false, s(json!(null)), ""),
        ];
        for (style, explode, shape, expected) in cases {
            let label = format!("{style:?} explode={explode} {shape:?}");
            assert_eq!(
                path_segment("id", style, explode, shape),
                expected,
                "{label}"
            );
        }
    }

    #[test]
    fn path_values_are_escaped_but_separators_are_not() {
        let value = s(json!(["a,b", "c/d", "é"]));
        assert_eq!(
            path_segment("id", Style::Matrix, true, value),
            ";id=a%2Cb;id=c%2Fd;id=%C3%A9"
        );
        let value = s(json!({"k=1": "v;2"}));
        assert_eq!(
            path_segment("id", Style::Simple, true, value),
            "k%3D1=v%3B2"
        );
    }

    #[test]
    fn query_styles_follow_the_openapi_table() {
        let query = |style, explode, shape: Option<Shape>| {
            let mut query = String::from("a=1");
            push_query(&mut query, "id", style, explode, shape);
            query
        };
        let list = s(json!([3, 4, 5]));
        let cases = [
            (query(Style::Form, false, s(json!(5))), "a=1&id=5"),
            (query(Style::Form, true, list.clone()), "a=1&id=3&id=4&id=5"),
            (query(Style::Form, false, list.clone()), "a=1&id=3,4,5"),
            (
                query(Style::SpaceDelimited, false, list.clone()),
                "a=1&id=3%204%205",
            ),
            (
                query(Style::PipeDelimited, false, list.clone()),
                "a=1&id=3%7C4%7C5",
            ),
            (
                query(Style::Form, true, object()),
                "a=1&role=admin&firstName=Alex",
            ),
            (
                query(Style::Form, false, object()),
                "a=1&id=role,admin,firstName,Alex",
            ),
            (
                query(Style::DeepObject, true, object()),
                "a=1&id%5Brole%5D=admin&id%5BfirstName%5D=Alex",
            ),
            (
                query(Style::PipeDelimited, false, object()),
                "a=1&id=role%7Cadmin%7CfirstName%7CAlex",
            ),
            (query(Style::Form, true, None), "a=1"),
            (
                query(Style::Form, false, s(json!(["a,b", "c d&e"]))),
                "a=1&id=a%2Cb,c%20d%26e",
            ),
        ];
        for (got, expected) in cases {
            assert_eq!(got, expected);
        }
        let mut empty = String::new();
        push_pair(&mut empty, "q", "x+y");
        assert_eq!(empty, "q=x%2By");
    }

    #[test]
    fn headers_and_cookies() {
        assert_eq!(
            header_text(false, s(json!([3, 4, 5]))).as_deref(),
            Some("3,4,5")
        );
        assert_eq!(
            header_text(true, object()).as_deref(),
            Some("role=admin,firstName=Alex")
        );
        assert_eq!(
            header_text(false, object()).as_deref(),
            Some("role,admin,firstName,Alex")
        );
        let cookies = cookie_pairs("id", true, object());
        assert_eq!(cookies.len(), 2);
        assert_eq!(
            (cookies[0].0.as_ref(), cookies[0].1.as_str()),
            ("role", "admin")
        );
        let cookies = cookie_pairs("id", false, s(json!([3, 4])));
        assert_eq!(
            (cookies[0].0.as_ref(), cookies[0].1.as_str()),
            ("id", "3,4")
        );
    }

    #[test]
    fn nested_values_are_json_text() {
        let value = s(json!({"a": [1, 2], "b": {"c": true}}));
        assert_eq!(
            path_segment("id", Style::Simple, true, value),
            format!("a={},b={}", encode("[1,2]"), encode(r#"{"c":true}"#))
        );
    }
}
