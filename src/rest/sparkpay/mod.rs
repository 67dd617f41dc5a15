//! The Spark Pay Online Store API (`/api/v1/…`), as `sparkpay-online-store-api.txt` describes
//! it: [`customers`], [`orders`] and [`products`], each a list (`GET /api/v1/<resource>.json`),
//! a create (`POST`, 201), and a record (`GET`, `PUT`, `DELETE` 204 at
//! `/api/v1/<resource>/{id}.json`); every path is served with and without `.json`.
//!
//! - **Credentials**: `X-AC-Auth-Token: <token>`, an API key (`sk_…`, the keys every dialect
//!   uses) or an access token from `POST /oauth/token`. Spark Pay's scope names map onto ours
//!   (`read_people`/`people` → customers, `read_orders`/`orders` → orders,
//!   `read_catalog`/`catalog` → catalog and pricing; `auth::scopes`), so a key created with
//!   them works here and everywhere else.
//! - **IDs are integers.** Our public IDs wrap an internal key, which must not leak (DESIGN
//!   §5), so a Spark Pay ID is that key through a fixed per-kind permutation
//!   ([`crate::ids::integers`]): 32-bit for every key below 2³¹, stable forever, unrelated
//!   between neighbours. A path ID that is not a whole number is a 400 naming `id`; one that
//!   names no record of the caller's store (another merchant's included) a 404. IDs in bodies
//!   and filters (`customer_id`) are the same integers.
//! - **Lists** wrap a page in the list metadata object `{"total_count", "next_page",
//!   "previous_page", "<resource>": […]}` (absolute URLs of the neighbouring pages, null at the
//!   ends): `page` (default 1; past the last, 404), `count` (default 100, 1–200), `fields`,
//!   `expand`, `sort=-a,b` and `field=op:value` filters ([`query`]). Pages read the GraphQL
//!   connection at an offset, as the Spree dialect's do.
//! - **Values**: snake_case, ISO 8601 times, money as JSON numbers of exactly the stored
//!   decimal ([`values::money`]); fields of Spark Pay's models outside our domain are written
//!   as null, 0 or false and ignored in bodies.
//! - **Writes**: `POST` creates (201), or updates the record its body's `id` names (200, as
//!   Spark Pay's POST does); `PUT` updates the fields it is sent; both ignore the read-only
//!   fields a client sends back from a GET. `Idempotency-Key` makes a retry answer the first
//!   result without writing again.
//! - **Errors**: `{"status_code", "message", "details"}` ([`errors`]), for unknown paths and
//!   methods under `/api/v1` too.
//!
//! The call limit of the dialect (`X-AC-Call-Limit`, 429 with `Retry-After`) is
//! [`call_limit`], a layer over these routes only; [`errors`] writes its 429.

pub mod call_limit;
pub mod customers;
pub mod errors;
pub mod orders;
pub mod products;
pub mod query;
pub mod values;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::ser::SerializeMap;
use serde_json::{json, Map, Value};

use super::routes::Route;
use super::translate;
use super::translate::operation::{not_found, run, ListRoot};
use super::translate::params::Params;
use super::translate::resource::Resource;
use super::{Kind, Refusal, RestState};
use crate::auth::Principal;
pub use errors::SparkPayError;

/// The dialect's path prefix.
pub const PREFIX: &str = "/api/v1";

/// Spark Pay's routes, by resource.
pub const ROUTES: &[&[Route]] = &[customers::ROUTES, orders::ROUTES, products::ROUTES];

