//! Text PostgreSQL cannot store, refused before anything runs.
//!
//! A NUL character (U+0000) is valid in GraphQL and JSON strings but not in a PostgreSQL `text`
//! or `jsonb` value: one reaching a statement failed it, and the client got INTERNAL. Rather
//! than guard every text field, filter, search, metadata key, idempotency key and ID one by
//! one, every string of the request is checked here, once: literal arguments, the variables
//! they use, JSON scalars and the keys of their objects. A NUL anywhere is BAD_USER_INPUT with
//! `extensions.field` naming the argument path (`filter.email.contains`,
//! `input.0.metadata.note`), the same form validation uses for a bad argument.
//!
//! Requests almost never hold a NUL, so the check is split in two: a cheap test of the query
//! text (a literal NUL needs a `\u` escape) and of the variables finds that none can be there;
//! only when one might be is the document walked to name the argument. Both walks keep their
//! own stack (no recursion): values may be nested deeply.

use async_graphql::parser::types::{
    Directive, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::parser::Positioned;
use async_graphql::{Name, Request, ServerError, Value as ConstValue, Variables};
use async_graphql_value::Value;

const NUL: char = '\0';

/// The error for the first string of `request` holding a NUL, if any.
pub fn refuse_nul(request: &mut Request) -> Option<ServerError> {
    let literal_may_have_nul = request.query.contains(NUL) || request.query.contains("\\u");
    let variables_have_nul = request
        .variables
        .values()
        .any(|v| first_nul(v, &mut Vec::new()).is_some());
    if !literal_may_have_nul && !variables_have_nul {
        return None;
    }
    let operation_name = request.operation_name.clone();
    let variables = request.variables.clone();
    // A document that does not parse gets async-graphql's own error.
    let doc = request.parsed_query().ok()?;
    find(doc, operation_name.as_deref(), &variables)
}

/// One step of a path into an argument's value.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path (`["filter", "email", "contains"]`) to the first string or object key holding a
/// NUL inside `value`, after `prefix`.
fn first_nul<'a>(value: &'a ConstValue, prefix: &mut Vec<String>) -> Option<Vec<String>> {
    // (value, its depth, the step that reached it); `path` holds the steps of the current
    // branch, truncated to a value's depth when the walk comes back up to it.
    let mut stack: Vec<(&'a ConstValue, usize, Option<Step<'a>>)> = vec![(value, 0, None)];
    let mut path: Vec<String> = Vec::new();
    while let Some((value, depth, step)) = stack.pop() {
        path.truncate(depth.saturating_sub(1));
        if let Some(step) = step {
            path.push(match step {
                Step::Key(k) => k.escape_debug().to_string(),
                Step::Index(i) => i.to_string(),
            });
        }
        let found = match value {
            ConstValue::String(s) => s.contains(NUL),
            ConstValue::Enum(name) => name.contains(NUL),
            ConstValue::List(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push((item, depth + 1, Some(Step::Index(i))));
                }
                false
            }
            ConstValue::Object(fields) => {
                if let Some(key) = fields.keys().find(|k| k.contains(NUL)) {
                    path.push(key.escape_debug().to_string());
                    true
                } else {
                    for (key, item) in fields.iter().rev() {
                        stack.push((item, depth + 1, Some(Step::Key(key.as_str()))));
                    }
                    false
                }
            }
            ConstValue::Null
            | ConstValue::Number(_)
            | ConstValue::Boolean(_)
            | ConstValue::Binary(_) => false,
        };
        if found {
            let mut full = std::mem::take(prefix);
            full.extend(path);
            return Some(full);
        }
    }
    None
}

