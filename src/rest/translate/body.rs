//! Request bodies: the JSON object a REST write sends, checked and renamed onto the GraphQL
//! input object it becomes; and a mutation's `userErrors` back onto the body's field names.

use axum::http::{header, HeaderMap};
use serde_json::{Map, Value};

use super::operation::snake;
use super::Refusal;
use crate::rest::error::Kind;

/// One writable field: the dialect's name and the GraphQL input field.
pub struct InputField {
    pub rest: &'static str,
    pub gql: &'static str,
}

/// The body as a JSON object: 415 for another content type, 400 for malformed JSON or a
/// body that is not an object. An empty body is an empty object.
pub fn object(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    if !content_type.is_empty() && !content_type.starts_with("application/json") {
        return Err(Refusal::new(
            Kind::UnsupportedMediaType,
            "send the body as application/json",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(Refusal::param(
            "body",
            format!("must be a JSON object, not {}", json_type(&other)),
        )),
        Err(e) => Err(Refusal::param("body", format!("is not valid JSON: {e}"))),
    }
}

/// The body as any JSON value: 415 for another content type, 400 naming `body` for an empty
/// or malformed body (routes that take an array or an object check which they got).
pub fn json(headers: &HeaderMap, body: &[u8]) -> Result<Value, Refusal> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.is_empty() && !content_type.starts_with("application/json") {
        let mut r = Refusal::param("Content-Type", "must be application/json");
        r.kind = Kind::UnsupportedMediaType;
        return Err(r);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Refusal::param("body", "is required: send a JSON body"));
    }
    serde_json::from_slice::<Value>(body)
        .map_err(|e| Refusal::param("body", format!("is not valid JSON: {e}")))
}

/// The body as a JSON array of at most `max` items: 415 for another content type, 400
/// naming `body` for an empty or malformed body, another JSON value, or too many items.
pub fn array(headers: &HeaderMap, body: &[u8], max: usize) -> Result<Vec<Value>, Refusal> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.is_empty() && !content_type.starts_with("application/json") {
        let mut r = Refusal::param("Content-Type", "must be application/json");
        r.kind = Kind::UnsupportedMediaType;
        return Err(r);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Refusal::param("body", "is required: send a JSON array"));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(items)) if items.len() > max => Err(Refusal::param(
            "body",
            format!("holds {} items; send at most {max}", items.len()),
        )),
        Ok(Value::Array(items)) => Ok(items),
        Ok(other) => Err(Refusal::param(
            "body",
            format!("must be a JSON array, not {}", json_type(&other)),
        )),
        Err(e) => Err(Refusal::param("body", format!("is not valid JSON: {e}"))),
    }
}

/// The name of a JSON value's type, for messages.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// GraphQL input field → REST name, for naming errors.
pub type Names = Vec<(String, String)>;

/// Renames `body`'s fields onto the GraphQL input (`first_name` → `firstName`). Fields the
/// resource only reads (`id`, `created_at`: clients often send back what they read) are
/// ignored; any other unknown field is refused, naming it. Returns the input and, for
/// errors, each GraphQL field's REST name.
pub fn input(
    body: Map<String, Value>,
    fields: &[InputField],
    read_only: &[&str],
) -> Result<(Map<String, Value>, Names), Refusal> {
    let mut out = Map::with_capacity(body.len());
    let mut names = Vec::new();
    for (key, value) in body {
        match fields.iter().find(|f| f.rest == key) {
            Some(f) => {
                names.push((f.gql.to_owned(), f.rest.to_owned()));
                out.insert(f.gql.to_owned(), value);
            }
            None if read_only.contains(&key.as_str()) => {}
            None => {
                return Err(Refusal::param(
                    &key,
                    format!(
                        "is not a field this route writes (fields: {})",
                        fields.iter().map(|f| f.rest).collect::<Vec<_>>().join(", ")
                    ),
                ))
            }
        }
    }
    Ok((out, names))
}

