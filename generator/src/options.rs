//! What a caller can change about a run: the output layout, how schema types and formats map
//! to Rust types, and names chosen outside the spec.
//!
//! The format table is the one place that decides which Rust type an OpenAPI `type`/`format`
//! pair becomes. [`TypeMapping::standard`] is the default; [`TypeMapping::set`] overrides one
//! entry, for example to read every `int32` as `i64`.

use std::collections::BTreeMap;

pub use crate::ir::{ExternalType, FloatType, IntType, TextEncoding};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Only the generated modules, as paths relative to the client crate's `src/generated/`.
    Modules,
    /// A complete crate (`Cargo.toml`, `src/lib.rs`, the runtime and the generated modules),
    /// as paths relative to the crate root.
    Crate,
}

/// The Rust type a scalar schema becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scalar {
    /// `String`.
    String,
    /// `Vec<u8>`.
    Bytes,
    /// `bool`.
    Bool,
    /// An integer type.
    Integer(IntType),
    /// A floating-point type.
    Float(FloatType),
    /// A type from another crate or `std`, such as `chrono::DateTime<chrono::Utc>`.
    External(ExternalType),
}

/// The table from an OpenAPI `type` and `format` to a Rust type.
///
/// A lookup tries `(type, format)` first and then `(type, "")`, the entry for the type
/// without a format, so unknown formats fall back to the type's default.
///
/// A document can add entries of its own in `x-rust-client`, which win over this table:
///
/// ```yaml
/// x-rust-client:
///   types:
///     - type: string
///       format: date-time
///       rust: chrono::DateTime<chrono::Utc>
///       dependency: chrono = { version = "0.4", default-features = false, features = ["serde"] }
/// ```
///
/// The same entry in code:
///
/// ```
/// use openapi_rust_generator::{ExternalType, Scalar, TypeMapping};
///
/// let chrono = r#"chrono = { version = "0.4", default-features = false, features = ["serde"] }"#;
/// let table = TypeMapping::standard().set(
///     "string",
///     "date-time",
///     Scalar::External(ExternalType::new("chrono::DateTime<chrono::Utc>").dependency(chrono)),
/// );
/// assert!(matches!(table.lookup("string", Some("date-time")), Some(Scalar::External(_))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeMapping {
    entries: BTreeMap<(String, String), Scalar>,
}

impl TypeMapping {
    /// The default table.
    ///
    /// | type | format | Rust |
    /// | --- | --- | --- |
    /// | `integer` | none, `int64` | `i64` |
    /// | `integer` | `int8`, `int16`, `int32` | `i8`, `i16`, `i32` |
    /// | `integer` | `uint8`, `uint16`, `uint32` | `u8`, `u16`, `u32` |
    /// | `integer` | `uint64`, `uint` | `u64` |
    /// | `number` | none, `double` | `f64` |
    /// | `number` | `float` | `f32` |
    /// | `string` | none, `date-time`, `date`, `uuid`, `byte`, any other | `String` |
    /// | `string` | `binary` | `Vec<u8>` |
    /// | `boolean` | any | `bool` |
    pub fn standard() -> Self {
        use IntType::*;
        let mut mapping = Self {
            entries: BTreeMap::new(),
        };
        let integers = [
            ("", I64),
            ("int8", I8),
            ("int16", I16),
            ("int32", I32),
            ("int64", I64),
            ("uint8", U8),
            ("uint16", U16),
            ("uint32", U32),
            ("uint64", U64),
            ("uint", U64),
        ];
        for (format, ty) in integers {
            mapping = mapping.set("integer", format, Scalar::Integer(ty));
        }
        mapping
            .set("number", "", Scalar::Float(FloatType::F64))
            .set("number", "double", Scalar::Float(FloatType::F64))
            .set("number", "float", Scalar::Float(FloatType::F32))
            .set("string", "", Scalar::String)
            .set("string", "date-time", Scalar::String)
            .set("string", "date", Scalar::String)
            .set("string", "uuid", Scalar::String)
            .set("string", "byte", Scalar::String)
            .set("string", "binary", Scalar::Bytes)
            .set("boolean", "", Scalar::Bool)
    }