/// Spark Pay's routes (each `….json` path also without its suffix), with its 404 and 405
/// under `/api/v1`.
pub fn router(state: RestState) -> Router {
    let mut router: Router<RestState> = Router::new();
    for r in ROUTES.iter().flat_map(|g| g.iter()) {
        router = router.route(r.path, (r.handler)());
        if let Some(bare) = r.path.strip_suffix(".json") {
            router = router.route(bare, (r.handler)());
        }
    }
    router
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            call_limit::layer,
        ))
        .route(PREFIX, axum::routing::any(unknown_route))
        .route(
            &format!("{PREFIX}/{{*path}}"),
            axum::routing::any(unknown_route),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// 404 for a path under `/api/v1` that no route serves.
async fn unknown_route(method: Method, uri: Uri) -> SparkPayError {
    Refusal::not_found(format!("no route {method} {}", uri.path())).into()
}

/// 405 for a served path asked with a method it does not take.
async fn method_not_allowed(method: Method, uri: Uri) -> SparkPayError {
    Refusal::new(
        Kind::MethodNotAllowed,
        format!("{} does not take {method}", uri.path()),
    )
    .into()
}

/// The authenticated caller of a Spark Pay route; a failure is written in its error body.
pub struct Caller(pub Principal);

impl FromRequestParts<RestState> for Caller {
    type Rejection = SparkPayError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &RestState,
    ) -> Result<Self, SparkPayError> {
        if let Some(call_limit::Authenticated(p)) = parts.extensions.remove() {
            return Ok(Caller(p));
        }
        authenticate_caller(state, parts).await.map(Caller)
    }
}

/// Authenticates the caller of a Spark Pay route; a failure is written in its error body.
pub async fn authenticate_caller(
    state: &RestState,
    parts: &Parts,
) -> Result<Principal, SparkPayError> {
    match super::authenticate(state, parts).await {
        Ok(p) => Ok(p),
        Err(r) if r.kind == Kind::AuthenticationRequired => Err(Refusal::new(
            Kind::AuthenticationRequired,
            "X-AC-Auth-Token is required: send an API key (sk_…) or an access token from \
             POST /oauth/token",
        )
        .into()),
        Err(r) => Err(r.into()),
    }
}

/// Spark Pay's part of `GET /openapi.json`.
pub static OPENAPI: super::openapi::Dialect = super::openapi::Dialect {
    routes: ROUTES,
    prefix: "SparkPay",
    error_schema: ("SparkPayError", errors::schema),
    errors: errors::openapi_errors,
    security: || json!([{"ac_auth_token": []}]),
    parameters: |r| {
        if r.method == Method::GET || r.method == Method::DELETE {
            return Vec::new();
        }
        vec![super::openapi::param(
            "Idempotency-Key",
            "header",
            "Retries with the same key get the first answer and write nothing twice (24 h).",
            json!({"type": "string"}),
        )]
    },
    path_parameter: |name| {
        super::openapi::param(
            name,
            "path",
            "The record's integer ID, with or without `.json` (`1402339112.json`).",
            json!({"type": "string", "pattern": "^[0-9]+(\\.json)?$"}),
        )
    },
};

/// The list route at `path` (`/api/v1/orders.json`, or without its `.json`).
pub fn list_at(path: &str) -> Option<&'static List> {
    let lists: [(&str, &'static List); 3] = [
        ("/api/v1/customers", &customers::LIST),
        ("/api/v1/orders", &orders::LIST),
        ("/api/v1/products", &products::LIST),
    ];
    let bare = path.strip_suffix(".json").unwrap_or(path);
    lists.iter().find(|(p, _)| *p == bare).map(|(_, l)| *l)
}

/// A list route: its GraphQL root and the key its page is written under.
pub struct List {
    pub key: &'static str,
    pub root: &'static ListRoot,
}

/// A page of `list` for the request's query string, in the list metadata object.
pub async fn list(
    state: &RestState,
    principal: Principal,
    headers: &HeaderMap,
    uri: &Uri,
    list: &'static List,
) -> Result<Response, SparkPayError> {
    let params = query::list(uri.query(), list.root)?;
    let page = state
        .translator
        .list(&state.app, principal, list.root, &params)
        .await?;
    let (n, count) = (params.page(), params.limit());
    let last = page.count.div_ceil(u64::from(count)).max(1);
    if u64::from(n) > last {
        return Err(Refusal::not_found(format!(
            "page {n} is past the last page ({last} of {count} records)"
        ))
        .into());
    }
    let envelope = Envelope {
        total_count: page.count,
        next_page: (u64::from(n) < last).then(|| page_url(headers, uri, n + 1)),
        previous_page: (n > 1).then(|| page_url(headers, uri, n - 1)),
        key: list.key,
        rows: page.rows(),
    };
    match serde_json::to_vec(&envelope) {
        Ok(body) => Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response()),
        Err(e) => Err(Refusal::internal(e).into()),
    }
}

