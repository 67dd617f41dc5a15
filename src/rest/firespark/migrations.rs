//! `/api/admin/v1/migrations/…`: legacy imports with an exact revert, onto
//! `migrationCustomersImport`, `migrationOrdersImport`, `migrationBatch` and `migrationRevert`
//! (scope `migrations:write`).
//!
//! `POST /migrations/customers` and `POST /migrations/orders` take the rows as a JSON array, or
//! as `{"rows": [...], "source": "legacy-crm", "error_policy": "reject_failed_rows"}`; each row
//! is keyed by its `external_id` (the legacy system's id), so sending a batch again changes
//! nothing. Small batches run in the request (201 with the finished batch), large ones are
//! queued for a worker (202: poll `GET /migrations/{id}`). `POST /migrations/{id}/revert`
//! restores what the batch changed; rows edited since are left and reported as conflicts.
//! Rows and answers are snake_case; a batch answers with its first failed or conflicting rows.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde_json::{json, Map, Value};

use super::errors::FiresparkError;
use super::Caller;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body;
use crate::rest::translate::operation::{run, snake};
use crate::rest::{Refusal, RestState};

/// Rows one request may carry (the import's own limit).
pub const MAX_ROWS: usize = 100_000;

/// Failed or conflicting rows an answer lists (`GET /migrations/{id}` reads more with
/// `from_index`).
const ROWS_SHOWN: usize = 100;

const BATCH: &str = "id kind status errorPolicy source totalRows processedRows createdRows \
    updatedRows unchangedRows errorCount revertedRows conflictCount error attempts createdAt \
    startedAt finishedAt revertedAt updatedAt";

/// The rows of a batch the answer lists: failed rows, then rows a revert left.
fn rows_selection(from: usize) -> String {
    format!(
        "failed: rows(only: FAILED, fromIndex: {from}, first: {ROWS_SHOWN}) {{ index externalId \
         userErrors {{ field code message }} }} \
         conflicts: rows(only: CONFLICTS, fromIndex: {from}, first: {ROWS_SHOWN}) {{ index \
         externalId recordId revertReason }}"
    )
}

/// `firstName` → `first_name`, in every object key of `v`; enum values lower-cased.
fn snake_keys(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let v = match k.as_str() {
                        "kind" | "status" | "errorPolicy" | "code" => lower(v),
                        _ => snake_keys(v),
                    };
                    (snake(&k), v)
                })
                .collect(),
        ),
        Value::Array(l) => Value::Array(l.into_iter().map(snake_keys).collect()),
        other => other,
    }
}

fn lower(v: Value) -> Value {
    match v {
        Value::String(s) => Value::String(s.to_ascii_lowercase()),
        other => other,
    }
}

/// `first_name` → `firstName`.
fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut up = false;
    for c in name.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A row (or line item) of the body as the GraphQL input object: keys camelCased, the order
/// `status` upper-cased (`complete` → COMPLETE), `line_items` converted too.
fn row_input(i: usize, row: Value) -> Result<Value, Refusal> {
    let Value::Object(row) = row else {
        return Err(Refusal::param(
            &format!("rows[{i}]"),
            format!("must be a JSON object, not {}", body::json_type(&row)),
        ));
    };
    let mut out = Map::with_capacity(row.len());
    for (k, v) in row {
        let v = match (k.as_str(), v) {
            ("status", Value::String(s)) => Value::String(s.to_ascii_uppercase()),
            ("line_items", Value::Array(items)) => Value::Array(
                items
                    .into_iter()
                    .map(|item| match item {
                        Value::Object(m) => {
                            Value::Object(m.into_iter().map(|(k, v)| (camel(&k), v)).collect())
                        }
                        other => other,
                    })
                    .collect(),
            ),
            (_, v) => v,
        };
        out.insert(camel(&k), v);
    }
    Ok(Value::Object(out))
}

/// A batch's body: its rows, `source` label and `error_policy` (upper-cased).
type Batch = (Vec<Value>, Option<String>, Option<String>);

