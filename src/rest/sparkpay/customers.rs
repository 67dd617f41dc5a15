//! `/api/v1/customers`: Spark Pay's customer over GraphQL's `Customer`. `customer_number` is
//! the customer's identifier in another system (`externalId`), `comments` its staff notes;
//! customer types, tax exemption, sign-in and visit tracking are outside our domain (null or
//! false). Expands `addresses`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::Json;
use serde_json::{json, Map, Value};

use super::values::{self, int_id, integer};
use super::{Caller, List, Names, SparkPayError, Write};
use crate::auth::Principal;
use crate::ids::Kind as IdKind;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, InputField};
use crate::rest::translate::filter::{FilterAttr, FilterKind};
use crate::rest::translate::operation::ListRoot;
use crate::rest::translate::resource::*;
use crate::rest::translate::sort::SortAttr;
use crate::rest::{Refusal, RestState};

/// A customer's address (`expand=addresses`).
pub static ADDRESS: Resource = Resource {
    graphql_type: "Address",
    fields: &[
        typed(
            "id",
            &["_id"],
            |r| int_id(r, "_id", IdKind::Address),
            integer,
        ),
        value("first_name", "firstName"),
        value("last_name", "lastName"),
        value("company", "company"),
        value("address_line_1", "address1"),
        value("address_line_2", "address2"),
        value("city", "city"),
        value("state", "stateName"),
        value("postal_code", "zipcode"),
        value("country", "countryCode"),
        value("phone", "phone"),
        value("is_default_billing_address", "isDefaultBilling"),
        value("is_default_shipping_address", "isDefaultShipping"),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        value("_id", "id"),
    ],
    expands: &[],
};

/// Spark Pay's customer.
pub static CUSTOMER: Resource = Resource {
    graphql_type: "Customer",
    fields: &[
        typed(
            "id",
            &["_id"],
            |r| int_id(r, "_id", IdKind::Customer),
            integer,
        ),
        value("customer_number", "externalId"),
        value("last_name", "lastName"),
        value("first_name", "firstName"),
        value("email", "email"),
        value("phone_number", "phone"),
        value("registered_at", "createdAt"),
        fixed("last_visit_at", null),
        fixed("customer_type_id", null),
        fixed("is_no_tax_customer", no),
        value("comments", "notes"),
        fixed("store_id", null),
        fixed("company", null),
        value("updated_at", "updatedAt"),
        value("created_at", "createdAt"),
        value("_id", "id"),
    ],
    expands: &[Expand {
        name: "addresses",
        field: "addresses",
        shape: Shape::Many,
        resource: &ADDRESS,
    }],
};

fn customer_ref(v: &str) -> Option<String> {
    values::filter_id(v, IdKind::Customer)
}

static ROOT: ListRoot = ListRoot {
    field: "customers",
    filter_type: "CustomerFilter",
    sort_type: "CustomerSort",
    search: false,
    filters: &[
        FilterAttr {
            attr: "id",
            field: "id",
            kind: FilterKind::Enum(customer_ref),
        },
        FilterAttr {
            attr: "customer_number",
            field: "externalId",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "email",
            field: "email",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "first_name",
            field: "firstName",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "last_name",
            field: "lastName",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "phone_number",
            field: "phone",
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
            key: "created_at",
            field: "CREATED_AT",
        },
        SortAttr {
            key: "updated_at",
            field: "UPDATED_AT",
        },
        SortAttr {
            key: "email",
            field: "EMAIL",
        },
        SortAttr {
            key: "last_name",
            field: "NAME",
        },
    ],
    resource: &CUSTOMER,
};

pub(super) static LIST: List = List {
    key: "customers",
    root: &ROOT,
};

/// The body fields a customer write takes.
const INPUT: &[InputField] = &[
    InputField {
        rest: "email",
        gql: "email",
    },
    InputField {
        rest: "first_name",
        gql: "firstName",
    },
    InputField {
        rest: "last_name",
        gql: "lastName",
    },
    InputField {
        rest: "phone_number",
        gql: "phone",
    },
    InputField {
        rest: "customer_number",
        gql: "externalId",
    },
    InputField {
        rest: "comments",
        gql: "notes",
    },
];

/// The body as the GraphQL input; fields the customer only reads are ignored.
fn input(object: Map<String, Value>) -> Result<Map<String, Value>, Refusal> {
    let mut out = Map::new();
    for (k, v) in object {
        match INPUT.iter().find(|f| f.rest == k) {
            Some(f) => {
                out.insert(f.gql.to_owned(), v);
            }
            None if super::is_read_only(&CUSTOMER, &k) => {}
            None => {
                let writable: Vec<&str> = INPUT.iter().map(|f| f.rest).collect();
                return Err(super::unknown_field(&k, &writable));
            }
        }
    }
    Ok(out)
}

fn names() -> Names {
    let mut n = Names::default();
    for f in INPUT {
        n.arguments
            .push((format!("input.0.{}", f.gql), f.rest.to_owned()));
        n.fields.push((f.gql.to_owned(), f.rest.to_owned()));
    }
    n.arguments.push(("input.0.id".into(), "id".into()));
    n.arguments
        .push(("idempotencyKey".into(), "Idempotency-Key".into()));
    n.fields.push(("id".into(), "id".into()));
    n
}

const USER_ERRORS: &str = "userErrors { field code message kind }";

const CREATE: Write = Write {
    route: "sparkpay.customersCreate",
    resource: &CUSTOMER,
    text: |sel| {
        format!(
            "mutation SparkCustomerCreate($input: [CustomerCreateInput!]!, $key: String) {{ w: \
             customersCreate(input: $input, idempotencyKey: $key) {{ results {{ customer {{ {sel}}} \
             {USER_ERRORS} }} {USER_ERRORS} }} }}"
        )
    },
    pointer: "/results/0/customer",
};

