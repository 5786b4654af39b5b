//! Client error correction: decoding what the API really sends when it sends less than the
//! spec promises.
//!
//! A response is first decoded strictly. Only when that fails is it read as JSON, and every
//! member that the spec marks required but that is missing, or `null` where the spec does not
//! allow it, is filled with the zero value of its type: `""`, `0`, `false`, `[]`, `{}`, the
//! catch-all variant of an open enum, or an object whose own required members are filled the
//! same way. The body is then decoded again. A value of the wrong type is not corrected: it
//! stays a decode error.
//!
//! What a value should look like comes from [`Shaped`], which every generated type implements
//! and the runtime implements for the standard types generated code uses.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use super::values::Nullable;

/// Deeper than this, a zero value is `null`: it keeps a recursive shape from looping.
const MAX_DEPTH: usize = 64;

/// What a JSON value should look like, as far as filling in a missing one goes.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Shape {
    /// Any JSON value (kept as JSON, never corrected). Its zero value is `null`.
    Any,
    /// A string; also an open string enum, whose zero value `""` decodes as its catch-all
    /// variant.
    String,
    /// A string that only some texts decode as (a timestamp, a UUID), with the one to fill in
    /// when it is missing, such as `1970-01-01T00:00:00Z`.
    Text(&'static str),
    /// An integer, or an open integer enum.
    Integer,
    /// A floating-point number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A value that may be `null`.
    Nullable(fn() -> Shape),
    /// A list.
    Array(fn() -> Shape),
    /// An object with arbitrary keys.
    Map(fn() -> Shape),
    /// An object with known members.
    Object(&'static [Member]),
    /// One of several object types, told apart by the string in `property`.
    Tagged {
        /// The member that holds the tag.
        property: &'static str,
        /// The tag values of each variant, and its shape.
        variants: &'static [TagVariant],
    },
    /// One of several shapes, without a tag: the one the value fits best is corrected.
    OneOf(&'static [fn() -> Shape]),
}

/// A variant of [`Shape::Tagged`]: the tag values that select it, and its shape.
pub type TagVariant = (&'static [&'static str], fn() -> Shape);

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Any => "Any",
            Self::String => "String",
            Self::Text(_) => "Text",
            Self::Integer => "Integer",
            Self::Number => "Number",
            Self::Boolean => "Boolean",
            Self::Nullable(_) => "Nullable",
            Self::Array(_) => "Array",
            Self::Map(_) => "Map",
            Self::Object(_) => "Object",
            Self::Tagged { .. } => "Tagged",
            Self::OneOf(_) => "OneOf",
        })
    }
}

/// A member of an object [`Shape`].
#[derive(Clone, Copy)]
pub struct Member {
    /// The JSON key.
    pub name: &'static str,
    /// Whether decoding needs it present and not `null`.
    pub required: bool,
    /// Its shape.
    pub shape: fn() -> Shape,
}

impl Member {
    /// A member; `required` means decoding needs it present and not `null`.
    pub const fn new(name: &'static str, required: bool, shape: fn() -> Shape) -> Self {
        Self {
            name,
            required,
            shape,
        }
    }

    /// A member that may be absent and holds a scalar: nothing in it is ever corrected, and
    /// only its name counts (when telling the variants of a union apart).
    pub const fn optional(name: &'static str) -> Self {
        Self::new(name, false, any)
    }
}

fn any() -> Shape {
    Shape::Any
}

/// The shape of `T`, as a function pointer for [`Member`] and [`Shape`] tables.
pub fn shape<T: Shaped>() -> Shape {
    T::shape()
}

impl fmt::Debug for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Member")
            .field("name", &self.name)
            .field("required", &self.required)
            .finish_non_exhaustive()
    }
}

/// A type whose JSON shape the corrector knows.
pub trait Shaped {
    /// The shape of the type's JSON form.
    fn shape() -> Shape;
}

macro_rules! scalar_shapes {
    ($shape:ident: $($ty:ty),*) => {
        $(impl Shaped for $ty {
            fn shape() -> Shape {
                Shape::$shape
            }
        })*
    };
}

