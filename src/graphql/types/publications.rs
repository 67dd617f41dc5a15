//! A product's publication on a sales channel, with its window.

use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};

use super::channels::Channel;
use crate::domain::channels as dch;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::EdgeScope;
use crate::graphql::loaders;
use crate::ids::{self, Kind};

/// A product's publication on a channel.
pub struct ProductPublication(pub dch::Publication);

/// A product's publication on a sales channel: live from `publishedAt` until `unpublishedAt`
/// (never when null). Scheduled and ended publications are listed too; `live` tells.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl ProductPublication {
    /// The channel (`ch_…`).
    async fn channel_id(&self) -> ID {
        ID(ids::encode(Kind::Channel, self.0.channel_id))
    }
    /// The channel (requires `stores:read`).
    async fn channel(&self, ctx: &Context<'_>) -> GqlResult<Option<Channel>> {
        Ok(loaders::load::<dch::Channel>(ctx, self.0.channel_id)
            .await?
            .map(Channel))
    }
    /// The product (`prod_…`).
    async fn product_id(&self) -> ID {
        ID(ids::encode(Kind::Product, self.0.product_id))
    }
    /// When it goes (or went) live.
    async fn published_at(&self) -> DateTime<Utc> {
        self.0.published_at
    }
    /// When it comes down; null: never.
    async fn unpublished_at(&self) -> Option<DateTime<Utc>> {
        self.0.unpublished_at
    }
    /// Whether its window holds now.
    async fn live(&self) -> bool {
        self.0.is_live(Utc::now())
    }
    /// When the product was first published on the channel.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When its window last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
