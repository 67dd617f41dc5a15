//! Cursor-paged lists: `cursor` and `limit` (up to [`MAX_LIMIT`]) onto a root connection's
//! `first`/`after`, plain query parameters (`email=…`, `created_at_min=…`) onto its typed
//! `filter`, and the page's `next_cursor`. A page larger than a connection page
//! ([`GRAPHQL_PAGE`], the connections' cap) is read as successive GraphQL pages of the same
//! operation, each after the previous one's `endCursor`, so the statements of a page grow with
//! the number of connection pages it spans, never with its rows.
//!
//! The cursor a client sends back is the connection's own (opaque, signed, bound to the list's
//! sort): a forged or foreign one is refused by GraphQL, and named `cursor` here.

use std::sync::Arc;

use async_graphql::Value as ConstValue;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::filter::{self, FilterKind};
use super::operation::{run_raw, Built, Translator};
use super::params::{self, Params};
use super::plan::Cell;
use super::resource::Resource;
use super::Refusal;
use crate::app::AppState;
use crate::auth::Principal;

/// Default and largest `limit`.
pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 1000;
/// Rows one GraphQL connection page carries at most.
pub const GRAPHQL_PAGE: u32 = 250;
/// Longest value a parameter may carry, in bytes.
const MAX_VALUE: usize = 1024;
/// Values one comma-separated list may carry.
const MAX_VALUES: usize = 1000;

/// How a query parameter sets the list's `filter`.
#[derive(Clone, Copy)]
pub enum Op {
    /// `{field: {op: value}}` (`created_at_min` → `createdAt: {gte: …}`).
    One(&'static str),
    /// `{field: {op: [values]}}` from a comma-separated value (`status=complete,canceled`).
    List(&'static str),
    /// `{field: value}`: a filter field that is the value itself (a boolean).
    Value,
}

/// A query parameter of a cursor-paged list that sets one condition of its filter.
#[derive(Clone, Copy)]
pub struct ParamFilter {
    /// The parameter (`created_at_min`).
    pub param: &'static str,
    /// The GraphQL filter input's field (`createdAt`).
    pub field: &'static str,
    pub op: Op,
    /// How each value is read (a time, an ID, an enum mapped onto GraphQL's…).
    pub kind: FilterKind,
    /// What it selects, for the OpenAPI document.
    pub description: &'static str,
}

/// A root connection as cursor-paged REST lists read it.
pub struct CursorRoot {
    /// The GraphQL root field (`customers`).
    pub field: &'static str,
    /// Its `filter` input type (`CustomerFilter`).
    pub filter_type: &'static str,
    pub params: &'static [ParamFilter],
    pub resource: &'static Resource,
    /// Associations embedded when the request names neither `fields` nor `expand`.
    pub default_expand: &'static [&'static str],
    /// Rows per GraphQL page: [`GRAPHQL_PAGE`], or fewer for rows that embed lists (each page
    /// must stay within the executor's cost budget).
    pub page_size: u32,
}

/// A parsed query string of a cursor-paged list.
#[derive(Debug, Default)]
pub struct CursorParams {
    /// `fields` and `expand` (the rest of it unused).
    pub shape: Params,
    /// The `filter` variable, `None` without conditions.
    pub filter: Option<Value>,
    /// GraphQL argument paths → the parameters that set them, for 400s naming them.
    pub names: Vec<(String, String)>,
    pub cursor: Option<String>,
    /// `limit` as given ([`CursorParams::limit`] is the one that applies).
    pub limit: Option<u32>,
    /// The dialect's other parameters (`format`), as given.
    pub extra: Vec<(String, String)>,
}

impl CursorParams {
    /// Parses `query` for `root`; `extra` names the dialect's other parameters. Any other
    /// parameter, a repeated one or a bad value is refused naming it.
    pub fn parse(
        query: Option<&str>,
        root: &CursorRoot,
        extra: &[&str],
    ) -> Result<CursorParams, Refusal> {
        let mut p = CursorParams::default();
        let mut filter = Map::new();
        let mut seen: Vec<String> = Vec::new();
        for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let key = key.as_ref();
            if seen.iter().any(|k| k == key) {
                return Err(Refusal::param(key, "is given more than once"));
            }
            seen.push(key.to_owned());
            if value.len() > MAX_VALUE {
                return Err(Refusal::param(
                    key,
                    format!("is longer than {MAX_VALUE} bytes"),
                ));
            }
            match key {
                "fields" => p.shape.fields = Some(params::names(key, &value)?),
                "expand" => p.shape.expand = params::expand_paths(key, &value)?,
                "limit" => p.limit = Some(params::number(key, &value, 1, MAX_LIMIT)?),
                "cursor" if value.trim().is_empty() => {
                    return Err(Refusal::param(key, "must not be empty"))
                }
                "cursor" => p.cursor = Some(value.trim().to_owned()),
                _ if extra.contains(&key) => p.extra.push((key.to_owned(), value.into_owned())),
                _ => match root.params.iter().find(|f| f.param == key) {
                    Some(f) => {
                        let path = condition(&mut filter, f, &value)?;
                        p.names.push((path, key.to_owned()));
                    }
                    None => {
                        let known: Vec<&str> = ["fields", "expand", "cursor", "limit"]
                            .into_iter()
                            .chain(extra.iter().copied())
                            .chain(root.params.iter().map(|f| f.param))
                            .collect();
                        return Err(Refusal::param(
                            key,
                            format!(
                                "is not a parameter of this route (parameters: {})",
                                known.join(", ")
                            ),
                        ));
                    }
                },
            }
        }
        if p.shape.fields.is_none() && p.shape.expand.is_empty() {
            p.shape.expand = root
                .default_expand
                .iter()
                .map(|e| vec![(*e).to_owned()])
                .collect();
        }
        if !filter.is_empty() {
            p.filter = Some(Value::Object(filter));
        }
        p.names.push(("after".into(), "cursor".into()));
        p.names.push(("first".into(), "limit".into()));
        Ok(p)
    }

