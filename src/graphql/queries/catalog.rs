use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::domain::catalog::{self as d, Product as ProductRow, Variant as VariantRow};
use crate::domain::filter::{Filter, Sort};
use crate::graphql::connection::{self, GqlConnection, PageArgs};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{
    search_text, DateTimeFilter, IdFilter, IntFilter, SortDirection, StringFilter,
};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::types::catalog::{Product, Variant};
use crate::ids::{self, Kind};

/// Conditions on products.
#[derive(InputObject, Default)]
pub struct ProductFilter {
    /// The product's own ID (`prod_…`).
    pub id: Option<IdFilter>,
    /// The product name.
    pub name: Option<StringFilter>,
    /// The URL slug, unique per merchant.
    pub slug: Option<StringFilter>,
    /// draft, active or archived.
    pub status: Option<StringFilter>,
    /// Publication on sales channels (`ch_…`): `eq`/`in` select products published on that
    /// channel (on one of those), `isNull: true` products on no channel, `false` those on at
    /// least one. With `eq` this pages through all of a channel's products (`Channel.products`
    /// only takes `first`).
    pub channel_id: Option<IdFilter>,
    /// When the product was created.
    pub created_at: Option<DateTimeFilter>,
    /// When the product last changed.
    pub updated_at: Option<DateTimeFilter>,
}

/// The publications of the product row being filtered, ending with the channel key compared
/// (served by the publications' primary key, `(merchant_id, channel_id, product_id)`).
const PUBLICATION_CHANNEL: &str = "SELECT 1 FROM product_publications pp \
     WHERE pp.merchant_id = products.merchant_id AND pp.product_id = products.id \
     AND pp.channel_id";

/// What a product list is sorted by; ties are broken by ID in the same direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ProductSortField {
    /// When the product was created.
    CreatedAt,
    /// When the product last changed.
    UpdatedAt,
    /// The product name, as text (the default, A to Z).
    Name,
}

/// Order of a product list.
#[derive(InputObject)]
pub struct ProductSort {
    /// The field sorted by.
    pub field: ProductSortField,
    /// Ascending or descending (default DESC).
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Conditions on variants.
#[derive(InputObject, Default)]
pub struct VariantFilter {
    /// The variant's own ID (`variant_…`).
    pub id: Option<IdFilter>,
    /// The product it belongs to (`prod_…`).
    pub product_id: Option<IdFilter>,
    /// Stock keeping unit; `isNull: true` selects variants without one.
    pub sku: Option<StringFilter>,
    /// Position among the product's variants (0 first).
    pub position: Option<IntFilter>,
    /// When the variant was created.
    pub created_at: Option<DateTimeFilter>,
    /// When the variant last changed.
    pub updated_at: Option<DateTimeFilter>,
}

/// What a variant list is sorted by; ties are broken by ID in the same direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum VariantSortField {
    /// When the variant was created.
    CreatedAt,
    /// Stock keeping unit, as text (the default, A to Z); variants without one sort as the
    /// empty text.
    Sku,
    /// When the variant last changed.
    UpdatedAt,
    /// Position among its product's variants (across products, equal positions by ID).
    Position,
}

/// Order of a variant list.
#[derive(InputObject)]
pub struct VariantSort {
    /// The field sorted by.
    pub field: VariantSortField,
    /// Ascending or descending (default DESC).
    #[graphql(default)]
    pub direction: SortDirection,
}

