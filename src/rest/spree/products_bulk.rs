//! `/api/v3/admin/products/bulk_*`: status, channels, tags and deletion of many products at
//! once, answered with Spree's counts.
//!
//! As the spec says: `bulk_status_update` drops IDs that are not the caller's products (and
//! counts the others), the channel routes ignore channels that are not the caller's. The rest
//! is all or nothing: an unknown product is 404 and nothing is written.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::{Caller, SpreeError};
use crate::auth::Principal;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body;
use crate::rest::translate::operation::run;
use crate::rest::{Kind, Refusal, RestState};
use axum::http::Method;
use axum::routing::{delete, post};

/// The body's required, non-empty list of strings `field` (IDs or tags).
fn strings(object: &Map<String, Value>, field: &str) -> Result<Vec<String>, Refusal> {
    let list = body::id_list(object, field)?.ok_or_else(|| Refusal::param(field, "is required"))?;
    if list.is_empty() {
        return Err(Refusal::param(field, "must not be empty"));
    }
    Ok(list)
}

/// Refuses any body field but `allowed`.
fn only(object: &Map<String, Value>, allowed: &[&str]) -> Result<(), Refusal> {
    match object.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(Refusal::param(
            k,
            format!("is not a field of this route ({})", allowed.join(", ")),
        )),
        None => Ok(()),
    }
}

/// A payload's `userErrors` as Spree's error: an unknown product (NOT_FOUND at `["ids", i]`)
/// is 404 naming it; the rest 422.
fn refused(errors: &Value, ids: &[String]) -> Option<Refusal> {
    let first = errors.as_array()?.first()?;
    if first.get("code") == Some(&json!("NOT_FOUND")) {
        let index = first
            .pointer("/field/1")
            .and_then(Value::as_str)
            .and_then(|i| i.parse::<usize>().ok());
        let id = index.and_then(|i| ids.get(i)).map_or("", String::as_str);
        return Some(Refusal::not_found(format!("Product {id} not found")).with_code("NOT_FOUND"));
    }
    let mut r = body::user_errors(errors, &[("ids".into(), "ids".into())])?;
    if r.kind == Kind::NotFound {
        r.kind = Kind::Validation;
    }
    Some(r)
}

