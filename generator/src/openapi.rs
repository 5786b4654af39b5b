//! The OpenAPI 3.0/3.1 document as written: serde types for the parts the generator reads.
//!
//! These types describe syntax only. Nothing outside `load` and `lower` sees them, and every
//! field that could hold a `$ref` keeps it, so lowering can resolve references with a pointer to
//! report. Unknown keys (including unknown `x-` extensions) are ignored.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_yaml::Value;

use crate::ir::HttpMethod;

/// The root of the document.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Document {
    pub openapi: String,
    pub info: Info,
    pub servers: Vec<Server>,
    #[serde(deserialize_with = "crate::read::without_extensions")]
    pub paths: IndexMap<String, PathItem>,
    pub components: Components,
    pub security: Option<Vec<IndexMap<String, Vec<String>>>>,
    pub tags: Vec<Tag>,
    /// `externalDocs` of the document: its home page, for a standalone crate's manifest.
    #[serde(rename = "externalDocs")]
    pub external_docs: Option<ExternalDocs>,
    /// Generator settings: crate name, version header, environment variables.
    #[serde(rename = "x-rust-client")]
    pub rust_client: Option<ClientSettings>,
    /// OpenAPI 3.1 webhooks: requests the API sends, by event name.
    pub webhooks: IndexMap<String, PathItem>,
    /// The same in OpenAPI 3.0, as a vendor extension.
    #[serde(rename = "x-webhooks")]
    pub x_webhooks: IndexMap<String, PathItem>,
    /// What the references that bundling made were written as, for diagnostics.
    #[serde(skip)]
    pub written: crate::bundle::WrittenRefs,
}

/// `info`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Info {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub license: Option<License>,
    pub contact: Option<Contact>,
}

/// `info.license`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct License {
    pub name: String,
    /// An SPDX expression (OpenAPI 3.1).
    pub identifier: Option<String>,
    pub url: Option<String>,
}

/// `info.contact`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Contact {
    pub name: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
}

/// An `externalDocs` object.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExternalDocs {
    pub url: String,
    pub description: Option<String>,
}

/// The `x-rust-client` extension at the root of the document. A settings file given to the
/// generator holds the same keys and wins over the document's (see [`crate::settings`]).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct ClientSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crate_name: Option<String>,
    /// The version of a standalone crate (default `0.1.0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crate_version: Option<String>,
    /// Whether each operation group (and the webhook events) is a cargo feature (default
    /// true). Off, everything is always compiled, as a crate that includes the client from a
    /// build script needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_features: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version_header: Option<String>,
    /// The header parameter that carries an idempotency key (default `Idempotency-Key`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_header: Option<String>,
    pub env: ClientEnv,
    pub error: ErrorSettings,
    pub webhooks: WebhookSettings,
    /// Presets of the type table (`chrono`, `uuid`), applied over the caller's table and
    /// under `types`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub type_presets: Vec<String>,
    /// Entries of the type table that win over the caller's.
    pub types: Vec<TypeEntry>,
    /// How operations page, by operationId, in the form of `x-speakeasy-pagination`: for
    /// a document that does not say, or says it wrongly.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub pagination: IndexMap<String, PaginationHint>,
}

/// One entry of `x-rust-client.types`: which Rust type a `type`/`format` pair becomes.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TypeEntry {
    /// `string`, `integer`, `number` or `boolean`.
    #[serde(rename = "type")]
    pub ty: String,
    /// The format; none sets the type's default.
    pub format: Option<String>,
    /// The Rust type: a built-in one (`String`, `i32`, `Vec<u8>`) or a path.
    pub rust: String,
    /// How parameters write an external type: `serde` (the default) or `display`.
    pub encoding: Option<String>,
    /// The `[dependencies]` line a standalone crate needs for an external type.
    pub dependency: Option<String>,
    /// The string the response corrector fills in for a missing required value.
    pub zero: Option<String>,
}

/// How webhook bodies name their event and hold its payload.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct WebhookSettings {
    /// The body property holding the event's name (default `type`).
    pub tag: String,
    /// The body property holding the event's object (default `data`); a webhook whose body
    /// has no such property carries the whole body as its payload.
    pub payload: String,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            tag: "type".into(),
            payload: "data".into(),
        }
    }
}

