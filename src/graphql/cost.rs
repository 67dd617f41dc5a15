//! The calculated cost of an operation, as Shopify counts it, from the document and the
//! schema's types before anything runs:
//!
//! - a field of a scalar or enum type (and introspection) costs 0;
//! - a field of an object, interface or union type costs 1 plus what it selects;
//! - a connection (`…Connection`) costs 2 plus `first` (else `last`, else 25) times what one
//!   of its nodes costs (`edges { node }` and `nodes`; `pageInfo` and `totalCount` are free);
//! - a list of objects with a `first` argument (a customer's `orders`) costs `first` (else its
//!   declared default) times what one object costs;
//! - a mutation's root field costs 10, whatever it selects.
//!
//! Every fragment is costed once and reused at each spread (a cycle counts nothing; validation
//! reports it), so the walk is linear in the document; its depth is bounded by
//! [`super::limits::scan`]. The same cost is charged to the caller's bucket
//! ([`crate::limits::bucket`]) and reported in `extensions.cost`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, OperationType, Selection, SelectionSet, Type, TypeKind,
    TypeSystemDefinition,
};
use async_graphql::{Name, Value, Variables};

/// What a mutation's root field costs.
pub const MUTATION_COST: u64 = 10;
/// What a connection costs before its nodes.
pub const CONNECTION_COST: u64 = 2;
/// The page size of a connection asked without `first` or `last` (the lists' default).
pub const DEFAULT_PAGE: u64 = 25;
/// The largest page a connection serves (a bigger `first` is refused, but costs this much).
pub const MAX_PAGE: u64 = 250;

/// The output types of the schema: each composite type's fields and their named types.
#[derive(Default)]
pub struct CostModel {
    types: OnceLock<Types>,
}

#[derive(Default)]
struct Types {
    /// Object and interface type → field → what it returns.
    fields: HashMap<String, HashMap<String, Field>>,
    /// Object, interface and union types (everything else a field returns is a leaf).
    composite: HashSet<String>,
}

/// A field's named type (wrappers removed) and, for a list taking `first`, its default.
struct Field {
    ty: String,
    /// `Some(default)` for a list with a `first` argument (`None` inside: no default).
    paged: Option<Option<i64>>,
}

impl std::ops::Deref for Field {
    type Target = str;
    fn deref(&self) -> &str {
        &self.ty
    }
}

fn is_list(ty: &Type) -> bool {
    matches!(ty.base, BaseType::List(_))
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(n) => n.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

impl CostModel {
    /// Reads the schema's SDL, once.
    pub fn init(&self, sdl: impl FnOnce() -> String) {
        self.types.get_or_init(|| {
            let mut types = Types::default();
            let Ok(doc) = async_graphql::parser::parse_schema(sdl()) else {
                return types;
            };
            for def in doc.definitions {
                let TypeSystemDefinition::Type(t) = def else {
                    continue;
                };
                let name = t.node.name.node.to_string();
                let fields = match &t.node.kind {
                    TypeKind::Object(o) => &o.fields,
                    TypeKind::Interface(i) => &i.fields,
                    TypeKind::Union(_) => {
                        types.composite.insert(name);
                        continue;
                    }
                    _ => continue,
                };
                types.composite.insert(name.clone());
                types.fields.insert(
                    name,
                    fields
                        .iter()
                        .map(|f| {
                            let first = f
                                .node
                                .arguments
                                .iter()
                                .find(|a| a.node.name.node.as_str() == "first");
                            let paged = first.filter(|_| is_list(&f.node.ty.node)).map(|a| {
                                a.node.default_value.as_ref().and_then(|v| match &v.node {
                                    async_graphql::Value::Number(n) => n.as_i64(),
                                    _ => None,
                                })
                            });
                            (
                                f.node.name.node.to_string(),
                                Field {
                                    ty: named(&f.node.ty.node).to_owned(),
                                    paged,
                                },
                            )
                        })
                        .collect(),
                );
            }
            types
        });
    }

    /// The cost of the operation of `doc` that `operation` names (or its only one); `None`
    /// when there is no such operation (execution reports it).
    pub fn requested(
        &self,
        doc: &ExecutableDocument,
        operation: Option<&str>,
        variables: &Variables,
    ) -> Option<u64> {
        let types = self.types.get()?;
        let mut ops = doc.operations.iter();
        let op = match operation {
            Some(name) => ops
                .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
                .map(|(_, op)| op),
            None => match (ops.next(), ops.next()) {
                (Some((_, op)), None) => Some(op),
                _ => None,
            },
        }?;
        let mut walk = Walk {
            doc,
            types,
            variables,
            memo: HashMap::new(),
        };
        let set = &op.node.selection_set.node;
        Some(match op.node.ty {
            OperationType::Mutation => walk.root_mutation(set),
            OperationType::Query => walk.set("Query", set),
            OperationType::Subscription => walk.set("Subscription", set),
        })
    }
}

struct Walk<'a> {
    doc: &'a ExecutableDocument,
    types: &'a Types,
    variables: &'a Variables,
    /// Fragment → its cost (`None` while being costed: a cycle).
    memo: HashMap<&'a str, Option<u64>>,
}

