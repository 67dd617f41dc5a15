//! Product and variant mutations (scope `catalog:write`).

use std::collections::HashMap;

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::json;

use super::publications::{publications, ProductPublicationInput};
use super::single::{hashed, outcome, patch, set};
use super::{run, Arguments, ErrorPolicy, Outcome, UserError, EXPECTED_UPDATED_AT};
use crate::auth::Scope;
use crate::domain::catalog::commands::prices::VariantPrice;
use crate::domain::catalog::commands::products::{self, ProductInput, VariantInput};
use crate::domain::catalog::commands::variants;
use crate::domain::catalog::{Product as ProductRow, Variant as VariantRow};
use crate::domain::validate::ErrorPolicy as Policy;
use crate::graphql::context::merchant_id;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::{EdgeScope, RequireScope, RequireScopeIf};
use crate::graphql::loaders;
use crate::graphql::types::catalog::{Product, Variant};
use crate::ids::{self, Kind};

/// A base price of a variant in one currency, written with the variant (upserted by currency).
#[derive(InputObject, Serialize, Clone)]
pub struct VariantPriceInput {
    /// ISO 4217 code in upper case (`USD`); omitted: the shop's default currency.
    pub currency: Option<String>,
    /// At least 0, at most 4 decimal places, e.g. "29.99".
    pub amount: Decimal,
    /// The "was" price, at least `amount`; omitted: unchanged (none for a new price).
    pub compare_at_amount: Option<Decimal>,
}

fn variant_prices(list: Option<Vec<VariantPriceInput>>) -> Vec<VariantPrice> {
    list.unwrap_or_default()
        .into_iter()
        .map(|p| VariantPrice {
            currency: p.currency,
            amount: p.amount,
            compare_at_amount: p.compare_at_amount,
        })
        .collect()
}

/// A variant listed with a new product. The first is the master.
#[derive(InputObject, Serialize, Clone)]
pub struct ProductVariantInput {
    /// Stock keeping unit, 1–100 characters, unique per merchant.
    pub sku: Option<String>,
    /// Option values as text ("Size: M"), at most 255 characters.
    pub options_text: Option<String>,
    /// 0–100000, unique among the product's variants; omitted: its index in the list, or,
    /// when other variants give one, after the largest given (in list order).
    pub position: Option<i32>,
    /// Base prices, at most 50, one per currency; written in the same transaction.
    pub prices: Option<Vec<VariantPriceInput>>,
    /// The "was" price of this variant's price in the shop's default currency among `prices`
    /// (a price without a currency is in it): its `compareAtAmount`, at least its amount.
    /// Refused (REQUIRED) when none of `prices` is in that currency.
    pub compare_at_price: Option<Decimal>,
}

/// A variant listed in a product update: with `id` (one of this product's variants) it is
/// changed, without it is added.
#[derive(InputObject, Serialize, Clone)]
pub struct ProductVariantUpdateInput {
    /// The variant (`variant_…`) to change; omitted: a new variant.
    pub id: Option<ID>,
    /// Stock keeping unit, 1–100 characters, unique per merchant; omitted: unchanged.
    pub sku: Option<String>,
    /// Option values as text ("Size: M"), at most 255 characters; omitted: unchanged.
    pub options_text: Option<String>,
    /// 0–100000; omitted: unchanged (a new variant goes last).
    pub position: Option<i32>,
    /// Base prices, at most 50, one per currency, upserted by currency (others are kept).
    pub prices: Option<Vec<VariantPriceInput>>,
    /// The "was" price of this variant's price in the shop's default currency among `prices`
    /// (a price without a currency is in it): its `compareAtAmount`, at least its amount.
    /// Without `prices`, it applies to the variant's stored base price in that currency (its
    /// amount kept). Refused (REQUIRED) when there is no such price.
    pub compare_at_price: Option<Decimal>,
}
/// A product to create.
#[derive(InputObject, Serialize, Clone)]
pub struct ProductCreateInput {
    /// 1–255 characters.
    pub name: String,
    /// Lower-case letters, digits and dashes, unique per merchant; generated from the name when
    /// omitted (`Classic Burger` → `classic-burger`, then `classic-burger-2`…).
    pub slug: Option<String>,
    /// Free text, at most 20,000 characters.
    pub description: Option<String>,
    /// draft, active (default) or archived.
    pub status: Option<String>,
    /// SKU of the master variant created when `variants` is omitted.
    pub sku: Option<String>,
    /// The variants, at most 100; the first is the master. Omitted: one master variant.
    pub variants: Option<Vec<ProductVariantInput>>,
    /// Tags: trimmed, 1–64 characters each, duplicates dropped, at most 250.
    pub tags: Option<Vec<String>>,
    /// Channels (`ch_…`, at most 100) the product is published on now, in the same
    /// transaction (requires `stores:write`); unknown IDs are NOT_FOUND.
    pub channel_ids: Option<Vec<ID>>,
    /// Instead of `channelIds`: the channels (at most 100) the product is published on, each
    /// within a window (requires `stores:write`).
    pub publications: Option<Vec<ProductPublicationInput>>,
}

