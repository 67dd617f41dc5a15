use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::catalog::queries::{VariantField as VF, VariantSortKey};
use crate::domain::catalog::Variant as VariantRow;
use crate::domain::filter::{Filter, Op, Sort};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, IntFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::types::catalog::Variant;
use crate::ids::{self, Kind};

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
    /// Whether it is its product's master variant.
    pub is_master: Option<bool>,
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
        if let Some(v) = self.is_master {
            f.push(VF::IsMaster, Op::Eq(Bind::Bool(v)));
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
pub struct VariantQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl VariantQuery {
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
