//! Small serde functions that generated `Deserialize` impls call.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::values::Nullable;

/// Reads a string for an open enum.
pub fn deserialize_str<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    String::deserialize(deserializer)
}

/// Decodes a variant of a tagged union from the JSON value the tag was read from.
pub fn from_value<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// Reads a field that may be absent (handled by `#[serde(default)]`), `null` or a value.
pub fn tri_state<'de, D, T>(deserializer: D) -> Result<Option<Nullable<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Nullable::deserialize(deserializer).map(Some)
}
