//! Bodies read as they arrive: a response as a stream of chunks, and the idle timeout that
//! bounds transfers which are streamed rather than held in memory.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_core::Stream;
use reqwest::header::HeaderMap;

use super::api::Api;
use super::error::Error;

/// When a streamed transfer last moved: shared by the upload's chunks and the wait for the
/// answer, so that a timeout counts from the last sign of life.
#[derive(Clone)]
pub(crate) struct Progress {
    start: Instant,
    /// Milliseconds from `start` to the last movement.
    last: Arc<AtomicU64>,
}

impl Progress {
    pub(crate) fn new() -> Self {
        Self {
            start: Instant::now(),
            last: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Marks a movement now.
    pub(crate) fn touch(&self) {
        let now = self.start.elapsed().as_millis() as u64;
        self.last.fetch_max(now, Ordering::Relaxed);
    }

    /// How long nothing has moved.
    fn idle(&self) -> Duration {
        let last = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(last)
    }
}

/// Runs `future` until it completes, or until nothing has moved for `limit` (`None` then).
pub(crate) async fn within_idle<F: Future>(
    future: F,
    progress: &Progress,
    limit: Duration,
) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    loop {
        let left = limit.saturating_sub(progress.idle());
        if left.is_zero() {
            return None;
        }
        if let Ok(output) = tokio::time::timeout(left, future.as_mut()).await {
            return Some(output);
        }
    }
}

/// Reads one chunk of `response`, waiting at most `idle` for it when set.
pub(crate) async fn next_chunk<A: Api>(
    response: &mut reqwest::Response,
    idle: Option<Duration>,
    operation: &'static str,
) -> Result<Option<Bytes>, Error<A>> {
    let chunk = match idle {
        Some(limit) => tokio::time::timeout(limit, response.chunk())
            .await
            .map_err(|_| Error::Stalled {
                operation,
                waited: limit,
            })?,
        None => response.chunk().await,
    };
    chunk.map_err(|source| Error::Transport {
        operation,
        source: source.without_url(),
    })
}

type Chunks<A> = Pin<Box<dyn Stream<Item = Result<Bytes, Error<A>>> + Send>>;

/// A successful response whose body is read as it arrives, from an operation's
/// `send_stream()`: a [`Stream`] of chunks, so that a large download costs one chunk of
/// memory rather than its size.
///
/// The request's timeout bounds the wait for the response's head and each wait between two
/// chunks, not the whole download. A chunk that does not arrive in time ends the stream
/// with [`Error::Stalled`]; a broken connection ends it with [`Error::Transport`]. Nothing
/// is retried once the head has arrived.
pub struct ByteStream<A: Api> {
    status: u16,
    headers: HeaderMap,
    chunks: Chunks<A>,
}

impl<A: Api> ByteStream<A> {
    pub(crate) fn new(
        mut response: reqwest::Response,
        idle: Duration,
        operation: &'static str,
    ) -> Self {
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let chunks = futures_util::stream::unfold(Some(response), move |response| async move {
            let mut response = response?;
            match next_chunk(&mut response, Some(idle), operation).await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                Ok(None) => None,
                Err(error) => Some((Err(error), None)),
            }
        });
        Self {
            status,
            headers,
            chunks: Box::pin(chunks),
        }
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers (`Content-Length`, `Content-Type`, `Content-Disposition`, ...).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The declared length of the body, when the server sent one.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(reqwest::header::CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }

    /// Reads the rest of the body into memory.
    ///
    /// # Errors
    ///
    /// The error that ended the stream.
    pub async fn collect(mut self) -> Result<Vec<u8>, Error<A>> {
        let mut body = Vec::new();
        while let Some(chunk) = std::future::poll_fn(|cx| self.chunks.as_mut().poll_next(cx)).await
        {
            body.extend_from_slice(&chunk?);
        }
        Ok(body)
    }
}

impl<A: Api> Stream for ByteStream<A> {
    type Item = Result<Bytes, Error<A>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

impl<A: Api> fmt::Debug for ByteStream<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}
