//! Page-numbered lists: `page`/`limit` to the connection's `first`/`offset`, and the
//! dialect's pagination `meta` from its `totalCount`.

use serde_json::{json, Value};

/// Spree's `PaginationMeta`: `{page limit count pages from to in previous next}`.
pub fn meta(page: u32, limit: u32, count: u64, rows: usize) -> Value {
    let limit64 = u64::from(limit.max(1));
    let pages = count.div_ceil(limit64);
    let page64 = u64::from(page);
    let from = if rows == 0 {
        0
    } else {
        (page64 - 1) * limit64 + 1
    };
    let to = if rows == 0 { 0 } else { from + rows as u64 - 1 };
    json!({
        "page": page,
        "limit": limit,
        "count": count,
        "pages": pages,
        "from": from,
        "to": to,
        "in": rows,
        "previous": if page > 1 { Some(page - 1) } else { None },
        "next": if page64 < pages { Some(page + 1) } else { None },
    })
}

/// The list envelope `{"data": rows, "meta": meta(..)}` of a page of `rows`. Built by hand:
/// `json!` would serialize `rows` into a deep copy of itself.
pub fn envelope(rows: Vec<Value>, page: u32, limit: u32, count: u64) -> Value {
    let meta = meta(page, limit, count, rows.len());
    let mut out = serde_json::Map::with_capacity(2);
    out.insert("data".into(), Value::Array(rows));
    out.insert("meta".into(), meta);
    Value::Object(out)
}

/// The response of a page of a list, `{"data": rows, "meta": meta(..)}`, its rows written
/// straight from the executor's answer into the body.
pub fn page_response(page: &super::operation::ListPage) -> axum::response::Response {
    use axum::response::IntoResponse;
    #[derive(serde::Serialize)]
    struct Envelope<'a> {
        data: super::plan::Shaped<'a, async_graphql::Value>,
        meta: Value,
    }
    let envelope = Envelope {
        data: page.rows(),
        meta: meta(page.page, page.limit, page.count, page.len()),
    };
    match serde_json::to_vec(&envelope) {
        Ok(body) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
        Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// [`envelope`] of a whole embedded list: one page holding every row.
pub fn whole(rows: Vec<Value>) -> Value {
    let n = rows.len();
    envelope(rows, 1, n.max(1) as u32, n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_follows_the_spec() {
        assert_eq!(
            meta(1, 25, 2, 2),
            json!({"page":1,"limit":25,"count":2,"pages":1,"from":1,"to":2,"in":2,"previous":null,"next":null})
        );
        assert_eq!(
            meta(2, 10, 35, 10),
            json!({"page":2,"limit":10,"count":35,"pages":4,"from":11,"to":20,"in":10,"previous":1,"next":3})
        );
        assert_eq!(
            meta(5, 10, 35, 0),
            json!({"page":5,"limit":10,"count":35,"pages":4,"from":0,"to":0,"in":0,"previous":4,"next":null})
        );
    }
}
