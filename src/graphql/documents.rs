//! Parsed documents by query text. Clients send the same few query strings over and over (an
//! admin SPA's screens, a dashboard's panels, an integration's polling query), and parsing
//! was the largest single cost of a small query (about a tenth of the server's CPU for
//! `order(id:)`, measured with `perf`). A hit hands async-graphql a copy of the parsed
//! document; validation, limits and execution run as for any request.
//!
//! Bounded: at most [`ENTRIES`] documents, least recently used first out, and queries over
//! [`MAX_QUERY_BYTES`] are parsed every time. A query that does not parse is never stored, so
//! its error comes from async-graphql as usual.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

use super::limits::{self, DocumentLimits, Violation};

/// Documents kept.
pub const ENTRIES: usize = 512;
/// Longest query text kept.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Longer texts are parsed on the blocking pool.
const PARSE_INLINE_BYTES: usize = 16 * 1024;

/// The parsed documents of one gateway (owned by its `AppState`: two gateways in one process,
/// as in the tests, never share entries or counters).
pub struct DocumentCache {
    entries: Mutex<LruCache<String, ExecutableDocument>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Default for DocumentCache {
    fn default() -> Self {
        Self {
            entries: Mutex::new(LruCache::new(
                NonZeroUsize::new(ENTRIES).unwrap_or(NonZeroUsize::MIN),
            )),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }
}

impl DocumentCache {
    /// Requests served from the cache and requests parsed, since the gateway started.
    pub fn hits_and_misses(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// The cached document of `query`, if any (counted as a hit or a miss).
    fn get(&self, query: &str) -> Option<ExecutableDocument> {
        let cached = self
            .entries
            .lock()
            .ok()
            .and_then(|mut c| c.get(query).cloned());
        let counter = if cached.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        cached
    }

    fn put(&self, query: String, doc: ExecutableDocument) {
        if let Ok(mut c) = self.entries.lock() {
            c.put(query, doc);
        }
    }

    #[cfg(test)]
    fn contains(&self, query: &str) -> bool {
        self.entries
            .lock()
            .map(|c| c.contains(query))
            .unwrap_or(false)
    }
}

/// Checks `request` against `limits` and gives it its parsed document: from the cache, or
/// parsed now (on the blocking pool when the text is long) and stored. A text that does not
/// parse is left to async-graphql, which reports the syntax error (its parse is bounded by
/// the checks already passed).
pub async fn prepare(
    request: &mut async_graphql::Request,
    cache: &DocumentCache,
    limits: &DocumentLimits,
) -> Result<(), Violation> {
    limits::variables_depth(&request.variables, limits.max_nesting)?;
    let cacheable = request.query.len() <= MAX_QUERY_BYTES;
    if cacheable {
        if let Some(doc) = cache.get(&request.query) {
            request.set_parsed_query(doc);
            return Ok(());
        }
    }
    limits::scan(&request.query, limits)?;
    let parsed = if request.query.len() > PARSE_INLINE_BYTES {
        // Parsing a long text takes milliseconds of CPU: not on an async worker.
        let text = request.query.clone();
        tokio::task::spawn_blocking(move || async_graphql::parser::parse_query(text))
            .await
            .ok()
            .and_then(Result::ok)
    } else {
        async_graphql::parser::parse_query(&request.query).ok()
    };
    // Parsed outside the lock; a concurrent miss on the same text parses it too (harmless).
    let Some(doc) = parsed else {
        return Ok(());
    };
    let fields = limits::expanded_fields(&doc);
    if fields > limits.max_fields {
        return Err(Violation::TooManyFields {
            fields,
            max: limits.max_fields,
        });
    }
    let depth = limits::data_depth(&doc);
    if depth > limits.max_depth {
        return Err(Violation::TooDeep {
            depth,
            max: limits.max_depth,
        });
    }
    if cacheable {
        cache.put(request.query.clone(), doc.clone());
    }
    request.set_parsed_query(doc);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_cached_document_is_the_parsed_one_and_bad_queries_are_not_kept() {
        let limits = DocumentLimits::default();
        let cache = DocumentCache::default();
        let text = "query Cached($id: ID!) { order(id: $id) { id number } }";
        let mut first = async_graphql::Request::new(text);
        prepare(&mut first, &cache, &limits).await.unwrap();
        let mut second = async_graphql::Request::new(text);
        prepare(&mut second, &cache, &limits).await.unwrap();
        let parsed = async_graphql::parser::parse_query(text).unwrap();
        assert_eq!(
            format!("{:?}", second.parsed_query().unwrap()),
            format!("{parsed:?}")
        );
        let bad = "{ order(id: ";
        prepare(&mut async_graphql::Request::new(bad), &cache, &limits)
            .await
            .unwrap();
        assert!(!cache.contains(bad));
        let huge = format!("{{ viewer {{ scopes }} }}{}", " ".repeat(MAX_QUERY_BYTES));
        prepare(
            &mut async_graphql::Request::new(huge.clone()),
            &cache,
            &limits,
        )
        .await
        .unwrap();
        assert!(!cache.contains(&huge));
        assert_eq!(
            cache.hits_and_misses(),
            (1, 2),
            "the second request was a hit"
        );
        let deep = format!("{{ a(x: {}1{}) }}", "[".repeat(2_000), "]".repeat(2_000));
        let refused = prepare(&mut async_graphql::Request::new(deep), &cache, &limits).await;
        assert!(matches!(refused, Err(Violation::NestedTooDeep { .. })));
    }
}
