//! Throttling of failed credential attempts (`POST /oauth/token`, API keys), per client id (or
//! API key prefix) and per source address: past `limit` failures within the window, further
//! attempts are refused with 429 and `Retry-After` before the credential is even looked at, so
//! guessing costs neither a database round trip nor a comparison.
//!
//! In-process sliding logs (one per node; the limits are per node): each key keeps the instants
//! of its last `limit` failures, at most, and the keys are kept in LRU maps of bounded size, so
//! memory stays bounded whatever an attacker sends. A request is refused when its client or its
//! address already has `limit` failures within the window; it waits until the oldest of them
//! leaves the window. A success clears its client's failures (not its address's).
//!
//! Successful attempts are never slowed down by failures of another client from another
//! address. A client id under attack is refused from every address until the window frees up:
//! the price of stopping distributed guessing of one client's secret.

use std::collections::VecDeque;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lru::LruCache;

use crate::config::AuthConfig;

/// Client ids (and key prefixes) and addresses remembered, each.
const TRACKED: usize = 10_000;
/// Longest client id kept as a key: an unknown id of any length costs the same memory.
const MAX_CLIENT_KEY: usize = 128;

struct Log<K: Hash + Eq> {
    limit: u32,
    failures: Mutex<LruCache<K, VecDeque<Instant>>>,
}

impl<K: Hash + Eq> Log<K> {
    fn new(limit: u32) -> Self {
        Self {
            limit,
            failures: Mutex::new(LruCache::new(
                NonZeroUsize::new(TRACKED).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    /// How long `key` must wait, if it is at its limit.
    fn wait(&self, key: &K, window: Duration, now: Instant) -> Option<Duration> {
        if self.limit == 0 {
            return None;
        }
        // A poisoned lock only means another thread panicked mid-update: the log is still a
        // list of instants, fine to read.
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let log = failures.get_mut(key)?;
        while log
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            log.pop_front();
        }
        if log.len() < self.limit as usize {
            return None;
        }
        log.front()
            .map(|oldest| window - now.duration_since(*oldest))
    }

    fn fail(&self, key: K, window: Duration, now: Instant) {
        if self.limit == 0 {
            return;
        }
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let log = failures.get_or_insert_mut(key, VecDeque::new);
        while log
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            log.pop_front();
        }
        log.push_back(now);
        while log.len() > self.limit as usize {
            log.pop_front();
        }
    }

    fn clear(&self, key: &K) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.pop(key);
    }
}

/// Who an attempt claims to be and where it comes from; either may be unknown.
#[derive(Debug, Clone, Default)]
pub struct Attempt {
    client: Option<String>,
    address: Option<IpAddr>,
}

impl Attempt {
    /// An attempt on the token endpoint for `client_id`.
    pub fn client(client_id: &str, address: Option<IpAddr>) -> Self {
        Self {
            client: Some(format!("client:{}", truncate(client_id, MAX_CLIENT_KEY))),
            address: address.map(network),
        }
    }

    /// An attempt with an API key: identified by its displayed prefix (`sk_` and 7 characters).
    pub fn api_key(key: &str, address: Option<IpAddr>) -> Self {
        Self {
            client: Some(format!("api_key:{}", truncate(key, 10))),
            address: address.map(network),
        }
    }
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The unit an address is throttled by: an IPv4 address, or the /64 network of an IPv6 address
/// (one host commonly holds a whole /64).
fn network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

pub struct Throttle {
    window: Duration,
    clients: Log<String>,
    addresses: Log<IpAddr>,
}

impl Throttle {
    pub fn new(config: &AuthConfig) -> Self {
        Self {
            window: config.failure_window.max(Duration::from_secs(1)),
            clients: Log::new(config.failures_per_client),
            addresses: Log::new(config.failures_per_address),
        }
    }

