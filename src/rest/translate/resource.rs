//! How a REST resource maps onto a GraphQL type: one static table per resource, read by the
//! selection builder (which GraphQL fields to ask for), the reshaper (how to turn the answer
//! into the dialect's JSON) and the filter and sort translators. A dialect's file per resource
//! (`spree/customers.rs`) holds its tables; nothing here knows a dialect.

use serde_json::{Map, Value};

/// A REST resource.
pub struct Resource {
    /// The GraphQL object type it reads (`Customer`).
    pub graphql_type: &'static str,
    /// Its fields in the dialect's order. `id` must come first.
    pub fields: &'static [Field],
    /// Associations `expand=` may name.
    pub expands: &'static [Expand],
}

/// One field of a REST resource.
pub struct Field {
    /// The dialect's name (`first_name`). A name starting with `_` is a source other fields
    /// read (a currency for `display_*`) and never appears in a response.
    pub name: &'static str,
    /// The GraphQL selection it reads, selected under `name` as alias (`firstName`,
    /// `customer { id }`); empty when it selects nothing of its own.
    pub select: &'static str,
    /// Other fields (by name) it is computed from: selected whenever it is.
    pub needs: &'static [&'static str],
    pub render: Render,
    /// The JSON schema of a computed value, for the OpenAPI document (`None`: a string or null).
    pub schema: Option<fn() -> Value>,
}

/// How a field's value is written.
#[derive(Clone, Copy)]
pub enum Render {
    /// As GraphQL answered it (text, numbers, booleans, lists, JSON, ISO 8601 times).
    Value,
    /// The `id` of a selected object (`customer { id }`), or null.
    IdOf,
    /// Computed from the row's other fields (its `needs`).
    Computed(fn(&Map<String, Value>) -> Value),
    /// A field of the dialect's document outside our domain: always this value (null, 0,
    /// false, [] or {}), so clients that read it keep working.
    Fixed(fn() -> Value),
}

/// An association `expand=` may name.
pub struct Expand {
    /// The dialect's name (`items`, `addresses`).
    pub name: &'static str,
    /// The GraphQL field with its arguments (`lineItems`, `orders(first: 100)`).
    pub field: &'static str,
    pub shape: Shape,
    pub resource: &'static Resource,
}

/// What an expanded GraphQL field returns.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One object or null.
    One,
    /// A list of objects.
    Many,
    /// A connection, read through its `nodes`.
    Nodes,
    /// An association of the dialect outside our domain (an order's `billing_address`):
    /// nothing is selected, and it is written as null, so clients that expand it keep working.
    AbsentOne,
    /// As [`Shape::AbsentOne`], written as an empty list (a customer's `store_credits`).
    AbsentMany,
}

impl Shape {
    /// Whether the association is outside our domain (selected never, written empty).
    pub fn is_absent(self) -> bool {
        matches!(self, Shape::AbsentOne | Shape::AbsentMany)
    }
}

/// The resource of an absent association whose dialect type we do not model at all.
pub static NOTHING: Resource = Resource {
    graphql_type: "",
    fields: &[],
    expands: &[],
};

/// An association of the dialect's type outside our domain (a Spree product's `media`),
/// written as an empty list: asked for, it is answered, never invented.
pub const fn absent_many(name: &'static str) -> Expand {
    Expand {
        name,
        field: "",
        shape: Shape::AbsentMany,
        resource: &NOTHING,
    }
}

/// As [`absent_many`], written as null (a Spree order's `approver`).
pub const fn absent_one(name: &'static str) -> Expand {
    Expand {
        name,
        field: "",
        shape: Shape::AbsentOne,
        resource: &NOTHING,
    }
}

impl Resource {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn expand(&self, name: &str) -> Option<&Expand> {
        self.expands.iter().find(|e| e.name == name)
    }

    /// The fields a client may ask for by name (those it sees in responses).
    pub fn public_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| !f.name.starts_with('_'))
    }
}

/// Shorthands for the tables.
pub const fn value(name: &'static str, select: &'static str) -> Field {
    Field {
        name,
        select,
        needs: &[],
        render: Render::Value,
        schema: None,
    }
}

pub const fn id_of(name: &'static str, select: &'static str) -> Field {
    Field {
        name,
        select,
        needs: &[],
        render: Render::IdOf,
        schema: None,
    }
}

pub const fn computed(
    name: &'static str,
    needs: &'static [&'static str],
    f: fn(&Map<String, Value>) -> Value,
) -> Field {
    Field {
        name,
        select: "",
        needs,
        render: Render::Computed(f),
        schema: None,
    }
}

/// A computed field whose value has the JSON schema `schema` (an integer ID, a number).
pub const fn typed(
    name: &'static str,
    needs: &'static [&'static str],
    f: fn(&Map<String, Value>) -> Value,
    schema: fn() -> Value,
) -> Field {
    Field {
        name,
        select: "",
        needs,
        render: Render::Computed(f),
        schema: Some(schema),
    }
}

pub const fn fixed(name: &'static str, f: fn() -> Value) -> Field {
    Field {
        name,
        select: "",
        needs: &[],
        render: Render::Fixed(f),
        schema: None,
    }
}

/// Fixed values of fields outside our domain.
pub fn null() -> Value {
    Value::Null
}
pub fn zero() -> Value {
    Value::from(0)
}
pub fn zero_decimal() -> Value {
    Value::from("0")
}
pub fn no() -> Value {
    Value::Bool(false)
}
pub fn empty_list() -> Value {
    Value::Array(Vec::new())
}
pub fn empty_object() -> Value {
    Value::Object(Map::new())
}
