//! Per-request DataLoaders, one per (entity, key). Each is created with the caller's merchant, so
//! a batch can only ever read that merchant's rows; together they make the number of statements
//! of a request depend on the depth of the query, never on the number of rows.

use std::collections::HashMap;
use std::marker::PhantomData;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Request};

use super::batch::BatchQueue;
use super::errors::{gql, GqlResult};
use crate::db::Db;
use crate::domain::catalog::{Product, Variant};
use crate::domain::channels::Channel;
use crate::domain::customers::{
    queries as customer_queries, Address, Customer, CustomerGroup, CustomerStats,
};
use crate::domain::filter::{self, Row};
use crate::domain::links;
use crate::domain::orders::{
    queries as order_queries, Adjustment, Fulfillment, LineItem, Order, Payment,
};
use crate::domain::pricing::{Price, PriceList, PriceRule};
use crate::domain::promotions::{self, CouponCode, Promotion, PromotionAction, PromotionRule};
use crate::domain::stores::config::{
    CoverageZone, FulfillmentFee, PaymentMethod, PaymentProvider, ScheduledOverride, StoreChannel,
    StoreFulfillment,
};
use crate::domain::stores::{Brand, Store};

/// Loads rows of `T` by primary key.
pub struct ById<T> {
    db: Db,
    merchant_id: i64,
    _t: PhantomData<fn() -> T>,
}

impl<T: Row + Clone + Sync> Loader<i64> for ById<T> {
    type Value = T;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, T>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let rows: Vec<T> = filter::by_ids(&mut conn, self.merchant_id, keys)
            .await
            .map_err(gql)?;
        Ok(rows.into_iter().map(|r| (r.id(), r)).collect())
    }
}

/// A row that belongs to a parent through a foreign key column.
pub trait ChildOf: Row + Clone + Sync {
    const PARENT_COLUMN: &'static str;
    fn parent_id(&self) -> i64;
}

impl ChildOf for LineItem {
    const PARENT_COLUMN: &'static str = "order_id";
    fn parent_id(&self) -> i64 {
        self.order_id
    }
}

impl ChildOf for Variant {
    const PARENT_COLUMN: &'static str = "product_id";
    fn parent_id(&self) -> i64 {
        self.product_id
    }
}

/// Loads all children of each parent key, in key order.
pub struct ByParent<T> {
    db: Db,
    merchant_id: i64,
    _t: PhantomData<fn() -> T>,
}

impl<T: ChildOf> Loader<i64> for ByParent<T> {
    type Value = Vec<T>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Vec<T>>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let rows: Vec<T> = filter::by_column(&mut conn, self.merchant_id, T::PARENT_COLUMN, keys)
            .await
            .map_err(gql)?;
        let mut map: HashMap<i64, Vec<T>> = HashMap::new();
        for r in rows {
            map.entry(r.parent_id()).or_default().push(r);
        }
        Ok(map)
    }
}

macro_rules! child_of {
    ($($t:ty => $col:ident),* $(,)?) => {$(
        impl ChildOf for $t {
            const PARENT_COLUMN: &'static str = stringify!($col);
            fn parent_id(&self) -> i64 {
                self.$col
            }
        }
    )*};
}

child_of! {
    StoreChannel => store_id,
    StoreFulfillment => store_channel_id,
    FulfillmentFee => fulfillment_id,
    CoverageZone => fulfillment_id,
    PaymentMethod => store_id,
    PaymentProvider => payment_method_id,
    ScheduledOverride => store_id,
    Address => customer_id,
    Payment => order_id,
    Fulfillment => order_id,
    Adjustment => order_id,
    PriceRule => price_list_id,
    Price => variant_id,
    PromotionRule => promotion_id,
    PromotionAction => promotion_id,
}

/// The first N children (by id) of each parent, keyed by (parent, N): for collections too large
/// to load whole (a price list's prices, a promotion's codes).
pub struct TopByParent<T> {
    db: Db,
    merchant_id: i64,
    column: &'static str,
    _t: PhantomData<fn() -> T>,
}

