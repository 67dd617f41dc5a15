use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::filter::{Filter, Op, Sort};
use crate::domain::pricing::queries::{
    PriceField as PF, PriceListField as LF, PriceListSortKey, PriceSortKey,
};
use crate::domain::pricing::{Price as PriceRow, PriceList as PriceListRow};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{
    DateTimeFilter, DecimalFilter, IdFilter, SortDirection, StringFilter,
};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::queries::price_quote::PriceQuoteField;
use crate::graphql::queries::root_field::Flat;
use crate::graphql::types::pricing::{Price, PriceList, PriceListStatus};
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

/// Conditions on prices.
#[derive(InputObject, Default)]
pub struct PriceFilter {
    /// The price's own ID (`price_…`).
    pub id: Option<IdFilter>,
    /// The variant priced (`variant_…`).
    pub variant_id: Option<IdFilter>,
    /// The price list (`pl_…`); `isNull: true` selects base prices. With `eq` this pages
    /// through all of a list's prices (`PriceList.prices` only takes `first`).
    pub price_list_id: Option<IdFilter>,
    /// ISO 4217 currency code in upper case (`USD`).
    pub currency: Option<StringFilter>,
    /// The unit amount.
    pub amount: Option<DecimalFilter>,
    /// The "was" amount; `isNull: true` selects prices without one.
    pub compare_at_amount: Option<DecimalFilter>,
    /// When the price was created.
    pub created_at: Option<DateTimeFilter>,
    /// When the price last changed.
    pub updated_at: Option<DateTimeFilter>,
}

/// What a price list is sorted by; ties are broken by ID in the same direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum PriceSortField {
    /// When the price was created (the default, oldest first).
    CreatedAt,
    /// The unit amount (across currencies, as plain numbers).
    Amount,
    /// When the price last changed.
    UpdatedAt,
}

/// Order of a price list.
#[derive(InputObject)]
pub struct PriceSort {
    /// The field sorted by.
    pub field: PriceSortField,
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

impl FilterInput for PriceFilter {
    type Field = PF;

    fn apply(&self, f: &mut Filter<PF>) -> GqlResult<()> {
        for (x, field, kind, path) in [
            (&self.id, PF::Id, Kind::Price, "filter.id"),
            (
                &self.variant_id,
                PF::VariantId,
                Kind::Variant,
                "filter.variantId",
            ),
            (
                &self.price_list_id,
                PF::PriceListId,
                Kind::PriceList,
                "filter.priceListId",
            ),
        ] {
            if let Some(x) = x {
                x.apply(f, field, kind, path)?;
            }
        }
        if let Some(x) = &self.currency {
            x.apply(f, PF::Currency, "filter.currency")?;
        }
        if let Some(x) = &self.amount {
            x.apply(f, PF::Amount, "filter.amount")?;
        }
        if let Some(x) = &self.compare_at_amount {
            x.apply(f, PF::CompareAtAmount, "filter.compareAtAmount")?;
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

impl SortInput for PriceSort {
    type Key = PriceSortKey;

    fn sort(&self) -> Sort<PriceSortKey> {
        let key = match self.field {
            PriceSortField::CreatedAt => PriceSortKey::CreatedAt,
            PriceSortField::Amount => PriceSortKey::Amount,
            PriceSortField::UpdatedAt => PriceSortKey::UpdatedAt,
        };
        Sort::new(key, self.direction.is_descending())
    }

    fn default_sort() -> Sort<PriceSortKey> {
        Sort::new(PriceSortKey::CreatedAt, false)
    }
}

/// The `prices` root list.
pub struct Prices;

impl ListRoot for Prices {
    const FIELD: &'static str = "prices";
    const DESCRIPTION: &'static str = "Base and price-list prices.";
    const SCOPE: Scope = Scope::PricingRead;
    const KIND: Kind = Kind::Price;
    const FILTER: &'static str = "Conditions the prices must all meet.";
    const SEARCH: Option<&'static str> = None;
    const SORT: &'static str = "Sort order; default oldest first (CREATED_AT ASC).";
    type Row = PriceRow;
    type Node = Price;
    type Filter = PriceFilter;
    type Sort = PriceSort;

    fn node(row: PriceRow) -> Price {
        Price(row)
    }
}

#[derive(Default)]
pub struct PricingQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl PricingQuery {
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

    /// `prices` (see [`Prices`]).
    #[graphql(flatten)]
    async fn prices(&self) -> ListField<Prices> {
        ListField::default()
    }

    /// One price by ID (`price_…`); null when there is none for this merchant.
    #[graphql(guard = "RequireScope(Scope::PricingRead)")]
    async fn price(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The price's ID (`price_…`).")] id: ID,
    ) -> GqlResult<Option<Price>> {
        let key = ids::decode(Kind::Price, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<PriceRow>(ctx, key).await?.map(Price))
    }

    /// `priceQuote` (see [`PriceQuoteField`]).
    #[graphql(flatten)]
    async fn price_quote(&self) -> Flat<PriceQuoteField> {
        Flat::default()
    }
}
