//! Limits on what an API client may ask of the gateway, by its credential (never by address):
//!
//! - [`calls`]: Spark Pay's call limit, a count of calls per fixed window (`X-AC-Call-Limit:
//!   used/limit`), shared by the installed applications of a store, one per custom client.
//! - [`bucket`]: a leaky bucket of query cost per credential, charged by GraphQL and by the
//!   REST dialects with the calculated cost of the operation they run
//!   ([`crate::graphql::cost`]).
//!
//! With `REDIS_URL` the counts and buckets live in Redis ([`shared`]), so every gateway
//! pointed at it enforces one limit per client; without it, or while Redis does not answer,
//! each gateway counts in-process.
//!
//! Windows are aligned on wall-clock time (a window starts at a multiple of its length since
//! the Unix epoch), so any node computes the same window for the same instant.

pub mod bucket;
pub mod calls;
pub mod shared;

use crate::auth::Principal;
use crate::config::RateLimitConfig;

/// The limiters of one gateway.
pub struct Limits {
    pub config: RateLimitConfig,
    calls: calls::Windows,
    buckets: bucket::Buckets,
    shared: Option<shared::Shared>,
}

impl Limits {
    /// The limiters of `config`; with a Redis URL that does not parse, an error.
    pub fn new(config: &RateLimitConfig) -> anyhow::Result<Self> {
        let shared = match &config.redis_url {
            Some(url) => Some(shared::Shared::new(url, &config.redis_prefix)?),
            None => None,
        };
        Ok(Self {
            config: config.clone(),
            calls: calls::Windows::default(),
            buckets: bucket::Buckets::default(),
            shared,
        })
    }

    /// `None` without Redis; else whether Redis answered the last check.
    pub fn redis_up(&self) -> Option<bool> {
        self.shared.as_ref().map(shared::Shared::is_up)
    }

    /// Counts one Spark Pay call of `principal`; `None` when the limit is disabled.
    pub async fn sparkpay_call(&self, principal: &Principal) -> Option<calls::Verdict> {
        let limit = self.config.sparkpay_calls;
        if limit == 0 {
            return None;
        }
        let key = calls::sparkpay_key(principal);
        let window = self.config.sparkpay_window;
        let now = calls::now_ms();
        if let Some(shared) = &self.shared {
            let (index, reset_in) = calls::window_of(now, window);
            if let Some(count) = shared.count(&key, index, reset_in).await {
                return Some(calls::Verdict::of_count(count, limit, reset_in));
            }
        }
        Some(self.calls.count(&key, limit, window, now))
    }

    /// Takes `cost` from `principal`'s cost bucket; `None` when buckets are disabled.
    pub async fn charge(&self, principal: &Principal, cost: u64) -> Option<bucket::Take> {
        let size = self.config.cost_bucket_size;
        if size == 0 {
            return None;
        }
        let rate = self.config.cost_restore_rate;
        let key = format!("cost:{}", principal.client_key);
        if let Some(shared) = &self.shared {
            if let Some(take) = shared.take(&key, cost, size, rate).await {
                return Some(take);
            }
        }
        Some(self.buckets.take(&key, cost, size, rate, calls::now_ms()))
    }
}