impl<'a> Walk<'a> {
    /// Each root field of a mutation, at [`MUTATION_COST`] (fragments expanded).
    fn root_mutation(&mut self, set: &'a SelectionSet) -> u64 {
        let mut total = 0u64;
        for item in &set.items {
            total = total.saturating_add(match &item.node {
                Selection::Field(f) if f.node.name.node.starts_with("__") => 0,
                Selection::Field(_) => MUTATION_COST,
                Selection::InlineFragment(f) => self.root_mutation(&f.node.selection_set.node),
                Selection::FragmentSpread(s) => {
                    match self.doc.fragments.get(&s.node.fragment_name.node) {
                        Some(fragment) => self.root_mutation(&fragment.node.selection_set.node),
                        None => 0,
                    }
                }
            });
        }
        total
    }

    /// What `set`, selected on a `parent`, costs.
    fn set(&mut self, parent: &str, set: &'a SelectionSet) -> u64 {
        let mut total = 0u64;
        for item in &set.items {
            let cost = match &item.node {
                Selection::Field(f) => {
                    let field = &f.node;
                    let name = field.name.node.as_str();
                    let ty = self
                        .types
                        .fields
                        .get(parent)
                        .and_then(|fields| fields.get(name));
                    match ty {
                        Some(f)
                            if !name.starts_with("__") && self.types.composite.contains(&f.ty) =>
                        {
                            let inner = &field.selection_set.node;
                            if f.ty.ends_with("Connection") {
                                let page = self.page_size(&field.arguments, None);
                                CONNECTION_COST.saturating_add(
                                    page.saturating_mul(self.per_node(&f.ty, inner)),
                                )
                            } else if let Some(default) = f.paged {
                                let page = self.page_size(&field.arguments, default);
                                page.saturating_mul(1u64.saturating_add(self.set(&f.ty, inner)))
                            } else {
                                1u64.saturating_add(self.set(&f.ty, inner))
                            }
                        }
                        _ => 0,
                    }
                }
                Selection::InlineFragment(f) => {
                    let on = f
                        .node
                        .type_condition
                        .as_ref()
                        .map(|c| c.node.on.node.as_str())
                        .unwrap_or(parent);
                    self.set(on, &f.node.selection_set.node)
                }
                Selection::FragmentSpread(s) => self.fragment(&s.node.fragment_name.node),
            };
            total = total.saturating_add(cost);
        }
        total
    }

    fn fragment(&mut self, name: &'a Name) -> u64 {
        match self.memo.get(name.as_str()) {
            Some(Some(cost)) => *cost,
            Some(None) => 0,
            None => match self.doc.fragments.get_key_value(name) {
                None => 0,
                Some((key, fragment)) => {
                    self.memo.insert(key.as_str(), None);
                    let on = fragment.node.type_condition.node.on.node.as_str();
                    let cost = self.set(on, &fragment.node.selection_set.node);
                    self.memo.insert(key.as_str(), Some(cost));
                    cost
                }
            },
        }
    }

