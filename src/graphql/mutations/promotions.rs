//! Promotion mutations: create / update / delete with nested rules and actions, rules and
//! actions added or removed one at a time, and coupon code batches. Validation lives in
//! `domain::promotions`; these resolvers map inputs and shape payloads.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{expected_at_once, run, Arguments, Outcome, UserError, EXPECTED_UPDATED_AT};
use crate::auth::Scope;
use crate::domain::promotions::commands::input::{ActionInput, RuleInput};
use crate::domain::promotions::commands::{
    self, ActionPatch, PromotionInput, RulePatch, Written, WrittenChild,
};
use crate::domain::promotions::{
    CouponCode as CodeRow, Promotion as Row, PromotionAction as ActionRow, PromotionRule as RuleRow,
};
use crate::domain::validate::{ItemResult, Patch};
use crate::graphql::context::merchant_id;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::loaders;
use crate::graphql::types::promotion::{CouponCode, Promotion, PromotionAction, PromotionRule};
use crate::ids::{self, Kind};

/// A condition of a promotion. Each kind takes only its own fields; the others must be absent.
#[derive(InputObject, Serialize, Clone)]
pub struct PromotionRuleInput {
    /// `promotionUpdate` only: the rule (`prr_…`) to change in place (it keeps its ID and
    /// createdAt); absent: a new rule. Refused elsewhere.
    pub id: Option<ID>,
    /// item_total, product, customer, customer_group, first_order or currency.
    pub kind: String,
    /// item_total: smallest qualifying item total (inclusive). amountMin or amountMax is required.
    pub amount_min: Option<Decimal>,
    /// item_total: largest qualifying item total (inclusive), not below amountMin.
    pub amount_max: Option<Decimal>,
    /// product: any (default), all or none of productIds must be in the order.
    pub match_policy: Option<String>,
    /// product: the merchant's products (`prod_…`), at least one.
    pub product_ids: Option<Vec<ID>>,
    /// customer: the customers (`cus_…`) it is for, at least one.
    pub customer_ids: Option<Vec<ID>>,
    /// customer_group: the groups (`cg_…`) whose members qualify, at least one.
    pub customer_group_ids: Option<Vec<ID>>,
    /// currency: the order's ISO 4217 currency.
    pub currency: Option<String>,
}

impl From<&PromotionRuleInput> for RuleInput {
    fn from(r: &PromotionRuleInput) -> Self {
        let ids = |v: &Option<Vec<ID>>| v.as_ref().map(|v| v.iter().map(|i| i.0.clone()).collect());
        RuleInput {
            id: r.id.as_ref().map(|i| i.0.clone()),
            kind: r.kind.clone(),
            amount_min: r.amount_min,
            amount_max: r.amount_max,
            match_policy: r.match_policy.clone(),
            product_ids: ids(&r.product_ids),
            customer_ids: ids(&r.customer_ids),
            customer_group_ids: ids(&r.customer_group_ids),
            currency: r.currency.clone(),
        }
    }
}

/// What a promotion gives.
#[derive(InputObject, Serialize, Clone)]
pub struct PromotionActionInput {
    /// `promotionUpdate` only: the action (`pra_…`) to change in place (it keeps its ID and
    /// createdAt); absent: a new action. Refused elsewhere.
    pub id: Option<ID>,
    /// order_adjustment (off the item total), item_adjustment (per unit, off lines) or
    /// free_delivery.
    pub kind: String,
    /// order_adjustment and item_adjustment: flat or percent.
    pub calculator: Option<String>,
    /// flat: the amount off (per unit for item_adjustment).
    pub amount: Option<Decimal>,
    /// percent: 0–100, at most 4 decimals.
    pub percent: Option<Decimal>,
    /// item_adjustment: the products discounted (`prod_…`); none or empty: every line.
    pub product_ids: Option<Vec<ID>>,
}

impl From<&PromotionActionInput> for ActionInput {
    fn from(a: &PromotionActionInput) -> Self {
        ActionInput {
            id: a.id.as_ref().map(|i| i.0.clone()),
            kind: a.kind.clone(),
            calculator: a.calculator.clone(),
            amount: a.amount,
            percent: a.percent,
            product_ids: a
                .product_ids
                .as_ref()
                .map(|v| v.iter().map(|i| i.0.clone()).collect()),
        }
    }
}

