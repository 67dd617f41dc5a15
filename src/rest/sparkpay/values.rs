//! Spark Pay's values on the wire: integer IDs (see [`crate::ids::integers`]), money as JSON
//! numbers, and the bodies its clients send (including the line continuations of the seed's
//! own `curl` example).

use std::borrow::Cow;
use std::str::FromStr;

use axum::http::HeaderMap;
use rust_decimal::Decimal;
use serde_json::{json, Map, Number, Value};

use crate::ids::{integers, Kind as IdKind};
use crate::rest::translate::body::{self, json_type};
use crate::rest::Refusal;

/// The integer spelling of the public ID in `row[source]` (null when absent or not an ID of
/// `kind`).
pub fn int_id(row: &Map<String, Value>, source: &str, kind: IdKind) -> Value {
    row.get(source)
        .and_then(Value::as_str)
        .and_then(|id| integers::of_public(kind, id))
        .map_or(Value::Null, Value::from)
}

/// An amount (a GraphQL `Decimal`, `"2511.40"`) as the JSON number of exactly that value
/// (`2511.4`; a whole amount as an integer, `2295`). An amount a double cannot hold exactly
/// (more than 15 significant digits, beyond 100 billion with cents) stays the decimal's text:
/// a string, rather than a number a client would read rounded.
pub fn money(v: Option<&Value>) -> Value {
    let Some(text) = v.and_then(Value::as_str) else {
        return v.filter(|v| v.is_number()).cloned().unwrap_or(Value::Null);
    };
    let Ok(d) = Decimal::from_str(text.trim()) else {
        return Value::String(text.to_owned());
    };
    let d = d.normalize();
    if d.scale() == 0 {
        if let Ok(n) = i64::try_from(d.mantissa()) {
            if n.unsigned_abs() <= (1 << 53) {
                return Value::from(n);
            }
        }
    }
    let exact = d
        .to_string()
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .filter(|n| {
            let printed = n.to_string();
            Decimal::from_str(&printed)
                .or_else(|_| Decimal::from_scientific(&printed))
                .is_ok_and(|back| back == d)
        });
    match exact {
        Some(n) => Value::Number(n),
        None => Value::String(d.to_string()),
    }
}

/// [`money`] of the row's field `source`.
pub fn money_of(row: &Map<String, Value>, source: &str) -> Value {
    money(row.get(source))
}

/// JSON schemas of computed values, for the OpenAPI document.
pub fn integer() -> Value {
    json!({"type": "integer"})
}
pub fn integer_or_null() -> Value {
    json!({"type": ["integer", "null"]})
}
pub fn number() -> Value {
    json!({"type": ["number", "string"], "description": "The exact decimal amount as a number; past 15 significant digits, as a string."})
}
pub fn number_or_null() -> Value {
    json!({"type": ["number", "string", "null"], "description": "The exact decimal amount as a number; past 15 significant digits, as a string."})
}

/// The `{id}` of a route's path (`1402339112`, or `1402339112.json`) as the public ID of
/// `kind`: 400 naming `id` when it is not a whole number, 404 when it names no record.
pub fn path_id(raw: &str, kind: IdKind) -> Result<String, Refusal> {
    let digits = raw.strip_suffix(".json").unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal::param(
            "id",
            format!(
                "must be a whole number (a Spark Pay {} ID), not `{raw}`",
                kind.noun()
            ),
        ));
    }
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| integers::to_public(kind, n))
        .ok_or_else(|| {
            Refusal::not_found(format!("no {} has the ID {digits}", kind.noun()))
                .with_code("NOT_FOUND")
        })
}

/// An integer ID in a body field or filter (`customer_id: 1402339112`) as the public ID of
/// `kind`; 400 naming `param` when it is not a whole number or names no record of the kind.
pub fn body_id(param: &str, v: &Value, kind: IdKind) -> Result<String, Refusal> {
    let n = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        Refusal::param(
            param,
            format!(
                "must be a {} ID (a whole number), not {}",
                kind.noun(),
                json_type(v)
            ),
        )
    })?;
    integers::to_public(kind, n)
        .ok_or_else(|| Refusal::param(param, format!("names no {}", kind.noun())))
}

/// The public ID of `kind` an integer filter value spells (`None`: not one), for
/// [`FilterKind::Enum`](crate::rest::translate::filter::FilterKind::Enum).
pub fn filter_id(v: &str, kind: IdKind) -> Option<String> {
    integers::to_public(kind, v.trim().parse::<u64>().ok()?)
}