/// Where the error body keeps its codes, messages and trace ID.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct ErrorSettings {
    /// The array property holding one object per error.
    pub list: Option<String>,
    /// The string property of each error object holding its code.
    pub code: Option<String>,
    /// The string property of each error object holding its message.
    pub message: Option<String>,
    /// The string property of the body holding a trace ID.
    pub trace_id: Option<String>,
}

/// Environment variables read by `Client::from_env`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct ClientEnv {
    pub bearer_token: Option<String>,
    pub base_url: Option<String>,
}

/// One entry of `servers`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
    pub variables: IndexMap<String, ServerVariable>,
}

/// A variable in a server URL template.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ServerVariable {
    pub default: String,
    pub description: Option<String>,
}

/// One entry of `tags`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Tag {
    pub name: String,
    pub description: Option<String>,
    /// The Rust name of the group of operations with this tag.
    #[serde(rename = "x-rust-name")]
    pub rust_name: Option<String>,
}

/// `components`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Components {
    pub schemas: IndexMap<String, Schema>,
    pub parameters: IndexMap<String, Parameter>,
    pub responses: IndexMap<String, Response>,
    #[serde(rename = "requestBodies")]
    pub request_bodies: IndexMap<String, RequestBody>,
    #[serde(rename = "securitySchemes")]
    pub security_schemes: IndexMap<String, SecurityScheme>,
}

/// A path and the operations under it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PathItem {
    pub summary: Option<String>,
    pub description: Option<String>,
    pub parameters: Vec<Parameter>,
    pub get: Option<Operation>,
    pub put: Option<Operation>,
    pub post: Option<Operation>,
    pub delete: Option<Operation>,
    pub options: Option<Operation>,
    pub head: Option<Operation>,
    pub patch: Option<Operation>,
    pub trace: Option<Operation>,
}

impl PathItem {
    /// The operations in a fixed order, with their lower-case method keys.
    pub fn operations(&self) -> impl Iterator<Item = (HttpMethod, &Operation)> {
        HttpMethod::ALL
            .into_iter()
            .zip([
                &self.get,
                &self.put,
                &self.post,
                &self.delete,
                &self.options,
                &self.head,
                &self.patch,
                &self.trace,
            ])
            .filter_map(|(method, op)| op.as_ref().map(|op| (method, op)))
    }
}

/// One operation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Operation {
    #[serde(rename = "operationId")]
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub parameters: Vec<Parameter>,
    #[serde(rename = "requestBody")]
    pub request_body: Option<RequestBody>,
    #[serde(deserialize_with = "crate::read::without_extensions")]
    pub responses: IndexMap<String, Response>,
    /// Requests the API sends back to a URL the caller gives; not sent by the client.
    pub callbacks: IndexMap<String, serde::de::IgnoredAny>,
    pub deprecated: bool,
    /// The operation's own security requirements; `Some(vec![])` says it needs none.
    pub security: Option<Vec<IndexMap<String, Vec<String>>>>,
    /// `group.method`: the Rust group accessor and method name.
    #[serde(rename = "x-rust-method")]
    pub rust_method: Option<String>,
    #[serde(rename = "x-speakeasy-name-override")]
    pub speakeasy_name: Option<String>,
    #[serde(rename = "x-speakeasy-group")]
    pub speakeasy_group: Option<String>,
    /// How the operation pages, as Speakeasy's extension (or `x-pagination` in its form)
    /// states it.
    #[serde(rename = "x-speakeasy-pagination", alias = "x-pagination")]
    pub pagination: Option<Hint<PaginationHint>>,
}

/// An extension read when it has the expected form, and kept as unreadable otherwise (so that
/// a malformed extension is a warning, never a refusal of the document).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Hint<T> {
    Read(T),
    Unreadable(serde::de::IgnoredAny),
}

/// `x-speakeasy-pagination`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PaginationHint {
    /// `offsetLimit`, `cursor` or `url`.
    #[serde(rename = "type")]
    pub kind: String,
    pub inputs: Vec<PaginationInput>,
    pub outputs: PaginationOutputs,
}

