//! `sort=-created_at,email` to the GraphQL list's `sort` argument: a list of
//! `{field, direction}`, ties broken by ID as every list does.

use serde_json::{json, Value};

use super::params::SortKey;
use super::Refusal;

/// A sort key a list route accepts: the dialect's name and the GraphQL sort field.
pub struct SortAttr {
    pub key: &'static str,
    pub field: &'static str,
}

/// The `sort` variable, or `None` for the list's default order.
pub fn sort(attrs: &[SortAttr], keys: &[SortKey]) -> Result<Option<Value>, Refusal> {
    if keys.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        let a = attrs.iter().find(|a| a.key == k.key).ok_or_else(|| {
            Refusal::param(
                "sort",
                format!(
                    "`{}` is not a sort key of this list (keys: {})",
                    k.key,
                    attrs.iter().map(|a| a.key).collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        if keys.iter().filter(|o| o.key == k.key).count() > 1 {
            return Err(Refusal::param(
                "sort",
                format!("`{}` is given twice", k.key),
            ));
        }
        out.push(json!({
            "field": a.field,
            "direction": if k.descending { "DESC" } else { "ASC" },
        }));
    }
    Ok(Some(Value::Array(out)))
}
