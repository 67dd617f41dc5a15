//! From `fields=` and `expand=` to a plan: the GraphQL selection to send and, for the answer,
//! which fields to write and how. Every selected field is aliased to its REST name, so the
//! answer already carries the dialect's keys and reshaping is one pass over each row.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use async_graphql::Value as ConstValue;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
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
    /// Where each field and expansion is in an answered row: the executor writes an object's
    /// fields in the order they were selected, so the streaming writer reads them by position
    /// (checking the key) instead of hashing every key of every row.
    slots: std::collections::HashMap<&'static str, usize>,
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
        let mut slots = std::collections::HashMap::new();
        let selecting = selected
            .iter()
            .filter(|f| !f.select.is_empty())
            .map(|f| f.name);
        let expanding = expands
            .iter()
            .filter(|(e, _)| !e.shape.is_absent())
            .map(|(e, _)| e.name);
        for (i, name) in selecting.chain(expanding).enumerate() {
            slots.insert(name, i);
        }
        Ok(Plan {
            resource,
            output,
            selected,
            expands,
            sources,
            slots,
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
            if e.shape.is_absent() {
                continue;
            }
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
                    Shape::AbsentOne => Value::Null,
                    Shape::AbsentMany => Value::Array(Vec::new()),
                },
                _ => match e.shape {
                    Shape::One | Shape::AbsentOne => Value::Null,
                    Shape::Many | Shape::Nodes | Shape::AbsentMany => Value::Array(Vec::new()),
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

impl Plan {
    /// A list of the answer's objects written in the dialect's shape straight into the
    /// response body: what [`Plan::reshape_list`] builds, without building it. A page of 50
    /// orders with their lines is some 6,000 values; writing them as they are read spares
    /// the allocation of each.
    pub fn shaped_list<'a, C: Cell + Serialize>(&'a self, v: Option<&'a C>) -> Shaped<'a, C> {
        Shaped {
            plan: self,
            cell: v,
            shape: Shape::Many,
        }
    }
}

impl Plan {
    /// One object of the answer written in the dialect's shape (null when it is none): a row
    /// of a list read in several pages, written as it is serialized.
    pub fn shaped_row<'a, C: Cell + Serialize>(&'a self, v: &'a C) -> Shaped<'a, C> {
        Shaped {
            plan: self,
            cell: Some(v),
            shape: Shape::One,
        }
    }
}

/// A cell of the answer (an object, a list of objects, or an absent one) written in the
/// dialect's shape by a plan; see [`Plan::shaped_list`].
pub struct Shaped<'a, C> {
    plan: &'a Plan,
    cell: Option<&'a C>,
    shape: Shape,
}

/// An object of the answer written in the dialect's shape.
struct ShapedRow<'a, R: ?Sized> {
    plan: &'a Plan,
    row: &'a R,
}

impl<C: Cell + Serialize> Serialize for Shaped<'_, C> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let cell = self.cell.filter(|c| !c.is_null());
        match self.shape {
            Shape::One => match cell.and_then(Cell::as_row) {
                Some(row) => ShapedRow {
                    plan: self.plan,
                    row,
                }
                .serialize(s),
                None => s.serialize_unit(),
            },
            Shape::Many => {
                let rows = cell.and_then(Cell::as_list).unwrap_or(&[]);
                let mut seq = s.serialize_seq(Some(rows.len()))?;
                for r in rows {
                    seq.serialize_element(&Shaped {
                        plan: self.plan,
                        cell: Some(r),
                        shape: Shape::One,
                    })?;
                }
                seq.end()
            }
            Shape::Nodes => Shaped {
                plan: self.plan,
                cell: cell.and_then(Cell::as_row).and_then(|o| o.get("nodes")),
                shape: Shape::Many,
            }
            .serialize(s),
            Shape::AbsentOne => s.serialize_unit(),
            Shape::AbsentMany => s.serialize_seq(Some(0))?.end(),
        }
    }
}

