use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::domain::catalog::queries::{
    ProductField as PF, ProductSortKey, VariantField as VF, VariantSortKey,
};
use crate::domain::catalog::{Product as ProductRow, Variant as VariantRow};
use crate::domain::filter::{Filter, Sort};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, IntFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
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

impl FilterInput for ProductFilter {
    type Field = PF;

    fn apply(&self, f: &mut Filter<PF>) -> GqlResult<()> {
        if let Some(x) = &self.id {
            x.apply(f, PF::Id, Kind::Product, "filter.id")?;
        }
        for (x, field, path) in [
            (&self.name, PF::Name, "filter.name"),
            (&self.slug, PF::Slug, "filter.slug"),
            (&self.status, PF::Status, "filter.status"),
        ] {
            if let Some(x) = x {
                x.apply(f, field, path)?;
            }
        }
        if let Some(x) = &self.channel_id {
            x.apply_related(f, PF::PublicationChannel, Kind::Channel, "filter.channelId")?;
        }
        for (x, field, path) in [
            (&self.created_at, PF::CreatedAt, "filter.createdAt"),
            (&self.updated_at, PF::UpdatedAt, "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(f, field, path)?;
            }
        }
        Ok(())
    }
}

impl SortInput for ProductSort {
    type Key = ProductSortKey;

    fn sort(&self) -> Sort<ProductSortKey> {
        let key = match self.field {
            ProductSortField::CreatedAt => ProductSortKey::CreatedAt,
            ProductSortField::UpdatedAt => ProductSortKey::UpdatedAt,
            ProductSortField::Name => ProductSortKey::Name,
        };
        Sort::new(key, self.direction.is_descending())
    }

    fn default_sort() -> Sort<ProductSortKey> {
        Sort::new(ProductSortKey::Name, false)
    }
}

/// The `products` root list.
pub struct Products;

impl ListRoot for Products {
    const FIELD: &'static str = "products";
    const DESCRIPTION: &'static str = "The merchant's products (keyset pages of at most 250).";
    const SCOPE: Scope = Scope::CatalogRead;
    const KIND: Kind = Kind::Product;
    const FILTER: &'static str = "Conditions the products must all meet.";
    const SEARCH: Option<&'static str> =
        Some("Free text matched against name and slug (at most 256 characters).");
    const SORT: &'static str = "Sort order; default by name A to Z (NAME ASC).";
    type Row = ProductRow;
    type Node = Product;
    type Filter = ProductFilter;
    type Sort = ProductSort;

    fn node(row: ProductRow) -> Product {
        Product(row)
    }
}

impl FilterInput for VariantFilter {
    type Field = VF;

    fn apply(&self, f: &mut Filter<VF>) -> GqlResult<()> {
        if let Some(x) = &self.id {
            x.apply(f, VF::Id, Kind::Variant, "filter.id")?;
        }
        if let Some(x) = &self.product_id {
            x.apply(f, VF::ProductId, Kind::Product, "filter.productId")?;
        }
        if let Some(x) = &self.sku {
            x.apply(f, VF::Sku, "filter.sku")?;
        }
        if let Some(x) = &self.position {
            x.apply(f, VF::Position, "filter.position")?;
        }
        for (x, field, path) in [
            (&self.created_at, VF::CreatedAt, "filter.createdAt"),
            (&self.updated_at, VF::UpdatedAt, "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(f, field, path)?;
            }
        }
        Ok(())
    }
}

impl SortInput for VariantSort {
    type Key = VariantSortKey;

    fn sort(&self) -> Sort<VariantSortKey> {
        let key = match self.field {
            VariantSortField::CreatedAt => VariantSortKey::CreatedAt,
            VariantSortField::Sku => VariantSortKey::Sku,
            VariantSortField::UpdatedAt => VariantSortKey::UpdatedAt,
            VariantSortField::Position => VariantSortKey::Position,
        };
        Sort::new(key, self.direction.is_descending())
    }

    fn default_sort() -> Sort<VariantSortKey> {
        Sort::new(VariantSortKey::Sku, false)
    }
}

/// The `variants` root list.
pub struct Variants;

impl ListRoot for Variants {
    const FIELD: &'static str = "variants";
    const DESCRIPTION: &'static str = "Variants across products.";
    const SCOPE: Scope = Scope::CatalogRead;
    const KIND: Kind = Kind::Variant;
    const FILTER: &'static str = "Conditions the variants must all meet.";
    const SEARCH: Option<&'static str> =
        Some("Free text matched against SKU and options (at most 256 characters).");
    const SORT: &'static str = "Sort order; default by SKU A to Z (SKU ASC).";
    type Row = VariantRow;
    type Node = Variant;
    type Filter = VariantFilter;
    type Sort = VariantSort;

    fn node(row: VariantRow) -> Variant {
        Variant::from(row)
    }
}

#[derive(Default)]
pub struct CatalogQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl CatalogQuery {
    /// `products` (see [`Products`]).
    #[graphql(flatten)]
    async fn products(&self) -> ListField<Products> {
        ListField::default()
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

    /// `variants` (see [`Variants`]).
    #[graphql(flatten)]
    async fn variants(&self) -> ListField<Variants> {
        ListField::default()
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
