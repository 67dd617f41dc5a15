//! An action changed in place: it keeps its key, `created_at` and kind.

use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use serde::Serialize;

use super::children::{owner, touch};
use super::input::{self, ActionInput, NewAction, Refs};
use super::WrittenChild;
use crate::db::sql::{Bind, Sql};
use crate::domain::promotions::PromotionAction;
use crate::domain::validate::{code, Errors, FieldError, Path};
use crate::error::Result;
use crate::ids::{self, Kind};

/// Changes to an action: absent fields keep their value. A new `calculator` starts from no
/// amount and no percent (give the one it needs).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ActionPatch {
    /// Refused with IMMUTABLE when it differs from the action's kind.
    pub kind: Option<String>,
    pub calculator: Option<String>,
    pub amount: Option<Decimal>,
    pub percent: Option<Decimal>,
    pub product_ids: Option<Vec<String>>,
}

/// The action with `patch` applied, as an input of its kind.
fn merged(a: &PromotionAction, patch: &ActionPatch) -> ActionInput {
    let calculator = patch
        .calculator
        .as_deref()
        .map(|c| c.trim().to_lowercase())
        .or_else(|| a.calculator.clone());
    let same_calculator = calculator == a.calculator;
    let kept = |new: Option<Decimal>, old: Option<Decimal>| {
        new.or(if same_calculator { old } else { None })
    };
    ActionInput {
        id: None,
        kind: a.kind.clone(),
        calculator,
        amount: kept(patch.amount, a.amount),
        percent: kept(patch.percent, a.percent),
        product_ids: patch.product_ids.clone().or_else(|| {
            (a.kind == "item_adjustment").then(|| {
                a.product_ids
                    .iter()
                    .map(|k| ids::encode(Kind::Product, *k))
                    .collect()
            })
        }),
    }
}

/// Changes the action `id` (of the promotion `promotion_id` when given; another promotion's
/// action is NOT_FOUND) and validates the result as [`input::action`] does a new one (paths
/// under `input`). The promotion's and the action's keys.
pub async fn update_action(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    promotion_id: Option<&str>,
    patch: &ActionPatch,
) -> Result<WrittenChild> {
    let path = Path::field("id");
    let key = match ids::decode(Kind::PromotionAction, id) {
        Ok(k) => k,
        Err(e) => {
            return Ok(Err(vec![FieldError::new(
                &path,
                code::INVALID,
                e.to_string(),
            )]))
        }
    };
    let not_found = || {
        Ok(Err(vec![FieldError::new(
            &path,
            code::NOT_FOUND,
            "no such promotion action",
        )]))
    };
    let Ok(owner) = owner(promotion_id) else {
        return not_found();
    };
    let rows: Vec<PromotionAction> = Sql::with_binds(
        "SELECT * FROM promotion_actions WHERE merchant_id = $1 AND id = $2 FOR UPDATE",
        vec![Bind::I64(merchant_id), Bind::I64(key)],
    )
    .into_query()
    .load(conn)
    .await?;
    let Some(row) = rows
        .into_iter()
        .next()
        .filter(|r| owner.is_none_or(|o| o == r.promotion_id))
    else {
        return not_found();
    };
    let root = Path::input();
    let mut errors = Errors::default();
    if patch
        .kind
        .as_deref()
        .is_some_and(|k| k.trim().to_lowercase() != row.kind)
    {
        errors.add(
            &root.key("kind"),
            code::IMMUTABLE,
            "the kind of an action cannot change: remove it and add another",
        );
        return Ok(Err(errors.0));
    }
    let mut refs = Refs::default();
    let new = input::action(&mut errors, &mut refs, &root, &merged(&row, patch));
    refs.check(conn, merchant_id, &mut errors).await?;
    match new {
        Some(a) if errors.is_empty() => {
            let a = NewAction {
                id: Some(row.id),
                ..a
            };
            input::update_actions(conn, merchant_id, row.promotion_id, &[a]).await?;
            touch(conn, merchant_id, row.promotion_id).await?;
            Ok(Ok((row.promotion_id, row.id)))
        }
        _ => Ok(Err(errors.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn action(calculator: &str, amount: Option<i64>, percent: Option<i64>) -> PromotionAction {
        PromotionAction {
            merchant_id: 1,
            id: 2,
            promotion_id: 3,
            kind: "order_adjustment".into(),
            calculator: Some(calculator.into()),
            amount: amount.map(Decimal::from),
            percent: percent.map(Decimal::from),
            product_ids: Vec::new(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn a_new_calculator_starts_without_the_old_amounts() {
        let a = action("flat", Some(5), None);
        let m = merged(
            &a,
            &ActionPatch {
                calculator: Some("Percent".into()),
                percent: Some(Decimal::from(10)),
                ..Default::default()
            },
        );
        assert_eq!(m.calculator.as_deref(), Some("percent"));
        assert_eq!((m.amount, m.percent), (None, Some(Decimal::from(10))));
        let m = merged(
            &a,
            &ActionPatch {
                amount: Some(Decimal::from(7)),
                ..Default::default()
            },
        );
        assert_eq!(m.calculator.as_deref(), Some("flat"));
        assert_eq!(m.amount, Some(Decimal::from(7)));
        assert_eq!(m.product_ids, None, "only item adjustments name products");
    }
}