impl ProductCreateInput {
    /// Whether it publishes the product on a channel (which needs `stores:write`).
    fn publishes(&self) -> bool {
        self.channel_ids.as_ref().is_some_and(|l| !l.is_empty())
            || self.publications.as_ref().is_some_and(|l| !l.is_empty())
    }
}

impl From<ProductCreateInput> for ProductInput {
    fn from(i: ProductCreateInput) -> Self {
        ProductInput {
            name: Some(i.name),
            slug: i.slug,
            description: set(i.description),
            status: i.status,
            sku: i.sku,
            variants: i.variants.map(|v| {
                v.into_iter()
                    .map(|v| VariantInput {
                        id: None,
                        sku: set(v.sku),
                        options_text: v.options_text,
                        position: v.position,
                        is_master: None,
                        prices: variant_prices(v.prices),
                        compare_at_price: v.compare_at_price,
                    })
                    .collect()
            }),
            tags: i.tags,
            channel_ids: i.channel_ids.map(|l| l.into_iter().map(|c| c.0).collect()),
            publications: publications(i.publications),
        }
    }
}

/// Changes to a product; omitted fields keep their values.
#[derive(InputObject)]
pub struct ProductUpdateInput {
    /// 1–255 characters. The slug does not follow a new name.
    pub name: Option<String>,
    /// Lower-case letters, digits and dashes, unique per merchant.
    pub slug: Option<String>,
    /// `null` clears it.
    pub description: MaybeUndefined<String>,
    /// draft, active or archived.
    pub status: Option<String>,
    /// Replaces the product's tags (trimmed, 1–64 characters each, at most 250).
    pub tags: Option<Vec<String>>,
    /// Variants to change (with `id`) or add (without), at most 100, in the same transaction;
    /// variants not listed are kept (delete them with `variantDelete`).
    pub variants: Option<Vec<ProductVariantUpdateInput>>,
    /// The product's whole set of publications (at most 100), in the same transaction
    /// (requires `stores:write`): channels listed are published with their window (one
    /// already published keeps an earlier start when `publishedAt` is omitted), channels not
    /// listed are unpublished; `[]` unpublishes it everywhere.
    pub publications: Option<Vec<ProductPublicationInput>>,
}

/// A variant to add to a product.
#[derive(InputObject, Serialize)]
pub struct VariantCreateInput {
    /// Stock keeping unit, 1–100 characters, unique per merchant.
    pub sku: Option<String>,
    /// Option values as text ("Size: M"), at most 255 characters.
    pub options_text: Option<String>,
    /// 0–100000; default after the product's last variant.
    pub position: Option<i32>,
    /// Base prices, at most 50, one per currency; written in the same transaction.
    pub prices: Option<Vec<VariantPriceInput>>,
    /// The "was" price of this variant's price in the shop's default currency among `prices`
    /// (a price without a currency is in it): its `compareAtAmount`, at least its amount.
    /// Refused (REQUIRED) when none of `prices` is in that currency.
    pub compare_at_price: Option<Decimal>,
}

/// Changes to a variant; omitted fields keep their values.
#[derive(InputObject)]
pub struct VariantUpdateInput {
    /// Unique per merchant; `null` removes it.
    pub sku: MaybeUndefined<String>,
    /// Option values as text ("Size: M"), at most 255 characters.
    pub options_text: Option<String>,
    /// 0–100000.
    pub position: Option<i32>,
    /// `true` makes this variant the product's master (the previous master loses the flag).
    /// `false` on the master is refused: a product keeps one master.
    pub is_master: Option<bool>,
    /// Base prices, at most 50, one per currency, upserted by currency (others are kept).
    pub prices: Option<Vec<VariantPriceInput>>,
    /// The "was" price of this variant's price in the shop's default currency among `prices`
    /// (a price without a currency is in it): its `compareAtAmount`, at least its amount.
    /// Without `prices`, it applies to the variant's stored base price in that currency (its
    /// amount kept). Refused (REQUIRED) when there is no such price.
    pub compare_at_price: Option<Decimal>,
}