/// The body: an array of rows, or `{rows, source, error_policy}`.
fn batch_body(headers: &HeaderMap, bytes: &[u8]) -> Result<Batch, Refusal> {
    let (rows, source, policy) = match body::json(headers, bytes)? {
        Value::Array(rows) => (rows, None, None),
        Value::Object(mut o) => {
            if let Some(k) = o
                .keys()
                .find(|k| !matches!(k.as_str(), "rows" | "source" | "error_policy"))
            {
                return Err(Refusal::param(
                    k,
                    "is not a field of a batch (rows, source, error_policy)",
                ));
            }
            let rows = match o.remove("rows") {
                Some(Value::Array(rows)) => rows,
                Some(other) => {
                    return Err(Refusal::param(
                        "rows",
                        format!("must be an array, not {}", body::json_type(&other)),
                    ))
                }
                None => return Err(Refusal::param("rows", "is required")),
            };
            let text = |k: &str, v: Option<Value>| match v {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(other) => Err(Refusal::param(
                    k,
                    format!("must be a string, not {}", body::json_type(&other)),
                )),
            };
            let source = text("source", o.remove("source"))?;
            let policy =
                text("error_policy", o.remove("error_policy"))?.map(|p| p.to_ascii_uppercase());
            if let Some(p) = &policy {
                if !matches!(p.as_str(), "REJECT_FAILED_ROWS" | "REJECT_EVERYTHING") {
                    return Err(Refusal::param(
                        "error_policy",
                        "must be reject_failed_rows or reject_everything",
                    ));
                }
            }
            (rows, source, policy)
        }
        other => {
            return Err(Refusal::param(
                "body",
                format!(
                    "must be a JSON array of rows or an object with `rows`, not {}",
                    body::json_type(&other)
                ),
            ))
        }
    };
    if rows.is_empty() {
        return Err(Refusal::param("rows", "give at least one row"));
    }
    if rows.len() > MAX_ROWS {
        return Err(Refusal::param(
            "rows",
            format!("at most {MAX_ROWS} rows per batch, got {}", rows.len()),
        ));
    }
    Ok((rows, source, policy))
}

/// The batch of a payload or query as the answer writes it: snake_case, with its failed and
/// conflicting rows; a row error's `field` is named as the row named it
/// (`["rows", "3", "lineItems", "0", "sku"]` → `line_items[0].sku`).
fn batch_answer(batch: &Value) -> Value {
    let mut out = snake_keys(batch.clone());
    if let Some(rows) = out.get_mut("failed").and_then(Value::as_array_mut) {
        for e in rows
            .iter_mut()
            .filter_map(|r| r.get_mut("user_errors").and_then(Value::as_array_mut))
            .flatten()
        {
            if let Some(Value::Array(path)) = e.get("field") {
                let segments: Vec<&str> = path.iter().filter_map(Value::as_str).collect();
                let below = match segments.as_slice() {
                    ["rows", i, rest @ ..] if super::errors::is_index(i) => rest,
                    other => other,
                };
                e["field"] = Value::String(rest_name(below));
            }
        }
    }
    out
}

/// GraphQL path segments as the body names them: `lineItems`, `0`, `sku` → `line_items[0].sku`.
fn rest_name(segments: &[&str]) -> String {
    let mut n = String::new();
    for s in segments {
        if super::errors::is_index(s) {
            n.push_str(&format!("[{s}]"));
        } else {
            if !n.is_empty() {
                n.push('.');
            }
            n.push_str(&snake(s));
        }
    }
    n
}

/// 201 for a batch that finished in the request, 202 for one a worker will run.
fn status_of(batch: &Value) -> StatusCode {
    match batch.get("status").and_then(Value::as_str) {
        Some("QUEUED" | "RUNNING" | "REVERTING") => StatusCode::ACCEPTED,
        _ => StatusCode::CREATED,
    }
}