/// A mutation's `userErrors` (`[{field, code, message}]`) as a 422 with details keyed by the
/// body's field names: the GraphQL path loses its argument and indexes and each field is
/// named as the body named it (`names`), or snake_cased. `None` when there is none.
pub fn user_errors(errors: &Value, names: &[(String, String)]) -> Option<Refusal> {
    let list = errors.as_array().filter(|l| !l.is_empty())?;
    let mut refusal = Refusal::new(Kind::Validation, "");
    let mut messages = Vec::new();
    for e in list {
        let message = e
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("is invalid");
        let code = e.get("code").and_then(Value::as_str).unwrap_or("INVALID");
        let path: Vec<&str> = e
            .get("field")
            .and_then(Value::as_array)
            .map(|p| p.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        // The last named segment: `["input", "0", "email"]` → `email`.
        let gql = path
            .iter()
            .rev()
            .find(|s| !s.chars().all(|c| c.is_ascii_digit()))
            .copied()
            .unwrap_or("base");
        let field = nested_name(&path, names)
            .or_else(|| names.iter().find(|(g, _)| g == gql).map(|(_, r)| r.clone()))
            .unwrap_or_else(|| {
                if matches!(gql, "input" | "ids" | "id" | "orderId" | "lineItems")
                    && path.len() <= 2
                {
                    "base".to_owned()
                } else {
                    snake(gql)
                }
            });
        if refusal.code.is_none() {
            refusal.code = Some(code.to_owned());
            // A stale `expected_updated_at` or a reused idempotency key is a conflict with
            // another write, not a fault of this body's values.
            if matches!(code, "CONFLICT" | "IDEMPOTENCY_KEY_REUSED") {
                refusal.kind = Kind::Conflict;
            }
            // The record the route addresses (`["id"]`, `["orderId"]`) does not exist for the
            // caller: 404, as a read of it would answer.
            if code == "NOT_FOUND" && path.len() <= 1 {
                refusal.kind = Kind::NotFound;
            }
            // An ID in the route's path that is not an ID of its kind (`/products/cus_…`, or
            // one no gateway issued) names no record either: 404, as Spree's lookups answer.
            if code == "INVALID" && path.len() == 1 && is_id_argument(gql) {
                refusal.kind = Kind::NotFound;
            }
        }
        messages.push(format!("{field} {message}"));
        refusal
            .details
            .entry(field)
            .or_default()
            .push(message.to_owned());
    }
    refusal.message = messages.join("; ");
    Some(refusal)
}

/// The REST name of a nested field: `names` may map a path of named segments
/// (`billingAddress.countryCode` → `billing_address.country_iso`, `lineItems.quantity` →
/// `items[].quantity`), matched against the error path's last named segments, longest first;
/// each `[]` of the name takes the next index of the path (`items[2].quantity`).
fn nested_name(path: &[&str], names: &[(String, String)]) -> Option<String> {
    let is_index = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let named: Vec<usize> = (0..path.len()).filter(|&i| !is_index(path[i])).collect();
    for k in (2..=named.len()).rev() {
        let from = named[named.len() - k];
        let key = named[named.len() - k..]
            .iter()
            .map(|&i| path[i])
            .collect::<Vec<_>>()
            .join(".");
        let Some((_, rest)) = names.iter().find(|(g, _)| *g == key) else {
            continue;
        };
        let mut indexes = path[from..].iter().filter(|s| is_index(s));
        let mut out = String::with_capacity(rest.len() + 4);
        let mut parts = rest.split("[]").peekable();
        while let Some(part) = parts.next() {
            out.push_str(part);
            if parts.peek().is_some() {
                match indexes.next() {
                    Some(i) => {
                        out.push('[');
                        out.push_str(i);
                        out.push(']');
                    }
                    None => out.push_str("[]"),
                }
            }
        }
        return Some(out);
    }
    None
}

/// `names` (GraphQL input field → REST name) under the argument path `prefix`
/// (`input.0`): the paths GraphQL reports a value that failed to parse at.
pub fn under(prefix: &str, names: Vec<(String, String)>) -> Vec<(String, String)> {
    names
        .into_iter()
        .map(|(g, r)| (format!("{prefix}.{g}"), r))
        .collect()
}

/// The `Idempotency-Key` header, which a REST write passes on as the mutation's
/// `idempotencyKey` (a retry then gets the first answer and writes nothing twice).
pub fn idempotency_key(headers: &HeaderMap) -> Value {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map_or(Value::Null, |k| Value::String(k.to_owned()))
}

/// The value of a body field that must be a list of IDs (`customer_ids`), or a 400 naming it.
pub fn id_list(body: &Map<String, Value>, field: &str) -> Result<Option<Vec<String>>, Refusal> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| Refusal::param(field, "must be a list of IDs (strings)"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => Err(Refusal::param(
            field,
            format!("must be a list of IDs, not {}", json_type(other)),
        )),
    }
}