    /// Rows a page holds: `limit`, or [`DEFAULT_LIMIT`].
    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(DEFAULT_LIMIT)
    }

    /// The value of the dialect's parameter `name`, if given.
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Adds `f`'s condition for `value` to `filter`; returns the GraphQL argument path it set.
fn condition(
    filter: &mut Map<String, Value>,
    f: &ParamFilter,
    value: &str,
) -> Result<String, Refusal> {
    if value.trim().is_empty() {
        return Err(Refusal::param(f.param, "must not be empty"));
    }
    let (op, v) = match f.op {
        Op::Value => (None, filter::read(f.kind, f.param, value)?),
        Op::One(op) => (Some(op), filter::read(f.kind, f.param, value)?),
        Op::List(op) => {
            let mut values = Vec::new();
            for v in value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                let v = filter::read(f.kind, f.param, v)?;
                if !values.contains(&v) {
                    values.push(v);
                }
            }
            if values.is_empty() {
                return Err(Refusal::param(f.param, "must not be empty"));
            }
            if values.len() > MAX_VALUES {
                return Err(Refusal::param(
                    f.param,
                    format!("takes at most {MAX_VALUES} values"),
                ));
            }
            (Some(op), Value::Array(values))
        }
    };
    let Some(op) = op else {
        filter.insert(f.field.to_owned(), v);
        return Ok(format!("filter.{}", f.field));
    };
    let slot = filter
        .entry(f.field.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(ops) = slot {
        if ops.insert(op.to_owned(), v).is_some() {
            return Err(Refusal::param(
                f.param,
                "repeats a condition another parameter already sets",
            ));
        }
    }
    Ok(format!("filter.{}.{op}", f.field))
}

