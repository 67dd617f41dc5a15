//! The counters and buckets in Redis, shared by every gateway pointed at it (`REDIS_URL`): each
//! check is one Lua script, atomic in Redis, so nodes never race on a count. When Redis does
//! not answer (down, unreachable, too slow), the caller falls back on its in-process counters:
//! the gateway keeps serving, logs the change once and reports it in `/metrics`
//! (`gateway_rate_limit_redis_up`); after a failure Redis is asked again 5 s later, not on
//! every request.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::bucket::{Take, ThrottleStatus};
use super::calls::now_ms;

/// How long a command may take before the in-process limiters answer instead.
const TIMEOUT: Duration = Duration::from_millis(300);
/// How long Redis is left alone after a failure.
const BACKOFF_MS: u64 = 5_000;

/// Counts a call in a window's counter, which expires with the window (`ARGV[1]`: ms).
const CALLS: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n";

/// Takes `ARGV[3]` points from the bucket of size `ARGV[1]` refilling at `ARGV[2]` a second,
/// on Redis's clock (the same for every node): `{taken, available after, wait ms}`.
const BUCKET: &str = r"
local size = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = redis.call('HMGET', KEYS[1], 'a', 't')
local a = tonumber(held[1]) or size
local at = tonumber(held[2]) or now
if now > at then a = math.min(size, a + (now - at) * rate / 1000) else now = at end
local taken, wait = 0, 0
if cost <= a then
  a = a - cost
  taken = 1
else
  wait = math.ceil((cost - a) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'a', tostring(a), 't', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(size * 1000 / rate) + 1000)
return {taken, tostring(a), wait}";

pub struct Shared {
    conn: ConnectionManager,
    prefix: String,
    calls: redis::Script,
    bucket: redis::Script,
    up: AtomicBool,
    /// Milliseconds since the epoch before which Redis is not asked.
    retry_at: AtomicU64,
}

impl Shared {
    /// A lazy connection to `url` (nothing is sent until the first check); an unparseable URL
    /// is an error at start.
    pub fn new(url: &str, prefix: &str) -> anyhow::Result<Self> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_number_of_retries(1);
        Ok(Self {
            conn: ConnectionManager::new_lazy_with_config(client, config)?,
            prefix: prefix.to_owned(),
            calls: redis::Script::new(CALLS),
            bucket: redis::Script::new(BUCKET),
            up: AtomicBool::new(true),
            retry_at: AtomicU64::new(0),
        })
    }

    /// Whether the last command got an answer.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    fn available(&self) -> bool {
        now_ms() >= self.retry_at.load(Ordering::Relaxed)
    }

    fn answered<T>(
        &self,
        result: Result<redis::RedisResult<T>, tokio::time::error::Elapsed>,
    ) -> Option<T> {
        let error = match result {
            Ok(Ok(v)) => {
                if !self.up.swap(true, Ordering::Relaxed) {
                    tracing::info!("Redis answers again: call and cost limits are shared again");
                }
                return Some(v);
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {} ms", TIMEOUT.as_millis()),
        };
        self.retry_at
            .store(now_ms() + BACKOFF_MS, Ordering::Relaxed);
        if self.up.swap(false, Ordering::Relaxed) {
            tracing::warn!(
                %error,
                "Redis is unreachable: call and cost limits fall back on this node's own counters"
            );
        }
        None
    }

    /// Counts a call of `key` in window `index` (`ttl_ms` until it ends, a second of slack
    /// added); `None` when Redis did not answer.
    pub async fn count(&self, key: &str, index: u64, ttl_ms: u64) -> Option<u64> {
        if !self.available() {
            return None;
        }
        let mut conn = self.conn.clone();
        let mut invocation = self
            .calls
            .key(format!("{}calls:{key}:{index}", self.prefix));
        invocation.arg(ttl_ms + 1000);
        let result = tokio::time::timeout(TIMEOUT, invocation.invoke_async::<u64>(&mut conn)).await;
        self.answered(result)
    }

    /// Takes `cost` from the bucket of `key`; `None` when Redis did not answer.
    pub async fn take(&self, key: &str, cost: u64, size: u64, rate: u64) -> Option<Take> {
        if !self.available() {
            return None;
        }
        let mut conn = self.conn.clone();
        let mut invocation = self.bucket.key(format!("{}bucket:{key}", self.prefix));
        invocation.arg(size).arg(rate.max(1)).arg(cost);
        let result = tokio::time::timeout(
            TIMEOUT,
            invocation.invoke_async::<(i64, String, u64)>(&mut conn),
        )
        .await;
        let (taken, available, wait_ms) = self.answered(result)?;
        let available: f64 = available.parse().ok()?;
        let status = ThrottleStatus {
            maximum_available: size as f64,
            currently_available: available.floor(),
            restore_rate: rate as f64,
        };
        Some(if taken == 1 {
            Take::Taken(status)
        } else {
            Take::Refused { status, wait_ms }
        })
    }
}
