//! Limits on what an API client may ask of the gateway, by its credential (never by address):
//!
//! - [`calls`]: Spark Pay's call limit, a count of calls per fixed window (`X-AC-Call-Limit:
//!   used/limit`), shared by the installed applications of a store, one per custom client.
//! - [`bucket`]: a leaky bucket of query cost per credential, charged by GraphQL and by the
//!   REST dialects with the calculated cost of the operation they run
//!   ([`crate::graphql::cost`]).
//!
//! Windows are aligned on wall-clock time (a window starts at a multiple of its length since
//! the Unix epoch), so any node computes the same window for the same instant.

pub mod bucket;
pub mod calls;

use crate::auth::Principal;
use crate::config::RateLimitConfig;

/// The limiters of one gateway.
pub struct Limits {
    pub config: RateLimitConfig,
    calls: calls::Windows,
    buckets: bucket::Buckets,
}

impl Limits {
    pub fn new(config: &RateLimitConfig) -> Self {
        Self {
            config: config.clone(),
            calls: calls::Windows::default(),
            buckets: bucket::Buckets::default(),
        }
    }

    /// Counts one Spark Pay call of `principal`; `None` when the limit is disabled.
    pub fn sparkpay_call(&self, principal: &Principal) -> Option<calls::Verdict> {
        let limit = self.config.sparkpay_calls;
        if limit == 0 {
            return None;
        }
        let key = calls::sparkpay_key(principal);
        Some(
            self.calls
                .count(&key, limit, self.config.sparkpay_window, calls::now_ms()),
        )
    }

    /// Takes `cost` from `principal`'s cost bucket; `None` when buckets are disabled.
    pub fn charge(&self, principal: &Principal, cost: u64) -> Option<bucket::Take> {
        let size = self.config.cost_bucket_size;
        if size == 0 {
            return None;
        }
        let key = format!("cost:{}", principal.client_key);
        Some(self.buckets.take(
            &key,
            cost,
            size,
            self.config.cost_restore_rate,
            calls::now_ms(),
        ))
    }
}
