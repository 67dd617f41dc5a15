use async_graphql::{Context, Object, ID};

use crate::auth::Scope;
use crate::domain::{
    catalog, channels, customers, migrations, orders, pricing, promotions, stores,
};
use crate::graphql::context::principal;
use crate::graphql::errors::{bad_id, bad_input, gql, GqlResult};
use crate::graphql::loaders::load;
use crate::graphql::types::brands::Brand;
use crate::graphql::types::catalog::{Product, Variant};
use crate::graphql::types::channels::Channel;
use crate::graphql::types::customer_groups::CustomerGroup;
use crate::graphql::types::customers::Customer;
use crate::graphql::types::migrations::MigrationBatch;
use crate::graphql::types::node::Node;
use crate::graphql::types::order::{LineItem, Order};
use crate::graphql::types::pricing::{Price, PriceList};
use crate::graphql::types::promotion::{CouponCode, Promotion};
use crate::graphql::types::stores::Store;
use crate::ids::{self, Kind};

/// Most IDs `nodes(ids:)` takes at once.
const MAX_NODES: usize = 250;

/// The scope needed to read objects of `kind`.
fn scope_for(kind: Kind) -> Option<Scope> {
    Some(match kind {
        Kind::Customer | Kind::CustomerGroup => Scope::CustomersRead,
        Kind::PriceList | Kind::Price => Scope::PricingRead,
        Kind::Promotion | Kind::CouponCode => Scope::PromotionsRead,
        Kind::Order | Kind::LineItem => Scope::OrdersRead,
        Kind::Store | Kind::Brand | Kind::Channel => Scope::StoresRead,
        Kind::Product | Kind::Variant => Scope::CatalogRead,
        Kind::MigrationBatch => Scope::MigrationsWrite,
        _ => return None,
    })
}

async fn resolve(ctx: &Context<'_>, field: &str, id: &ID) -> GqlResult<Option<Node>> {
    let (kind, key) = ids::decode_any(id).map_err(|e| bad_id(field, e))?;
    let scope = scope_for(kind).ok_or_else(|| {
        bad_input(
            field,
            format!("{} objects cannot be fetched with node(id:)", kind.noun()),
        )
    })?;
    principal(ctx)?.require(scope).map_err(gql)?;
    Ok(match kind {
        Kind::Customer => load::<customers::Customer>(ctx, key)
            .await?
            .map(|r| Node::Customer(Customer(r))),
        Kind::Order => load::<orders::Order>(ctx, key)
            .await?
            .map(|r| Node::Order(Order(r))),
        Kind::LineItem => load::<orders::LineItem>(ctx, key)
            .await?
            .map(|r| Node::LineItem(LineItem(r))),
        Kind::Store => load::<stores::Store>(ctx, key)
            .await?
            .map(|r| Node::Store(Store(r))),
        Kind::Brand => load::<stores::Brand>(ctx, key)
            .await?
            .map(|r| Node::Brand(Brand(r))),
        Kind::Channel => load::<channels::Channel>(ctx, key)
            .await?
            .map(|r| Node::Channel(Channel(r))),
        Kind::Product => load::<catalog::Product>(ctx, key)
            .await?
            .map(|r| Node::Product(Product(r))),
        Kind::Variant => load::<catalog::Variant>(ctx, key)
            .await?
            .map(|r| Node::Variant(Variant::from(r))),
        Kind::CustomerGroup => load::<customers::CustomerGroup>(ctx, key)
            .await?
            .map(|r| Node::CustomerGroup(CustomerGroup(r))),
        Kind::PriceList => load::<pricing::PriceList>(ctx, key)
            .await?
            .map(|r| Node::PriceList(PriceList(r))),
        Kind::Price => load::<pricing::Price>(ctx, key)
            .await?
            .map(|r| Node::Price(Price(r))),
        Kind::Promotion => load::<promotions::Promotion>(ctx, key)
            .await?
            .map(|r| Node::Promotion(Promotion(r))),
        Kind::CouponCode => load::<promotions::CouponCode>(ctx, key)
            .await?
            .map(|r| Node::CouponCode(CouponCode(r))),
        Kind::MigrationBatch => load::<migrations::MigrationBatch>(ctx, key)
            .await?
            .map(|r| Node::MigrationBatch(MigrationBatch(r))),
        _ => None,
    })
}

#[derive(Default)]
pub struct NodeQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl NodeQuery {
    /// Any object by its prefixed ID; null when it does not exist for this merchant.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A prefixed ID of any kind (`cus_…`, `or_…`, `prod_…`…).")] id: ID,
    ) -> GqlResult<Option<Node>> {
        resolve(ctx, "id", &id).await
    }

    /// Several objects by ID, in the order asked (null where not found); at most 250. IDs of
    /// different kinds are batched per kind.
    #[graphql(complexity = "ids.len() * child_complexity")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Prefixed IDs of any kinds, at most 250.")] ids: Vec<ID>,
    ) -> GqlResult<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(bad_input("ids", format!("at most {MAX_NODES} IDs")));
        }
        let lookups = ids
            .iter()
            .enumerate()
            .map(|(i, id)| async move { resolve(ctx, &format!("ids.{i}"), id).await });
        futures_util::future::try_join_all(lookups).await
    }
}
