//! Applying and removing a draft's coupon code.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::checks::open_draft;
use super::draft::{self};
use super::Outcome;
use crate::domain::validate::{code, Errors, Path};
use crate::error::Result;

/// Applies a coupon code to a draft, replacing the one it had. The code is validated by the
/// promotion engine against the order as it is: when it does not apply the command is refused
/// with the engine's reason as the code (NOT_FOUND, NOT_STARTED, EXPIRED, USAGE_LIMIT_REACHED,
/// RULES_NOT_MET) and nothing is written.
pub async fn apply_coupon(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: &str,
    raw_code: &str,
    expected: Option<DateTime<Utc>>,
) -> Result<Outcome> {
    let path = Path::field("code");
    let order = match open_draft(conn, merchant_id, order_id, expected).await? {
        Ok(o) => o,
        Err(e) => return Ok(Err(e)),
    };
    let entered = raw_code.trim();
    let mut errors = Errors::default();
    if errors.length(&path, entered, 1, 64) {
        let now = Utc::now();
        let lines = draft::lines(conn, merchant_id, order.id).await?;
        let evaluation =
            draft::promotions(conn, merchant_id, &order, &lines, Some(entered), now).await?;
        if let Some(e) = evaluation
            .code_errors
            .iter()
            .find(|e| e.code.eq_ignore_ascii_case(entered))
        {
            errors.add(&path, e.code(), e.message.clone());
        } else if let Some(id) = evaluation.applied.iter().find_map(|a| a.coupon_code_id) {
            let t = draft::totals_of(&order, &lines, &evaluation);
            draft::save(conn, merchant_id, &order, &lines, &t, Some(id)).await?;
            return Ok(Ok(order.id));
        } else {
            errors.add(
                &path,
                code::RULES_NOT_MET,
                "the code does not apply to this order",
            );
        }
    }
    Ok(Err(errors.0))
}

/// Removes the coupon code of a draft (nothing to remove is not an error).
pub async fn remove_coupon(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: &str,
    expected: Option<DateTime<Utc>>,
) -> Result<Outcome> {
    let mut order = match open_draft(conn, merchant_id, order_id, expected).await? {
        Ok(o) => o,
        Err(e) => return Ok(Err(e)),
    };
    order.coupon_code = None;
    order.coupon_code_id = None;
    let lines = draft::lines(conn, merchant_id, order.id).await?;
    draft::recompute_and_save(conn, merchant_id, &order, &lines, Utc::now()).await?;
    Ok(Ok(order.id))
}
