//! `/api/v3/admin/customers`: the Spree `Customer` over GraphQL's `Customer`, and its routes.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::addresses::ADDRESS;
use super::customer_groups::CUSTOMER_GROUP;
use super::orders::ORDER;
use super::{Caller, SpreeError};
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, InputField};
use crate::rest::translate::filter::{FilterAttr, FilterKind};
use crate::rest::translate::money::display_field;
use crate::rest::translate::operation::{run, ListRoot, Mutation};
use crate::rest::translate::resource::*;
use crate::rest::translate::sort::SortAttr;
use crate::rest::RestState;
use axum::http::Method;
use axum::routing::{delete, get, patch, post};

fn full_name(row: &Map<String, Value>) -> Value {
    let parts: Vec<&str> = ["first_name", "last_name"]
        .iter()
        .filter_map(|k| row.get(*k).and_then(Value::as_str))
        .filter(|s| !s.is_empty())
        .collect();
    Value::String(parts.join(" "))
}

fn login(row: &Map<String, Value>) -> Value {
    row.get("email").cloned().unwrap_or(Value::Null)
}

/// The id of the customer's default billing (shipping) address, from `_addresses`.
fn default_address(row: &Map<String, Value>, flag: &str) -> Value {
    row.get("_addresses")
        .and_then(Value::as_array)
        .and_then(|l| l.iter().find(|a| a.get(flag) == Some(&Value::Bool(true))))
        .and_then(|a| a.get("id"))
        .cloned()
        .unwrap_or(Value::Null)
}

/// Spree's `Customer`. Sign-in fields belong to the storefront's accounts, which the gateway
/// does not hold: they are null or 0. `total_spent` is displayed in the customer's
/// store-credit currency (the merchant's currency).
pub static CUSTOMER: Resource = Resource {
    graphql_type: "Customer",
    fields: &[
        value("id", "id"),
        value("email", "email"),
        value("first_name", "firstName"),
        value("last_name", "lastName"),
        value("phone", "phone"),
        value("accepts_email_marketing", "acceptsMarketing"),
        computed("full_name", &["first_name", "last_name"], full_name),
        value("available_store_credit_total", "storeCredit"),
        computed(
            "display_available_store_credit_total",
            &["available_store_credit_total", "_currency"],
            |r| display_field(r, "available_store_credit_total", "_currency"),
        ),
        computed("login", &["email"], login),
        value("metadata", "metadata"),
        fixed("last_sign_in_at", null),
        fixed("current_sign_in_at", null),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        fixed("sign_in_count", zero),
        fixed("failed_attempts", zero),
        fixed("last_sign_in_ip", null),
        fixed("current_sign_in_ip", null),
        value("tags", "tags"),
        value("internal_note_html", "notes"),
        computed("default_billing_address_id", &["_addresses"], |r| {
            default_address(r, "isDefaultBilling")
        }),
        computed("default_shipping_address_id", &["_addresses"], |r| {
            default_address(r, "isDefaultShipping")
        }),
        value("orders_count", "ordersCount"),
        value("total_spent", "totalSpent"),
        computed("display_total_spent", &["total_spent", "_currency"], |r| {
            display_field(r, "total_spent", "_currency")
        }),
        value("last_order_completed_at", "lastOrderCompletedAt"),
        value("_currency", "storeCreditCurrency"),
        value(
            "_addresses",
            "addresses { id isDefaultBilling isDefaultShipping }",
        ),
    ],
    expands: &[
        Expand {
            name: "addresses",
            field: "addresses",
            shape: Shape::Many,
            resource: &ADDRESS,
        },
        Expand {
            name: "default_billing_address",
            field: "defaultBillingAddress",
            shape: Shape::One,
            resource: &ADDRESS,
        },
        Expand {
            name: "default_shipping_address",
            field: "defaultShippingAddress",
            shape: Shape::One,
            resource: &ADDRESS,
        },
        // The most recent orders, newest first, as Spree embeds them; `GET /orders` with
        // `q[customer_id_eq]` pages through all of them.
        Expand {
            name: "orders",
            field: "orders(first: 25)",
            shape: Shape::Many,
            resource: &ORDER,
        },
        Expand {
            name: "customer_groups",
            field: "customerGroups",
            shape: Shape::Many,
            resource: &CUSTOMER_GROUP,
        },
        // Store credit is a balance in our domain (`available_store_credit_total`), not a
        // list of Spree's store-credit records.
        Expand {
            name: "store_credits",
            field: "",
            shape: Shape::AbsentMany,
            resource: &NOTHING,
        },
    ],
};

