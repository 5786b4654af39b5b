//! Values that requests carry: nullable fields and file uploads.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::payload::Payload;

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

/// A file sent in a multipart request: its contents, file name and content type.
///
/// The contents are a [`Payload`]: bytes in memory ([`Upload::new`]), or a file or stream
/// read while it is sent ([`Upload::from_payload`]), so that a large upload does not cost its
/// size in memory.
#[derive(Clone, PartialEq, Eq)]
pub struct Upload {
    payload: Payload,
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
        Self::from_payload(bytes.into(), file_name, content_type)
    }

    /// A file whose contents come from `payload`: a file on disk
    /// ([`Payload::file`]), a stream ([`Payload::from_stream`]) or bytes.
    pub fn from_payload(
        payload: impl Into<Payload>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
    ) -> Self {
        Self {
            payload: payload.into(),
            file_name: file_name.into(),
            content_type: content_type.into(),
        }
    }

    /// The file's contents, when they are held in memory.
    pub fn bytes(&self) -> Option<&[u8]> {
        self.payload.as_bytes()
    }

    /// The file's contents.
    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// The file's length in bytes, when it is known before sending.
    pub fn len(&self) -> Option<u64> {
        self.payload.len()
    }

    /// Whether the file is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.payload.is_empty()
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
            .field("payload", &self.payload)
            .finish()
    }
}
