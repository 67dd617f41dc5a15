//! `POST /prices/bulk_upsert` and `DELETE /prices/bulk_destroy`: many prices in one request,
//! onto `pricesUpsert` (all or nothing: one bad row refuses the request, naming
//! `prices[i].field`) and `pricesDelete` (IDs that name no price of the caller are skipped,
//! as Spree counts only what it destroyed).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::prices::{money, upsert_refusal, INPUT, READ_ONLY};
use super::{Caller, SpreeError};
use crate::auth::{Principal, Scope};
use crate::rest::error::Kind;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body;
use crate::rest::translate::operation::run;
use crate::rest::{Refusal, RestState};
use axum::http::Method;
use axum::routing::{delete, post};

/// Most prices one request takes (`pricesUpsert`'s limit).
const MAX: usize = 10_000;

/// An empty batch writes nothing and reaches no mutation, so the scope the mutation would
/// check is checked here: a caller who may not write prices is refused even a no-op.
fn may_write(principal: &Principal) -> Result<(), Refusal> {
    if principal.scopes.allows(Scope::PricingWrite) {
        Ok(())
    } else {
        Err(Refusal::new(
            Kind::Forbidden,
            format!(
                "this operation requires the `{}` scope",
                Scope::PricingWrite
            ),
        )
        .with_code("FORBIDDEN"))
    }
}

/// One item of `prices` as a `PriceInput`; errors name `prices[i].field`.
fn item(i: usize, v: Value) -> Result<Value, Refusal> {
    let at = |f: &str| format!("prices[{i}].{f}");
    let Value::Object(object) = v else {
        return Err(Refusal::param(&format!("prices[{i}]"), "must be an object"));
    };
    let mut input = Map::with_capacity(object.len());
    for (key, value) in object {
        match INPUT.iter().find(|f| f.rest == key) {
            Some(f) => {
                input.insert(f.gql.to_owned(), value);
            }
            None if READ_ONLY.contains(&key.as_str()) => {}
            None => return Err(Refusal::param(&at(&key), "is not a field of a price")),
        }
    }
    for f in ["id", "variantId", "currency", "priceListId"] {
        match input.get(f) {
            None | Some(Value::String(_)) => {}
            Some(Value::Null) => {
                input.remove(f);
            }
            Some(other) => {
                let rest = INPUT.iter().find(|x| x.gql == f).map_or(f, |x| x.rest);
                return Err(Refusal::param(
                    &at(rest),
                    format!("must be a string, not {}", body::json_type(other)),
                ));
            }
        }
    }
    if !input.contains_key("id") {
        for (gql, rest) in [("variantId", "variant_id"), ("currency", "currency")] {
            if !input.contains_key(gql) {
                return Err(Refusal::param(&at(rest), "is required"));
            }
        }
    }
    money(&mut input, "amount", &at("amount"))?;
    money(&mut input, "compareAtAmount", &at("compare_at_amount"))?;
    if input.get("amount").is_some_and(Value::is_null) {
        input.remove("amount");
    }
    Ok(Value::Object(input))
}

