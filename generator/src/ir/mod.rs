//! The validated, Rust-shaped model of an API that the emitters print.
//!
//! Every decision is already taken here: names are valid and unique Rust identifiers, optionality
//! and nullability are resolved into field presence, recursive fields are boxed, and every item
//! keeps the wire name it came from and its origin (a JSON pointer into the spec).
//!
//! What refers to what (which types an operation sends and receives, which types are
//! reachable, who uses each) is answered once, in [`graph`].

pub mod graph;
mod types;

pub use types::{
    Access, Capabilities, CharClass, Constraints, EnumVariant, ExternalType, Field, FloatType,
    IntType, Presence, TextEncoding, TypeDef, TypeKind, TypeRef, UnionVariant,
};

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
    pub security: Security,
    /// All named types, sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Operation groups, sorted by Rust name.
    pub groups: Vec<Group>,
    /// The type error responses decode into.
    pub error_body: TypeRef,
    /// Where codes, messages and the trace ID sit in the error body.
    pub error_fields: ErrorFields,
    /// The events the API sends to webhook endpoints, when the spec describes any.
    pub webhooks: Option<Webhooks>,
}

/// The webhook events of an API: one typed payload per event name.
#[derive(Debug, Clone)]
pub struct Webhooks {
    /// The cargo feature that compiles them (`webhooks`).
    pub feature: String,
    /// The body property naming the event (`type`).
    pub tag: String,
    /// The body property holding the event's object (`data`), or `None` when every event's
    /// payload is its whole body.
    pub payload: Option<String>,
    /// The type of the fields every event body shares, when all events name one schema for
    /// them (the first `$ref` of their `allOf`).
    pub envelope: Option<String>,
    /// The events, in spec order.
    pub events: Vec<WebhookEvent>,
}

/// One webhook event.
#[derive(Debug, Clone)]
pub struct WebhookEvent {
    /// The event name as sent in the tag property, such as `user.created`.
    pub name: String,
    /// The Rust variant name, such as `UserCreated`.
    pub variant: String,
    /// The payload's type.
    pub payload: TypeRef,
    /// The summary or description of the webhook.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Where the webhook is described, as a JSON pointer.
    pub origin: String,
}

impl Api {
    /// The named type `name`; types are sorted by name.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.types[i])
    }
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
    /// The package version of a standalone crate.
    pub crate_version: String,
    /// Whether each group (and the webhook events) is a cargo feature.
    pub group_features: bool,
    /// What a standalone crate's manifest and README say about the API, from `info` and
    /// `externalDocs`.
    pub metadata: Metadata,
    /// A request header that carries `info.version` on every request.
    pub api_version_header: Option<String>,
    /// The environment variable holding the bearer token or API key.
    pub token_env: Option<String>,
    /// The environment variable that overrides the base URL.
    pub base_url_env: Option<String>,
    /// The `[dependencies]` lines of the external types the API uses.
    pub dependencies: Vec<String>,
}

/// Facts about the API for a package's manifest.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    /// An SPDX license expression: `info.license.identifier`, or its `name` when that is one.
    pub license: Option<String>,
    /// `info.license` as written, with its URL, when it is not an SPDX expression.
    pub license_text: Option<String>,
    /// The API's home page: `externalDocs.url`, else `info.contact.url`.
    pub homepage: Option<String>,
    /// `info.contact` as `Name <email>`.
    pub contact: Option<String>,
}

/// How the client authenticates: the schemes it can send, and which of them an operation
/// needs when it does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Security {
    /// The schemes some requirement names and the client can send, in the order of
    /// `components/securitySchemes`.
    pub schemes: Vec<SecurityScheme>,
    /// The document's own requirements (its root `security`), for operations that state none.
    pub default: Requirements,
    /// The scheme `ClientBuilder::token` sets: the first of the first default requirement,
    /// else the first scheme.
    pub primary: Option<usize>,
}

