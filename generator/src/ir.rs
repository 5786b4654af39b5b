//! The validated, Rust-shaped model of an API that the emitters print.
//!
//! Every decision is already taken here: names are valid and unique Rust identifiers, optionality
//! and nullability are resolved into field presence, recursive fields are boxed, and every item
//! keeps the wire name it came from and its origin (a JSON pointer into the spec).

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// The spec's title.
    pub title: String,
    /// `info.version`, sent in the version header when the spec names one.
    pub version: String,
    /// The spec's description.
    pub description: Option<String>,
    /// The name of the spec file, as given by the caller, for the generated-file header.
    pub spec_name: String,
    /// The first server URL, with its variables at their defaults.
    pub default_base_url: String,
    /// Settings from the `x-rust-client` extension.
    pub settings: Settings,
    /// How requests authenticate.
    pub auth: Auth,
    /// All named types, sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Operation groups, sorted by Rust name.
    pub groups: Vec<Group>,
    /// The type error responses decode into.
    pub error_body: TypeRef,
    /// Where codes, messages and the trace ID sit in the error body.
    pub error_fields: ErrorFields,
}

/// Paths to the interesting parts of the error body, as Rust field names.
#[derive(Debug, Clone, Default)]
pub struct ErrorFields {
    /// The list of errors, when codes or messages are known.
    pub list: Option<String>,
    /// The code of each error, with its presence.
    pub code: Option<(String, Presence)>,
    /// The message of each error, with its presence.
    pub message: Option<(String, Presence)>,
    /// The trace ID of the body, with its presence.
    pub trace_id: Option<(String, Presence)>,
}

/// Crate-level settings.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The package name of a standalone crate.
    pub crate_name: String,
    /// A request header that carries `info.version` on every request.
    pub api_version_header: Option<String>,
    /// The environment variable holding the bearer token or API key.
    pub token_env: Option<String>,
    /// The environment variable that overrides the base URL.
    pub base_url_env: Option<String>,
}

/// How the client authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// No security scheme applies.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <token>`, where the token is the encoded `user:password`.
    Basic,
    /// A key in a header.
    ApiKeyHeader(String),
    /// A key in a query parameter.
    ApiKeyQuery(String),
    /// A key in a cookie.
    ApiKeyCookie(String),
}