/// An amount of a body (`price: 12.5` or `"12.50"`) as the GraphQL `Decimal` text; a number
/// travels as the decimal it was written as (its shortest spelling). 400 naming `param` for
/// anything else.
pub fn amount(param: &str, v: &Value) -> Result<Value, Refusal> {
    match v {
        Value::Number(n) => Ok(Value::String(n.to_string())),
        Value::String(s) if Decimal::from_str(s.trim()).is_ok() => {
            Ok(Value::String(s.trim().to_owned()))
        }
        Value::String(s) => Err(Refusal::param(
            param,
            format!("must be an amount (12.5), not `{s}`"),
        )),
        other => Err(Refusal::param(
            param,
            format!("must be an amount (a number), not {}", json_type(other)),
        )),
    }
}

/// A whole number of a body field, or 400 naming it.
pub fn whole(param: &str, v: &Value) -> Result<i64, Refusal> {
    v.as_i64().ok_or_else(|| {
        Refusal::param(
            param,
            format!("must be a whole number, not {}", json_type(v)),
        )
    })
}

/// The request body as a JSON object (see [`body::object`]). A backslash ending a line outside
/// a string is dropped first: the seed's `curl -d '{ \` example sends its shell line
/// continuations inside the single-quoted body, and Spark Pay reads it.
pub fn object(headers: &HeaderMap, bytes: &[u8]) -> Result<Map<String, Value>, Refusal> {
    body::object(headers, &without_line_continuations(bytes))
}

/// `bytes` without the `\` + newline pairs (`\r\n` too) found outside JSON strings.
fn without_line_continuations(bytes: &[u8]) -> Cow<'_, [u8]> {
    if !bytes.contains(&b'\\') {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            out.push(b);
            if b == b'\\' {
                if let Some(&next) = bytes.get(i + 1) {
                    out.push(next);
                    i += 1;
                }
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'\\' {
            let rest = &bytes[i + 1..];
            let skip = if rest.starts_with(b"\r\n") {
                2
            } else if rest.starts_with(b"\n") {
                1
            } else {
                0
            };
            if skip == 0 {
                // Not a line continuation: left for the JSON parser to refuse.
                out.push(b);
            } else {
                out.push(b'\n');
                i += skip;
            }
        } else {
            if b == b'"' {
                in_string = true;
            }
            out.push(b);
        }
        i += 1;
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_json_numbers() {
        let m = |s: &str| money(Some(&json!(s)));
        assert_eq!(m("2511.40").to_string(), "2511.4");
        assert_eq!(m("2295.00").to_string(), "2295");
        assert_eq!(m("0.10").to_string(), "0.1");
        assert_eq!(m("0.0001").to_string(), "0.0001");
        assert_eq!(m("-12.3400").to_string(), "-12.34");
        assert_eq!(m("99999999999.9999").to_string(), "99999999999.9999");
        // Past what a double holds: the exact text, never a rounded number.
        assert_eq!(m("123456789012345.6789"), json!("123456789012345.6789"));
        assert_eq!(money(None), Value::Null);
        assert_eq!(money(Some(&Value::Null)), Value::Null);
    }

    #[test]
    fn path_ids_are_whole_numbers() {
        let id = crate::ids::encode(IdKind::Customer, 77);
        let n = integers::of_public(IdKind::Customer, &id).unwrap();
        assert_eq!(path_id(&n.to_string(), IdKind::Customer).unwrap(), id);
        assert_eq!(path_id(&format!("{n}.json"), IdKind::Customer).unwrap(), id);
        for bad in ["abc", "12a", "-3", "", "1.5", "cus_x"] {
            let r = path_id(bad, IdKind::Customer).unwrap_err();
            assert_eq!(r.param.as_deref(), Some("id"), "{bad}");
        }
        let r = path_id("99999999999999999999", IdKind::Customer).unwrap_err();
        assert_eq!(r.kind, crate::rest::Kind::NotFound);
    }

    #[test]
    fn line_continuations_outside_strings_are_dropped() {
        let sent = b"{ \\\n\"item_name\": \"My \\\\ test\", \\\r\n\"n\": 1\n}";
        let clean = without_line_continuations(sent);
        let v: Value = serde_json::from_slice(&clean).unwrap();
        assert_eq!(v, json!({"item_name": "My \\ test", "n": 1}));
        // A stray backslash elsewhere still fails to parse.
        assert!(serde_json::from_slice::<Value>(&without_line_continuations(b"{\\ }")).is_err());
    }
}
