//! Price list mutations: CRUD, status transitions and rules. Validation and the writes are in
//! `domain::pricing::commands::{price_lists, rules}`; this maps GraphQL inputs onto them.

use async_graphql::{Context, Enum, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::{expected_at_once, run, Arguments, Outcome, UserError, EXPECTED_UPDATED_AT};
use crate::auth::Scope;
use crate::domain::filter;
use crate::domain::pricing::commands::price_lists::{self as lists, ListInput, Transition};
use crate::domain::pricing::commands::prices as bulk;
use crate::domain::pricing::commands::rules::{self, RuleInput};
use crate::domain::pricing::commands::rules_reconcile::RuleChange;
use crate::domain::pricing::{PriceList as ListRow, PriceRule as RuleRow};
use crate::domain::validate::{FieldError, ItemResult, Patch};
use crate::graphql::context::{conn, merchant_id};
use crate::graphql::errors::{GqlResult, IntoGql};
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::loaders;
use crate::graphql::types::pricing::{PriceList, PriceRule};
use crate::ids::{self, Kind};
use rust_decimal::Decimal;

/// How a price list's rules combine.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum PriceListMatchPolicy {
    /// Every rule must match the buyer.
    All,
    /// One matching rule is enough.
    Any,
}

impl PriceListMatchPolicy {
    fn as_db(self) -> String {
        match self {
            PriceListMatchPolicy::All => "all".into(),
            PriceListMatchPolicy::Any => "any".into(),
        }
    }
}

/// What a price rule matches on.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum PriceRuleKind {
    /// The buyer is a member of one of `customerGroupIds`.
    CustomerGroup,
    /// The order is placed on one of `channelIds`.
    Channel,
    /// The buyer is one of `customerIds`.
    Customer,
    /// The quantity is at least `minQuantity` (volume break).
    Volume,
    /// The buyer's market is `marketCode`; matches nobody when the quote gives no market.
    Market,
}

fn strings(ids: Vec<ID>) -> Vec<String> {
    ids.into_iter().map(|i| i.0).collect()
}

/// A rule of a price list: `kind` plus exactly the reference(s) of that kind.
#[derive(InputObject)]
pub struct PriceRuleInput {
    /// What the rule matches on; give exactly the reference field(s) of that kind.
    pub kind: PriceRuleKind,
    /// For CUSTOMER_GROUP: 1 to 100 distinct customer groups (`cg_…`) of this merchant; the
    /// rule matches members of ANY of them.
    pub customer_group_ids: Option<Vec<ID>>,
    /// For CHANNEL: 1 to 100 distinct channels (`ch_…`) of this merchant; orders on ANY of
    /// them match.
    pub channel_ids: Option<Vec<ID>>,
    /// For CUSTOMER: 1 to 100 distinct customers (`cus_…`) of this merchant; ANY of them
    /// matches.
    pub customer_ids: Option<Vec<ID>>,
    /// For CUSTOMER_GROUP: one customer group (`cg_…`) of this merchant; not with
    /// `customerGroupIds`.
    #[graphql(deprecation = "Give customerGroupIds (one or more groups).")]
    pub customer_group_id: Option<ID>,
    /// For CHANNEL: one channel (`ch_…`) of this merchant; not with `channelIds`.
    #[graphql(deprecation = "Give channelIds (one or more channels).")]
    pub channel_id: Option<ID>,
    /// For CUSTOMER: one customer (`cus_…`) of this merchant; not with `customerIds`.
    #[graphql(deprecation = "Give customerIds (one or more customers).")]
    pub customer_id: Option<ID>,
    /// For VOLUME: the smallest quantity that gets the list's price, at least 1.
    pub min_quantity: Option<i32>,
    /// For MARKET: an ISO 3166-1 alpha-2 country code in upper case (`EC`).
    pub market_code: Option<String>,
}