impl<T: Row + Clone + Sync> Loader<(i64, i64)> for TopByParent<T> {
    type Value = Vec<T>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[(i64, i64)]) -> Result<HashMap<(i64, i64), Vec<T>>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let mut out: HashMap<(i64, i64), Vec<T>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for (limit, parents) in group_by_limit(keys) {
            let rows =
                links::top_children::<T>(&mut conn, self.merchant_id, self.column, &parents, limit)
                    .await
                    .map_err(gql)?;
            for r in rows {
                out.entry((r.parent_id, limit)).or_default().push(r.row);
            }
        }
        Ok(out)
    }
}

fn group_by_limit(keys: &[(i64, i64)]) -> HashMap<i64, Vec<i64>> {
    let mut by_limit: HashMap<i64, Vec<i64>> = HashMap::new();
    for (parent, limit) in keys {
        by_limit.entry(*limit).or_default().push(*parent);
    }
    by_limit
}

/// The groups each customer belongs to.
pub struct GroupsOfCustomer {
    db: Db,
    merchant_id: i64,
}

impl Loader<i64> for GroupsOfCustomer {
    type Value = Vec<CustomerGroup>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Vec<CustomerGroup>>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let mut out: HashMap<i64, Vec<CustomerGroup>> = HashMap::new();
        for t in links::groups_of_customers(&mut conn, self.merchant_id, keys)
            .await
            .map_err(gql)?
        {
            out.entry(t.parent_id).or_default().push(t.row);
        }
        Ok(out)
    }
}

pub struct CustomersOfGroup {
    db: Db,
    merchant_id: i64,
}

impl Loader<(i64, i64)> for CustomersOfGroup {
    type Value = Vec<Customer>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[(i64, i64)],
    ) -> Result<HashMap<(i64, i64), Vec<Customer>>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let mut out: HashMap<(i64, i64), Vec<Customer>> = HashMap::new();
        for (limit, parents) in group_by_limit(keys) {
            for t in links::customers_of_groups(&mut conn, self.merchant_id, &parents, limit)
                .await
                .map_err(gql)?
            {
                out.entry((t.parent_id, limit)).or_default().push(t.row);
            }
        }
        Ok(out)
    }
}

pub struct ProductsOfChannel {
    db: Db,
    merchant_id: i64,
}

impl Loader<(i64, i64)> for ProductsOfChannel {
    type Value = Vec<Product>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[(i64, i64)],
    ) -> Result<HashMap<(i64, i64), Vec<Product>>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let mut out: HashMap<(i64, i64), Vec<Product>> = HashMap::new();
        for (limit, parents) in group_by_limit(keys) {
            for t in links::products_of_channels(&mut conn, self.merchant_id, &parents, limit)
                .await
                .map_err(gql)?
            {
                out.entry((t.parent_id, limit)).or_default().push(t.row);
            }
        }
        Ok(out)
    }
}

pub struct PromotionUsageLoader {
    db: Db,
    merchant_id: i64,
}

impl Loader<i64> for PromotionUsageLoader {
    type Value = i64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, i64>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let rows = promotions::usage_by_ids(&mut conn, self.merchant_id, keys)
            .await
            .map_err(gql)?;
        Ok(rows
            .into_iter()
            .map(|u| (u.promotion_id, u.usage_count))
            .collect())
    }
}

/// Variants together with their product (one join), for line items.
pub struct VariantWithProduct {
    db: Db,
    merchant_id: i64,
}

impl Loader<i64> for VariantWithProduct {
    type Value = (Variant, Product);
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, (Variant, Product)>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let rows =
            crate::domain::catalog::variants_with_products(&mut conn, self.merchant_id, keys)
                .await
                .map_err(gql)?;
        Ok(rows.into_iter().map(|(v, p)| (v.id, (v, p))).collect())
    }
}

/// Derived order figures of customers.
pub struct CustomerStatsLoader {
    db: Db,
    merchant_id: i64,
}