/// `POST /products/bulk_status_update`: `{ids, status}` → `{product_count, status}`; IDs that
/// are not the caller's products are dropped, an invalid status is 422 `invalid_status`.
pub async fn bulk_status_update(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SpreeError> {
    let object = body::object(&headers, &body)?;
    only(&object, &["ids", "status"])?;
    let ids = strings(&object, "ids")?;
    let status = match object.get("status") {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => return Err(Refusal::param("status", "is required").into()),
        Some(_) => return Err(Refusal::param("status", "must be a string").into()),
    };
    let text = "mutation RestProductsStatus($ids: [ID!]!, $status: String!, $key: String) { w: \
                productsSetStatus(ids: $ids, status: $status, idempotencyKey: $key) { products \
                { id status } userErrors { field code message } } }";
    let mut vars = Map::new();
    vars.insert("ids".into(), json!(ids));
    vars.insert("status".into(), json!(status));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = [
        ("ids".into(), "ids".into()),
        ("status".into(), "status".into()),
    ];
    let data = run(&state.app, principal, text, vars, &names).await?;
    let errors = data
        .pointer("/w/userErrors")
        .cloned()
        .unwrap_or(Value::Null);
    // Unknown IDs are dropped, as Spree drops other stores' products.
    let invalid: Vec<Value> = errors
        .as_array()
        .map(|l| {
            l.iter()
                .filter(|e| e.get("code") != Some(&json!("NOT_FOUND")))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if let Some(r) = body::user_errors(&Value::Array(invalid), &names) {
        return Ok(SpreeError(r).with_route_code("invalid_status"));
    }
    let products = data
        .pointer("/w/products")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let status = products
        .first()
        .and_then(|p| p.get("status"))
        .cloned()
        .unwrap_or_else(|| json!(status.trim().to_lowercase()));
    Ok(Json(json!({"product_count": products.len(), "status": status})).into_response())
}

/// `productsAddToChannels` / `productsRemoveFromChannels`: one statement for every channel,
/// all or nothing (an unknown product is 404); channels that are not the caller's are skipped.
/// Answers the products, the channels written and the publications changed.
async fn channels(
    state: &RestState,
    principal: Principal,
    headers: &HeaderMap,
    body: &[u8],
    mutation: &str,
) -> Result<(Vec<String>, usize, usize), SpreeError> {
    let object = body::object(headers, body)?;
    only(&object, &["ids", "channel_ids"])?;
    let ids = strings(&object, "ids")?;
    let channels = strings(&object, "channel_ids")?;
    let text = format!(
        "mutation RestProductsChannels($ids: [ID!]!, $channels: [ID!]!, $key: String) {{ \
         r: {mutation}(ids: $ids, channelIds: $channels, idempotencyKey: $key) {{ \
         channels {{ id }} changed userErrors {{ field code message }} }} }}"
    );
    let mut vars = Map::new();
    vars.insert("ids".into(), json!(ids));
    vars.insert("channels".into(), json!(channels));
    vars.insert("key".into(), body::idempotency_key(headers));
    let names = [
        ("ids".into(), "ids".into()),
        ("channelIds".into(), "channel_ids".into()),
    ];
    let data = run(&state.app, principal, &text, vars, &names).await?;
    let errors = data
        .pointer("/r/userErrors")
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(r) = refused(&errors, &ids) {
        return Err(r.into());
    }
    let found = data
        .pointer("/r/channels")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let changed = data
        .pointer("/r/changed")
        .and_then(Value::as_u64)
        .map_or(0, |n| n as usize);
    Ok((ids, found, changed))
}

/// `POST /products/bulk_add_to_channels`: `{ids, channel_ids}` → `{product_count,
/// channel_count}`.
pub async fn bulk_add_to_channels(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let (ids, channels, _) =
        channels(&state, principal, &headers, &body, "productsAddToChannels").await?;
    Ok(Json(
        json!({"product_count": ids.len(), "channel_count": channels}),
    ))
}

/// `POST /products/bulk_remove_from_channels`: → `{product_count, channel_count, removed}`
/// (`removed`: publications that existed).
pub async fn bulk_remove_from_channels(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let (ids, channels, removed) = channels(
        &state,
        principal,
        &headers,
        &body,
        "productsRemoveFromChannels",
    )
    .await?;
    Ok(Json(
        json!({"product_count": ids.len(), "channel_count": channels, "removed": removed}),
    ))
}

async fn tags(
    state: &RestState,
    principal: Principal,
    headers: &HeaderMap,
    body: &[u8],
    mutation: &str,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(headers, body)?;
    only(&object, &["ids", "tags"])?;
    let ids = strings(&object, "ids")?;
    let mut tags = strings(&object, "tags")?;
    tags.sort();
    tags.dedup();
    let text = format!(
        "mutation RestProductTags($ids: [ID!]!, $tags: [String!]!, $key: String) {{ w: \
         {mutation}(ids: $ids, tags: $tags, idempotencyKey: $key) {{ products {{ id }} \
         userErrors {{ field code message }} }} }}"
    );
    let tag_count = tags.len();
    let mut vars = Map::new();
    vars.insert("ids".into(), json!(ids));
    vars.insert("tags".into(), json!(tags));
    vars.insert("key".into(), body::idempotency_key(headers));
    let names = [("ids".into(), "ids".into()), ("tags".into(), "tags".into())];
    let data = run(&state.app, principal, &text, vars, &names).await?;
    if let Some(r) = data.pointer("/w/userErrors").and_then(|e| refused(e, &ids)) {
        return Err(r.into());
    }
    let product_count = data
        .pointer("/w/products")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    Ok(Json(
        json!({"product_count": product_count, "tag_count": tag_count}),
    ))
}

/// `POST /products/bulk_add_tags`: `{ids, tags}` → `{product_count, tag_count}`.
pub async fn bulk_add_tags(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    tags(&state, principal, &headers, &body, "productsAddTags").await
}

/// `POST /products/bulk_remove_tags`.
pub async fn bulk_remove_tags(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    tags(&state, principal, &headers, &body, "productsRemoveTags").await
}

/// `DELETE /products/bulk_destroy`: `{ids}` → `{product_count}`, all or nothing (an unknown
/// product is 404, one orders use 422).
pub async fn bulk_destroy(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(&headers, &body)?;
    only(&object, &["ids"])?;
    let ids = strings(&object, "ids")?;
    let text = "mutation RestProductsDelete($ids: [ID!]!, $key: String) { w: productsDelete(\
                ids: $ids, idempotencyKey: $key) { deletedIds userErrors { field code message } } }";
    let mut vars = Map::new();
    vars.insert("ids".into(), json!(ids));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let data = run(
        &state.app,
        principal,
        text,
        vars,
        &[("ids".into(), "ids".into())],
    )
    .await?;
    if let Some(r) = data.pointer("/w/userErrors").and_then(|e| refused(e, &ids)) {
        return Err(r.into());
    }
    let count = data
        .pointer("/w/deletedIds")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    Ok(Json(json!({"product_count": count})))
}

fn ids_and(field: &str) -> Value {
    json!({"type": "object", "required": ["ids", field], "properties": {
        "ids": {"type": "array", "items": {"type": "string"}},
        field: {"type": "array", "items": {"type": "string"}}}})
}

fn counts(fields: &[&str]) -> Value {
    let props: Map<String, Value> = fields
        .iter()
        .map(|f| ((*f).to_owned(), json!({"type": "integer"})))
        .collect();
    json!({"type": "object", "required": fields, "properties": props})
}

/// The bulk product routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::POST,
        path: "/api/v3/admin/products/bulk_status_update",
        operation_id: "bulkUpdateProductStatus",
        summary: "Set the status of products (IDs that are not the caller's are dropped)",
        scope: "write_products",
        query: Query::None,
        body: Body::Schema(|| {
            json!({"type": "object", "required": ["ids", "status"], "properties": {
                "ids": {"type": "array", "items": {"type": "string"}},
                "status": {"type": "string", "enum": ["draft", "active", "archived"]}}})
        }),
        answer: Answer::Schema(|| {
            json!({"type": "object", "required": ["product_count", "status"], "properties": {
                "product_count": {"type": "integer"}, "status": {"type": "string"}}})
        }),
        handler: || post(bulk_status_update),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/products/bulk_add_to_channels",
        operation_id: "bulkAddProductsToChannels",
        summary: "Publish products on channels (channels that are not the caller's are ignored)",
        scope: "write_products",
        query: Query::None,
        body: Body::Schema(|| ids_and("channel_ids")),
        answer: Answer::Schema(|| counts(&["product_count", "channel_count"])),
        handler: || post(bulk_add_to_channels),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/products/bulk_remove_from_channels",
        operation_id: "bulkRemoveProductsFromChannels",
        summary: "Unpublish products from channels",
        scope: "write_products",
        query: Query::None,
        body: Body::Schema(|| ids_and("channel_ids")),
        answer: Answer::Schema(|| counts(&["product_count", "channel_count", "removed"])),
        handler: || post(bulk_remove_from_channels),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/products/bulk_add_tags",
        operation_id: "bulkAddProductTags",
        summary: "Add tags to products (all or nothing)",
        scope: "write_products",
        query: Query::None,
        body: Body::Schema(|| ids_and("tags")),
        answer: Answer::Schema(|| counts(&["product_count", "tag_count"])),
        handler: || post(bulk_add_tags),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/products/bulk_remove_tags",
        operation_id: "bulkRemoveProductTags",
        summary: "Remove tags from products (all or nothing)",
        scope: "write_products",
        query: Query::None,
        body: Body::Schema(|| ids_and("tags")),
        answer: Answer::Schema(|| counts(&["product_count", "tag_count"])),
        handler: || post(bulk_remove_tags),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/products/bulk_destroy",
        operation_id: "bulkDestroyProducts",
        summary: "Delete products (all or nothing)",
        scope: "write_products",
        query: Query::None,
        body: Body::Schema(|| {
            json!({"type": "object", "required": ["ids"], "properties": {
                "ids": {"type": "array", "items": {"type": "string"}}}})
        }),
        answer: Answer::Schema(|| counts(&["product_count"])),
        handler: || delete(bulk_destroy),
    },
];