static ROOT: ListRoot = ListRoot {
    field: "customers",
    filter_type: "CustomerFilter",
    sort_type: "CustomerSort",
    search: true,
    filters: &[
        FilterAttr {
            attr: "id",
            field: "id",
            kind: FilterKind::Id,
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
            attr: "phone",
            field: "phone",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "accepts_email_marketing",
            field: "acceptsMarketing",
            kind: FilterKind::Bool,
        },
        FilterAttr {
            attr: "customer_group_id",
            field: "customerGroupId",
            kind: FilterKind::Id,
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

/// The body fields a customer write takes (POST and PATCH).
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
        rest: "phone",
        gql: "phone",
    },
    InputField {
        rest: "accepts_email_marketing",
        gql: "acceptsMarketing",
    },
    InputField {
        rest: "internal_note",
        gql: "notes",
    },
    InputField {
        rest: "tags",
        gql: "tags",
    },
    InputField {
        rest: "metadata",
        gql: "metadata",
    },
];

/// Fields of the response a client may send back unchanged: ignored.
/// Body fields a create needs.
const CREATE_REQUIRED: &[&str] = &["email"];

const READ_ONLY: &[&str] = &[
    "id",
    "full_name",
    "login",
    "created_at",
    "updated_at",
    "orders_count",
    "total_spent",
    "display_total_spent",
    "available_store_credit_total",
    "display_available_store_credit_total",
    "internal_note_html",
    "last_order_completed_at",
    "default_billing_address_id",
    "default_shipping_address_id",
];

/// `GET /customers`: a page of customers (`q[search]`, `q[email_cont]`, `sort=-created_at`…).
pub async fn list_customers(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, SpreeError> {
    super::page(&state, principal, query.as_deref(), &ROOT).await
}

/// `GET /customers/{id}`.
pub async fn show_customer(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    super::one(
        &state,
        principal,
        query.as_deref(),
        "customer",
        &CUSTOMER,
        &id,
    )
    .await
}

/// `customersCreate` / `customersUpdate` of one customer.
const CREATE: Mutation = Mutation {
    route: "customersCreate",
    resource: &CUSTOMER,
    text: |sel| {
        format!(
            "mutation RestCustomerCreate($input: [CustomerCreateInput!]!, $key: String) {{ w: \
             customersCreate(input: $input, idempotencyKey: $key) {{ results {{ customer {{ {sel}}} \
             userErrors {{ field code message }} }} userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

const UPDATE: Mutation = Mutation {
    route: "customersUpdate",
    resource: &CUSTOMER,
    text: |sel| {
        format!(
            "mutation RestCustomerUpdate($input: [CustomerUpdateInput!]!, $key: String) {{ w: \
             customersUpdate(input: $input, idempotencyKey: $key) {{ results {{ customer {{ {sel}}} \
             userErrors {{ field code message }} }} userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

/// Runs `m` on one customer `input`.
async fn write(
    state: &RestState,
    principal: crate::auth::Principal,
    m: &Mutation,
    input: Map<String, Value>,
    names: Vec<(String, String)>,
    headers: &HeaderMap,
) -> Result<Value, SpreeError> {
    let mut names = body::under("input.0", names);
    names.push(("idempotencyKey".into(), "Idempotency-Key".into()));
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Array(vec![Value::Object(input)]));
    vars.insert("key".into(), body::idempotency_key(headers));
    let written = state
        .translator
        .mutate(&state.app, principal, m, vars, &names)
        .await?;
    Ok(written.object("/results/0/customer")?)
}

/// `POST /customers`: 201 with the customer.
pub async fn create_customer(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SpreeError> {
    let object = body::object(&headers, &body)?;
    body::required(&object, CREATE_REQUIRED)?;
    let (input, names) = body::input(object, INPUT, READ_ONLY)?;
    let row = write(&state, principal, &CREATE, input, names, &headers).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// `PATCH /customers/{id}`: the customer as changed (`tags` replace the customer's tags).
pub async fn update_customer(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(&headers, &body)?;
    let (mut input, mut names) = body::input(object, INPUT, READ_ONLY)?;
    input.insert("id".into(), Value::String(id));
    names.push(("id".into(), "id".into()));
    let row = write(&state, principal, &UPDATE, input, names, &headers).await?;
    Ok(Json(row))
}

/// `DELETE /customers/{id}`: 204. A customer with completed orders stays (422).
pub async fn delete_customer(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, SpreeError> {
    let text = "mutation RestCustomerDelete($ids: [ID!]!, $key: String) { d: customersDelete(\
                ids: $ids, idempotencyKey: $key) { deletedIds userErrors { field code message } } }";
    let mut vars = Map::new();
    vars.insert("ids".into(), json!([id]));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let data = run(
        &state.app,
        principal,
        text,
        vars,
        &[("ids".into(), "id".into())],
    )
    .await?;
    super::deleted(&data, "/d/deletedIds", "/d/userErrors", &CUSTOMER)
}

/// The customer routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/customers",
        operation_id: "listCustomers",
        summary: "List customers",
        scope: "read_customers",
        query: Query::List(&ROOT),
        body: Body::None,
        answer: Answer::Page(&CUSTOMER),
        handler: || get(list_customers),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/customers",
        operation_id: "createCustomer",
        summary: "Create a customer",
        scope: "write_customers",
        query: Query::None,
        body: Body::Input {
            graphql_type: "CustomerCreateInput",
            fields: INPUT,
            required: CREATE_REQUIRED,
        },
        answer: Answer::Created(&CUSTOMER),
        handler: || post(create_customer),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/customers/{id}",
        operation_id: "showCustomer",
        summary: "Show a customer",
        scope: "read_customers",
        query: Query::One(&CUSTOMER),
        body: Body::None,
        answer: Answer::One(&CUSTOMER),
        handler: || get(show_customer),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/customers/{id}",
        operation_id: "updateCustomer",
        summary: "Update a customer (tags replace the customer's tags)",
        scope: "write_customers",
        query: Query::None,
        body: Body::Input {
            graphql_type: "CustomerUpdateInput",
            fields: INPUT,
            required: &[],
        },
        answer: Answer::One(&CUSTOMER),
        handler: || patch(update_customer),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/customers/{id}",
        operation_id: "deleteCustomer",
        summary: "Delete a customer (refused while they have completed orders)",
        scope: "write_customers",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_customer),
    },
];
