//! The GraphQL schema: a library the transports (`/graphql`, the REST adapters) execute with a
//! [`context::RequestCtx`] and a fresh set of [`loaders`].

pub mod argument_errors;
pub mod batch;
pub mod connection;
pub mod context;
pub mod cursor;
pub mod documents;
pub mod errors;
pub mod filters;
pub mod guards;
pub mod loaders;
pub mod mutations;
pub mod queries;
pub mod types;

use async_graphql::{EmptySubscription, MergedObject, Schema};

use crate::config::Config;

/// Every root query field.
#[derive(MergedObject, Default)]
pub struct Query(
    queries::customers::CustomerQuery,
    queries::customers::CustomerGroupQuery,
    queries::orders::OrderQuery,
    queries::stores::StoreQuery,
    queries::catalog::CatalogQuery,
    queries::pricing::PricingQuery,
    queries::promotions::PromotionQuery,
    queries::promotion_evaluate::PromotionEvaluateQuery,
    queries::node::NodeQuery,
    queries::viewer::ViewerQuery,
    queries::stats::StatsQuery,
);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    mutations::customers::CustomerMutation,
    mutations::customer_groups::CustomerGroupMutation,
    mutations::stores::StoreMutation,
    mutations::addresses::AddressMutation,
    mutations::channels::ChannelMutation,
    mutations::catalog::CatalogMutation,
    mutations::orders::OrderMutation,
    mutations::promotions::PromotionMutation,
    mutations::price_lists::PriceListMutation,
    mutations::prices::PriceMutation,
);

pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema, signing page cursors with `cursors`.
pub fn build_schema(config: &Config, cursors: cursor::CursorKey) -> AppSchema {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .data(cursors)
        .register_output_type::<types::node::Node>()
        .limit_depth(config.max_depth)
        .limit_complexity(config.max_complexity)
        .finish()
}

/// The SDL of the schema (what `commerce-gateway schema` prints and `schema.graphql` holds).
pub fn sdl() -> String {
    build_schema(
        &Config::new("postgres://unused/unused"),
        cursor::CursorKey::derive(b"sdl"),
    )
    .sdl()
}

/// Executes `request` for `principal`: fresh loaders scoped to its merchant, batches driven on
/// this task (see [`batch`]), and every error given a code.
pub async fn execute(
    schema: &AppSchema,
    db: &crate::db::Db,
    principal: crate::auth::Principal,
    mut request: async_graphql::Request,
) -> async_graphql::Response {
    documents::attach(&mut request);
    // Kept only while the request runs, to name the argument of a value that failed to parse.
    let query = request.query.clone();
    let queue = batch::BatchQueue::default();
    let request =
        loaders::attach(request, db, principal.merchant_id, &queue).data(context::RequestCtx {
            principal,
            db: db.clone(),
        });
    let mut response = queue.run(Schema::execute(schema, request)).await;
    argument_errors::name_arguments(&query, &mut response.errors);
    errors::ensure_codes(&mut response.errors);
    response
}
