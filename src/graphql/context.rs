//! What every resolver can reach: the caller and the database. Both are put into the request's
//! data by the transport; nothing here knows HTTP.

use async_graphql::Context;

use super::errors::{gql, GqlResult};
use crate::auth::Principal;
use crate::db::{Conn, Db};

pub struct RequestCtx {
    pub principal: Principal,
    pub db: Db,
}

pub fn request<'a>(ctx: &Context<'a>) -> GqlResult<&'a RequestCtx> {
    ctx.data::<RequestCtx>()
        .map_err(|_| gql(crate::error::Error::unauthenticated("missing credentials")))
}

pub fn principal<'a>(ctx: &Context<'a>) -> GqlResult<&'a Principal> {
    Ok(&request(ctx)?.principal)
}

/// The merchant every query of this request is scoped to.
pub fn merchant_id(ctx: &Context<'_>) -> GqlResult<i64> {
    Ok(request(ctx)?.principal.merchant_id)
}

pub async fn conn(ctx: &Context<'_>) -> GqlResult<Conn> {
    request(ctx)?.db.conn().await.map_err(gql)
}