impl<R: Row + ?Sized> Serialize for ShapedRow<'_, R>
where
    R::Cell: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let plan = self.plan;
        let mut map = s.serialize_map(Some(plan.output.len() + plan.expands.len()))?;
        let mut sources: Option<std::borrow::Cow<'_, Map<String, Value>>> = None;
        let get = |name: &str| match plan.slots.get(name) {
            Some(&i) => self.row.get_at(i, name),
            None => self.row.get(name),
        };
        for f in &plan.output {
            match f.render {
                Render::Value => map.serialize_entry(f.name, &get(f.name))?,
                Render::IdOf => map.serialize_entry(
                    f.name,
                    &get(f.name).and_then(Cell::as_row).and_then(|o| o.get("id")),
                )?,
                Render::Computed(compute) => map.serialize_entry(
                    f.name,
                    &compute(sources.get_or_insert_with(|| self.row.sources(&plan.sources))),
                )?,
                Render::Fixed(fixed) => map.serialize_entry(f.name, &fixed())?,
            }
        }
        for (e, sub) in &plan.expands {
            map.serialize_entry(
                e.name,
                &Shaped {
                    plan: sub,
                    cell: get(e.name),
                    shape: e.shape,
                },
            )?;
        }
        map.end()
    }
}

/// An object of a GraphQL answer, as the reshaper reads it.
pub trait Row {
    type Cell: Cell;
    fn get(&self, key: &str) -> Option<&Self::Cell>;
    /// The value of `key`, expected at position `index`.
    fn get_at(&self, _index: usize, key: &str) -> Option<&Self::Cell> {
        self.get(key)
    }
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
    fn get_at(&self, index: usize, key: &str) -> Option<&ConstValue> {
        match self.get_index(index) {
            Some((k, v)) if k.as_str() == key => Some(v),
            _ => Row::get(self, key),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rest::translate::resource::*;

    static CHILD: Resource = Resource {
        graphql_type: "Child",
        fields: &[value("id", "id"), value("n", "n")],
        expands: &[],
    };

    static PARENT: Resource = Resource {
        graphql_type: "Parent",
        fields: &[
            value("id", "id"),
            value("name", "name"),
            id_of("owner_id", "owner { id }"),
            computed("shout", &["name", "_suffix"], |r| {
                match (r.get("name").and_then(Value::as_str), r.get("_suffix")) {
                    (Some(n), Some(Value::String(x))) => Value::from(format!("{n}{x}")),
                    _ => Value::Null,
                }
            }),
            fixed("always", empty_list),
            value("_suffix", "suffix"),
        ],
        expands: &[
            Expand {
                name: "kids",
                field: "kids",
                shape: Shape::Many,
                resource: &CHILD,
            },
            Expand {
                name: "best",
                field: "best",
                shape: Shape::One,
                resource: &CHILD,
            },
            Expand {
                name: "page",
                field: "page",
                shape: Shape::Nodes,
                resource: &CHILD,
            },
            Expand {
                name: "gone",
                field: "",
                shape: Shape::AbsentMany,
                resource: &NOTHING,
            },
        ],
    };

    /// The streaming writer answers what the reshaper builds, for every kind of field and
    /// association, present, null and missing.
    #[test]
    fn the_streamed_rows_are_the_reshaped_rows() {
        let expand = vec![
            vec!["kids".to_owned()],
            vec!["best".to_owned()],
            vec!["page".to_owned()],
            vec!["gone".to_owned()],
        ];
        let plan = Plan::new(&PARENT, None, &expand).unwrap();
        let sel = plan.selection();
        assert!(
            sel.contains("_suffix: suffix") && !sel.contains("gone"),
            "{sel}"
        );
        let answer = serde_json::json!([
            {"id": "p1", "name": "a", "owner_id": {"id": "o1"}, "_suffix": "!",
             "kids": [{"id": "k1", "n": 1}, {"id": "k2", "n": null}],
             "best": {"id": "k1", "n": 1}, "page": {"nodes": [{"id": "k3", "n": 3}]}},
            {"id": "p2", "name": null, "owner_id": null, "_suffix": null,
             "kids": [], "best": null, "page": null},
            {"id": "p3"}
        ]);
        let answer = ConstValue::from_json(answer).unwrap();
        let built = plan.reshape_list(&answer);
        let streamed = serde_json::to_value(plan.shaped_list(Some(&answer))).unwrap();
        assert_eq!(streamed, built);
        assert_eq!(built[0]["shout"], "a!");
        assert_eq!(built[0]["owner_id"], "o1");
        assert_eq!(built[0]["page"][0]["id"], "k3");
        assert_eq!(built[1]["gone"], serde_json::json!([]));
        // Keys in the resource's order (the dialect's document order).
        let text = serde_json::to_string(&plan.shaped_list(Some(&answer))).unwrap();
        assert!(
            text.starts_with(
                r#"[{"id":"p1","name":"a","owner_id":"o1","shout":"a!","always":[],"kids":"#
            ),
            "{text}"
        );
        assert_eq!(
            serde_json::to_value(plan.shaped_list::<ConstValue>(None)).unwrap(),
            serde_json::json!([])
        );
    }
}
