//! Price mutations in bulk: `pricesUpsert` (up to 10,000 prices, two SQL statements whatever
//! their number) and `pricesDelete`. Rules are in `domain::pricing::commands::prices`.

use async_graphql::{Context, Enum, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use rust_decimal::Decimal;

use serde::{Deserialize, Serialize};

use super::{run, Arguments, ErrorPolicy, Outcome, Stored, UserError};
use crate::auth::Scope;
use crate::domain::filter;
use crate::domain::pricing::commands::prices::{self as bulk, UpsertOutcome, MAX_PRICES};
use crate::domain::pricing::Price as PriceRow;
use crate::domain::validate::{FieldError, ItemResult, Patch};
use crate::graphql::context::{conn, merchant_id};
use crate::graphql::errors::{GqlResult, IntoGql};
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::types::pricing::Price;
use crate::ids::{self, Kind};

/// A price to create or update: by `id`, or by `variantId` + `currency` + `priceListId`
/// (omitted for the base price), which creates it when it does not exist yet.
#[derive(InputObject)]
#[graphql(name = "PriceInput")]
pub struct PriceInput {
    /// The price (`price_…`) to update. Its variant, currency and list cannot change: giving
    /// other ones is IMMUTABLE.
    pub id: Option<ID>,
    /// The variant (`variant_…`); required without `id`.
    pub variant_id: Option<ID>,
    /// ISO 4217 code in upper case (`USD`); required without `id`.
    pub currency: Option<String>,
    /// The price list (`pl_…`); omitted: the base price.
    pub price_list_id: Option<ID>,
    /// At least 0, at most 4 decimal places, e.g. "29.99". Omitted (or null): the stored
    /// amount stays (a price given by `id`, or by a key that exists); required for a new price.
    pub amount: Option<Decimal>,
    /// The "was" price, at least `amount` (equal allowed). Omitted: unchanged (none for a new
    /// price); `null`: removed.
    pub compare_at_amount: MaybeUndefined<Decimal>,
}

impl From<PriceInput> for bulk::PriceInput {
    fn from(p: PriceInput) -> Self {
        bulk::PriceInput {
            id: p.id.map(|i| i.0),
            variant_id: p.variant_id.map(|i| i.0),
            currency: p.currency,
            price_list_id: p.price_list_id.map(|i| i.0),
            amount: p.amount,
            compare_at_amount: match p.compare_at_amount {
                MaybeUndefined::Undefined => Patch::Keep,
                MaybeUndefined::Null => Patch::Clear,
                MaybeUndefined::Value(d) => Patch::Set(d),
            },
        }
    }
}

/// What `pricesUpsert` stores for idempotent replay (the domain's outcome, stored as is), or a
/// refusal of the whole request, already named for GraphQL (never stored).
#[derive(Default, Serialize, Deserialize)]
struct Upserted {
    #[serde(flatten)]
    outcome: UpsertOutcome,
    #[serde(skip)]
    refusals: Vec<UserError>,
}

impl Stored for Upserted {
    fn refused(refusals: Vec<UserError>) -> Self {
        Upserted {
            refusals,
            ..Upserted::default()
        }
    }
}

/// `pricesUpsert(input:, errorPolicy:, idempotencyKey:, ifExists:)`.
const UPSERT_ARGS: Arguments =
    Arguments::new("input", &["error_policy", "idempotency_key", "if_exists"]);

/// What `pricesUpsert` does with an item addressed by its key (no `id`) whose price exists.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum IfPriceExists {
    /// Update it: the call is an upsert (the default).
    #[default]
    Update,
    /// Refuse the item with TAKEN at `currency`: the call only creates prices (and updates
    /// those given by `id`).
    Refuse,
}
/// `pricesDelete(ids:, errorPolicy:)`.
const DELETE_ARGS: Arguments = Arguments::new("ids", &["error_policy", "idempotency_key"]);

/// The outcome of one item of `pricesUpsert`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct PriceResult {
    /// Position of the item in the input list.
    pub index: i32,
    /// The price written (null when the item failed or was not written).
    pub price: Option<Price>,
    /// Why this item failed, paths like `["input", "3", "amount"]`; empty when it was written.
    pub user_errors: Vec<UserError>,
}

/// Result of `pricesUpsert`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct PricesUpsertPayload {
    /// The prices written, in input order.
    pub prices: Vec<Price>,
    /// One result per input item, with its index.
    pub results: Vec<PriceResult>,
    /// Prices created.
    pub created: i32,
    /// Prices updated.
    pub updated: i32,
    /// Every error, each naming its field path (`["input", "3", "amount"]`).
    pub user_errors: Vec<UserError>,
}

/// Result of `pricesDelete`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct PricesDeletePayload {
    /// IDs of the prices deleted.
    pub deleted_ids: Vec<ID>,
    /// Every error, each naming its field path (`["ids", "3"]`).
    pub user_errors: Vec<UserError>,
}

