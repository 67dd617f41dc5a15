//! The channel row, and a product's publication on a channel.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{channels, product_publications};
use crate::domain::filter::Row;

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = channels, check_for_backend(diesel::pg::Pg))]
pub struct Channel {
    pub merchant_id: i64,
    pub id: i64,
    pub code: String,
    pub name: String,
    pub active: bool,
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Row for Channel {
    const TABLE: &'static str = "channels";

    fn id(&self) -> i64 {
        self.id
    }
}

/// A product's publication on a channel, with its window (see [`super::window`]).
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = product_publications, check_for_backend(diesel::pg::Pg))]
pub struct Publication {
    pub merchant_id: i64,
    pub channel_id: i64,
    pub product_id: i64,
    pub published_at: DateTime<Utc>,
    pub unpublished_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Publication {
    /// Whether its window holds at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.published_at <= now && self.unpublished_at.is_none_or(|end| now < end)
    }
}
