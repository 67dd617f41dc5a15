use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::channels::{self as dch, Channel as ChannelRow};
use crate::domain::filter::{Filter, Op, Sort, SortColumn, SortKind};
use crate::domain::stores::{self as d, Brand as BrandRow, Store as StoreRow};
use crate::graphql::connection::{self, GqlConnection, PageArgs};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::types::store::{Brand, Channel, Store};
use crate::ids::{self, Kind};

/// Conditions on stores; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct StoreFilter {
    pub id: Option<IdFilter>,
    /// The POS/RMS identifier.
    pub external_id: Option<StringFilter>,
    pub name: Option<StringFilter>,
    /// ACTIVE or INACTIVE.
    pub status: Option<StringFilter>,
    pub brand_id: Option<IdFilter>,
    pub city: Option<StringFilter>,
    pub country: Option<StringFilter>,
    pub created_at: Option<DateTimeFilter>,
    pub updated_at: Option<DateTimeFilter>,
}

impl StoreFilter {
    fn to_filter(&self, search: Option<String>) -> GqlResult<Filter> {
        let mut f = Filter {
            search,
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
        if let Some(x) = &self.created_at {
            x.apply(&mut f, "created_at");
        }
        if let Some(x) = &self.updated_at {
            x.apply(&mut f, "updated_at");
        }
        Ok(f)
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum StoreSortField {
    CreatedAt,
    UpdatedAt,
    Name,
    ExternalId,
}

/// Order of a store list.
#[derive(InputObject)]
pub struct StoreSort {
    pub field: StoreSortField,
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
    pub id: Option<IdFilter>,
    pub code: Option<StringFilter>,
    pub name: Option<StringFilter>,
    pub active: Option<bool>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ChannelSortField {
    CreatedAt,
    Code,
    Name,
}

/// Order of a channel list.
#[derive(InputObject)]
pub struct ChannelSort {
    pub field: ChannelSortField,
    #[graphql(default)]
    pub direction: SortDirection,
}

const CHANNEL_CREATED_AT: SortColumn = SortColumn {
    name: "createdAt",
    sql: "created_at",
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
    pub id: Option<IdFilter>,
    pub external_id: Option<StringFilter>,
    pub name: Option<StringFilter>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum BrandSortField {
    CreatedAt,
    ExternalId,
    Name,
}

/// Order of a brand list.
#[derive(InputObject)]
pub struct BrandSort {
    pub field: BrandSortField,
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

#[Object]
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
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<StoreFilter>,
        #[graphql(desc = "Free text matched against name, external id and city.")] search: Option<
            String,
        >,
        sort: Option<StoreSort>,
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
    async fn store(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Store>> {
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
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<ChannelFilter>,
        sort: Option<ChannelSort>,
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
        let sort = Sort::by(
            sort.map(|s| (s.field, s.direction)),
            (ChannelSortField::Code, SortDirection::Asc),
            |field| match field {
                ChannelSortField::CreatedAt => CHANNEL_CREATED_AT,
                ChannelSortField::Code => dch::SORT_CODE,
                ChannelSortField::Name => CHANNEL_NAME,
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
    async fn channel(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Channel>> {
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
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<BrandFilter>,
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
}
