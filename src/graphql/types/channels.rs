use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};

use super::catalog::Product;
use super::page_size;
use crate::domain::channels as dch;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::EdgeScope;
use crate::graphql::loaders;
use crate::ids::{self, Kind};

/// A sales channel: APP, WEB, KIOSK, POS…
pub struct Channel(pub dch::Channel);

/// A sales channel (`ch_…`): APP, WEB, KIOSK, POS…; orders, price rules and product publications refer to it.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Channel {
    /// Public ID (`ch_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::Channel, self.0.id))
    }
    /// Upper-case code, unique per merchant.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Display name, 1–100 characters.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Whether the channel is in use. A flag only: nothing is refused on an inactive channel; deactivate a channel that orders reference instead of deleting it.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// Whether orders without a channel are attributed to this one.
    async fn is_default(&self) -> bool {
        self.0.is_default
    }
    /// When the channel was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the channel last changed; send it back as `expectedUpdatedAt` to refuse an update that would overwrite a newer change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Products published on this channel (the first `first` by creation; requires
    /// `catalog:read`); use `products(filter: {channelId…})` at the root to page through all of
    /// them.
    #[graphql(complexity = "first.unwrap_or(50).clamp(1, 250) as usize * child_complexity")]
    async fn products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 1 to 250.", default = 50)] first: Option<i32>,
    ) -> GqlResult<Option<Vec<Product>>> {
        let n = page_size(first, 50)?;
        Ok(Some(
            loaders::via::<loaders::ProductsOfChannel, _>(ctx, (self.0.id, n))
                .await?
                .unwrap_or_default()
                .into_iter()
                .map(Product)
                .collect(),
        ))
    }
}
