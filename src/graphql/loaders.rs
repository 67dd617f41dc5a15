//! Per-request DataLoaders, one per (entity, key). Each is created with the caller's merchant, so
//! a batch can only ever read that merchant's rows; together they make the number of statements
//! of a request depend on the depth of the query, never on the number of rows.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Request};

use super::batch::BatchQueue;
use super::errors::{gql, GqlResult};
use crate::db::Db;
use crate::domain::catalog::{Product, Variant};
use crate::domain::customers::{
    queries as customer_queries, Customer, CustomerGroup, CustomerStats,
};
use crate::domain::filter::{self, ChildOf, Row, TopChild};
use crate::domain::links;
use crate::domain::orders::{queries as order_queries, Order};
use crate::domain::promotions;

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

/// Loads all children of each parent key, in key order.
pub struct ByParent<T> {
    db: Db,
    merchant_id: i64,
    _t: PhantomData<fn() -> T>,
}

impl<T: ChildOf + Clone + Sync> Loader<i64> for ByParent<T> {
    type Value = Vec<T>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Vec<T>>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let rows: Vec<T> = filter::by_parents(&mut conn, self.merchant_id, keys)
            .await
            .map_err(gql)?;
        let mut map: HashMap<i64, Vec<T>> = HashMap::new();
        for r in rows {
            map.entry(r.parent_id()).or_default().push(r);
        }
        Ok(map)
    }
}

/// The first N children (by id) of each parent, keyed by (parent, N): for collections too large
/// to load whole (a price list's prices, a promotion's codes).
pub struct TopByParent<T> {
    db: Db,
    merchant_id: i64,
    _t: PhantomData<fn() -> T>,
}

impl<T: TopChild + Clone + Sync> Loader<(i64, i64)> for TopByParent<T> {
    type Value = Vec<T>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[(i64, i64)]) -> Result<HashMap<(i64, i64), Vec<T>>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let mut out: HashMap<(i64, i64), Vec<T>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for (limit, parents) in group_by_limit(keys) {
            let rows = links::top_children::<T>(&mut conn, self.merchant_id, &parents, limit)
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

/// How many members each customer group has.
pub struct MemberCountOfGroup {
    db: Db,
    merchant_id: i64,
}

impl Loader<i64> for MemberCountOfGroup {
    type Value = i64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, i64>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        Ok(
            crate::domain::customers::queries::member_counts(&mut conn, self.merchant_id, keys)
                .await
                .map_err(gql)?
                .into_iter()
                .collect(),
        )
    }
}

/// The number of members of a customer group.
pub async fn member_count(ctx: &Context<'_>, group: i64) -> GqlResult<i64> {
    Ok(loader::<MemberCountOfGroup>(ctx)?
        .load_one(group)
        .await?
        .unwrap_or(0))
}

/// What each price list counts (prices, products).
pub struct PriceListStatsLoader {
    db: Db,
    merchant_id: i64,
}

impl Loader<i64> for PriceListStatsLoader {
    type Value = crate::domain::pricing::queries::ListStats;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        Ok(
            crate::domain::pricing::queries::list_stats(&mut conn, self.merchant_id, keys)
                .await
                .map_err(gql)?
                .into_iter()
                .map(|s| (s.price_list_id, s))
                .collect(),
        )
    }
}

/// The prices and products a price list counts.
pub async fn price_list_stats(
    ctx: &Context<'_>,
    list: i64,
) -> GqlResult<crate::domain::pricing::queries::ListStats> {
    Ok(loader::<PriceListStatsLoader>(ctx)?
        .load_one(list)
        .await?
        .unwrap_or_default())
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

/// The channels each product is published on.
pub struct ChannelsOfProduct {
    db: Db,
    merchant_id: i64,
}

impl Loader<i64> for ChannelsOfProduct {
    type Value = Vec<crate::domain::channels::Channel>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let mut out: HashMap<i64, Self::Value> = HashMap::new();
        for t in links::channels_of_products(&mut conn, self.merchant_id, keys)
            .await
            .map_err(gql)?
        {
            out.entry(t.parent_id).or_default().push(t.row);
        }
        Ok(out)
    }
}

