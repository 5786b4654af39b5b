//! When and how long to wait before sending a request again, and how many retries a client
//! may spend while the API is failing.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;

/// How failed requests are retried.
///
/// A `429 Too Many Requests`, and a request that provably never reached the server (the
/// connection was refused, the name did not resolve, the TLS handshake failed), are retried for
/// every method. `500`, `502`, `503`, `504`, timeouts and connections lost mid-request are
/// retried for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE), for an operation sent with
/// an idempotency key, and for POST and PATCH otherwise only with
/// [`retry_non_idempotent`](Self::retry_non_idempotent). Waits grow exponentially with full
/// jitter; a `Retry-After` header (seconds or an HTTP date) is honoured up to
/// [`max_retry_after`](Self::max_retry_after).
///
/// Retries draw on the client's [`RetryBudget`], so that a failing API is not sent three times
/// its load; [`without_budget`](Self::without_budget) turns that off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    retry_non_idempotent: bool,
    budget: Option<RetryBudget>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
            budget: Some(RetryBudget::default()),
        }
    }
}

/// The retries a client may spend, shared by all its requests: a token bucket in the manner
/// of AWS's standard retry mode. It starts full; each retry takes
/// [`retry_cost`](Self::retry_cost) tokens ([`timeout_cost`](Self::timeout_cost) after a
/// timeout); a request that succeeds gives back what its retries took, or one token when it
/// needed none. When the bucket cannot pay for a retry, the request fails with its last error
/// instead of retrying, so while the API keeps failing the client sends little more than one
/// attempt per request, and retries again as successes refill the bucket.
///
/// The defaults: 500 tokens, 5 per retry, 10 per retry after a timeout: 100 retries in a row
/// before the budget runs dry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    capacity: u32,
    retry_cost: u32,
    timeout_cost: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
        }
    }
}

impl RetryBudget {
    /// The default budget.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many tokens the bucket holds when full.
    pub fn capacity(mut self, tokens: u32) -> Self {
        self.capacity = tokens;
        self
    }

    /// What a retry costs.
    pub fn retry_cost(mut self, tokens: u32) -> Self {
        self.retry_cost = tokens;
        self
    }

    /// What a retry after a timeout costs.
    pub fn timeout_cost(mut self, tokens: u32) -> Self {
        self.timeout_cost = tokens;
        self
    }
}

/// A client's bucket of retry tokens.
#[derive(Debug)]
pub(crate) struct RetryTokens {
    budget: RetryBudget,
    available: AtomicU32,
}

impl RetryTokens {
    pub(crate) fn new(budget: RetryBudget) -> Self {
        Self {
            budget,
            available: AtomicU32::new(budget.capacity),
        }
    }

    /// The cost of retrying after `outcome`.
    pub(crate) fn cost(&self, outcome: Outcome<'_>) -> u32 {
        match outcome {
            Outcome::Transport(error) if error.is_timeout() => self.budget.timeout_cost,
            Outcome::Stalled => self.budget.timeout_cost,
            _ => self.budget.retry_cost,
        }
    }