    /// The table with a preset's entries over it, or `None` for a name not in [`TYPE_PRESETS`]:
    ///
    /// | preset | type | format | Rust | a missing required value becomes |
    /// | --- | --- | --- | --- | --- |
    /// | `chrono` | `string` | `date-time` | `chrono::DateTime<chrono::Utc>` | `1970-01-01T00:00:00Z` |
    /// | `chrono` | `string` | `date` | `chrono::NaiveDate` | `1970-01-01` |
    /// | `uuid` | `string` | `uuid` | `uuid::Uuid` | the nil UUID |
    ///
    /// Each writes its values in parameters by their serde form, which is the wire form
    /// (RFC 3339 for dates and times), and adds its crate to a standalone crate's
    /// `[dependencies]`. `time` (RFC 3339 `full-time`, with an offset) and `duration` stay
    /// `String`: chrono has no type for a time of day with an offset, nor a serde form for a
    /// duration.
    ///
    /// ```
    /// use openapi_rust_generator::{Scalar, TypeMapping};
    ///
    /// let table = TypeMapping::standard().preset("uuid").expect("a preset");
    /// assert!(matches!(table.lookup("string", Some("uuid")), Some(Scalar::External(_))));
    /// assert!(TypeMapping::standard().preset("joda").is_none());
    /// ```
    pub fn preset(self, name: &str) -> Option<Self> {
        const CHRONO: &str =
            r#"chrono = { version = "0.4", default-features = false, features = ["serde"] }"#;
        const UUID: &str = r#"uuid = { version = "1", features = ["serde"] }"#;
        let external = |path: &str, dependency: &str, zero: &str| {
            Scalar::External(ExternalType::new(path).dependency(dependency).zero(zero))
        };
        Some(match name {
            "chrono" => self
                .set(
                    "string",
                    "date-time",
                    external(
                        "chrono::DateTime<chrono::Utc>",
                        CHRONO,
                        "1970-01-01T00:00:00Z",
                    ),
                )
                .set(
                    "string",
                    "date",
                    external("chrono::NaiveDate", CHRONO, "1970-01-01"),
                ),
            "uuid" => self.set(
                "string",
                "uuid",
                external("uuid::Uuid", UUID, "00000000-0000-0000-0000-000000000000"),
            ),
            _ => return None,
        })
    }

    /// Maps `(ty, format)` to `rust`; an empty `format` sets the type's default.
    pub fn set(mut self, ty: &str, format: &str, rust: Scalar) -> Self {
        self.entries
            .insert((ty.to_owned(), format.to_owned()), rust);
        self
    }

    /// The Rust type of a schema of `ty` with `format`, if the table covers `ty`.
    pub fn lookup(&self, ty: &str, format: Option<&str>) -> Option<Scalar> {
        let exact = format.and_then(|f| self.entries.get(&(ty.to_owned(), f.to_owned())));
        exact
            .or_else(|| self.entries.get(&(ty.to_owned(), String::new())))
            .cloned()
    }

    /// The integer type of an `integer` schema with `format`.
    pub fn integer(&self, format: Option<&str>) -> IntType {
        match self.lookup("integer", format) {
            Some(Scalar::Integer(ty)) => ty,
            _ => IntType::I64,
        }
    }
}

/// The names [`TypeMapping::preset`] knows.
pub const TYPE_PRESETS: &[&str] = &["chrono", "uuid"];

impl Default for TypeMapping {
    fn default() -> Self {
        Self::standard()
    }
}

/// Options of one run of [`crate::generate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// What to generate.
    pub layout: Layout,
    /// How scalar schemas map to Rust types.
    pub types: TypeMapping,
    /// Group and method of operations, by operationId, as `group.method`; they win over the
    /// spec's `x-rust-method` and over names derived from tags and operationIds.
    pub operation_names: BTreeMap<String, String>,
    /// Rust type names of component schemas, by schema name (`Pet` → `Animal`).
    pub type_names: BTreeMap<String, String>,
    /// How many threads format the files; `None` uses every core. The output is the same
    /// for any number.
    pub threads: Option<usize>,
    /// Settings that win over the document's `x-rust-client`, in order.
    pub settings: Vec<SettingsLayer>,
    /// When not empty, only these operation groups (by accessor, `users`) and operations (by
    /// operationId, or `group.method`) are generated, with just the types they need; `webhooks`
    /// keeps the webhook events.
    pub only: Vec<String>,
}