/// Every error of an upsert, item errors first, then the request's.
fn user_errors(items: &[ItemResult], request: &[FieldError]) -> Vec<UserError> {
    UPSERT_ARGS.user_errors(items.iter().flat_map(|i| &i.errors).chain(request))
}

#[derive(Default)]
pub struct PriceMutation;

#[Object]
impl PriceMutation {
    /// Creates or updates up to 10,000 prices in one transaction (more than the 1,000 of other
    /// bulk mutations: catalogs are repriced a list at a time), with one lookup and one write
    /// statement whatever their number.
    #[graphql(guard = "RequireScope(Scope::PricingWrite)")]
    async fn prices_upsert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The prices, at most 10,000.")] input: Vec<PriceInput>,
        #[graphql(desc = "Default REJECT_EVERYTHING.")] error_policy: Option<ErrorPolicy>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
        #[graphql(
            desc = "An item addressed by a key whose price exists: UPDATE it (default) or REFUSE it (TAKEN)."
        )]
        if_exists: Option<IfPriceExists>,
    ) -> GqlResult<PricesUpsertPayload> {
        let m = merchant_id(ctx)?;
        let inputs: Vec<bulk::PriceInput> = input.into_iter().map(Into::into).collect();
        let error_policy = error_policy.unwrap_or_default();
        let policy = error_policy.into();
        let if_exists = match if_exists.unwrap_or_default() {
            IfPriceExists::Update => bulk::IfExists::Update,
            IfPriceExists::Refuse => bulk::IfExists::Refuse,
        };
        let refuse = if_exists == bulk::IfExists::Refuse;
        let hashed = if refuse {
            serde_json::to_value((
                &inputs,
                error_policy == ErrorPolicy::RejectFailedRows,
                "refuse",
            ))
        } else {
            serde_json::to_value((&inputs, error_policy == ErrorPolicy::RejectFailedRows))
        }
        .unwrap_or_default();
        let Upserted { outcome, refusals } = run(
            ctx,
            &UPSERT_ARGS,
            "pricesUpsert",
            idempotency_key.as_deref(),
            &hashed,
            move |c| {
                Box::pin(async move {
                    let outcome = bulk::write_many(c, m, &inputs, policy, if_exists).await?;
                    Ok(Upserted {
                        outcome,
                        ..Upserted::default()
                    })
                })
            },
        )
        .await?;
        super::after_bulk_write(ctx, &["prices"], outcome.created + outcome.updated);
        let written: Vec<i64> = outcome.items.iter().filter_map(|i| i.id).collect();
        // One statement for all of them (the DataLoader would split 10,000 keys into batches).
        let rows: Vec<PriceRow> = if written.is_empty() {
            Vec::new()
        } else {
            filter::by_ids(&mut *conn(ctx).await?, m, &written)
                .await
                .gql()?
        };
        let by_id: std::collections::HashMap<i64, PriceRow> =
            rows.into_iter().map(|r| (r.id, r)).collect();
        let find = |id: Option<i64>| id.and_then(|id| by_id.get(&id).cloned()).map(Price);
        Ok(PricesUpsertPayload {
            prices: written.iter().filter_map(|id| find(Some(*id))).collect(),
            results: outcome
                .items
                .iter()
                .map(|i| PriceResult {
                    index: i.index as i32,
                    price: find(i.id),
                    user_errors: UPSERT_ARGS.user_errors(&i.errors),
                })
                .collect(),
            created: outcome.created as i32,
            updated: outcome.updated as i32,
            user_errors: [user_errors(&outcome.items, &outcome.errors), refusals].concat(),
        })
    }

    /// Deletes up to 10,000 prices in one transaction. Unknown IDs (or another merchant's) are
    /// NOT_FOUND item errors.
    #[graphql(guard = "RequireScope(Scope::PricingWrite)")]
    async fn prices_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The prices (`price_…`), at most 10,000.")] ids: Vec<ID>,
        #[graphql(desc = "Default REJECT_EVERYTHING.")] error_policy: Option<ErrorPolicy>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<PricesDeletePayload> {
        let m = merchant_id(ctx)?;
        let error_policy = error_policy.unwrap_or_default();
        let policy = error_policy.into();
        let public: Vec<String> = ids.into_iter().map(|i| i.0).collect();
        let hashed = serde_json::json!([public, error_policy == ErrorPolicy::RejectFailedRows]);
        let outcome = run(
            ctx,
            &DELETE_ARGS,
            "pricesDelete",
            idempotency_key.as_deref(),
            &hashed,
            move |c| {
                Box::pin(async move {
                    Ok(Outcome {
                        items: bulk::delete_many(c, m, &public, policy).await?,
                        ..Outcome::default()
                    })
                })
            },
        )
        .await?;
        Ok(PricesDeletePayload {
            deleted_ids: outcome
                .written()
                .into_iter()
                .map(|k| ID(ids::encode(Kind::Price, k)))
                .collect(),
            user_errors: outcome.user_errors(&DELETE_ARGS),
        })
    }
}

const _: () = assert!(MAX_PRICES == 10_000, "keep the descriptions above in step");
