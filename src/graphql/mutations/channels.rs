//! Channel mutations. Channels are read under `stores:read` (queries/stores.rs), so they are
//! written under `stores:write`, publications included.

use std::collections::HashMap;

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::single::outcome;
use super::{run, Arguments, ErrorPolicy, Outcome, UserError, EXPECTED_UPDATED_AT};
use crate::auth::Scope;
use crate::domain::catalog::Product as ProductRow;
use crate::domain::channels::commands::{self, ChannelInput};
use crate::domain::channels::window::Window;
use crate::domain::channels::Channel as Row;
use crate::graphql::context::merchant_id;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::loaders;
use crate::graphql::types::catalog::Product;
use crate::graphql::types::channels::Channel;
use crate::ids::{self, Kind};

/// A sales channel to create.
#[derive(InputObject, Serialize)]
pub struct ChannelCreateInput {
    /// 1–32 upper-case letters, digits or underscores (APP, WEB, KIOSK, POS), unique per merchant.
    pub code: String,
    /// 1–100 characters.
    pub name: String,
    /// Default true.
    pub active: Option<bool>,
    /// Makes it the merchant's default channel (the previous default loses the flag).
    #[graphql(default)]
    pub is_default: bool,
}

/// Changes to a channel; omitted fields keep their values.
#[derive(InputObject, Serialize)]
pub struct ChannelUpdateInput {
    /// 1–32 upper-case letters, digits or underscores, unique per merchant.
    pub code: Option<String>,
    /// 1–100 characters.
    pub name: Option<String>,
    /// Whether the channel takes orders.
    pub active: Option<bool>,
    /// `true` makes it the default channel (the previous default loses the flag); `false` leaves
    /// the merchant without a default.
    pub is_default: Option<bool>,
}

/// Result of a channel mutation.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct ChannelPayload {
    /// The channel after the change (null when refused, or after a delete).
    pub channel: Option<Channel>,
    /// ID of the deleted channel, for `channelDelete`.
    pub deleted_id: Option<ID>,
    /// Why nothing was written; each names its field path.
    pub user_errors: Vec<UserError>,
}

/// The outcome of one product of a publish / unpublish.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct ChannelProductResult {
    /// Position of the product ID in `productIds`.
    pub index: i32,
    /// The product, when it was written (null when the item failed or nothing was written;
    /// requires `catalog:read`).
    pub product: Option<Product>,
    /// This product's errors (path `["productIds", index]`).
    pub user_errors: Vec<UserError>,
}

/// Result of `channelPublishProducts` / `channelUnpublishProducts`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct ChannelProductsPayload {
    /// The channel (null when it was not found).
    pub channel: Option<Channel>,
    /// One result per product ID, with its index.
    pub results: Vec<ChannelProductResult>,
    /// Every error, item errors first, each naming its field path (`["productIds", "3"]`).
    pub user_errors: Vec<UserError>,
}

async fn payload(
    ctx: &Context<'_>,
    args: &Arguments,
    outcome: Outcome,
    deleted: bool,
) -> GqlResult<ChannelPayload> {
    let id = outcome.written().into_iter().next();
    let channel = match (id, deleted) {
        (Some(id), false) => loaders::load::<Row>(ctx, id).await?.map(Channel),
        _ => None,
    };
    Ok(ChannelPayload {
        channel,
        deleted_id: id
            .filter(|_| deleted)
            .map(|k| ID(ids::encode(Kind::Channel, k))),
        user_errors: outcome.user_errors(args),
    })
}

/// `channelCreate(input:, idempotencyKey:)`.
const CREATE_ARGS: Arguments = Arguments::new("input", &["idempotency_key"]);
/// `channelUpdate(id:, input:, expectedUpdatedAt:, idempotencyKey:)`.
const UPDATE_ARGS: Arguments =
    Arguments::new("input", &["id", EXPECTED_UPDATED_AT, "idempotency_key"]);
/// `channelDelete(id:, idempotencyKey:)`.
const DELETE_ARGS: Arguments = Arguments::scalars(&["id", "idempotency_key"]);
/// `channelPublishProducts(channelId:, productIds:, errorPolicy:, idempotencyKey:,
/// publishedAt:, unpublishedAt:)` and `channelUnpublishProducts(…)`.
const PUBLICATION_ARGS: Arguments = Arguments::new(
    "productIds",
    &[
        "channel_id",
        "error_policy",
        "idempotency_key",
        "published_at",
        "unpublished_at",
    ],
);

#[derive(Default)]
pub struct ChannelMutation;

