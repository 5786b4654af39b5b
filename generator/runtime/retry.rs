//! When and how long to wait before sending a request again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;

/// How failed requests are retried.
///
/// A `429 Too Many Requests` is retried for every method. `500`, `502`, `503`, `504`, connection
/// failures and timeouts are retried for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE),
/// and for POST and PATCH only with [`retry_non_idempotent`](Self::retry_non_idempotent).
/// Waits grow exponentially with full jitter; a `Retry-After` header (seconds or an HTTP date)
/// is honoured up to [`max_retry_after`](Self::max_retry_after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// The default policy: 3 attempts, backoff from 250 ms up to 8 s, `Retry-After` up to 60 s.
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that sends each request once.
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// How many times a request may be sent in all (at least 1; 1 disables retries).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry; it doubles with each further retry.
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// The longest backoff between two attempts.
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// The longest wait a `Retry-After` header can ask for; longer requests wait this long.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Whether POST and PATCH requests are retried after server errors and connection
    /// failures too (429 answers are always retried). Only opt in when repeating the request
    /// is safe.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// The configured number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether a request with `method` that ended in `outcome` should be sent again (when
    /// attempts remain).
    pub(crate) fn retries(&self, method: &Method, outcome: Outcome<'_>) -> bool {
        match retryable(outcome) {
            Some(Retryable::Always) => true,
            Some(Retryable::IfRepeatable) => self.may_repeat(method),
            None => false,
        }
    }

    fn may_repeat(&self, method: &Method) -> bool {
        self.retry_non_idempotent || is_idempotent(method)
    }

    /// How long to wait before attempt `attempt + 1`, after attempt `attempt` (1-based).
    pub(crate) fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_retry_after);
        }
        let exponent = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        ceiling.mul_f64(random_fraction())
    }
}

/// How one attempt of a request ended.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome<'a> {
    /// The API answered with this status.
    Status(u16),
    /// The request failed in transport.
    Transport(&'a reqwest::Error),
}

/// Which failures may succeed when sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retryable {
    /// Whatever the method: the request was not processed (`429 Too Many Requests`).
    Always,
    /// Only when repeating the request is safe: server errors (500, 502, 503, 504), timeouts
    /// and connection failures, after which the request may or may not have taken effect.
    IfRepeatable,
}

/// The one classifier of retryable failures, used by the retry loop and by
/// `Error::is_retryable`. To change how a status is retried, change it here.
pub(crate) fn retryable(outcome: Outcome<'_>) -> Option<Retryable> {
    match outcome {
        Outcome::Status(429) => Some(Retryable::Always),
        Outcome::Status(500 | 502 | 503 | 504) => Some(Retryable::IfRepeatable),
        Outcome::Status(_) => None,
        Outcome::Transport(error) => {
            (error.is_connect() || error.is_timeout() || error.is_request())
                .then_some(Retryable::IfRepeatable)
        }
    }
}

/// Whether repeating a request with `method` has the same effect as sending it once.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::TRACE
    )
}

/// A `Retry-After` value: delay-seconds, or an HTTP date (IMF-fixdate) relative to `now`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT`.
fn parse_http_date(value: &str) -> Option<SystemTime> {
    let rest = value.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day: u32 = day.parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)? as u32
        + 1;
    let year: i64 = year.parse().ok()?;
    let clock: Vec<u64> = time
        .split(':')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let [hours, minutes, seconds] = clock.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || *hours > 23 || *minutes > 59 || *seconds > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = u64::try_from(days).ok()? * 86_400 + hours * 3600 + minutes * 60 + seconds;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A number in `[0, 1)` for jitter; not for cryptography.
fn random_fraction() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut x = COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ nanos;
    // splitmix64
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:30 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(
            parse_retry_after("Sun, 06 Foo 1994 08:49:47 GMT", now),
            None
        );
    }

    #[test]
    fn backoff_grows_to_its_cap_with_jitter_and_retry_after_is_capped() {
        let policy = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300))
            .max_retry_after(Duration::from_secs(5));
        for attempt in 1..=6 {
            let ceiling =
                Duration::from_millis(100 * (1 << (attempt - 1))).min(Duration::from_millis(300));
            assert!(policy.delay(attempt, None) <= ceiling);
        }
        // Full jitter spreads waits over the whole range, and the range grows: at the third
        // attempt some waits exceed the first attempt's ceiling, and no two runs are all equal.
        let third: Vec<Duration> = (0..200).map(|_| policy.delay(3, None)).collect();
        assert!(third.iter().any(|d| *d > Duration::from_millis(100)));
        assert!(third.iter().any(|d| *d != third[0]));
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(600))),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn server_errors_are_retried_only_for_idempotent_methods_unless_opted_in() {
        let policy = RetryPolicy::new();
        let status = Outcome::Status;
        assert!(policy.retries(&Method::POST, status(429)));
        assert!(policy.retries(&Method::GET, status(503)));
        assert!(!policy.retries(&Method::POST, status(500)));
        assert!(!policy.retries(&Method::GET, status(501)));
        assert!(!policy.retries(&Method::GET, status(404)));
        assert!(
            policy
                .clone()
                .retry_non_idempotent(true)
                .retries(&Method::PATCH, status(502))
        );
        assert_eq!(RetryPolicy::none().attempts(), 1);
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts(), 1);
    }
}
