//! Call limits (Spark Pay's `X-AC-Call-Limit`) over real HTTP: the header's count, the 429
//! past the limit, the window's reset, installed applications sharing their store's count and
//! custom clients counted alone.

mod calls;
mod cost;
mod nodes;

use std::time::Duration;

use commerce_gateway::auth::{credentials, ScopeSet};
use commerce_gateway::domain::merchants;
use commerce_gateway::limits::calls::{now_ms, window_of};

use crate::common::TestApp;

/// A new API key of `merchant`, installed or custom.
pub async fn key(app: &TestApp, merchant: &str, scopes: &str, installed: bool) -> String {
    let mut conn = app.conn().await;
    let m = merchants::find_or_create(&mut conn, merchant)
        .await
        .expect("merchant");
    let scopes = ScopeSet::parse(scopes).expect("scopes");
    credentials::create_api_key(&mut conn, m.id, &m.slug, "test", &scopes, installed)
        .await
        .expect("key")
        .key
}

/// Waits, when less than `needed` is left of the current `window`, for the next one to
/// start: a test's calls then all fall in one window.
pub async fn fresh_window(window: Duration, needed: Duration) {
    let (_, left) = window_of(now_ms(), window);
    if left < needed.as_millis() as u64 {
        tokio::time::sleep(Duration::from_millis(left + 5)).await;
    }
}
