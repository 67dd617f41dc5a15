//! Names the argument behind a value that failed to parse.
//!
//! async-graphql checks literal arguments during validation, but a custom scalar (Decimal,
//! DateTime) or a value that arrives through a variable is parsed only when the field runs, and
//! the error then names the type (`Failed to parse "Decimal": …`), not the argument. Its location
//! is the argument's value, so the document tells which argument it was: the message gets
//! `Invalid value for argument "orders(filter:)"` in front and `extensions.field` names the
//! argument, as for every other bad argument. Validation's own `Invalid value for argument
//! "filter.total.gt"` errors get that path as `extensions.field` as well.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::parser::Positioned;
use async_graphql::{Pos, ServerError, Value};

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

/// (field name, argument name, variable the value came from) of the argument whose value
/// starts at `pos`.
fn argument_at(doc: &ExecutableDocument, pos: Pos) -> Option<(String, String, Option<String>)> {
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

fn in_selection_set(
    set: &Positioned<SelectionSet>,
    pos: Pos,
) -> Option<(String, String, Option<String>)> {
    for item in &set.node.items {
        let found = match &item.node {
            Selection::Field(field) => {
                let f = &field.node;
                f.arguments
                    .iter()
                    .find(|(_, value)| value.pos == pos)
                    .map(|(name, value)| {
                        (
                            f.name.node.to_string(),
                            name.node.to_string(),
                            first_variable(&value.node),
                        )
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

/// The argument path of async-graphql's validation message `Invalid value for argument
/// "filter.itemCount.in.1", expected type "Int"`.
fn validated_argument(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("Invalid value for argument \"")?;
    let path = &rest[..rest.find('"')?];
    (!path.is_empty() && !path.contains('(')).then_some(path)
}

/// Rewrites the input-parse errors of a response to name their argument (see the module doc).
/// `query` is the request's text; it is parsed again only when such an error exists.
pub fn name_arguments(query: &str, errors: &mut [ServerError]) {
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
    for e in errors.iter_mut().filter(|e| is_input_parse_error(e)) {
        let Some((field, argument, variable)) = argument_at(&doc, e.locations[0]) else {
            continue;
        };
        let through = variable
            .map(|v| format!(" (from variable ${v})"))
            .unwrap_or_default();
        e.message = format!(
            "Invalid value for argument \"{field}({argument}:)\"{through}: {}",
            e.message
        );
        e.extensions
            .get_or_insert_with(Default::default)
            .set("field", Value::String(argument));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_error(line: usize, column: usize) -> ServerError {
        ServerError::new(
            r#"Failed to parse "Decimal": Invalid decimal: unknown character (occurred while parsing "DecimalFilter")"#,
            Some(Pos { line, column }),
        )
    }

    #[test]
    fn the_argument_at_the_error_location_is_named() {
        let query = "query($t: Decimal) {\n  orders(first: 5, filter: { total: { gt: $t } }) { totalCount }\n}";
        // `filter:`'s value starts at line 2, column 28.
        let mut errors = vec![parse_error(2, 28), parse_error(9, 9)];
        name_arguments(query, &mut errors);
        assert!(
            errors[0]
                .message
                .starts_with("Invalid value for argument \"orders(filter:)\" (from variable $t): Failed to parse \"Decimal\""),
            "{}",
            errors[0].message
        );
        assert_eq!(
            errors[0].extensions.as_ref().and_then(|x| x.get("field")),
            Some(&Value::String("filter".into()))
        );
        // No argument there: left as it was.
        assert!(errors[1].message.starts_with("Failed to parse"));

        // A validation error names the path in its message; it becomes `field`.
        let mut errors = vec![ServerError::new(
            r#"Invalid value for argument "filter.itemCount.in.1", expected type "Int""#,
            Some(Pos {
                line: 1,
                column: 33,
            }),
        )];
        name_arguments("{ orders { totalCount } }", &mut errors);
        assert_eq!(
            errors[0].extensions.as_ref().and_then(|x| x.get("field")),
            Some(&Value::String("filter.itemCount.in.1".into()))
        );
    }
}
