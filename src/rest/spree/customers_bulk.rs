//! `POST /api/v3/admin/customers/bulk_*`: tags and group memberships of many customers at
//! once, answered with Spree's counts.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Map, Value};

use super::{Caller, SpreeError};
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body;
use crate::rest::translate::operation::run;
use crate::rest::{Refusal, RestState};
use axum::http::Method;
use axum::routing::post;

/// Groups one `bulk_*_groups` call may name (each is one aliased mutation).
const MAX_GROUPS: usize = 50;

/// The body's required list of strings `field` (IDs or tags).
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

async fn tags(
    state: &RestState,
    principal: crate::auth::Principal,
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
        "mutation RestCustomerTags($ids: [ID!]!, $tags: [String!]!, $key: String) {{ w: \
         {mutation}(ids: $ids, tags: $tags, idempotencyKey: $key) {{ customers {{ id }} \
         userErrors {{ field code message }} }} }}"
    );
    let tag_count = tags.len();
    let mut vars = Map::new();
    vars.insert("ids".into(), json!(ids));
    vars.insert("tags".into(), json!(tags));
    vars.insert("key".into(), body::idempotency_key(headers));
    let names = [("ids".into(), "ids".into()), ("tags".into(), "tags".into())];
    let data = run(&state.app, principal, &text, vars, &names).await?;
    if let Some(r) = data
        .pointer("/w/userErrors")
        .and_then(|e| body::user_errors(e, &names))
    {
        return Err(r.into());
    }
    let customer_count = data
        .pointer("/w/customers")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    Ok(Json(
        json!({"customer_count": customer_count, "tag_count": tag_count}),
    ))
}

/// `POST /customers/bulk_add_tags`: `{ids, tags}` → `{customer_count, tag_count}`.
pub async fn bulk_add_tags(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    tags(&state, principal, &headers, &body, "customersAddTags").await
}

/// `POST /customers/bulk_remove_tags`.
pub async fn bulk_remove_tags(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    tags(&state, principal, &headers, &body, "customersRemoveTags").await
}

/// One aliased membership mutation per group, each its own transaction (a failure in one
/// group is reported; groups before it keep their change, as Spree's loop does).
async fn groups(
    state: &RestState,
    principal: crate::auth::Principal,
    headers: &HeaderMap,
    body: &[u8],
    mutation: &str,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(headers, body)?;
    only(&object, &["ids", "customer_group_ids"])?;
    let ids = strings(&object, "ids")?;
    let mut groups = strings(&object, "customer_group_ids")?;
    groups.dedup();
    if groups.len() > MAX_GROUPS {
        return Err(Refusal::param(
            "customer_group_ids",
            format!("takes at most {MAX_GROUPS} groups"),
        )
        .into());
    }
    let mut text = String::from("mutation RestCustomerGroups($ids: [ID!]!");
    for i in 0..groups.len() {
        text.push_str(&format!(", $g{i}: ID!, $k{i}: String"));
    }
    text.push_str(") {");
    for i in 0..groups.len() {
        text.push_str(&format!(
            " g{i}: {mutation}(id: $g{i}, customerIds: $ids, idempotencyKey: $k{i}) {{ customerGroup {{ id }} userErrors {{ field code message }} }}"
        ));
    }
    text.push_str(" }");
    // Each group's mutation is its own write: it takes the header's key suffixed with the
    // group's position, so a retry replays every group and the keys do not collide.
    let key = body::idempotency_key(headers);
    let mut vars = Map::new();
    vars.insert("ids".into(), json!(ids));
    let mut names = vec![("customerIds".into(), "ids".into())];
    for (i, g) in groups.iter().enumerate() {
        vars.insert(format!("g{i}"), json!(g));
        let k = key
            .as_str()
            .map_or(Value::Null, |k| json!(format!("{k}:{i}")));
        vars.insert(format!("k{i}"), k);
        names.push((format!("g{i}"), "customer_group_ids".into()));
    }
    let data = run(&state.app, principal, &text, vars, &names).await?;
    for (i, group) in groups.iter().enumerate() {
        let errors = data
            .pointer(&format!("/g{i}/userErrors"))
            .cloned()
            .unwrap_or(Value::Null);
        if let Some(mut r) = body::user_errors(&errors, &[("customerIds".into(), "ids".into())]) {
            if r.code.as_deref() == Some("NOT_FOUND") && r.details.contains_key("base") {
                r = Refusal::not_found(format!("Customer group {group} not found"))
                    .with_code("NOT_FOUND");
            }
            return Err(r.into());
        }
    }
    Ok(Json(
        json!({"customer_count": ids.len(), "customer_group_count": groups.len()}),
    ))
}

/// `POST /customers/bulk_add_to_groups`: `{ids, customer_group_ids}` →
/// `{customer_count, customer_group_count}`.
pub async fn bulk_add_to_groups(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    groups(
        &state,
        principal,
        &headers,
        &body,
        "customerGroupAddCustomers",
    )
    .await
}

/// `POST /customers/bulk_remove_from_groups`.
pub async fn bulk_remove_from_groups(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    groups(
        &state,
        principal,
        &headers,
        &body,
        "customerGroupRemoveCustomers",
    )
    .await
}

fn ids_and(field: &str) -> Value {
    json!({"type": "object", "required": ["ids", field], "properties": {
        "ids": {"type": "array", "items": {"type": "string"}},
        field: {"type": "array", "items": {"type": "string"}}}})
}

fn counts(second: &str) -> Value {
    json!({"type": "object", "required": ["customer_count", second], "properties": {
        "customer_count": {"type": "integer"}, second: {"type": "integer"}}})
}

/// The bulk customer routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::POST,
        path: "/api/v3/admin/customers/bulk_add_tags",
        operation_id: "bulkAddCustomerTags",
        summary: "Add tags to customers",
        scope: "write_customers",
        query: Query::None,
        body: Body::Schema(|| ids_and("tags")),
        answer: Answer::Schema(|| counts("tag_count")),
        handler: || post(bulk_add_tags),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/customers/bulk_remove_tags",
        operation_id: "bulkRemoveCustomerTags",
        summary: "Remove tags from customers",
        scope: "write_customers",
        query: Query::None,
        body: Body::Schema(|| ids_and("tags")),
        answer: Answer::Schema(|| counts("tag_count")),
        handler: || post(bulk_remove_tags),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/customers/bulk_add_to_groups",
        operation_id: "bulkAddCustomersToGroups",
        summary: "Add customers to groups",
        scope: "write_customers",
        query: Query::None,
        body: Body::Schema(|| ids_and("customer_group_ids")),
        answer: Answer::Schema(|| counts("customer_group_count")),
        handler: || post(bulk_add_to_groups),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/customers/bulk_remove_from_groups",
        operation_id: "bulkRemoveCustomersFromGroups",
        summary: "Remove customers from groups",
        scope: "write_customers",
        query: Query::None,
        body: Body::Schema(|| ids_and("customer_group_ids")),
        answer: Answer::Schema(|| counts("customer_group_count")),
        handler: || post(bulk_remove_from_groups),
    },
];