/// The first argument of the operation that runs (and of the fragments) holding a NUL.
fn find(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Option<ServerError> {
    for (name, op) in doc.operations.iter() {
        // Only the selected operation runs (a document of one operation yields no name; with
        // several and none selected, async-graphql refuses the request itself).
        if let (Some(wanted), Some(name)) = (operation_name, name) {
            if name.as_str() != wanted {
                continue;
            }
        }
        let scope = Scope {
            op: &op.node,
            variables,
        };
        let sets = std::iter::once(&op.node.selection_set)
            .chain(doc.fragments.values().map(|f| &f.node.selection_set));
        let directives = op
            .node
            .directives
            .iter()
            .chain(doc.fragments.values().flat_map(|f| &f.node.directives));
        for directive in directives {
            if let Some(e) = scope.in_directive(directive) {
                return Some(e);
            }
        }
        for set in sets {
            if let Some(e) = scope.in_selection_set(set) {
                return Some(e);
            }
        }
    }
    None
}

/// The operation whose variables argument values refer to.
struct Scope<'a> {
    op: &'a OperationDefinition,
    variables: &'a Variables,
}

impl Scope<'_> {
    /// A variable's value: sent with the request, else its default in the operation.
    fn variable(&self, name: &Name) -> ConstValue {
        self.variables
            .get(name)
            .cloned()
            .or_else(|| {
                self.op
                    .variable_definitions
                    .iter()
                    .find(|d| d.node.name.node == *name)
                    .and_then(|d| d.node.default_value.as_ref())
                    .map(|v| v.node.clone())
            })
            .unwrap_or_default()
    }

    fn in_selection_set(&self, set: &Positioned<SelectionSet>) -> Option<ServerError> {
        let mut sets = vec![set];
        while let Some(set) = sets.pop() {
            for item in &set.node.items {
                match &item.node {
                    Selection::Field(field) => {
                        let f = &field.node;
                        for (name, value) in &f.arguments {
                            if let Some(e) = self.in_argument(name, value) {
                                return Some(e);
                            }
                        }
                        for directive in &f.directives {
                            if let Some(e) = self.in_directive(directive) {
                                return Some(e);
                            }
                        }
                        sets.push(&f.selection_set);
                    }
                    Selection::InlineFragment(fragment) => {
                        for directive in &fragment.node.directives {
                            if let Some(e) = self.in_directive(directive) {
                                return Some(e);
                            }
                        }
                        sets.push(&fragment.node.selection_set);
                    }
                    Selection::FragmentSpread(spread) => {
                        for directive in &spread.node.directives {
                            if let Some(e) = self.in_directive(directive) {
                                return Some(e);
                            }
                        }
                    }
                }
            }
        }
        None
    }

    fn in_directive(&self, directive: &Positioned<Directive>) -> Option<ServerError> {
        directive
            .node
            .arguments
            .iter()
            .find_map(|(name, value)| self.in_argument(name, value))
    }

    /// The error for argument `name` if its value (variables substituted) holds a NUL.
    fn in_argument(
        &self,
        name: &Positioned<Name>,
        value: &Positioned<Value>,
    ) -> Option<ServerError> {
        // (literal value, path to it); a variable's value is walked where it is used.
        let mut stack: Vec<(&Value, Vec<String>)> =
            vec![(&value.node, vec![name.node.to_string()])];
        while let Some((value, path)) = stack.pop() {
            let found = match value {
                Value::Variable(var) => {
                    let mut prefix = path.clone();
                    first_nul(&self.variable(var), &mut prefix)
                }
                Value::String(s) if s.contains(NUL) => Some(path.clone()),
                Value::List(items) => {
                    for (i, item) in items.iter().enumerate().rev() {
                        let mut p = path.clone();
                        p.push(i.to_string());
                        stack.push((item, p));
                    }
                    None
                }
                Value::Object(fields) => {
                    for (key, item) in fields.iter().rev() {
                        let mut p = path.clone();
                        p.push(key.to_string());
                        stack.push((item, p));
                    }
                    None
                }
                _ => None,
            };
            if let Some(path) = found {
                // Located at the argument: its value may come from a variable defined elsewhere.
                return Some(error(path.join("."), name.pos));
            }
        }
        None
    }
}