scalar_shapes!(String: String);
scalar_shapes!(Integer: i8, i16, i32, i64, u8, u16, u32, u64);
scalar_shapes!(Number: f32, f64);
scalar_shapes!(Boolean: bool);
scalar_shapes!(Any: Value, ());

impl<T: Shaped> Shaped for Option<T> {
    fn shape() -> Shape {
        Shape::Nullable(T::shape)
    }
}

impl<T: Shaped> Shaped for Nullable<T> {
    fn shape() -> Shape {
        Shape::Nullable(T::shape)
    }
}

impl<T: Shaped> Shaped for Box<T> {
    fn shape() -> Shape {
        T::shape()
    }
}

impl<T: Shaped> Shaped for Vec<T> {
    fn shape() -> Shape {
        Shape::Array(T::shape)
    }
}

impl<T: Shaped> Shaped for BTreeMap<String, T> {
    fn shape() -> Shape {
        Shape::Map(T::shape)
    }
}

impl<T: Shaped> Shaped for std::collections::HashMap<String, T> {
    fn shape() -> Shape {
        Shape::Map(T::shape)
    }
}

impl Shaped for serde_json::Map<String, Value> {
    fn shape() -> Shape {
        Shape::Map(Value::shape)
    }
}

/// Why a value was filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CorrectionKind {
    /// A required member was absent.
    Missing,
    /// A member, list item or map value was `null` where the spec does not allow it.
    Null,
}

/// One value the client filled in because the response lacked it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Correction {
    /// The operation whose response was corrected.
    pub operation: &'static str,
    /// The JSON path of the value, such as `passkeys[0].verification.object`.
    pub path: String,
    /// Whether it was absent or `null`.
    pub kind: CorrectionKind,
    /// The zero value put in its place, as JSON (`""`, `0`, `false`, `[]`, `{}`, ...).
    pub zero: String,
}

impl fmt::Display for Correction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            CorrectionKind::Missing => "was missing",
            CorrectionKind::Null => "was null",
        };
        write!(
            f,
            "{}: `{}` {what}; decoded as {}",
            self.operation, self.path, self.zero
        )
    }
}

impl Correction {
    /// The serde error strict decoding reports for this correction.
    pub(crate) fn to_serde_error(&self) -> serde_json::Error {
        use serde::de::Error as _;
        let name = self.path.rsplit(['.', '[']).next().unwrap_or(&self.path);
        match self.kind {
            CorrectionKind::Missing => {
                serde_json::Error::custom(format_args!("missing field `{name}` (strict decoding)"))
            }
            CorrectionKind::Null => serde_json::Error::custom(format_args!(
                "null where {} is required (strict decoding)",
                self.zero_description()
            )),
        }
    }

    fn zero_description(&self) -> &'static str {
        match self.zero.as_bytes().first() {
            Some(b'"') => "a string",
            Some(b'[') => "a list",
            Some(b'{') => "an object",
            Some(b't' | b'f') => "a boolean",
            _ => "a number",
        }
    }
}

/// A JSON path being walked, printed like `data[0].organization.has_image`.
struct Path(Vec<Segment>);

enum Segment {
    Key(String),
    Index(usize),
}

impl Path {
    /// The path, with `last` as a final key when given; `.` for the root.
    fn render(&self, last: Option<&str>) -> String {
        let mut text = String::new();
        let key = |text: &mut String, key: &str| {
            if !text.is_empty() {
                text.push('.');
            }
            text.push_str(key);
        };
        for segment in &self.0 {
            match segment {
                Segment::Key(name) => key(&mut text, name),
                Segment::Index(index) => {
                    text.push('[');
                    text.push_str(&index.to_string());
                    text.push(']');
                }
            }
        }
        if let Some(last) = last {
            key(&mut text, last);
        }
        if text.is_empty() {
            text.push('.');
        }
        text
    }
}

