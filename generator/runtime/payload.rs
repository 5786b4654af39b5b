//! Bodies to upload: bytes in memory, a file read as it is sent, or a stream of chunks.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use futures_util::StreamExt;

use super::stream::Progress;

/// The error a payload stream may end with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// What is read from a file at a time.
const FILE_CHUNK: usize = 64 * 1024;

/// A body to upload: a raw request body, or a file part of a multipart request.
///
/// - From bytes ([`From`] `Vec<u8>`, `&[u8]`, `String`, `&str` or [`Bytes`]): held in memory,
///   sent again as they are on a retry.
/// - From a file ([`Payload::file`]): read in chunks of 64 KiB while it is sent, so memory
///   stays flat whatever its size; opened again for each attempt, so it can be retried.
/// - From a stream ([`Payload::from_stream`]): sent as the stream yields it. A stream can
///   be read only once, so **a request with a streamed payload is sent once, never
///   retried**, whatever the retry policy says.
///
/// A size limit the spec states (`maxLength` of a binary string) is checked before sending
/// when the length is known, and while sending otherwise: the upload fails once it passes
/// the limit.
///
/// For payloads read while they are sent (files and streams), the request's timeout bounds
/// each wait in which nothing moves rather than the whole transfer, so a large upload is
/// not cut off while it progresses.
#[derive(Clone)]
pub struct Payload {
    source: Source,
    length: Option<u64>,
}

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    File(Arc<PathBuf>),
    /// Shared by clones: whichever sends first takes it.
    Stream(Arc<Mutex<Option<Chunks>>>),
}

impl Payload {
    /// A payload read from `stream` as it is sent, of `length` bytes when known (it is then
    /// sent with a `Content-Length`, and a stream that yields a different number of bytes
    /// fails the request). It is sent once: a request carrying it is never retried.
    pub fn from_stream<S, E>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        let chunks: Chunks = Box::pin(stream.map(|chunk| chunk.map_err(Into::into)));
        Self {
            source: Source::Stream(Arc::new(Mutex::new(Some(chunks)))),
            length,
        }
    }

    /// The file at `path`, read while it is sent and opened again for every attempt. Its
    /// length is read now.
    ///
    /// # Errors
    ///
    /// When the file's metadata cannot be read, or it is not a regular file.
    pub async fn file(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref().to_owned();
        let metadata = tokio::fs::metadata(&path).await?;
        if !metadata.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not a file", path.display()),
            ));
        }
        Ok(Self {
            source: Source::File(Arc::new(path)),
            length: Some(metadata.len()),
        })
    }

    /// The length in bytes, when it is known before sending.
    pub fn len(&self) -> Option<u64> {
        self.length
    }

    /// Whether the payload is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.length == Some(0)
    }

    /// The bytes, for a payload held in memory.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.source {
            Source::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Whether the payload can be sent again, so that its request may be retried.
    pub fn is_replayable(&self) -> bool {
        !matches!(self.source, Source::Stream(_))
    }

    /// Whether the payload is read while it is sent (a file or a stream), rather than held.
    pub(crate) fn is_streamed(&self) -> bool {
        !matches!(self.source, Source::Bytes(_))
    }

    /// The bytes without copying them, for a payload held in memory.
    pub(crate) fn shared_bytes(&self) -> Option<Bytes> {
        match &self.source {
            Source::Bytes(bytes) => Some(bytes.clone()),
            _ => None,
        }
    }

    /// The chunks of one attempt, each counted against `max` (when the length is not known
    /// beforehand) and marking `progress` as it goes.
    ///
    /// # Errors
    ///
    /// When a stream was already sent by an earlier attempt or a clone.
    pub(crate) fn chunks(
        &self,
        max: Option<u64>,
        progress: Option<Progress>,
    ) -> Result<impl Stream<Item = Result<Bytes, BoxError>> + Send + 'static, String> {
        let chunks: Chunks = match &self.source {
            Source::Bytes(bytes) => Box::pin(futures_util::stream::iter([Ok::<_, BoxError>(
                bytes.clone(),
            )])),
            Source::File(path) => Box::pin(file_chunks(Arc::clone(path))),
            Source::Stream(shared) => shared
                .lock()
                .ok()
                .and_then(|mut slot| slot.take())
                .ok_or_else(|| "a streamed payload can be sent only once".to_owned())?,
        };
        let limit = max.filter(|_| self.length.is_none());
        let mut sent = 0u64;
        Ok(chunks.map(move |chunk| {
            let chunk = chunk?;
            sent += chunk.len() as u64;
            if let Some(max) = limit.filter(|max| sent > *max) {
                return Err(format!("the payload is over the limit of {max} bytes").into());
            }
            if let Some(progress) = &progress {
                progress.touch();
            }
            Ok(chunk)
        }))
    }
}

/// A file's chunks, opened when first polled.
fn file_chunks(path: Arc<PathBuf>) -> impl Stream<Item = Result<Bytes, BoxError>> + Send {
    use tokio::io::AsyncReadExt;
    enum State {
        Closed(Arc<PathBuf>),
        Open(tokio::fs::File),
        Done,
    }
    futures_util::stream::unfold(State::Closed(path), |state| async move {
        let mut file = match state {
            State::Done => return None,
            State::Open(file) => file,
            State::Closed(path) => match tokio::fs::File::open(path.as_path()).await {
                Ok(file) => file,
                Err(e) => return Some((Err(e.into()), State::Done)),
            },
        };
        let mut buffer = BytesMut::with_capacity(FILE_CHUNK);
        match file.read_buf(&mut buffer).await {
            Ok(0) => None,
            Ok(_) => Some((Ok(buffer.freeze()), State::Open(file))),
            Err(e) => Some((Err(e.into()), State::Done)),
        }
    })
}

impl From<Bytes> for Payload {
    fn from(bytes: Bytes) -> Self {
        Self {
            length: Some(bytes.len() as u64),
            source: Source::Bytes(bytes),
        }
    }
}

impl From<Vec<u8>> for Payload {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<&[u8]> for Payload {
    fn from(bytes: &[u8]) -> Self {
        Bytes::copy_from_slice(bytes).into()
    }
}

impl<const N: usize> From<&[u8; N]> for Payload {
    fn from(bytes: &[u8; N]) -> Self {
        Bytes::copy_from_slice(bytes).into()
    }
}

impl From<String> for Payload {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl From<&str> for Payload {
    fn from(text: &str) -> Self {
        Bytes::copy_from_slice(text.as_bytes()).into()
    }
}

/// Payloads in memory are equal when their bytes are, files when their paths are, and
/// streams only when one is a clone of the other.
impl PartialEq for Payload {
    fn eq(&self, other: &Self) -> bool {
        match (&self.source, &other.source) {
            (Source::Bytes(a), Source::Bytes(b)) => a == b,
            (Source::File(a), Source::File(b)) => a == b && self.length == other.length,
            (Source::Stream(a), Source::Stream(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Payload {}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Payload");
        match &self.source {
            Source::Bytes(_) => s.field("source", &"bytes"),
            Source::File(path) => s.field("file", path),
            Source::Stream(_) => s.field("source", &"stream"),
        };
        s.field("len", &self.length).finish()
    }
}