/// The publications (with their windows) of each product.
pub struct PublicationsOfProduct {
    db: Db,
    merchant_id: i64,
}

impl Loader<i64> for PublicationsOfProduct {
    type Value = Vec<crate::domain::channels::Publication>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let mut out: HashMap<i64, Self::Value> = HashMap::new();
        for p in links::publications_of_products(&mut conn, self.merchant_id, keys)
            .await
            .map_err(gql)?
        {
            out.entry(p.product_id).or_default().push(p);
        }
        Ok(out)
    }
}

/// The base price in the merchant's default currency of each variant.
pub struct DefaultPriceOfVariant {
    db: Db,
    merchant_id: i64,
}

impl Loader<i64> for DefaultPriceOfVariant {
    type Value = crate::domain::pricing::Price;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        Ok(
            links::default_prices_of_variants(&mut conn, self.merchant_id, keys)
                .await
                .map_err(gql)?
                .into_iter()
                .map(|t| (t.parent_id, t.row))
                .collect(),
        )
    }
}

/// The base price in the merchant's default currency of each product's master variant.
pub struct DefaultPriceOfProduct {
    db: Db,
    merchant_id: i64,
}

impl Loader<i64> for DefaultPriceOfProduct {
    type Value = crate::domain::pricing::Price;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        Ok(
            links::default_prices_of_products(&mut conn, self.merchant_id, keys)
                .await
                .map_err(gql)?
                .into_iter()
                .map(|t| (t.parent_id, t.row))
                .collect(),
        )
    }
}

/// Every price of each product's variants.
pub struct PricesOfProduct {
    db: Db,
    merchant_id: i64,
}

impl Loader<i64> for PricesOfProduct {
    type Value = Vec<crate::domain::pricing::Price>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(gql)?;
        let mut out: HashMap<i64, Self::Value> = HashMap::new();
        for t in links::prices_of_products(&mut conn, self.merchant_id, keys)
            .await
            .map_err(gql)?
        {
            out.entry(t.parent_id).or_default().push(t.row);
        }
        Ok(out)
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

/// A loader made from the request's database handle and merchant.
pub trait Scoped: Send + Sync + 'static {
    fn scoped(db: &Db, merchant_id: i64) -> Self;
}

impl<T: Row + Clone + Sync> Scoped for ById<T> {
    fn scoped(db: &Db, merchant_id: i64) -> Self {
        ById {
            db: db.clone(),
            merchant_id,
            _t: PhantomData,
        }
    }
}

impl<T: ChildOf + Clone + Sync> Scoped for ByParent<T> {
    fn scoped(db: &Db, merchant_id: i64) -> Self {
        ByParent {
            db: db.clone(),
            merchant_id,
            _t: PhantomData,
        }
    }
}

impl<T: TopChild + Clone + Sync> Scoped for TopByParent<T> {
    fn scoped(db: &Db, merchant_id: i64) -> Self {
        TopByParent {
            db: db.clone(),
            merchant_id,
            _t: PhantomData,
        }
    }
}

macro_rules! scoped {
    ($($loader:ident),*) => {$(
        impl Scoped for $loader {
            fn scoped(db: &Db, merchant_id: i64) -> Self {
                $loader { db: db.clone(), merchant_id }
            }
        }
    )*};
}

scoped!(
    GroupsOfCustomer,
    MemberCountOfGroup,
    PriceListStatsLoader,
    CustomersOfGroup,
    ProductsOfChannel,
    ChannelsOfProduct,
    PublicationsOfProduct,
    DefaultPriceOfVariant,
    DefaultPriceOfProduct,
    PricesOfProduct,
    PromotionUsageLoader,
    VariantWithProduct,
    CustomerStatsLoader,
    RecentOrdersLoader
);

