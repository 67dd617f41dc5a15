use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};

use super::customers::Customer;
use crate::domain::customers as dc;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::EdgeScope;
use crate::graphql::loaders;
use crate::ids::{self, Kind};

/// A segment of customers (VIP, Wholesale…), used by price rules and promotions.
pub struct CustomerGroup(pub dc::CustomerGroup);

/// A segment of customers (`cg_…`: VIP, Wholesale…) that price-list rules and promotion rules can target.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl CustomerGroup {
    /// Public ID (`cg_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::CustomerGroup, self.0.id))
    }
    /// Unique per merchant (case-insensitive).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Free-text description for staff, at most 1,000 characters; null when none.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// When the group was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the group was last renamed or re-described (membership changes do not count); send it back as `expectedUpdatedAt` to refuse an update that would overwrite a newer change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// How many customers belong to the group.
    async fn customers_count(&self, ctx: &Context<'_>) -> GqlResult<i64> {
        loaders::member_count(ctx, self.0.id).await
    }
    /// Members of the group (the first `first`, oldest member first); use
    /// `customers(filter: {customerGroupId…})` at the root to page through all of them.
    #[graphql(complexity = "first.unwrap_or(50).clamp(1, 250) as usize * child_complexity")]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 1 to 250.", default = 50)] first: Option<i32>,
    ) -> GqlResult<Vec<Customer>> {
        let n = super::page_size(first, 50)?;
        Ok(
            loaders::via::<loaders::CustomersOfGroup, _>(ctx, (self.0.id, n))
                .await?
                .unwrap_or_default()
                .into_iter()
                .map(Customer)
                .collect(),
        )
    }
}