/// A payload's request-level refusal (`userErrors` outside the rows): 400/422 by its kind.
fn refused(payload: &Value) -> Option<Refusal> {
    let errors = payload.get("userErrors")?.as_array()?;
    let e = errors.first()?;
    let path = super::errors::path(e);
    // The batch the route names (`id`) is not the caller's: 404, as a read of it answers.
    if path.as_slice() == ["id"] && e.get("code").and_then(Value::as_str) == Some("NOT_FOUND") {
        return Some(Refusal::not_found("no such migration batch"));
    }
    let name = match path.as_slice() {
        ["rows", i, rest @ ..] if super::errors::is_index(i) => {
            let below = rest_name(rest);
            if below.is_empty() {
                format!("rows[{i}]")
            } else {
                format!("rows[{i}].{below}")
            }
        }
        ["idempotencyKey", ..] => "Idempotency-Key".to_owned(),
        ["id", ..] => "id".to_owned(),
        [first, ..] => snake(first),
        [] => "body".to_owned(),
    };
    Some(super::errors::user_error(e, name))
}

async fn import(
    state: &RestState,
    principal: crate::auth::Principal,
    headers: &HeaderMap,
    bytes: &[u8],
    mutation: &str,
    input_type: &str,
) -> Result<Response, FiresparkError> {
    let (rows, source, policy) = batch_body(headers, bytes)?;
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| row_input(i, r))
        .collect::<Result<Vec<_>, _>>()?;
    let text = format!(
        "mutation RestFsMigrationImport($rows: [{input_type}!]!, $source: String, \
         $policy: ErrorPolicy, $key: String) {{ w: {mutation}(rows: $rows, source: $source, \
         errorPolicy: $policy, idempotencyKey: $key) {{ batch {{ {BATCH} {} }} \
         userErrors {{ field code message kind }} }} }}",
        rows_selection(0)
    );
    let mut vars = Map::new();
    vars.insert("rows".into(), Value::Array(rows));
    vars.insert("source".into(), json!(source));
    vars.insert("policy".into(), json!(policy));
    vars.insert("key".into(), body::idempotency_key(headers));
    let names = [
        ("rows".to_owned(), "rows".to_owned()),
        ("errorPolicy".to_owned(), "error_policy".to_owned()),
        ("idempotencyKey".to_owned(), "Idempotency-Key".to_owned()),
    ];
    let data = run(&state.app, principal, &text, vars, &names).await?;
    let payload = data.get("w").cloned().unwrap_or(Value::Null);
    match payload.get("batch") {
        Some(batch) if !batch.is_null() => {
            let status = status_of(batch);
            Ok((status, Json(json!({"data": batch_answer(batch)}))).into_response())
        }
        _ => Err(refused(&payload)
            .unwrap_or_else(|| Refusal::internal("an import answered neither a batch nor errors"))
            .into()),
    }
}