fn error(field: String, pos: async_graphql::Pos) -> ServerError {
    let mut e = ServerError::new(
        format!(
            "Invalid value for argument \"{field}\": text must not contain NUL characters (U+0000)"
        ),
        Some(pos),
    );
    let ext = e.extensions.get_or_insert_with(Default::default);
    ext.set("code", "BAD_USER_INPUT");
    ext.set("field", field);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str, variables: serde_json::Value) -> Option<String> {
        let mut request = Request::new(query).variables(Variables::from_json(variables));
        refuse_nul(&mut request).map(|e| {
            let field = e.extensions.as_ref().and_then(|x| x.get("field")).cloned();
            match field {
                Some(ConstValue::String(s)) => s,
                other => panic!("no field: {other:?} in {}", e.message),
            }
        })
    }

    #[test]
    fn a_nul_anywhere_names_its_argument_path() {
        let none = serde_json::json!({});
        assert_eq!(
            check("{ customers(search: \"a\") { totalCount } }", none.clone()),
            None
        );
        assert_eq!(
            check(
                "{ customers(search: \"a\\u0000\") { totalCount } }",
                none.clone()
            ),
            Some("search".into())
        );
        assert_eq!(
            check(
                "{ customers(filter: { email: { in: [\"x\", \"\\u0000\"] } }) { totalCount } }",
                none.clone()
            ),
            Some("filter.email.in.1".into())
        );
        // Through variables, whole or in part.
        assert_eq!(
            check(
                "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }",
                serde_json::json!({ "f": { "email": { "contains": "a\u{0}" } } })
            ),
            Some("filter.email.contains".into())
        );
        assert_eq!(
            check(
                "mutation($e: String!) { customersCreate(input: [{ email: \"ok@x.co\" }, { email: $e }]) { userErrors { field } } }",
                serde_json::json!({ "e": "a\u{0}@x.co" })
            ),
            Some("input.1.email".into())
        );
        // A JSON object key, and a key of a JSON literal.
        assert_eq!(
            check(
                "mutation($i: [CustomerCreateInput!]!) { customersCreate(input: $i) { userErrors { field } } }",
                serde_json::json!({ "i": [{ "email": "a@x.co", "metadata": { "k\u{0}": 1 } }] })
            ),
            Some("input.0.metadata.k\\0".into())
        );
        // A variable's default.
        assert_eq!(
            check(
                "query($s: String = \"\\u0000\") { customers(search: $s) { totalCount } }",
                none.clone()
            ),
            Some("search".into())
        );
        // Inside a fragment; and an escape that is not a NUL.
        assert_eq!(
            check(
                "{ ...F } fragment F on Query { customer(id: \"cus_\\u0000\") { id } }",
                none.clone()
            ),
            Some("id".into())
        );
        assert_eq!(
            check(
                "{ customers(search: \"\\u00e9\") { totalCount } }",
                none.clone()
            ),
            None
        );
        // Only the selected operation counts; a variable nobody uses is never stored.
        assert!(check(
            "query A { customers(search: \"\\u0000\") { totalCount } } query B { viewer { scopes } }",
            none.clone()
        )
        .is_some());
        let mut request = Request::new(
            "query A { customers(search: \"\\u0000\") { totalCount } } query B { viewer { scopes } }",
        )
        .operation_name("B");
        assert!(refuse_nul(&mut request).is_none());
        let mut request = Request::new("query A { customers(search: \"\\u0000\") { totalCount } }")
            .operation_name("A");
        assert!(refuse_nul(&mut request).is_some());
        // A document that does not parse is left to async-graphql.
        assert_eq!(check("{ customers(search: \"\\u0000\"", none), None);
    }

    #[test]
    fn deep_values_do_not_recurse() {
        let depth = 100_000;
        let mut value = ConstValue::String("\u{0}".into());
        for _ in 0..depth {
            value = ConstValue::List(vec![value]);
        }
        let path = first_nul(&value, &mut vec!["x".into()]).unwrap();
        assert_eq!(path.len(), depth + 1);
        // Dropping it would recurse as deep.
        std::mem::forget(value);
    }
}
