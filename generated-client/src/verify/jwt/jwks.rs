//! The instance's JSON Web Key Set, fetched through the client and cached.
//!
//! One cache per verifier, shared by its clones and across tasks. The whole set is fetched at
//! once and kept for a time to live that a hit does not extend. A token whose `kid` is not in a
//! fresh set triggers one refetch (keys rotate), at most once per refetch interval; concurrent
//! misses wait for the same fetch instead of each sending their own.
//!
//! A failed fetch is shared the same way: every task that waited for it gets its error, and
//! the failure is remembered for a short interval, during which verifications that need the
//! key set fail at once, without a fetch. An outage of the key-set endpoint so costs one fetch
//! per interval, not one per request, and the first verification after the interval fetches
//! again, so recovery needs nothing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::error::{Reason, TokenError};
use super::key::RsaKey;
use crate::verify::Clock;
use crate::{Client, Error};

/// How long a fetched key set is used before it is fetched again.
pub const DEFAULT_JWKS_TTL: Duration = Duration::from_secs(300);

/// The shortest time between two fetches caused by an unknown `kid`.
pub const DEFAULT_REFETCH_INTERVAL: Duration = Duration::from_secs(10);

/// How long a failed fetch is remembered: verifications in that time fail with its error
/// instead of fetching again.
pub const DEFAULT_FAILURE_INTERVAL: Duration = Duration::from_secs(5);

#[derive(Default)]
struct Cached {
    keys: HashMap<String, Arc<RsaKey>>,
    /// When the set was fetched, in milliseconds since the Unix epoch.
    fetched_at: Option<i128>,
    /// The last fetch, when it failed: when it ended, and its error.
    failed: Option<(i128, TokenError)>,
}

pub(crate) struct JwksCache {
    client: Client,
    ttl: Duration,
    refetch_interval: Duration,
    failure_interval: Duration,
    cached: RwLock<Cached>,
    fetching: tokio::sync::Mutex<()>,
    fetches: AtomicU64,
}

impl JwksCache {
    pub(crate) fn new(
        client: Client,
        ttl: Duration,
        refetch_interval: Duration,
        failure_interval: Duration,
    ) -> Self {
        Self {
            client,
            ttl,
            refetch_interval,
            failure_interval,
            cached: RwLock::new(Cached::default()),
            fetching: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
        }
    }

    /// How many times the set was fetched.
    pub(crate) fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The key with ID `kid`, from the cache when it is fresh.
    pub(crate) async fn key(&self, kid: &str, clock: &Clock) -> Result<Arc<RsaKey>, TokenError> {
        if let Some(key) = self.fresh_key(kid, clock.now_millis()) {
            return Ok(key);
        }
        if let Some(error) = self.recent_failure(clock.now_millis()) {
            return Err(error);
        }
        let _single_flight = self.fetching.lock().await;
        let now = clock.now_millis();
        // The fetch this task waited for may have failed: its error, not another fetch.
        if let Some(error) = self.recent_failure(now) {
            return Err(error);
        }
        {
            let cached = self.read();
            if let Some(fetched_at) = cached.fetched_at {
                let age = now - fetched_at;
                if age < self.ttl.as_millis() as i128 {
                    // Fetched meanwhile by another task, or recently enough that an unknown
                    // kid does not justify another fetch.
                    if let Some(key) = cached.keys.get(kid) {
                        return Ok(Arc::clone(key));
                    }
                    if age < self.refetch_interval.as_millis() as i128 {
                        return Err(kid_mismatch(kid));
                    }
                }
            }
        }
        let keys = match self.fetch().await {
            Ok(keys) => keys,
            Err(error) => {
                // The keys fetched before stay; only the failure is remembered.
                self.write().failed = Some((clock.now_millis(), error.clone()));
                return Err(error);
            }
        };
        let found = keys.get(kid).cloned();
        *self.write() = Cached {
            keys,
            fetched_at: Some(now),
            failed: None,
        };
        found.ok_or_else(|| kid_mismatch(kid))
    }

    /// The error of a fetch that failed less than the failure interval ago.
    fn recent_failure(&self, now: i128) -> Option<TokenError> {
        let cached = self.read();
        let (at, error) = cached.failed.as_ref()?;
        (now - at < self.failure_interval.as_millis() as i128).then(|| error.clone())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Cached> {
        self.cached
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Cached> {
        self.cached
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn fresh_key(&self, kid: &str, now: i128) -> Option<Arc<RsaKey>> {
        let cached = self.read();
        let fetched_at = cached.fetched_at?;
        if now - fetched_at >= self.ttl.as_millis() as i128 {
            return None;
        }
        cached.keys.get(kid).cloned()
    }

    async fn fetch(&self) -> Result<HashMap<String, Arc<RsaKey>>, TokenError> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let set = self.client.jwks().get().send().await.map_err(|error| {
            let reason = match &error {
                Error::Api(api) if matches!(api.status, 401 | 403) => Reason::SecretKeyInvalid,
                _ => Reason::JwkRemoteFailedToLoad,
            };
            TokenError::new(reason, format!("fetching the key set: {error}"))
        })?;
        let mut keys = HashMap::new();
        for jwk in set.keys.unwrap_or_default() {
            if jwk.kty != "RSA" {
                continue;
            }
            let (Some(n), Some(e)) = (&jwk.n, &jwk.e) else {
                continue;
            };
            match RsaKey::from_jwk(n, e).and_then(|key| key.for_algorithm(&jwk.alg)) {
                Ok(key) => {
                    keys.insert(jwk.kid.clone(), Arc::new(key));
                }
                Err(why) => tracing::warn!(kid = %jwk.kid, %why, "skipping an unusable key"),
            }
        }
        if keys.is_empty() {
            return Err(TokenError::new(
                Reason::JwkRemoteInvalid,
                "the key set holds no usable RSA key",
            ));
        }
        Ok(keys)
    }
}

fn kid_mismatch(kid: &str) -> TokenError {
    TokenError::new(
        Reason::JwkKidMismatch,
        format!("no key in the key set has the kid `{kid}`"),
    )
}
