//! `PUT /api/integrations/v1/stores`: the Integrations API's store upsert, onto GraphQL's
//! `storesUpsert(brandId:, stores:)`, whose domain owns every field constraint and rule.
//! The body is passed through as sent (a JSON array of stores in the documented snake_case
//! shape); the answer is `{"data": {"created", "updated"}}`, a failure the flat error body
//! naming the field relative to its store (`location.postal_code: …`).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::routing::put;
use axum::Json;
use serde_json::{json, Map, Value};

use super::errors::{self, is_index, FiresparkError};
use super::Caller;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body;
use crate::rest::translate::operation::run;
use crate::rest::{Refusal, RestState};

pub const PATH: &str = "/api/integrations/v1/stores";
pub const BRAND_HEADER: &str = "x-brand-id";

/// Stores one request may carry (the mutation's own limit refuses more, naming the body).
const MAX_BODY_ITEMS: usize = 10_000;

const UPSERT: &str = "mutation RestStoresUpsert($brand: String, $stores: [JSON!]!) { w: \
    storesUpsert(brandId: $brand, stores: $stores) { created updated \
    userErrors { field code message kind } } }";

/// The `x-brand-id` header: absent, or 1–64 letters, digits, `_` and `-`.
pub fn brand_header(headers: &HeaderMap) -> Result<Option<String>, Refusal> {
    let mut values = headers.get_all(BRAND_HEADER).iter();
    let Some(v) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(Refusal::param(BRAND_HEADER, "is given more than once"));
    }
    let valid = v.to_str().ok().filter(|s| {
        (1..=64).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    });
    match valid {
        Some(s) => Ok(Some(s.to_owned())),
        None => Err(Refusal::param(
            BRAND_HEADER,
            "must be 1–64 characters: letters, digits, '_' and '-' only",
        )),
    }
}

/// The field a user error of `storesUpsert` names, relative to its store
/// (`["stores", "0", "location", "postal_code"]` → `location.postal_code`); the brand
/// argument is the header; the list as a whole is the body.
fn field(e: &Value) -> String {
    let path = errors::path(e);
    match path.as_slice() {
        ["brandId", ..] => BRAND_HEADER.to_owned(),
        ["stores"] | [] => "body".to_owned(),
        ["stores", i, rest @ ..] if is_index(i) => rest.join("."),
        other => other.join("."),
    }
}

/// `PUT /stores`: creates or updates the merchant's stores by their external `id`.
pub async fn put_stores(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, FiresparkError> {
    super::no_query(query.as_deref())?;
    let brand = brand_header(&headers)?;
    let stores = body::array(&headers, &body, MAX_BODY_ITEMS)?;
    let mut vars = Map::new();
    vars.insert("brand".into(), brand.map_or(Value::Null, Value::String));
    vars.insert("stores".into(), Value::Array(stores));
    let names = [
        ("brandId".to_owned(), BRAND_HEADER.to_owned()),
        ("stores".to_owned(), "body".to_owned()),
    ];
    let data = run(&state.app, principal, UPSERT, vars, &names).await?;
    if let Some(e) = data
        .pointer("/w/userErrors")
        .and_then(Value::as_array)
        .and_then(|l| l.first())
    {
        return Err(errors::user_error(e, field(e)).into());
    }
    let count = |k: &str| {
        data.pointer(&format!("/w/{k}"))
            .cloned()
            .unwrap_or(json!(0))
    };
    Ok(Json(
        json!({"data": {"created": count("created"), "updated": count("updated")}}),
    ))
}

fn request_schema() -> Value {
    json!({"type": "array", "description": "One element per store, matched by `id` (the POS/RMS identifier, immutable). \
        Fields: id (required), brand_id, name, status (ACTIVE|INACTIVE), timezone, contact, location, channels, payments, \
        cms_template_id — with the constraints of the Integrations API; omitted fields keep their values on update.",
        "items": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
            "brand_id": {"type": ["string", "null"], "pattern": "^[A-Za-z0-9_-]{1,64}$"},
            "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "status": {"enum": ["ACTIVE", "INACTIVE"]},
            "timezone": {"type": "string", "minLength": 1, "maxLength": 100},
            "contact": {"type": "object", "required": ["email", "phone"]},
            "location": {"type": "object", "required": ["latitude", "longitude", "address_line_1", "city", "country", "postal_code", "business_name"]},
            "channels": {"type": "object", "description": "Per channel code: id, uid, name and a fulfillment map keyed by type."},
            "payments": {"type": "object", "properties": {"orderable": {"type": "boolean"}, "methods": {"type": "array"}}},
            "cms_template_id": {"type": ["string", "null"], "format": "uuid"}}}})
}

fn answer_schema() -> Value {
    json!({"type": "object", "required": ["data"], "properties": {"data": {"type": "object",
        "required": ["created", "updated"], "properties": {
            "created": {"type": "integer"}, "updated": {"type": "integer"}}}}})
}

/// The Integrations API's routes.
pub static ROUTES: &[Route] = &[Route {
    method: Method::PUT,
    path: PATH,
    operation_id: "upsertStores",
    summary: "Upsert stores (create or update by POS/RMS id)",
    scope: "stores:write",
    query: Query::None,
    body: Body::Schema(request_schema),
    answer: Answer::Schema(answer_schema),
    handler: || put(put_stores),
}];

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn errors_name_the_field_relative_to_the_store() {
        let e = json!({"field": ["stores", "3", "location", "postal_code"]});
        assert_eq!(field(&e), "location.postal_code");
        assert_eq!(field(&json!({"field": ["stores"]})), "body");
        assert_eq!(field(&json!({"field": ["brandId"]})), "x-brand-id");
        assert_eq!(
            field(&json!({"field": ["stores", "0", "channels", "APP", "fulfillment"]})),
            "channels.APP.fulfillment"
        );
    }

    #[test]
    fn the_brand_header_is_checked() {
        let mut h = HeaderMap::new();
        assert_eq!(brand_header(&h).unwrap(), None);
        h.insert(BRAND_HEADER, HeaderValue::from_static("0001"));
        assert_eq!(brand_header(&h).unwrap().as_deref(), Some("0001"));
        for bad in ["", "a b", "ñ", &"x".repeat(65)] {
            if let Ok(v) = HeaderValue::from_str(bad) {
                h.insert(BRAND_HEADER, v);
                assert!(brand_header(&h).is_err(), "{bad:?}");
            }
        }
    }
}
