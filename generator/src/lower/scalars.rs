//! The type table: which Rust type each scalar `type`/`format` pair becomes, with the
//! document's `x-rust-client.types` entries over the caller's table, and the checks that an
//! external type can be written into generated code.

use super::Lowerer;
use crate::ir::{ExternalType, FloatType, IntType, TextEncoding, TypeRef};
use crate::options::Scalar;
use crate::pointer::join;

impl Lowerer<'_> {
    /// Reads the document's own table entries over the caller's table, reporting each entry
    /// that cannot be used at its place.
    pub(super) fn read_type_table(&mut self) {
        let presets = self
            .doc
            .rust_client
            .as_ref()
            .map(|settings| settings.type_presets.clone())
            .unwrap_or_default();
        for (index, name) in presets.iter().enumerate() {
            match self.scalars.clone().preset(name) {
                Some(table) => self.scalars = table,
                None => {
                    self.error(
                        &join("#/x-rust-client/type-presets", &[&index.to_string()]),
                        format!(
                            "`{name}` is not a preset of the type table; the presets are {}",
                            crate::options::TYPE_PRESETS
                                .iter()
                                .map(|p| format!("`{p}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
        }
        let entries = self
            .doc
            .rust_client
            .as_ref()
            .map(|settings| settings.types.clone())
            .unwrap_or_default();
        for (index, entry) in entries.iter().enumerate() {
            let pointer = join("#/x-rust-client/types", &[&index.to_string()]);
            if !matches!(
                entry.ty.as_str(),
                "string" | "integer" | "number" | "boolean"
            ) {
                self.error(
                    &join(&pointer, &["type"]),
                    format!(
                        "`{}` is not a scalar type; the table maps `string`, `integer`, `number` and `boolean`",
                        entry.ty
                    ),
                );
                continue;
            }
            let encoding = match entry.encoding.as_deref() {
                None | Some("serde") => TextEncoding::Serde,
                Some("display") => TextEncoding::Display,
                Some(other) => {
                    self.error(
                        &join(&pointer, &["encoding"]),
                        format!("encoding `{other}` is unknown; use `serde` or `display`"),
                    );
                    continue;
                }
            };
            if entry
                .dependency
                .as_deref()
                .is_some_and(|d| d.contains(['\n', '\r']))
            {
                self.error(
                    &join(&pointer, &["dependency"]),
                    "a dependency is one line of `[dependencies]`, such as `chrono = \"0.4\"`",
                );
                continue;
            }
            let rust = entry.rust.trim();
            let scalar = builtin(rust).unwrap_or_else(|| {
                let mut external = ExternalType::new(rust).encoding(encoding);
                external.dependency = entry.dependency.clone();
                external.zero = entry.zero.clone();
                Scalar::External(external)
            });
            if let Scalar::External(external) = &scalar {
                if !self.external_parses(&external.path) {
                    self.error(
                        &join(&pointer, &["rust"]),
                        format!("`{rust}` is not a Rust type"),
                    );
                    continue;
                }
            }
            let format = entry.format.as_deref().unwrap_or_default();
            self.scalars = std::mem::take(&mut self.scalars).set(&entry.ty, format, scalar);
        }
    }

    /// The Rust type of a scalar schema of `ty` with `format` at `pointer`.
    pub(super) fn scalar(&mut self, ty: &str, format: Option<&str>, pointer: &str) -> TypeRef {
        match self.scalars.lookup(ty, format) {
            Some(Scalar::String) => TypeRef::String,
            Some(Scalar::Bytes) => TypeRef::Bytes,
            Some(Scalar::Bool) => TypeRef::Bool,
            Some(Scalar::Integer(ty)) => TypeRef::Integer(ty),
            Some(Scalar::Float(ty)) => TypeRef::Float(ty),
            Some(Scalar::External(external)) => {
                if !self.external_parses(&external.path) {
                    self.error(
                        pointer,
                        format!(
                            "the type table maps `{ty}`/`{}` to `{}`, which is not a Rust type",
                            format.unwrap_or_default(),
                            external.path
                        ),
                    );
                    return TypeRef::Json;
                }
                if let Some(line) = &external.dependency {
                    self.dependencies.insert(line.clone());
                }
                TypeRef::External(external)
            }
            None => TypeRef::Json,
        }
    }

    /// Whether `path` parses as a Rust type, asked once per path.
    fn external_parses(&mut self, path: &str) -> bool {
        *self
            .external_paths
            .entry(path.to_owned())
            .or_insert_with(|| syn::parse_str::<syn::Type>(path).is_ok())
    }
}

/// The table's built-in target a Rust type name stands for, if it is one.
fn builtin(rust: &str) -> Option<Scalar> {
    use IntType::*;
    Some(match rust {
        "String" => Scalar::String,
        "Vec<u8>" => Scalar::Bytes,
        "bool" => Scalar::Bool,
        "f32" => Scalar::Float(FloatType::F32),
        "f64" => Scalar::Float(FloatType::F64),
        _ => Scalar::Integer(
            [I8, I16, I32, I64, U8, U16, U32, U64]
                .into_iter()
                .find(|t| t.rust_name() == rust)?,
        ),
    })
}
