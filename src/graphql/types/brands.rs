use async_graphql::{Object, ID};
use chrono::{DateTime, Utc};

use crate::domain::stores as d;
use crate::graphql::guards::EdgeScope;
use crate::ids::{self, Kind};

/// A brand of the merchant.
pub struct Brand(pub d::Brand);

/// A brand of the merchant (`br_…`); stores trade under one, and `storesUpsert(brandId:)` is scoped to it.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Brand {
    /// Public ID (`br_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::Brand, self.0.id))
    }
    /// External brand identifier (the `x-brand-id` of integrations).
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// Brand name, at most 100 characters (may be empty).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// When the gateway first saw the brand (its first `storesUpsert` naming it, or the seed).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