    /// Takes `cost` tokens, if the bucket holds them.
    pub(crate) fn withdraw(&self, cost: u32) -> bool {
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |available| {
                available.checked_sub(cost)
            })
            .is_ok()
    }

    /// Gives back what a successful request's retries took (`spent`), or one token when it
    /// needed none, up to the capacity.
    pub(crate) fn refund(&self, spent: u32) {
        let amount = spent.max(1);
        let capacity = self.budget.capacity;
        let _ = self
            .available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |available| {
                Some(available.saturating_add(amount).min(capacity))
            });
    }

    /// The tokens left.
    #[cfg(test)]
    pub(crate) fn available(&self) -> u32 {
        self.available.load(Ordering::Acquire)
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

    /// Spends `budget` on retries (the default policy has [`RetryBudget::default`]). The
    /// client's bucket is sized by the policy it is built with.
    pub fn budget(mut self, budget: RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Retries without drawing on a budget: each failing request may retry up to its
    /// attempts, however many others are failing.
    pub fn without_budget(mut self) -> Self {
        self.budget = None;
        self
    }

    /// The budget retries draw on, if any.
    pub fn retry_budget(&self) -> Option<RetryBudget> {
        self.budget
    }

    /// The configured number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether a request with `method` that ended in `outcome` should be sent again (when
    /// attempts remain). `repeatable` says the request may be repeated whatever its method
    /// (it carries an idempotency key).
    pub(crate) fn retries(&self, method: &Method, repeatable: bool, outcome: Outcome<'_>) -> bool {
        match retryable(outcome) {
            Some(Retryable::Always) => true,
            Some(Retryable::IfRepeatable) => repeatable || self.may_repeat(method),
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
    /// A streamed transfer made no progress for the timeout.
    Stalled,
}

/// Which failures may succeed when sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retryable {
    /// Whatever the method: the request was not processed (`429 Too Many Requests`), or never
    /// reached the server (a refused connection, a failed name lookup or TLS handshake).
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
        // A connection that could not be made carried nothing of the request.
        Outcome::Transport(error) if error.is_connect() => Some(Retryable::Always),
        Outcome::Transport(error) => {
            (error.is_timeout() || error.is_request()).then_some(Retryable::IfRepeatable)
        }
        Outcome::Stalled => Some(Retryable::IfRepeatable),
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

/// A new idempotency key: 128 bits as a version-4 UUID. The bits come from the standard
/// library's per-process random hasher keys, the time and a counter, so keys differ across
/// processes, calls and threads; they need to be unique, not secret.
pub(crate) fn idempotency_key() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let state = std::collections::hash_map::RandomState::new();
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let word = |salt: u64| {
        let mut hasher = state.build_hasher();
        hasher.write_u64(salt);
        hasher.write_u64(count);
        hasher.write_u128(nanos);
        hasher.finish()
    };
    let (high, low) = (word(0x5851_F42D_4C95_7F2D), word(0x1405_7B7E_F767_814F));
    let high = (high & !0xF000) | 0x4000; // version 4
    let low = (low & !(0b11 << 62)) | (0b10 << 62); // RFC 9562 variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xFFFF,
        high & 0xFFFF,
        low >> 48,
        low & 0xFFFF_FFFF_FFFF
    )
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
    fn idempotency_keys_are_uuids_and_differ() {
        let keys: Vec<String> = (0..1000).map(|_| idempotency_key()).collect();
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len());
        let key = &keys[0];
        assert_eq!(key.len(), 36, "{key}");
        assert_eq!(&key[14..15], "4", "{key}");
        assert!(matches!(&key[19..20], "8" | "9" | "a" | "b"), "{key}");
    }

    #[test]
    fn the_budget_runs_dry_and_refills_up_to_its_capacity() {
        let tokens = RetryTokens::new(RetryBudget::new().capacity(12).retry_cost(5));
        assert!(tokens.withdraw(5));
        assert!(tokens.withdraw(5));
        assert!(!tokens.withdraw(5), "2 tokens cannot pay for a retry");
        assert_eq!(tokens.available(), 2);
        tokens.refund(0);
        assert_eq!(
            tokens.available(),
            3,
            "a success without retries gives back one"
        );
        tokens.refund(5);
        assert_eq!(tokens.available(), 8);
        tokens.refund(100);
        assert_eq!(tokens.available(), 12, "never above the capacity");
        assert_eq!(
            RetryPolicy::new().retry_budget(),
            Some(RetryBudget::default())
        );
        assert_eq!(RetryPolicy::new().without_budget().retry_budget(), None);
    }

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
        assert!(policy.retries(&Method::POST, false, status(429)));
        assert!(policy.retries(&Method::GET, false, status(503)));
        assert!(!policy.retries(&Method::POST, false, status(500)));
        assert!(policy.retries(&Method::POST, true, status(500)));
        assert!(!policy.retries(&Method::GET, false, status(501)));
        assert!(!policy.retries(&Method::GET, false, status(404)));
        assert!(policy.clone().retry_non_idempotent(true).retries(
            &Method::PATCH,
            false,
            status(502)
        ));
        assert_eq!(RetryPolicy::none().attempts(), 1);
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts(), 1);
    }
}