impl From<PriceRuleInput> for RuleInput {
    fn from(r: PriceRuleInput) -> Self {
        RuleInput {
            kind: match r.kind {
                PriceRuleKind::CustomerGroup => "customer_group",
                PriceRuleKind::Channel => "channel",
                PriceRuleKind::Customer => "customer",
                PriceRuleKind::Volume => "volume",
                PriceRuleKind::Market => "market",
            }
            .into(),
            customer_group_id: r.customer_group_id.map(|i| i.0),
            channel_id: r.channel_id.map(|i| i.0),
            customer_id: r.customer_id.map(|i| i.0),
            customer_group_ids: r.customer_group_ids.map(strings),
            channel_ids: r.channel_ids.map(strings),
            customer_ids: r.customer_ids.map(strings),
            min_quantity: r.min_quantity,
            market_code: r.market_code,
        }
    }
}

/// A price of a price list, written with the list (`prices` of `priceListCreate` /
/// `priceListUpdate`): by `id` (a price of this list), or by `variantId` + `currency`.
#[derive(InputObject)]
pub struct PriceListPriceInput {
    /// A price of this list (`price_…`) to change; its variant and currency cannot change.
    pub id: Option<ID>,
    /// The variant (`variant_…`) of this merchant; required without `id`.
    pub variant_id: Option<ID>,
    /// ISO 4217 code in upper case (`USD`); required without `id`.
    pub currency: Option<String>,
    /// At least 0, at most 4 decimal places; omitted: the stored amount (required for a new
    /// price).
    pub amount: Option<Decimal>,
    /// The "was" price, at least `amount`. Omitted: unchanged (none for a new price); `null`:
    /// removed.
    pub compare_at_amount: MaybeUndefined<Decimal>,
}

fn list_prices(l: Vec<PriceListPriceInput>) -> Vec<bulk::PriceInput> {
    l.into_iter()
        .map(|p| bulk::PriceInput {
            id: p.id.map(|i| i.0),
            variant_id: p.variant_id.map(|i| i.0),
            currency: p.currency,
            price_list_id: None,
            amount: p.amount,
            compare_at_amount: patch(p.compare_at_amount),
        })
        .collect()
}

/// A price list to create. It starts as a draft: activate or schedule it to apply it.
#[derive(InputObject)]
pub struct PriceListCreateInput {
    /// 1–100 characters.
    pub name: String,
    /// At most 1,000 characters.
    pub description: Option<String>,
    /// 0 to 1,000,000; when several lists match a buyer the lowest position wins. Default 0.
    pub position: Option<i32>,
    /// Default ALL.
    pub match_policy: Option<PriceListMatchPolicy>,
    /// With `endsAt`, the window an active list applies in (endsAt after startsAt).
    pub starts_at: Option<DateTime<Utc>>,
    /// End of the window (exclusive), after `startsAt`; omitted: no end.
    pub ends_at: Option<DateTime<Utc>>,
    /// Who the list applies to (at most 100); none: everyone.
    pub rules: Option<Vec<PriceRuleInput>>,
    /// Products (`prod_…`) the list is set up for (its `productIds` also count the products
    /// of the variants it prices), at most 10,000; unknown IDs are NOT_FOUND.
    pub product_ids: Option<Vec<ID>>,
    /// The list's prices (at most 10,000), written in the same transaction, after its
    /// products; one refused price refuses the whole create.
    pub prices: Option<Vec<PriceListPriceInput>>,
}

