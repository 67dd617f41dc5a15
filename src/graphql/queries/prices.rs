use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::domain::filter::{Filter, Sort};
use crate::domain::pricing::queries::{PriceField as PF, PriceSortKey};
use crate::domain::pricing::Price as PriceRow;
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{
    DateTimeFilter, DecimalFilter, IdFilter, SortDirection, StringFilter,
};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::queries::price_quote::PriceQuoteField;
use crate::graphql::queries::root_field::Flat;
use crate::graphql::types::pricing::Price;
use crate::ids::{self, Kind};

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
    /// The name of the variant's product, then the variant (Spree's
    /// `variant_product_name,variant_id`): a product's prices come together, variant by variant.
    VariantProductName,
    /// The variant (by its key, as created).
    VariantId,
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
            PriceSortField::VariantProductName => PriceSortKey::VariantProductName,
            PriceSortField::VariantId => PriceSortKey::VariantId,
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
pub struct PriceQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl PriceQuery {
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
