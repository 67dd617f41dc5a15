//! Spark Pay's query string onto the translator's [`Params`]: `page` (default 1), `count`
//! (default 100, 1 to 200), `fields`, `expand`, `sort=-price,item_name`, and filters written
//! `field=op:value` (Spark Pay's query syntax: `eq` when no operator is given, `not`, `like`,
//! `startwith`, `gt`, `gte`, `lt`, `lte`; `price=gt:5+AND+lte:25` combines two on one field;
//! `OR` is not supported). Every error names the parameter as the client wrote it.

use serde_json::{json, Value};

use crate::rest::translate::filter::FilterAttr;
use crate::rest::translate::operation::ListRoot;
use crate::rest::translate::params::{self, Condition, Params, Predicate, SortKey};
use crate::rest::Refusal;

/// Default and largest `count`.
pub const DEFAULT_COUNT: u32 = 100;
pub const MAX_COUNT: u32 = 200;

/// Spark Pay's comparison operators and the predicates they are.
pub const OPERATORS: [(&str, Predicate); 8] = [
    ("eq", Predicate::Eq),
    ("not", Predicate::NotEq),
    ("like", Predicate::Cont),
    ("startwith", Predicate::Start),
    ("gt", Predicate::Gt),
    ("gte", Predicate::Gteq),
    ("lt", Predicate::Lt),
    ("lte", Predicate::Lteq),
];

/// The names of the parameters every list takes besides its filters.
const LIST_PARAMS: [&str; 5] = ["page", "count", "fields", "expand", "sort"];

/// The query string of a list of `root`.
pub fn list(query: Option<&str>, root: &ListRoot) -> Result<Params, Refusal> {
    let mut p = Params {
        limit: Some(DEFAULT_COUNT),
        ..Params::default()
    };
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let key = key.as_ref();
        match key {
            "page" => p.page = Some(params::number(key, &value, 1, u32::MAX)?),
            "count" => p.limit = Some(params::number(key, &value, 1, MAX_COUNT)?),
            "fields" => p.fields = Some(params::names(key, &value)?),
            "expand" => p.expand.extend(params::expand_paths(key, &value)?),
            "sort" => {
                for name in params::names(key, &value)? {
                    let (k, descending) = match name.strip_prefix('-') {
                        Some(k) => (k.to_owned(), true),
                        None => (name.trim_start_matches('+').to_owned(), false),
                    };
                    p.sort.push(SortKey { key: k, descending });
                }
            }
            _ => {
                let attr =
                    root.filters.iter().find(|a| a.attr == key).ok_or_else(|| {
                        Refusal::param(
                            key,
                            format!(
                            "is not a parameter nor a filterable field of this list (parameters: \
                             {}; filters: {})",
                            LIST_PARAMS.join(", "),
                            root.filters.iter().map(|a| a.attr).collect::<Vec<_>>().join(", ")
                        ),
                        )
                    })?;
                conditions(&mut p.conditions, attr, &value)?;
            }
        }
    }
    Ok(p)
}

/// The query string of a single record: `fields`, `expand`.
pub fn one(query: Option<&str>) -> Result<Params, Refusal> {
    let mut p = Params::default();
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "fields" => p.fields = Some(params::names("fields", &value)?),
            "expand" => p.expand.extend(params::expand_paths("expand", &value)?),
            other => {
                return Err(Refusal::param(
                    other,
                    "is not a parameter of this route (parameters: fields, expand)",
                ))
            }
        }
    }
    Ok(p)
}

/// The conditions of one filter parameter (`gt:5 AND lte:25`).
fn conditions(out: &mut Vec<Condition>, attr: &FilterAttr, value: &str) -> Result<(), Refusal> {
    let param = attr.attr;
    let value = value.trim();
    if value == "OR" || value.starts_with("OR ") || value.contains(" OR ") {
        return Err(Refusal::param(
            param,
            "combines conditions with OR, which this gateway does not support: send one \
             request per alternative",
        ));
    }
    for part in value.split(" AND ") {
        let (predicate, operand) = operator(param, part.trim())?;
        if !attr.kind.predicates().contains(&predicate) {
            let allowed: Vec<&str> = OPERATORS
                .iter()
                .filter(|(_, p)| attr.kind.predicates().contains(p))
                .map(|(name, _)| *name)
                .collect();
            return Err(Refusal::param(
                param,
                format!(
                    "does not take the operator `{}` (it takes: {})",
                    OPERATORS
                        .iter()
                        .find(|(_, p)| *p == predicate)
                        .map_or("?", |(n, _)| *n),
                    allowed.join(", ")
                ),
            ));
        }
        out.push(Condition {
            param: param.to_owned(),
            attr: param.to_owned(),
            predicate,
            values: vec![operand.to_owned()],
        });
    }
    Ok(())
}

