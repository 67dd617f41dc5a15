//! From `fields=` and `expand=` to a plan: the GraphQL selection to send and, for the answer,
//! which fields to write and how. Every selected field is aliased to its REST name, so the
//! answer already carries the dialect's keys and reshaping is one pass over each row.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use async_graphql::Value as ConstValue;
use serde_json::{Map, Value};

use super::resource::{Expand, Field, Render, Resource, Shape};
use super::Refusal;

/// What to select and write for one resource (and, recursively, its expansions).
pub struct Plan {
    pub resource: &'static Resource,
    /// Fields written in the response, in the resource's order.
    pub output: Vec<&'static Field>,
    /// Fields selected: the output and what they are computed from.
    pub selected: Vec<&'static Field>,
    pub expands: Vec<(&'static Expand, Plan)>,
    /// What computed output fields read (their `needs`, transitively).
    pub sources: Vec<&'static str>,
}

impl Plan {
    /// The plan of `resource` for `fields` (every public field when `None`; `id` always) and
    /// the `expand` paths. Unknown names are refused naming the parameter.
    pub fn new(
        resource: &'static Resource,
        fields: Option<&[String]>,
        expand: &[Vec<String>],
    ) -> Result<Plan, Refusal> {
        let mut wanted: BTreeSet<&'static str> = BTreeSet::new();
        match fields {
            None => wanted.extend(resource.public_fields().map(|f| f.name)),
            Some(names) => {
                wanted.insert("id");
                for name in names {
                    match resource.public_fields().find(|f| f.name == name) {
                        Some(f) => {
                            wanted.insert(f.name);
                        }
                        // An association named in `fields` is read as an expansion of it.
                        None if resource.expand(name).is_some() => {}
                        None => {
                            return Err(Refusal::param(
                                "fields",
                                format!(
                                    "`{name}` is not a field of this resource (fields: {})",
                                    list(resource.public_fields().map(|f| f.name))
                                ),
                            ))
                        }
                    }
                }
            }
        }
        let output: Vec<&'static Field> = resource
            .fields
            .iter()
            .filter(|f| wanted.contains(f.name))
            .collect();
        // What the output is computed from, transitively.
        let mut needed = wanted.clone();
        let mut stack: Vec<&'static str> = wanted.iter().copied().collect();
        while let Some(name) = stack.pop() {
            if let Some(f) = resource.field(name) {
                for n in f.needs {
                    if needed.insert(n) {
                        stack.push(n);
                    }
                }
            }
        }
        let selected: Vec<&'static Field> = resource
            .fields
            .iter()
            .filter(|f| needed.contains(f.name))
            .collect();
        let sources = selected
            .iter()
            .filter(|f| !f.select.is_empty() && selected.iter().any(|g| g.needs.contains(&f.name)))
            .map(|f| f.name)
            .collect();

        let mut expands: Vec<(&'static Expand, Plan)> = Vec::new();
        let mut heads: Vec<&str> = Vec::new();
        let from_fields = fields
            .into_iter()
            .flatten()
            .filter(|n| resource.expand(n).is_some())
            .map(|n| vec![n.clone()]);
        let paths: Vec<Vec<String>> = expand.iter().cloned().chain(from_fields).collect();
        for path in &paths {
            if let Some(head) = path.first() {
                if !heads.contains(&head.as_str()) {
                    heads.push(head);
                }
            }
        }
        for head in heads {
            let Some(e) = resource.expand(head) else {
                return Err(Refusal::param(
                    "expand",
                    format!(
                        "`{head}` is not an association of this resource (expand: {})",
                        list(resource.expands.iter().map(|e| e.name))
                    ),
                ));
            };
            let rest: Vec<Vec<String>> = paths
                .iter()
                .filter(|p| p.first().map(String::as_str) == Some(head) && p.len() > 1)
                .map(|p| p[1..].to_vec())
                .collect();
            expands.push((e, Plan::new(e.resource, None, &rest)?));
        }
        Ok(Plan {
            resource,
            output,
            selected,
            expands,
            sources,
        })
    }

    /// The GraphQL selection set of the plan, without the outer braces.
    pub fn selection(&self) -> String {
        let mut s = String::new();
        self.write_selection(&mut s);
        s
    }

    fn write_selection(&self, s: &mut String) {
        for f in &self.selected {
            if !f.select.is_empty() {
                let _ = write!(s, "{}: {} ", f.name, f.select);
            }
        }
        for (e, plan) in &self.expands {
            let _ = write!(s, "{}: {} {{ ", e.name, e.field);
            if e.shape == Shape::Nodes {
                s.push_str("nodes { ");
            }
            plan.write_selection(s);
            if e.shape == Shape::Nodes {
                s.push_str("} ");
            }
            s.push_str("} ");
        }
    }

    /// One row of the answer (aliased as planned) in the dialect's shape. `row` is either the
    /// GraphQL response as it comes out of the executor (`ConstValue`, the list and show
    /// routes: each value is converted once, straight into the output) or JSON (a mutation's
    /// payload, already read as JSON by its handler).
    pub fn reshape<R: Row + ?Sized>(&self, row: &R) -> Value {
        let mut out = Map::with_capacity(self.output.len() + self.expands.len());
        // What computed fields read, as JSON; built once per row, only when one is written.
        let mut sources: Option<std::borrow::Cow<'_, Map<String, Value>>> = None;
        for f in &self.output {
            let v = match f.render {
                Render::Value => row.get(f.name).map_or(Value::Null, Cell::to_json),
                Render::IdOf => row
                    .get(f.name)
                    .and_then(Cell::as_row)
                    .and_then(|o| o.get("id"))
                    .map_or(Value::Null, Cell::to_json),
                Render::Computed(compute) => {
                    compute(sources.get_or_insert_with(|| row.sources(&self.sources)))
                }
                Render::Fixed(fixed) => fixed(),
            };
            out.insert(f.name.to_owned(), v);
        }
        for (e, plan) in &self.expands {
            let v = match row.get(e.name) {
                Some(v) if !v.is_null() => match e.shape {
                    Shape::One => plan.reshape_value(v),
                    Shape::Many => plan.reshape_list(v),
                    Shape::Nodes => match v.as_row().and_then(|o| o.get("nodes")) {
                        Some(nodes) => plan.reshape_list(nodes),
                        None => Value::Array(Vec::new()),
                    },
                },
                _ => match e.shape {
                    Shape::One => Value::Null,
                    Shape::Many | Shape::Nodes => Value::Array(Vec::new()),
                },
            };
            out.insert(e.name.to_owned(), v);
        }
        Value::Object(out)
    }

    /// An object of the answer, or null.
    pub fn reshape_value<C: Cell>(&self, v: &C) -> Value {
        match v.as_row() {
            Some(row) => self.reshape(row),
            None => Value::Null,
        }
    }

    /// A list of the answer's objects (an absent list is empty).
    pub fn reshape_list<C: Cell>(&self, v: &C) -> Value {
        match v.as_list() {
            Some(rows) => Value::Array(rows.iter().map(|r| self.reshape_value(r)).collect()),
            None => Value::Array(Vec::new()),
        }
    }
}

/// An object of a GraphQL answer, as the reshaper reads it.
pub trait Row {
    type Cell: Cell;
    fn get(&self, key: &str) -> Option<&Self::Cell>;
    /// The fields named in `names` as a JSON object (what computed fields read).
    fn sources(&self, names: &[&'static str]) -> std::borrow::Cow<'_, Map<String, Value>>;
}

/// A value of a GraphQL answer, as the reshaper reads it.
pub trait Cell: Sized {
    type Row: Row<Cell = Self> + ?Sized;
    fn to_json(&self) -> Value;
    fn is_null(&self) -> bool;
    fn as_row(&self) -> Option<&Self::Row>;
    fn as_list(&self) -> Option<&[Self]>;
}

impl Row for Map<String, Value> {
    type Cell = Value;
    fn get(&self, key: &str) -> Option<&Value> {
        Map::get(self, key)
    }
    fn sources(&self, _: &[&'static str]) -> std::borrow::Cow<'_, Map<String, Value>> {
        std::borrow::Cow::Borrowed(self)
    }
}

impl Cell for Value {
    type Row = Map<String, Value>;
    fn to_json(&self) -> Value {
        self.clone()
    }
    fn is_null(&self) -> bool {
        Value::is_null(self)
    }
    fn as_row(&self) -> Option<&Map<String, Value>> {
        self.as_object()
    }
    fn as_list(&self) -> Option<&[Value]> {
        self.as_array().map(Vec::as_slice)
    }
}

type ConstRow = async_graphql::indexmap::IndexMap<async_graphql::Name, ConstValue>;

impl Row for ConstRow {
    type Cell = ConstValue;
    fn get(&self, key: &str) -> Option<&ConstValue> {
        async_graphql::indexmap::IndexMap::get(self, key)
    }
    fn sources(&self, names: &[&'static str]) -> std::borrow::Cow<'_, Map<String, Value>> {
        let mut m = Map::with_capacity(names.len());
        for name in names {
            if let Some(v) = Row::get(self, name) {
                m.insert((*name).to_owned(), v.to_json());
            }
        }
        std::borrow::Cow::Owned(m)
    }
}

impl Cell for ConstValue {
    type Row = ConstRow;
    /// As `ConstValue::into_json` writes it, without the round trip through serde.
    fn to_json(&self) -> Value {
        match self {
            ConstValue::Null => Value::Null,
            ConstValue::Number(n) => Value::Number(n.clone()),
            ConstValue::String(s) => Value::String(s.clone()),
            ConstValue::Boolean(b) => Value::Bool(*b),
            ConstValue::Binary(b) => Value::Array(b.iter().map(|x| Value::from(*x)).collect()),
            ConstValue::Enum(e) => Value::String(e.to_string()),
            ConstValue::List(l) => Value::Array(l.iter().map(Cell::to_json).collect()),
            ConstValue::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }
    fn is_null(&self) -> bool {
        matches!(self, ConstValue::Null)
    }
    fn as_row(&self) -> Option<&ConstRow> {
        match self {
            ConstValue::Object(o) => Some(o),
            _ => None,
        }
    }
    fn as_list(&self) -> Option<&[ConstValue]> {
        match self {
            ConstValue::List(l) => Some(l),
            _ => None,
        }
    }
}

fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}