/// One GraphQL page of a cursor-paged list.
pub struct Chunk {
    /// `{list: {pageInfo, nodes}}`.
    data: ConstValue,
    /// Rows it holds.
    pub rows: usize,
    /// Where the next page starts; `None` after the last row.
    pub next: Option<String>,
}

impl Chunk {
    fn list(&self) -> Option<&<ConstValue as Cell>::Row> {
        self.data
            .as_row()
            .and_then(|d| d.get("list"))
            .and_then(Cell::as_row)
    }

    /// The rows as the executor answered them.
    pub fn nodes(&self) -> &[ConstValue] {
        self.list()
            .and_then(|l| l.get("nodes"))
            .and_then(Cell::as_list)
            .unwrap_or(&[])
    }
}

/// A page of a cursor-paged list: its GraphQL pages and where the next one starts.
pub struct CursorPage {
    pub built: Arc<Built>,
    pub chunks: Vec<Chunk>,
    pub next_cursor: Option<String>,
}

impl CursorPage {
    /// Rows on the page.
    pub fn len(&self) -> usize {
        self.chunks.iter().map(|c| c.rows).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows as the executor answered them, in order.
    pub fn nodes(&self) -> impl Iterator<Item = &ConstValue> {
        self.chunks.iter().flat_map(Chunk::nodes)
    }
}

/// `{"data": [rows in the dialect's shape], "next_cursor": …}`, written as it is serialized.
impl Serialize for CursorPage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Rows<'a>(&'a CursorPage);
        impl Serialize for Rows<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.0.len()))?;
                for node in self.0.nodes() {
                    seq.serialize_element(&self.0.built.plan.shaped_row(node))?;
                }
                seq.end()
            }
        }
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("data", &Rows(self))?;
        map.serialize_entry("next_cursor", &self.next_cursor)?;
        map.end()
    }
}

impl Translator {
    /// The operation reading one GraphQL page of `root` in `params`' shape (cached by shape).
    pub fn cursor_operation(
        &self,
        root: &'static CursorRoot,
        params: &CursorParams,
    ) -> Result<Arc<Built>, Refusal> {
        let route = format!("cursor:{}", root.field);
        self.operation(&route, root.resource, &params.shape, |selection| {
            format!(
                "query RestCursor($first: Int!, $after: String, $filter: {f}) {{ list: \
                 {field}(first: $first, after: $after, filter: $filter) {{ pageInfo \
                 {{ hasNextPage endCursor }} nodes {{ {selection}}} }} }}",
                f = root.filter_type,
                field = root.field,
            )
        })
    }

    /// One GraphQL page of at most `first` rows after `after`, run with `principal`.
    pub async fn cursor_chunk(
        &self,
        state: &AppState,
        principal: Principal,
        built: &Built,
        params: &CursorParams,
        after: Option<&str>,
        first: u32,
    ) -> Result<Chunk, Refusal> {
        let mut vars = Map::new();
        vars.insert("first".into(), Value::from(first));
        vars.insert("after".into(), after.map_or(Value::Null, Value::from));
        vars.insert(
            "filter".into(),
            params.filter.clone().unwrap_or(Value::Null),
        );
        let data = run_raw(state, principal, &built.text, vars, &params.names).await?;
        let mut chunk = Chunk {
            data,
            rows: 0,
            next: None,
        };
        chunk.rows = chunk.nodes().len();
        let info = chunk
            .list()
            .and_then(|l| l.get("pageInfo"))
            .and_then(Cell::as_row);
        let has_next = matches!(
            info.and_then(|i| i.get("hasNextPage")),
            Some(ConstValue::Boolean(true))
        );
        if has_next {
            if let Some(ConstValue::String(c)) = info.and_then(|i| i.get("endCursor")) {
                chunk.next = Some(c.clone());
            }
        }
        Ok(chunk)
    }

