//! GraphQL errors with stable codes in `extensions.code` (DESIGN §6).
//!
//! async-graphql converts any `Display` type into an error without a code, so resolvers turn
//! domain errors into GraphQL errors explicitly with [`gql`] / [`IntoGql::gql`]; the transport
//! gives what is left without a code a BAD_USER_INPUT or MAX_COST_EXCEEDED code.

use async_graphql::{ErrorExtensions, ServerError};

use crate::error::Error;
use crate::ids::IdError;

pub type GqlResult<T> = async_graphql::Result<T>;

pub fn gql(e: Error) -> async_graphql::Error {
    let code = e.code();
    let field = match &e {
        Error::BadInput { field, .. } | Error::Conflict { field, .. } => Some(field.clone()),
        _ => None,
    };
    async_graphql::Error::new(e.to_string()).extend_with(|_, ext| {
        ext.set("code", code);
        if let Some(f) = &field {
            ext.set("field", f.as_str());
        }
    })
}

/// A bad argument: BAD_USER_INPUT naming it.
pub fn bad_input(field: &str, message: impl Into<String>) -> async_graphql::Error {
    gql(Error::bad_input(field, message))
}

pub fn bad_id(field: &str, e: IdError) -> async_graphql::Error {
    bad_input(field, e.to_string())
}

pub trait IntoGql<T> {
    fn gql(self) -> GqlResult<T>;
}

impl<T> IntoGql<T> for crate::error::Result<T> {
    fn gql(self) -> GqlResult<T> {
        self.map_err(gql)
    }
}

/// Gives every error of a response a code. Errors async-graphql raises before execution
/// (parse, validation: no `path`) and values that failed to parse as their argument's type are
/// the client's (BAD_USER_INPUT), except depth and complexity limits (MAX_COST_EXCEEDED).
/// Anything else without a code came from a resolver that forgot to classify its error: it is
/// INTERNAL (logged, its message replaced), never blamed on the client.
pub fn ensure_codes(errors: &mut [ServerError]) {
    for e in errors {
        let has_code = e
            .extensions
            .as_ref()
            .is_some_and(|x| x.get("code").is_some());
        if has_code {
            continue;
        }
        let code = if e.message.contains("too complex")
            || e.message.contains("too deep")
            || e.message.contains("nested too deep")
        {
            "MAX_COST_EXCEEDED"
        } else if e.message == "internal error" {
            "INTERNAL"
        } else if e.path.is_empty()
            || e.extensions
                .as_ref()
                .is_some_and(|x| x.get("field").is_some())
            || super::argument_errors::is_input_parse_error(e)
        {
            "BAD_USER_INPUT"
        } else {
            tracing::error!(error = %e.message, path = ?e.path, "a resolver error without a code");
            e.message = "internal error".into();
            "INTERNAL"
        };
        e.extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
}

/// Gives every field that failed an explicit `null` in `data`. async-graphql leaves such a
/// field out of its object; GraphQL answers it as null next to its error (a refused edge reads
/// `"store": null` with a FORBIDDEN error at `[…, "store"]`). Runs only when there are errors.
pub fn null_failed_fields(response: &mut async_graphql::Response) {
    use async_graphql::{Name, PathSegment, Value};

    fn walk<'v>(at: &'v mut Value, path: &[PathSegment]) -> Option<&'v mut Value> {
        let Some((seg, rest)) = path.split_first() else {
            return Some(at);
        };
        let next = match (at, seg) {
            (Value::Object(map), PathSegment::Field(name)) => map.get_mut(name.as_str())?,
            (Value::List(items), PathSegment::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
        walk(next, rest)
    }

    for e in &response.errors {
        let Some((PathSegment::Field(last), parents)) = e.path.split_last() else {
            continue;
        };
        if let Some(Value::Object(map)) = walk(&mut response.data, parents) {
            map.entry(Name::new(last)).or_insert(Value::Null);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{PathSegment, Pos};

    fn error(message: &str, path: bool) -> ServerError {
        let mut e = ServerError::new(message, Some(Pos { line: 1, column: 3 }));
        if path {
            e.path = vec![PathSegment::Field("customers".into())];
        }
        e
    }

    #[test]
    fn unclassified_resolver_errors_are_internal_and_client_errors_are_not() {
        let mut errors = vec![
            // A resolver that returned a bare error (a driver message, a constraint name…).
            error(
                "duplicate key value violates unique constraint \"customers_email\"",
                true,
            ),
            // Validation (no path).
            error("Unknown field \"nope\" on type \"Query\"", false),
            // A value that failed to parse as its argument's type.
            error("Failed to parse \"Int\": only integers", true),
            error("Query is too complex.", false),
        ];
        ensure_codes(&mut errors);
        let codes: Vec<_> = errors
            .iter()
            .map(|e| e.extensions.as_ref().unwrap().get("code").unwrap().clone())
            .collect();
        assert_eq!(
            codes,
            [
                "INTERNAL",
                "BAD_USER_INPUT",
                "BAD_USER_INPUT",
                "MAX_COST_EXCEEDED"
            ]
            .map(async_graphql::Value::from)
        );
        assert_eq!(
            errors[0].message, "internal error",
            "the cause is not returned"
        );
    }
}
