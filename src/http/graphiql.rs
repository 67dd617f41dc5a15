//! GraphiQL, on `GET /graphql` from a browser, and its assets on `GET /graphiql/{version}/{file}`.
//!
//! The assets (GraphiQL 4.1.2's browser bundle, React and ReactDOM 18.3.1) are embedded in the
//! binary by `build.rs` from the npm registry packages (feature `vendored-graphiql`, on by
//! default), so the page works where the browser reaches the gateway and nothing else. Built
//! without that feature, the page loads the same files from unpkg.
//!
//! The header editor is open and pre-filled with `Authorization: Bearer …`: every request,
//! introspection included, needs a credential. A link ending in `#token=<token or API key>` fills
//! it in (the fragment never reaches a server, and the page removes it from the address bar);
//! `serve --demo` prints such a link. Headers are not persisted in the browser's storage.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

/// The version in asset paths: a new bundle gets new URLs, so the files can be cached for good.
pub const VERSION: &str = "4.1.2";

/// The files under `/graphiql/{VERSION}/`: name, content type, bytes.
#[cfg(feature = "vendored-graphiql")]
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!(concat!(env!("OUT_DIR"), "/graphiql/graphiql.min.js")),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!(concat!(env!("OUT_DIR"), "/graphiql/graphiql.min.css")),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!(concat!(
            env!("OUT_DIR"),
            "/graphiql/react.production.min.js"
        )),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!(concat!(
            env!("OUT_DIR"),
            "/graphiql/react-dom.production.min.js"
        )),
    ),
    (
        "LICENSE.graphiql",
        "text/plain; charset=utf-8",
        include_bytes!(concat!(env!("OUT_DIR"), "/graphiql/LICENSE.graphiql")),
    ),
    (
        "LICENSE.react",
        "text/plain; charset=utf-8",
        include_bytes!(concat!(env!("OUT_DIR"), "/graphiql/LICENSE.react")),
    ),
    (
        "LICENSE.react-dom",
        "text/plain; charset=utf-8",
        include_bytes!(concat!(env!("OUT_DIR"), "/graphiql/LICENSE.react-dom")),
    ),
];

#[cfg(not(feature = "vendored-graphiql"))]
const ASSETS: &[(&str, &str, &[u8])] = &[];

/// Where the page loads `file` from.
fn asset_url(file: &str) -> String {
    if cfg!(feature = "vendored-graphiql") {
        return format!("/graphiql/{VERSION}/{file}");
    }
    match file {
        "react.production.min.js" => {
            "https://unpkg.com/react@18.3.1/umd/react.production.min.js".into()
        }
        "react-dom.production.min.js" => {
            "https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js".into()
        }
        _ => format!("https://unpkg.com/graphiql@{VERSION}/{file}"),
    }
}

/// The GraphiQL page.
pub fn page() -> Response {
    let html = include_str!("graphiql.html")
        .replace("{{CSS}}", &asset_url("graphiql.min.css"))
        .replace("{{REACT}}", &asset_url("react.production.min.js"))
        .replace("{{REACT_DOM}}", &asset_url("react-dom.production.min.js"))
        .replace("{{GRAPHIQL}}", &asset_url("graphiql.min.js"));
    let mut res = Html(html).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// `GET /graphiql/{version}/{file}`: one embedded asset, cacheable for a year (its URL changes
/// with its version); 404 for any other name or version.
pub async fn get_graphiql_asset(Path((version, file)): Path<(String, String)>) -> Response {
    let found = ASSETS
        .iter()
        .find(|(name, _, _)| version == VERSION && *name == file);
    let Some((_, content_type, bytes)) = found else {
        return (StatusCode::NOT_FOUND, "no such GraphiQL asset").into_response();
    };
    (
        [
            (header::CONTENT_TYPE, *content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        *bytes,
    )
        .into_response()
}