/// The list metadata object, its rows written straight from the executor's answer.
struct Envelope<R> {
    total_count: u64,
    next_page: Option<String>,
    previous_page: Option<String>,
    key: &'static str,
    rows: R,
}

impl<R: serde::Serialize> serde::Serialize for Envelope<R> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(4))?;
        map.serialize_entry("total_count", &self.total_count)?;
        map.serialize_entry("next_page", &self.next_page)?;
        map.serialize_entry("previous_page", &self.previous_page)?;
        map.serialize_entry(self.key, &self.rows)?;
        map.end()
    }
}

/// The absolute URL of page `n` of this request: its query string with `page` replaced.
fn page_url(headers: &HeaderMap, uri: &Uri, n: u32) -> String {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let scheme = text("x-forwarded-proto")
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|s| *s == "https" || *s == "http")
        .unwrap_or("http");
    let page = format!("page={n}");
    let query: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or("");
            url::form_urlencoded::parse(key.as_bytes())
                .next()
                .is_none_or(|(k, _)| k != "page")
        })
        .chain(std::iter::once(page.as_str()))
        .collect();
    let path_and_query = format!("{}?{}", uri.path(), query.join("&"));
    match text("host") {
        Some(host) => format!("{scheme}://{host}{path_and_query}"),
        None => path_and_query,
    }
}

/// One `resource` read by `root_field(id:)` for a record route's query string.
pub async fn show(
    state: &RestState,
    principal: Principal,
    query: Option<&str>,
    root_field: &'static str,
    resource: &'static Resource,
    id: &str,
) -> Result<Json<Value>, SparkPayError> {
    let params = query::one(query)?;
    let row = state
        .translator
        .show(&state.app, principal, root_field, resource, id, &params)
        .await?;
    Ok(Json(row))
}

/// A write: the mutation document around `resource`'s selection (`{SELECTION}` as the
/// argument of `text`), its payload aliased `w`, and where the written record is in it.
pub struct Write {
    /// Names the shape in the translator's cache.
    pub route: &'static str,
    pub resource: &'static Resource,
    pub text: fn(&str) -> String,
    /// The record in the payload (`/customer`, `/results/0/customer`).
    pub pointer: &'static str,
}

/// How a write's failures name what the client sent: GraphQL argument paths
/// (`input.0.phone`) and input fields (`phone`), each to its body field (`phone_number`).
#[derive(Default)]
pub struct Names {
    pub arguments: Vec<(String, String)>,
    pub fields: Vec<(String, String)>,
}

/// Runs `w` with `vars` and answers its record in the resource's shape; the payload's user
/// errors (and each result's) refuse it ([`errors::user_errors`]).
pub async fn write(
    state: &RestState,
    principal: Principal,
    w: &Write,
    vars: Map<String, Value>,
    names: &Names,
) -> Result<Value, SparkPayError> {
    let built = state
        .translator
        .operation(w.route, w.resource, &Params::default(), w.text)?;
    let data = run(&state.app, principal, &built.text, vars, &names.arguments).await?;
    let payload = data.get("w").cloned().unwrap_or(Value::Null);
    let mut lists = vec![payload.get("userErrors")];
    if let Some(results) = payload.get("results").and_then(Value::as_array) {
        lists.extend(results.iter().map(|r| r.get("userErrors")));
    }
    for errors in lists.into_iter().flatten() {
        if let Some(r) = errors::user_errors(errors, &names.fields) {
            return Err(r.into());
        }
    }
    match payload.pointer(w.pointer) {
        Some(Value::Object(row)) => Ok(built.plan.reshape(row)),
        _ => Err(not_found(w.resource).into()),
    }
}