/// A promotion to create.
#[derive(InputObject, Serialize)]
pub struct PromotionCreateInput {
    /// 1–255 characters; also the label of its adjustments.
    pub name: String,
    /// At most 1,000 characters.
    pub description: Option<String>,
    /// coupon_code (applies when one of its codes is entered) or automatic. Immutable.
    pub kind: String,
    /// coupon_code without multiCodes: its single code, `[A-Za-z0-9_-]{1,64}`, unique per
    /// merchant case-insensitively.
    pub code: Option<String>,
    /// Start of the window (inclusive); null: already started.
    pub starts_at: Option<DateTime<Utc>>,
    /// End of the window (exclusive), after startsAt; null: never expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// Most complete orders that may use it (> 0); null: unlimited.
    pub usage_limit: Option<i32>,
    /// all (default): every rule must hold; any: one is enough.
    pub match_policy: Option<String>,
    /// coupon_code: generate numberOfCodes single-use codes `<codePrefix><random>` instead of
    /// one code.
    #[graphql(default)]
    pub multi_codes: bool,
    /// multiCodes: `[A-Za-z0-9_-]{1,32}`.
    pub code_prefix: Option<String>,
    /// multiCodes: 1–100,000.
    pub number_of_codes: Option<i32>,
    /// Its rules (at most 50).
    pub rules: Option<Vec<PromotionRuleInput>>,
    /// Its actions (at most 50).
    pub actions: Option<Vec<PromotionActionInput>>,
}

/// Changes to a promotion (absent fields are kept).
#[derive(InputObject, Serialize)]
pub struct PromotionUpdateInput {
    /// Refuse the change with CONFLICT if the promotion changed after this time.
    pub expected_updated_at: Option<DateTime<Utc>>,
    /// 1–255 characters.
    pub name: Option<String>,
    /// `null` clears it.
    pub description: MaybeUndefined<String>,
    /// Refused with IMMUTABLE when it differs from the current kind.
    pub kind: Option<String>,
    /// A single-code coupon promotion's code (renamed in place).
    pub code: Option<String>,
    /// `null`: already started.
    pub starts_at: MaybeUndefined<DateTime<Utc>>,
    /// `null`: never expires.
    pub expires_at: MaybeUndefined<DateTime<Utc>>,
    /// `null`: unlimited.
    pub usage_limit: MaybeUndefined<i32>,
    /// all or any.
    pub match_policy: Option<String>,
    /// The desired set of rules when given: a rule with an `id` changes in place (keeping its
    /// ID), one without is added, and current rules left out are removed (`[]` removes them all).
    pub rules: Option<Vec<PromotionRuleInput>>,
    /// The desired set of actions when given, as `rules`.
    pub actions: Option<Vec<PromotionActionInput>>,
}

/// Changes to a rule in place (absent fields are kept). Its kind cannot change; each field
/// must be one its kind uses (see `PromotionRuleInput`).
#[derive(InputObject, Serialize, Clone)]
pub struct PromotionRuleUpdateInput {
    /// Refused with IMMUTABLE when it differs from the rule's kind.
    pub kind: Option<String>,
    /// item_total: smallest qualifying item total (inclusive); `null` clears it.
    pub amount_min: MaybeUndefined<Decimal>,
    /// item_total: largest qualifying item total (inclusive); `null` clears it.
    pub amount_max: MaybeUndefined<Decimal>,
    /// product: any, all or none.
    pub match_policy: Option<String>,
    /// product: the products (`prod_…`), at least one; replaces the current ones.
    pub product_ids: Option<Vec<ID>>,
    /// customer: the customers (`cus_…`), at least one; replaces the current ones.
    pub customer_ids: Option<Vec<ID>>,
    /// customer_group: the groups (`cg_…`), at least one; replaces the current ones.
    pub customer_group_ids: Option<Vec<ID>>,
    /// currency: the order's ISO 4217 currency.
    pub currency: Option<String>,
}

