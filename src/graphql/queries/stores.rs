use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::channels::{self as dch, Channel as ChannelRow};
use crate::domain::filter::{Filter, Op, Sort, SortColumn, SortKind};
use crate::domain::stores::{self as d, Brand as BrandRow, Store as StoreRow};
use crate::graphql::connection::{self, GqlConnection, PageArgs};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{search_text, DateTimeFilter, IdFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
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

impl StoreFilter {
    fn to_filter(&self, search: Option<String>) -> GqlResult<Filter> {
        let mut f = Filter {
            search: search_text(search)?,
            ..Filter::default()
        };
        if let Some(x) = &self.id {
            x.apply(&mut f, "id", Kind::Store, "filter.id")?;
        }
        if let Some(x) = &self.brand_id {
            x.apply(&mut f, "brand_id", Kind::Brand, "filter.brandId")?;
        }
        for (x, col, path) in [
            (&self.external_id, "external_id", "filter.externalId"),
            (&self.name, "name", "filter.name"),
            (&self.status, "status", "filter.status"),
            (&self.city, "city", "filter.city"),
            (&self.country, "country", "filter.country"),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, path)?;
            }
        }
        for (x, col, path) in [
            (&self.created_at, "created_at", "filter.createdAt"),
            (&self.updated_at, "updated_at", "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, path)?;
            }
        }
        Ok(f)
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

const STORE_UPDATED_AT: SortColumn = SortColumn {
    name: "updatedAt",
    sql: "updated_at",
    kind: SortKind::Time,
};

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

const CHANNEL_CREATED_AT: SortColumn = SortColumn {
    name: "createdAt",
    sql: "created_at",
    kind: SortKind::Time,
};
const CHANNEL_UPDATED_AT: SortColumn = SortColumn {
    name: "updatedAt",
    sql: "updated_at",
    kind: SortKind::Time,
};
const CHANNEL_NAME: SortColumn = SortColumn {
    name: "name",
    sql: "name",
    kind: SortKind::Text,
};

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

const BRAND_NAME: SortColumn = SortColumn {
    name: "name",
    sql: "name",
    kind: SortKind::Text,
};

#[derive(Default)]
pub struct StoreQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl StoreQuery {
    /// The merchant's stores with their full configuration (keyset pages of at most 250).
    #[graphql(
        guard = "RequireScope(Scope::StoresRead)",
        complexity = "first.or(last).unwrap_or(25).clamp(1, 250) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn stores(
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
        #[graphql(desc = "Conditions the stores must all meet.")] filter: Option<StoreFilter>,
        #[graphql(
            desc = "Free text matched against name, external id and city (at most 256 characters)."
        )]
        search: Option<String>,
        #[graphql(desc = "Sort order; default by name A to Z (NAME ASC).")] sort: Option<StoreSort>,
    ) -> GqlResult<GqlConnection<Store>> {
        let filter = filter.unwrap_or_default().to_filter(search)?;
        let sort = Sort::by(
            sort.map(|s| (s.field, s.direction)),
            (StoreSortField::Name, SortDirection::Asc),
            |field| match field {
                StoreSortField::CreatedAt => d::SORT_CREATED_AT,
                StoreSortField::UpdatedAt => STORE_UPDATED_AT,
                StoreSortField::Name => d::SORT_NAME,
                StoreSortField::ExternalId => d::SORT_EXTERNAL_ID,
            },
        );
        connection::list::<StoreRow, Store>(
            ctx,
            Kind::Store,
            filter,
            sort,
            &PageArgs::new(first, after, last, before),
            Store,
        )
        .await
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

    /// The merchant's sales channels.
    #[graphql(
        guard = "RequireScope(Scope::StoresRead)",
        complexity = "first.or(last).unwrap_or(25).clamp(1, 250) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn channels(
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
        #[graphql(desc = "Conditions the channels must all meet.")] filter: Option<ChannelFilter>,
        #[graphql(desc = "Sort order; default by code A to Z (CODE ASC).")] sort: Option<
            ChannelSort,
        >,
    ) -> GqlResult<GqlConnection<Channel>> {
        let input = filter.unwrap_or_default();
        let mut f = Filter::default();
        if let Some(x) = &input.id {
            x.apply(&mut f, "id", Kind::Channel, "filter.id")?;
        }
        if let Some(x) = &input.code {
            x.apply(&mut f, "code", "filter.code")?;
        }
        if let Some(x) = &input.name {
            x.apply(&mut f, "name", "filter.name")?;
        }
        if let Some(v) = input.active {
            f.push("active", Op::Eq(Bind::Bool(v)));
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
            (ChannelSortField::Code, SortDirection::Asc),
            |field| match field {
                ChannelSortField::CreatedAt => CHANNEL_CREATED_AT,
                ChannelSortField::Code => dch::SORT_CODE,
                ChannelSortField::Name => CHANNEL_NAME,
                ChannelSortField::UpdatedAt => CHANNEL_UPDATED_AT,
            },
        );
        connection::list::<ChannelRow, Channel>(
            ctx,
            Kind::Channel,
            f,
            sort,
            &PageArgs::new(first, after, last, before),
            Channel,
        )
        .await
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

    /// The merchant's brands.
    #[graphql(
        guard = "RequireScope(Scope::StoresRead)",
        complexity = "first.or(last).unwrap_or(25).clamp(1, 250) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn brands(
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
        #[graphql(desc = "Conditions the brands must all meet.")] filter: Option<BrandFilter>,
        #[graphql(desc = "Sort order; default by external identifier (EXTERNAL_ID ASC).")]
        sort: Option<BrandSort>,
    ) -> GqlResult<GqlConnection<Brand>> {
        let input = filter.unwrap_or_default();
        let mut f = Filter::default();
        if let Some(x) = &input.id {
            x.apply(&mut f, "id", Kind::Brand, "filter.id")?;
        }
        if let Some(x) = &input.external_id {
            x.apply(&mut f, "external_id", "filter.externalId")?;
        }
        if let Some(x) = &input.name {
            x.apply(&mut f, "name", "filter.name")?;
        }
        if let Some(x) = &input.created_at {
            x.apply(&mut f, "created_at", "filter.createdAt")?;
        }
        let sort = Sort::by(
            sort.map(|s| (s.field, s.direction)),
            (BrandSortField::ExternalId, SortDirection::Asc),
            |field| match field {
                BrandSortField::CreatedAt => d::SORT_CREATED_AT,
                BrandSortField::ExternalId => d::SORT_EXTERNAL_ID,
                BrandSortField::Name => BRAND_NAME,
            },
        );
        connection::list::<BrandRow, Brand>(
            ctx,
            Kind::Brand,
            f,
            sort,
            &PageArgs::new(first, after, last, before),
            Brand,
        )
        .await
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
