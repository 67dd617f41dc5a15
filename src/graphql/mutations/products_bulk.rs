//! Mutations of many products at once (scope `catalog:write`): `productsAddTags` /
//! `productsRemoveTags` (like the customers' ones), `productsSetStatus`, `productsDelete`.

use async_graphql::{Context, Object, SimpleObject, ID};

use super::{run, Arguments, Outcome, UserError};
use crate::auth::Scope;
use crate::domain::catalog::commands::products;
use crate::domain::catalog::Product as Row;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::loaders;
use crate::graphql::types::catalog::Product;

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
    /// Why nothing was deleted (NOT_FOUND or IN_USE at `["ids", "3"]`).
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
    /// nothing: an unknown product, or one order line items use (IN_USE), refuses the call.
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
}
