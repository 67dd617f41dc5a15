use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::filter::{Filter, Op, Sort};
use crate::domain::orders::queries::{OrderField as F, OrderSortKey};
use crate::domain::orders::Order as Row;
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{
    DateTimeFilter, DecimalFilter, IdFilter, IntFilter, SortDirection, StringFilter,
};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
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
    /// Any other status.
    pub ne: Option<OrderStatus>,
    /// None of these statuses.
    pub not_in: Option<Vec<OrderStatus>>,
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

impl FilterInput for OrderFilter {
    type Field = F;

    fn apply(&self, f: &mut Filter<F>) -> GqlResult<()> {
        for (x, field, kind, path) in [
            (&self.id, F::Id, Kind::Order, "filter.id"),
            (
                &self.customer_id,
                F::CustomerId,
                Kind::Customer,
                "filter.customerId",
            ),
            (&self.store_id, F::StoreId, Kind::Store, "filter.storeId"),
            (
                &self.channel_id,
                F::ChannelId,
                Kind::Channel,
                "filter.channelId",
            ),
        ] {
            if let Some(x) = x {
                x.apply(f, field, kind, path)?;
            }
        }
        if let Some(x) = &self.number {
            x.apply(f, F::Number, "filter.number")?;
        }
        if let Some(x) = &self.email {
            x.apply_ci(f, F::Email, "filter.email")?;
        }
        for (x, field, path) in [
            (&self.currency, F::Currency, "filter.currency"),
            (
                &self.payment_status,
                F::PaymentStatus,
                "filter.paymentStatus",
            ),
            (
                &self.fulfillment_status,
                F::FulfillmentStatus,
                "filter.fulfillmentStatus",
            ),
        ] {
            if let Some(x) = x {
                x.apply(f, field, path)?;
            }
        }
        if let Some(s) = &self.status {
            if let Some(v) = s.eq {
                f.push(F::Status, Op::Eq(Bind::Text(v.as_db().into())));
            }
            if let Some(v) = &s.in_ {
                f.push(
                    F::Status,
                    Op::In(Bind::Texts(
                        v.iter().map(|s| s.as_db().to_owned()).collect(),
                    )),
                );
            }
            if let Some(v) = s.ne {
                f.push(F::Status, Op::Ne(Bind::Text(v.as_db().into())));
            }
            if let Some(v) = &s.not_in {
                f.push(
                    F::Status,
                    Op::NotIn(Bind::Texts(
                        v.iter().map(|s| s.as_db().to_owned()).collect(),
                    )),
                );
            }
        }
        if let Some(x) = &self.item_count {
            x.apply(f, F::ItemCount, "filter.itemCount")?;
        }
        if let Some(x) = &self.total {
            x.apply(f, F::Total, "filter.total")?;
        }
        for (x, field, path) in [
            (&self.created_at, F::CreatedAt, "filter.createdAt"),
            (&self.updated_at, F::UpdatedAt, "filter.updatedAt"),
            (&self.completed_at, F::CompletedAt, "filter.completedAt"),
        ] {
            if let Some(x) = x {
                x.apply(f, field, path)?;
            }
        }
        Ok(())
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

impl SortInput for OrderSort {
    type Key = OrderSortKey;

    fn sort(&self) -> Sort<OrderSortKey> {
        let key = match self.field {
            OrderSortField::CreatedAt => OrderSortKey::CreatedAt,
            OrderSortField::UpdatedAt => OrderSortKey::UpdatedAt,
            OrderSortField::Number => OrderSortKey::Number,
            OrderSortField::Total => OrderSortKey::Total,
            OrderSortField::CompletedAt => OrderSortKey::CompletedAt,
            OrderSortField::Email => OrderSortKey::Email,
            OrderSortField::ItemCount => OrderSortKey::ItemCount,
        };
        Sort::new(key, self.direction.is_descending())
    }

    fn default_sort() -> Sort<OrderSortKey> {
        Sort::new(OrderSortKey::CreatedAt, true)
    }
}

/// The `orders` root list.
pub struct Orders;

impl ListRoot for Orders {
    const FIELD: &'static str = "orders";
    const DESCRIPTION: &'static str = "Orders across every channel and store, filtered, sorted and paginated (keyset cursors;\nat most 250 a page).";
    const SCOPE: Scope = Scope::OrdersRead;
    const KIND: Kind = Kind::Order;
    const FILTER: &'static str = "Conditions the orders must all meet.";
    const SEARCH: Option<&'static str> =
        Some("Free text matched against the order number and email (at most 256 characters).");
    const SORT: &'static str = "Sort order; default newest first (CREATED_AT DESC).";
    type Row = Row;
    type Node = Order;
    type Filter = OrderFilter;
    type Sort = OrderSort;

    fn node(row: Row) -> Order {
        Order(row)
    }
}

#[derive(Default)]
pub struct OrderQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl OrderQuery {
    /// `orders` (see [`Orders`]).
    #[graphql(flatten)]
    async fn orders(&self) -> ListField<Orders> {
        ListField::default()
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