/// Whether a mutation or query argument is an ID that a REST route takes from its path
/// (`id`, `orderId`, `productId`): top-level ID arguments of the operations REST builds come
/// from the path, body IDs travel inside `input`.
pub fn is_id_argument(name: &str) -> bool {
    name == "id" || (name.ends_with("Id") && !name.contains('.'))
}

/// Refuses a body without one of `fields` (absent or null), naming the first missing: a bad
/// request with the code `REQUIRED`, which each dialect's table places (Spree answers it 422
/// `validation_error`, as its spec does for a create missing a required attribute; Fire spark
/// 400 `validation_error`).
pub fn required(body: &Map<String, Value>, fields: &[&str]) -> Result<(), Refusal> {
    match fields
        .iter()
        .find(|f| body.get(**f).is_none_or(Value::is_null))
    {
        Some(f) => Err(Refusal::param(f, "is required").with_code("REQUIRED")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_errors_are_keyed_by_the_bodys_names() {
        let names = vec![(
            "acceptsMarketing".to_owned(),
            "accepts_email_marketing".to_owned(),
        )];
        let r = user_errors(
            &json!([
                {"field": ["input", "0", "email"], "code": "TAKEN", "message": "is already taken"},
                {"field": ["input", "0", "acceptsMarketing"], "code": "INVALID", "message": "is invalid"},
                {"field": ["id"], "code": "NOT_FOUND", "message": "not found"},
            ]),
            &names,
        )
        .unwrap();
        assert_eq!(r.kind, Kind::Validation);
        assert_eq!(r.code.as_deref(), Some("TAKEN"));
        assert_eq!(r.details["email"], vec!["is already taken"]);
        assert_eq!(r.details["accepts_email_marketing"], vec!["is invalid"]);
        assert_eq!(r.details["base"], vec!["not found"]);
        assert!(user_errors(&json!([]), &names).is_none());
    }

    #[test]
    fn nested_fields_are_named_with_their_indexes() {
        let names = vec![
            ("lineItems".to_owned(), "items".to_owned()),
            (
                "lineItems.quantity".to_owned(),
                "items[].quantity".to_owned(),
            ),
            (
                "billingAddress.countryCode".to_owned(),
                "billing_address.country_iso".to_owned(),
            ),
        ];
        let r = user_errors(
            &json!([
                {"field": ["input", "lineItems", "2", "quantity"], "code": "OUT_OF_RANGE", "message": "is out of range"},
                {"field": ["input", "billingAddress", "countryCode"], "code": "INVALID", "message": "is invalid"},
                {"field": ["input", "lineItems"], "code": "ORDER_NOT_EDITABLE", "message": "not a draft"},
            ]),
            &names,
        )
        .unwrap();
        assert_eq!(r.details["items[2].quantity"], vec!["is out of range"]);
        assert_eq!(r.details["billing_address.country_iso"], vec!["is invalid"]);
        assert_eq!(r.details["items"], vec!["not a draft"]);
    }

    #[test]
    fn unknown_body_fields_are_named_and_read_only_ones_ignored() {
        const FIELDS: &[InputField] = &[InputField {
            rest: "first_name",
            gql: "firstName",
        }];
        let body = json!({"first_name": "Jane", "id": "cus_x"});
        let (input, _) = input(body.as_object().unwrap().clone(), FIELDS, &["id"]).unwrap();
        assert_eq!(Value::Object(input), json!({"firstName": "Jane"}));
        let body = json!({"frist_name": "Jane"});
        let e = super::input(body.as_object().unwrap().clone(), FIELDS, &["id"]).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("frist_name"));
    }
}
