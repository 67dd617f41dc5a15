use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::domain::filter::{Filter, Sort};
use crate::domain::stores::queries::{StoreField as SF, StoreSortKey};
use crate::domain::stores::Store as StoreRow;
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::types::stores::Store;
use crate::ids::{self, Kind};

/// Conditions on stores; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct StoreFilter {
    /// The store's own ID (`st_…`).
    pub id: Option<IdFilter>,
    /// The POS/RMS identifier.
    pub external_id: Option<StringFilter>,
    /// The store name.
    pub name: Option<StringFilter>,
    /// ACTIVE or INACTIVE.
    pub status: Option<StringFilter>,
    /// The brand (`br_…`); `isNull: true` selects stores without one.
    pub brand_id: Option<IdFilter>,
    /// City of the store's address.
    pub city: Option<StringFilter>,
    /// Country of the store's address.
    pub country: Option<StringFilter>,
    /// When the store was created.
    pub created_at: Option<DateTimeFilter>,
    /// When the store last changed.
    pub updated_at: Option<DateTimeFilter>,
}

impl FilterInput for StoreFilter {
    type Field = SF;

    fn apply(&self, f: &mut Filter<SF>) -> GqlResult<()> {
        if let Some(x) = &self.id {
            x.apply(f, SF::Id, Kind::Store, "filter.id")?;
        }
        if let Some(x) = &self.brand_id {
            x.apply(f, SF::BrandId, Kind::Brand, "filter.brandId")?;
        }
        for (x, field, path) in [
            (&self.external_id, SF::ExternalId, "filter.externalId"),
            (&self.name, SF::Name, "filter.name"),
            (&self.status, SF::Status, "filter.status"),
            (&self.city, SF::City, "filter.city"),
            (&self.country, SF::Country, "filter.country"),
        ] {
            if let Some(x) = x {
                x.apply(f, field, path)?;
            }
        }
        for (x, field, path) in [
            (&self.created_at, SF::CreatedAt, "filter.createdAt"),
            (&self.updated_at, SF::UpdatedAt, "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(f, field, path)?;
            }
        }
        Ok(())
    }
}

/// What a store list is sorted by; ties are broken by ID in the same direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum StoreSortField {
    /// When the store was created.
    CreatedAt,
    /// When the store last changed.
    UpdatedAt,
    /// The store name, as text (the default, A to Z).
    Name,
    /// The POS/RMS identifier, as text.
    ExternalId,
}

/// Order of a store list.
#[derive(InputObject)]
pub struct StoreSort {
    /// The field sorted by.
    pub field: StoreSortField,
    /// Ascending or descending (default DESC).
    #[graphql(default)]
    pub direction: SortDirection,
}

impl SortInput for StoreSort {
    type Key = StoreSortKey;

    fn sort(&self) -> Sort<StoreSortKey> {
        let key = match self.field {
            StoreSortField::CreatedAt => StoreSortKey::CreatedAt,
            StoreSortField::UpdatedAt => StoreSortKey::UpdatedAt,
            StoreSortField::Name => StoreSortKey::Name,
            StoreSortField::ExternalId => StoreSortKey::ExternalId,
        };
        Sort::new(key, self.direction.is_descending())
    }

    fn default_sort() -> Sort<StoreSortKey> {
        Sort::new(StoreSortKey::Name, false)
    }
}

/// The `stores` root list.
pub struct Stores;

impl ListRoot for Stores {
    const FIELD: &'static str = "stores";
    const DESCRIPTION: &'static str =
        "The merchant's stores with their full configuration (keyset pages of at most 250).";
    const SCOPE: Scope = Scope::StoresRead;
    const KIND: Kind = Kind::Store;
    const FILTER: &'static str = "Conditions the stores must all meet.";
    const SEARCH: Option<&'static str> =
        Some("Free text matched against name, external id and city (at most 256 characters).");
    const SORT: &'static str = "Sort order; default by name A to Z (NAME ASC).";
    type Row = StoreRow;
    type Node = Store;
    type Filter = StoreFilter;
    type Sort = StoreSort;

    fn node(row: StoreRow) -> Store {
        Store(row)
    }
}

#[derive(Default)]
pub struct StoreQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl StoreQuery {
    /// `stores` (see [`Stores`]).
    #[graphql(flatten)]
    async fn stores(&self) -> ListField<Stores> {
        ListField::default()
    }

    /// One store by ID (`st_…`); null when there is none for this merchant.
    #[graphql(guard = "RequireScope(Scope::StoresRead)")]
    async fn store(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The store's ID (`st_…`).")] id: ID,
    ) -> GqlResult<Option<Store>> {
        let key = ids::decode(Kind::Store, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<StoreRow>(ctx, key).await?.map(Store))
    }
}
