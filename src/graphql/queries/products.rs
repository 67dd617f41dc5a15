use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::domain::catalog::queries::{ProductField as PF, ProductSortKey};
use crate::domain::catalog::Product as ProductRow;
use crate::domain::filter::{Filter, Sort};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{
    DateTimeFilter, DecimalFilter, IdFilter, SortDirection, StringFilter, TagsFilter,
};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::types::catalog::Product;
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
    /// Tags the product carries.
    pub tags: Option<TagsFilter>,
    /// Publication on sales channels (`ch_…`): `eq`/`in` select products published on that
    /// channel (on one of those), `isNull: true` products on no channel, `false` those on at
    /// least one. With `eq` this pages through all of a channel's products (`Channel.products`
    /// only takes `first`).
    pub channel_id: Option<IdFilter>,
    /// The master variant's base price in the shop's default currency (`Product.price`'s
    /// amount); a product without one matches only `isNull: true`, `ne` and `notIn`.
    pub price: Option<DecimalFilter>,
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
    /// The master variant's base price in the shop's default currency (`Product.price`);
    /// products without one come first ascending.
    Price,
    /// Best sellers first when ascending: units sold on complete orders (`Product.unitsSold`),
    /// most first; DESC puts the least sold first.
    BestSelling,
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
        if let Some(x) = &self.tags {
            x.apply(f, PF::Tags, "filter.tags")?;
        }
        if let Some(x) = &self.channel_id {
            x.apply_related(f, PF::PublicationChannel, Kind::Channel, "filter.channelId")?;
        }
        if let Some(x) = &self.price {
            x.apply(f, PF::Price, "filter.price")?;
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
            ProductSortField::Price => ProductSortKey::Price,
            ProductSortField::BestSelling => ProductSortKey::BestSelling,
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

#[derive(Default)]
pub struct ProductQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl ProductQuery {
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
}
