//! Mutations of many products at once (scope `catalog:write`): `productsAddTags` /
//! `productsRemoveTags` (like the customers' ones), `productsSetStatus`, `productsDelete`;
//! `productsAddToChannels` / `productsRemoveFromChannels` (scope `stores:write`, as the
//! channels' own publication mutations).

use async_graphql::{Context, Object, SimpleObject, ID};
use serde::{Deserialize, Serialize};

use super::{run, Arguments, Outcome, Stored, UserError};
use crate::auth::Scope;
use crate::domain::catalog::commands::products;
use crate::domain::catalog::Product as Row;
use crate::domain::channels::publish_many::{self, Published};
use crate::domain::channels::Channel as ChannelRow;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::loaders;
use crate::graphql::types::catalog::Product;
use crate::graphql::types::channels::Channel;

/// Result of a tag change on many products.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct ProductsPayload {
    /// The products changed, in input order (none when refused).
    pub products: Vec<Product>,
    /// Why nothing was written (NOT_FOUND at `["ids", "3"]`, tag errors at `["tags", "0"]`).
    pub user_errors: Vec<UserError>,
}

/// `productsAddTags(ids:, tags:, idempotencyKey:)` and `productsRemoveTags(…)`.
const TAG_ARGS: Arguments = Arguments::new("ids", &["tags", "idempotency_key"]);

async fn change_tags(
    ctx: &Context<'_>,
    ids: Vec<ID>,
    tags: Vec<String>,
    add: bool,
    key: Option<String>,
) -> GqlResult<ProductsPayload> {
    let ids: Vec<String> = ids.into_iter().map(|i| i.0).collect();
    let merchant = crate::graphql::context::merchant_id(ctx)?;
    let hash_input = serde_json::to_value((&ids, &tags, add)).unwrap_or_default();
    let operation = if add {
        "productsAddTags"
    } else {
        "productsRemoveTags"
    };
    let outcome: Outcome = run(
        ctx,
        &TAG_ARGS,
        operation,
        key.as_deref(),
        &hash_input,
        move |c| {
            Box::pin(async move {
                let (items, errors) = products::change_tags(c, merchant, &ids, &tags, add).await?;
                Ok(Outcome {
                    items,
                    errors,
                    ..Outcome::default()
                })
            })
        },
    )
    .await?;
    let rows = loaders::load_many::<Row>(ctx, &outcome.written()).await?;
    Ok(ProductsPayload {
        products: rows.into_iter().map(Product).collect(),
        user_errors: outcome.user_errors(&TAG_ARGS),
    })
}

#[derive(Default)]
pub struct ProductBulkMutation;

/// `productsAddToChannels(ids:, channelIds:, idempotencyKey:)` and
/// `productsRemoveFromChannels(…)`.
const CHANNELS_ARGS: Arguments = Arguments::new("ids", &["channel_ids", "idempotency_key"]);

/// Result of `productsAddToChannels` and `productsRemoveFromChannels`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct ProductsChannelsPayload {
    /// The products, in input order (none when refused).
    pub products: Vec<Product>,
    /// The merchant's channels among those named, in input order (channels of no one or of
    /// another merchant are skipped); none when refused.
    pub channels: Vec<Channel>,
    /// Publications added (or removed): pairs that already were (or were not) published do
    /// not count.
    pub changed: i32,
    /// Why nothing was written (NOT_FOUND at `["ids", "3"]`, INVALID at `["channelIds", "0"]`).
    pub user_errors: Vec<UserError>,
}

/// What the channel mutations store for idempotent replay, or a refusal of the whole request
/// (never stored).
#[derive(Default, Serialize, Deserialize)]
struct ChannelsOutcome {
    #[serde(flatten)]
    published: Published,
    #[serde(skip)]
    refusals: Vec<UserError>,
}

impl Stored for ChannelsOutcome {
    fn refused(refusals: Vec<UserError>) -> Self {
        ChannelsOutcome {
            refusals,
            ..ChannelsOutcome::default()
        }
    }
}

async fn change_channels(
    ctx: &Context<'_>,
    ids: Vec<ID>,
    channel_ids: Vec<ID>,
    publish: bool,
    key: Option<String>,
) -> GqlResult<ProductsChannelsPayload> {
    let ids: Vec<String> = ids.into_iter().map(|i| i.0).collect();
    let channel_ids: Vec<String> = channel_ids.into_iter().map(|i| i.0).collect();
    let merchant = crate::graphql::context::merchant_id(ctx)?;
    let hash = serde_json::to_value((&ids, &channel_ids)).unwrap_or_default();
    let operation = if publish {
        "productsAddToChannels"
    } else {
        "productsRemoveFromChannels"
    };
    let outcome: ChannelsOutcome = run(
        ctx,
        &CHANNELS_ARGS,
        operation,
        key.as_deref(),
        &hash,
        move |c| {
            Box::pin(async move {
                Ok(ChannelsOutcome {
                    published: publish_many::publish_many(c, merchant, &channel_ids, &ids, publish)
                        .await?,
                    refusals: Vec::new(),
                })
            })
        },
    )
    .await?;
    let Published {
        items,
        errors,
        channels,
        changed,
    } = outcome.published;
    let outcome = Outcome {
        items,
        errors,
        refusals: outcome.refusals,
    };
    let products = loaders::load_many::<Row>(ctx, &outcome.written()).await?;
    let channels = loaders::load_many::<ChannelRow>(ctx, &channels).await?;
    Ok(ProductsChannelsPayload {
        products: products.into_iter().map(Product).collect(),
        channels: channels.into_iter().map(Channel).collect(),
        changed: i32::try_from(changed).unwrap_or(i32::MAX),
        user_errors: outcome.user_errors(&CHANNELS_ARGS),
    })
}