/// Alternatives, any one of which authenticates a request; each lists the schemes (indexes
/// into [`Security::schemes`]) sent together. Empty: no credentials are needed. An empty
/// alternative: credentials are optional.
pub type Requirements = Vec<Vec<usize>>;

/// A security scheme the client can send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Its key in `components/securitySchemes`.
    pub key: String,
    /// Its variant in the generated `SecurityScheme` enum.
    pub variant: String,
    /// How a request carries it.
    pub carrier: Carrier,
    /// The token URL of its OAuth2 client-credentials flow, when it has one.
    pub token_url: Option<String>,
    /// The scopes any requirement asks of it, for a fetched token.
    pub scopes: Vec<String>,
    /// The scheme's description.
    pub description: Option<String>,
}

/// Where a request carries a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Carrier {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <token>`, where the token is the encoded `user:password`.
    Basic,
    /// A key in a header.
    Header(String),
    /// A key in a query parameter.
    Query(String),
    /// A key in a cookie.
    Cookie(String),
}

/// The HTTP methods an OpenAPI path item can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// Every method, in the order of the path item's fields.
    pub const ALL: [HttpMethod; 8] = [
        Self::Get,
        Self::Put,
        Self::Post,
        Self::Delete,
        Self::Options,
        Self::Head,
        Self::Patch,
        Self::Trace,
    ];

    /// The path item's key for it: `get`, `post`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Put => "put",
            Self::Post => "post",
            Self::Delete => "delete",
            Self::Options => "options",
            Self::Head => "head",
            Self::Patch => "patch",
            Self::Trace => "trace",
        }
    }

    /// The method as HTTP writes it: `GET`, `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
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
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The path template, as in the spec (`/users/{user_id}`).
    pub path: String,
    /// Every input of the operation in declaration order: path parameters in template order,
    /// other parameters, then the body (its fields, parts or the whole value). Requests are
    /// written in this order.
    pub inputs: Vec<Input>,
    /// Indexes into `inputs` of the required inputs, in argument order (see
    /// [`crate::naming::argument_order`]).
    pub arguments: Vec<usize>,
    /// How the body inputs travel, when the operation has a body.
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
    pub statuses: Vec<StatusDoc>,
    /// The `Accept` header, where the successful answers are not JSON.
    pub accept: Option<String>,
    /// The operation's own security requirements, when it states them (`security: []`: it
    /// needs no credentials); `None` uses the document's.
    pub security: Option<Requirements>,
    /// The header that carries an idempotency key (`Idempotency-Key`, or the name
    /// `x-rust-client.idempotency-header` gives), when the operation declares it: the client
    /// sends a key on every call unless the caller sets one, and may retry the call whatever
    /// its method.
    pub idempotency_header: Option<String>,
    /// How to walk the pages of a list operation.
    pub pagination: Option<Paging>,
    /// Whether a successful response declares a `Link` header.
    pub link_header: bool,
}

impl Operation {
    /// The inputs every call must give, as method arguments, in argument order.
    pub fn required_inputs(&self) -> impl Iterator<Item = &Input> {
        self.arguments.iter().map(|&i| &self.inputs[i])
    }

    /// The inputs set with builder methods.
    pub fn optional_inputs(&self) -> impl Iterator<Item = &Input> {
        self.inputs.iter().filter(|i| !i.presence.is_required())
    }
}

/// A listed response status and its description.
#[derive(Debug, Clone)]
pub struct StatusDoc {
    /// The status code as written in the spec (`200`, `4XX`, `default`).
    pub status: String,
    /// The response's description.
    pub description: String,
}