/// A rule of a price list's whole new rule set (`PriceListUpdateInput.rules`): with `id`, that
/// rule of the list changed in place; without, a new rule.
#[derive(InputObject)]
pub struct PriceListRuleInput {
    /// An existing rule of this list (`prule_…`), which keeps its ID; omitted: a new rule.
    pub id: Option<ID>,
    /// What the rule matches on; give exactly the reference field(s) of that kind.
    pub kind: PriceRuleKind,
    /// For CUSTOMER_GROUP: 1 to 100 distinct customer groups (`cg_…`) of this merchant; the
    /// rule matches members of ANY of them.
    pub customer_group_ids: Option<Vec<ID>>,
    /// For CHANNEL: 1 to 100 distinct channels (`ch_…`) of this merchant; orders on ANY of
    /// them match.
    pub channel_ids: Option<Vec<ID>>,
    /// For CUSTOMER: 1 to 100 distinct customers (`cus_…`) of this merchant; ANY of them
    /// matches.
    pub customer_ids: Option<Vec<ID>>,
    /// For CUSTOMER_GROUP: one customer group (`cg_…`) of this merchant; not with
    /// `customerGroupIds`.
    #[graphql(deprecation = "Give customerGroupIds (one or more groups).")]
    pub customer_group_id: Option<ID>,
    /// For CHANNEL: one channel (`ch_…`) of this merchant; not with `channelIds`.
    #[graphql(deprecation = "Give channelIds (one or more channels).")]
    pub channel_id: Option<ID>,
    /// For CUSTOMER: one customer (`cus_…`) of this merchant; not with `customerIds`.
    #[graphql(deprecation = "Give customerIds (one or more customers).")]
    pub customer_id: Option<ID>,
    /// For VOLUME: the smallest quantity that gets the list's price, at least 1.
    pub min_quantity: Option<i32>,
    /// For MARKET: an ISO 3166-1 alpha-2 country code in upper case (`EC`).
    pub market_code: Option<String>,
}

impl From<PriceListRuleInput> for RuleChange {
    fn from(r: PriceListRuleInput) -> Self {
        RuleChange {
            id: r.id.map(|i| i.0),
            rule: PriceRuleInput {
                kind: r.kind,
                customer_group_ids: r.customer_group_ids,
                channel_ids: r.channel_ids,
                customer_ids: r.customer_ids,
                customer_group_id: r.customer_group_id,
                channel_id: r.channel_id,
                customer_id: r.customer_id,
                min_quantity: r.min_quantity,
                market_code: r.market_code,
            }
            .into(),
        }
    }
}

/// Changes to a price list; omitted fields keep their values, `null` clears an optional one.
#[derive(InputObject)]
pub struct PriceListUpdateInput {
    /// 1–100 characters.
    pub name: Option<String>,
    /// At most 1,000 characters; `null` clears it.
    pub description: MaybeUndefined<String>,
    /// 0 to 1,000,000; when several lists match a buyer the lowest position wins.
    pub position: Option<i32>,
    /// How the list's rules combine.
    pub match_policy: Option<PriceListMatchPolicy>,
    /// Start of the window (inclusive); `null` clears it.
    pub starts_at: MaybeUndefined<DateTime<Utc>>,
    /// End of the window (exclusive), after `startsAt`; `null` clears it.
    pub ends_at: MaybeUndefined<DateTime<Utc>>,
    /// Refuse with CONFLICT if the list (or its rules) changed after this time.
    pub expected_updated_at: Option<DateTime<Utc>>,
    /// The list's whole new rule set (at most 100): a rule with `id` is changed in place, one
    /// without is added, and the list's rules not given are removed. Omitted: rules unchanged.
    pub rules: Option<Vec<PriceListRuleInput>>,
    /// The products (`prod_…`) the list is set up for from now on: the others leave it, and
    /// the list's prices of their variants are deleted. Omitted: unchanged.
    pub product_ids: Option<Vec<ID>>,
    /// Prices of the list to write (at most 10,000), upserted by `id` or variant + currency
    /// after `productIds`; the list's other prices stay. An empty list deletes all of the
    /// list's prices. One refused price refuses the whole update. Omitted: unchanged.
    pub prices: Option<Vec<PriceListPriceInput>>,
}

fn ids_of(l: Vec<ID>) -> Vec<String> {
    l.into_iter().map(|i| i.0).collect()
}

fn patch<T>(v: MaybeUndefined<T>) -> Patch<T> {
    match v {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(x) => Patch::Set(x),
    }
}

/// Result of a price list mutation.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct PriceListPayload {
    /// The list after the change (null when refused, or after a delete).
    pub price_list: Option<PriceList>,
    /// ID of the deleted list, for `priceListDelete`.
    pub deleted_id: Option<ID>,
    /// Why the mutation was refused, each naming its field path and a stable code (empty on success).
    pub user_errors: Vec<UserError>,
}