impl From<&PromotionRuleUpdateInput> for RulePatch {
    fn from(r: &PromotionRuleUpdateInput) -> Self {
        let ids = |v: &Option<Vec<ID>>| v.as_ref().map(|v| v.iter().map(|i| i.0.clone()).collect());
        RulePatch {
            kind: r.kind.clone(),
            amount_min: patch(&r.amount_min),
            amount_max: patch(&r.amount_max),
            match_policy: r.match_policy.clone(),
            product_ids: ids(&r.product_ids),
            customer_ids: ids(&r.customer_ids),
            customer_group_ids: ids(&r.customer_group_ids),
            currency: r.currency.clone(),
        }
    }
}

/// Changes to an action in place (absent fields are kept). Its kind cannot change; each
/// field must be one its kind uses (see `PromotionActionInput`).
#[derive(InputObject, Serialize, Clone)]
pub struct PromotionActionUpdateInput {
    /// Refused with IMMUTABLE when it differs from the action's kind.
    pub kind: Option<String>,
    /// order_adjustment and item_adjustment: flat or percent. A new calculator drops the
    /// previous one's amount or percent: give the one it needs.
    pub calculator: Option<String>,
    /// flat: the amount off (per unit for item_adjustment).
    pub amount: Option<Decimal>,
    /// percent: 0–100, at most 4 decimals.
    pub percent: Option<Decimal>,
    /// item_adjustment: the products discounted (`prod_…`), replacing the current ones; empty:
    /// every line.
    pub product_ids: Option<Vec<ID>>,
}

impl From<&PromotionActionUpdateInput> for ActionPatch {
    fn from(a: &PromotionActionUpdateInput) -> Self {
        ActionPatch {
            kind: a.kind.clone(),
            calculator: a.calculator.clone(),
            amount: a.amount,
            percent: a.percent,
            product_ids: a
                .product_ids
                .as_ref()
                .map(|v| v.iter().map(|i| i.0.clone()).collect()),
        }
    }
}

/// A create field: given or not (never cleared).
fn set<T>(v: Option<T>) -> Patch<T> {
    v.map(Patch::Set).unwrap_or(Patch::Keep)
}

fn patch<T: Clone>(v: &MaybeUndefined<T>) -> Patch<T> {
    match v {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(x) => Patch::Set(x.clone()),
    }
}

impl From<&PromotionCreateInput> for PromotionInput {
    fn from(i: &PromotionCreateInput) -> Self {
        PromotionInput {
            name: Some(i.name.clone()),
            description: set(i.description.clone()),
            kind: Some(i.kind.clone()),
            code: i.code.clone(),
            starts_at: set(i.starts_at),
            expires_at: set(i.expires_at),
            usage_limit: set(i.usage_limit),
            match_policy: i.match_policy.clone(),
            multi_codes: Some(i.multi_codes),
            code_prefix: i.code_prefix.clone(),
            number_of_codes: i.number_of_codes,
            rules: i.rules.as_ref().map(|r| r.iter().map(Into::into).collect()),
            actions: i
                .actions
                .as_ref()
                .map(|a| a.iter().map(Into::into).collect()),
            expected_updated_at: None,
        }
    }
}

impl From<&PromotionUpdateInput> for PromotionInput {
    fn from(i: &PromotionUpdateInput) -> Self {
        PromotionInput {
            name: i.name.clone(),
            description: patch(&i.description),
            kind: i.kind.clone(),
            code: i.code.clone(),
            starts_at: patch(&i.starts_at),
            expires_at: patch(&i.expires_at),
            usage_limit: patch(&i.usage_limit),
            match_policy: i.match_policy.clone(),
            multi_codes: None,
            code_prefix: None,
            number_of_codes: None,
            rules: i.rules.as_ref().map(|r| r.iter().map(Into::into).collect()),
            actions: i
                .actions
                .as_ref()
                .map(|a| a.iter().map(Into::into).collect()),
            expected_updated_at: i.expected_updated_at,
        }
    }
}