/// `POST /prices/bulk_upsert`: `{"price_count": n}`, the prices created or updated.
pub async fn bulk_upsert_prices(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, Response> {
    let mut object = body::object(&headers, &body).map_err(|e| SpreeError(e).into_response())?;
    let prices = match object.remove("prices") {
        Some(Value::Array(l)) => l,
        None | Some(Value::Null) => {
            let mut r = Refusal::new(
                Kind::Validation,
                "prices is required (send an empty array to no-op).",
            )
            .with_code("MISSING_PRICES");
            r.details
                .insert("prices".into(), vec!["is required".into()]);
            return Err(SpreeError(r).with_route_code("missing_prices"));
        }
        Some(other) => {
            return Err(SpreeError(Refusal::param(
                "prices",
                format!("must be a list of prices, not {}", body::json_type(&other)),
            ))
            .into_response())
        }
    };
    let refuse = |r: Refusal| SpreeError(r).into_response();
    if let Some(key) = object.keys().next() {
        return Err(refuse(Refusal::param(key, "is not a field of this route")));
    }
    if prices.len() > MAX {
        return Err(refuse(Refusal::param(
            "prices",
            format!("takes at most {MAX} prices per request"),
        )));
    }
    if prices.is_empty() {
        may_write(&principal).map_err(refuse)?;
        return Ok(Json(json!({"price_count": 0})));
    }
    let input: Vec<Value> = prices
        .into_iter()
        .enumerate()
        .map(|(i, v)| item(i, v))
        .collect::<Result<_, _>>()
        .map_err(refuse)?;
    let text = "mutation RestPricesUpsert($input: [PriceInput!]!, $key: String) { w: \
                pricesUpsert(input: $input, errorPolicy: REJECT_EVERYTHING, idempotencyKey: $key) \
                { created updated userErrors { field code message } } }";
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Array(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let data = run(
        &state.app,
        principal,
        text,
        vars,
        &[("input".into(), "prices".into())],
    )
    .await
    .map_err(refuse)?;
    let payload = data.get("w").unwrap_or(&Value::Null);
    if let Some(r) = payload
        .get("userErrors")
        .and_then(|e| upsert_refusal(e, Some("prices")))
    {
        return Err(refuse(r));
    }
    let n = |k: &str| payload.get(k).and_then(Value::as_u64).unwrap_or(0);
    Ok(Json(json!({"price_count": n("created") + n("updated")})))
}

/// `DELETE /prices/bulk_destroy`: `{"price_count": n}`, the prices deleted; IDs that name no
/// price of the caller (another merchant's, unknown, malformed) are skipped.
pub async fn bulk_destroy_prices(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let mut object = body::object(&headers, &body)?;
    let ids = body::id_list(&object, "ids")?.ok_or_else(|| Refusal::param("ids", "is required"))?;
    object.remove("ids");
    if let Some(key) = object.keys().next() {
        return Err(Refusal::param(key, "is not a field of this route").into());
    }
    if ids.len() > MAX {
        return Err(Refusal::param("ids", format!("takes at most {MAX} IDs per request")).into());
    }
    if ids.is_empty() {
        may_write(&principal)?;
        return Ok(Json(json!({"price_count": 0})));
    }
    let text =
        "mutation RestPricesDelete($ids: [ID!]!, $key: String) { d: pricesDelete(ids: $ids, \
                errorPolicy: REJECT_FAILED_ROWS, idempotencyKey: $key) { deletedIds } }";
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
    let n = data
        .pointer("/d/deletedIds")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    Ok(Json(json!({ "price_count": n })))
}

fn upsert_body() -> Value {
    json!({"type": "object", "required": ["prices"], "properties": {"prices": {"type": "array",
        "items": {"type": "object", "properties": {
            "id": {"type": "string", "nullable": true},
            "variant_id": {"type": "string"},
            "currency": {"type": "string"},
            "price_list_id": {"type": "string", "nullable": true},
            "amount": {"type": "string", "nullable": true},
            "compare_at_amount": {"type": "string", "nullable": true}}}}}})
}

fn ids_body() -> Value {
    json!({"type": "object", "required": ["ids"], "properties": {
        "ids": {"type": "array", "items": {"type": "string"}}}})
}

fn price_count() -> Value {
    json!({"type": "object", "required": ["price_count"], "properties": {"price_count": {"type": "integer"}}})
}

/// The bulk price routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::POST,
        path: "/api/v3/admin/prices/bulk_upsert",
        operation_id: "bulkUpsertPrices",
        summary: "Create or update up to 10,000 prices (all or nothing)",
        scope: "write_products",
        query: Query::None,
        body: Body::Schema(upsert_body),
        answer: Answer::Schema(price_count),
        handler: || post(bulk_upsert_prices),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/prices/bulk_destroy",
        operation_id: "bulkDestroyPrices",
        summary: "Delete up to 10,000 prices; unknown IDs are skipped",
        scope: "write_products",
        query: Query::None,
        body: Body::Schema(ids_body),
        answer: Answer::Schema(price_count),
        handler: || delete(bulk_destroy_prices),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_become_price_inputs_and_bad_ones_name_their_field() {
        assert_eq!(
            item(0, json!({"variant_id": "variant_1", "currency": "USD", "amount": 5, "price_list_id": null})).unwrap(),
            json!({"variantId": "variant_1", "currency": "USD", "amount": "5"})
        );
        assert_eq!(
            item(0, json!({"id": "price_1", "amount": null})).unwrap(),
            json!({"id": "price_1"})
        );
        for (bad, param) in [
            (json!({"currency": "USD"}), "prices[2].variant_id"),
            (
                json!({"variant_id": "v", "currency": "USD", "amount": "x"}),
                "prices[2].amount",
            ),
            (
                json!({"variant_id": 7, "currency": "USD"}),
                "prices[2].variant_id",
            ),
            (json!({"id": "p", "colour": 1}), "prices[2].colour"),
            (json!("price_1"), "prices[2]"),
        ] {
            assert_eq!(
                item(2, bad.clone()).unwrap_err().param.as_deref(),
                Some(param),
                "{bad}"
            );
        }
    }
}
