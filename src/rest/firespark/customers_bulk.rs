//! `POST|PATCH|DELETE /api/admin/v1/customers/bulk`: batches of up to 1,000 customers onto
//! `customersCreate`, `customersUpdate` and `customersDelete`, and the routes of the path
//! (`GET` is [`super::customers`]).
//!
//! The body is a JSON array: of customers for `POST`, of changes each with its `id` for
//! `PATCH`, of customer IDs (`["cus_…", …]`) for `DELETE`. Items are independent
//! (`errorPolicy: REJECT_FAILED_ROWS`): the valid ones are written, and the answer has one
//! result per item, `{"index", "id", "errors": [{"field", "code", "message"}]}` (`id`: the
//! customer written or addressed; null for a create that failed). A malformed request (not an
//! array, 1,001 items, an item that is not an object, an unknown field, a value of the wrong
//! type) is refused whole with a 400 naming the item (`[3].email: …`), and nothing is written.
//! `Idempotency-Key` makes a retry return the first answer without writing again.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::routing::{delete, get, patch, post};
use axum::Json;
use serde_json::{json, Map, Value};

use super::customers::{list_customers, CUSTOMER, INPUT, READ_ONLY, ROOT};
use super::errors::{self, is_index, FiresparkError};
use super::Caller;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body;
use crate::rest::translate::operation::{run, snake};
use crate::rest::{Refusal, RestState};

pub const PATH: &str = "/api/admin/v1/customers/bulk";

/// Fields a create needs.
const CREATE_REQUIRED: &[&str] = &["email"];

/// Items one request may carry.
pub const MAX_ITEMS: usize = 1000;

const USER_ERRORS: &str = "userErrors { field code message kind }";

/// `[3].email`: an item's field as a 400 names it.
fn item_name(i: usize, field: &str) -> String {
    if field.is_empty() {
        format!("[{i}]")
    } else {
        format!("[{i}].{field}")
    }
}

/// The body's items as GraphQL inputs (renamed onto the input type's fields), and each GraphQL
/// argument path mapped to the item's field, for 400s. `id` is kept and required on updates.
fn inputs(items: Vec<Value>, update: bool) -> Result<(Vec<Value>, body::Names), Refusal> {
    let mut out = Vec::with_capacity(items.len());
    let mut names = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let Value::Object(mut object) = item else {
            return Err(Refusal::param(
                &item_name(i, ""),
                format!("must be a JSON object, not {}", body::json_type(&item)),
            ));
        };
        let id = object.remove("id");
        if !update {
            body::required(&object, CREATE_REQUIRED).map_err(|r| rename(r, |p| item_name(i, p)))?;
        }
        let (mut input, item_names) =
            body::input(object, INPUT, READ_ONLY).map_err(|r| rename(r, |p| item_name(i, p)))?;
        if update {
            match id {
                Some(Value::String(id)) if !id.trim().is_empty() => {
                    input.insert("id".into(), Value::String(id));
                }
                Some(Value::Null) | None => {
                    return Err(Refusal::param(&item_name(i, "id"), "is required"))
                }
                Some(_) => {
                    return Err(Refusal::param(
                        &item_name(i, "id"),
                        "must be a customer ID (`cus_…`)",
                    ))
                }
            }
            names.push((format!("input.{i}.id"), item_name(i, "id")));
        }
        for (gql, rest) in item_names {
            names.push((format!("input.{i}.{gql}"), item_name(i, &rest)));
        }
        out.push(Value::Object(input));
    }
    names.push(("input".into(), "body".into()));
    names.push(("idempotencyKey".into(), "Idempotency-Key".into()));
    Ok((out, names))
}

/// `r` naming its parameter through `f`.
fn rename(mut r: Refusal, f: impl Fn(&str) -> String) -> Refusal {
    if let Some(p) = r.param.take() {
        let named = f(&p);
        if let Some(d) = r.details.remove(&p) {
            r.details.insert(named.clone(), d);
        }
        r.param = Some(named);
    }
    r
}

