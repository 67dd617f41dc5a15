use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::domain::catalog::{self as d, Product as ProductRow, Variant as VariantRow};
use crate::domain::filter::{Filter, Sort};
use crate::graphql::connection::{self, GqlConnection, PageArgs};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::types::catalog::{Product, Variant};
use crate::ids::{self, Kind};

/// Conditions on products.
#[derive(InputObject, Default)]
pub struct ProductFilter {
    pub id: Option<IdFilter>,
    pub name: Option<StringFilter>,
    pub slug: Option<StringFilter>,
    /// draft, active or archived.
    pub status: Option<StringFilter>,
    pub created_at: Option<DateTimeFilter>,
    pub updated_at: Option<DateTimeFilter>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ProductSortField {
    CreatedAt,
    UpdatedAt,
    Name,
}

/// Order of a product list.
#[derive(InputObject)]
pub struct ProductSort {
    pub field: ProductSortField,
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Conditions on variants.
#[derive(InputObject, Default)]
pub struct VariantFilter {
    pub id: Option<IdFilter>,
    pub product_id: Option<IdFilter>,
    pub sku: Option<StringFilter>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum VariantSortField {
    CreatedAt,
    Sku,
}

/// Order of a variant list.
#[derive(InputObject)]
pub struct VariantSort {
    pub field: VariantSortField,
    #[graphql(default)]
    pub direction: SortDirection,
}

#[derive(Default)]
pub struct CatalogQuery;

#[Object]
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
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<ProductFilter>,
        #[graphql(desc = "Free text matched against name and slug.")] search: Option<String>,
        sort: Option<ProductSort>,
    ) -> GqlResult<GqlConnection<Product>> {
        let input = filter.unwrap_or_default();
        let mut f = Filter {
            search,
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
        if let Some(x) = &input.created_at {
            x.apply(&mut f, "created_at");
        }
        if let Some(x) = &input.updated_at {
            x.apply(&mut f, "updated_at");
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
    async fn product(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Product>> {
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
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<VariantFilter>,
        #[graphql(desc = "Free text matched against SKU and options.")] search: Option<String>,
        sort: Option<VariantSort>,
    ) -> GqlResult<GqlConnection<Variant>> {
        let input = filter.unwrap_or_default();
        let mut f = Filter {
            search,
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
        let sort = Sort::by(
            sort.map(|s| (s.field, s.direction)),
            (VariantSortField::Sku, SortDirection::Asc),
            |field| match field {
                VariantSortField::CreatedAt => d::SORT_CREATED_AT,
                VariantSortField::Sku => d::SORT_SKU,
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
}
