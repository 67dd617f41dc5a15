//! Names the argument behind a value that failed to parse.
//!
//! async-graphql checks literal arguments during validation, but a custom scalar (Decimal,
//! DateTime) or a value that arrives through a variable is parsed only when the field runs, and
//! the error then names the type (`Failed to parse "Decimal": …`), not the argument. Its location
//! is the argument's value, so the document tells which argument it was: the message gets
//! `Invalid value for argument "orders(filter:)"` in front and `extensions.field` names the
//! argument, as for every other bad argument. Validation's own `Invalid value for argument
//! "filter.total.gt"` errors get that path as `extensions.field` as well.
//!
//! The field is the full path to the value that failed (`filter.total.in.1`), like
//! validation's: async-graphql's message names only the types it was parsing
//! (`… (occurred while parsing "DecimalFilter") (occurred while parsing "OrderFilter")`), so the
//! argument's value, variables substituted, is walked along the schema's input types (from its
//! SDL, read once per schema) to the first value of the failing scalar that does not parse.

use std::collections::HashMap;
use std::sync::OnceLock;

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Selection, SelectionSet, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::parser::Positioned;
use async_graphql::{Pos, ScalarType, ServerError, Value, Variables};

/// The first variable an argument value uses, from its GraphQL text (`{total: {gt: $t}}`).
fn first_variable(value: &impl std::fmt::Display) -> Option<String> {
    let text = value.to_string();
    let start = text.find('$')? + 1;
    let name: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Whether `e` is async-graphql's report of an input value that did not parse.
pub(crate) fn is_input_parse_error(e: &ServerError) -> bool {
    let unnamed = e
        .extensions
        .as_ref()
        .is_none_or(|x| x.get("field").is_none());
    unnamed
        && e.locations.len() == 1
        && (e.message.starts_with("Failed to parse \"")
            || e.message.starts_with("Expected input type \""))
}

/// The argument whose value starts at an error's location.
struct Argument<'a> {
    /// The field it belongs to.
    field: String,
    name: String,
    value: &'a Positioned<async_graphql_value::Value>,
}

/// The argument whose value starts at `pos`.
fn argument_at(doc: &ExecutableDocument, pos: Pos) -> Option<Argument<'_>> {
    let sets = doc
        .operations
        .iter()
        .map(|(_, op)| &op.node.selection_set)
        .chain(doc.fragments.values().map(|f| &f.node.selection_set));
    for set in sets {
        if let Some(found) = in_selection_set(set, pos) {
            return Some(found);
        }
    }
    None
}

