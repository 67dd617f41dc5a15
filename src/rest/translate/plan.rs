//! From `fields=` and `expand=` to a plan: the GraphQL selection to send and, for the answer,
//! which fields to write and how. Every selected field is aliased to its REST name, so the
//! answer already carries the dialect's keys and reshaping is one pass over each row.

use std::collections::BTreeSet;
use std::fmt::Write as _;

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
        let selected = resource
            .fields
            .iter()
            .filter(|f| needed.contains(f.name))
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

    /// One row of the answer (aliased as planned) in the dialect's shape.
    pub fn reshape(&self, row: &Map<String, Value>) -> Value {
        let mut out = Map::with_capacity(self.output.len() + self.expands.len());
        for f in &self.output {
            let v = match f.render {
                Render::Value => row.get(f.name).cloned().unwrap_or(Value::Null),
                Render::IdOf => row
                    .get(f.name)
                    .and_then(|v| v.get("id"))
                    .cloned()
                    .unwrap_or(Value::Null),
                Render::Computed(compute) => compute(row),
                Render::Fixed(fixed) => fixed(),
            };
            out.insert(f.name.to_owned(), v);
        }
        for (e, plan) in &self.expands {
            let v = match row.get(e.name) {
                None | Some(Value::Null) => match e.shape {
                    Shape::One => Value::Null,
                    Shape::Many | Shape::Nodes => Value::Array(Vec::new()),
                },
                Some(v) => match e.shape {
                    Shape::One => plan.reshape_value(v),
                    Shape::Many => plan.reshape_list(v),
                    Shape::Nodes => plan.reshape_list(v.get("nodes").unwrap_or(&Value::Null)),
                },
            };
            out.insert(e.name.to_owned(), v);
        }
        Value::Object(out)
    }

    /// An object of the answer, or null.
    pub fn reshape_value(&self, v: &Value) -> Value {
        match v {
            Value::Object(row) => self.reshape(row),
            _ => Value::Null,
        }
    }

    /// A list of the answer's objects (an absent list is empty).
    pub fn reshape_list(&self, v: &Value) -> Value {
        match v {
            Value::Array(rows) => {
                Value::Array(rows.iter().map(|r| self.reshape_value(r)).collect())
            }
            _ => Value::Array(Vec::new()),
        }
    }
}

fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}
