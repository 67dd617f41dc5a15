//! Sales channels of a merchant (APP, WEB, KIOSK, POS…).

pub mod commands;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::channels;
use crate::domain::filter::{Listable, Row, SortColumn, SortKind, SortValue};

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

pub const SORT_CODE: SortColumn = SortColumn {
    name: "code",
    sql: "code",
    kind: SortKind::Text,
};

impl Row for Channel {
    const TABLE: &'static str = "channels";

    fn id(&self) -> i64 {
        self.id
    }
}

impl Listable for Channel {
    const SEARCH: &'static [&'static str] = &["code", "name"];

    fn sort_value(&self, column: SortColumn) -> SortValue {
        match column.sql {
            "code" => SortValue::Text(self.code.clone()),
            "name" => SortValue::Text(self.name.clone()),
            "updated_at" => SortValue::Time(self.updated_at),
            _ => SortValue::Time(self.created_at),
        }
    }
}
