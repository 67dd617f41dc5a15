//! `tags(kind:)`: the distinct tags a merchant's customers or products carry (for tag inputs'
//! autocomplete).

use async_graphql::{Context, Enum, Object};

use crate::auth::Scope;
use crate::domain::tags::{self, Taggable};
use crate::graphql::context::{conn, merchant_id, principal};
use crate::graphql::errors::{gql, GqlResult, IntoGql};

/// The kinds of records that carry tags.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum TagKind {
    /// Customers' tags (requires `customers:read`).
    Customer,
    /// Products' tags (requires `catalog:read`).
    Product,
}

#[derive(Default)]
pub struct TagQuery;

#[Object]
impl TagQuery {
    /// The distinct tags the merchant's records of one kind carry, A to Z (one statement).
    async fn tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whose tags: customers' or products'.")] kind: TagKind,
        #[graphql(desc = "Keep the tags containing this text, ignoring case.")] search: Option<
            String,
        >,
        #[graphql(desc = "How many, 1 to 1,000.", default = 100)] first: i32,
    ) -> GqlResult<Vec<String>> {
        let (of, scope) = match kind {
            TagKind::Customer => (Taggable::Customer, Scope::CustomersRead),
            TagKind::Product => (Taggable::Product, Scope::CatalogRead),
        };
        principal(ctx)?.require(scope).map_err(gql)?;
        if !(1..=tags::MAX_LISTED).contains(&i64::from(first)) {
            return Err(gql(crate::error::Error::bad_input(
                "first",
                format!("must be between 1 and {}", tags::MAX_LISTED),
            )));
        }
        let m = merchant_id(ctx)?;
        let mut c = conn(ctx).await?;
        tags::distinct(&mut c, m, of, search.as_deref(), i64::from(first))
            .await
            .gql()
    }
}
