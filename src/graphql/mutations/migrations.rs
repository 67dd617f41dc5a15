//! Legacy migrations: import customers or historical orders keyed by the legacy system's ids,
//! and revert a batch exactly. Every mutation needs `migrations:write`.

use async_graphql::{Context, InputObject, Json, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{run, Arguments, ErrorPolicy, Stored, UserError};
use crate::auth::Scope;
use crate::domain::migrations::input::CustomerImport;
use crate::domain::migrations::jobs::Wake;
use crate::domain::migrations::order_input::{LineImport, OrderImport};
use crate::domain::migrations::revert::{self, RevertOutcome};
use crate::domain::migrations::{self as dm, ImportOutcome, Rows};
use crate::domain::validate::{code, FieldError, Path};
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::loaders;
use crate::graphql::types::migrations::{MigrationBatch, ROW_ARGS};
use crate::graphql::types::order::OrderStatus;
use crate::ids::{self, Kind};

/// One customer of the legacy system, as a whole record: a field left out is empty (a re-sent
/// row without a name clears it), except `createdAt`.
#[derive(InputObject)]
pub struct MigrationCustomerInput {
    /// The customer's identifier in the legacy system (1–100 characters), unique in the
    /// batch: a later batch with the same id updates this customer instead of creating one.
    pub external_id: String,
    /// Unique per merchant, case-insensitive.
    pub email: String,
    /// Given name, at most 100 characters.
    pub first_name: Option<String>,
    /// Family name, at most 100 characters.
    pub last_name: Option<String>,
    /// Digits, spaces and `+-().`, at least 4 digits, at most 32 characters.
    pub phone: Option<String>,
    /// Whether the customer agreed to receive marketing (default false).
    #[graphql(default)]
    pub accepts_marketing: bool,
    /// When the customer opted in to marketing.
    pub marketing_opt_in_at: Option<DateTime<Utc>>,
    /// 1–64 characters each, at most 250.
    pub tags: Option<Vec<String>>,
    /// A JSON object of at most 16 KiB (default `{}`).
    pub metadata: Option<Json<serde_json::Value>>,
    /// Staff notes, at most 5,000 characters.
    pub notes: Option<String>,
    /// When the customer was created in the legacy system (default: now for a new customer,
    /// unchanged for an existing one).
    pub created_at: Option<DateTime<Utc>>,
}

impl From<MigrationCustomerInput> for CustomerImport {
    fn from(i: MigrationCustomerInput) -> Self {
        CustomerImport {
            external_id: i.external_id,
            email: i.email,
            first_name: i.first_name,
            last_name: i.last_name,
            phone: i.phone,
            accepts_marketing: i.accepts_marketing,
            marketing_opt_in_at: i.marketing_opt_in_at,
            tags: i.tags.unwrap_or_default(),
            metadata: i.metadata.map(|j| j.0),
            notes: i.notes,
            created_at: i.created_at,
        }
    }
}

/// One line of a historical order, priced as it was sold (never repriced).
#[derive(InputObject)]
pub struct MigrationLineItemInput {
    /// The variant sold (`variant_…`); give this or `sku`.
    pub variant_id: Option<ID>,
    /// The SKU of the variant sold; give this or `variantId` (both must then name the same
    /// variant).
    pub sku: Option<String>,
    /// Units, 1 to 100,000.
    pub quantity: i32,
    /// Unit price, as sold.
    pub price: Decimal,
    /// Discount on the line (default 0).
    pub discount_total: Option<Decimal>,
    /// Line total (default price × quantity − discount).
    pub total: Option<Decimal>,
    /// A JSON object of at most 16 KiB (default `{}`).
    pub metadata: Option<Json<serde_json::Value>>,
}

/// One historical order of the legacy system, as a whole record: totals, status and times are
/// kept as given (no repricing, no promotions).
#[derive(InputObject)]
pub struct MigrationOrderInput {
    /// The order's identifier in the legacy system (1–100 characters), unique in the batch: a
    /// later batch with the same id updates this order instead of creating one.
    pub external_id: String,
    /// The order number, 1–32 letters, digits, `_` or `-`, unique per merchant.
    pub number: String,
    /// The buyer by our ID (`cus_…`).
    pub customer_id: Option<ID>,
    /// The buyer by the legacy id a customers batch imported them with.
    pub customer_external_id: Option<String>,
    /// The buyer's email (default: the customer's).
    pub email: Option<String>,
    /// ISO 4217 code of every amount of the order.
    pub currency: String,
    /// Default COMPLETE.
    #[graphql(default_with = "OrderStatus::Complete")]
    pub status: OrderStatus,
    /// pending, paid, partially_paid, refunded, void or failed (default paid, pending for a
    /// draft).
    pub payment_status: Option<String>,
    /// unfulfilled, partial, fulfilled or canceled (default fulfilled, unfulfilled for a
    /// draft).
    pub fulfillment_status: Option<String>,
    /// The sales channel (`ch_…`).
    pub channel_id: Option<ID>,
    /// The store (`st_…`).
    pub store_id: Option<ID>,
    /// Sum of the lines (default: the sum of their totals).
    pub item_total: Option<Decimal>,
    /// Default 0.
    pub discount_total: Option<Decimal>,
    /// Default 0.
    pub tax_total: Option<Decimal>,
    /// Default 0.
    pub delivery_total: Option<Decimal>,
    /// What the buyer paid.
    pub total: Decimal,
    /// Staff notes, at most 5,000 characters.
    pub notes: Option<String>,
    /// A JSON object of at most 16 KiB (default `{}`).
    pub metadata: Option<Json<serde_json::Value>>,
    /// When the order was created in the legacy system (default: now for a new order).
    pub created_at: Option<DateTime<Utc>>,
    /// When the order was placed; required unless DRAFT.
    pub completed_at: Option<DateTime<Utc>>,
    /// When the order was canceled; required when CANCELED.
    pub canceled_at: Option<DateTime<Utc>>,
    /// The lines as sold, at most 500.
    pub line_items: Vec<MigrationLineItemInput>,
}

impl From<MigrationOrderInput> for OrderImport {
    fn from(i: MigrationOrderInput) -> Self {
        OrderImport {
            external_id: i.external_id,
            number: i.number,
            customer_id: i.customer_id.map(|id| id.0),
            customer_external_id: i.customer_external_id,
            email: i.email,
            currency: i.currency,
            status: i.status.as_db().to_owned(),
            payment_status: i.payment_status,
            fulfillment_status: i.fulfillment_status,
            channel_id: i.channel_id.map(|id| id.0),
            store_id: i.store_id.map(|id| id.0),
            item_total: i.item_total,
            discount_total: i.discount_total,
            tax_total: i.tax_total,
            delivery_total: i.delivery_total,
            total: i.total,
            notes: i.notes,
            metadata: i.metadata.map(|j| j.0),
            created_at: i.created_at,
            completed_at: i.completed_at,
            canceled_at: i.canceled_at,
            line_items: i
                .line_items
                .into_iter()
                .map(|l| LineImport {
                    variant_id: l.variant_id.map(|id| id.0),
                    sku: l.sku,
                    quantity: l.quantity,
                    price: l.price,
                    discount_total: l.discount_total,
                    total: l.total,
                    metadata: l.metadata.map(|j| j.0),
                })
                .collect(),
        }
    }
}

/// The stored outcome of a migration mutation (replayed for a retried idempotency key).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MigrationOutcome {
    pub batch_id: Option<i64>,
    pub queued: bool,
    pub errors: Vec<FieldError>,
    #[serde(skip)]
    pub refusals: Vec<UserError>,
}