/// One input of a pagination hint: a parameter and its role.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PaginationInput {
    pub name: String,
    /// Where the input is (`parameters`); only query parameters page.
    #[serde(rename = "in", skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// `offset`, `page`, `limit` or `cursor`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// Where a pagination hint finds things in a response, as JSONPath (`$.data`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PaginationOutputs {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<String>,
    #[serde(rename = "numPages", skip_serializing_if = "Option::is_none")]
    pub num_pages: Option<String>,
    #[serde(rename = "nextCursor", skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    #[serde(rename = "nextUrl", skip_serializing_if = "Option::is_none")]
    pub next_url: Option<String>,
}

/// A parameter, or a `$ref` to one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Parameter {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "in")]
    pub location: Option<String>,
    pub required: bool,
    pub description: Option<String>,
    pub deprecated: bool,
    pub schema: Option<Schema>,
    /// A media type and schema instead of `schema` and `style`.
    pub content: IndexMap<String, MediaType>,
    pub style: Option<String>,
    pub explode: Option<bool>,
}

/// A request body, or a `$ref` to one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RequestBody {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    pub description: Option<String>,
    pub required: bool,
    pub content: IndexMap<String, MediaType>,
}

/// A response, or a `$ref` to one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Response {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    pub description: Option<String>,
    pub content: IndexMap<String, MediaType>,
    /// The headers it declares, by name; only the names are read.
    pub headers: IndexMap<String, serde::de::IgnoredAny>,
}

/// The schema and encoding of one content type.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MediaType {
    pub schema: Option<Schema>,
    /// OpenAPI 3.2: the schema of each item of a sequential media type (an event of
    /// `text/event-stream`, a line of JSON Lines).
    #[serde(rename = "itemSchema")]
    pub item_schema: Option<Schema>,
    pub encoding: IndexMap<String, Encoding>,
}

/// How one multipart field is encoded.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Encoding {
    #[serde(rename = "contentType")]
    pub content_type: Option<String>,
}

/// A security scheme.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SecurityScheme {
    #[serde(rename = "type")]
    pub kind: String,
    pub scheme: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "in")]
    pub location: Option<String>,
    pub description: Option<String>,
    /// `flows`, for `oauth2`.
    pub flows: OAuthFlows,
}

/// The OAuth2 flows of a security scheme; the client runs only the client-credentials one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OAuthFlows {
    #[serde(rename = "clientCredentials")]
    pub client_credentials: Option<OAuthFlow>,
}

/// One OAuth2 flow.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OAuthFlow {
    #[serde(rename = "tokenUrl")]
    pub token_url: Option<String>,
}

/// `type`: one name (3.0) or a list of names (3.1).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SchemaType {
    One(String),
    Many(Vec<String>),
}

/// `additionalProperties`: a boolean or a schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AdditionalProperties {
    /// `true` or `false`; either way an object without properties is kept as a JSON map.
    Allowed(bool),
    Schema(Box<Schema>),
}

/// `discriminator`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Discriminator {
    #[serde(rename = "propertyName")]
    pub property_name: String,
    pub mapping: IndexMap<String, String>,
}

