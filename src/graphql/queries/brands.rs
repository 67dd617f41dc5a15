use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::domain::filter::{Filter, Sort};
use crate::domain::stores::queries::{BrandField as BF, BrandSortKey};
use crate::domain::stores::Brand as BrandRow;
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::types::brands::Brand;
use crate::ids::{self, Kind};

/// Conditions on brands.
#[derive(InputObject, Default)]
pub struct BrandFilter {
    /// The brand's own ID (`br_…`).
    pub id: Option<IdFilter>,
    /// External brand identifier (the `x-brand-id` of integrations).
    pub external_id: Option<StringFilter>,
    /// The brand name.
    pub name: Option<StringFilter>,
    /// When the brand was created.
    pub created_at: Option<DateTimeFilter>,
}

/// What a brand list is sorted by; ties are broken by ID in the same direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum BrandSortField {
    /// When the brand was created.
    CreatedAt,
    /// External brand identifier, as text (the default, A to Z).
    ExternalId,
    /// The brand name, as text.
    Name,
}

/// Order of a brand list.
#[derive(InputObject)]
pub struct BrandSort {
    /// The field sorted by.
    pub field: BrandSortField,
    /// Ascending or descending (default DESC).
    #[graphql(default)]
    pub direction: SortDirection,
}

impl FilterInput for BrandFilter {
    type Field = BF;

    fn apply(&self, f: &mut Filter<BF>) -> GqlResult<()> {
        if let Some(x) = &self.id {
            x.apply(f, BF::Id, Kind::Brand, "filter.id")?;
        }
        if let Some(x) = &self.external_id {
            x.apply(f, BF::ExternalId, "filter.externalId")?;
        }
        if let Some(x) = &self.name {
            x.apply(f, BF::Name, "filter.name")?;
        }
        if let Some(x) = &self.created_at {
            x.apply(f, BF::CreatedAt, "filter.createdAt")?;
        }
        Ok(())
    }
}

impl SortInput for BrandSort {
    type Key = BrandSortKey;

    fn sort(&self) -> Sort<BrandSortKey> {
        let key = match self.field {
            BrandSortField::CreatedAt => BrandSortKey::CreatedAt,
            BrandSortField::ExternalId => BrandSortKey::ExternalId,
            BrandSortField::Name => BrandSortKey::Name,
        };
        Sort::new(key, self.direction.is_descending())
    }

    fn default_sort() -> Sort<BrandSortKey> {
        Sort::new(BrandSortKey::ExternalId, false)
    }
}

/// The `brands` root list.
pub struct Brands;

impl ListRoot for Brands {
    const FIELD: &'static str = "brands";
    const DESCRIPTION: &'static str = "The merchant's brands.";
    const SCOPE: Scope = Scope::StoresRead;
    const KIND: Kind = Kind::Brand;
    const FILTER: &'static str = "Conditions the brands must all meet.";
    const SEARCH: Option<&'static str> = None;
    const SORT: &'static str = "Sort order; default by external identifier (EXTERNAL_ID ASC).";
    type Row = BrandRow;
    type Node = Brand;
    type Filter = BrandFilter;
    type Sort = BrandSort;

    fn node(row: BrandRow) -> Brand {
        Brand(row)
    }
}

#[derive(Default)]
pub struct BrandQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl BrandQuery {
    /// `brands` (see [`Brands`]).
    #[graphql(flatten)]
    async fn brands(&self) -> ListField<Brands> {
        ListField::default()
    }

    /// One brand by ID (`br_…`); null when there is none for this merchant.
    #[graphql(guard = "RequireScope(Scope::StoresRead)")]
    async fn brand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The brand's ID (`br_…`).")] id: ID,
    ) -> GqlResult<Option<Brand>> {
        let key = ids::decode(Kind::Brand, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<BrandRow>(ctx, key).await?.map(Brand))
    }
}