#[derive(Default)]
pub struct CatalogQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl CatalogQuery {
    /// The merchant's products (keyset pages of at most 250).
    #[graphql(
        guard = "RequireScope(Scope::CatalogRead)",
        complexity = "first.or(last).unwrap_or(25).clamp(1, 250) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn products(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page size reading forward, 1 to 250 (25 when neither `first` nor `last` is given)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (an `endCursor` or edge `cursor` of this list with the same sort)."
        )]
        after: Option<String>,
        #[graphql(desc = "Page size reading backward from `before` (or from the end), 1 to 250.")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `startCursor` or edge `cursor` of this list with the same sort)."
        )]
        before: Option<String>,
        #[graphql(desc = "Conditions the products must all meet.")] filter: Option<ProductFilter>,
        #[graphql(desc = "Free text matched against name and slug (at most 256 characters).")]
        search: Option<String>,
        #[graphql(desc = "Sort order; default by name A to Z (NAME ASC).")] sort: Option<
            ProductSort,
        >,
    ) -> GqlResult<GqlConnection<Product>> {
        let input = filter.unwrap_or_default();
        let mut f = Filter {
            search: search_text(search)?,
            ..Filter::default()
        };
        if let Some(x) = &input.id {
            x.apply(&mut f, "id", Kind::Product, "filter.id")?;
        }
        for (x, col, path) in [
            (&input.name, "name", "filter.name"),
            (&input.slug, "slug", "filter.slug"),
            (&input.status, "status", "filter.status"),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, path)?;
            }
        }
        if let Some(x) = &input.channel_id {
            x.apply_related(
                &mut f,
                PUBLICATION_CHANNEL,
                Kind::Channel,
                "filter.channelId",
            )?;
        }
        for (x, col, path) in [
            (&input.created_at, "created_at", "filter.createdAt"),
            (&input.updated_at, "updated_at", "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, path)?;
            }
        }
        let sort = Sort::by(
            sort.map(|s| (s.field, s.direction)),
            (ProductSortField::Name, SortDirection::Asc),
            |field| match field {
                ProductSortField::CreatedAt => d::SORT_CREATED_AT,
                ProductSortField::UpdatedAt => d::SORT_UPDATED_AT,
                ProductSortField::Name => d::SORT_NAME,
            },
        );
        connection::list::<ProductRow, Product>(
            ctx,
            Kind::Product,
            f,
            sort,
            &PageArgs::new(first, after, last, before),
            Product,
        )
        .await
    }

    /// One product by ID (`prod_…`).
    #[graphql(guard = "RequireScope(Scope::CatalogRead)")]
    async fn product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The product's ID (`prod_…`).")] id: ID,
    ) -> GqlResult<Option<Product>> {
        let key = ids::decode(Kind::Product, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<ProductRow>(ctx, key).await?.map(Product))
    }

    /// Variants across products.
    #[graphql(
        guard = "RequireScope(Scope::CatalogRead)",
        complexity = "first.or(last).unwrap_or(25).clamp(1, 250) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn variants(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page size reading forward, 1 to 250 (25 when neither `first` nor `last` is given)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (an `endCursor` or edge `cursor` of this list with the same sort)."
        )]
        after: Option<String>,
        #[graphql(desc = "Page size reading backward from `before` (or from the end), 1 to 250.")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `startCursor` or edge `cursor` of this list with the same sort)."
        )]
        before: Option<String>,
        #[graphql(desc = "Conditions the variants must all meet.")] filter: Option<VariantFilter>,
        #[graphql(desc = "Free text matched against SKU and options (at most 256 characters).")]
        search: Option<String>,
        #[graphql(desc = "Sort order; default by SKU A to Z (SKU ASC).")] sort: Option<VariantSort>,
    ) -> GqlResult<GqlConnection<Variant>> {
        let input = filter.unwrap_or_default();
        let mut f = Filter {
            search: search_text(search)?,
            ..Filter::default()
        };
        if let Some(x) = &input.id {
            x.apply(&mut f, "id", Kind::Variant, "filter.id")?;
        }
        if let Some(x) = &input.product_id {
            x.apply(&mut f, "product_id", Kind::Product, "filter.productId")?;
        }
        if let Some(x) = &input.sku {
            x.apply(&mut f, "sku", "filter.sku")?;
        }
        if let Some(x) = &input.position {
            x.apply(&mut f, "position", "filter.position")?;
        }
        for (x, col, path) in [
            (&input.created_at, "created_at", "filter.createdAt"),
            (&input.updated_at, "updated_at", "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, path)?;
            }
        }
        let sort = Sort::by(
            sort.map(|s| (s.field, s.direction)),
            (VariantSortField::Sku, SortDirection::Asc),
            |field| match field {
                VariantSortField::CreatedAt => d::SORT_CREATED_AT,
                VariantSortField::Sku => d::SORT_SKU,
                VariantSortField::UpdatedAt => d::SORT_UPDATED_AT,
                VariantSortField::Position => d::SORT_POSITION,
            },
        );
        connection::list::<VariantRow, Variant>(
            ctx,
            Kind::Variant,
            f,
            sort,
            &PageArgs::new(first, after, last, before),
            Variant::from,
        )
        .await
    }

    /// One variant by ID (`variant_…`); null when there is none for this merchant.
    #[graphql(guard = "RequireScope(Scope::CatalogRead)")]
    async fn variant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The variant's ID (`variant_…`).")] id: ID,
    ) -> GqlResult<Option<Variant>> {
        let key = ids::decode(Kind::Variant, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<VariantRow>(ctx, key)
            .await?
            .map(Variant::from))
    }
}
