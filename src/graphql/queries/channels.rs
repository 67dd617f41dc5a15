use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::channels::queries::{ChannelField as CF, ChannelSortKey};
use crate::domain::channels::Channel as ChannelRow;
use crate::domain::filter::{Filter, Op, Sort};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::types::channels::Channel;
use crate::ids::{self, Kind};

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

#[derive(Default)]
pub struct ChannelQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl ChannelQuery {
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
}
