//! The order state machine, like Spree's:
//!
//! ```text
//!   draft ──complete──▶ complete ──cancel──▶ canceled
//!     │                  │   ▲                  │
//!   delete            approve└──────resume──────┘
//! ```
//!
//! - `complete`: draft → complete. Refused for an order without lines (EMPTY_ORDER) or without
//!   an email (MISSING_EMAIL; an order with a customer has the customer's email unless another
//!   was given). Promotions are evaluated again, and the completion is refused when the order's
//!   coupon code no longer applies (with the engine's reason as the code). Sets `completed_at`
//!   and counts one use of the coupon code.
//! - `cancel`: complete → canceled. Refused once anything was fulfilled (ORDER_FULFILLED). Sets
//!   `canceled_at`, gives the coupon use back. Drafts are not canceled but deleted.
//! - `approve`: a complete order gets `approved_at`, once (ALREADY_APPROVED).
//! - `resume`: canceled → complete, clears `canceled_at`, counts the coupon use again.
//!
//! Any other move is INVALID_TRANSITION, naming the statuses from and to. Customer figures
//! (orders count, total spent) are derived from complete and returned orders
//! (`customers/stats_by_ids.sql`), so they follow every transition without being written.

use chrono::{DateTime, Utc};
use diesel::sql_types::BigInt;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::draft::{self, Locked};
use super::Outcome;
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, Code, Errors, FieldError, Path};
use crate::error::Result;

/// A move of the state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Complete,
    Cancel,
    Approve,
    Resume,
}

impl Transition {
    fn verb(self) -> &'static str {
        match self {
            Transition::Complete => "complete",
            Transition::Cancel => "cancel",
            Transition::Approve => "approve",
            Transition::Resume => "resume",
        }
    }
    /// The status the order must have.
    fn from(self) -> &'static str {
        match self {
            Transition::Complete => "draft",
            Transition::Cancel | Transition::Approve => "complete",
            Transition::Resume => "canceled",
        }
    }
    /// The status it ends in.
    fn to(self) -> &'static str {
        match self {
            Transition::Cancel => "canceled",
            _ => "complete",
        }
    }
}

fn refuse(code: Code, message: String) -> Outcome {
    Err(vec![FieldError::new(
        &Path::field("order_id"),
        code,
        message,
    )])
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Runs `transition` on the order `order_id` of the merchant.
pub async fn run(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: &str,
    transition: Transition,
    expected: Option<DateTime<Utc>>,
) -> Result<Outcome> {
    let path = Path::field("order_id");
    let order = match draft::lock(conn, merchant_id, order_id, &path).await? {
        Ok(o) => o,
        Err(e) => return Ok(Err(vec![e])),
    };
    if let Err(e) = draft::check_expected(&order, expected) {
        return Ok(Err(vec![e]));
    }
    if order.status != transition.from() {
        return Ok(refuse(
            code::INVALID_TRANSITION,
            format!(
                "cannot {} an order that is {} ({} → {}); only {} orders can",
                transition.verb(),
                order.status,
                order.status,
                transition.to(),
                transition.from()
            ),
        ));
    }
    match transition {
        Transition::Complete => complete(conn, merchant_id, &order).await,
        Transition::Cancel => {
            if matches!(order.fulfillment_status.as_str(), "fulfilled" | "partial") {
                return Ok(refuse(
                    code::ORDER_FULFILLED,
                    format!(
                        "the order is {}; a fulfilled order cannot be canceled",
                        order.fulfillment_status
                    ),
                ));
            }
            write(conn, merchant_id, &order, include_str!("cancel.sql")).await
        }
        Transition::Approve => {
            if let Some(at) = order.approved_at {
                return Ok(refuse(
                    code::ALREADY_APPROVED,
                    format!("the order was approved at {}", at.to_rfc3339()),
                ));
            }
            write(
                conn,
                merchant_id,
                &order,
                "UPDATE orders SET approved_at = clock_timestamp(), updated_at = clock_timestamp() \
                 WHERE merchant_id = $1 AND id = $2 RETURNING id",
            )
            .await
        }
        Transition::Resume => write(conn, merchant_id, &order, include_str!("resume.sql")).await,
    }
}

/// One statement taking $1 merchant and $2 order.
async fn write(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order: &Locked,
    sql: &'static str,
) -> Result<Outcome> {
    let rows: Vec<Id> = Sql::with_binds(sql, vec![Bind::I64(merchant_id), Bind::I64(order.id)])
        .into_query()
        .load(conn)
        .await?;
    Ok(Ok(rows
        .into_iter()
        .next()
        .map(|r| r.id)
        .unwrap_or(order.id)))
}

async fn complete(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order: &Locked,
) -> Result<Outcome> {
    let path = Path::field("order_id");
    let now = Utc::now();
    let lines = draft::lines(conn, merchant_id, order.id).await?;
    let mut errors = Errors::default();
    if lines.is_empty() {
        errors.add(
            &path,
            code::EMPTY_ORDER,
            "the order has no line items; add some before completing it",
        );
    }
    if order.email.is_none() {
        errors.add(
            &path,
            code::MISSING_EMAIL,
            "the order has neither an email nor a customer",
        );
    }
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let coupon = order.coupon_code.as_deref();
    let mut evaluation = draft::promotions(conn, merchant_id, order, &lines, coupon, now).await?;
    // Usage limits: lock the limited promotions that apply, then evaluate again. A concurrent
    // completion using one of them waits here until this one commits, and its second evaluation
    // then counts this order: two orders cannot both take the last use.
    let limited: Vec<i64> = evaluation.applied.iter().map(|a| a.promotion_id).collect();
    if !limited.is_empty() {
        let locked: Vec<Id> = Sql::with_binds(
            "SELECT id FROM promotions \
             WHERE merchant_id = $1 AND id = ANY($2) AND (usage_limit IS NOT NULL OR multi_codes) \
             ORDER BY id FOR UPDATE",
            vec![Bind::I64(merchant_id), Bind::I64s(limited)],
        )
        .into_query()
        .load(conn)
        .await?;
        if !locked.is_empty() {
            evaluation = draft::promotions(conn, merchant_id, order, &lines, coupon, now).await?;
        }
    }
    if let Some(entered) = coupon {
        if let Some(e) = evaluation
            .code_errors
            .iter()
            .find(|e| e.code.eq_ignore_ascii_case(entered))
        {
            return Ok(refuse(
                e.code(),
                format!(
                    "the order's coupon code {entered} no longer applies: {}; remove it to complete the order",
                    e.message
                ),
            ));
        }
    }
    let t = draft::totals_of(order, &lines, &evaluation);
    draft::save(conn, merchant_id, order, &lines, &t, order.coupon_code_id).await?;
    write(conn, merchant_id, order, include_str!("complete.sql")).await
}
