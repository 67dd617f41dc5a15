//! Request metrics in the Prometheus format, through the `metrics` crate: a counter and a
//! latency histogram per route ([`track`], a layer on every route) and per GraphQL operation
//! type ([`Metrics::graphql_request`]), served by `/metrics` after the gateway's own counters.
//!
//! The recorder belongs to one gateway ([`crate::AppState::metrics`]), never to the process:
//! the tests run many gateways in one process, each with its own counts. Values are recorded
//! through [`metrics::with_local_recorder`], which installs the recorder for the duration of a
//! synchronous closure on the current thread only; no closure awaits, so a task that moves
//! between Tokio's worker threads cannot record into another gateway's recorder.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use async_graphql::parser::types::OperationType;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};

/// Upper bounds (seconds) of the latency histograms' buckets: from a cached lookup (about a
/// millisecond) to the request timeout's order of magnitude.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often recorded latencies are folded into the histograms when nobody scrapes `/metrics`
/// (a scrape folds them too): until then each is kept as a sample.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The route label of a request no route matched (never the raw path: its values are
/// unbounded).
const UNMATCHED: &str = "unmatched";

/// One gateway's recorder and the handle that renders it.
pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A recorder with nothing recorded yet, its histograms bucketed by [`BUCKETS`].
    pub fn new() -> Self {
        let builder = PrometheusBuilder::new();
        // `set_buckets` refuses only an empty list, and `BUCKETS` is not one; should that ever
        // change, latencies are still exported (as summaries) rather than failing the start.
        let builder = match builder.set_buckets(BUCKETS) {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "latency buckets refused: exporting summaries");
                PrometheusBuilder::new()
            }
        };
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        metrics::with_local_recorder(&recorder, || {
            metrics::describe_counter!("http_requests_total", "HTTP requests answered.");
            metrics::describe_histogram!(
                "http_request_duration_seconds",
                metrics::Unit::Seconds,
                "Time to answer an HTTP request, by matched route."
            );
            metrics::describe_counter!(
                "graphql_requests_total",
                "GraphQL requests answered, by the type of the operation they selected."
            );
            metrics::describe_histogram!(
                "graphql_request_duration_seconds",
                metrics::Unit::Seconds,
                "Time to answer a GraphQL request, by operation type."
            );
        });
        Self { recorder, handle }
    }

    /// Everything recorded, in the Prometheus text format.
    pub fn render(&self) -> String {
        self.handle.render()
    }

    /// Records an answered HTTP request: `route` is the matched route's pattern, `None` when
    /// no route matched.
    pub fn http_request(
        &self,
        method: &Method,
        route: Option<&str>,
        status: StatusCode,
        elapsed: Duration,
    ) {
        let method = method_label(method);
        let route = route.unwrap_or(UNMATCHED).to_owned();
        metrics::with_local_recorder(&self.recorder, || {
            metrics::counter!(
                "http_requests_total",
                "method" => method,
                "route" => route.clone(),
                "status" => status.as_u16().to_string(),
            )
            .increment(1);
            metrics::histogram!(
                "http_request_duration_seconds",
                "method" => method,
                "route" => route,
            )
            .record(elapsed.as_secs_f64());
        });
    }

    /// Records an answered GraphQL request; `operation` is `None` when the request was refused
    /// before an operation was selected (credentials, limits, a document that does not parse).
    pub fn graphql_request(&self, operation: Option<OperationType>, elapsed: Duration) {
        let operation_type = match operation {
            Some(OperationType::Query) => "query",
            Some(OperationType::Mutation) => "mutation",
            Some(OperationType::Subscription) => "subscription",
            None => "none",
        };
        metrics::with_local_recorder(&self.recorder, || {
            metrics::counter!("graphql_requests_total", "operation_type" => operation_type)
                .increment(1);
            metrics::histogram!(
                "graphql_request_duration_seconds",
                "operation_type" => operation_type,
            )
            .record(elapsed.as_secs_f64());
        });
    }

    /// Folds recorded latencies into the histograms every [`UPKEEP_EVERY`] until the gateway
    /// owning `metrics` is dropped. Needs a Tokio runtime.
    pub fn spawn_upkeep(metrics: &Arc<Metrics>) {
        let metrics: Weak<Metrics> = Arc::downgrade(metrics);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(UPKEEP_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                every.tick().await;
                let Some(metrics) = metrics.upgrade() else {
                    return;
                };
                metrics.handle.run_upkeep();
            }
        });
    }
}

/// The method as a label: the standard ones by name, any other as `OTHER` (a client chooses
/// the method's text, so it must not grow the label set).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        _ => "OTHER",
    }
}

/// The layer's middleware: times the request and records it with its matched route. Added
/// with `Router::layer`, which wraps each route (and the fallback) on its own, so the route's
/// [`MatchedPath`] is already in the request, and the answers of the layers inside (timeouts,
/// body limits, recovered panics) are counted with their status.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = next.run(request).await;
    metrics.http_request(
        &method,
        route.as_ref().map(MatchedPath::as_str),
        response.status(),
        started.elapsed(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_recorders_count_apart() {
        let a = Metrics::new();
        let b = Metrics::new();
        a.http_request(
            &Method::GET,
            Some("/healthz"),
            StatusCode::OK,
            Duration::from_millis(3),
        );
        a.graphql_request(Some(OperationType::Query), Duration::from_millis(7));
        let text = a.render();
        assert!(
            text.contains(r#"http_requests_total{method="GET",route="/healthz",status="200"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"http_request_duration_seconds_bucket{method="GET",route="/healthz",le="0.005"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"graphql_requests_total{operation_type="query"} 1"#),
            "{text}"
        );
        assert!(
            !b.render().contains("http_requests_total{"),
            "{}",
            b.render()
        );
    }

    #[test]
    fn a_method_outside_the_standard_ones_is_other() {
        let odd = Method::from_bytes(b"BREW").unwrap_or(Method::GET);
        assert_eq!(method_label(&odd), "OTHER");
        assert_eq!(method_label(&Method::DELETE), "DELETE");
    }
}
