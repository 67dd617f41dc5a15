//! Promotion rows: promotions, their rules and actions, coupon codes, and usage counts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::db::schema::{coupon_codes, promotion_actions, promotion_rules, promotions};
use crate::db::sql::{Bind, Sql};
use crate::error::Result;
use crate::impl_row;

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = promotions, check_for_backend(diesel::pg::Pg))]
pub struct Promotion {
    pub merchant_id: i64,
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub kind: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub usage_limit: Option<i32>,
    pub match_policy: String,
    pub multi_codes: bool,
    pub code_prefix: Option<String>,
    pub number_of_codes: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
impl_row!(Promotion, "promotions");

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = promotion_rules, check_for_backend(diesel::pg::Pg))]
pub struct PromotionRule {
    pub merchant_id: i64,
    pub id: i64,
    pub promotion_id: i64,
    pub kind: String,
    pub amount_min: Option<Decimal>,
    pub amount_max: Option<Decimal>,
    pub match_policy: Option<String>,
    pub product_ids: Vec<i64>,
    pub customer_ids: Vec<i64>,
    pub customer_group_ids: Vec<i64>,
    pub currency: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
impl_row!(PromotionRule, "promotion_rules");

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = promotion_actions, check_for_backend(diesel::pg::Pg))]
pub struct PromotionAction {
    pub merchant_id: i64,
    pub id: i64,
    pub promotion_id: i64,
    pub kind: String,
    pub calculator: Option<String>,
    pub amount: Option<Decimal>,
    pub percent: Option<Decimal>,
    pub product_ids: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
impl_row!(PromotionAction, "promotion_actions");

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = coupon_codes, check_for_backend(diesel::pg::Pg))]
pub struct CouponCode {
    pub merchant_id: i64,
    pub id: i64,
    pub promotion_id: i64,
    pub code: String,
    pub usage_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
impl_row!(CouponCode, "coupon_codes");

/// How many orders used each promotion (distinct orders with one of its adjustments).
#[derive(Debug, Clone, QueryableByName)]
pub struct PromotionUsage {
    #[diesel(sql_type = sql_types::BigInt)]
    pub promotion_id: i64,
    #[diesel(sql_type = sql_types::BigInt)]
    pub usage_count: i64,
}

pub async fn usage_by_ids(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    ids: &[i64],
) -> Result<Vec<PromotionUsage>> {
    let sql = Sql::with_binds(
        "SELECT promotion_id, count(DISTINCT order_id) AS usage_count FROM adjustments \
         WHERE merchant_id = $1 AND promotion_id = ANY($2) GROUP BY promotion_id",
        vec![Bind::I64(merchant_id), Bind::I64s(ids.to_vec())],
    );
    Ok(sql.into_query().load(conn).await?)
}