/// The loaders of one request, each made on first use: all scoped to its merchant, all
/// batching through its queue. A lookup uses one or two of the ~40 kinds; making all of them
/// up front was about 4 % of a lookup's CPU.
pub struct Loaders {
    db: Db,
    merchant_id: i64,
    queue: BatchQueue,
    made: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Loaders {
    /// The request's loader of kind `L`, made now if this is its first use.
    fn get<L: Scoped>(&self) -> Arc<DataLoader<L>> {
        let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(loader) = made
            .get(&TypeId::of::<L>())
            .and_then(|l| l.clone().downcast::<DataLoader<L>>().ok())
        {
            return loader;
        }
        // The queue decides when batches run; no extra timer delay is needed.
        let loader = Arc::new(
            DataLoader::new(L::scoped(&self.db, self.merchant_id), self.queue.spawner())
                .delay(std::time::Duration::ZERO),
        );
        made.insert(TypeId::of::<L>(), loader.clone());
        loader
    }
}

/// Adds the loaders for `merchant_id` to a request (made lazily). The request must be executed
/// inside `queue.run(…)`.
pub fn attach(request: Request, db: &Db, merchant_id: i64, queue: &BatchQueue) -> Request {
    request.data(Loaders {
        db: db.clone(),
        merchant_id,
        queue: queue.clone(),
        made: Mutex::new(HashMap::new()),
    })
}

fn loader<L: Scoped>(ctx: &Context<'_>) -> GqlResult<Arc<DataLoader<L>>> {
    Ok(ctx.data::<Loaders>()?.get::<L>())
}

/// Loads one row by key through the request's loader; `None` when absent (or another merchant's).
pub async fn load<T>(ctx: &Context<'_>, id: i64) -> GqlResult<Option<T>>
where
    T: Row + Clone + Sync,
{
    loader::<ById<T>>(ctx)?.load_one(id).await
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
pub async fn children<T: ChildOf + Clone + Sync>(
    ctx: &Context<'_>,
    parent: i64,
) -> GqlResult<Vec<T>> {
    Ok(loader::<ByParent<T>>(ctx)?
        .load_one(parent)
        .await?
        .unwrap_or_default())
}

pub async fn customer_stats(ctx: &Context<'_>, customer: i64) -> GqlResult<CustomerStats> {
    Ok(loader::<CustomerStatsLoader>(ctx)?
        .load_one(customer)
        .await?
        .unwrap_or_else(|| CustomerStats::empty(customer)))
}

pub async fn recent_orders(ctx: &Context<'_>, customer: i64, limit: i64) -> GqlResult<Vec<Order>> {
    Ok(loader::<RecentOrdersLoader>(ctx)?
        .load_one((customer, limit))
        .await?
        .unwrap_or_default())
}

/// The first `limit` children of a parent (see [`TopByParent`]).
pub async fn top_children<T: TopChild + Clone + Sync>(
    ctx: &Context<'_>,
    parent: i64,
    limit: i64,
) -> GqlResult<Vec<T>> {
    Ok(loader::<TopByParent<T>>(ctx)?
        .load_one((parent, limit))
        .await?
        .unwrap_or_default())
}

/// Loads a keyed association through the request's loader of type `L`.
pub async fn via<L, K>(ctx: &Context<'_>, key: K) -> GqlResult<Option<L::Value>>
where
    L: Loader<K, Error = async_graphql::Error> + Scoped,
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
{
    loader::<L>(ctx)?.load_one(key).await
}

/// Loads several rows by key, in the order of `ids` (missing ones skipped).
pub async fn load_many<T: Row + Clone + Sync>(ctx: &Context<'_>, ids: &[i64]) -> GqlResult<Vec<T>> {
    let found = loader::<ById<T>>(ctx)?
        .load_many(ids.iter().copied())
        .await?;
    Ok(ids.iter().filter_map(|id| found.get(id).cloned()).collect())
}
