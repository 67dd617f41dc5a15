//! Scope guards: `#[graphql(guard = "RequireScope(Scope::OrdersRead)")]` on a field refuses it
//! with FORBIDDEN when the caller's token lacks the scope.

use async_graphql::{Context, Guard};

use super::context::principal;
use super::errors::gql;
use crate::auth::Scope;

pub struct RequireScope(pub Scope);

impl Guard for RequireScope {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        principal(ctx)?.require(self.0).map_err(gql)
    }
}
