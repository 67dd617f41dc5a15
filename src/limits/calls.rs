//! Calls per fixed window: a counter per key and window, the window being the `window`-long
//! slice of wall-clock time the call falls in. A refused call is counted too (a client that
//! keeps calling stays refused until the window ends), but `used` never reads above `limit`.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lru::LruCache;

use crate::auth::Principal;

/// Keys remembered in-process (least recently used forgotten first: a forgotten key only
/// starts its window over).
const TRACKED: usize = 100_000;

/// A call's count in its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Calls in the window, this one included (at most `limit`).
    pub used: u32,
    pub limit: u32,
    /// Milliseconds until the window ends.
    pub reset_in_ms: u64,
}

impl Usage {
    /// Whole seconds until the window ends, at least 1 (`Retry-After`).
    pub fn retry_after_secs(&self) -> u64 {
        self.reset_in_ms.div_ceil(1000).max(1)
    }

    /// `used/limit`, the `X-AC-Call-Limit` value.
    pub fn header(&self) -> String {
        format!("{}/{}", self.used, self.limit)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed(Usage),
    /// Past the limit: nothing may run before the window ends.
    Refused(Usage),
}

impl Verdict {
    pub fn usage(&self) -> Usage {
        match self {
            Verdict::Allowed(u) | Verdict::Refused(u) => *u,
        }
    }

    /// Builds the verdict of the `count`th call of a window ending in `reset_in_ms`.
    pub fn of_count(count: u64, limit: u32, reset_in_ms: u64) -> Self {
        let usage = Usage {
            used: count.min(u64::from(limit)) as u32,
            limit,
            reset_in_ms,
        };
        if count > u64::from(limit) {
            Verdict::Refused(usage)
        } else {
            Verdict::Allowed(usage)
        }
    }
}

/// Who a Spark Pay call is counted against: the store, for an installed application; the
/// credential itself, for a custom one.
pub fn sparkpay_key(principal: &Principal) -> String {
    if principal.installed {
        format!("sparkpay:store:{}", principal.merchant_id)
    } else {
        format!("sparkpay:{}", principal.client_key)
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The window `now_ms` falls in and the milliseconds until it ends.
pub fn window_of(now_ms: u64, window: Duration) -> (u64, u64) {
    let len = (window.as_millis() as u64).max(1);
    (now_ms / len, len - now_ms % len)
}

/// In-process counters: (window index, calls) per key.
pub struct Windows {
    counts: Mutex<LruCache<String, (u64, u64)>>,
}

impl Default for Windows {
    fn default() -> Self {
        Self {
            counts: Mutex::new(LruCache::new(
                NonZeroUsize::new(TRACKED).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
}

impl Windows {
    /// Counts a call of `key` at `now_ms`.
    pub fn count(&self, key: &str, limit: u32, window: Duration, now_ms: u64) -> Verdict {
        let (index, reset_in_ms) = window_of(now_ms, window);
        // A poisoned lock only means another thread panicked mid-update of two integers.
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let entry = counts.get_or_insert_mut(key.to_owned(), || (index, 0));
        if entry.0 != index {
            *entry = (index, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        Verdict::of_count(entry.1, limit, reset_in_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_up_to_the_limit_then_refuses_until_the_window_ends() {
        let w = Windows::default();
        let window = Duration::from_secs(10);
        let start = 1_000_000_000u64; // a window boundary (a multiple of 10,000 ms)
        for i in 1..=3u32 {
            let v = w.count("k", 3, window, start + u64::from(i));
            assert_eq!(
                v,
                Verdict::Allowed(Usage {
                    used: i,
                    limit: 3,
                    reset_in_ms: 10_000 - u64::from(i)
                })
            );
        }
        let refused = w.count("k", 3, window, start + 2_500);
        assert_eq!(
            refused,
            Verdict::Refused(Usage {
                used: 3,
                limit: 3,
                reset_in_ms: 7_500
            })
        );
        assert_eq!(refused.usage().retry_after_secs(), 8);
        // Another key has its own count; the next window starts over.
        assert!(
            matches!(w.count("other", 3, window, start + 2_600), Verdict::Allowed(u) if u.used == 1)
        );
        assert!(
            matches!(w.count("k", 3, window, start + 10_000), Verdict::Allowed(u) if u.used == 1)
        );
    }
}