/// One input of an operation: a parameter, a body field, a multipart part or the whole body.
#[derive(Debug, Clone)]
pub struct Input {
    /// The Rust name of the argument or setter (and of the builder field that stores it),
    /// unique among the operation's builder names.
    pub name: String,
    /// The name on the wire (parameter name, JSON key or part name; `body` for a whole body).
    pub wire: String,
    /// Where the value goes.
    pub location: Location,
    /// The value type, without the `Option` that presence adds.
    pub ty: TypeRef,
    /// Whether the caller must give it, and whether it can be null.
    pub presence: Presence,
    /// How the setter or argument takes the value.
    pub setter: SetterStyle,
    /// For a tri-state input, the name of the setter that sends `null`.
    pub clear: Option<String>,
    /// Documentation from the spec.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Checks run before sending.
    pub constraints: Constraints,
    /// The schema's `default`, when it is an integer.
    pub integer_default: Option<i64>,
    /// A body field the builder requires although its struct keeps it in an `Option`: a
    /// required write-only field of a type that is also received (responses omit it).
    pub optional_in_body: bool,
}

/// Where an input goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A path segment.
    Path(ParamEncoding),
    /// A query pair.
    Query(ParamEncoding),
    /// A request header.
    Header(ParamEncoding),
    /// A cookie.
    Cookie(ParamEncoding),
    /// A field of the body struct, by its Rust field name.
    BodyField(String),
    /// A multipart part.
    Part(PartKind),
    /// The whole body (a JSON value or raw bytes).
    Body,
}

/// How a builder method takes a value of the input's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetterStyle {
    /// `impl Into<String>`.
    IntoString,
    /// `impl IntoIterator<Item = impl Into<String>>`.
    IntoStrings,
    /// `impl Into<Payload>`: a raw body, from bytes, a file or a stream.
    IntoPayload,
    /// The value type itself, boxed by the builder (recursive types).
    Boxed,
    /// A multipart file: `Upload`.
    Upload,
    /// The value type itself.
    Value,
}

/// The request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// How it is encoded.
    pub encoding: BodyEncoding,
    /// The struct whose fields are the body inputs, for JSON and form objects.
    pub structure: Option<String>,
}

/// How a request body is encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/json` (or another JSON media type).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`; each part is an input.
    Multipart,
    /// Text or bytes given whole, sent with this content type.
    Raw(String),
}

/// How a list operation pages, when lowering recognised it (see `lower/pagination.rs` for
/// the rules).
#[derive(Debug, Clone)]
pub enum Paging {
    /// `limit` and `offset` query parameters.
    Offset(Pagination),
    /// A cursor from each response fed to a query parameter of the next request.
    Cursor(CursorPagination),
    /// A page number counted up to the total number of pages.
    Page(PageNumberPagination),
    /// A link to the next page, in the body or the `Link` header, followed as it is.
    Link(LinkPagination),
}

/// A list operation whose responses link to the next page.
#[derive(Debug, Clone)]
pub struct LinkPagination {
    /// The type of a whole response.
    pub response: TypeRef,
    /// The Rust name of the response's items field; `None` when the response is the array
    /// of items.
    pub items: Option<String>,
    /// The type of one item.
    pub item: TypeRef,
    /// Where the link is.
    pub next: NextLink,
}

/// Where a paged response gives the link to the next page.
#[derive(Debug, Clone)]
pub enum NextLink {
    /// A string in the body, reached through these fields (Rust name, presence and wire name
    /// each): `next`, `links.next`, `_links.next.href`. Null, empty or missing after the last
    /// page.
    Body(Vec<(String, Presence, String)>),
    /// The `rel="next"` link of the `Link` header (RFC 8288).
    Header,
}

/// A list operation paged by page number.
#[derive(Debug, Clone)]
pub struct PageNumberPagination {
    /// The Rust name and integer type of the page-number input.
    pub page: (String, IntType),
    /// The first page's number when the caller sets none: the spec's default, or 1.
    pub first: i64,
    /// The Rust name of the response's items field.
    pub items: String,
    /// The type of one item.
    pub item: TypeRef,
    /// The Rust name, presence and type of the total-pages field, when there is one; without
    /// it, pages are read until an empty one.
    pub total_pages: Option<(String, Presence, IntType)>,
}

