use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::filter::{Filter, Op, Sort};
use crate::domain::pricing::queries::{PriceListField as LF, PriceListSortKey};
use crate::domain::pricing::PriceList as PriceListRow;
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::types::pricing::{PriceList, PriceListStatus};
use crate::ids::{self, Kind};

/// Conditions on price lists.
#[derive(InputObject, Default)]
pub struct PriceListFilter {
    /// The list's own ID (`pl_…`).
    pub id: Option<IdFilter>,
    /// The list name.
    pub name: Option<StringFilter>,
    /// One of these statuses.
    pub status: Option<Vec<PriceListStatus>>,
    /// Start of the window; `isNull: true` selects lists without one.
    pub starts_at: Option<DateTimeFilter>,
    /// End of the window; `isNull: true` selects lists without one.
    pub ends_at: Option<DateTimeFilter>,
    /// When the list was created.
    pub created_at: Option<DateTimeFilter>,
    /// When the list (not its prices) last changed.
    pub updated_at: Option<DateTimeFilter>,
}

/// What a price list list is sorted by; ties are broken by ID in the same direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum PriceListSortField {
    /// When the list was created.
    CreatedAt,
    /// The list name, as text.
    Name,
    /// Precedence: the lowest position wins a price quote (the default, ascending).
    Position,
    /// When the list last changed.
    UpdatedAt,
    /// Start of the window; lists without a start sort as the earliest.
    StartsAt,
    /// End of the window; lists without an end sort as the latest.
    EndsAt,
}

/// Order of a price list list.
#[derive(InputObject)]
pub struct PriceListSort {
    /// The field sorted by.
    pub field: PriceListSortField,
    /// Ascending or descending (default DESC).
    #[graphql(default)]
    pub direction: SortDirection,
}

impl FilterInput for PriceListFilter {
    type Field = LF;

    fn apply(&self, f: &mut Filter<LF>) -> GqlResult<()> {
        if let Some(x) = &self.id {
            x.apply(f, LF::Id, Kind::PriceList, "filter.id")?;
        }
        if let Some(x) = &self.name {
            x.apply(f, LF::Name, "filter.name")?;
        }
        if let Some(v) = &self.status {
            f.push(
                LF::Status,
                Op::In(Bind::Texts(
                    v.iter().map(|s| s.as_db().to_owned()).collect(),
                )),
            );
        }
        for (x, field, path) in [
            (&self.starts_at, LF::StartsAt, "filter.startsAt"),
            (&self.ends_at, LF::EndsAt, "filter.endsAt"),
            (&self.created_at, LF::CreatedAt, "filter.createdAt"),
            (&self.updated_at, LF::UpdatedAt, "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(f, field, path)?;
            }
        }
        Ok(())
    }
}

impl SortInput for PriceListSort {
    type Key = PriceListSortKey;

    fn sort(&self) -> Sort<PriceListSortKey> {
        let key = match self.field {
            PriceListSortField::CreatedAt => PriceListSortKey::CreatedAt,
            PriceListSortField::Name => PriceListSortKey::Name,
            PriceListSortField::Position => PriceListSortKey::Position,
            PriceListSortField::UpdatedAt => PriceListSortKey::UpdatedAt,
            PriceListSortField::StartsAt => PriceListSortKey::StartsAt,
            PriceListSortField::EndsAt => PriceListSortKey::EndsAt,
        };
        Sort::new(key, self.direction.is_descending())
    }

    fn default_sort() -> Sort<PriceListSortKey> {
        Sort::new(PriceListSortKey::Position, false)
    }
}

/// The `priceLists` root list.
pub struct PriceLists;

impl ListRoot for PriceLists {
    const FIELD: &'static str = "priceLists";
    const DESCRIPTION: &'static str = "The merchant's price lists.";
    const SCOPE: Scope = Scope::PricingRead;
    const KIND: Kind = Kind::PriceList;
    const FILTER: &'static str = "Conditions the price lists must all meet.";
    const SEARCH: Option<&'static str> =
        Some("Free text matched against name and description (at most 256 characters).");
    const SORT: &'static str = "Sort order; default by precedence (POSITION ASC).";
    type Row = PriceListRow;
    type Node = PriceList;
    type Filter = PriceListFilter;
    type Sort = PriceListSort;

    fn node(row: PriceListRow) -> PriceList {
        PriceList(row)
    }
}

#[derive(Default)]
pub struct PriceListQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl PriceListQuery {
    /// `priceLists` (see [`PriceLists`]).
    #[graphql(flatten)]
    async fn price_lists(&self) -> ListField<PriceLists> {
        ListField::default()
    }

    /// One price list by ID (`pl_…`).
    #[graphql(guard = "RequireScope(Scope::PricingRead)")]
    async fn price_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The price list's ID (`pl_…`).")] id: ID,
    ) -> GqlResult<Option<PriceList>> {
        let key = ids::decode(Kind::PriceList, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<PriceListRow>(ctx, key)
            .await?
            .map(PriceList))
    }
}
