//! The GraphQL schema: a library the transports (`/graphql`, the REST adapters) execute with a
//! [`context::RequestCtx`] and a fresh set of [`loaders`].

pub mod connection;
pub mod context;
pub mod errors;
pub mod filters;
pub mod guards;
pub mod loaders;
pub mod queries;
pub mod types;

use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema};

use crate::config::Config;

/// Every root query field.
#[derive(MergedObject, Default)]
pub struct Query(
    queries::customers::CustomerQuery,
    queries::orders::OrderQuery,
    queries::node::NodeQuery,
    queries::viewer::ViewerQuery,
);

pub type AppSchema = Schema<Query, EmptyMutation, EmptySubscription>;

pub fn build_schema(config: &Config) -> AppSchema {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription)
        .register_output_type::<types::node::Node>()
        .limit_depth(config.max_depth)
        .limit_complexity(config.max_complexity)
        .finish()
}

/// The SDL of the schema (what `commerce-gateway schema` prints and `schema.graphql` holds).
pub fn sdl() -> String {
    build_schema(&Config::new("postgres://unused/unused")).sdl()
}
