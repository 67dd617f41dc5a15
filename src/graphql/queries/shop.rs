use async_graphql::{Context, Object};

use crate::domain::merchants::settings;
use crate::graphql::context::{conn, merchant_id};
use crate::graphql::errors::{GqlResult, IntoGql};
use crate::graphql::types::shop::Shop;

#[derive(Default)]
pub struct ShopQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl ShopQuery {
    /// The merchant's settings: name, URL, currencies, locale and timezone (requires
    /// `stores:read`).
    async fn shop(&self, ctx: &Context<'_>) -> GqlResult<Shop> {
        let m = merchant_id(ctx)?;
        let mut c = conn(ctx).await?;
        Ok(Shop(settings::find(&mut c, m).await.gql()?))
    }
}