/// `gt:5` → (Gt, `5`); a value without a known operator is compared with `eq`. A prefix that
/// looks like an operator (`contains:x`) but is none is refused: `eq:contains:x` compares a
/// value with a colon.
fn operator<'a>(param: &str, part: &'a str) -> Result<(Predicate, &'a str), Refusal> {
    let Some((op, operand)) = part.split_once(':') else {
        return Ok((Predicate::Eq, part));
    };
    if let Some((_, p)) = OPERATORS.iter().find(|(name, _)| *name == op) {
        return Ok((*p, operand));
    }
    if !op.is_empty() && op.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(Refusal::param(
            param,
            format!(
                "has an unknown operator `{op}` (operators: {}; `eq:{part}` compares the value \
                 as written)",
                OPERATORS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok((Predicate::Eq, part))
}

/// The query parameters of a list route, for the OpenAPI document.
pub fn openapi(root: &ListRoot) -> Vec<Value> {
    use crate::rest::openapi::param;
    let r = root.resource;
    let fields: Vec<&str> = r.public_fields().map(|f| f.name).collect();
    let expands: Vec<&str> = r.expands.iter().map(|e| e.name).collect();
    let mut out = vec![
        param(
            "page",
            "query",
            "Page number, 1-based; past the last page, 404. At most 10,000 rows may be skipped.",
            json!({"type": "integer", "minimum": 1, "default": 1}),
        ),
        param(
            "count",
            "query",
            "Records per page.",
            json!({"type": "integer", "minimum": 1, "maximum": MAX_COUNT, "default": DEFAULT_COUNT}),
        ),
        param(
            "fields",
            "query",
            &format!(
                "Comma-separated fields to include; `id` always is. One of: {}.",
                fields.join(", ")
            ),
            json!({"type": "string"}),
        ),
        param(
            "expand",
            "query",
            &format!(
                "Comma-separated nested resources to fill. One of: {}.",
                if expands.is_empty() {
                    "none".to_owned()
                } else {
                    expands.join(", ")
                }
            ),
            json!({"type": "string"}),
        ),
        param(
            "sort",
            "query",
            &format!(
                "Comma-separated sort keys, `-` for descending (`-price,item_name`): {}.",
                root.sorts
                    .iter()
                    .map(|s| s.key)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            json!({"type": "string"}),
        ),
    ];
    for a in root.filters {
        let ops: Vec<&str> = OPERATORS
            .iter()
            .filter(|(_, p)| a.kind.predicates().contains(p))
            .map(|(n, _)| *n)
            .collect();
        out.push(param(
            a.attr,
            "query",
            &format!(
                "Filter `op:value` (operators: {}; `eq` when omitted); `op:a AND op:b` combines two.",
                ops.join(", ")
            ),
            json!({"type": "string"}),
        ));
    }
    out
}

/// The query parameters of a record route, for the OpenAPI document.
pub fn openapi_one(r: &crate::rest::translate::resource::Resource) -> Vec<Value> {
    use crate::rest::openapi::param;
    let fields: Vec<&str> = r.public_fields().map(|f| f.name).collect();
    let expands: Vec<&str> = r.expands.iter().map(|e| e.name).collect();
    vec![
        param(
            "fields",
            "query",
            &format!(
                "Comma-separated fields to include; `id` always is. One of: {}.",
                fields.join(", ")
            ),
            json!({"type": "string"}),
        ),
        param(
            "expand",
            "query",
            &format!(
                "Comma-separated nested resources to fill. One of: {}.",
                if expands.is_empty() {
                    "none".to_owned()
                } else {
                    expands.join(", ")
                }
            ),
            json!({"type": "string"}),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rest::translate::filter::FilterKind;
    use crate::rest::translate::resource::{value, Resource};
    use crate::rest::translate::sort::SortAttr;

    static R: Resource = Resource {
        graphql_type: "Product",
        fields: &[value("id", "id"), value("item_name", "name")],
        expands: &[],
    };
    static ROOT: ListRoot = ListRoot {
        field: "products",
        filter_type: "ProductFilter",
        sort_type: "ProductSort",
        search: false,
        filters: &[
            FilterAttr {
                attr: "item_name",
                field: "name",
                kind: FilterKind::Text,
            },
            FilterAttr {
                attr: "updated_at",
                field: "updatedAt",
                kind: FilterKind::Time,
            },
        ],
        sorts: &[SortAttr {
            key: "item_name",
            field: "NAME",
        }],
        resource: &R,
    };

    #[test]
    fn a_list_query_parses_every_part() {
        let p = list(
            Some(
                "page=2&count=10&fields=id,item_name&sort=-item_name&item_name=like:doge\
                 &updated_at=gt:2012-12-08T06:00:00.0Z+AND+lte:2013-01-01",
            ),
            &ROOT,
        )
        .unwrap();
        assert_eq!((p.page(), p.limit()), (2, 10));
        assert!(p.sort[0].descending);
        let c: Vec<(Predicate, &str)> = p
            .conditions
            .iter()
            .map(|c| (c.predicate, c.values[0].as_str()))
            .collect();
        assert_eq!(
            c,
            vec![
                (Predicate::Cont, "doge"),
                (Predicate::Gt, "2012-12-08T06:00:00.0Z"),
                (Predicate::Lteq, "2013-01-01"),
            ]
        );
        // No operator: `eq`, a colon in the value included.
        let p = list(Some("item_name=Big:Box%3A2"), &ROOT).unwrap();
        assert_eq!(p.conditions[0].predicate, Predicate::Eq);
        assert_eq!(p.conditions[0].values[0], "Big:Box:2");
        let p = list(Some("item_name=eq:like:x"), &ROOT).unwrap();
        assert_eq!(p.conditions[0].values[0], "like:x");
        assert_eq!(list(None, &ROOT).unwrap().limit(), DEFAULT_COUNT);
    }

    #[test]
    fn bad_parameters_are_named() {
        for (q, param) in [
            ("count=0", "count"),
            ("count=201", "count"),
            ("count=x", "count"),
            ("page=0", "page"),
            ("colour=red", "colour"),
            ("item_name=contains:x", "item_name"),
            ("item_name=gt:x", "item_name"),
            ("item_name=OR+like:a", "item_name"),
            ("item_name=like:a+OR+like:b", "item_name"),
            ("fields=id,,x", "fields"),
        ] {
            let e = list(Some(q), &ROOT).unwrap_err();
            assert_eq!(e.param.as_deref(), Some(param), "{q}");
        }
        assert_eq!(
            one(Some("count=5")).unwrap_err().param.as_deref(),
            Some("count")
        );
    }
}