    /// What one node of a connection costs: its `edges { node }` and its `nodes` selections
    /// (the connection's other fields are free).
    fn per_node(&mut self, connection: &'a str, set: &'a SelectionSet) -> u64 {
        let mut total = 0u64;
        for item in &set.items {
            let cost = match &item.node {
                Selection::Field(f) => {
                    let field = &f.node;
                    let ty = self
                        .types
                        .fields
                        .get(connection)
                        .and_then(|fields| fields.get(field.name.node.as_str()))
                        .map(|f| f.ty.as_str());
                    match (field.name.node.as_str(), ty) {
                        ("edges", Some(edge)) => self.set(edge, &field.selection_set.node),
                        ("nodes", Some(node)) => {
                            1u64.saturating_add(self.set(node, &field.selection_set.node))
                        }
                        _ => 0,
                    }
                }
                Selection::InlineFragment(f) => {
                    self.per_node(connection, &f.node.selection_set.node)
                }
                Selection::FragmentSpread(s) => {
                    match self.doc.fragments.get(&s.node.fragment_name.node) {
                        Some(fragment) => {
                            self.per_node(connection, &fragment.node.selection_set.node)
                        }
                        None => 0,
                    }
                }
            };
            total = total.saturating_add(cost);
        }
        total
    }

    /// `first`, else `last`, else `default`, else [`DEFAULT_PAGE`], within 1..=[`MAX_PAGE`];
    /// a variable is read from the request's variables.
    fn page_size(
        &self,
        arguments: &[(
            async_graphql::Positioned<Name>,
            async_graphql::Positioned<async_graphql_value::Value>,
        )],
        default: Option<i64>,
    ) -> u64 {
        let arg = |name: &str| {
            arguments
                .iter()
                .find(|(n, _)| n.node.as_str() == name)
                .and_then(|(_, v)| match &v.node {
                    async_graphql_value::Value::Number(n) => n.as_i64(),
                    async_graphql_value::Value::Variable(var) => match self.variables.get(var) {
                        Some(Value::Number(n)) => n.as_i64(),
                        _ => None,
                    },
                    _ => None,
                })
        };
        arg("first")
            .or_else(|| arg("last"))
            .or(default)
            .map(|n| n.clamp(1, MAX_PAGE as i64) as u64)
            .unwrap_or(DEFAULT_PAGE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> CostModel {
        let m = CostModel::default();
        m.init(crate::graphql::sdl);
        m
    }

    fn cost(text: &str, variables: serde_json::Value) -> u64 {
        let doc = async_graphql::parser::parse_query(text).unwrap();
        model()
            .requested(&doc, None, &Variables::from_json(variables))
            .unwrap()
    }

    #[test]
    fn objects_connections_mutations_and_scalars_cost_as_shopify_counts() {
        // Scalars are free; an object is 1.
        assert_eq!(cost("{ viewer { scopes } }", serde_json::json!({})), 1);
        // 2 + 10 × (customer 1), pageInfo free.
        assert_eq!(
            cost(
                "{ customers(first: 10) { edges { cursor node { id email } } pageInfo { hasNextPage } } }",
                serde_json::json!({})
            ),
            12
        );
        // `nodes`, a variable page size, a nested paged list and a fragment:
        // 2 + 5 × (1 + 3 × 1).
        assert_eq!(
            cost(
                "query($n: Int) { customers(first: $n) { nodes { ...C } } }
                 fragment C on Customer { id orders(first: 3) { nodes { id } } }",
                serde_json::json!({"n": 5})
            ),
            2 + 5 * (1 + 3)
        );
        // The list's declared default page (a customer's `orders`: 10).
        assert_eq!(
            cost(
                "{ customers(first: 2) { nodes { orders { id } } } }",
                serde_json::json!({})
            ),
            2 + 2 * (1 + 10)
        );
        // Without `first`: the default page.
        assert_eq!(
            cost("{ customers { nodes { id } } }", serde_json::json!({})),
            2 + DEFAULT_PAGE
        );
        // Two mutations: 10 each, whatever they select.
        assert_eq!(
            cost(
                "mutation { a: customersCreate(input: []) { customers { id } } b: customersCreate(input: []) { customers { id } } }",
                serde_json::json!({})
            ),
            20
        );
    }
}
