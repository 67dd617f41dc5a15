//! `/api/v3/admin/customer_groups`: Spree's `CustomerGroup` over GraphQL's `CustomerGroup`.
//! `customer_ids` on create and update set the group's members (on update they replace them).
//!
//! `expand=customers` embeds up to 250 members in a show; in a list, where every row's members
//! count against the executor's complexity budget, each row embeds its first
//! ⌊750 / `limit`⌋ members (30 at the default limit of 25, 7 at 100, at most 250), and
//! `customers_count` is the total.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{Map, Value};

use super::customers::CUSTOMER;
use super::{Caller, SpreeError};
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, InputField};
use crate::rest::translate::filter::{FilterAttr, FilterKind};
use crate::rest::translate::operation::{run, ListRoot, Mutation};
use crate::rest::translate::resource::*;
use crate::rest::translate::sort::SortAttr;
use crate::rest::RestState;
use axum::http::Method;
use axum::routing::{delete, get, patch, post};

const FIELDS: &[Field] = &[
    value("id", "id"),
    value("name", "name"),
    value("description", "description"),
    value("customers_count", "customersCount"),
    value("created_at", "createdAt"),
    value("updated_at", "updatedAt"),
];

/// Spree's `CustomerGroup`; `expand=customers` embeds up to 250 members.
pub static CUSTOMER_GROUP: Resource = Resource {
    graphql_type: "CustomerGroup",
    fields: FIELDS,
    expands: &[Expand {
        name: "customers",
        field: "customers(first: 250)",
        shape: Shape::Many,
        resource: &CUSTOMER,
    }],
};

/// [`CUSTOMER_GROUP`] as a list's rows read it: `customers` sized by `$embed` (see
/// [`crate::rest::translate::operation::embed_size`]).
static CUSTOMER_GROUP_ROW: Resource = Resource {
    graphql_type: "CustomerGroup",
    fields: FIELDS,
    expands: &[Expand {
        name: "customers",
        field: "customers(first: $embed)",
        shape: Shape::Many,
        resource: &CUSTOMER,
    }],
};

static ROOT: ListRoot = ListRoot {
    field: "customerGroups",
    filter_type: "CustomerGroupFilter",
    sort_type: "CustomerGroupSort",
    search: false,
    filters: &[
        FilterAttr {
            attr: "id",
            field: "id",
            kind: FilterKind::Id,
        },
        FilterAttr {
            attr: "name",
            field: "name",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "created_at",
            field: "createdAt",
            kind: FilterKind::Time,
        },
        FilterAttr {
            attr: "updated_at",
            field: "updatedAt",
            kind: FilterKind::Time,
        },
    ],
    sorts: &[
        SortAttr {
            key: "name",
            field: "NAME",
        },
        SortAttr {
            key: "created_at",
            field: "CREATED_AT",
        },
        SortAttr {
            key: "updated_at",
            field: "UPDATED_AT",
        },
    ],
    resource: &CUSTOMER_GROUP_ROW,
};

const INPUT: &[InputField] = &[
    InputField {
        rest: "name",
        gql: "name",
    },
    InputField {
        rest: "description",
        gql: "description",
    },
    InputField {
        rest: "customer_ids",
        gql: "customerIds",
    },
];

/// Body fields a create needs.
const CREATE_REQUIRED: &[&str] = &["name"];

const READ_ONLY: &[&str] = &["id", "customers_count", "created_at", "updated_at"];