impl Stored for MigrationOutcome {
    fn refused(refusals: Vec<UserError>) -> Self {
        MigrationOutcome {
            refusals,
            ..MigrationOutcome::default()
        }
    }
}

/// Result of `migrationCustomersImport` and `migrationOrdersImport`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct MigrationImportPayload {
    /// The batch: COMPLETED (or FAILED) when it was processed in this request (1,000 rows or
    /// fewer), QUEUED when a worker will (watch it with `migrationBatch(id:)`); null when
    /// nothing was written (rows failed under REJECT_EVERYTHING, or the request was refused).
    pub batch: Option<MigrationBatch>,
    /// Every error known now, each naming its row and field (`["rows", "3", "email"]`): all of
    /// them for a batch processed in this request; for a queued batch, those of the rows'
    /// checks (the others are on its rows once processed).
    pub user_errors: Vec<UserError>,
}

/// Result of `migrationRevert`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct MigrationRevertPayload {
    /// The batch: REVERTED (its `conflictCount` rows left as they are, see
    /// `rows(only: CONFLICTS)`), or REVERTING when a worker will revert it (more than 1,000
    /// rows); null when refused.
    pub batch: Option<MigrationBatch>,
    /// Why the revert was refused: NOT_FOUND, or INVALID_TRANSITION for a batch still queued or
    /// running, or already reverted.
    pub user_errors: Vec<UserError>,
}