impl Loader<i64> for CustomerStatsLoader {
    type Value = CustomerStats;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, CustomerStats>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let rows = customer_queries::stats_by_ids(&mut conn, self.merchant_id, keys)
            .await
            .map_err(gql)?;
        Ok(rows.into_iter().map(|s| (s.customer_id, s)).collect())
    }
}

/// The most recent orders of customers, keyed by (customer, how many).
pub struct RecentOrdersLoader {
    db: Db,
    merchant_id: i64,
}

impl Loader<(i64, i64)> for RecentOrdersLoader {
    type Value = Vec<Order>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[(i64, i64)],
    ) -> Result<HashMap<(i64, i64), Vec<Order>>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        // Keys asking for different page sizes are batched per size.
        let mut by_limit: HashMap<i64, Vec<i64>> = HashMap::new();
        for (customer, limit) in keys {
            by_limit.entry(*limit).or_default().push(*customer);
        }
        let mut out: HashMap<(i64, i64), Vec<Order>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for (limit, customers) in by_limit {
            let rows =
                order_queries::recent_by_customers(&mut conn, self.merchant_id, &customers, limit)
                    .await
                    .map_err(gql)?;
            for o in rows {
                if let Some(c) = o.customer_id {
                    out.entry((c, limit)).or_default().push(o);
                }
            }
        }
        Ok(out)
    }
}

/// Builds the loaders of one request: all scoped to its merchant, all batching through `queue`.
struct Factory<'a> {
    db: &'a Db,
    merchant_id: i64,
    queue: &'a BatchQueue,
}

impl Factory<'_> {
    fn loader<L: Send + Sync + 'static>(&self, loader: L) -> DataLoader<L> {
        // The queue decides when batches run; no extra timer delay is needed.
        DataLoader::new(loader, self.queue.spawner()).delay(std::time::Duration::ZERO)
    }

    fn by_id<T: Row + Clone + Sync>(&self) -> DataLoader<ById<T>> {
        self.loader(ById {
            db: self.db.clone(),
            merchant_id: self.merchant_id,
            _t: PhantomData,
        })
    }

    fn by_parent<T: ChildOf>(&self) -> DataLoader<ByParent<T>> {
        self.loader(ByParent {
            db: self.db.clone(),
            merchant_id: self.merchant_id,
            _t: PhantomData,
        })
    }

    fn top<T: Row + Clone + Sync>(&self, column: &'static str) -> DataLoader<TopByParent<T>> {
        self.loader(TopByParent {
            db: self.db.clone(),
            merchant_id: self.merchant_id,
            column,
            _t: PhantomData,
        })
    }
}

/// Adds a fresh set of loaders for `merchant_id` to a request. The request must be executed
/// inside `queue.run(…)`.
pub fn attach(request: Request, db: &Db, merchant_id: i64, queue: &BatchQueue) -> Request {
    let f = Factory {
        db,
        merchant_id,
        queue,
    };
    request
        .data(f.by_id::<Customer>())
        .data(f.by_id::<Order>())
        .data(f.by_id::<LineItem>())
        .data(f.by_id::<Store>())
        .data(f.by_id::<Brand>())
        .data(f.by_id::<Channel>())
        .data(f.by_id::<Product>())
        .data(f.by_id::<Variant>())
        .data(f.by_id::<CustomerGroup>())
        .data(f.by_id::<Address>())
        .data(f.by_id::<PriceList>())
        .data(f.by_id::<Price>())
        .data(f.by_id::<Promotion>())
        .data(f.by_id::<CouponCode>())
        .data(f.by_parent::<LineItem>())
        .data(f.by_parent::<Variant>())
        .data(f.by_parent::<StoreChannel>())
        .data(f.by_parent::<StoreFulfillment>())
        .data(f.by_parent::<FulfillmentFee>())
        .data(f.by_parent::<CoverageZone>())
        .data(f.by_parent::<PaymentMethod>())
        .data(f.by_parent::<PaymentProvider>())
        .data(f.by_parent::<ScheduledOverride>())
        .data(f.by_parent::<Address>())
        .data(f.by_parent::<Payment>())
        .data(f.by_parent::<Fulfillment>())
        .data(f.by_parent::<Adjustment>())
        .data(f.by_parent::<PriceRule>())
        .data(f.by_parent::<Price>())
        .data(f.by_parent::<PromotionRule>())
        .data(f.by_parent::<PromotionAction>())
        .data(f.top::<Price>("price_list_id"))
        .data(f.top::<CouponCode>("promotion_id"))
        .data(f.loader(GroupsOfCustomer {
            db: db.clone(),
            merchant_id,
        }))
        .data(f.loader(CustomersOfGroup {
            db: db.clone(),
            merchant_id,
        }))
        .data(f.loader(ProductsOfChannel {
            db: db.clone(),
            merchant_id,
        }))
        .data(f.loader(PromotionUsageLoader {
            db: db.clone(),
            merchant_id,
        }))
        .data(f.loader(VariantWithProduct {
            db: db.clone(),
            merchant_id,
        }))
        .data(f.loader(CustomerStatsLoader {
            db: db.clone(),
            merchant_id,
        }))
        .data(f.loader(RecentOrdersLoader {
            db: db.clone(),
            merchant_id,
        }))
}

