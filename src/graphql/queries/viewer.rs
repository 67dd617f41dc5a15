use async_graphql::{Context, Object, SimpleObject};

use crate::graphql::context::principal;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::EdgeScope;

/// The tenant the caller acts for.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct ViewerMerchant {
    /// The merchant's slug, its public identifier.
    pub slug: String,
}

/// Who is calling.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct Viewer {
    /// The merchant the credential belongs to.
    pub merchant: ViewerMerchant,
    /// Canonical scopes granted to the credential.
    pub scopes: Vec<String>,
    /// The credential: `client:<client_id>` or `api_key:<prefix>`.
    pub subject: String,
}

#[derive(Default)]
pub struct ViewerQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl ViewerQuery {
    /// The calling credential: its merchant and scopes.
    async fn viewer(&self, ctx: &Context<'_>) -> GqlResult<Viewer> {
        let p = principal(ctx)?;
        Ok(Viewer {
            merchant: ViewerMerchant {
                slug: p.merchant_slug.clone(),
            },
            scopes: p.scopes.to_strings(),
            subject: p.subject.clone(),
        })
    }
}