/// Result of a product mutation.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct ProductPayload {
    /// The product after the change (null when refused, or after a delete).
    pub product: Option<Product>,
    /// ID of the deleted product, for `productDelete`.
    pub deleted_id: Option<ID>,
    /// Why nothing was written; each names its field path.
    pub user_errors: Vec<UserError>,
}

/// The outcome of one item of `productsCreate`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct ProductResult {
    /// Position of the item in the input list.
    pub index: i32,
    /// The product created (null when the item failed or nothing was written).
    pub product: Option<Product>,
    /// This item's errors, paths starting `["input", index]`.
    pub user_errors: Vec<UserError>,
}

/// Result of `productsCreate`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct ProductsCreatePayload {
    /// The products created, in input order.
    pub products: Vec<Product>,
    /// One result per input item, with its index.
    pub results: Vec<ProductResult>,
    /// Every error, each naming its field path (`["input", "3", "variants", "0", "sku"]`).
    pub user_errors: Vec<UserError>,
}

/// Result of a variant mutation.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct VariantPayload {
    /// The variant after the change (null when refused, or after a delete).
    pub variant: Option<Variant>,
    /// ID of the deleted variant, for `variantDelete`.
    pub deleted_id: Option<ID>,
    /// Why nothing was written; each names its field path.
    pub user_errors: Vec<UserError>,
}

async fn product_payload(
    ctx: &Context<'_>,
    args: &Arguments,
    outcome: Outcome,
    deleted: bool,
) -> GqlResult<ProductPayload> {
    let id = outcome.written().into_iter().next();
    let product = match (id, deleted) {
        (Some(id), false) => loaders::load::<ProductRow>(ctx, id).await?.map(Product),
        _ => None,
    };
    Ok(ProductPayload {
        product,
        deleted_id: id
            .filter(|_| deleted)
            .map(|k| ID(ids::encode(Kind::Product, k))),
        user_errors: outcome.user_errors(args),
    })
}

async fn variant_payload(
    ctx: &Context<'_>,
    args: &Arguments,
    outcome: Outcome,
    deleted: bool,
) -> GqlResult<VariantPayload> {
    let id = outcome.written().into_iter().next();
    let variant = match (id, deleted) {
        (Some(id), false) => loaders::load::<VariantRow>(ctx, id)
            .await?
            .map(Variant::from),
        _ => None,
    };
    Ok(VariantPayload {
        variant,
        deleted_id: id
            .filter(|_| deleted)
            .map(|k| ID(ids::encode(Kind::Variant, k))),
        user_errors: outcome.user_errors(args),
    })
}

/// Runs a product create (one or many) under an optional idempotency key.
async fn create(
    ctx: &Context<'_>,
    operation: &str,
    input: Vec<ProductCreateInput>,
    policy: ErrorPolicy,
    idempotency_key: Option<String>,
    single: bool,
) -> GqlResult<Outcome> {
    let m = merchant_id(ctx)?;
    let hash =
        serde_json::to_value((&input, policy == ErrorPolicy::RejectFailedRows)).unwrap_or_default();
    let inputs: Vec<ProductInput> = input.into_iter().map(Into::into).collect();
    let policy: Policy = policy.into();
    run(
        ctx,
        &CREATE_ARGS,
        operation,
        idempotency_key.as_deref(),
        &hash,
        move |c| {
            Box::pin(async move {
                Ok(Outcome {
                    items: products::create_many(c, m, &inputs, policy, single).await?,
                    ..Outcome::default()
                })
            })
        },
    )
    .await
}

/// `productCreate(input:, idempotencyKey:)` and
/// `productsCreate(input:, errorPolicy:, idempotencyKey:)`.
const CREATE_ARGS: Arguments = Arguments::new("input", &["error_policy", "idempotency_key"]);
/// `productUpdate(id:, input:, expectedUpdatedAt:, idempotencyKey:)`.
const PRODUCT_UPDATE_ARGS: Arguments =
    Arguments::new("input", &["id", EXPECTED_UPDATED_AT, "idempotency_key"]);
/// `productDelete(id:, idempotencyKey:)`.
const DELETE_ARGS: Arguments = Arguments::scalars(&["id", "idempotency_key"]);
/// `variantCreate(productId:, input:, idempotencyKey:)`.
const VARIANT_CREATE_ARGS: Arguments = Arguments::new("input", &["product_id", "idempotency_key"]);
/// `variantUpdate(id:, input:, productId:, expectedUpdatedAt:, idempotencyKey:)`.
const VARIANT_UPDATE_ARGS: Arguments = Arguments::new(
    "input",
    &["id", "product_id", EXPECTED_UPDATED_AT, "idempotency_key"],
);
/// `variantDelete(id:, productId:, idempotencyKey:)`.
const VARIANT_DELETE_ARGS: Arguments = Arguments::scalars(&["id", "product_id", "idempotency_key"]);

