use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types;
use rust_decimal::Decimal;

use crate::db::schema::customers;
use crate::domain::filter::Row;

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = customers, check_for_backend(diesel::pg::Pg))]
pub struct Customer {
    pub merchant_id: i64,
    pub id: i64,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub accepts_marketing: bool,
    pub marketing_opt_in_at: Option<DateTime<Utc>>,
    pub tags: Vec<String>,
    pub metadata: serde_json::Value,
    pub external_id: Option<String>,
    pub store_credit: Decimal,
    pub store_credit_currency: String,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Row for Customer {
    const TABLE: &'static str = "customers";

    fn id(&self) -> i64 {
        self.id
    }
}

/// Figures derived from a customer's completed orders.
#[derive(Debug, Clone, QueryableByName)]
pub struct CustomerStats {
    #[diesel(sql_type = sql_types::BigInt)]
    pub customer_id: i64,
    #[diesel(sql_type = sql_types::BigInt)]
    pub orders_count: i64,
    #[diesel(sql_type = sql_types::Numeric)]
    pub total_spent: Decimal,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Timestamptz>)]
    pub last_order_completed_at: Option<DateTime<Utc>>,
}

impl CustomerStats {
    pub fn empty(customer_id: i64) -> Self {
        Self {
            customer_id,
            orders_count: 0,
            total_spent: Decimal::ZERO,
            last_order_completed_at: None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = crate::db::schema::addresses, check_for_backend(diesel::pg::Pg))]
pub struct Address {
    pub merchant_id: i64,
    pub id: i64,
    pub customer_id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address1: String,
    pub address2: Option<String>,
    pub city: String,
    pub zipcode: Option<String>,
    pub state_name: Option<String>,
    pub country_code: String,
    pub phone: Option<String>,
    pub is_default_billing: bool,
    pub is_default_shipping: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
crate::impl_row!(Address, "addresses");

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = crate::db::schema::customer_groups, check_for_backend(diesel::pg::Pg))]
pub struct CustomerGroup {
    pub merchant_id: i64,
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
crate::impl_row!(CustomerGroup, "customer_groups");
