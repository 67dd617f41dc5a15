//! A REST route as data: its method, path, scope, parameters, body and answer, next to the
//! handler that serves it. The router and the OpenAPI document are both built from the same
//! tables, so a route cannot be served undocumented nor documented unserved.

use axum::http::Method;
use axum::routing::MethodRouter;
use axum::Router;
use serde_json::Value;

use super::translate::body::InputField;
use super::translate::cursor::CursorRoot;
use super::translate::operation::ListRoot;
use super::translate::resource::Resource;
use super::RestState;

/// The query parameters a route takes.
pub enum Query {
    None,
    /// `fields`, `expand`.
    One(&'static Resource),
    /// A whole embedded list: `fields`, `expand`.
    Embedded(&'static Resource),
    /// A list paged through its parent (an order's items, a promotion's rules): `fields`,
    /// `expand`, `page`, `limit`, and `sort` by these keys (none: no `sort`).
    Paged(
        &'static Resource,
        &'static [super::translate::sort::SortAttr],
    ),
    /// A page of a list: `fields`, `expand`, `q[…]`, `sort`, `page`, `limit`.
    List(&'static ListRoot),
    /// A cursor-paged list: `fields`, `expand`, `cursor`, `limit` and its filter parameters.
    Cursor(&'static CursorRoot),
    /// Parameters the dialect documents itself (Spark Pay's `page`, `count` and
    /// `field=op:value` filters), as OpenAPI parameter objects.
    Documented(fn() -> Vec<Value>),
}

/// The request body a route reads.
pub enum Body {
    None,
    /// An object of the listed fields, typed as the GraphQL input type's fields
    /// (`required` are the ones a create needs).
    Input {
        graphql_type: &'static str,
        fields: &'static [InputField],
        required: &'static [&'static str],
    },
    /// Another shape, as a JSON schema.
    Schema(fn() -> Value),
}

/// What a route answers with on success.
pub enum Answer {
    /// 200 `{data: [..], meta}`.
    Page(&'static Resource),
    /// 200 `{data: [..], next_cursor}`: a cursor-paged list.
    CursorPage(&'static Resource),
    /// 200 `{total_count, next_page, previous_page, <key>: [..]}`: Spark Pay's list metadata
    /// object wrapping a page.
    Wrapped {
        key: &'static str,
        resource: &'static Resource,
    },
    /// 200 with the object.
    One(&'static Resource),
    /// 201 with the object.
    Created(&'static Resource),
    /// 204, no body.
    NoContent,
    /// 200 with another shape, as a JSON schema.
    Schema(fn() -> Value),
}

/// One REST route.
pub struct Route {
    pub method: Method,
    /// Axum's path syntax (`/api/v3/admin/customers/{id}`), which is OpenAPI's too.
    pub path: &'static str,
    pub operation_id: &'static str,
    pub summary: &'static str,
    /// The dialect's scope name (`read_customers`).
    pub scope: &'static str,
    pub query: Query,
    pub body: Body,
    pub answer: Answer,
    pub handler: fn() -> MethodRouter<RestState>,
}

/// A router serving `routes` (methods of one path merge into one entry).
pub fn router(routes: &[&'static [Route]], state: RestState) -> Router {
    let mut router: Router<RestState> = Router::new();
    for r in routes.iter().flat_map(|g| g.iter()) {
        router = router.route(r.path, (r.handler)());
    }
    router.with_state(state)
}
