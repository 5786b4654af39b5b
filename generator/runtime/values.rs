//! Values that requests carry: nullable fields and file uploads.

use std::fmt;

use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A request field that can be sent as an explicit `null`.
///
/// Fields of this type sit behind an `Option`: `None` leaves the field out of the request,
/// `Some(Nullable::Null)` sends `null` (which clears the value on the server), and
/// `Some(Nullable::Value(v))` sends `v`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Sent as `null`.
    Null,
    /// Sent as the value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, or `None` for `Null`.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Self::Null => None,
            Self::Value(value) => Some(value),
        }
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_none(),
            Self::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Self::from)
    }
}

/// A file sent in a multipart request: its bytes, file name and content type.
#[derive(Clone, PartialEq, Eq)]
pub struct Upload {
    bytes: Bytes,
    file_name: String,
    content_type: String,
}

impl Upload {
    /// A file with the given bytes, name (such as `logo.png`) and content type (such as
    /// `image/png`).
    pub fn new(
        bytes: impl Into<Vec<u8>>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
    ) -> Self {
        Self {
            bytes: Bytes::from(bytes.into()),
            file_name: file_name.into(),
            content_type: content_type.into(),
        }
    }

    /// The file's contents.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The contents without copying them, to send again on a retry.
    pub(crate) fn shared_bytes(&self) -> Bytes {
        self.bytes.clone()
    }

    /// The file name sent with the part.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The content type sent with the part.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}
