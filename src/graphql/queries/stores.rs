use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::channels::queries::{ChannelField as CF, ChannelSortKey};
use crate::domain::channels::Channel as ChannelRow;
use crate::domain::filter::{Filter, Op, Sort};
use crate::domain::stores::queries::{
    BrandField as BF, BrandSortKey, StoreField as SF, StoreSortKey,
};
use crate::domain::stores::{Brand as BrandRow, Store as StoreRow};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::types::store::{Brand, Channel, Store};
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

/// Conditions on channels.
#[derive(InputObject, Default)]
pub struct ChannelFilter {
    /// The channel's own ID (`ch_…`).
    pub id: Option<IdFilter>,
    /// Upper-case code (APP, WEB, KIOSK, POS…).
    pub code: Option<StringFilter>,
    /// The channel name.
    pub name: Option<StringFilter>,
    /// Whether the channel is active.
    pub active: Option<bool>,
    /// When the channel was created.
    pub created_at: Option<DateTimeFilter>,
    /// When the channel last changed.
    pub updated_at: Option<DateTimeFilter>,
}

/// What a channel list is sorted by; ties are broken by ID in the same direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ChannelSortField {
    /// When the channel was created.
    CreatedAt,
    /// The code, as text (the default, A to Z).
    Code,
    /// The channel name, as text.
    Name,
    /// When the channel last changed.
    UpdatedAt,
}

/// Order of a channel list.
#[derive(InputObject)]
pub struct ChannelSort {
    /// The field sorted by.
    pub field: ChannelSortField,
    /// Ascending or descending (default DESC).
    #[graphql(default)]
    pub direction: SortDirection,
}

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

impl FilterInput for ChannelFilter {
    type Field = CF;

    fn apply(&self, f: &mut Filter<CF>) -> GqlResult<()> {
        if let Some(x) = &self.id {
            x.apply(f, CF::Id, Kind::Channel, "filter.id")?;
        }
        if let Some(x) = &self.code {
            x.apply(f, CF::Code, "filter.code")?;
        }
        if let Some(x) = &self.name {
            x.apply(f, CF::Name, "filter.name")?;
        }
        if let Some(v) = self.active {
            f.push(CF::Active, Op::Eq(Bind::Bool(v)));
        }
        for (x, field, path) in [
            (&self.created_at, CF::CreatedAt, "filter.createdAt"),
            (&self.updated_at, CF::UpdatedAt, "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(f, field, path)?;
            }
        }
        Ok(())
    }
}

impl SortInput for ChannelSort {
    type Key = ChannelSortKey;

    fn sort(&self) -> Sort<ChannelSortKey> {
        let key = match self.field {
            ChannelSortField::CreatedAt => ChannelSortKey::CreatedAt,
            ChannelSortField::Code => ChannelSortKey::Code,
            ChannelSortField::Name => ChannelSortKey::Name,
            ChannelSortField::UpdatedAt => ChannelSortKey::UpdatedAt,
        };
        Sort::new(key, self.direction.is_descending())
    }

    fn default_sort() -> Sort<ChannelSortKey> {
        Sort::new(ChannelSortKey::Code, false)
    }
}

/// The `channels` root list.
pub struct Channels;

impl ListRoot for Channels {
    const FIELD: &'static str = "channels";
    const DESCRIPTION: &'static str = "The merchant's sales channels.";
    const SCOPE: Scope = Scope::StoresRead;
    const KIND: Kind = Kind::Channel;
    const FILTER: &'static str = "Conditions the channels must all meet.";
    const SEARCH: Option<&'static str> = None;
    const SORT: &'static str = "Sort order; default by code A to Z (CODE ASC).";
    type Row = ChannelRow;
    type Node = Channel;
    type Filter = ChannelFilter;
    type Sort = ChannelSort;

    fn node(row: ChannelRow) -> Channel {
        Channel(row)
    }
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

    /// `channels` (see [`Channels`]).
    #[graphql(flatten)]
    async fn channels(&self) -> ListField<Channels> {
        ListField::default()
    }

    /// One channel by ID (`ch_…`).
    #[graphql(guard = "RequireScope(Scope::StoresRead)")]
    async fn channel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The channel's ID (`ch_…`).")] id: ID,
    ) -> GqlResult<Option<Channel>> {
        let key = ids::decode(Kind::Channel, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<ChannelRow>(ctx, key).await?.map(Channel))
    }

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
