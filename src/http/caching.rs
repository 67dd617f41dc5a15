//! HTTP caching for reads, in every dialect: a successful JSON answer to a `GET` of the REST
//! routes (`/api/…`) or of `GET /graphql?query=…` carries
//!
//! - `ETag`: a hash of the body (weak, `W/"…"`, since compression may re-encode it);
//! - `Last-Modified`: the newest `updated_at` / `updatedAt` among the rows in the body, when it
//!   holds any;
//! - `Cache-Control: private, max-age=0, must-revalidate` and `Expires` (now): a client keeps the
//!   answer but asks again each time.
//!
//! `If-None-Match` (or, without it, `If-Modified-Since`) that still matches gets `304 Not
//! Modified` with no body. The answer is always computed afresh (nothing is cached on the server,
//! so nothing stale or another merchant's can be served): a 304 only spares the transfer. A client
//! sending `Cache-Control: no-cache` gets the full answer whatever its conditions say.
//! Streamed answers (exports) are left alone.

use aho_corasick::AhoCorasick;
use axum::body::{Body, HttpBody as _};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// Bodies larger than this are not hashed (none of the paged answers comes near it).
const MAX_HASHED_BYTES: u64 = 16 * 1024 * 1024;

const CACHE_CONTROL: &str = "private, max-age=0, must-revalidate";

/// Whether a request's answer is one this layer describes.
fn applies(method: &Method, path: &str) -> bool {
    (method == Method::GET || method == Method::HEAD)
        && (path.starts_with("/api/") || path == "/graphql")
}

/// The middleware (see the module doc).
pub async fn conditional_get(request: Request, next: Next) -> Response {
    if !applies(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    let asked = Conditions::of(request.headers());
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    let size = response.body().size_hint().exact();
    if response.status() != StatusCode::OK || !is_json || size.is_none_or(|n| n > MAX_HASHED_BYTES)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_HASHED_BYTES as usize).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let etag = etag(&bytes);
    let modified = newest_update(&bytes);
    let headers = &mut parts.headers;
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    if let Some(t) = modified {
        if let Ok(v) = HeaderValue::from_str(&http_date(t)) {
            headers.insert(header::LAST_MODIFIED, v);
        }
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    if let Ok(v) = HeaderValue::from_str(&http_date(Utc::now())) {
        headers.insert(header::EXPIRES, v);
    }
    if asked.not_modified(&etag, modified) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// What the client's conditional headers ask.
#[derive(Debug, Default)]
struct Conditions {
    if_none_match: Option<String>,
    if_modified_since: Option<DateTime<Utc>>,
    no_cache: bool,
}

impl Conditions {
    fn of(headers: &HeaderMap) -> Self {
        let text = |name| {
            headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
        };
        Conditions {
            if_none_match: text(header::IF_NONE_MATCH).map(str::to_owned),
            if_modified_since: text(header::IF_MODIFIED_SINCE)
                .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
                .map(|t| t.with_timezone(&Utc)),
            no_cache: headers
                .get_all(header::CACHE_CONTROL)
                .iter()
                .chain(headers.get_all(header::PRAGMA))
                .filter_map(|v| v.to_str().ok())
                .any(|v| {
                    v.split(',')
                        .any(|d| d.trim().eq_ignore_ascii_case("no-cache"))
                }),
        }
    }

    /// RFC 9110 §13.2.2: If-None-Match decides when present (weak comparison, `*` matches);
    /// If-Modified-Since only without it, at one-second precision.
    fn not_modified(&self, etag: &str, modified: Option<DateTime<Utc>>) -> bool {
        if self.no_cache {
            return false;
        }
        if let Some(inm) = &self.if_none_match {
            let ours = etag.trim_start_matches("W/");
            return inm
                .split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours);
        }
        match (self.if_modified_since, modified) {
            (Some(since), Some(last)) => last.timestamp() <= since.timestamp(),
            _ => false,
        }
    }
}

fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("W/\"{}\"", hex::encode(&digest[..16]))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// The newest `"updated_at":"…"` / `"updatedAt":"…"` timestamp in a JSON body, found without
/// parsing the whole document (every dialect writes it under one of these two names).
fn newest_update(body: &[u8]) -> Option<DateTime<Utc>> {
    static KEYS: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let keys = KEYS
        .get_or_init(|| AhoCorasick::new(["\"updated_at\":\"", "\"updatedAt\":\""]).ok())
        .as_ref()?;
    keys.find_iter(body)
        .filter_map(|m| {
            let rest = body.get(m.end()..)?;
            let end = rest.iter().take(40).position(|b| *b == b'"')?;
            let text = std::str::from_utf8(&rest[..end]).ok()?;
            DateTime::parse_from_rfc3339(text).ok()
        })
        .map(|t| t.with_timezone(&Utc))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_update_is_found_under_either_name() {
        let body = br#"{"data":[{"updated_at":"2025-01-02T03:04:05.123Z"},{"x":{"updatedAt":"2025-02-01T00:00:00+01:00"}},{"updated_at":null}]}"#;
        let t = newest_update(body).unwrap();
        assert_eq!(http_date(t), "Fri, 31 Jan 2025 23:00:00 GMT");
        assert_eq!(newest_update(br#"{"data":[]}"#), None);
    }

    #[test]
    fn conditions_follow_the_precedence_of_rfc_9110() {
        let t = DateTime::parse_from_rfc3339("2025-01-02T03:04:05.9Z")
            .unwrap()
            .with_timezone(&Utc);
        let c = |inm: Option<&str>, ims: Option<DateTime<Utc>>, no_cache| Conditions {
            if_none_match: inm.map(str::to_owned),
            if_modified_since: ims,
            no_cache,
        };
        let tag = "W/\"abc\"";
        assert!(c(Some("\"abc\""), None, false).not_modified(tag, Some(t)));
        assert!(c(Some("\"x\", W/\"abc\""), None, false).not_modified(tag, None));
        assert!(c(Some("*"), None, false).not_modified(tag, None));
        assert!(!c(Some("\"x\""), Some(t), false).not_modified(tag, Some(t)));
        // Same second: not modified; a second later: modified.
        let same = t - chrono::Duration::milliseconds(900);
        assert!(c(None, Some(same), false).not_modified(tag, Some(t)));
        let before = t - chrono::Duration::seconds(2);
        assert!(!c(None, Some(before), false).not_modified(tag, Some(t)));
        assert!(!c(None, Some(t), false).not_modified(tag, None));
        assert!(!c(Some("\"abc\""), None, true).not_modified(tag, Some(t)));
    }
}