const CREATE: Mutation = Mutation {
    route: "customerGroupCreate",
    resource: &CUSTOMER_GROUP,
    text: |sel| {
        format!(
            "mutation RestCustomerGroupCreate($input: CustomerGroupCreateInput!, $key: String) \
             {{ w: customerGroupCreate(input: $input, idempotencyKey: $key) {{ customerGroup {{ {sel}}} \
             userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

const UPDATE: Mutation = Mutation {
    route: "customerGroupUpdate",
    resource: &CUSTOMER_GROUP,
    text: |sel| {
        format!(
            "mutation RestCustomerGroupUpdate($id: ID!, $input: CustomerGroupUpdateInput!, \
             $key: String) {{ w: customerGroupUpdate(id: $id, input: $input, idempotencyKey: $key) \
             {{ customerGroup {{ {sel}}} \
             userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

/// `GET /customer_groups`.
pub async fn list_customer_groups(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, SpreeError> {
    super::page(&state, principal, query.as_deref(), &ROOT).await
}

/// `GET /customer_groups/{id}` (`expand=customers`).
pub async fn show_customer_group(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    super::one(
        &state,
        principal,
        query.as_deref(),
        "customerGroup",
        &CUSTOMER_GROUP,
        &id,
    )
    .await
}

/// `POST /customer_groups`: 201 with the group and its `customer_ids` as members.
pub async fn create_customer_group(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SpreeError> {
    let object = body::object(&headers, &body)?;
    body::required(&object, CREATE_REQUIRED)?;
    body::id_list(&object, "customer_ids")?;
    let (input, names) = body::input(object, INPUT, READ_ONLY)?;
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = body::under("input", names);
    let written = state
        .translator
        .mutate(&state.app, principal, &CREATE, vars, &names)
        .await?;
    let row = written.object("/customerGroup")?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// `PATCH /customer_groups/{id}`: `customer_ids` replace the membership.
pub async fn update_customer_group(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(&headers, &body)?;
    body::id_list(&object, "customer_ids")?;
    let (input, names) = body::input(object, INPUT, READ_ONLY)?;
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let mut names = body::under("input", names);
    names.push(("id".into(), "id".into()));
    let written = state
        .translator
        .mutate(&state.app, principal, &UPDATE, vars, &names)
        .await?;
    Ok(Json(written.object("/customerGroup")?))
}

/// `DELETE /customer_groups/{id}`: 204.
pub async fn delete_customer_group(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, SpreeError> {
    let text = "mutation RestCustomerGroupDelete($id: ID!, $key: String) { d: \
                customerGroupDelete(id: $id, idempotencyKey: $key) \
                { deletedId userErrors { field code message } } }";
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let data = run(
        &state.app,
        principal,
        text,
        vars,
        &[("id".into(), "id".into())],
    )
    .await?;
    super::deleted(&data, "/d/deletedId", "/d/userErrors", &CUSTOMER_GROUP)
}

/// The customer group routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/customer_groups",
        operation_id: "listCustomerGroups",
        summary: "List customer groups",
        scope: "read_customers",
        query: Query::List(&ROOT),
        body: Body::None,
        answer: Answer::Page(&CUSTOMER_GROUP),
        handler: || get(list_customer_groups),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/customer_groups",
        operation_id: "createCustomerGroup",
        summary: "Create a customer group (customer_ids become its members)",
        scope: "write_customers",
        query: Query::None,
        body: Body::Input {
            graphql_type: "CustomerGroupCreateInput",
            fields: INPUT,
            required: CREATE_REQUIRED,
        },
        answer: Answer::Created(&CUSTOMER_GROUP),
        handler: || post(create_customer_group),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/customer_groups/{id}",
        operation_id: "showCustomerGroup",
        summary: "Show a customer group",
        scope: "read_customers",
        query: Query::One(&CUSTOMER_GROUP),
        body: Body::None,
        answer: Answer::One(&CUSTOMER_GROUP),
        handler: || get(show_customer_group),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/customer_groups/{id}",
        operation_id: "updateCustomerGroup",
        summary: "Update a customer group (customer_ids replace its members)",
        scope: "write_customers",
        query: Query::None,
        body: Body::Input {
            graphql_type: "CustomerGroupUpdateInput",
            fields: INPUT,
            required: &[],
        },
        answer: Answer::One(&CUSTOMER_GROUP),
        handler: || patch(update_customer_group),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/customer_groups/{id}",
        operation_id: "deleteCustomerGroup",
        summary: "Delete a customer group",
        scope: "write_customers",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_customer_group),
    },
];