/// `migrationRevert(id:, idempotencyKey:)`.
const REVERT_ARGS: Arguments = Arguments::scalars(&["id", "idempotency_key"]);

async fn import_payload(
    ctx: &Context<'_>,
    outcome: MigrationOutcome,
) -> GqlResult<MigrationImportPayload> {
    if outcome.queued {
        if let Some(wake) = ctx.data_opt::<Wake>() {
            wake.0.notify_one();
        }
    }
    let batch = loaders::load_opt::<dm::MigrationBatch>(ctx, outcome.batch_id).await?;
    let mut user_errors = ROW_ARGS.user_errors(&outcome.errors);
    user_errors.extend(outcome.refusals);
    Ok(MigrationImportPayload {
        batch: batch.map(MigrationBatch),
        user_errors,
    })
}

/// What an idempotency key's request hash covers; nothing without a key (serializing 100,000
/// rows only to hash them is not free).
fn request_hash_input(
    rows: &impl Serialize,
    source: &Option<String>,
    policy: Option<ErrorPolicy>,
    key: &Option<String>,
) -> serde_json::Value {
    if key.is_none() {
        return serde_json::Value::Null;
    }
    serde_json::to_value((
        rows,
        source,
        policy.unwrap_or_default() == ErrorPolicy::RejectFailedRows,
    ))
    .unwrap_or_default()
}

/// Runs an import of `rows` as mutation `operation`.
async fn import(
    ctx: &Context<'_>,
    operation: &str,
    rows: Rows,
    hash_input: serde_json::Value,
    source: Option<String>,
    policy: Option<ErrorPolicy>,
    idempotency_key: Option<String>,
) -> GqlResult<MigrationImportPayload> {
    let merchant = crate::graphql::context::merchant_id(ctx)?;
    let policy: crate::domain::validate::ErrorPolicy = policy.unwrap_or_default().into();
    let (table, total) = match &rows {
        Rows::Customers(r) => ("customers", r.len()),
        Rows::Orders(r) => ("orders", r.len()),
    };
    let outcome = run(
        ctx,
        &ROW_ARGS,
        operation,
        idempotency_key.as_deref(),
        &hash_input,
        move |c| {
            Box::pin(async move {
                Ok(match dm::import(c, merchant, rows, source, policy).await? {
                    ImportOutcome::Rejected(errors) => MigrationOutcome {
                        errors,
                        ..MigrationOutcome::default()
                    },
                    ImportOutcome::Batch { id, queued, errors } => MigrationOutcome {
                        batch_id: Some(id),
                        queued,
                        errors,
                        refusals: Vec::new(),
                    },
                })
            })
        },
    )
    .await?;
    if outcome.batch_id.is_some() {
        super::after_bulk_write(ctx, &["migration_rows"], total);
        if !outcome.queued {
            super::after_bulk_write(ctx, &[table], total);
        }
    }
    import_payload(ctx, outcome).await
}

#[derive(Default)]
pub struct MigrationMutation;