    /// A page of `root` for `params`: `limit` rows after `cursor`, read in GraphQL pages of
    /// at most `root.page_size` rows.
    pub async fn cursor_page(
        &self,
        state: &AppState,
        principal: Principal,
        root: &'static CursorRoot,
        params: &CursorParams,
    ) -> Result<CursorPage, Refusal> {
        let built = self.cursor_operation(root, params)?;
        let mut chunks = Vec::new();
        let mut left = params.limit();
        let mut after = params.cursor.clone();
        loop {
            let first = left.min(root.page_size.max(1));
            let chunk = self
                .cursor_chunk(
                    state,
                    principal.clone(),
                    &built,
                    params,
                    after.as_deref(),
                    first,
                )
                .await?;
            left = left.saturating_sub(chunk.rows as u32);
            after = chunk.next.clone();
            let empty = chunk.rows == 0;
            chunks.push(chunk);
            if after.is_none() || left == 0 || empty {
                break;
            }
        }
        Ok(CursorPage {
            built,
            chunks,
            next_cursor: after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn status(v: &str) -> Option<String> {
        matches!(v, "complete" | "canceled").then(|| v.to_ascii_uppercase())
    }

    static ROOT: CursorRoot = CursorRoot {
        field: "orders",
        filter_type: "OrderFilter",
        params: &[
            ParamFilter {
                param: "created_at_min",
                field: "createdAt",
                op: Op::One("gte"),
                kind: FilterKind::Time,
                description: "",
            },
            ParamFilter {
                param: "created_at_max",
                field: "createdAt",
                op: Op::One("lte"),
                kind: FilterKind::Time,
                description: "",
            },
            ParamFilter {
                param: "status",
                field: "status",
                op: Op::List("in"),
                kind: FilterKind::Enum(status),
                description: "",
            },
            ParamFilter {
                param: "accepts_marketing",
                field: "acceptsMarketing",
                op: Op::Value,
                kind: FilterKind::Bool,
                description: "",
            },
        ],
        resource: &super::super::resource::NOTHING,
        default_expand: &["line_items"],
        page_size: GRAPHQL_PAGE,
    };

    fn parse(q: &str) -> Result<CursorParams, Refusal> {
        CursorParams::parse(Some(q), &ROOT, &["format"])
    }

    #[test]
    fn parameters_become_one_filter() {
        let p = parse(
            "created_at_min=2026-01-01&created_at_max=2026-02-01T10:00:00Z&status=complete,canceled\
             &accepts_marketing=true&limit=1000&cursor=abc&format=ndjson",
        )
        .unwrap();
        assert_eq!(
            p.filter,
            Some(json!({
                "createdAt": {"gte": "2026-01-01T00:00:00Z", "lte": "2026-02-01T10:00:00Z"},
                "status": {"in": ["COMPLETE", "CANCELED"]},
                "acceptsMarketing": true,
            }))
        );
        assert_eq!((p.limit(), p.cursor.as_deref()), (1000, Some("abc")));
        assert_eq!(p.extra("format"), Some("ndjson"));
        assert_eq!(p.shape.expand, vec![vec!["line_items".to_owned()]]);
        assert!(p
            .names
            .contains(&("filter.createdAt.gte".into(), "created_at_min".into())));
        // Naming `fields` drops the default expansion.
        assert!(parse("fields=id").unwrap().shape.expand.is_empty());
        assert_eq!(parse("").unwrap().limit(), DEFAULT_LIMIT);
    }

    #[test]
    fn bad_parameters_are_named() {
        for (q, param) in [
            ("limit=0", "limit"),
            ("limit=1001", "limit"),
            ("limit=abc", "limit"),
            ("cursor=", "cursor"),
            ("per_page=5", "per_page"),
            ("status=shipped", "status"),
            ("status=,", "status"),
            ("created_at_min=yesterday", "created_at_min"),
            ("accepts_marketing=maybe", "accepts_marketing"),
            ("limit=5&limit=6", "limit"),
            ("fields=a,,b", "fields"),
        ] {
            let e = parse(q).unwrap_err();
            assert_eq!(e.param.as_deref(), Some(param), "{q}");
        }
    }
}