/// A list operation paged by cursor.
#[derive(Debug, Clone)]
pub struct CursorPagination {
    /// The Rust name of the cursor input (an optional string query parameter).
    pub cursor: String,
    /// The Rust name of the response's items field.
    pub items: String,
    /// The type of one item.
    pub item: TypeRef,
    /// Where the next cursor comes from.
    pub next: NextCursor,
}

/// Where a paged response gives the next page's cursor.
#[derive(Debug, Clone)]
pub enum NextCursor {
    /// A string field of the response (`next_cursor`, `next_page_token`), by Rust name and
    /// presence; empty or missing after the last page.
    Field(String, Presence),
    /// The last item's ID while a boolean field says there is more (`has_more` with
    /// `starting_after`, as Stripe pages): the names and presences of both.
    LastItemId {
        has_more: (String, Presence),
        id: (String, Presence),
    },
}

/// A list operation paged with `limit` and `offset` query parameters.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// The Rust name of the page-size input.
    pub limit: String,
    /// The integer type of the page-size input.
    pub limit_type: IntType,
    /// The Rust name of the offset input.
    pub offset: String,
    /// The integer type of the offset input.
    pub offset_type: IntType,
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
        /// The Rust name, presence and type of the total-count field.
        total: Option<(String, Presence, IntType)>,
    },
}

/// How a parameter value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamEncoding {
    /// The value's `Display` text (a scalar in the location's default style).
    Display,
    /// One pair per item, each item's `Display` text (a list of scalars: form style, exploded,
    /// in a query; joined by commas in a header or cookie).
    Each,
    /// Written by the OpenAPI serialization rules for `style` and `explode`: lists, objects,
    /// and scalars in the `label` and `matrix` path styles.
    Styled {
        /// The parameter's `style`, or its location's default.
        style: ParamStyle,
        /// The parameter's `explode`, or its style's default.
        explode: bool,
    },
    /// The value serialized as JSON text (a parameter described by `content`).
    Json,
}

/// An OpenAPI parameter `style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `simple` (paths and headers).
    Simple,
    /// `label` (paths).
    Label,
    /// `matrix` (paths).
    Matrix,
    /// `form` (queries and cookies).
    Form,
    /// `spaceDelimited` (queries).
    SpaceDelimited,
    /// `pipeDelimited` (queries).
    PipeDelimited,
    /// `deepObject` (queries).
    DeepObject,
}

impl ParamStyle {
    /// The name of the style in a spec (`pipeDelimited`).
    pub fn spec_name(self) -> &'static str {
        match self {
            Self::Simple => "simple",
            Self::Label => "label",
            Self::Matrix => "matrix",
            Self::Form => "form",
            Self::SpaceDelimited => "spaceDelimited",
            Self::PipeDelimited => "pipeDelimited",
            Self::DeepObject => "deepObject",
        }
    }
}

/// What a multipart part carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartKind {
    /// Bytes with a file name and content type.
    File {
        /// Content types the API accepts; empty means any.
        content_types: Vec<String>,
        /// The largest accepted size in bytes.
        max_size: Option<u64>,
    },
    /// A value sent as text.
    Text,
}

/// What a successful response holds.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseKind {
    /// Different types for different 2xx statuses, read into the generated enum of that name
    /// (a [`TypeKind::Responses`]).
    ByStatus(String),
    /// A JSON body decoded into the type.
    Json(TypeRef),
    /// Text.
    Text,
    /// Bytes.
    Bytes,
    /// Server-sent events (`text/event-stream`), each event's data decoded as the type:
    /// `String` keeps it as text, anything else decodes it as JSON.
    Events(TypeRef),
    /// No body.
    Empty,
}

impl ResponseKind {
    /// The type a successful body decodes into: a JSON body's, or each event's data.
    pub fn decoded_type(&self) -> Option<&TypeRef> {
        match self {
            Self::Json(ty) | Self::Events(ty) => Some(ty),
            Self::ByStatus(_) | Self::Text | Self::Bytes | Self::Empty => None,
        }
    }
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