/// Result of a price rule mutation.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct PriceRulePayload {
    /// The rule added (null when refused, or after a removal).
    pub price_rule: Option<PriceRule>,
    /// The list the rule belongs (belonged) to, after the change.
    pub price_list: Option<PriceList>,
    /// ID of the removed rule, for `priceRuleRemove`.
    pub deleted_id: Option<ID>,
    /// Why the mutation was refused, each naming its field path and a stable code (empty on success).
    pub user_errors: Vec<UserError>,
}

/// One written key (or the errors) as an outcome.
fn single(result: std::result::Result<i64, Vec<FieldError>>) -> Outcome {
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

async fn list_payload(
    ctx: &Context<'_>,
    args: &Arguments,
    outcome: Outcome,
    deleted: bool,
) -> GqlResult<PriceListPayload> {
    let id = outcome.written().first().copied();
    let price_list = match (id, deleted) {
        (Some(id), false) => loaders::load::<ListRow>(ctx, id).await?.map(PriceList),
        _ => None,
    };
    Ok(PriceListPayload {
        price_list,
        deleted_id: id
            .filter(|_| deleted)
            .map(|k| ID(ids::encode(Kind::PriceList, k))),
        user_errors: outcome.user_errors(args),
    })
}

/// Runs a status transition.
async fn transition(
    ctx: &Context<'_>,
    operation: &str,
    id: ID,
    change: Transition,
    idempotency_key: Option<String>,
) -> GqlResult<PriceListPayload> {
    let m = merchant_id(ctx)?;
    let hash = format!("{}|{change:?}", id.0);
    let outcome = run(
        ctx,
        &TRANSITION_ARGS,
        operation,
        idempotency_key.as_deref(),
        &hash,
        move |c| {
            Box::pin(async move {
                Ok(single(
                    lists::transition(c, m, &id, change, Utc::now()).await?,
                ))
            })
        },
    )
    .await?;
    list_payload(ctx, &TRANSITION_ARGS, outcome, false).await
}

/// `priceListCreate(input:)`.
const CREATE_ARGS: Arguments = Arguments::new("input", &["idempotency_key"]);
/// `priceListUpdate(id:, input:, expectedUpdatedAt:)`.
const UPDATE_ARGS: Arguments =
    Arguments::new("input", &["id", EXPECTED_UPDATED_AT, "idempotency_key"]);
/// `priceListDelete(id:, idempotencyKey:)` and `priceRuleRemove(id:)`.
const ID_ARGS: Arguments = Arguments::scalars(&["id", "idempotency_key"]);
/// `priceListActivate(id:)`, `priceListDeactivate(id:)` and
/// `priceListSchedule(id:, startsAt:, endsAt:)`.
const TRANSITION_ARGS: Arguments =
    Arguments::scalars(&["id", "starts_at", "ends_at", "idempotency_key"]);
/// `priceRuleAdd(priceListId:, input:)`.
const RULE_ADD_ARGS: Arguments = Arguments::new("input", &["price_list_id"]);

#[derive(Default)]
pub struct PriceListMutation;

#[Object]
impl PriceListMutation {
    /// Creates a draft price list, with its rules in one statement, and its products and
    /// prices in the same transaction.
    #[graphql(guard = "RequireScope(Scope::PricingWrite)")]
    async fn price_list_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The list to create, with its rules.")] input: PriceListCreateInput,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PriceListPayload> {
        let m = merchant_id(ctx)?;
        let list = ListInput {
            name: Some(input.name),
            description: input.description.map(Patch::Set).unwrap_or(Patch::Keep),
            position: input.position,
            match_policy: input.match_policy.map(PriceListMatchPolicy::as_db),
            starts_at: input.starts_at.map(Patch::Set).unwrap_or(Patch::Keep),
            ends_at: input.ends_at.map(Patch::Set).unwrap_or(Patch::Keep),
            rules: input
                .rules
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            rule_set: None,
            product_ids: input.product_ids.map(ids_of),
            prices: input.prices.map(list_prices),
            expected_updated_at: None,
        };
        // The request as the domain reads it (its Debug text is stable for equal requests).
        let hash = format!("{list:?}");
        let outcome = run(
            ctx,
            &CREATE_ARGS,
            "priceListCreate",
            idempotency_key.as_deref(),
            &hash,
            move |c| Box::pin(async move { Ok(single(lists::create(c, m, &list).await?)) }),
        )
        .await?;
        list_payload(ctx, &CREATE_ARGS, outcome, false).await
    }

    /// Changes a price list's name, description, position, match policy, window, rules
    /// (reconciled by id) or products, in one transaction.
    #[graphql(guard = "RequireScope(Scope::PricingWrite)")]
    async fn price_list_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The price list (`pl_…`).")] id: ID,
        #[graphql(
            desc = "The changes; omitted fields keep their values (`rules` replaces the rule set, reconciled by id; one rule at a time: `priceRuleAdd`/`priceRuleRemove`)."
        )]
        input: PriceListUpdateInput,
        #[graphql(
            desc = "Refuse with CONFLICT if the price list changed after this time (same as `input.expectedUpdatedAt`)."
        )]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PriceListPayload> {
        let m = merchant_id(ctx)?;
        let list = ListInput {
            name: input.name,
            description: patch(input.description),
            position: input.position,
            match_policy: input.match_policy.map(PriceListMatchPolicy::as_db),
            starts_at: patch(input.starts_at),
            ends_at: patch(input.ends_at),
            rules: Vec::new(),
            rule_set: input.rules.map(|l| l.into_iter().map(Into::into).collect()),
            product_ids: input.product_ids.map(ids_of),
            prices: input.prices.map(list_prices),
            expected_updated_at: input.expected_updated_at,
        };
        // A CONFLICT names the argument, or `input.expectedUpdatedAt` when only that was given.
        let args = UPDATE_ARGS.from_input_if(EXPECTED_UPDATED_AT, expected_updated_at.is_none());
        let hash = format!("{}|{list:?}|{expected_updated_at:?}", id.0);
        let outcome = run(
            ctx,
            &args,
            "priceListUpdate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    let list = ListInput {
                        expected_updated_at: expected_at_once(
                            expected_updated_at,
                            list.expected_updated_at,
                        )?,
                        ..list
                    };
                    Ok(single(lists::update(c, m, &id, &list, Utc::now()).await?))
                })
            },
        )
        .await?;
        list_payload(ctx, &args, outcome, false).await
    }

    /// Deletes a price list with its rules and prices. Orders keep the prices they were given.
    #[graphql(guard = "RequireScope(Scope::PricingWrite)")]
    async fn price_list_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The price list (`pl_…`).")] id: ID,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PriceListPayload> {
        let m = merchant_id(ctx)?;
        let hash = id.0.clone();
        let outcome = run(
            ctx,
            &ID_ARGS,
            "priceListDelete",
            idempotency_key.as_deref(),
            &hash,
            move |c| Box::pin(async move { Ok(single(lists::delete(c, m, &id).await?)) }),
        )
        .await?;
        list_payload(ctx, &ID_ARGS, outcome, true).await
    }

    /// Makes a draft, scheduled or inactive list active: it applies from now on (inside its
    /// window when startsAt/endsAt are set). INVALID_TRANSITION when it is already active,
    /// IN_THE_PAST when its window has ended.
    #[graphql(guard = "RequireScope(Scope::PricingWrite)")]
    async fn price_list_activate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The price list (`pl_…`).")] id: ID,
        #[graphql(
            desc = "When the list's startsAt is still ahead, schedule it for its window instead (SCHEDULED, as Spree's activate does). Default false.",
            default = false
        )]
        schedule_future_start: bool,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PriceListPayload> {
        let change = if schedule_future_start {
            Transition::ActivateOrSchedule
        } else {
            Transition::Activate
        };
        transition(ctx, "priceListActivate", id, change, idempotency_key).await
    }

    /// Makes an active or scheduled list inactive: it stops applying. INVALID_TRANSITION for a
    /// draft or inactive list.
    #[graphql(guard = "RequireScope(Scope::PricingWrite)")]
    async fn price_list_deactivate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The price list (`pl_…`).")] id: ID,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PriceListPayload> {
        transition(
            ctx,
            "priceListDeactivate",
            id,
            Transition::Deactivate,
            idempotency_key,
        )
        .await
    }

    /// Schedules a list (whatever its status): it applies only from `startsAt` until `endsAt`
    /// (open-ended without it). IN_THE_PAST when startsAt has passed (a minute of clock skew is
    /// tolerated; activate the list to apply it now), INVALID_WINDOW when endsAt is not after
    /// startsAt.
    #[graphql(guard = "RequireScope(Scope::PricingWrite)")]
    async fn price_list_schedule(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The price list (`pl_…`).")] id: ID,
        #[graphql(desc = "When the list starts applying.")] starts_at: DateTime<Utc>,
        #[graphql(desc = "When it stops applying (exclusive); omitted: no end.")] ends_at: Option<
            DateTime<Utc>,
        >,
    ) -> GqlResult<PriceListPayload> {
        transition(
            ctx,
            "priceListSchedule",
            id,
            Transition::Schedule { starts_at, ends_at },
            None,
        )
        .await
    }

    /// Adds a rule to a price list. The reference must be of this merchant (NOT_FOUND
    /// otherwise); the same rule twice on one list is TAKEN.
    #[graphql(guard = "RequireScope(Scope::PricingWrite)")]
    async fn price_rule_add(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The price list (`pl_…`).")] price_list_id: ID,
        #[graphql(desc = "The rule: `kind` and exactly that kind's reference.")]
        input: PriceRuleInput,
    ) -> GqlResult<PriceRulePayload> {
        let m = merchant_id(ctx)?;
        let rule: RuleInput = input.into();
        let list_key = ids::decode(Kind::PriceList, &price_list_id).ok();
        let outcome = run(ctx, &RULE_ADD_ARGS, "priceRuleAdd", None, &(), move |c| {
            Box::pin(async move { Ok(single(rules::add(c, m, &price_list_id, &rule).await?)) })
        })
        .await?;
        let rule_key = outcome.written().first().copied();
        rule_payload(ctx, &RULE_ADD_ARGS, outcome, rule_key, list_key, false).await
    }

    /// Removes a rule from its price list.
    #[graphql(guard = "RequireScope(Scope::PricingWrite)")]
    async fn price_rule_remove(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The price rule (`prule_…`).")] id: ID,
    ) -> GqlResult<PriceRulePayload> {
        let m = merchant_id(ctx)?;
        let outcome = run(ctx, &ID_ARGS, "priceRuleRemove", None, &(), move |c| {
            Box::pin(async move {
                Ok(match rules::remove(c, m, &id).await? {
                    // The rule key and its list key, in that order.
                    Ok((rule, list)) => Outcome {
                        items: [rule, list]
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
                })
            })
        })
        .await?;
        let written = outcome.written();
        let (rule_key, list_key) = (written.first().copied(), written.get(1).copied());
        rule_payload(ctx, &ID_ARGS, outcome, rule_key, list_key, true).await
    }
}

async fn rule_payload(
    ctx: &Context<'_>,
    args: &Arguments,
    outcome: Outcome,
    rule_key: Option<i64>,
    list_key: Option<i64>,
    deleted: bool,
) -> GqlResult<PriceRulePayload> {
    let ok = !outcome.has_request_errors();
    let price_rule = match (rule_key, deleted) {
        // Rules have no by-ID loader (they are loaded by list); one lookup.
        (Some(k), false) => {
            let m = merchant_id(ctx)?;
            filter::by_ids::<RuleRow>(&mut *conn(ctx).await?, m, &[k])
                .await
                .gql()?
                .into_iter()
                .next()
                .map(PriceRule)
        }
        _ => None,
    };
    let price_list = match list_key.filter(|_| ok) {
        Some(k) => loaders::load::<ListRow>(ctx, k).await?.map(PriceList),
        None => None,
    };
    Ok(PriceRulePayload {
        price_rule,
        price_list,
        deleted_id: rule_key
            .filter(|_| deleted)
            .map(|k| ID(ids::encode(Kind::PriceRule, k))),
        user_errors: outcome.user_errors(args),
    })
}
