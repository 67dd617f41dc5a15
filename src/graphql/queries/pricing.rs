use async_graphql::{Context, Enum, InputObject, Object, ID};
use chrono::{DateTime, Utc};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::filter::{Filter, Op, Sort};
use crate::domain::pricing::{self as d, Price as PriceRow, PriceList as PriceListRow};
use crate::graphql::connection::{self, GqlConnection, PageArgs};
use crate::graphql::errors::{bad_id, bad_input, gql, GqlResult};
use crate::graphql::filters::{
    search_text, DateTimeFilter, DecimalFilter, IdFilter, SortDirection, StringFilter,
};
use crate::graphql::guards::{RequireScope, RequireScopeIf};
use crate::graphql::loaders;
use crate::graphql::types::pricing::{Price, PriceList, PriceListStatus, PriceQuote};
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

#[derive(Default)]
pub struct PricingQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl PricingQuery {
    /// The merchant's price lists.
    #[graphql(
        guard = "RequireScope(Scope::PricingRead)",
        complexity = "first.or(last).unwrap_or(25).clamp(1, 250) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn price_lists(
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
        #[graphql(desc = "Conditions the price lists must all meet.")] filter: Option<
            PriceListFilter,
        >,
        #[graphql(
            desc = "Free text matched against name and description (at most 256 characters)."
        )]
        search: Option<String>,
        #[graphql(desc = "Sort order; default by precedence (POSITION ASC).")] sort: Option<
            PriceListSort,
        >,
    ) -> GqlResult<GqlConnection<PriceList>> {
        let input = filter.unwrap_or_default();
        let mut f = Filter {
            search: search_text(search)?,
            ..Filter::default()
        };
        if let Some(x) = &input.id {
            x.apply(&mut f, "id", Kind::PriceList, "filter.id")?;
        }
        if let Some(x) = &input.name {
            x.apply(&mut f, "name", "filter.name")?;
        }
        if let Some(v) = &input.status {
            f.push(
                "status",
                Op::In(Bind::Texts(
                    v.iter().map(|s| s.as_db().to_owned()).collect(),
                )),
            );
        }
        for (x, col, path) in [
            (&input.starts_at, "starts_at", "filter.startsAt"),
            (&input.ends_at, "ends_at", "filter.endsAt"),
            (&input.created_at, "created_at", "filter.createdAt"),
            (&input.updated_at, "updated_at", "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, path)?;
            }
        }
        let sort = Sort::by(
            sort.map(|s| (s.field, s.direction)),
            (PriceListSortField::Position, SortDirection::Asc),
            |field| match field {
                PriceListSortField::CreatedAt => d::LIST_SORT_CREATED_AT,
                PriceListSortField::Name => d::LIST_SORT_NAME,
                PriceListSortField::Position => d::LIST_SORT_POSITION,
                PriceListSortField::UpdatedAt => d::LIST_SORT_UPDATED_AT,
                PriceListSortField::StartsAt => d::LIST_SORT_STARTS_AT,
                PriceListSortField::EndsAt => d::LIST_SORT_ENDS_AT,
            },
        );
        connection::list::<PriceListRow, PriceList>(
            ctx,
            Kind::PriceList,
            f,
            sort,
            &PageArgs::new(first, after, last, before),
            PriceList,
        )
        .await
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

    /// Base and price-list prices.
    #[graphql(
        guard = "RequireScope(Scope::PricingRead)",
        complexity = "first.or(last).unwrap_or(25).clamp(1, 250) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn prices(
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
        #[graphql(desc = "Conditions the prices must all meet.")] filter: Option<PriceFilter>,
        #[graphql(desc = "Sort order; default oldest first (CREATED_AT ASC).")] sort: Option<
            PriceSort,
        >,
    ) -> GqlResult<GqlConnection<Price>> {
        let input = filter.unwrap_or_default();
        let mut f = Filter::default();
        for (x, col, kind, path) in [
            (&input.id, "id", Kind::Price, "filter.id"),
            (
                &input.variant_id,
                "variant_id",
                Kind::Variant,
                "filter.variantId",
            ),
            (
                &input.price_list_id,
                "price_list_id",
                Kind::PriceList,
                "filter.priceListId",
            ),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, kind, path)?;
            }
        }
        if let Some(x) = &input.currency {
            x.apply(&mut f, "currency", "filter.currency")?;
        }
        if let Some(x) = &input.amount {
            x.apply(&mut f, "amount", "filter.amount")?;
        }
        if let Some(x) = &input.compare_at_amount {
            x.apply(&mut f, "compare_at_amount", "filter.compareAtAmount")?;
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
            (PriceSortField::CreatedAt, SortDirection::Asc),
            |field| match field {
                PriceSortField::CreatedAt => d::PRICE_SORT_CREATED_AT,
                PriceSortField::Amount => d::PRICE_SORT_AMOUNT,
                PriceSortField::UpdatedAt => d::PRICE_SORT_UPDATED_AT,
            },
        );
        connection::list::<PriceRow, Price>(
            ctx,
            Kind::Price,
            f,
            sort,
            &PageArgs::new(first, after, last, before),
            Price,
        )
        .await
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

    /// The unit price a buyer gets for `quantity` of a variant in a currency at a moment: the
    /// lowest-position price list in effect (active, or scheduled inside its window) whose
    /// rules match the buyer under its match policy, otherwise the base price — with the list
    /// and rule that decided. Null when the variant has no applicable price in the currency.
    /// IDs of another merchant are NOT_FOUND. With `customerId` it also requires `customers:read`
    /// (the answer tells the customer's groups).
    #[graphql(
        guard = "RequireScope(Scope::PricingRead).and(RequireScopeIf(customer_id.is_some(), Scope::CustomersRead))"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn price_quote(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The variant (`variant_…`).")] variant_id: ID,
        #[graphql(desc = "ISO 4217 code in upper case (`USD`).")] currency: String,
        #[graphql(desc = "Units bought (volume rules), at least 1; default 1.")] quantity: Option<
            i32,
        >,
        #[graphql(desc = "The buyer (`cus_…`): customer and customer group rules.")]
        customer_id: Option<ID>,
        #[graphql(desc = "The sales channel (`ch_…`): channel rules.")] channel_id: Option<ID>,
        #[graphql(desc = "The moment priced; default now.")] at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "The buyer's market, ISO 3166-1 alpha-2 (`EC`): market rules match nobody without it."
        )]
        market: Option<String>,
    ) -> GqlResult<Option<PriceQuote>> {
        use crate::domain::pricing::iso;
        use crate::domain::pricing::quote::{quote_many_in_markets, QuoteRequest};
        use crate::error::Error;

        let variant =
            ids::decode(Kind::Variant, &variant_id).map_err(|e| bad_id("variantId", e))?;
        let customer = customer_id
            .map(|c| ids::decode(Kind::Customer, &c).map_err(|e| bad_id("customerId", e)))
            .transpose()?;
        let channel = channel_id
            .map(|c| ids::decode(Kind::Channel, &c).map_err(|e| bad_id("channelId", e)))
            .transpose()?;
        if !iso::is_currency(&currency) {
            return Err(bad_input(
                "currency",
                "must be an ISO 4217 currency code in upper case, such as USD",
            ));
        }
        let quantity = quantity.unwrap_or(1);
        if quantity < 1 {
            return Err(bad_input("quantity", "must be at least 1"));
        }
        if market.as_deref().is_some_and(|m| !iso::is_country(m)) {
            return Err(bad_input(
                "market",
                "must be an ISO 3166-1 alpha-2 country code in upper case, such as EC",
            ));
        }
        let not_found = |what: &str| gql(Error::not_found(format!("no such {what}")));
        if loaders::load::<crate::domain::catalog::Variant>(ctx, variant)
            .await?
            .is_none()
        {
            return Err(not_found("variant (variantId)"));
        }
        if let Some(c) = customer {
            if loaders::load::<crate::domain::customers::Customer>(ctx, c)
                .await?
                .is_none()
            {
                return Err(not_found("customer (customerId)"));
            }
        }
        if let Some(c) = channel {
            if loaders::load::<crate::domain::channels::Channel>(ctx, c)
                .await?
                .is_none()
            {
                return Err(not_found("channel (channelId)"));
            }
        }
        let merchant = crate::graphql::context::merchant_id(ctx)?;
        let mut conn = crate::graphql::context::conn(ctx).await?;
        let request = QuoteRequest {
            variant_id: variant,
            currency,
            quantity,
            customer_id: customer,
            channel_id: channel,
            at: at.unwrap_or_else(Utc::now),
        };
        let quote = quote_many_in_markets(&mut conn, merchant, &[request], &[market])
            .await
            .map_err(gql)?
            .into_iter()
            .next()
            .flatten();
        Ok(quote.map(PriceQuote))
    }
}
