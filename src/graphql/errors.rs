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

/// Gives every error of a response a code: parse and validation errors are the client's
/// (BAD_USER_INPUT), except depth and complexity limits (MAX_COST_EXCEEDED).
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
        } else {
            "BAD_USER_INPUT"
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