#[Object]
impl MigrationMutation {
    /// Imports customers from a legacy system, keyed by their legacy id: a new id creates a
    /// customer, a known one updates it (its previous state kept for a revert), an identical
    /// row changes nothing, so re-sending a batch changes nothing. Up to 1,000 rows are
    /// processed in this request; up to 100,000 are queued for a background worker.
    #[graphql(guard = "RequireScope(Scope::MigrationsWrite)")]
    async fn migration_customers_import(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customers, 1 to 100,000.")] rows: Vec<MigrationCustomerInput>,
        #[graphql(
            desc = "A label for the batch (the legacy system, a file name), at most 200 characters."
        )]
        source: Option<String>,
        #[graphql(
            desc = "Default REJECT_EVERYTHING: when a row fails, nothing of the batch is kept."
        )]
        error_policy: Option<ErrorPolicy>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without importing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<MigrationImportPayload> {
        let rows: Vec<CustomerImport> = rows.into_iter().map(Into::into).collect();
        let hash_input = request_hash_input(&rows, &source, error_policy, &idempotency_key);
        import(
            ctx,
            "migrationCustomersImport",
            Rows::Customers(rows),
            hash_input,
            source,
            error_policy,
            idempotency_key,
        )
        .await
    }

    /// Imports historical orders from a legacy system, keyed by their legacy id, each naming
    /// its buyer by legacy id or by ID and carrying its lines (by variant ID or SKU), totals,
    /// status and times as given. Re-sending a batch changes nothing. Up to 1,000 rows are
    /// processed in this request; up to 100,000 are queued for a background worker.
    #[graphql(guard = "RequireScope(Scope::MigrationsWrite)")]
    async fn migration_orders_import(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The orders, 1 to 100,000.")] rows: Vec<MigrationOrderInput>,
        #[graphql(
            desc = "A label for the batch (the legacy system, a file name), at most 200 characters."
        )]
        source: Option<String>,
        #[graphql(
            desc = "Default REJECT_EVERYTHING: when a row fails, nothing of the batch is kept."
        )]
        error_policy: Option<ErrorPolicy>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without importing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<MigrationImportPayload> {
        let rows: Vec<OrderImport> = rows.into_iter().map(Into::into).collect();
        let hash_input = request_hash_input(&rows, &source, error_policy, &idempotency_key);
        import(
            ctx,
            "migrationOrdersImport",
            Rows::Orders(rows),
            hash_input,
            source,
            error_policy,
            idempotency_key,
        )
        .await
    }

    /// Reverts a batch exactly: the records it created are deleted, those it updated restored
    /// as they were before it. A record changed after the batch is left as it is and its row
    /// reported as a conflict. A batch of more than 1,000 rows is reverted by a background
    /// worker (status REVERTING, then REVERTED).
    #[graphql(guard = "RequireScope(Scope::MigrationsWrite)")]
    async fn migration_revert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch (`mig_…`).")] id: ID,
        #[graphql(
            desc = "Retrying with the same key returns the first result without reverting again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<MigrationRevertPayload> {
        let merchant = crate::graphql::context::merchant_id(ctx)?;
        let key = ids::decode(Kind::MigrationBatch, &id);
        let hash_input = serde_json::json!({ "id": id.0 });
        let outcome = run(
            ctx,
            &REVERT_ARGS,
            "migrationRevert",
            idempotency_key.as_deref(),
            &hash_input,
            move |c| {
                Box::pin(async move {
                    let refused = |e: FieldError| MigrationOutcome {
                        errors: vec![e],
                        ..MigrationOutcome::default()
                    };
                    let key = match key {
                        Ok(k) => k,
                        Err(e) => {
                            return Ok(refused(FieldError::new(
                                &Path::field("id"),
                                code::INVALID,
                                e.to_string(),
                            )))
                        }
                    };
                    Ok(match revert::request(c, merchant, key).await? {
                        RevertOutcome::Refused(e) => refused(e),
                        RevertOutcome::Done(_) => MigrationOutcome {
                            batch_id: Some(key),
                            ..MigrationOutcome::default()
                        },
                        RevertOutcome::Queued => MigrationOutcome {
                            batch_id: Some(key),
                            queued: true,
                            ..MigrationOutcome::default()
                        },
                    })
                })
            },
        )
        .await?;
        if outcome.queued {
            if let Some(wake) = ctx.data_opt::<Wake>() {
                wake.0.notify_one();
            }
        }
        let batch = loaders::load_opt::<dm::MigrationBatch>(ctx, outcome.batch_id).await?;
        let mut user_errors = REVERT_ARGS.user_errors(&outcome.errors);
        user_errors.extend(outcome.refusals);
        Ok(MigrationRevertPayload {
            batch: batch.map(MigrationBatch),
            user_errors,
        })
    }
}