/// Settings with the keys of `x-rust-client`, given beside the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsLayer {
    /// A YAML or JSON settings file: its name (for diagnostics) and text.
    File {
        /// The file's name, as diagnostics show it.
        name: String,
        /// Its text.
        text: String,
    },
    /// One setting, such as `crate-name` or `group-features`.
    Value {
        /// The setting's key.
        key: String,
        /// Its value.
        value: serde_yaml::Value,
    },
}

impl SettingsLayer {
    /// What diagnostics about the layer name it: the file, or the setting's key.
    pub fn name(&self) -> &str {
        match self {
            Self::File { name, .. } => name,
            Self::Value { key, .. } => key,
        }
    }
}

impl Options {
    /// The defaults for `layout`: the standard type table and no renames.
    pub fn new(layout: Layout) -> Self {
        Self {
            layout,
            types: TypeMapping::standard(),
            operation_names: BTreeMap::new(),
            type_names: BTreeMap::new(),
            threads: None,
            settings: Vec::new(),
            only: Vec::new(),
        }
    }

    /// Reads settings from a YAML or JSON file's `text` (named `name` in diagnostics), with
    /// the keys of `x-rust-client`; they win over the document's.
    pub fn settings_file(mut self, name: &str, text: &str) -> Self {
        self.settings.push(SettingsLayer::File {
            name: name.to_owned(),
            text: text.to_owned(),
        });
        self
    }

    /// Sets one setting of `x-rust-client` (`crate-name`, `crate-version`, `group-features`),
    /// over the document's and the settings files given before.
    pub fn setting(mut self, key: &str, value: impl Into<serde_yaml::Value>) -> Self {
        self.settings.push(SettingsLayer::Value {
            key: key.to_owned(),
            value: value.into(),
        });
        self
    }

    /// Generates only the named groups and operations (see [`Options::only`]).
    pub fn only<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.only.extend(names.into_iter().map(Into::into));
        self
    }

    /// Formats the files on at most `threads` threads (1: on the calling thread only).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads.max(1));
        self
    }

    /// Uses `types` as the format table.
    pub fn types(mut self, types: TypeMapping) -> Self {
        self.types = types;
        self
    }

    /// Names the operation `operation_id` `group.method`.
    pub fn operation_name(mut self, operation_id: &str, group_method: &str) -> Self {
        self.operation_names
            .insert(operation_id.to_owned(), group_method.to_owned());
        self
    }

    /// Names the component schema `schema` `rust_name` in Rust.
    pub fn type_name(mut self, schema: &str, rust_name: &str) -> Self {
        self.type_names
            .insert(schema.to_owned(), rust_name.to_owned());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_map_through_the_table_with_type_defaults() {
        let table = TypeMapping::standard();
        assert_eq!(table.integer(Some("int32")), IntType::I32);
        assert_eq!(table.integer(Some("uint")), IntType::U64);
        assert_eq!(table.integer(Some("weird")), IntType::I64);
        assert_eq!(table.integer(None), IntType::I64);
        assert_eq!(table.lookup("string", Some("binary")), Some(Scalar::Bytes));
        assert_eq!(
            table.lookup("string", Some("date-time")),
            Some(Scalar::String)
        );
        assert_eq!(
            table.lookup("number", Some("float")),
            Some(Scalar::Float(FloatType::F32))
        );
        assert_eq!(table.lookup("object", None), None);
    }

    #[test]
    fn an_override_replaces_one_entry() {
        let table = TypeMapping::standard().set("integer", "int32", Scalar::Integer(IntType::I64));
        assert_eq!(table.integer(Some("int32")), IntType::I64);
        assert_eq!(table.integer(Some("int16")), IntType::I16);
    }
}
