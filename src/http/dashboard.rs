//! `GET /dashboard`: a static page for the operations team, bundled in the binary (no CDN, no build
//! step), built only on the public GraphQL API with the viewer's own token: orders and revenue by
//! day and channel for a period (a chart), order status counts, top customers by spend, and an
//! orders table whose columns are the GraphQL selection it sends (shown beside it).
//!
//! The files are in `src/http/dashboard/`. Its Content-Security-Policy lets the page reach only
//! the gateway: no inline script, no third-party origin.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The page's files: name, content type, text.
const FILES: &[(&str, &str, &str)] = &[
    (
        "dashboard.js",
        "text/javascript; charset=utf-8",
        include_str!("dashboard/dashboard.js"),
    ),
    (
        "dashboard.css",
        "text/css; charset=utf-8",
        include_str!("dashboard/dashboard.css"),
    ),
];

fn respond(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            // Small files that change with the binary: revalidated on every load.
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// `GET /dashboard`: the page. It asks for a token (or takes one from `#token=…`).
pub async fn get_dashboard() -> Response {
    respond(
        "text/html; charset=utf-8",
        include_str!("dashboard/index.html"),
    )
}

/// `GET /dashboard/{file}`: its script and stylesheet; 404 for any other name.
pub async fn get_dashboard_file(Path(file): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, body)) => respond(content_type, body),
        None => (StatusCode::NOT_FOUND, "no such dashboard file").into_response(),
    }
}