fn in_selection_set(set: &Positioned<SelectionSet>, pos: Pos) -> Option<Argument<'_>> {
    for item in &set.node.items {
        let found = match &item.node {
            Selection::Field(field) => {
                let f = &field.node;
                f.arguments
                    .iter()
                    .find(|(_, value)| value.pos == pos)
                    .map(|(name, value)| Argument {
                        field: f.name.node.to_string(),
                        name: name.node.to_string(),
                        value,
                    })
                    .or_else(|| in_selection_set(&f.selection_set, pos))
            }
            Selection::InlineFragment(fragment) => {
                in_selection_set(&fragment.node.selection_set, pos)
            }
            Selection::FragmentSpread(_) => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The fields of every input object of the schema, with their types.
type InputFields = HashMap<String, HashMap<String, Type>>;

/// The input objects of one schema, kept in that schema's data and read from its SDL the first
/// time an error needs them.
#[derive(Default)]
pub struct InputTypes(OnceLock<InputFields>);

impl InputTypes {
    fn get(&self, sdl: impl FnOnce() -> String) -> &InputFields {
        self.0.get_or_init(|| {
            let Ok(doc) = async_graphql::parser::parse_schema(sdl()) else {
                return InputFields::new();
            };
            doc.definitions
                .into_iter()
                .filter_map(|d| match d {
                    TypeSystemDefinition::Type(t) => match t.node.kind {
                        TypeKind::InputObject(input) => Some((
                            t.node.name.node.to_string(),
                            input
                                .fields
                                .into_iter()
                                .map(|f| (f.node.name.node.to_string(), f.node.ty.node))
                                .collect(),
                        )),
                        _ => None,
                    },
                    _ => None,
                })
                .collect()
        })
    }
}

/// The scalar that failed and the argument's type, from async-graphql's message
/// `Failed to parse "Decimal": … (occurred while parsing "[Decimal!]") … (occurred while
/// parsing "OrderFilter")`: the outermost type parsed is the argument's.
fn failed_types(message: &str) -> Option<(&str, Type)> {
    let rest = message.strip_prefix("Failed to parse \"")?;
    let scalar = &rest[..rest.find('"')?];
    let marker = "(occurred while parsing \"";
    let outer = match message.rfind(marker) {
        Some(at) => {
            let t = &message[at + marker.len()..];
            &t[..t.find('"')?]
        }
        None => scalar,
    };
    Some((scalar, Type::new(outer)?))
}

/// Whether `value`, given for the scalar `scalar`, fails to parse. A scalar this module does
/// not know is taken to fail at its first value.
fn fails_as(scalar: &str, value: &Value) -> bool {
    let v = value.clone();
    match scalar {
        "Decimal" => rust_decimal::Decimal::parse(v).is_err(),
        "DateTime" => chrono::DateTime::<chrono::Utc>::parse(v).is_err(),
        "UUID" => uuid::Uuid::parse(v).is_err(),
        _ => true,
    }
}

/// The path inside `value` (of type `ty`) to the first value of `scalar` that does not parse.
fn failing_path(types: &InputFields, scalar: &str, ty: &Type, value: &Value) -> Option<String> {
    // (value, its type, path); no recursion, whatever the nesting of the value.
    let mut stack: Vec<(&Value, &Type, Vec<String>)> = vec![(value, ty, Vec::new())];
    while let Some((value, ty, path)) = stack.pop() {
        // A null is never a failed parse (a missing required value is another error).
        if *value == Value::Null {
            continue;
        }
        match &ty.base {
            BaseType::List(inner) => match value {
                Value::List(items) => {
                    for (i, item) in items.iter().enumerate().rev() {
                        let mut p = path.clone();
                        p.push(i.to_string());
                        stack.push((item, inner, p));
                    }
                }
                // A single value where a list is expected is coerced to a list of one.
                single => stack.push((single, inner, path)),
            },
            BaseType::Named(name) if name.as_str() == scalar => {
                if fails_as(scalar, value) {
                    return Some(path.join("."));
                }
            }
            BaseType::Named(name) => {
                if let (Some(fields), Value::Object(object)) = (types.get(name.as_str()), value) {
                    for (key, item) in object.iter().rev() {
                        if let Some(field_type) = fields.get(key.as_str()) {
                            let mut p = path.clone();
                            p.push(key.to_string());
                            stack.push((item, field_type, p));
                        }
                    }
                }
            }
        }
    }
    None
}

/// The full path (`filter.total.in.1`) of the value behind `e`, an input-parse error on
/// `argument`.
fn full_path(
    e: &ServerError,
    argument: &Argument<'_>,
    variables: &Variables,
    types: &InputFields,
) -> Option<String> {
    let (scalar, ty) = failed_types(&e.message)?;
    let value = argument
        .value
        .node
        .clone()
        .into_const_with(|name| {
            Ok::<_, std::convert::Infallible>(variables.get(&name).cloned().unwrap_or_default())
        })
        .ok()?;
    let inner = failing_path(types, scalar, &ty, &value)?;
    Some(if inner.is_empty() {
        argument.name.clone()
    } else {
        format!("{}.{inner}", argument.name)
    })
}

/// The argument path of async-graphql's validation message `Invalid value for argument
/// "filter.itemCount.in.1", expected type "Int"`.
fn validated_argument(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("Invalid value for argument \"")?;
    let path = &rest[..rest.find('"')?];
    (!path.is_empty() && !path.contains('(')).then_some(path)
}

/// Rewrites the input-parse errors of a response to name their argument (see the module doc).
/// `query` and `variables` are the request's and `schema` the one that executed it; the query
/// is parsed again, and the schema's input types read (once per schema), only when such an
/// error exists.
pub fn name_arguments(
    schema: &super::AppSchema,
    query: &str,
    variables: &Variables,
    errors: &mut [ServerError],
) {
    // Validation already names the argument in its message; give it `extensions.field` too.
    for e in errors.iter_mut() {
        if let Some(path) = validated_argument(&e.message) {
            let path = path.to_owned();
            let ext = e.extensions.get_or_insert_with(Default::default);
            if ext.get("field").is_none() {
                ext.set("field", Value::String(path));
            }
        }
    }
    if !errors.iter().any(is_input_parse_error) {
        return;
    }
    let Ok(doc) = async_graphql::parser::parse_query(query) else {
        return;
    };
    let Some(types) = schema.data::<InputTypes>() else {
        return;
    };
    let types = types.get(|| schema.sdl());
    for e in errors.iter_mut().filter(|e| is_input_parse_error(e)) {
        let Some(argument) = argument_at(&doc, e.locations[0]) else {
            continue;
        };
        let path =
            full_path(e, &argument, variables, types).unwrap_or_else(|| argument.name.clone());
        let through = first_variable(&argument.value.node)
            .map(|v| format!(" (from variable ${v})"))
            .unwrap_or_default();
        let at = if path == argument.name {
            String::new()
        } else {
            format!(" at {path}")
        };
        e.message = format!(
            "Invalid value for argument \"{}({}:)\"{at}{through}: {}",
            argument.field, argument.name, e.message
        );
        e.extensions
            .get_or_insert_with(Default::default)
            .set("field", Value::String(path));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_error(message: &str, line: usize, column: usize) -> ServerError {
        ServerError::new(message, Some(Pos { line, column }))
    }

    const DECIMAL: &str = r#"Failed to parse "Decimal": Invalid decimal: unknown character (occurred while parsing "DecimalFilter") (occurred while parsing "OrderFilter")"#;

    fn field(e: &ServerError) -> Option<&Value> {
        e.extensions.as_ref().and_then(|x| x.get("field"))
    }

    fn name(query: &str, variables: serde_json::Value, errors: &mut [ServerError]) {
        let schema = crate::graphql::build_schema(
            &crate::config::Config::new("postgres://unused/unused"),
            crate::keys::CursorKey::derive(b"test"),
        );
        name_arguments(&schema, query, &Variables::from_json(variables), errors);
    }

    #[test]
    fn the_argument_at_the_error_location_is_named_with_the_full_path() {
        let query = "query($t: Decimal) {\n  orders(first: 5, filter: { total: { gt: $t } }) { totalCount }\n}";
        // `filter:`'s value starts at line 2, column 28.
        let mut errors = vec![parse_error(DECIMAL, 2, 28), parse_error(DECIMAL, 9, 9)];
        name(query, serde_json::json!({ "t": "x" }), &mut errors);
        assert!(
            errors[0]
                .message
                .starts_with("Invalid value for argument \"orders(filter:)\" at filter.total.gt (from variable $t): Failed to parse \"Decimal\""),
            "{}",
            errors[0].message
        );
        assert_eq!(
            field(&errors[0]),
            Some(&Value::String("filter.total.gt".into()))
        );
        // No argument there: left as it was.
        assert!(errors[1].message.starts_with("Failed to parse"));

        // Literals, lists, other scalars; a text that fails as a Decimal but is not one is
        // not taken for it.
        let query = r#"{ orders(filter: { email: { eq: "x" }, total: { in: ["1", "x"] } }) { totalCount } }"#;
        let column = query.find("{ email").unwrap() + 1;
        let mut errors = vec![parse_error(
            &DECIMAL.replace(
                "(occurred while parsing \"DecimalFilter\")",
                "(occurred while parsing \"[Decimal!]\") (occurred while parsing \"DecimalFilter\")",
            ),
            1,
            column,
        )];
        name(query, serde_json::json!({}), &mut errors);
        assert_eq!(
            field(&errors[0]),
            Some(&Value::String("filter.total.in.1".into()))
        );
        let query = r#"{ customerStats(period: DAY, createdAt: { gt: "2024-01-01T00:00:00Z", lt: "x" }) { period } }"#;
        let column = query.find("{ gt").unwrap() + 1;
        let mut errors = vec![parse_error(
            r#"Failed to parse "DateTime": input contains invalid characters (occurred while parsing "DateTimeFilter")"#,
            1,
            column,
        )];
        name(query, serde_json::json!({}), &mut errors);
        assert_eq!(
            field(&errors[0]),
            Some(&Value::String("createdAt.lt".into()))
        );

        // A validation error names the path in its message; it becomes `field`.
        let mut errors = vec![ServerError::new(
            r#"Invalid value for argument "filter.itemCount.in.1", expected type "Int""#,
            Some(Pos {
                line: 1,
                column: 33,
            }),
        )];
        name(
            "{ orders { totalCount } }",
            serde_json::json!({}),
            &mut errors,
        );
        assert_eq!(
            field(&errors[0]),
            Some(&Value::String("filter.itemCount.in.1".into()))
        );
    }
}