/// The REST name of a GraphQL input field path below an item (`firstName` → `first_name`,
/// `customerGroupIds.2` → `customer_group_ids.2`).
fn rest_path(segments: &[&str]) -> String {
    segments
        .iter()
        .enumerate()
        .map(|(k, s)| match INPUT.iter().find(|f| f.gql == *s) {
            Some(f) if k == 0 => f.rest.to_owned(),
            _ if is_index(s) => (*s).to_owned(),
            _ => snake(s),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// One user error of an item as the answer writes it.
fn item_error(e: &Value, field: String) -> Value {
    let code = e.get("code").and_then(Value::as_str).unwrap_or("INVALID");
    json!({
        "field": field,
        "code": code.to_ascii_lowercase(),
        "message": e.get("message").cloned().unwrap_or(Value::Null),
    })
}

/// Refuses the request for the first user error that is not an item's (`argument` is the
/// list argument: `input`, `ids`): a reused idempotency key, a batch refused as a whole.
fn request_errors(errors: &[Value], argument: &str) -> Result<(), Refusal> {
    for e in errors {
        let path = errors::path(e);
        let is_item = path.first() == Some(&argument) && path.get(1).is_some_and(|s| is_index(s));
        if !is_item {
            let name = match path.first() {
                Some(&"idempotencyKey") => "Idempotency-Key".to_owned(),
                Some(a) if *a == argument => "body".to_owned(),
                Some(other) => snake(other),
                None => "body".to_owned(),
            };
            return Err(errors::user_error(e, name));
        }
    }
    Ok(())
}

fn answer(results: Vec<Value>) -> Json<Value> {
    Json(json!({ "data": results }))
}

/// `customersCreate` or `customersUpdate` of the body's items.
async fn write(
    state: &RestState,
    principal: crate::auth::Principal,
    headers: &HeaderMap,
    body: &[u8],
    update: bool,
) -> Result<Json<Value>, FiresparkError> {
    let items = body::array(headers, body, MAX_ITEMS)?;
    let ids: Vec<Value> = items
        .iter()
        .map(|i| i.get("id").cloned().unwrap_or(Value::Null))
        .collect();
    let (input, names) = inputs(items, update)?;
    let (mutation, input_type) = if update {
        ("customersUpdate", "CustomerUpdateInput")
    } else {
        ("customersCreate", "CustomerCreateInput")
    };
    let text = format!(
        "mutation RestFsCustomers($input: [{input_type}!]!, $key: String) {{ w: {mutation}(\
         input: $input, errorPolicy: REJECT_FAILED_ROWS, idempotencyKey: $key) {{ results \
         {{ index customer {{ id }} {USER_ERRORS} }} {USER_ERRORS} }} }}"
    );
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Array(input));
    vars.insert("key".into(), body::idempotency_key(headers));
    let data = run(&state.app, principal, &text, vars, &names).await?;
    let payload_errors = data
        .pointer("/w/userErrors")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    request_errors(payload_errors, "input")?;
    let results = data
        .pointer("/w/results")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let out = results
        .iter()
        .map(|r| {
            let index = r.get("index").and_then(Value::as_u64).unwrap_or(0);
            let errors: Vec<Value> = r
                .get("userErrors")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|e| {
                    let path = errors::path(e);
                    // `["input", "3", "email"]` → `email`.
                    let below = path.get(2..).unwrap_or(&[]);
                    item_error(e, rest_path(below))
                })
                .collect();
            let id = match r.pointer("/customer/id") {
                Some(Value::String(id)) => Value::String(id.clone()),
                _ if update => ids.get(index as usize).cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            };
            json!({"index": index, "id": id, "errors": errors})
        })
        .collect();
    Ok(answer(out))
}

/// `POST /customers/bulk`: creates each customer of the array.
pub async fn create_customers(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, FiresparkError> {
    super::no_query(query.as_deref())?;
    write(&state, principal, &headers, &body, false).await
}

/// `PATCH /customers/bulk`: changes each customer named by its item's `id`; omitted fields
/// keep their values.
pub async fn update_customers(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, FiresparkError> {
    super::no_query(query.as_deref())?;
    write(&state, principal, &headers, &body, true).await
}

/// `DELETE /customers/bulk`: deletes the customers of an array of IDs; a customer with
/// completed orders stays (`has_completed_orders`).
pub async fn delete_customers(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, FiresparkError> {
    super::no_query(query.as_deref())?;
    let items = body::array(&headers, &body, MAX_ITEMS)?;
    let mut ids = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match item {
            Value::String(id) => ids.push(id),
            other => {
                return Err(Refusal::param(
                    &item_name(i, ""),
                    format!(
                        "must be a customer ID (a string), not {}",
                        body::json_type(&other)
                    ),
                )
                .into())
            }
        }
    }
    let text = format!(
        "mutation RestFsCustomersDelete($ids: [ID!]!, $key: String) {{ w: customersDelete(\
         ids: $ids, errorPolicy: REJECT_FAILED_ROWS, idempotencyKey: $key) {{ deletedIds \
         {USER_ERRORS} }} }}"
    );
    let mut vars = Map::new();
    vars.insert("ids".into(), json!(ids));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = [
        ("ids".to_owned(), "body".to_owned()),
        ("idempotencyKey".to_owned(), "Idempotency-Key".to_owned()),
    ];
    let data = run(&state.app, principal, &text, vars, &names).await?;
    let errors = data
        .pointer("/w/userErrors")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    request_errors(errors, "ids")?;
    let mut per_item: Vec<Vec<Value>> = vec![Vec::new(); ids.len()];
    for e in errors {
        let path = errors::path(e);
        if let Some(list) = path
            .get(1)
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| per_item.get_mut(i))
        {
            list.push(item_error(e, "id".to_owned()));
        }
    }
    let out = ids
        .into_iter()
        .zip(per_item)
        .enumerate()
        .map(|(index, (id, errors))| json!({"index": index, "id": id, "errors": errors}))
        .collect();
    Ok(answer(out))
}

/// The answer of a batch: one result per item.
fn results_schema() -> Value {
    json!({"type": "object", "required": ["data"], "properties": {"data": {"type": "array",
        "description": "One result per item of the body, in order.",
        "items": {"type": "object", "required": ["index", "id", "errors"], "properties": {
            "index": {"type": "integer", "description": "Position of the item in the body."},
            "id": {"type": ["string", "null"], "description": "The customer written or addressed (`cus_…`); null when a create failed."},
            "errors": {"type": "array", "description": "Why the item was not written (empty when it was).",
                "items": {"type": "object", "required": ["field", "code", "message"], "properties": {
                    "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}}}}})
}

fn customers_schema(update: bool) -> Value {
    let mut props = Map::new();
    if update {
        props.insert(
            "id".into(),
            json!({"type": "string", "description": "The customer (`cus_…`)."}),
        );
    }
    for f in INPUT {
        let schema = match f.rest {
            "accepts_marketing" => json!({"type": "boolean"}),
            "tags" | "customer_group_ids" => json!({"type": "array", "items": {"type": "string"}}),
            "metadata" => json!({"type": "object"}),
            _ => json!({"type": ["string", "null"]}),
        };
        props.insert(f.rest.to_owned(), schema);
    }
    let required = if update {
        json!(["id"])
    } else {
        json!(CREATE_REQUIRED)
    };
    json!({"type": "array", "maxItems": MAX_ITEMS, "items": {"type": "object", "required": required, "properties": props}})
}

/// The routes of `/customers/bulk`.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: PATH,
        operation_id: "listCustomersBulk",
        summary: "List customers (cursor-paged)",
        scope: "customers:read",
        query: Query::Cursor(&ROOT),
        body: Body::None,
        answer: Answer::CursorPage(&CUSTOMER),
        handler: || get(list_customers),
    },
    Route {
        method: Method::POST,
        path: PATH,
        operation_id: "createCustomersBulk",
        summary: "Create customers in batch (at most 1,000)",
        scope: "customers:write",
        query: Query::None,
        body: Body::Schema(|| customers_schema(false)),
        answer: Answer::Schema(results_schema),
        handler: || post(create_customers),
    },
    Route {
        method: Method::PATCH,
        path: PATH,
        operation_id: "updateCustomersBulk",
        summary: "Update customers in batch (at most 1,000, each with its id)",
        scope: "customers:write",
        query: Query::None,
        body: Body::Schema(|| customers_schema(true)),
        answer: Answer::Schema(results_schema),
        handler: || patch(update_customers),
    },
    Route {
        method: Method::DELETE,
        path: PATH,
        operation_id: "deleteCustomersBulk",
        summary: "Delete customers in batch (a JSON array of at most 1,000 IDs)",
        scope: "customers:write",
        query: Query::None,
        body: Body::Schema(
            || json!({"type": "array", "maxItems": MAX_ITEMS, "items": {"type": "string", "description": "A customer ID (`cus_…`)."}}),
        ),
        answer: Answer::Schema(results_schema),
        handler: || delete(delete_customers),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_paths_use_the_bodys_names() {
        assert_eq!(rest_path(&["firstName"]), "first_name");
        assert_eq!(
            rest_path(&["customerGroupIds", "2"]),
            "customer_group_ids.2"
        );
        assert_eq!(rest_path(&[]), "");
        let (input, names) =
            inputs(vec![json!({"id": "cus_1", "first_name": "Ann"})], true).unwrap();
        assert_eq!(input, vec![json!({"id": "cus_1", "firstName": "Ann"})]);
        assert!(names.contains(&("input.0.firstName".into(), "[0].first_name".into())));
        let e = inputs(vec![json!({"first_name": "Ann"})], true).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("[0].id"));
        let e = inputs(
            vec![
                json!({"email": "a@example.com"}),
                json!({"email": "b@example.com", "frist_name": "x"}),
            ],
            false,
        )
        .unwrap_err();
        assert_eq!(e.param.as_deref(), Some("[1].frist_name"));
        let e = inputs(vec![json!(3)], false).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("[0]"));
        let e = inputs(vec![json!({"first_name": "Ann"})], false).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("[0].email"));
    }
}