#[Object]
impl ChannelMutation {
    /// Creates a sales channel.
    #[graphql(guard = "RequireScope(Scope::StoresWrite)")]
    async fn channel_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The channel.")] input: ChannelCreateInput,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ChannelPayload> {
        let m = merchant_id(ctx)?;
        let hash = serde_json::to_value(&input).unwrap_or_default();
        let input = ChannelInput {
            code: Some(input.code),
            name: Some(input.name),
            active: input.active,
            is_default: Some(input.is_default),
        };
        let outcome = run(
            ctx,
            &CREATE_ARGS,
            "channelCreate",
            idempotency_key.as_deref(),
            &hash,
            move |c| Box::pin(async move { Ok(outcome(commands::create(c, m, &input).await?)) }),
        )
        .await?;
        payload(ctx, &CREATE_ARGS, outcome, false).await
    }

    /// Changes a channel (`ch_…`); omitted fields keep their values.
    #[graphql(guard = "RequireScope(Scope::StoresWrite)")]
    async fn channel_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The channel (`ch_…`).")] id: ID,
        #[graphql(desc = "The changes.")] input: ChannelUpdateInput,
        #[graphql(desc = "Refuse with CONFLICT if the channel changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ChannelPayload> {
        let m = merchant_id(ctx)?;
        let hash = serde_json::json!([id.0, input, expected_updated_at]);
        let input = ChannelInput {
            code: input.code,
            name: input.name,
            active: input.active,
            is_default: input.is_default,
        };
        let outcome = run(
            ctx,
            &UPDATE_ARGS,
            "channelUpdate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(outcome(
                        commands::update(c, m, &id, &input, expected_updated_at).await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &UPDATE_ARGS, outcome, false).await
    }

    /// Deletes a channel (`ch_…`) with its product publications and the price rules on it.
    /// Refused with IN_USE while orders reference it (deactivate it instead).
    #[graphql(guard = "RequireScope(Scope::StoresWrite)")]
    async fn channel_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The channel (`ch_…`).")] id: ID,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ChannelPayload> {
        let m = merchant_id(ctx)?;
        let hash = serde_json::to_value(&id.0).unwrap_or_default();
        let outcome = run(
            ctx,
            &DELETE_ARGS,
            "channelDelete",
            idempotency_key.as_deref(),
            &hash,
            move |c| Box::pin(async move { Ok(outcome(commands::delete(c, m, &id).await?)) }),
        )
        .await?;
        payload(ctx, &DELETE_ARGS, outcome, true).await
    }

    /// Publishes up to 1,000 products on a channel in one statement, within a window: live
    /// from `publishedAt` (omitted: now) until `unpublishedAt` (omitted: never). Products
    /// already published get the window (omitting `publishedAt` keeps an earlier start).
    #[graphql(guard = "RequireScope(Scope::StoresWrite)")]
    #[allow(clippy::too_many_arguments)]
    async fn channel_publish_products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The channel (`ch_…`).")] channel_id: ID,
        #[graphql(desc = "Products (`prod_…`), at most 1,000.")] product_ids: Vec<ID>,
        #[graphql(desc = "Default REJECT_EVERYTHING.")] error_policy: Option<ErrorPolicy>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
        #[graphql(
            desc = "When the publications go live; omitted: now (a future time schedules them)."
        )]
        published_at: Option<DateTime<Utc>>,
        #[graphql(desc = "When they come down, after `publishedAt` (or now); omitted: never.")]
        unpublished_at: Option<DateTime<Utc>>,
    ) -> GqlResult<ChannelProductsPayload> {
        let window = Window {
            published_at,
            unpublished_at,
        };
        publications(
            ctx,
            channel_id,
            product_ids,
            error_policy,
            Some(window),
            idempotency_key,
        )
        .await
    }

    /// Unpublishes up to 1,000 products from a channel in one statement. Idempotent: products
    /// not published are no error.
    #[graphql(guard = "RequireScope(Scope::StoresWrite)")]
    async fn channel_unpublish_products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The channel (`ch_…`).")] channel_id: ID,
        #[graphql(desc = "Products (`prod_…`), at most 1,000.")] product_ids: Vec<ID>,
        #[graphql(desc = "Default REJECT_EVERYTHING.")] error_policy: Option<ErrorPolicy>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ChannelProductsPayload> {
        publications(
            ctx,
            channel_id,
            product_ids,
            error_policy,
            None,
            idempotency_key,
        )
        .await
    }
}

async fn publications(
    ctx: &Context<'_>,
    channel_id: ID,
    product_ids: Vec<ID>,
    error_policy: Option<ErrorPolicy>,
    publish: Option<Window>,
    key: Option<String>,
) -> GqlResult<ChannelProductsPayload> {
    let m = merchant_id(ctx)?;
    let error_policy = error_policy.unwrap_or_default();
    let policy = error_policy.into();
    let channel = channel_id.0.clone();
    let products: Vec<String> = product_ids.into_iter().map(|i| i.0).collect();
    let rejects_rows = error_policy == ErrorPolicy::RejectFailedRows;
    // A window joins the hash only when it is given, so keys stored before it existed replay.
    let hash = match publish.filter(|w| *w != Window::default()) {
        Some(w) => serde_json::to_value((&channel, &products, rejects_rows, w)),
        None => serde_json::to_value((&channel, &products, rejects_rows)),
    }
    .unwrap_or_default();
    let operation = if publish.is_some() {
        "channelPublishProducts"
    } else {
        "channelUnpublishProducts"
    };
    let outcome = run(
        ctx,
        &PUBLICATION_ARGS,
        operation,
        key.as_deref(),
        &hash,
        move |c| {
            Box::pin(async move {
                let (items, errors) =
                    commands::publish(c, m, &channel, &products, publish, policy).await?;
                Ok(Outcome {
                    items,
                    errors,
                    ..Outcome::default()
                })
            })
        },
    )
    .await?;
    let rows: HashMap<i64, ProductRow> = loaders::load_many::<ProductRow>(ctx, &outcome.written())
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let results = outcome
        .items
        .iter()
        .map(|i| ChannelProductResult {
            index: i.index as i32,
            product: i.id.and_then(|id| rows.get(&id).cloned().map(Product)),
            user_errors: PUBLICATION_ARGS.user_errors(&i.errors),
        })
        .collect();
    let channel = match ids::decode(Kind::Channel, &channel_id) {
        Ok(k) => loaders::load::<Row>(ctx, k).await?.map(Channel),
        Err(_) => None,
    };
    Ok(ChannelProductsPayload {
        channel,
        results,
        user_errors: outcome.user_errors(&PUBLICATION_ARGS),
    })
}