/// `POST /migrations/customers`: imports customers keyed by `external_id`.
pub async fn create_customers_migration(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, FiresparkError> {
    super::no_query(query.as_deref())?;
    import(
        &state,
        principal,
        &headers,
        &body,
        "migrationCustomersImport",
        "MigrationCustomerInput",
    )
    .await
}

/// `POST /migrations/orders`: imports historical orders keyed by `external_id`, with their
/// line items, totals, status and times as given.
pub async fn create_orders_migration(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, FiresparkError> {
    super::no_query(query.as_deref())?;
    import(
        &state,
        principal,
        &headers,
        &body,
        "migrationOrdersImport",
        "MigrationOrderInput",
    )
    .await
}

/// `GET /migrations/{id}`: the batch, its progress, and its failed and conflicting rows from
/// `from_index` (default 0, 100 of each).
pub async fn show_migration(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, FiresparkError> {
    let mut from = 0usize;
    for (k, v) in url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "from_index" => {
                from = v.parse().map_err(|_| {
                    Refusal::param("from_index", "must be a whole number of 0 or more")
                })?
            }
            other => return Err(Refusal::param(other, "is not a parameter of this route").into()),
        }
    }
    let text = format!(
        "query RestFsMigration($id: ID!) {{ b: migrationBatch(id: $id) {{ {BATCH} {} }} }}",
        rows_selection(from)
    );
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    let data = run(
        &state.app,
        principal,
        &text,
        vars,
        &[("id".into(), "id".into())],
    )
    .await?;
    match data.get("b") {
        Some(batch) if !batch.is_null() => Ok(Json(json!({"data": batch_answer(batch)}))),
        _ => Err(Refusal::not_found("no such migration batch").into()),
    }
}

/// `POST /migrations/{id}/revert`: restores what the batch changed.
pub async fn revert_migration(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, FiresparkError> {
    super::no_query(query.as_deref())?;
    let text = format!(
        "mutation RestFsMigrationRevert($id: ID!, $key: String) {{ w: migrationRevert(id: $id, \
         idempotencyKey: $key) {{ batch {{ {BATCH} {} }} userErrors {{ field code message kind }} \
         }} }}",
        rows_selection(0)
    );
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = [
        ("id".to_owned(), "id".to_owned()),
        ("idempotencyKey".to_owned(), "Idempotency-Key".to_owned()),
    ];
    let data = run(&state.app, principal, &text, vars, &names).await?;
    let payload = data.get("w").cloned().unwrap_or(Value::Null);
    if let Some(r) = refused(&payload) {
        return Err(r.into());
    }
    match payload.get("batch") {
        Some(batch) if !batch.is_null() => {
            let status = match status_of(batch) {
                StatusCode::ACCEPTED => StatusCode::ACCEPTED,
                _ => StatusCode::OK,
            };
            Ok((status, Json(json!({"data": batch_answer(batch)}))).into_response())
        }
        _ => Err(Refusal::not_found("no such migration batch").into()),
    }
}

fn batch_schema() -> Value {
    json!({"type": "object", "required": ["data"], "properties": {"data": {"type": "object",
        "description": "The batch (`mig_…`): kind, status (queued, running, completed, failed, reverting, reverted), progress counts, times, and its first failed rows (`failed`: index, external_id, user_errors) and rows a revert left (`conflicts`).",
        "required": ["id", "kind", "status", "total_rows", "processed_rows", "error_count"],
        "properties": {
            "id": {"type": "string"}, "kind": {"type": "string", "enum": ["customers", "orders"]},
            "status": {"type": "string"}, "error_policy": {"type": "string"},
            "source": {"type": ["string", "null"]},
            "total_rows": {"type": "integer"}, "processed_rows": {"type": "integer"},
            "created_rows": {"type": "integer"}, "updated_rows": {"type": "integer"},
            "unchanged_rows": {"type": "integer"}, "error_count": {"type": "integer"},
            "reverted_rows": {"type": "integer"}, "conflict_count": {"type": "integer"},
            "error": {"type": ["string", "null"]}, "attempts": {"type": "integer"},
            "created_at": {"type": "string"}, "started_at": {"type": ["string", "null"]},
            "finished_at": {"type": ["string", "null"]}, "reverted_at": {"type": ["string", "null"]},
            "updated_at": {"type": "string"},
            "failed": {"type": "array", "items": {"type": "object"}},
            "conflicts": {"type": "array", "items": {"type": "object"}}}}}})
}

fn rows_schema(kind: &str) -> Value {
    let row = if kind == "customers" {
        json!({"type": "object", "required": ["external_id", "email"], "properties": {
            "external_id": {"type": "string"}, "email": {"type": "string"},
            "first_name": {"type": "string"}, "last_name": {"type": "string"},
            "phone": {"type": "string"}, "accepts_marketing": {"type": "boolean"},
            "marketing_opt_in_at": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
            "metadata": {"type": "object"}, "notes": {"type": "string"}, "created_at": {"type": "string"}}})
    } else {
        json!({"type": "object", "required": ["external_id", "number", "currency", "total", "line_items"], "properties": {
            "external_id": {"type": "string"}, "number": {"type": "string"},
            "customer_id": {"type": "string"}, "customer_external_id": {"type": "string"},
            "email": {"type": "string"}, "currency": {"type": "string"},
            "status": {"type": "string", "description": "draft, complete, canceled… (default complete)"},
            "payment_status": {"type": "string"}, "fulfillment_status": {"type": "string"},
            "channel_id": {"type": "string"}, "store_id": {"type": "string"},
            "item_total": {"type": ["string", "number"]}, "discount_total": {"type": ["string", "number"]},
            "tax_total": {"type": ["string", "number"]}, "delivery_total": {"type": ["string", "number"]},
            "total": {"type": ["string", "number"]}, "notes": {"type": "string"}, "metadata": {"type": "object"},
            "created_at": {"type": "string"}, "completed_at": {"type": "string"}, "canceled_at": {"type": "string"},
            "line_items": {"type": "array", "items": {"type": "object", "required": ["quantity", "price"], "properties": {
                "variant_id": {"type": "string"}, "sku": {"type": "string"}, "quantity": {"type": "integer"},
                "price": {"type": ["string", "number"]}, "discount_total": {"type": ["string", "number"]},
                "total": {"type": ["string", "number"]}, "metadata": {"type": "object"}}}}}})
    };
    json!({"oneOf": [
        {"type": "array", "maxItems": MAX_ROWS, "items": row},
        {"type": "object", "required": ["rows"], "properties": {
            "rows": {"type": "array", "maxItems": MAX_ROWS, "items": row},
            "source": {"type": "string", "description": "A label for the batch (the legacy system, a file name)."},
            "error_policy": {"type": "string", "enum": ["reject_failed_rows", "reject_everything"]}}}]})
}

/// The routes of `/migrations`.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::POST,
        path: "/api/admin/v1/migrations/customers",
        operation_id: "migrateCustomers",
        summary: "Import customers from a legacy system (201 done, 202 queued)",
        scope: "migrations:write",
        query: Query::None,
        body: Body::Schema(|| rows_schema("customers")),
        answer: Answer::Schema(batch_schema),
        handler: || post(create_customers_migration),
    },
    Route {
        method: Method::POST,
        path: "/api/admin/v1/migrations/orders",
        operation_id: "migrateOrders",
        summary: "Import historical orders from a legacy system (201 done, 202 queued)",
        scope: "migrations:write",
        query: Query::None,
        body: Body::Schema(|| rows_schema("orders")),
        answer: Answer::Schema(batch_schema),
        handler: || post(create_orders_migration),
    },
    Route {
        method: Method::GET,
        path: "/api/admin/v1/migrations/{id}",
        operation_id: "getMigration",
        summary: "A migration batch: status, progress, failed and conflicting rows",
        scope: "migrations:write",
        query: Query::None,
        body: Body::None,
        answer: Answer::Schema(batch_schema),
        handler: || get(show_migration),
    },
    Route {
        method: Method::POST,
        path: "/api/admin/v1/migrations/{id}/revert",
        operation_id: "revertMigration",
        summary: "Revert a migration batch (rows edited since are left as conflicts)",
        scope: "migrations:write",
        query: Query::None,
        body: Body::None,
        answer: Answer::Schema(batch_schema),
        handler: || post(revert_migration),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_answers_change_case() {
        assert_eq!(
            row_input(
                0,
                json!({"external_id": "L1", "status": "complete",
                       "line_items": [{"variant_id": "variant_x", "quantity": 1}]})
            )
            .unwrap(),
            json!({"externalId": "L1", "status": "COMPLETE",
                   "lineItems": [{"variantId": "variant_x", "quantity": 1}]})
        );
        assert!(row_input(3, json!(1)).is_err());
        assert_eq!(
            snake_keys(json!({"totalRows": 2, "status": "COMPLETED",
                              "failed": [{"externalId": "x", "userErrors": [{"code": "TAKEN"}]}]})),
            json!({"total_rows": 2, "status": "completed",
                   "failed": [{"external_id": "x", "user_errors": [{"code": "taken"}]}]})
        );
    }
}