/// Declares [`Schema`] and the derived `SchemaFields` it is read through from one field list,
/// so that a schema can also be written as `true` or `false` (OpenAPI 3.1).
macro_rules! schema_struct {
    ($( $(#[$meta:meta])* $field:ident : $ty:ty, )*) => {
        /// A schema object, or a `$ref` to one. The boolean schemas `true` and `false` read as
        /// an empty schema (any value).
        #[derive(Debug, Clone, Default)]
        pub struct Schema {
            $( pub $field: $ty, )*
            /// Whether the schema said `type: file` (Swagger 2.0), read as a binary string.
            pub swagger_file: bool,
        }

        #[derive(Default, Deserialize)]
        #[serde(default)]
        struct SchemaFields {
            $( $(#[$meta])* $field: $ty, )*
        }

        impl From<SchemaFields> for Schema {
            fn from(fields: SchemaFields) -> Self {
                let mut schema = Self { $( $field: fields.$field, )* swagger_file: false };
                if matches!(&schema.kind, Some(SchemaType::One(name)) if name == "file") {
                    schema.kind = Some(SchemaType::One("string".to_owned()));
                    schema.format.get_or_insert_with(|| "binary".to_owned());
                    schema.swagger_file = true;
                }
                schema
            }
        }
    };
}

schema_struct! {
    #[serde(rename = "$ref")]
    reference: Option<String>,
    #[serde(rename = "type")]
    kind: Option<SchemaType>,
    format: Option<String>,
    nullable: bool,
    #[serde(rename = "enum", deserialize_with = "crate::read::values")]
    enumeration: Option<Vec<Value>>,
    #[serde(rename = "const", deserialize_with = "crate::read::value")]
    constant: Option<Value>,
    properties: IndexMap<String, Schema>,
    /// Value schemas by key pattern (3.1), for maps whose keys follow a pattern.
    #[serde(rename = "patternProperties")]
    pattern_properties: IndexMap<String, Schema>,
    required: Vec<String>,
    items: Option<Box<Schema>>,
    #[serde(rename = "additionalProperties")]
    additional_properties: Option<AdditionalProperties>,
    #[serde(rename = "allOf")]
    all_of: Vec<Schema>,
    #[serde(rename = "oneOf")]
    one_of: Vec<Schema>,
    #[serde(rename = "anyOf")]
    any_of: Vec<Schema>,
    discriminator: Option<Discriminator>,
    /// Names the schema's type had in earlier versions; each stays a deprecated alias.
    #[serde(rename = "x-rust-previous-names")]
    previous_names: Vec<String>,
    title: Option<String>,
    description: Option<String>,
    deprecated: bool,
    #[serde(rename = "readOnly")]
    read_only: bool,
    #[serde(rename = "writeOnly")]
    write_only: bool,
    #[serde(deserialize_with = "crate::read::value")]
    default: Option<Value>,
    #[serde(deserialize_with = "crate::read::number")]
    minimum: Option<f64>,
    #[serde(deserialize_with = "crate::read::number")]
    maximum: Option<f64>,
    #[serde(rename = "maxItems")]
    max_items: Option<u64>,

    #[serde(rename = "maxLength")]
    max_length: Option<u64>,
    #[serde(rename = "minLength")]
    min_length: Option<u64>,

    pattern: Option<String>,
    #[serde(rename = "contentMediaType")]
    content_media_type: Option<String>,
}

impl<'de> Deserialize<'de> for Schema {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SchemaVisitor;

        impl<'de> serde::de::Visitor<'de> for SchemaVisitor {
            type Value = Schema;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a schema object or a boolean")
            }

            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Schema, E> {
                Ok(Schema::default())
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Schema, A::Error> {
                SchemaFields::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Schema::from)
            }
        }

        deserializer.deserialize_any(SchemaVisitor)
    }
}

impl Schema {
    /// The non-null type names this schema declares.
    pub fn type_names(&self) -> Vec<&str> {
        match &self.kind {
            None => Vec::new(),
            Some(SchemaType::One(name)) => vec![name.as_str()],
            Some(SchemaType::Many(names)) => names
                .iter()
                .map(String::as_str)
                .filter(|n| *n != "null")
                .collect(),
        }
    }

    /// Whether `null` is a valid value: `nullable: true` (3.0), `type: [.., "null"]` (3.1), or
    /// a composition with a member that admits only null (`oneOf: [{$ref: ..}, {type: "null"}]`,
    /// `allOf: [{$ref: ..}, {nullable: true}]`).
    pub fn is_nullable(&self) -> bool {
        self.nullable
            || matches!(&self.kind, Some(SchemaType::Many(names)) if names.iter().any(|n| n == "null"))
            || matches!(&self.kind, Some(SchemaType::One(name)) if name == "null")
            || self
                .one_of
                .iter()
                .chain(&self.any_of)
                .chain(&self.all_of)
                .any(Schema::only_null)
    }

    /// Whether the schema is a composition member that only says "or null": `type: "null"`,
    /// `nullable: true` or `enum: [null]`, with no type, reference or structure of its own.
    pub fn only_null(&self) -> bool {
        let bare = self.reference.is_none()
            && self.properties.is_empty()
            && self.items.is_none()
            && self.all_of.is_empty()
            && self.one_of.is_empty()
            && self.any_of.is_empty();
        let null_type = matches!(&self.kind, Some(SchemaType::One(name)) if name == "null")
            || matches!(&self.kind, Some(SchemaType::Many(names)) if names.iter().all(|n| n == "null"));
        let null_enum = self
            .enumeration
            .as_ref()
            .is_some_and(|values| !values.is_empty() && values.iter().all(Value::is_null));
        bare && (null_type || null_enum || (self.kind.is_none() && self.nullable))
    }
}
