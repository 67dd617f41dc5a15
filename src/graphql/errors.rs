//! GraphQL errors with stable codes in `extensions.code` (DESIGN §6).
//!
//! async-graphql converts any `Display` type into an error without a code, so resolvers turn
//! domain errors into GraphQL errors explicitly with [`gql`] / [`IntoGql::gql`]; the transport
//! gives what is left without a code a BAD_USER_INPUT or MAX_COST_EXCEEDED code.

use async_graphql::{ErrorExtensions, ServerError};

use crate::domain::validate::{Path, Segment};
use crate::error::Error;
use crate::ids::IdError;

pub type GqlResult<T> = async_graphql::Result<T>;

/// A domain error as a GraphQL error: `extensions.code`, and for bad input and conflicts
/// `extensions.field` naming the field as GraphQL spells it ([`dotted`]) and the message
/// prefixed with it. Mutations report domain paths as `userErrors` through
/// [`super::mutations::fields::Arguments`] instead.
pub fn gql(e: Error) -> async_graphql::Error {
    let code = e.code();
    match e {
        Error::BadInput { path, message, .. } | Error::Conflict { path, message }
            if !path.is_empty() =>
        {
            field_error(code, &dotted(&path), &message)
        }
        e => async_graphql::Error::new(e.to_string()).extend_with(|_, ext| ext.set("code", code)),
    }
}

/// `field: message` with `extensions.code` and `extensions.field`.
fn field_error(code: &'static str, field: &str, message: &str) -> async_graphql::Error {
    async_graphql::Error::new(format!("{field}: {message}")).extend_with(|_, ext| {
        ext.set("code", code);
        ext.set("field", field);
    })
}

/// A bad argument: BAD_USER_INPUT naming it as GraphQL spells it (`first`, `filter.brandId`).
pub fn bad_input(field: &str, message: impl Into<String>) -> async_graphql::Error {
    field_error("BAD_USER_INPUT", field, &message.into())
}

/// A snake_case key as GraphQL names it: `is_default_billing` → `isDefaultBilling`,
/// `address_line_2` → `addressLine2` (async-graphql's renaming of Rust field names).
pub fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' && !out.is_empty() {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// One path segment as GraphQL names it: a camelCased key or an index as a string.
pub fn segment(s: &Segment) -> String {
    match s {
        Segment::Key(k) => camel(k),
        Segment::Index(i) => i.to_string(),
    }
}

/// A domain path as one dotted GraphQL name (`group_by` → `groupBy`, `filter.brand_id` →
/// `filter.brandId`): the `extensions.field` of a top-level error.
pub fn dotted(path: &Path) -> String {
    path.segments()
        .iter()
        .map(segment)
        .collect::<Vec<_>>()
        .join(".")
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

    #[test]
    fn snake_case_keys_become_graphql_names() {
        assert_eq!(camel("email"), "email");
        assert_eq!(camel("is_default_billing"), "isDefaultBilling");
        assert_eq!(camel("address_line_2"), "addressLine2");
        assert_eq!(camel("external_id"), "externalId");
        assert_eq!(
            dotted(&Path::field("filter").key("brand_id")),
            "filter.brandId"
        );
        assert_eq!(dotted(&Path::field("ids").index(3)), "ids.3");
    }

    #[test]
    fn domain_errors_keep_their_graphql_message_and_field() {
        let e = gql(Error::bad_input(Path::field("group_by"), "at most one"));
        assert_eq!(e.message, "groupBy: at most one");
        let ext = e.extensions.unwrap();
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("BAD_USER_INPUT"))
        );
        assert_eq!(
            ext.get("field"),
            Some(&async_graphql::Value::from("groupBy"))
        );
        let e = gql(Error::conflict(Path::field("external_id"), "taken"));
        assert_eq!(e.message, "externalId: taken");
        let ext = e.extensions.unwrap();
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("CONFLICT"))
        );
        let e = bad_input("filter.brandId", "at most 10 values");
        assert_eq!(e.message, "filter.brandId: at most 10 values");
    }

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
