//! The types of the IR: references to Rust types (`TypeRef`, including types from other
//! crates), the named types (`TypeDef` and its kinds), their fields, and what generated code
//! may do with a type's values.

use super::StatusVariant;

/// A reference to a Rust type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// A primitive integer type.
    Integer(IntType),
    /// A floating-point type.
    Float(FloatType),
    /// Any JSON value.
    Json,
    /// A free-form JSON object.
    JsonObject,
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// A map from string keys to `T`.
    Map(Box<TypeRef>),
    /// `Option<T>` inside a container (a nullable array item or map value).
    Option(Box<TypeRef>),
    /// `Box<T>`, for recursive fields.
    Boxed(Box<TypeRef>),
    /// A generated type, by Rust name.
    Named(String),
    /// Raw bytes.
    Bytes,
    /// No content.
    Unit,
    /// A type from outside the generated crate, chosen by the type table.
    External(ExternalType),
}

/// A Rust type from outside the generated crate that a `type`/`format` pair maps to, such as
/// `chrono::DateTime<chrono::Utc>` for `date-time`.
///
/// Generated code derives `Clone`, `Debug`, `PartialEq`, `Serialize` and `Deserialize` for
/// the types that hold it, so the type needs those too. When a response lacks a required
/// value of it, the corrector fills in `zero` if there is one; without one, the value fails
/// to decode, naming its path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExternalType {
    /// The type as generated code writes it (a path, with generic arguments if any).
    pub path: String,
    /// How a value is written in a path, query, header or cookie parameter.
    pub encoding: TextEncoding,
    /// The line a standalone crate's `[dependencies]` needs for it, such as
    /// `chrono = { version = "0.4", default-features = false, features = ["serde"] }`.
    pub dependency: Option<String>,
    /// The string the response corrector fills in for a missing required value, such as
    /// `1970-01-01T00:00:00Z`; `None` leaves such a value missing.
    pub zero: Option<String>,
}

impl ExternalType {
    /// `path`, written in parameters by its serde form.
    pub fn new(path: &str) -> Self {
        Self {
            path: path.to_owned(),
            encoding: TextEncoding::Serde,
            dependency: None,
            zero: None,
        }
    }

    /// Fills in `text` for a missing required value when a response is corrected.
    pub fn zero(mut self, text: &str) -> Self {
        self.zero = Some(text.to_owned());
        self
    }

    /// Writes the type in parameters with `encoding`.
    pub fn encoding(mut self, encoding: TextEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Adds `line` to a standalone crate's `[dependencies]`.
    pub fn dependency(mut self, line: &str) -> Self {
        self.dependency = Some(line.to_owned());
        self
    }
}

/// How a value of an external type becomes parameter text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TextEncoding {
    /// Its serde form, which must be a string, number or boolean: a string as it is (so a
    /// `chrono::DateTime` is written in RFC 3339), other scalars as JSON text.
    Serde,
    /// Its `Display` text.
    Display,
}

/// What generated code may do with values of a type: the one answer to "is it a scalar",
/// for each way the question is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Parameters write it with `Display` (in the location's default style).
    pub display: bool,
    /// The response corrector never looks inside it: a JSON scalar, any JSON, bytes, or an
    /// external type.
    pub opaque: bool,
}

impl Capabilities {
    const SCALAR: Self = Self {
        display: true,
        opaque: true,
    };
    const OPAQUE: Self = Self {
        display: false,
        opaque: true,
    };
    const COMPOSITE: Self = Self {
        display: false,
        opaque: false,
    };
}

impl TypeRef {
    /// What generated code may do with values of this type; `named` answers for the
    /// generated types it names.
    pub fn capabilities(&self, named: &mut dyn FnMut(&str) -> Capabilities) -> Capabilities {
        match self {
            Self::String | Self::Bool | Self::Integer(_) | Self::Float(_) => Capabilities::SCALAR,
            Self::Json | Self::JsonObject | Self::Bytes | Self::Unit => Capabilities::OPAQUE,
            Self::External(external) => Capabilities {
                display: external.encoding == TextEncoding::Display,
                opaque: true,
            },
            Self::Vec(_) | Self::Map(_) | Self::Option(_) | Self::Boxed(_) => {
                Capabilities::COMPOSITE
            }
            Self::Named(name) => named(name),
        }
    }
}

