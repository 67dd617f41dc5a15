//! The channel row.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::channels;
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
