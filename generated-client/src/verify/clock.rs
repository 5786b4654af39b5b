//! The time verification checks against, replaceable in tests.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where the current time comes from: the system clock, or a function given in tests.
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<dyn Fn() -> SystemTime + Send + Sync>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(None)
    }

    /// A clock that reads `now`, such as a fixed instant in a test.
    pub fn from_fn(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(now)))
    }

    /// A clock stopped at `seconds` after the Unix epoch.
    pub fn fixed_at(seconds: u64) -> Self {
        Self::from_fn(move || UNIX_EPOCH + Duration::from_secs(seconds))
    }

    /// The current time.
    pub fn now(&self) -> SystemTime {
        match &self.0 {
            Some(now) => now(),
            None => SystemTime::now(),
        }
    }

    /// The current time in milliseconds since the Unix epoch (negative before it).
    pub(crate) fn now_millis(&self) -> i128 {
        match self.now().duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_millis() as i128,
            Err(before) => -(before.duration().as_millis() as i128),
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Clock(custom)"
        } else {
            "Clock(system)"
        })
    }
}