/// `productsSetStatus(ids:, status:, idempotencyKey:)`.
const STATUS_ARGS: Arguments = Arguments::new("ids", &["status", "idempotency_key"]);
/// `productsDelete(ids:, idempotencyKey:)`.
const DELETE_ARGS: Arguments = Arguments::new("ids", &["idempotency_key"]);

/// Result of `productsDelete`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct ProductsDeletePayload {
    /// IDs of the deleted products, in input order (none when refused).
    pub deleted_ids: Vec<ID>,
    /// Why nothing was deleted (NOT_FOUND at `["ids", "3"]`).
    pub user_errors: Vec<UserError>,
}

#[Object]
impl ProductBulkMutation {
    /// Sets the status of up to 1,000 products in one statement. IDs that are not the
    /// merchant's products are reported (NOT_FOUND at `["ids", i]`) and skipped; the others are
    /// written. An invalid status writes nothing.
    #[graphql(guard = "RequireScope(Scope::CatalogWrite)")]
    async fn products_set_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The products (`prod_…`), at most 1,000.")] ids: Vec<ID>,
        #[graphql(desc = "draft, active or archived.")] status: String,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ProductsPayload> {
        let ids: Vec<String> = ids.into_iter().map(|i| i.0).collect();
        let merchant = crate::graphql::context::merchant_id(ctx)?;
        let hash = serde_json::to_value((&ids, &status)).unwrap_or_default();
        let outcome: Outcome = run(
            ctx,
            &STATUS_ARGS,
            "productsSetStatus",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(Outcome {
                        items: products::set_status(c, merchant, &ids, &status).await?,
                        ..Outcome::default()
                    })
                })
            },
        )
        .await?;
        let rows = loaders::load_many::<Row>(ctx, &outcome.written()).await?;
        Ok(ProductsPayload {
            products: rows.into_iter().map(Product).collect(),
            user_errors: outcome.user_errors(&STATUS_ARGS),
        })
    }

    /// Deletes up to 1,000 products with their variants, prices and publications, all or
    /// nothing: an unknown product refuses the call. Products that order line items use are
    /// retired instead, as `productDelete` does.
    #[graphql(guard = "RequireScope(Scope::CatalogWrite)")]
    async fn products_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The products (`prod_…`), at most 1,000.")] ids: Vec<ID>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ProductsDeletePayload> {
        let ids: Vec<String> = ids.into_iter().map(|i| i.0).collect();
        let merchant = crate::graphql::context::merchant_id(ctx)?;
        let hash = serde_json::to_value(&ids).unwrap_or_default();
        let outcome: Outcome = run(
            ctx,
            &DELETE_ARGS,
            "productsDelete",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(Outcome {
                        items: products::delete_many(c, merchant, &ids).await?,
                        ..Outcome::default()
                    })
                })
            },
        )
        .await?;
        Ok(ProductsDeletePayload {
            deleted_ids: outcome
                .written()
                .into_iter()
                .map(|k| ID(crate::ids::encode(crate::ids::Kind::Product, k)))
                .collect(),
            user_errors: outcome.user_errors(&DELETE_ARGS),
        })
    }

    /// Adds tags to up to 1,000 products (tags they already have are kept once). All or
    /// nothing: an unknown product refuses the call.
    #[graphql(guard = "RequireScope(Scope::CatalogWrite)")]
    async fn products_add_tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The products (`prod_…`), at most 1,000.")] ids: Vec<ID>,
        #[graphql(
            desc = "Tags to add, at least one: trimmed, 1–64 characters each, duplicates dropped."
        )]
        tags: Vec<String>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ProductsPayload> {
        change_tags(ctx, ids, tags, true, idempotency_key).await
    }

    /// Removes tags from up to 1,000 products. All or nothing: an unknown product refuses the
    /// call.
    #[graphql(guard = "RequireScope(Scope::CatalogWrite)")]
    async fn products_remove_tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The products (`prod_…`), at most 1,000.")] ids: Vec<ID>,
        #[graphql(
            desc = "Tags to remove, at least one: trimmed, 1–64 characters each; tags a product lacks are ignored."
        )]
        tags: Vec<String>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ProductsPayload> {
        change_tags(ctx, ids, tags, false, idempotency_key).await
    }

    /// Publishes up to 1,000 products on up to 50 channels in one statement, all or nothing:
    /// an unknown product refuses the call. Channels that are not the merchant's are skipped
    /// (`channels` lists the ones written); pairs already published stay as they are.
    #[graphql(guard = "RequireScope(Scope::StoresWrite)")]
    async fn products_add_to_channels(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The products (`prod_…`), at most 1,000.")] ids: Vec<ID>,
        #[graphql(desc = "The channels (`ch_…`), at most 50.")] channel_ids: Vec<ID>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ProductsChannelsPayload> {
        change_channels(ctx, ids, channel_ids, true, idempotency_key).await
    }

    /// Unpublishes up to 1,000 products from up to 50 channels in one statement, all or
    /// nothing: an unknown product refuses the call. Channels that are not the merchant's are
    /// skipped; pairs not published are no error.
    #[graphql(guard = "RequireScope(Scope::StoresWrite)")]
    async fn products_remove_from_channels(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The products (`prod_…`), at most 1,000.")] ids: Vec<ID>,
        #[graphql(desc = "The channels (`ch_…`), at most 50.")] channel_ids: Vec<ID>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ProductsChannelsPayload> {
        change_channels(ctx, ids, channel_ids, false, idempotency_key).await
    }
}