/// A reference to a Rust type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// A primitive integer type such as `i64` or `u32`.
    Integer(&'static str),
    /// `f64` or `f32`.
    Float(&'static str),
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

/// Operations that share a tag.
#[derive(Debug, Clone)]
pub struct Group {
    /// The accessor method on the client (`users`).
    pub accessor: String,
    /// The Rust type of the group handle (`Users`).
    pub type_name: String,
    /// The module the group's builders live in.
    pub module: String,
    /// The cargo feature that compiles the group.
    pub feature: String,
    /// The tag's description.
    pub doc: Option<String>,
    /// Operations, sorted by method name.
    pub operations: Vec<Operation>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The spec's operationId, or the name derived from method and path.
    pub operation_id: String,
    /// The Rust method on the group handle.
    pub method_name: String,
    /// The Rust type of the request builder.
    pub builder_name: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// The path template, as in the spec (`/users/{user_id}`).
    pub path: String,
    /// Path parameters, in the order they appear in the template.
    pub path_params: Vec<Param>,
    /// Query, header and cookie parameters.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// The successful response.
    pub response: ResponseKind,
    /// `summary` of the operation.
    pub summary: Option<String>,
    /// `description` of the operation.
    pub description: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// JSON pointer of the operation.
    pub origin: String,
    /// Listed status codes and their descriptions, for the docs.
    pub statuses: Vec<(String, String)>,
    /// How to walk the pages of a list operation.
    pub pagination: Option<Pagination>,
}

/// A list operation paged with `limit` and `offset` query parameters.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// The Rust name of the page-size parameter.
    pub limit: String,
    /// The Rust name of the offset parameter.
    pub offset: String,
    /// The page size when the caller sets none: the spec's default for `limit`.
    pub default_limit: i64,
    /// The type of one item.
    pub item: TypeRef,
    /// Where the items are in the response.
    pub shape: PageShape,
}

/// Where a page keeps its items.
#[derive(Debug, Clone)]
pub enum PageShape {
    /// The response is the array of items.
    Array,
    /// The response is an object with an array of items and maybe a total count.
    Envelope {
        /// The Rust name of the items field.
        items: String,
        /// The Rust name and presence of the total-count field.
        total: Option<(String, Presence)>,
    },
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A path segment.
    Path,
    /// A query pair (repeated for arrays).
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// A parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Rust name, unique within the operation.
    pub name: String,
    /// The name on the wire.
    pub wire: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// The value type.
    pub ty: TypeRef,
    /// Whether the caller must give it.
    pub required: bool,
    /// Documentation from the spec.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Checks run before sending.
    pub constraints: Constraints,
    /// How the value is written into the request.
    pub encoding: ParamEncoding,
    /// The schema's `default`, when it is an integer.
    pub integer_default: Option<i64>,
}

/// How a parameter value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamEncoding {
    /// The value's `Display` text.
    Display,
    /// One pair per item, each item's `Display` text (form style, exploded).
    Each,
    /// The value serialized as JSON text.
    Json,
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    /// A JSON object whose properties become builder setters.
    JsonObject {
        /// The body struct.
        type_name: String,
        /// Its fields (the same as the struct's).
        fields: Vec<Field>,
        /// The builder method that sets each field, unique among the operation's inputs.
        setters: Vec<String>,
    },
    /// Any other JSON value, given whole.
    JsonValue {
        /// The value type.
        ty: TypeRef,
        /// Whether the caller must give it.
        required: bool,
    },
    /// `application/x-www-form-urlencoded` with an object schema.
    Form {
        /// The body struct.
        type_name: String,
        /// Its fields.
        fields: Vec<Field>,
        /// The builder method that sets each field.
        setters: Vec<String>,
    },
    /// `multipart/form-data`.
    Multipart {
        /// The parts.
        parts: Vec<Part>,
    },
    /// A text or binary body given whole.
    Raw {
        /// The content type sent.
        content_type: String,
        /// Whether the caller must give it.
        required: bool,
    },
}

/// A multipart part.
#[derive(Debug, Clone)]
pub struct Part {
    /// Rust name.
    pub name: String,
    /// The part name on the wire.
    pub wire: String,
    /// A file upload, or a text value.
    pub kind: PartKind,
    /// Whether the caller must give it.
    pub required: bool,
    /// Documentation from the spec.
    pub doc: Option<String>,
}

/// What a multipart part carries.
#[derive(Debug, Clone)]
pub enum PartKind {
    /// Bytes with a file name and content type.
    File {
        /// Content types the API accepts; empty means any.
        content_types: Vec<String>,
        /// The largest accepted size in bytes.
        max_size: Option<u64>,
    },
    /// A value sent as text.
    Text(TypeRef),
}

/// What a successful response holds.
#[derive(Debug, Clone)]
pub enum ResponseKind {
    /// Different types for different 2xx statuses, read into the enum `type_name`.
    ByStatus {
        /// The generated enum.
        type_name: String,
        /// One variant per declared status.
        variants: Vec<StatusVariant>,
        /// The variant for undeclared 2xx statuses.
        other: String,
    },
    /// A JSON body decoded into the type.
    Json(TypeRef),
    /// Text.
    Text,
    /// Bytes.
    Bytes,
    /// No body.
    Empty,
}

/// One declared success status of an operation with several.
#[derive(Debug, Clone)]
pub struct StatusVariant {
    /// The status code.
    pub status: u16,
    /// The Rust variant name.
    pub name: String,
    /// How its body is read (never `ByStatus`).
    pub kind: ResponseKind,
}