/// Loads one row by key through the request's loader; `None` when absent (or another merchant's).
pub async fn load<T>(ctx: &Context<'_>, id: i64) -> GqlResult<Option<T>>
where
    T: Row + Clone + Sync,
{
    ctx.data::<DataLoader<ById<T>>>()?.load_one(id).await
}

/// Loads the optional row a nullable foreign key points at.
pub async fn load_opt<T>(ctx: &Context<'_>, id: Option<i64>) -> GqlResult<Option<T>>
where
    T: Row + Clone + Sync,
{
    match id {
        Some(id) => load(ctx, id).await,
        None => Ok(None),
    }
}

/// Loads the children of one parent.
pub async fn children<T: ChildOf>(ctx: &Context<'_>, parent: i64) -> GqlResult<Vec<T>> {
    Ok(ctx
        .data::<DataLoader<ByParent<T>>>()?
        .load_one(parent)
        .await?
        .unwrap_or_default())
}

pub async fn customer_stats(ctx: &Context<'_>, customer: i64) -> GqlResult<CustomerStats> {
    Ok(ctx
        .data::<DataLoader<CustomerStatsLoader>>()?
        .load_one(customer)
        .await?
        .unwrap_or_else(|| CustomerStats::empty(customer)))
}

pub async fn recent_orders(ctx: &Context<'_>, customer: i64, limit: i64) -> GqlResult<Vec<Order>> {
    Ok(ctx
        .data::<DataLoader<RecentOrdersLoader>>()?
        .load_one((customer, limit))
        .await?
        .unwrap_or_default())
}

/// The first `limit` children of a parent (see [`TopByParent`]).
pub async fn top_children<T: Row + Clone + Sync>(
    ctx: &Context<'_>,
    parent: i64,
    limit: i64,
) -> GqlResult<Vec<T>> {
    Ok(ctx
        .data::<DataLoader<TopByParent<T>>>()?
        .load_one((parent, limit))
        .await?
        .unwrap_or_default())
}

/// Loads a keyed association through the request's loader of type `L`.
pub async fn via<L, K>(ctx: &Context<'_>, key: K) -> GqlResult<Option<L::Value>>
where
    L: Loader<K, Error = async_graphql::Error>,
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
{
    ctx.data::<DataLoader<L>>()?.load_one(key).await
}

/// Loads several rows by key, in the order of `ids` (missing ones skipped).
pub async fn load_many<T: Row + Clone + Sync>(ctx: &Context<'_>, ids: &[i64]) -> GqlResult<Vec<T>> {
    let found = ctx
        .data::<DataLoader<ById<T>>>()?
        .load_many(ids.iter().copied())
        .await?;
    Ok(ids.iter().filter_map(|id| found.get(id).cloned()).collect())
}
