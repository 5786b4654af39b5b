//! Streaming benchmarks against a local server on 127.0.0.1, printed as `bench:` lines that
//! `cargo xtask bench` collects: memory while downloading 1 GiB through `send_stream()` and
//! while uploading 1 GiB as a multipart file part from a stream, sampled as resident memory
//! every 64 MiB, against the resident memory before each transfer.
//!
//! Either transfer growing resident memory by 64 MiB or more fails the bench. Its own process,
//! so that the peak it reports is the streaming's alone. Run with
//! `cargo bench -p clerk-backend-api --bench streaming`; `STREAM_MIB` changes the size.

use std::time::Instant;

use bytes::Bytes;
use clerk_backend_api::{Client, Payload, RetryPolicy, Upload};
use futures_util::StreamExt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const USER: &str = include_str!("../tests/fixtures/user.json");
const CHUNK: usize = 64 * 1024;
const SAMPLE_EVERY: u64 = 64 << 20;
/// The most resident memory may grow during a transfer: a fraction of what buffering would
/// cost, so that a change which buffers the body fails the bench.
const BOUND_KIB: u64 = 64 * 1024;

/// Fails the bench when a transfer grew resident memory past the bound.
fn check_bound(what: &str, before: u64, peak: u64) {
    let grown = peak.saturating_sub(before);
    assert!(
        grown < BOUND_KIB,
        "{what} grew resident memory by {grown} KiB, over the bound of {BOUND_KIB} KiB"
    );
}

/// Answers `GET /public/interstitial` with `size` bytes of text, written in chunks, and any
/// other request (the profile image upload) with a user once its body is read and dropped.
async fn serve(listener: TcpListener, size: u64) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut reader = BufReader::with_capacity(CHUNK, read);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                let target = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let (mut length, mut chunked) = (0u64, false);
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end().to_ascii_lowercase();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(value) = header.strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                    chunked |= header == "transfer-encoding: chunked";
                }
                if discard_body(&mut reader, length, chunked).await.is_err() {
                    return;
                }
                let written = if target == "/public/interstitial" {
                    write_download(&mut write, size).await
                } else {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        USER.len()
                    );
                    write.write_all(format!("{head}{USER}").as_bytes()).await
                };
                if written.is_err() {
                    return;
                }
            }
        });
    }
}

type Reader = BufReader<tokio::net::tcp::OwnedReadHalf>;

async fn discard_body(reader: &mut Reader, length: u64, chunked: bool) -> std::io::Result<()> {
    let mut sink = vec![0u8; CHUNK];
    if !chunked {
        return skip(reader, &mut sink, length).await;
    }
    loop {
        let mut size = String::new();
        reader.read_line(&mut size).await?;
        let size = u64::from_str_radix(size.trim(), 16).unwrap_or(0);
        skip(reader, &mut sink, size + 2).await?;
        if size == 0 {
            return Ok(());
        }
    }
}

/// Reads and drops `left` bytes.
async fn skip(reader: &mut Reader, sink: &mut [u8], mut left: u64) -> std::io::Result<()> {
    while left > 0 {
        let n = (left as usize).min(sink.len());
        reader.read_exact(&mut sink[..n]).await?;
        left -= n as u64;
    }
    Ok(())
}

async fn write_download(
    write: &mut tokio::net::tcp::OwnedWriteHalf,
    size: u64,
) -> std::io::Result<()> {
    let head =
        format!("HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {size}\r\n\r\n");
    write.write_all(head.as_bytes()).await?;
    let chunk = vec![b'x'; CHUNK];
    let mut left = size;
    while left > 0 {
        let n = (left as usize).min(CHUNK);
        write.write_all(&chunk[..n]).await?;
        left -= n as u64;
    }
    Ok(())
}

/// Resident memory of this process, in KiB (Linux).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let mib: u64 = std::env::var("STREAM_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let size = mib << 20;
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let base_url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(serve(listener, size));
    let client = Client::builder()
        .token("sk_test_bench")
        .base_url(&base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client");
    println!("bench: stream_bytes {size}");

    // Download.
    let before = rss_kib();
    let started = Instant::now();
    let mut body = client
        .miscellaneous()
        .interstitial()
        .send_stream()
        .await
        .expect("the download starts");
    let (mut received, mut next_sample, mut peak) = (0u64, SAMPLE_EVERY, before);
    while let Some(chunk) = body.next().await {
        received += chunk.expect("a chunk").len() as u64;
        if received >= next_sample {
            peak = peak.max(rss_kib());
            next_sample += SAMPLE_EVERY;
        }
    }
    assert_eq!(received, size, "the whole body arrived");
    let seconds = started.elapsed().as_secs_f64();
    println!("bench: download_rss_before_kib {before}");
    println!("bench: download_rss_peak_kib {peak}");
    println!("bench: download_mib_per_s {:.0}", mib as f64 / seconds);
    check_bound("the download", before, peak);

    // Upload: a multipart file part from a stream of known length, made as it is sent.
    let before = rss_kib();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(before));
    let chunk = Bytes::from(vec![b'y'; CHUNK]);
    let sampled = std::sync::Arc::clone(&peak);
    let chunks = futures_util::stream::iter(0..size.div_ceil(CHUNK as u64)).map(move |i| {
        if i % (SAMPLE_EVERY / CHUNK as u64) == 0 {
            sampled.fetch_max(rss_kib(), std::sync::atomic::Ordering::Relaxed);
        }
        Ok::<_, std::io::Error>(chunk.clone())
    });
    let upload = Upload::from_payload(
        Payload::from_stream(chunks, Some(size)),
        "big.png",
        "image/png",
    );
    let started = Instant::now();
    client
        .users()
        .set_profile_image("user_1", upload)
        .send()
        .await
        .expect("the upload");
    let seconds = started.elapsed().as_secs_f64();
    println!("bench: upload_rss_before_kib {before}");
    let peak = peak.load(std::sync::atomic::Ordering::Relaxed);
    println!("bench: upload_rss_peak_kib {peak}");
    println!("bench: upload_mib_per_s {:.0}", mib as f64 / seconds);
    check_bound("the upload", before, peak);
}
