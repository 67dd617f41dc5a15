//! Dashboard aggregates: order figures grouped by channel, store, status, currency and period, and
//! new customers per period. Each root field is one grouped SQL statement (plus, the first time a
//! process sees a timezone name, one lookup that checks it).

use async_graphql::{Context, Enum, Object};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::auth::Scope;
use crate::domain::channels::Channel as ChannelRow;
use crate::domain::customers::stats::{self as customer_stats, NewCustomerField};
use crate::domain::customers::Customer as CustomerRow;
use crate::domain::filter::Filter;
use crate::domain::orders::stats::{
    self as order_stats, DateField, GroupKey, Period, StatsQuery as OrderStatsQuery,
};
use crate::domain::orders::top_customers::{self, MAX_TOP_CUSTOMERS};
use crate::domain::stores::Store as StoreRow;
use crate::graphql::context::{conn, merchant_id};
use crate::graphql::errors::{GqlResult, IntoGql};
use crate::graphql::filters::DateTimeFilter;
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::loaders;
use crate::graphql::queries::list::FilterInput;
use crate::graphql::queries::orders::OrderFilter;
use crate::graphql::types::channels::Channel;
use crate::graphql::types::customers::Customer;
use crate::graphql::types::money;
use crate::graphql::types::order::OrderStatus;
use crate::graphql::types::stores::Store;

/// A key order statistics can be grouped by.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum OrderStatsGroupBy {
    /// The sales channel.
    Channel,
    /// The store.
    Store,
    /// The order status.
    Status,
    /// The currency (amounts of different currencies are only meaningful apart).
    Currency,
    /// The calendar day in `timezone`.
    Day,
    /// The ISO week (starting Monday) in `timezone`.
    Week,
    /// The calendar month in `timezone`.
    Month,
}

impl From<OrderStatsGroupBy> for GroupKey {
    fn from(g: OrderStatsGroupBy) -> Self {
        match g {
            OrderStatsGroupBy::Channel => GroupKey::Channel,
            OrderStatsGroupBy::Store => GroupKey::Store,
            OrderStatsGroupBy::Status => GroupKey::Status,
            OrderStatsGroupBy::Currency => GroupKey::Currency,
            OrderStatsGroupBy::Day => GroupKey::Period(Period::Day),
            OrderStatsGroupBy::Week => GroupKey::Period(Period::Week),
            OrderStatsGroupBy::Month => GroupKey::Period(Period::Month),
        }
    }
}

/// Which timestamp places an order in a DAY/WEEK/MONTH period.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum OrderStatsDateField {
    /// When the order was created (drafts included).
    CreatedAt,
    /// When the order was placed; drafts, never placed, fall on their creation time.
    #[default]
    CompletedAt,
}

impl From<OrderStatsDateField> for DateField {
    fn from(f: OrderStatsDateField) -> Self {
        match f {
            OrderStatsDateField::CreatedAt => DateField::Created,
            OrderStatsDateField::CompletedAt => DateField::Completed,
        }
    }
}

/// A calendar period.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum StatsPeriod {
    /// Calendar day.
    Day,
    /// ISO week, starting Monday.
    Week,
    /// Calendar month.
    Month,
}

impl From<StatsPeriod> for Period {
    fn from(p: StatsPeriod) -> Self {
        match p {
            StatsPeriod::Day => Period::Day,
            StatsPeriod::Week => Period::Week,
            StatsPeriod::Month => Period::Month,
        }
    }
}

/// Figures of one group of orders. Keys not grouped by are null; a key grouped by is also null
/// for orders without that reference (e.g. no channel).
pub struct OrderStatsBucket(pub order_stats::OrderStatsBucket);