    /// `Err(seconds to wait)` when the attempt's client or address reached its limit.
    pub fn check(&self, attempt: &Attempt) -> Result<(), u64> {
        let now = Instant::now();
        let client = attempt
            .client
            .as_ref()
            .and_then(|c| self.clients.wait(c, self.window, now));
        let address = attempt
            .address
            .as_ref()
            .and_then(|a| self.addresses.wait(a, self.window, now));
        match client.max(address) {
            None => Ok(()),
            // Whole seconds for `Retry-After`, rounded up so a client that waits is let in.
            Some(wait) => Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0)),
        }
    }

    /// Records a failed attempt (a wrong or unknown credential).
    pub fn failed(&self, attempt: &Attempt) {
        let now = Instant::now();
        if let Some(c) = &attempt.client {
            self.clients.fail(c.clone(), self.window, now);
        }
        if let Some(a) = attempt.address {
            self.addresses.fail(a, self.window, now);
        }
    }

    /// Records a successful attempt: the client's earlier failures are forgotten.
    pub fn succeeded(&self, attempt: &Attempt) {
        if let Some(c) = &attempt.client {
            self.clients.clear(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(per_client: u32, per_address: u32) -> Throttle {
        Throttle::new(&AuthConfig {
            failures_per_client: per_client,
            failures_per_address: per_address,
            failure_window: Duration::from_secs(60),
            ..AuthConfig::default()
        })
    }

    #[test]
    fn limits_per_client_and_per_address_independently() {
        let t = throttle(3, 5);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert!(t.check(&Attempt::client("cli_x", Some(a))).is_ok());
            t.failed(&Attempt::client("cli_x", Some(a)));
        }
        let wait = t.check(&Attempt::client("cli_x", Some(b))).unwrap_err();
        assert!((59..=60).contains(&wait), "{wait}");
        // Another client from another address is not affected; from the same address it is
        // until the address's own limit.
        assert!(t.check(&Attempt::client("cli_y", Some(b))).is_ok());
        assert!(t.check(&Attempt::client("cli_y", Some(a))).is_ok());
        t.failed(&Attempt::client("cli_y", Some(a)));
        t.failed(&Attempt::client("cli_z", Some(a)));
        assert!(t.check(&Attempt::client("cli_w", Some(a))).is_err());
        assert!(t.check(&Attempt::client("cli_w", Some(b))).is_ok());
        assert!(t.check(&Attempt::client("cli_w", None)).is_ok());
    }

    #[test]
    fn success_clears_the_client_and_zero_disables() {
        let t = throttle(2, 0);
        let at = Attempt::api_key("sk_abcdefghijk", None);
        t.failed(&at);
        t.succeeded(&at);
        t.failed(&at);
        assert!(t.check(&at).is_ok());
        t.failed(&at);
        assert!(t.check(&at).is_err());
        // The same prefix is the same key; a disabled address limit never refuses.
        assert!(t.check(&Attempt::api_key("sk_abcdefgXYZ", None)).is_err());
        let ip: IpAddr = "10.0.0.9".parse().unwrap();
        for _ in 0..100 {
            t.failed(&Attempt::client("cli_q", Some(ip)).clone_address_only());
        }
        assert!(t.check(&Attempt::client("cli_r", Some(ip))).is_ok());
    }

    #[test]
    fn ipv6_addresses_count_by_network() {
        let t = throttle(0, 1);
        t.failed(&Attempt::client("c", Some("2001:db8::1".parse().unwrap())));
        assert!(t
            .check(&Attempt::client(
                "d",
                Some("2001:db8::ffff:2".parse().unwrap())
            ))
            .is_err());
        assert!(t
            .check(&Attempt::client(
                "d",
                Some("2001:db8:0:1::1".parse().unwrap())
            ))
            .is_ok());
        t.failed(&Attempt::client(
            "c",
            Some("::ffff:10.1.2.3".parse().unwrap()),
        ));
        assert!(t
            .check(&Attempt::client("d", Some("10.1.2.3".parse().unwrap())))
            .is_err());
    }

    impl Attempt {
        fn clone_address_only(&self) -> Self {
            Self {
                client: None,
                address: self.address,
            }
        }
    }
}