/// Fills the zero value into every required member of `value` that is missing or `null`
/// where `shape` does not allow it, and returns what it filled in, in document order.
///
/// A `null` root (as an empty body reads) where the shape allows none becomes the zero value
/// too, reported at the path `.`.
pub fn correct(operation: &'static str, value: &mut Value, shape: Shape) -> Vec<Correction> {
    let mut corrector = Corrector {
        operation,
        path: Path(Vec::new()),
        corrections: Vec::new(),
    };
    if value.is_null() && !accepts_null(shape) {
        let zero = zero(shape, 0);
        corrector.record(None, CorrectionKind::Null, &zero);
        *value = zero;
    }
    corrector.walk(value, shape, 0);
    corrector.corrections
}

struct Corrector {
    operation: &'static str,
    path: Path,
    corrections: Vec<Correction>,
}

impl Corrector {
    fn record(&mut self, last: Option<&str>, kind: CorrectionKind, zero: &Value) {
        self.corrections.push(Correction {
            operation: self.operation,
            path: self.path.render(last),
            kind,
            zero: zero.to_string(),
        });
    }

    /// Corrects `value` in place against `shape`. Values of another type are left alone, so
    /// that decoding reports them.
    fn walk(&mut self, value: &mut Value, shape: Shape, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match (shape, value) {
            (Shape::Nullable(inner), value) if !value.is_null() => {
                self.walk(value, inner(), depth + 1);
            }
            (Shape::Object(members), Value::Object(map)) => {
                for member in members {
                    match map.get_mut(member.name) {
                        Some(item) if !item.is_null() => {
                            self.path.0.push(Segment::Key(member.name.to_owned()));
                            self.walk(item, (member.shape)(), depth + 1);
                            self.path.0.pop();
                        }
                        found if member.required && !accepts_null((member.shape)()) => {
                            let kind = match found {
                                Some(_) => CorrectionKind::Null,
                                None => CorrectionKind::Missing,
                            };
                            let zero = zero((member.shape)(), depth + 1);
                            self.record(Some(member.name), kind, &zero);
                            map.insert(member.name.to_owned(), zero);
                        }
                        _ => {}
                    }
                }
            }
            (Shape::Array(items), Value::Array(values)) => {
                let shape = items();
                for (index, item) in values.iter_mut().enumerate() {
                    self.path.0.push(Segment::Index(index));
                    self.item(item, shape, depth);
                    self.path.0.pop();
                }
            }
            (Shape::Map(values), Value::Object(map)) => {
                let shape = values();
                for (key, item) in map.iter_mut() {
                    self.path.0.push(Segment::Key(key.clone()));
                    self.item(item, shape, depth);
                    self.path.0.pop();
                }
            }
            (Shape::Tagged { property, variants }, value @ Value::Object(_)) => {
                let tag = value.get(property).and_then(Value::as_str).unwrap_or("");
                // An unknown or absent tag decodes as the catch-all variant, which needs nothing.
                if let Some((_, variant)) = variants.iter().find(|(tags, _)| tags.contains(&tag)) {
                    self.walk(value, variant(), depth + 1);
                }
            }
            (Shape::OneOf(variants), value) => {
                if let Some(variant) = best_fit(value, variants, depth) {
                    self.walk(value, variant, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// A list item or map value: `null` is corrected unless the item shape allows it.
    fn item(&mut self, item: &mut Value, shape: Shape, depth: usize) {
        if item.is_null() && !accepts_null(shape) {
            let zero = zero(shape, depth + 1);
            self.record(None, CorrectionKind::Null, &zero);
            *item = zero;
        } else {
            self.walk(item, shape, depth + 1);
        }
    }
}

/// Whether decoding accepts `null` for the shape.
fn accepts_null(shape: Shape) -> bool {
    matches!(shape, Shape::Nullable(_) | Shape::Any)
}

/// The zero value of a shape.
fn zero(shape: Shape, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match shape {
        Shape::Any | Shape::Nullable(_) => Value::Null,
        Shape::String => Value::String(String::new()),
        Shape::Text(zero) => Value::String(zero.to_owned()),
        Shape::Integer => Value::from(0),
        Shape::Number => Value::from(0.0),
        Shape::Boolean => Value::Bool(false),
        Shape::Array(_) => Value::Array(Vec::new()),
        // An object with no tag decodes as a tagged union's catch-all variant.
        Shape::Map(_) | Shape::Tagged { .. } => Value::Object(serde_json::Map::new()),
        Shape::Object(members) => Value::Object(
            members
                .iter()
                .filter(|member| member.required && !accepts_null((member.shape)()))
                .map(|member| (member.name.to_owned(), zero((member.shape)(), depth + 1)))
                .collect(),
        ),
        Shape::OneOf(variants) => variants
            .first()
            .map_or(Value::Null, |variant| zero(variant(), depth + 1)),
    }
}

/// The variant of an untagged union that `value` fits best: same JSON type first, then, for
/// objects, the most members in common. `None` when it fits none.
fn best_fit(value: &Value, variants: &[fn() -> Shape], depth: usize) -> Option<Shape> {
    let mut best: Option<(usize, Shape)> = None;
    for variant in variants {
        let shape = variant();
        let score = fit(value, shape, depth);
        if score > 0 && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, shape));
        }
    }
    best.map(|(_, shape)| shape)
}

/// How well `value` fits `shape`: 0 for not at all.
fn fit(value: &Value, shape: Shape, depth: usize) -> usize {
    if depth > MAX_DEPTH {
        return 0;
    }
    match (shape, value) {
        (Shape::Nullable(_), Value::Null) | (Shape::Any, _) => 1,
        (Shape::Nullable(inner), value) => fit(value, inner(), depth + 1),
        (Shape::OneOf(variants), value) => variants
            .iter()
            .map(|variant| fit(value, variant(), depth + 1))
            .max()
            .unwrap_or(0),
        (Shape::String | Shape::Text(_), Value::String(_))
        | (Shape::Boolean, Value::Bool(_))
        | (Shape::Number, Value::Number(_))
        | (Shape::Array(_), Value::Array(_))
        | (Shape::Map(_), Value::Object(_))
        | (Shape::Tagged { .. }, Value::Object(_)) => 2,
        (Shape::Integer, Value::Number(number)) if number.is_i64() || number.is_u64() => 2,
        (Shape::Object(members), Value::Object(map)) => {
            let known = members
                .iter()
                .filter(|member| map.contains_key(member.name))
                .count();
            2 + 2 * known
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Verification;
    impl Shaped for Verification {
        fn shape() -> Shape {
            const MEMBERS: &[Member] = &[
                Member::new("object", true, <String as Shaped>::shape),
                Member::new("attempts", true, <Option<i64> as Shaped>::shape),
            ];
            Shape::Object(MEMBERS)
        }
    }

    struct Passkey;
    impl Shaped for Passkey {
        fn shape() -> Shape {
            const MEMBERS: &[Member] = &[
                Member::new("name", true, <String as Shaped>::shape),
                Member::new(
                    "verification",
                    true,
                    <Option<Verification> as Shaped>::shape,
                ),
            ];
            Shape::Object(MEMBERS)
        }
    }

    struct User;
    impl Shaped for User {
        fn shape() -> Shape {
            const MEMBERS: &[Member] = &[
                Member::new("id", true, <String as Shaped>::shape),
                Member::new("has_image", true, <bool as Shaped>::shape),
                Member::new("count", true, <u32 as Shaped>::shape),
                Member::new("ratio", true, <f64 as Shaped>::shape),
                Member::new("tags", true, <Vec<String> as Shaped>::shape),
                Member::new("labels", true, <BTreeMap<String, String> as Shaped>::shape),
                Member::new("nickname", false, <Option<String> as Shaped>::shape),
                Member::new("passkeys", true, <Vec<Passkey> as Shaped>::shape),
                Member::new("primary", true, <Verification as Shaped>::shape),
            ];
            Shape::Object(MEMBERS)
        }
    }

    fn paths(corrections: &[Correction]) -> Vec<(&str, CorrectionKind, &str)> {
        corrections
            .iter()
            .map(|c| (c.path.as_str(), c.kind, c.zero.as_str()))
            .collect()
    }

    #[test]
    fn fills_missing_and_null_members_with_zero_values() {
        let mut value = serde_json::json!({
            "id": null,
            "passkeys": [{"name": "key", "verification": {"attempts": null}}],
            "nickname": null,
        });
        let corrections = correct("getUser", &mut value, User::shape());
        assert_eq!(
            paths(&corrections),
            vec![
                ("id", CorrectionKind::Null, "\"\""),
                ("has_image", CorrectionKind::Missing, "false"),
                ("count", CorrectionKind::Missing, "0"),
                ("ratio", CorrectionKind::Missing, "0.0"),
                ("tags", CorrectionKind::Missing, "[]"),
                ("labels", CorrectionKind::Missing, "{}"),
                (
                    "passkeys[0].verification.object",
                    CorrectionKind::Missing,
                    "\"\""
                ),
                ("primary", CorrectionKind::Missing, "{\"object\":\"\"}"),
            ]
        );
        assert_eq!(value["passkeys"][0]["verification"]["object"], "");
        assert_eq!(
            value["passkeys"][0]["verification"]["attempts"],
            Value::Null
        );
        assert_eq!(value["nickname"], Value::Null, "nullable members stay null");
        assert_eq!(value["primary"], serde_json::json!({"object": ""}));
        assert_eq!(corrections[6].operation, "getUser");
    }

    #[test]
    fn leaves_values_of_the_wrong_type_alone() {
        let mut value = serde_json::json!({"id": 5, "has_image": "yes", "tags": {}});
        let before = value.clone();
        let corrections = correct("getUser", &mut value, User::shape());
        for field in ["id", "has_image", "tags"] {
            assert_eq!(value[field], before[field], "{field} must not be replaced");
            assert!(corrections.iter().all(|c| c.path != field));
        }
    }

    #[test]
    fn corrects_null_list_items_and_map_values() {
        let mut value = serde_json::json!([{"tags": ["a", null], "labels": {"x": null}}]);
        let shape = <Vec<User> as Shaped>::shape();
        let corrections = correct("listUsers", &mut value, shape);
        let found = paths(&corrections);
        assert!(found.contains(&("[0].tags[1]", CorrectionKind::Null, "\"\"")));
        assert!(found.contains(&("[0].labels.x", CorrectionKind::Null, "\"\"")));
        assert!(found.contains(&("[0].id", CorrectionKind::Missing, "\"\"")));
    }

    struct Either;
    impl Shaped for Either {
        fn shape() -> Shape {
            const VARIANTS: &[fn() -> Shape] = &[<String as Shaped>::shape, Passkey::shape];
            Shape::OneOf(VARIANTS)
        }
    }

    struct Tagged;
    impl Shaped for Tagged {
        fn shape() -> Shape {
            const VARIANTS: &[TagVariant] = &[(&["passkey"], Passkey::shape)];
            Shape::Tagged {
                property: "object",
                variants: VARIANTS,
            }
        }
    }

    #[test]
    fn unions_correct_the_variant_the_value_fits() {
        let mut value = serde_json::json!({"verification": null});
        let corrections = correct("op", &mut value, Either::shape());
        assert_eq!(
            paths(&corrections),
            vec![("name", CorrectionKind::Missing, "\"\"")]
        );
        let mut text = serde_json::json!("plain");
        assert!(correct("op", &mut text, Either::shape()).is_empty());

        let mut tagged = serde_json::json!({"object": "passkey"});
        let corrections = correct("op", &mut tagged, Tagged::shape());
        assert_eq!(
            paths(&corrections),
            vec![("name", CorrectionKind::Missing, "\"\"")]
        );
        let mut unknown = serde_json::json!({"object": "other"});
        assert!(correct("op", &mut unknown, Tagged::shape()).is_empty());
    }

    #[test]
    fn strict_errors_name_the_member() {
        let mut value = serde_json::json!({"passkeys": [{"name": "k", "verification": {}}]});
        let corrections = correct("getUser", &mut value, User::shape());
        let strict = corrections
            .iter()
            .find(|c| c.path == "passkeys[0].verification.object")
            .map(Correction::to_serde_error)
            .map(|e| e.to_string());
        assert_eq!(
            strict.as_deref(),
            Some("missing field `object` (strict decoding)")
        );
        let shown = corrections[0].to_string();
        assert_eq!(shown, "getUser: `id` was missing; decoded as \"\"");
    }
}