/// Figures of one group of orders (`orderStats`): count, items, Decimal total and average.
/// Keys not grouped by are null; a key grouped by is also null for orders without that
/// reference (e.g. no channel).
#[Object(guard = "EdgeScope::of::<Self>()")]
impl OrderStatsBucket {
    /// The channel of the group (when grouped by CHANNEL; requires `stores:read`).
    async fn channel(&self, ctx: &Context<'_>) -> GqlResult<Option<Channel>> {
        Ok(loaders::load_opt::<ChannelRow>(ctx, self.0.channel_id)
            .await?
            .map(Channel))
    }
    /// The store of the group (when grouped by STORE; requires `stores:read`).
    async fn store(&self, ctx: &Context<'_>) -> GqlResult<Option<Store>> {
        Ok(loaders::load_opt::<StoreRow>(ctx, self.0.store_id)
            .await?
            .map(Store))
    }
    /// The status of the group (when grouped by STATUS).
    async fn status(&self) -> Option<OrderStatus> {
        self.0.status.as_deref().map(OrderStatus::from_db)
    }
    /// The ISO 4217 currency of the group (when grouped by CURRENCY).
    async fn currency(&self) -> Option<&str> {
        self.0.currency.as_deref()
    }
    /// Start of the day, week or month of the group in the requested timezone, as an instant
    /// (when grouped by DAY, WEEK or MONTH).
    async fn period(&self) -> Option<DateTime<Utc>> {
        self.0.period
    }
    /// Number of orders.
    async fn count(&self) -> i64 {
        self.0.count
    }
    /// Units across the orders' line items (sum of each order's item count).
    async fn item_count(&self) -> i64 {
        self.0.item_count
    }
    /// Sum of the orders' totals.
    async fn total(&self) -> Decimal {
        money(self.0.total)
    }
    /// Mean order total (rounded to 4 decimals); 0 when the group is empty.
    async fn average_total(&self) -> Decimal {
        money(self.0.average_total)
    }
}

/// One customer's spend (`topCustomers`).
pub struct CustomerSpend(pub top_customers::CustomerSpend);

/// One customer's figures over the orders `topCustomers` selected: how many and their summed
/// totals.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl CustomerSpend {
    /// The customer (requires `customers:read`).
    async fn customer(&self, ctx: &Context<'_>) -> GqlResult<Option<Customer>> {
        Ok(loaders::load::<CustomerRow>(ctx, self.0.customer_id)
            .await?
            .map(Customer))
    }
    /// Number of the customer's matching orders.
    async fn order_count(&self) -> i64 {
        self.0.order_count
    }
    /// Sum of the matching orders' totals.
    async fn total(&self) -> Decimal {
        money(self.0.total)
    }
}

/// New customers of one period.
pub struct CustomerStatsBucket(pub customer_stats::CustomerStatsBucket);

/// New customers of one period (`customerStats`), split by whether they have a completed or
/// returned order.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl CustomerStatsBucket {
    /// Start of the period in the requested timezone, as an instant.
    async fn period(&self) -> DateTime<Utc> {
        self.0.period
    }
    /// Customers created in the period.
    async fn new_customers(&self) -> i64 {
        self.0.new_customers
    }
    /// Of those, customers with at least one completed or returned order (placed at any time).
    async fn with_orders(&self) -> i64 {
        self.0.with_orders
    }
    /// Of those, customers without any completed or returned order.
    async fn without_orders(&self) -> i64 {
        self.0.new_customers - self.0.with_orders
    }
}