#[derive(Default)]
pub struct CatalogMutation;

#[Object]
impl CatalogMutation {
    /// Creates a product with its variants (or a master variant when none are listed), and
    /// publishes it on `channelIds` in the same transaction.
    #[graphql(
        guard = "RequireScope(Scope::CatalogWrite).and(RequireScopeIf(input.publishes(), Scope::StoresWrite))"
    )]
    async fn product_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The product.")] input: ProductCreateInput,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ProductPayload> {
        let outcome = create(
            ctx,
            "productCreate",
            vec![input],
            ErrorPolicy::RejectEverything,
            idempotency_key,
            true,
        )
        .await?;
        product_payload(ctx, &CREATE_ARGS, outcome, false).await
    }

    /// Creates up to 1,000 products with their variants in one transaction: one statement for
    /// the products and one for all their variants (and one for their publications).
    #[graphql(
        guard = "RequireScope(Scope::CatalogWrite).and(RequireScopeIf(input.iter().any(ProductCreateInput::publishes), Scope::StoresWrite))"
    )]
    async fn products_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The products, at most 1,000.")] input: Vec<ProductCreateInput>,
        #[graphql(desc = "Default REJECT_EVERYTHING.")] error_policy: Option<ErrorPolicy>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ProductsCreatePayload> {
        let outcome = create(
            ctx,
            "productsCreate",
            input,
            error_policy.unwrap_or_default(),
            idempotency_key,
            false,
        )
        .await?;
        super::after_bulk_write(ctx, &["products", "variants"], outcome.written().len());
        let rows: HashMap<i64, ProductRow> =
            loaders::load_many::<ProductRow>(ctx, &outcome.written())
                .await?
                .into_iter()
                .map(|r| (r.id, r))
                .collect();
        let results = outcome
            .items
            .iter()
            .map(|i| ProductResult {
                index: i.index as i32,
                product: i.id.and_then(|id| rows.get(&id).cloned().map(Product)),
                user_errors: CREATE_ARGS.user_errors(&i.errors),
            })
            .collect();
        Ok(ProductsCreatePayload {
            products: outcome
                .written()
                .iter()
                .filter_map(|id| rows.get(id).cloned().map(Product))
                .collect(),
            results,
            user_errors: outcome.user_errors(&CREATE_ARGS),
        })
    }

    /// Changes a product (`prod_…`); omitted fields keep their values.
    #[graphql(
        guard = "RequireScope(Scope::CatalogWrite).and(RequireScopeIf(input.publications.is_some(), Scope::StoresWrite))"
    )]
    async fn product_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The product (`prod_…`).")] id: ID,
        #[graphql(desc = "The changes.")] input: ProductUpdateInput,
        #[graphql(desc = "Refuse with CONFLICT if the product changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ProductPayload> {
        let m = merchant_id(ctx)?;
        let description = patch(input.description);
        let hash = json!([
            &id.0,
            input.name,
            input.slug,
            hashed(&description),
            input.status,
            input.tags,
            input.variants,
            expected_updated_at,
        ]);
        // Publications join the hash only when given, so keys stored before they existed replay.
        let hash = match &input.publications {
            Some(p) => json!([hash, p]),
            None => hash,
        };
        let input = ProductInput {
            name: input.name,
            slug: input.slug,
            description,
            status: input.status,
            sku: None,
            variants: input.variants.map(|list| {
                list.into_iter()
                    .map(|v| VariantInput {
                        id: v.id.map(|i| i.0),
                        sku: set(v.sku),
                        options_text: v.options_text,
                        position: v.position,
                        is_master: None,
                        prices: variant_prices(v.prices),
                        compare_at_price: v.compare_at_price,
                    })
                    .collect()
            }),
            tags: input.tags,
            channel_ids: None,
            publications: publications(input.publications),
        };
        let outcome = run(
            ctx,
            &PRODUCT_UPDATE_ARGS,
            "productUpdate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(outcome(
                        products::update(c, m, &id, &input, expected_updated_at).await?,
                    ))
                })
            },
        )
        .await?;
        product_payload(ctx, &PRODUCT_UPDATE_ARGS, outcome, false).await
    }

    /// Deletes a product (`prod_…`) with its variants, prices and publications. When order line
    /// items reference one of its variants, the product is retired instead: gone from every
    /// read (its ID is then NOT_FOUND, its slug and SKUs free), kept for the orders that sold it
    /// (`LineItem.variant` still shows it). Archive a product to keep it readable.
    #[graphql(guard = "RequireScope(Scope::CatalogWrite)")]
    async fn product_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The product (`prod_…`).")] id: ID,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ProductPayload> {
        let m = merchant_id(ctx)?;
        let hash = json!([&id.0]);
        let outcome = run(
            ctx,
            &DELETE_ARGS,
            "productDelete",
            idempotency_key.as_deref(),
            &hash,
            move |c| Box::pin(async move { Ok(outcome(products::delete(c, m, &id).await?)) }),
        )
        .await?;
        product_payload(ctx, &DELETE_ARGS, outcome, true).await
    }

    /// Adds a variant to a product (`prod_…`). It becomes the master only if the product has none.
    #[graphql(guard = "RequireScope(Scope::CatalogWrite)")]
    async fn variant_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The product (`prod_…`).")] product_id: ID,
        #[graphql(desc = "The variant.")] input: VariantCreateInput,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<VariantPayload> {
        let m = merchant_id(ctx)?;
        let hash = serde_json::to_value((&product_id.0, &input)).unwrap_or_default();
        let input = VariantInput {
            id: None,
            sku: set(input.sku),
            options_text: input.options_text,
            position: input.position,
            is_master: None,
            prices: variant_prices(input.prices),
            compare_at_price: input.compare_at_price,
        };
        let outcome = run(
            ctx,
            &VARIANT_CREATE_ARGS,
            "variantCreate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(
                    async move { Ok(outcome(variants::create(c, m, &product_id, &input).await?)) },
                )
            },
        )
        .await?;
        variant_payload(ctx, &VARIANT_CREATE_ARGS, outcome, false).await
    }

    /// Changes a variant (`variant_…`); omitted fields keep their values.
    #[graphql(guard = "RequireScope(Scope::CatalogWrite)")]
    async fn variant_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The variant (`variant_…`).")] id: ID,
        #[graphql(desc = "The changes.")] input: VariantUpdateInput,
        #[graphql(
            desc = "The product (`prod_…`) the variant must belong to: another product's variant is NOT_FOUND."
        )]
        product_id: Option<ID>,
        #[graphql(desc = "Refuse with CONFLICT if the variant changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<VariantPayload> {
        let m = merchant_id(ctx)?;
        let sku = patch(input.sku);
        let hash = json!([
            &id.0,
            product_id.as_ref().map(|p| &p.0),
            hashed(&sku),
            input.options_text,
            input.position,
            input.is_master,
            input.prices,
            input.compare_at_price,
            expected_updated_at,
        ]);
        let product_id = product_id.map(|p| p.0);
        let input = VariantInput {
            id: None,
            sku,
            options_text: input.options_text,
            position: input.position,
            is_master: input.is_master,
            prices: variant_prices(input.prices),
            compare_at_price: input.compare_at_price,
        };
        let outcome = run(
            ctx,
            &VARIANT_UPDATE_ARGS,
            "variantUpdate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(outcome(
                        variants::update(
                            c,
                            m,
                            &id,
                            product_id.as_deref(),
                            &input,
                            expected_updated_at,
                        )
                        .await?,
                    ))
                })
            },
        )
        .await?;
        variant_payload(ctx, &VARIANT_UPDATE_ARGS, outcome, false).await
    }

    /// Deletes a variant (`variant_…`) with its prices; one that order line items reference is
    /// retired instead (gone from every read, kept for those orders). Refused with MASTER_VARIANT for the product's master (make another
    /// variant the master first, or delete the product).
    #[graphql(guard = "RequireScope(Scope::CatalogWrite)")]
    async fn variant_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The variant (`variant_…`).")] id: ID,
        #[graphql(
            desc = "The product (`prod_…`) the variant must belong to: another product's variant is NOT_FOUND."
        )]
        product_id: Option<ID>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<VariantPayload> {
        let m = merchant_id(ctx)?;
        let hash = json!([&id.0, product_id.as_ref().map(|p| &p.0)]);
        let product_id = product_id.map(|p| p.0);
        let outcome = run(
            ctx,
            &VARIANT_DELETE_ARGS,
            "variantDelete",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(outcome(
                        variants::delete(c, m, &id, product_id.as_deref()).await?,
                    ))
                })
            },
        )
        .await?;
        variant_payload(ctx, &VARIANT_DELETE_ARGS, outcome, true).await
    }
}
