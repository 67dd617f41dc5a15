//! Liveness, readiness and Prometheus metrics.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use crate::app::AppState;

/// The process is up.
pub async fn get_healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// The database answers.
pub async fn get_readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ready", "database": "ok" })),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
        }
    }
}

/// The gateway's counters (SQL statements, pool, document cache) followed by the request
/// metrics of [`super::metrics`], in the Prometheus text format.
pub async fn get_metrics(State(state): State<AppState>) -> impl IntoResponse {
    let (size, available) = state.db.pool_status();
    let (hits, misses) = state.documents.hits_and_misses();
    let mut body = format!(
        "# HELP gateway_sql_statements_total SQL statements sent to PostgreSQL.\n\
         # TYPE gateway_sql_statements_total counter\n\
         gateway_sql_statements_total {}\n\
         # HELP gateway_sql_statements_prepared_total Statements connections prepared to reuse.\n\
         # TYPE gateway_sql_statements_prepared_total counter\n\
         gateway_sql_statements_prepared_total {}\n\
         # HELP gateway_db_pool_connections Open pooled connections.\n\
         # TYPE gateway_db_pool_connections gauge\n\
         gateway_db_pool_connections {}\n\
         # HELP gateway_db_pool_available Idle pooled connections.\n\
         # TYPE gateway_db_pool_available gauge\n\
         gateway_db_pool_available {}\n\
         # HELP gateway_graphql_documents_cached_total Requests whose parsed document came from the cache.\n\
         # TYPE gateway_graphql_documents_cached_total counter\n\
         gateway_graphql_documents_cached_total {}\n\
         # HELP gateway_graphql_documents_parsed_total Requests whose query text was parsed.\n\
         # TYPE gateway_graphql_documents_parsed_total counter\n\
         gateway_graphql_documents_parsed_total {}\n",
        state.db.statements(),
        state.db.prepared_statements(),
        size,
        available,
        hits,
        misses
    );
    if let Some(up) = state.limits.redis_up() {
        body.push_str(&format!(
            "# HELP gateway_rate_limit_redis_up Whether Redis answered the last limit check (0: \
             this node counts calls and cost in-process).\n\
             # TYPE gateway_rate_limit_redis_up gauge\n\
             gateway_rate_limit_redis_up {}\n",
            u8::from(up)
        ));
    }
    body.push_str(&state.metrics.render());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}
