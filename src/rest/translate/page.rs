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
