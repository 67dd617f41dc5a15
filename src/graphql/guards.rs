//! Scope guards.
//!
//! - [`EdgeScope`] sits on every output type (`#[Object(guard = "EdgeScope::of::<Self>()")]`,
//!   `#[graphql(guard = "EdgeScope::of::<Self>()")]` on a `SimpleObject`) and checks, before a
//!   field resolves, the read scope of the type the field returns, as
//!   [`super::type_scopes`] derives it from the schema. No resolver writes that check, so no
//!   resolver can forget it: a price rule's customer, an order's store, a line item's variant
//!   are refused with FORBIDDEN (and answer null) to a token without that aggregate's scope.
//!   The parts of the `Query` root carry `EdgeScope::query()` the same way.
//! - [`RequireScope`] on a root field or mutation states the scope it needs:
//!   `#[graphql(guard = "RequireScope(Scope::OrdersRead)")]`. A guard written on a field
//!   replaces the type's [`EdgeScope`] for that field.
//! - [`RequireScopeIf`] is for arguments that name another aggregate's object
//!   (`priceQuote(customerId:)` needs `customers:read`).

use std::borrow::Cow;

use async_graphql::{Context, Guard, OutputType};

use super::context::principal;
use super::errors::gql;
use super::type_scopes::{self, Need};
use crate::auth::Scope;
use crate::error::Error;

pub struct RequireScope(pub Scope);

impl Guard for RequireScope {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        principal(ctx)?.require(self.0).map_err(gql)
    }
}

/// Requires the scope only when the condition (usually "this argument was given") holds.
pub struct RequireScopeIf(pub bool, pub Scope);

impl Guard for RequireScopeIf {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        if !self.0 {
            return Ok(());
        }
        principal(ctx)?.require(self.1).map_err(gql)
    }
}

/// The read scope of what each field of the type returns (see the module doc).
pub struct EdgeScope {
    parent: Cow<'static, str>,
}

impl EdgeScope {
    /// The guard of the fields of output type `T`.
    pub fn of<T: OutputType + ?Sized>() -> Self {
        EdgeScope {
            parent: T::type_name(),
        }
    }

    /// The guard of a part of the merged `Query` root: a root field without a guard of its
    /// own needs the read scope of what it returns.
    pub fn query() -> Self {
        EdgeScope {
            parent: Cow::Borrowed("Query"),
        }
    }
}

impl Guard for EdgeScope {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let Some(edges) = type_scopes::edges(ctx) else {
            return Err(gql(Error::internal(
                "the schema's edge scopes were not read",
            )));
        };
        match edges.need(&self.parent, ctx.field().name()) {
            None => Ok(()),
            Some(Need::Scope(scope)) => principal(ctx)?.require(scope).map_err(gql),
            Some(Need::Unmapped) => Err(gql(Error::forbidden(format!(
                "`{}.{}` returns a type no scope is defined for",
                self.parent,
                ctx.field().name()
            )))),
        }
    }
}
