//! The client at work: per-request overhead against bare reqwest, paging memory, and memory
//! while large bodies stream each way.

use std::path::Path;
use std::process::Command;

use super::{Row, kib_to_mib, run};

pub(super) fn runtime(root: &Path, rows: &mut Vec<Row>) -> Result<(), String> {
    let out = run(Command::new("cargo")
        .args([
            "bench",
            "--quiet",
            "-p",
            "clerk-backend-api",
            "--bench",
            "runtime",
        ])
        .current_dir(root))?;
    let value = |name: &str| bench_value(&out, name);
    let how = "cargo bench -p clerk-backend-api --bench runtime".to_owned();
    rows.push(Row {
        what: "per-request time, `client.users().get(..)` vs a hand-written reqwest call with the same headers and 30 s timeout, decoding the same type (127.0.0.1)".into(),
        figure: format!(
            "{} µs vs {} µs: ratio {} (medians of 6,000 requests each); {} against the call without a timeout ({} µs)",
            value("request_generated_us"),
            value("request_reqwest_us"),
            value("request_overhead_ratio"),
            value("untimed_overhead_ratio"),
            value("untimed_reqwest_us")
        ),
        how: how.clone(),
    });
    rows.push(Row {
        what: format!(
            "streaming {} users through pagination (pages of 499)",
            value("pagination_items")
        ),
        figure: format!(
            "resident memory {} MiB after 10,000 items, {} MiB after 100,000 (peak {} MiB; {} s)",
            kib_to_mib(&value("pagination_rss_at_10k_kib")),
            kib_to_mib(&value("pagination_rss_at_100k_kib")),
            kib_to_mib(&value("pagination_peak_kib")),
            value("pagination_seconds")
        ),
        how,
    });
    rows.push(Row {
        what: "verifying one session token (RS256, PEM key, no network), and verifying and decoding one `user.created` webhook".into(),
        figure: format!(
            "{} µs per token; {} µs per webhook (medians of 2,000)",
            value("jwt_verify_us"),
            value("webhook_event_us")
        ),
        how: "cargo bench -p clerk-backend-api --bench runtime".into(),
    });
    for row in &rows[rows.len() - 3..] {
        println!("{}: {}", row.what, row.figure);
    }
    streaming(root, rows)
}

/// Memory while 1 GiB goes each way through the client, in a process of its own.
fn streaming(root: &Path, rows: &mut Vec<Row>) -> Result<(), String> {
    let out = run(Command::new("cargo")
        .args([
            "bench",
            "--quiet",
            "-p",
            "clerk-backend-api",
            "--bench",
            "streaming",
        ])
        .current_dir(root))?;
    let value = |name: &str| bench_value(&out, name);
    let mib = value("stream_bytes").parse::<u64>().map_or(0, |b| b >> 20);
    let growth =
        |before: &str, peak: &str| match (value(before).parse::<u64>(), value(peak).parse::<u64>())
        {
            (Ok(before), Ok(peak)) => format!("{:.1}", peak.saturating_sub(before) as f64 / 1024.0),
            _ => "?".into(),
        };
    for (direction, key, how_sent) in [
        (
            "downloading",
            "download",
            "`send_stream()` of a text response",
        ),
        (
            "uploading",
            "upload",
            "a multipart file part from `Payload::from_stream`",
        ),
    ] {
        rows.push(Row {
            what: format!("{direction} {mib} MiB through the client ({how_sent}, 127.0.0.1)"),
            figure: format!(
                "resident memory {} MiB before, {} MiB at the peak (+{} MiB); {} MiB/s",
                kib_to_mib(&value(&format!("{key}_rss_before_kib"))),
                kib_to_mib(&value(&format!("{key}_rss_peak_kib"))),
                growth(
                    &format!("{key}_rss_before_kib"),
                    &format!("{key}_rss_peak_kib")
                ),
                value(&format!("{key}_mib_per_s"))
            ),
            how: "cargo bench -p clerk-backend-api --bench streaming".into(),
        });
    }
    for row in &rows[rows.len() - 2..] {
        println!("{}: {}", row.what, row.figure);
    }
    Ok(())
}

/// The value of a `bench: NAME VALUE` line, or `?`.
fn bench_value(out: &str, name: &str) -> String {
    out.lines()
        .find_map(|l| {
            l.strip_prefix("bench: ")
                .and_then(|l| l.strip_prefix(name))
                .and_then(|v| v.strip_prefix(' '))
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_else(|| "?".into())
}
