//! A product's publication window on a channel (Spree's `published_at` / `unpublished_at`):
//! live from `published_at` (none: now; a future time schedules it) until `unpublished_at`
//! (none: never). The end must come after the start, or after now when the start is left to
//! now (the table's CHECK backs it).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::validate::{code, Errors, Path};

/// When a publication is live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Window {
    /// When it goes live; `None`: now (a publication already live keeps its start).
    pub published_at: Option<DateTime<Utc>>,
    /// When it comes down; `None`: never.
    pub unpublished_at: Option<DateTime<Utc>>,
}

impl Window {
    /// INVALID at `root`'s `unpublished_at` when the window ends before it starts (or, with no
    /// start given, before `now`).
    pub fn check(&self, errors: &mut Errors, root: &Path, now: DateTime<Utc>) {
        let Some(end) = self.unpublished_at else {
            return;
        };
        match self.published_at {
            Some(start) if end <= start => errors.add(
                &root.key("unpublished_at"),
                code::INVALID,
                "must be after published_at",
            ),
            None if end <= now => errors.add(
                &root.key("unpublished_at"),
                code::INVALID,
                "must be in the future when published_at is not given (the publication starts now)",
            ),
            _ => {}
        }
    }
}

/// Writes `$4` / `$5` (a [`Window`]) on products `$3` of channel `$2` of merchant `$1`: new
/// publications take the window, published ones get it (a start left to now keeps an earlier
/// start).
pub const UPSERT_SQL: &str = "INSERT INTO product_publications \
     (merchant_id, channel_id, product_id, published_at, unpublished_at) \
     SELECT $1, $2, unnest($3::bigint[]), coalesce($4, now()), $5 \
     ON CONFLICT (merchant_id, channel_id, product_id) DO UPDATE \
     SET published_at = coalesce($4, LEAST(product_publications.published_at, now())), \
         unpublished_at = $5, updated_at = now()";

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn errors_of(w: Window, now: DateTime<Utc>) -> Vec<String> {
        let mut errors = Errors::default();
        w.check(&mut errors, &Path::input(), now);
        errors.0.iter().map(|e| e.path.to_string()).collect()
    }

    #[test]
    fn a_window_ends_after_it_starts() {
        let now = Utc::now();
        let day = Duration::days(1);
        let ok = |p: Option<DateTime<Utc>>, u: Option<DateTime<Utc>>| {
            errors_of(
                Window {
                    published_at: p,
                    unpublished_at: u,
                },
                now,
            )
        };
        assert!(ok(None, None).is_empty());
        assert!(ok(Some(now + day), None).is_empty());
        assert!(
            ok(Some(now - day * 10), Some(now - day)).is_empty(),
            "a past window"
        );
        assert!(ok(None, Some(now + day)).is_empty());
        assert_eq!(ok(Some(now + day), Some(now + day)).len(), 1);
        assert_eq!(ok(None, Some(now - day)).len(), 1);
        assert!(ok(Some(now), Some(now - day))[0].contains("unpublished_at"));
    }
}
