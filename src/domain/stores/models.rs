//! Store rows: the store and its brand.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::schema::{brands, stores};
use crate::domain::filter::Row;

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = stores, check_for_backend(diesel::pg::Pg))]
pub struct Store {
    pub merchant_id: i64,
    pub id: i64,
    pub external_id: String,
    pub brand_id: Option<i64>,
    pub name: String,
    pub status: String,
    pub timezone: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_name: Option<String>,
    pub latitude: Option<Decimal>,
    pub longitude: Option<Decimal>,
    pub address_line_1: Option<String>,
    pub address_line_2: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub postal_code: Option<String>,
    pub business_name: Option<String>,
    pub unit_number: Option<String>,
    pub orderable: bool,
    pub cms_template_id: Option<uuid::Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = brands, check_for_backend(diesel::pg::Pg))]
pub struct Brand {
    pub merchant_id: i64,
    pub id: i64,
    pub external_id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl Row for Store {
    const TABLE: &'static str = "stores";

    fn id(&self) -> i64 {
        self.id
    }
}

impl Row for Brand {
    const TABLE: &'static str = "brands";

    fn id(&self) -> i64 {
        self.id
    }
}