#[derive(Default)]
pub struct StatsQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl StatsQuery {
    /// Order counts and amounts for dashboards, grouped by any of channel, store, status,
    /// currency and one calendar period, computed by one SQL `GROUP BY` over the orders `filter`
    /// and `search` select (the same as `orders`). An empty `groupBy` gives one overall bucket.
    /// DAY/WEEK/MONTH cut time in `timezone` (an IANA name such as "Europe/Madrid"), using
    /// `dateField`: by default COMPLETED_AT, when the order was placed (drafts, never placed,
    /// fall on their creation time; filter on `status` to leave them out). Amounts of
    /// different currencies are summed together unless grouped by CURRENCY. Buckets are ordered
    /// by their keys in `groupBy` order (channel, store and status by internal order of creation,
    /// periods chronologically), missing keys last.
    #[graphql(
        guard = "RequireScope(Scope::OrdersRead)",
        complexity = "crate::graphql::limits::HEAVY_FIELD_COST + child_complexity"
    )]
    async fn order_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which orders count, as the `filter` of `orders`.")] filter: Option<
            OrderFilter,
        >,
        #[graphql(
            desc = "Free text matched against the order number and email (at most 256 characters)."
        )]
        search: Option<String>,
        #[graphql(
            desc = "Keys to group by, at most one period (DAY, WEEK or MONTH); empty: one bucket."
        )]
        group_by: Vec<OrderStatsGroupBy>,
        #[graphql(
            default_with = "\"UTC\".to_string()",
            desc = "IANA timezone (\"Europe/Madrid\") that cuts DAY, WEEK and MONTH; default UTC."
        )]
        timezone: String,
        #[graphql(
            default,
            desc = "Which timestamp places an order in a period; default COMPLETED_AT."
        )]
        date_field: OrderStatsDateField,
    ) -> GqlResult<Vec<OrderStatsBucket>> {
        let filter = filter.unwrap_or_default().to_filter(search)?;
        let merchant = merchant_id(ctx)?;
        let query = OrderStatsQuery {
            filter,
            group_by: group_by.into_iter().map(GroupKey::from).collect(),
            timezone,
            date_field: date_field.into(),
        };
        let mut conn = conn(ctx).await?;
        order_stats::check_timezone(&mut conn, ctx.data()?, "timezone", &query.timezone)
            .await
            .gql()?;
        let rows = order_stats::order_stats(&mut conn, merchant, &query)
            .await
            .gql()?;
        Ok(rows.into_iter().map(OrderStatsBucket).collect())
    }

    /// The customers who spent the most: the `first` (1 to 100) customers by the sum of the
    /// totals of the orders `filter` and `search` select (the same as `orders`), largest first,
    /// ties by customer creation. Guest orders are left out. One SQL `GROUP BY`. To rank by what
    /// was bought in a period, filter on `status` (COMPLETE, RETURNED) and `completedAt`; amounts
    /// of different currencies are summed together unless `currency` is filtered.
    #[graphql(
        guard = "RequireScope(Scope::OrdersRead)",
        complexity = "crate::graphql::limits::HEAVY_FIELD_COST + first.max(1) as usize * child_complexity"
    )]
    async fn top_customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which orders count, as the `filter` of `orders`.")] filter: Option<
            OrderFilter,
        >,
        #[graphql(
            desc = "Free text matched against the order number and email (at most 256 characters)."
        )]
        search: Option<String>,
        #[graphql(default = 10, desc = "How many customers, 1 to 100.")] first: i32,
    ) -> GqlResult<Vec<CustomerSpend>> {
        let filter = filter.unwrap_or_default().to_filter(search)?;
        let merchant = merchant_id(ctx)?;
        let limit = i64::from(first).clamp(i64::MIN, MAX_TOP_CUSTOMERS + 1);
        let mut conn = conn(ctx).await?;
        let rows = top_customers::top_customers(&mut conn, merchant, &filter, limit)
            .await
            .gql()?;
        Ok(rows.into_iter().map(CustomerSpend).collect())
    }

    /// Customers acquired per day, week or month (of `createdAt`, cut in `timezone`, an IANA
    /// name), and how many of them have bought (at least one completed or returned order, placed
    /// at any time) or not. One SQL statement; periods without new customers are absent; ordered
    /// by period.
    #[graphql(
        guard = "RequireScope(Scope::CustomersRead)",
        complexity = "crate::graphql::limits::HEAVY_FIELD_COST + child_complexity"
    )]
    async fn customer_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The length of each bucket.")] period: StatsPeriod,
        #[graphql(
            default_with = "\"UTC\".to_string()",
            desc = "IANA timezone (\"Europe/Madrid\") that cuts the periods; default UTC."
        )]
        timezone: String,
        #[graphql(desc = "Which customers count, by when they were created.")] created_at: Option<
            DateTimeFilter,
        >,
    ) -> GqlResult<Vec<CustomerStatsBucket>> {
        let mut filter = Filter::default();
        if let Some(f) = &created_at {
            f.apply(&mut filter, NewCustomerField::CreatedAt, "createdAt")?;
        }
        let merchant = merchant_id(ctx)?;
        let mut conn = conn(ctx).await?;
        order_stats::check_timezone(&mut conn, ctx.data()?, "timezone", &timezone)
            .await
            .gql()?;
        let rows =
            customer_stats::customer_stats(&mut conn, merchant, period.into(), &timezone, &filter)
                .await
                .gql()?;
        Ok(rows.into_iter().map(CustomerStatsBucket).collect())
    }
}