/// Result of a promotion mutation.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct PromotionPayload {
    /// The promotion after the change (null when refused, or after a delete).
    pub promotion: Option<Promotion>,
    /// ID of the deleted promotion, for `promotionDelete`.
    pub deleted_id: Option<ID>,
    /// The rule added or changed (`promotionRuleAdd`, `promotionRuleUpdate`); null otherwise.
    pub rule: Option<PromotionRule>,
    /// The action added or changed (`promotionActionAdd`, `promotionActionUpdate`); null
    /// otherwise.
    pub action: Option<PromotionAction>,
    /// Why the mutation was refused (nothing was written then).
    pub user_errors: Vec<UserError>,
}

/// Result of `couponCodesGenerate`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct CouponCodesGeneratePayload {
    /// The promotion, now multi-code (null when refused).
    pub promotion: Option<Promotion>,
    /// How many codes were generated (0 when refused).
    pub count: i32,
    /// The first 100 codes generated, oldest first; the rest are in `promotion.couponCodes`.
    pub coupon_codes: Vec<CouponCode>,
    /// Why the mutation was refused (nothing was written then).
    pub user_errors: Vec<UserError>,
}

fn single(result: Written) -> Outcome {
    match result {
        Ok(id) => Outcome {
            items: vec![ItemResult {
                index: 0,
                id: Some(id),
                errors: vec![],
            }],
            ..Outcome::default()
        },
        Err(errors) => Outcome {
            errors,
            ..Outcome::default()
        },
    }
}

/// The outcome of a rule or action command: the promotion's key, then the child's.
fn child(result: WrittenChild) -> Outcome {
    match result {
        Ok((promotion, child)) => Outcome {
            items: [promotion, child]
                .into_iter()
                .enumerate()
                .map(|(index, id)| ItemResult {
                    index,
                    id: Some(id),
                    errors: vec![],
                })
                .collect(),
            ..Outcome::default()
        },
        Err(errors) => Outcome {
            errors,
            ..Outcome::default()
        },
    }
}

/// What a payload returns besides the promotion.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Returns {
    Promotion,
    Deleted,
    Rule,
    Action,
}

async fn payload(
    ctx: &Context<'_>,
    args: &Arguments,
    outcome: Outcome,
    returns: Returns,
) -> GqlResult<PromotionPayload> {
    let written = outcome.written();
    let id = written.first().copied();
    let deleted = returns == Returns::Deleted;
    let promotion = match (id, deleted) {
        (Some(id), false) => loaders::load::<Row>(ctx, id).await?.map(Promotion),
        _ => None,
    };
    let second = written.get(1).copied();
    let rule = match (second, returns) {
        (Some(k), Returns::Rule) => loaders::load::<RuleRow>(ctx, k).await?.map(PromotionRule),
        _ => None,
    };
    let action = match (second, returns) {
        (Some(k), Returns::Action) => loaders::load::<ActionRow>(ctx, k)
            .await?
            .map(PromotionAction),
        _ => None,
    };
    Ok(PromotionPayload {
        promotion,
        deleted_id: if deleted {
            id.map(|k| ID(ids::encode(Kind::Promotion, k)))
        } else {
            None
        },
        rule,
        action,
        user_errors: outcome.user_errors(args),
    })
}

/// `promotionCreate(input:, idempotencyKey:)`.
const CREATE_ARGS: Arguments = Arguments::new("input", &["idempotency_key"]);
/// `promotionUpdate(id:, input:, expectedUpdatedAt:, idempotencyKey:)`.
const UPDATE_ARGS: Arguments =
    Arguments::new("input", &["id", EXPECTED_UPDATED_AT, "idempotency_key"]);
/// `promotionDelete(id:, idempotencyKey:)`.
const ID_ARGS: Arguments = Arguments::scalars(&["id", "idempotency_key"]);
/// `promotionRuleRemove(id:, promotionId:, idempotencyKey:)` and `promotionActionRemove(…)`.
const REMOVE_ARGS: Arguments = Arguments::scalars(&["id", "promotion_id", "idempotency_key"]);
/// `promotionRuleAdd(promotionId:, input:, idempotencyKey:)` and `promotionActionAdd(…)`.
const ADD_ARGS: Arguments = Arguments::new("input", &["promotion_id", "idempotency_key"]);
/// `promotionRuleUpdate(id:, promotionId:, input:, idempotencyKey:)` and
/// `promotionActionUpdate(…)`.
const RULE_UPDATE_ARGS: Arguments =
    Arguments::new("input", &["id", "promotion_id", "idempotency_key"]);
