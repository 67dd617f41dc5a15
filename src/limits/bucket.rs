//! Leaky buckets of query cost, one per API client: a bucket holds at most `size` points and
//! refills at `rate` points a second; an operation takes its calculated cost from it before it
//! runs, or is refused, told how long until the bucket holds enough.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;

/// Buckets remembered in-process (a forgotten bucket is full again).
const TRACKED: usize = 100_000;

/// `extensions.cost.throttleStatus`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThrottleStatus {
    pub maximum_available: f64,
    pub currently_available: f64,
    pub restore_rate: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Take {
    Taken(ThrottleStatus),
    /// Not enough in the bucket: nothing was taken; `wait_ms` until there will be.
    Refused {
        status: ThrottleStatus,
        wait_ms: u64,
    },
}

impl Take {
    pub fn status(&self) -> ThrottleStatus {
        match self {
            Take::Taken(s) | Take::Refused { status: s, .. } => *s,
        }
    }

    /// The outcome of taking `cost` from a bucket of `size` refilling at `rate` a second that
    /// held `available` at `at_ms`, at `now_ms`; with what the bucket holds after.
    pub fn compute(
        cost: u64,
        size: u64,
        rate: u64,
        available: f64,
        at_ms: u64,
        now_ms: u64,
    ) -> (Take, f64) {
        let elapsed = now_ms.saturating_sub(at_ms) as f64 / 1000.0;
        let available = (available + elapsed * rate as f64).min(size as f64);
        let status = |a: f64| ThrottleStatus {
            maximum_available: size as f64,
            currently_available: a.floor(),
            restore_rate: rate as f64,
        };
        let cost = cost as f64;
        if cost <= available {
            let left = available - cost;
            (Take::Taken(status(left)), left)
        } else {
            let wait_ms = if rate == 0 {
                u64::MAX
            } else {
                ((cost - available) * 1000.0 / rate as f64).ceil() as u64
            };
            (
                Take::Refused {
                    status: status(available),
                    wait_ms,
                },
                available,
            )
        }
    }
}

/// In-process buckets: (points held, when) per key.
pub struct Buckets {
    held: Mutex<LruCache<String, (f64, u64)>>,
}

impl Default for Buckets {
    fn default() -> Self {
        Self {
            held: Mutex::new(LruCache::new(
                NonZeroUsize::new(TRACKED).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
}

impl Buckets {
    pub fn take(&self, key: &str, cost: u64, size: u64, rate: u64, now_ms: u64) -> Take {
        // A poisoned lock only means another thread panicked mid-update of two numbers.
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let entry = held.get_or_insert_mut(key.to_owned(), || (size as f64, now_ms));
        let (take, left) = Take::compute(cost, size, rate, entry.0, entry.1, now_ms);
        *entry = (left, now_ms.max(entry.1));
        take
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_drains_refuses_with_the_wait_and_refills_at_its_rate() {
        let b = Buckets::default();
        let t0 = 1_000_000;
        assert!(
            matches!(b.take("k", 60, 100, 10, t0), Take::Taken(s) if s.currently_available == 40.0)
        );
        // 40 left: 60 more needs 20 points, 2 s at 10 a second; nothing is taken.
        assert_eq!(
            b.take("k", 60, 100, 10, t0),
            Take::Refused {
                status: ThrottleStatus {
                    maximum_available: 100.0,
                    currently_available: 40.0,
                    restore_rate: 10.0
                },
                wait_ms: 2000
            }
        );
        assert!(
            matches!(b.take("k", 60, 100, 10, t0 + 2000), Take::Taken(s) if s.currently_available == 0.0)
        );
        // Never more than its size.
        assert!(
            matches!(b.take("k", 0, 100, 10, t0 + 60_000), Take::Taken(s) if s.currently_available == 100.0)
        );
        assert!(matches!(b.take("other", 100, 100, 10, t0), Take::Taken(_)));
    }
}
