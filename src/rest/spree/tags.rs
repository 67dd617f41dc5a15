//! `GET /api/v3/admin/tags?taggable_type=`: the distinct tags of customers (`Spree::User`,
//! also `Spree::LegacyUser`) or products (`Spree::Product`), over GraphQL's `tags(kind:)`.
//! Orders carry no tags here: `Spree::Order` answers an empty list.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::{Caller, SpreeError};
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::operation::run;
use crate::rest::{Kind, Refusal, RestState};
use axum::http::Method;
use axum::routing::get;

/// Tags one call answers (the GraphQL field's maximum).
const LIMIT: i64 = 1000;

/// The taggable types and the GraphQL `TagKind` each reads (`None`: none carry tags).
const TYPES: &[(&str, Option<&str>)] = &[
    ("Spree::Product", Some("PRODUCT")),
    ("Spree::User", Some("CUSTOMER")),
    ("Spree::LegacyUser", Some("CUSTOMER")),
    ("Spree::Order", None),
];

/// `GET /tags?taggable_type=Spree::User&q=vip` → `{"data": [{"name": "vip"}]}`.
pub async fn list_tags(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, SpreeError> {
    let mut taggable = None;
    let mut search = None;
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "taggable_type" => taggable = Some(v.into_owned()),
            "q" | "q[name_cont]" => search = Some(v.into_owned()),
            other => {
                return Err(Refusal::param(
                    other,
                    "is not a parameter of this route (taggable_type, q)",
                )
                .into())
            }
        }
    }
    let Some(taggable) = taggable.filter(|t| !t.is_empty()) else {
        return Err(Refusal::param("taggable_type", "is required").into());
    };
    let Some((_, kind)) = TYPES.iter().find(|(t, _)| *t == taggable) else {
        let mut r = Refusal::new(
            Kind::Validation,
            "taggable_type must be one of Spree::Product, Spree::Order, Spree::User",
        );
        r.details.insert(
            "taggable_type".into(),
            vec!["is not a taggable type".into()],
        );
        r.code = Some("INVALID".into());
        return Ok(SpreeError(r).with_route_code("invalid_taggable_type"));
    };
    let Some(kind) = kind else {
        return Ok(Json(json!({"data": []})).into_response());
    };
    let text = "query RestTags($kind: TagKind!, $search: String, $first: Int!) { tags(kind: \
                $kind, search: $search, first: $first) }";
    let mut vars = Map::new();
    vars.insert("kind".into(), json!(kind));
    vars.insert("search".into(), json!(search));
    vars.insert("first".into(), json!(LIMIT));
    let data = run(
        &state.app,
        principal,
        text,
        vars,
        &[("search".into(), "q".into())],
    )
    .await?;
    let names: Vec<Value> = data
        .get("tags")
        .and_then(Value::as_array)
        .map(|l| l.iter().map(|t| json!({"name": t})).collect())
        .unwrap_or_default();
    Ok(Json(json!({"data": names})).into_response())
}

/// The tag route. Its scope follows the taggable type: `read_customers` for customers,
/// `read_products` for products.
pub static ROUTES: &[Route] = &[Route {
    method: Method::GET,
    path: "/api/v3/admin/tags",
    operation_id: "listTags",
    summary: "List the distinct tags of customers (Spree::User) or products (Spree::Product)",
    scope: "read_products",
    query: Query::None,
    body: Body::None,
    answer: Answer::Schema(|| {
        json!({"type": "object", "required": ["data"], "properties": {"data": {"type": "array",
            "items": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"}}}}}})
    }),
    handler: || get(list_tags),
}];
