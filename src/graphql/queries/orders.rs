use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::filter::{Filter, Op, Sort};
use crate::domain::orders::{models as m, Order as Row};
use crate::graphql::connection::{self, GqlConnection, PageArgs};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{
    search_text, DateTimeFilter, DecimalFilter, IdFilter, IntFilter, SortDirection, StringFilter,
};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::types::order::{Order, OrderStatus};
use crate::ids::{self, Kind};

/// Conditions on an order status.
#[derive(InputObject, Default)]
pub struct OrderStatusFilter {
    /// Exactly this status.
    pub eq: Option<OrderStatus>,
    /// One of these statuses.
    #[graphql(name = "in")]
    pub in_: Option<Vec<OrderStatus>>,
}

/// Conditions on orders; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct OrderFilter {
    /// The order's own ID (`or_…`).
    pub id: Option<IdFilter>,
    /// The order number (`R000000001`).
    pub number: Option<StringFilter>,
    /// The order status.
    pub status: Option<OrderStatusFilter>,
    /// Payment state: pending, paid, partially_paid, refunded, void or failed.
    pub payment_status: Option<StringFilter>,
    /// Fulfillment state: unfulfilled, partial, fulfilled or canceled.
    pub fulfillment_status: Option<StringFilter>,
    /// Contact email of the order; `eq` and `in` ignore case.
    pub email: Option<StringFilter>,
    /// ISO 4217 currency code in upper case (`USD`).
    pub currency: Option<StringFilter>,
    /// The buyer (`cus_…`); `isNull: true` selects guest orders. With `eq` this pages through
    /// all of a customer's orders (`Customer.orders` only takes `first`).
    pub customer_id: Option<IdFilter>,
    /// The store that takes the order (`st_…`).
    pub store_id: Option<IdFilter>,
    /// The sales channel (`ch_…`).
    pub channel_id: Option<IdFilter>,
    /// Number of units over all line items.
    pub item_count: Option<IntFilter>,
    /// The grand total.
    pub total: Option<DecimalFilter>,
    /// When the order was created.
    pub created_at: Option<DateTimeFilter>,
    /// When the order last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// When the order was placed; `isNull: true` selects drafts.
    pub completed_at: Option<DateTimeFilter>,
}

impl OrderFilter {
    pub(crate) fn to_filter(&self, search: Option<String>) -> GqlResult<Filter> {
        let mut f = Filter {
            search: search_text(search)?,
            ..Filter::default()
        };
        for (x, col, kind, path) in [
            (&self.id, "id", Kind::Order, "filter.id"),
            (
                &self.customer_id,
                "customer_id",
                Kind::Customer,
                "filter.customerId",
            ),
            (&self.store_id, "store_id", Kind::Store, "filter.storeId"),
            (
                &self.channel_id,
                "channel_id",
                Kind::Channel,
                "filter.channelId",
            ),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, kind, path)?;
            }
        }
        if let Some(x) = &self.number {
            x.apply(&mut f, "number", "filter.number")?;
        }
        if let Some(x) = &self.email {
            x.apply_ci(&mut f, "email", "filter.email")?;
        }
        for (x, col, path) in [
            (&self.currency, "currency", "filter.currency"),
            (
                &self.payment_status,
                "payment_status",
                "filter.paymentStatus",
            ),
            (
                &self.fulfillment_status,
                "fulfillment_status",
                "filter.fulfillmentStatus",
            ),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, path)?;
            }
        }
        if let Some(s) = &self.status {
            if let Some(v) = s.eq {
                f.push("status", Op::Eq(Bind::Text(v.as_db().into())));
            }
            if let Some(v) = &s.in_ {
                f.push(
                    "status",
                    Op::In(Bind::Texts(
                        v.iter().map(|s| s.as_db().to_owned()).collect(),
                    )),
                );
            }
        }
        if let Some(x) = &self.item_count {
            x.apply(&mut f, "item_count", "filter.itemCount")?;
        }
        if let Some(x) = &self.total {
            x.apply(&mut f, "total", "filter.total")?;
        }
        for (x, col, path) in [
            (&self.created_at, "created_at", "filter.createdAt"),
            (&self.updated_at, "updated_at", "filter.updatedAt"),
            (&self.completed_at, "completed_at", "filter.completedAt"),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, path)?;
            }
        }
        Ok(f)
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
/// What an order list is sorted by; ties are broken by ID in the same direction.
pub enum OrderSortField {
    /// When the order was created (the default, newest first).
    CreatedAt,
    /// When the order last changed.
    UpdatedAt,
    /// The order number, as text.
    Number,
    /// The grand total (across currencies, as plain numbers).
    Total,
    /// Placed orders by completion time; drafts sort as the oldest.
    CompletedAt,
    /// The contact email, as text; orders without one sort as the empty text (first ascending).
    Email,
    /// Number of units over all line items.
    ItemCount,
}

/// Order of an order list.
#[derive(InputObject)]
pub struct OrderSort {
    /// The field sorted by.
    pub field: OrderSortField,
    /// Ascending or descending (default DESC).
    #[graphql(default)]
    pub direction: SortDirection,
}

fn sort(s: Option<OrderSort>) -> Sort {
    let (field, direction) = s
        .map(|s| (s.field, s.direction))
        .unwrap_or((OrderSortField::CreatedAt, SortDirection::Desc));
    let column = match field {
        OrderSortField::CreatedAt => m::SORT_CREATED_AT,
        OrderSortField::UpdatedAt => m::SORT_UPDATED_AT,
        OrderSortField::Number => m::SORT_NUMBER,
        OrderSortField::Total => m::SORT_TOTAL,
        OrderSortField::CompletedAt => m::SORT_COMPLETED_AT,
        OrderSortField::Email => m::SORT_EMAIL,
        OrderSortField::ItemCount => m::SORT_ITEM_COUNT,
    };
    Sort {
        column,
        descending: direction == SortDirection::Desc,
    }
}

#[derive(Default)]
pub struct OrderQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl OrderQuery {
    /// Orders across every channel and store, filtered, sorted and paginated (keyset cursors;
    /// at most 250 a page).
    #[graphql(
        guard = "RequireScope(Scope::OrdersRead)",
        complexity = "first.or(last).unwrap_or(25).clamp(1, 250) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn orders(
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
        #[graphql(desc = "Conditions the orders must all meet.")] filter: Option<OrderFilter>,
        #[graphql(
            desc = "Free text matched against the order number and email (at most 256 characters)."
        )]
        search: Option<String>,
        #[graphql(desc = "Sort order; default newest first (CREATED_AT DESC).")] sort: Option<
            OrderSort,
        >,
    ) -> GqlResult<GqlConnection<Order>> {
        let filter = filter.unwrap_or_default().to_filter(search)?;
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::list::<Row, Order>(ctx, Kind::Order, filter, self::sort(sort), &args, Order)
            .await
    }

    /// One order by ID; null when there is none for this merchant.
    #[graphql(guard = "RequireScope(Scope::OrdersRead)")]
    async fn order(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order's ID (`or_…`).")] id: ID,
    ) -> GqlResult<Option<Order>> {
        let key = ids::decode(Kind::Order, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<Row>(ctx, key).await?.map(Order))
    }
}