/// Runs a delete (`text` with `vars`): 204 when the payload at `deleted` names what it
/// deleted; 404 when its only errors are NOT_FOUND (nothing of the caller's has that ID);
/// else its user errors.
pub async fn delete(
    state: &RestState,
    principal: Principal,
    text: &str,
    vars: Map<String, Value>,
    (deleted, user_errors): (&str, &str),
    resource: &'static Resource,
) -> Result<StatusCode, SparkPayError> {
    let data = run(
        &state.app,
        principal,
        text,
        vars,
        &[
            ("id".into(), "id".into()),
            ("orderId".into(), "id".into()),
            ("ids".into(), "id".into()),
        ],
    )
    .await?;
    let done = match data.pointer(deleted) {
        Some(Value::String(_)) => true,
        Some(Value::Array(l)) => !l.is_empty(),
        _ => false,
    };
    if done {
        return Ok(StatusCode::NO_CONTENT);
    }
    let errors = data.pointer(user_errors).cloned().unwrap_or(Value::Null);
    let only_not_found = errors
        .as_array()
        .is_none_or(|l| l.iter().all(|e| e.get("code") == Some(&json!("NOT_FOUND"))));
    if only_not_found {
        return Err(not_found(resource).into());
    }
    Err(errors::user_errors(&errors, &[])
        .unwrap_or_else(|| not_found(resource))
        .into())
}

/// The public ID of the record of `kind` a POST body's `id` names, when the caller has one
/// (`root_field(id:)` reads it): Spark Pay's POST then updates it instead of creating. A
/// body `id` that is not a whole number is a 400; one that names nothing is `None`. Read
/// first, so the write that follows is the request's only one (its `Idempotency-Key` keyed
/// to it).
pub async fn existing(
    state: &RestState,
    principal: Principal,
    id: Option<Value>,
    kind: crate::ids::Kind,
    root_field: &str,
) -> Result<Option<String>, SparkPayError> {
    let Some(id) = id.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let n = match &id {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        Refusal::param(
            "id",
            format!(
                "must be a {} ID (a whole number), not {}",
                kind.noun(),
                translate::body::json_type(&id)
            ),
        )
    })?;
    // A number that spells no ID names nothing: a create.
    let Some(public) = crate::ids::integers::to_public(kind, n) else {
        return Ok(None);
    };
    let data = run(
        &state.app,
        principal,
        &format!("query SparkExisting($id: ID!) {{ one: {root_field}(id: $id) {{ id }} }}"),
        Map::from_iter([("id".to_owned(), Value::String(public.clone()))]),
        &[("id".into(), "id".into())],
    )
    .await?;
    Ok(data
        .pointer("/one/id")
        .is_some_and(Value::is_string)
        .then_some(public))
}

/// Refuses any query parameter, for routes that take their input in the body.
pub fn no_query(query: Option<&str>) -> Result<(), Refusal> {
    match query
        .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).next())
        .map(|(k, _)| k.into_owned())
    {
        Some(k) => Err(Refusal::param(&k, "is not a parameter of this route")),
        None => Ok(()),
    }
}

/// Whether `key` is a field `resource` writes in responses (sent back from a GET, it is
/// ignored in a body).
pub fn is_read_only(resource: &Resource, key: &str) -> bool {
    resource.public_fields().any(|f| f.name == key)
        || resource.expands.iter().any(|e| e.name == key)
}

/// A body field no route of the resource writes: 400 naming it, with the writable ones.
pub fn unknown_field(key: &str, writable: &[&str]) -> Refusal {
    Refusal::param(
        key,
        format!(
            "is not a field of this resource (writable: {})",
            writable.join(", ")
        ),
    )
}