/// `couponCodesGenerate(promotionId:, numberOfCodes:, codePrefix:, idempotencyKey:)`.
const GENERATE_ARGS: Arguments = Arguments::scalars(&[
    "promotion_id",
    "number_of_codes",
    "code_prefix",
    "idempotency_key",
]);

#[derive(Default)]
pub struct PromotionMutation;

#[Object]
impl PromotionMutation {
    /// Creates a promotion with its rules, actions and coupon code(s), all or nothing.
    #[graphql(guard = "RequireScope(Scope::PromotionsWrite)")]
    async fn promotion_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The promotion, its rules and actions.")] input: PromotionCreateInput,
        #[graphql(
            desc = "A retry with the same key returns the first result without writing twice."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PromotionPayload> {
        let m = merchant_id(ctx)?;
        let command = PromotionInput::from(&input);
        let outcome = run(
            ctx,
            &CREATE_ARGS,
            "promotionCreate",
            idempotency_key.as_deref(),
            &input,
            move |c| Box::pin(async move { Ok(single(commands::create(c, m, &command).await?)) }),
        )
        .await?;
        payload(ctx, &CREATE_ARGS, outcome, Returns::Promotion).await
    }

    /// Changes a promotion; `rules` / `actions`, when given, are the desired set: rows with an
    /// `id` change in place (keeping their IDs), rows without one are added, and current rows
    /// left out are removed.
    #[graphql(guard = "RequireScope(Scope::PromotionsWrite)")]
    async fn promotion_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The promotion (`promo_…`).")] id: ID,
        #[graphql(desc = "The changes.")] input: PromotionUpdateInput,
        #[graphql(
            desc = "Refuse with CONFLICT if the promotion changed after this time (same as `input.expectedUpdatedAt`)."
        )]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "A retry with the same key returns the first result without writing twice."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PromotionPayload> {
        let m = merchant_id(ctx)?;
        let command = PromotionInput::from(&input);
        // A CONFLICT names the argument, or `input.expectedUpdatedAt` when only that was given.
        let args = UPDATE_ARGS.from_input_if(EXPECTED_UPDATED_AT, expected_updated_at.is_none());
        let hash = (id.0.clone(), &input, expected_updated_at);
        let outcome = run(
            ctx,
            &args,
            "promotionUpdate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    let command = PromotionInput {
                        expected_updated_at: expected_at_once(
                            expected_updated_at,
                            command.expected_updated_at,
                        )?,
                        ..command
                    };
                    Ok(single(commands::update(c, m, &id, &command).await?))
                })
            },
        )
        .await?;
        payload(ctx, &args, outcome, Returns::Promotion).await
    }

    /// Deletes a promotion with its rules, actions and codes. Refused with IN_USE while an
    /// order holds one of its codes; past orders' adjustments keep their label and amount.
    #[graphql(guard = "RequireScope(Scope::PromotionsWrite)")]
    async fn promotion_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The promotion (`promo_…`).")] id: ID,
        #[graphql(
            desc = "A retry with the same key returns the first result without writing twice."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PromotionPayload> {
        let m = merchant_id(ctx)?;
        let hash = id.0.clone();
        let outcome = run(
            ctx,
            &ID_ARGS,
            "promotionDelete",
            idempotency_key.as_deref(),
            &hash,
            move |c| Box::pin(async move { Ok(single(commands::delete(c, m, &id).await?)) }),
        )
        .await?;
        payload(ctx, &ID_ARGS, outcome, Returns::Deleted).await
    }

    /// Adds a rule to a promotion (at most 50); field paths are under `input`. The payload's
    /// `rule` is the new rule.
    #[graphql(guard = "RequireScope(Scope::PromotionsWrite)")]
    async fn promotion_rule_add(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The promotion (`promo_…`).")] promotion_id: ID,
        #[graphql(desc = "The rule.")] input: PromotionRuleInput,
        #[graphql(
            desc = "A retry with the same key returns the first result without writing twice."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PromotionPayload> {
        let m = merchant_id(ctx)?;
        let rule = RuleInput::from(&input);
        let hash = (promotion_id.0.clone(), &input);
        let outcome = run(
            ctx,
            &ADD_ARGS,
            "promotionRuleAdd",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(
                    async move { Ok(child(commands::add_rule(c, m, &promotion_id, &rule).await?)) },
                )
            },
        )
        .await?;
        payload(ctx, &ADD_ARGS, outcome, Returns::Rule).await
    }

    /// Changes a rule in place (it keeps its ID, createdAt and kind); field paths are under
    /// `input`. The payload's `rule` is the rule after the change.
    #[graphql(guard = "RequireScope(Scope::PromotionsWrite)")]
    async fn promotion_rule_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rule (`prr_…`).")] id: ID,
        #[graphql(
            desc = "The promotion (`promo_…`) the rule must belong to: NOT_FOUND when it is another's."
        )]
        promotion_id: Option<ID>,
        #[graphql(desc = "The changes.")] input: PromotionRuleUpdateInput,
        #[graphql(
            desc = "A retry with the same key returns the first result without writing twice."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PromotionPayload> {
        let m = merchant_id(ctx)?;
        let patch = RulePatch::from(&input);
        let hash = (
            id.0.clone(),
            promotion_id.as_ref().map(|p| p.0.clone()),
            &input,
        );
        let outcome = run(
            ctx,
            &RULE_UPDATE_ARGS,
            "promotionRuleUpdate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    let owner = promotion_id.as_ref().map(|p| p.0.as_str());
                    Ok(child(
                        commands::update_rule(c, m, &id, owner, &patch).await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &RULE_UPDATE_ARGS, outcome, Returns::Rule).await
    }

    /// Removes a rule; returns its promotion.
    #[graphql(guard = "RequireScope(Scope::PromotionsWrite)")]
    async fn promotion_rule_remove(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rule (`prr_…`).")] id: ID,
        #[graphql(
            desc = "The promotion (`promo_…`) the rule must belong to: NOT_FOUND when it is another's."
        )]
        promotion_id: Option<ID>,
        #[graphql(
            desc = "A retry with the same key returns the first result without writing twice."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PromotionPayload> {
        let m = merchant_id(ctx)?;
        let hash = (id.0.clone(), promotion_id.as_ref().map(|p| p.0.clone()));
        let outcome = run(
            ctx,
            &REMOVE_ARGS,
            "promotionRuleRemove",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    let owner = promotion_id.as_ref().map(|p| p.0.as_str());
                    Ok(child(
                        commands::remove_child(c, m, Kind::PromotionRule, &id, owner).await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &REMOVE_ARGS, outcome, Returns::Promotion).await
    }

    /// Adds an action to a promotion (at most 50); field paths are under `input`. The payload's
    /// `action` is the new action.
    #[graphql(guard = "RequireScope(Scope::PromotionsWrite)")]
    async fn promotion_action_add(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The promotion (`promo_…`).")] promotion_id: ID,
        #[graphql(desc = "The action.")] input: PromotionActionInput,
        #[graphql(
            desc = "A retry with the same key returns the first result without writing twice."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PromotionPayload> {
        let m = merchant_id(ctx)?;
        let action = ActionInput::from(&input);
        let hash = (promotion_id.0.clone(), &input);
        let outcome = run(
            ctx,
            &ADD_ARGS,
            "promotionActionAdd",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(child(
                        commands::add_action(c, m, &promotion_id, &action).await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &ADD_ARGS, outcome, Returns::Action).await
    }

    /// Changes an action in place (it keeps its ID, createdAt and kind); field paths are under
    /// `input`. The payload's `action` is the action after the change.
    #[graphql(guard = "RequireScope(Scope::PromotionsWrite)")]
    async fn promotion_action_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The action (`pra_…`).")] id: ID,
        #[graphql(
            desc = "The promotion (`promo_…`) the action must belong to: NOT_FOUND when it is another's."
        )]
        promotion_id: Option<ID>,
        #[graphql(desc = "The changes.")] input: PromotionActionUpdateInput,
        #[graphql(
            desc = "A retry with the same key returns the first result without writing twice."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PromotionPayload> {
        let m = merchant_id(ctx)?;
        let patch = ActionPatch::from(&input);
        let hash = (
            id.0.clone(),
            promotion_id.as_ref().map(|p| p.0.clone()),
            &input,
        );
        let outcome = run(
            ctx,
            &RULE_UPDATE_ARGS,
            "promotionActionUpdate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    let owner = promotion_id.as_ref().map(|p| p.0.as_str());
                    Ok(child(
                        commands::update_action(c, m, &id, owner, &patch).await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &RULE_UPDATE_ARGS, outcome, Returns::Action).await
    }

    /// Removes an action; returns its promotion.
    #[graphql(guard = "RequireScope(Scope::PromotionsWrite)")]
    async fn promotion_action_remove(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The action (`pra_…`).")] id: ID,
        #[graphql(
            desc = "The promotion (`promo_…`) the action must belong to: NOT_FOUND when it is another's."
        )]
        promotion_id: Option<ID>,
        #[graphql(
            desc = "A retry with the same key returns the first result without writing twice."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PromotionPayload> {
        let m = merchant_id(ctx)?;
        let hash = (id.0.clone(), promotion_id.as_ref().map(|p| p.0.clone()));
        let outcome = run(
            ctx,
            &REMOVE_ARGS,
            "promotionActionRemove",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    let owner = promotion_id.as_ref().map(|p| p.0.as_str());
                    Ok(child(
                        commands::remove_child(c, m, Kind::PromotionAction, &id, owner).await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &REMOVE_ARGS, outcome, Returns::Promotion).await
    }

    /// Generates unique single-use codes `<codePrefix><random>` for a coupon_code promotion
    /// (which becomes multi-code), at most 100,000 per promotion in all. One multi-row insert
    /// per round, whatever the number; collisions are topped up in a few bounded rounds.
    #[graphql(guard = "RequireScope(Scope::PromotionsWrite)")]
    async fn coupon_codes_generate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The promotion (`promo_…`).")] promotion_id: ID,
        #[graphql(desc = "How many codes, 1–100,000.")] number_of_codes: i32,
        #[graphql(desc = "`[A-Za-z0-9_-]{1,32}`; default: the promotion's codePrefix.")]
        code_prefix: Option<String>,
        #[graphql(
            desc = "A retry with the same key returns the first result without generating twice."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<CouponCodesGeneratePayload> {
        let m = merchant_id(ctx)?;
        let hash = (promotion_id.0.clone(), number_of_codes, code_prefix.clone());
        let outcome = run(
            ctx,
            &GENERATE_ARGS,
            "couponCodesGenerate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    let result = commands::generate_codes(
                        c,
                        m,
                        &promotion_id,
                        number_of_codes,
                        code_prefix.as_deref(),
                    )
                    .await?;
                    // Stored for idempotent replays: the promotion first, then the first codes.
                    Ok(match result {
                        Ok((promotion, generated)) => Outcome {
                            items: std::iter::once(promotion)
                                .chain(generated.first_ids)
                                .enumerate()
                                .map(|(index, id)| ItemResult {
                                    index,
                                    id: Some(id),
                                    errors: vec![],
                                })
                                .collect(),
                            ..Outcome::default()
                        },
                        Err(errors) => Outcome {
                            errors,
                            ..Outcome::default()
                        },
                    })
                })
            },
        )
        .await?;
        super::after_bulk_write(ctx, &["coupon_codes"], outcome.written().len());
        let written = outcome.written();
        let promotion = match written.first() {
            Some(id) => loaders::load::<Row>(ctx, *id).await?.map(Promotion),
            None => None,
        };
        let codes = if written.len() > 1 {
            loaders::load_many::<CodeRow>(ctx, &written[1..])
                .await?
                .into_iter()
                .map(CouponCode)
                .collect()
        } else {
            Vec::new()
        };
        Ok(CouponCodesGeneratePayload {
            count: if promotion.is_some() {
                number_of_codes
            } else {
                0
            },
            promotion,
            coupon_codes: codes,
            user_errors: outcome.user_errors(&GENERATE_ARGS),
        })
    }
}