const UPDATE: Write = Write {
    route: "sparkpay.customersUpdate",
    resource: &CUSTOMER,
    text: |sel| {
        format!(
            "mutation SparkCustomerUpdate($input: [CustomerUpdateInput!]!, $key: String) {{ w: \
             customersUpdate(input: $input, idempotencyKey: $key) {{ results {{ customer {{ {sel}}} \
             {USER_ERRORS} }} {USER_ERRORS} }} }}"
        )
    },
    pointer: "/results/0/customer",
};

/// Runs `w` on one customer `input`.
async fn run(
    state: &RestState,
    principal: Principal,
    w: &Write,
    input: Map<String, Value>,
    headers: &HeaderMap,
) -> Result<Value, SparkPayError> {
    let mut vars = Map::new();
    vars.insert("input".into(), json!([input]));
    vars.insert("key".into(), body::idempotency_key(headers));
    super::write(state, principal, w, vars, &names()).await
}

/// `GET /customers.json`.
pub async fn list_customers(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, SparkPayError> {
    super::list(&state, principal, &headers, &uri, &LIST).await
}

/// `GET /customers/{id}.json`.
pub async fn show_customer(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SparkPayError> {
    let id = values::path_id(&raw, IdKind::Customer)?;
    super::show(
        &state,
        principal,
        query.as_deref(),
        "customer",
        &CUSTOMER,
        &id,
    )
    .await
}

/// `POST /customers.json`: 201 with the new customer; with the `id` of an existing customer,
/// 200 with it updated.
pub async fn create_customer(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    bytes: Bytes,
) -> Result<Response, SparkPayError> {
    super::no_query(query.as_deref())?;
    let mut object = values::object(&headers, &bytes)?;
    let id = object.remove("id");
    if let Some(id) =
        super::existing(&state, principal.clone(), id, IdKind::Customer, "customer").await?
    {
        let mut changes = input(object)?;
        changes.insert("id".into(), Value::String(id));
        let row = run(&state, principal, &UPDATE, changes, &headers).await?;
        return Ok(Json(row).into_response());
    }
    body::required(&object, &["email"])?;
    let row = run(&state, principal, &CREATE, input(object)?, &headers).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// `PUT /customers/{id}.json`: the customer with the fields sent changed.
pub async fn update_customer(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(raw): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    bytes: Bytes,
) -> Result<Json<Value>, SparkPayError> {
    super::no_query(query.as_deref())?;
    let id = values::path_id(&raw, IdKind::Customer)?;
    let mut changes = input(values::object(&headers, &bytes)?)?;
    changes.insert("id".into(), Value::String(id));
    Ok(Json(
        run(&state, principal, &UPDATE, changes, &headers).await?,
    ))
}

/// `DELETE /customers/{id}.json`: 204; a customer with completed orders stays (409).
pub async fn delete_customer(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(raw): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<StatusCode, SparkPayError> {
    super::no_query(query.as_deref())?;
    let id = values::path_id(&raw, IdKind::Customer)?;
    let mut vars = Map::new();
    vars.insert("ids".into(), json!([id]));
    vars.insert("key".into(), body::idempotency_key(&headers));
    super::delete(
        &state,
        principal,
        "mutation SparkCustomerDelete($ids: [ID!]!, $key: String) { d: customersDelete(ids: \
         $ids, idempotencyKey: $key) { deletedIds userErrors { field code message kind } } }",
        vars,
        ("/d/deletedIds", "/d/userErrors"),
        &CUSTOMER,
    )
    .await
}

fn list_params() -> Vec<Value> {
    super::query::openapi(&ROOT)
}

fn one_params() -> Vec<Value> {
    super::query::openapi_one(&CUSTOMER)
}

/// The customer routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v1/customers.json",
        operation_id: "sparkPayListCustomers",
        summary: "List customers (also served at /api/v1/customers)",
        scope: "read_people",
        query: Query::Documented(list_params),
        body: Body::None,
        answer: Answer::Wrapped {
            key: "customers",
            resource: &CUSTOMER,
        },
        handler: || get(list_customers),
    },
    Route {
        method: Method::POST,
        path: "/api/v1/customers.json",
        operation_id: "sparkPayCreateCustomer",
        summary: "Create a customer (201), or update the one the body's `id` names (200)",
        scope: "people",
        query: Query::None,
        body: Body::Input {
            graphql_type: "CustomerCreateInput",
            fields: INPUT,
            required: &["email"],
        },
        answer: Answer::Created(&CUSTOMER),
        handler: || post(create_customer),
    },
    Route {
        method: Method::GET,
        path: "/api/v1/customers/{id}",
        operation_id: "sparkPayShowCustomer",
        summary: "Show a customer",
        scope: "read_people",
        query: Query::Documented(one_params),
        body: Body::None,
        answer: Answer::One(&CUSTOMER),
        handler: || get(show_customer),
    },
    Route {
        method: Method::PUT,
        path: "/api/v1/customers/{id}",
        operation_id: "sparkPayUpdateCustomer",
        summary: "Update the fields sent of a customer",
        scope: "people",
        query: Query::None,
        body: Body::Input {
            graphql_type: "CustomerUpdateInput",
            fields: INPUT,
            required: &[],
        },
        answer: Answer::One(&CUSTOMER),
        handler: || put(update_customer),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v1/customers/{id}",
        operation_id: "sparkPayDeleteCustomer",
        summary: "Delete a customer (refused while they have completed orders)",
        scope: "people",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_customer),
    },
];