/// The Rust integer types a schema can map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntType {
    /// `i8`.
    I8,
    /// `i16`.
    I16,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u8`.
    U8,
    /// `u16`.
    U16,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
}

impl IntType {
    /// The type's name in Rust source.
    pub fn rust_name(self) -> &'static str {
        match self {
            Self::I8 => "i8",
            Self::I16 => "i16",
            Self::I32 => "i32",
            Self::I64 => "i64",
            Self::U8 => "u8",
            Self::U16 => "u16",
            Self::U32 => "u32",
            Self::U64 => "u64",
        }
    }

    /// Whether every value of the type converts into `i64` without loss.
    pub fn fits_i64(self) -> bool {
        !matches!(self, Self::U64)
    }
}

/// The Rust floating-point types a schema can map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FloatType {
    /// `f32`.
    F32,
    /// `f64`.
    F64,
}

impl FloatType {
    /// The type's name in Rust source.
    pub fn rust_name(self) -> &'static str {
        match self {
            Self::F32 => "f32",
            Self::F64 => "f64",
        }
    }
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust name, unique among types.
    pub name: String,
    /// JSON pointer of the schema.
    pub origin: String,
    /// Documentation from the spec.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// What kind of type it is.
    pub kind: TypeKind,
    /// The cargo features (one per group) that need this type; empty when every build does.
    pub features: Vec<String>,
    /// Earlier names of the type (`x-rust-previous-names`), kept as deprecated aliases.
    pub previous_names: Vec<String>,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// The fields, in spec order.
        fields: Vec<Field>,
        /// Whether the type is sent in requests (tri-state fields, `Default`).
        request: bool,
    },
    /// An open string enum: unknown values decode into a catch-all variant.
    Enum {
        /// Known values.
        variants: Vec<EnumVariant>,
        /// The name of the catch-all variant.
        other: String,
    },
    /// The successful responses of one operation, by status; read by the operation, not serde.
    Responses {
        /// One variant per declared status.
        variants: Vec<StatusVariant>,
        /// The variant for undeclared 2xx statuses, which keeps the status and raw body.
        other: String,
    },
    /// An open integer enum: unknown values decode into a catch-all variant.
    IntEnum {
        /// Known values, with their Rust names.
        variants: Vec<(String, i64)>,
        /// The name of the catch-all variant.
        other: String,
    },
    /// A union of object types told apart by a property value.
    Tagged {
        /// The property that holds the tag.
        property: String,
        /// Variants, in spec order.
        variants: Vec<UnionVariant>,
        /// The name of the catch-all variant, which keeps unknown objects as JSON.
        other: String,
    },
    /// A union without a discriminator: the first variant that decodes wins.
    Untagged {
        /// Variants, in spec order.
        variants: Vec<UnionVariant>,
    },
    /// Another name for a type.
    Alias(TypeRef),
}

/// A known value of an open enum.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// Rust variant name.
    pub name: String,
    /// The value on the wire.
    pub wire: String,
}

/// A variant of a union.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// Rust variant name.
    pub name: String,
    /// The variant's payload.
    pub ty: TypeRef,
    /// Tag values that select it (tagged unions only).
    pub tags: Vec<String>,
}

/// A struct field or a body property.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust name, unique within the struct.
    pub name: String,
    /// The JSON key.
    pub wire: String,
    /// The value type, without the `Option` that presence adds.
    pub ty: TypeRef,
    /// Whether the field can be absent and whether it can be null.
    pub presence: Presence,
    /// Documentation from the spec.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Validation the client performs before sending.
    pub constraints: Constraints,
    /// Whether the field only travels in one direction.
    pub access: Access,
}

/// `readOnly` and `writeOnly`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Sent and received.
    ReadWrite,
    /// Only in responses; a request may leave it out even when required.
    ReadOnly,
    /// Only in requests; a response may leave it out even when required.
    WriteOnly,
}

/// How a field may be absent or null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`.
    RequiredNullable,
    /// May be absent: `Option<T>`, omitted when `None`.
    Optional,
    /// May be absent or null, and the two mean different things (request fields only):
    /// `Option<Nullable<T>>`.
    TriState,
}

impl Presence {
    /// Whether a caller must give the value (it is an argument, not a setter).
    pub fn is_required(self) -> bool {
        matches!(self, Self::Required | Self::RequiredNullable)
    }
}

/// Checks that the client runs before sending a value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// Smallest allowed number.
    pub minimum: Option<i64>,
    /// Largest allowed number.
    pub maximum: Option<i64>,
    /// Most items in an array.
    pub max_items: Option<u64>,
    /// The characters a string may hold, when the spec's `pattern` is a single anchored
    /// character class (`^[a-z0-9-]+$`): inclusive ranges and whether it may be empty.
    pub chars: Option<CharClass>,
    /// Up to two distinct strings the schema accepts (of its items, for an array), where its
    /// `pattern`, `format`, `enum` or `minLength` rule out an arbitrary word. Only the
    /// conformance sweep uses them; the client does not check them.
    pub samples: Vec<String>,
}

/// A string pattern made of one anchored, repeated character class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharClass {
    /// The pattern as written.
    pub pattern: String,
    /// Allowed characters, as inclusive ranges.
    pub ranges: Vec<(char, char)>,
    /// Whether the empty string matches (`*` rather than `+`).
    pub allow_empty: bool,
}
