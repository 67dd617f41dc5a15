//! Spree's `Address` over GraphQL's `Address` (a customer's address book).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{Map, Value};

use super::{Caller, SpreeError};
use crate::auth::Principal;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, InputField};
use crate::rest::translate::operation::{run, Mutation};
use crate::rest::translate::page::whole;
use crate::rest::translate::params::{Accepts, Params};
use crate::rest::translate::resource::*;
use crate::rest::{Refusal, RestState};
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

/// Spree's `Address`: `postal_code` is our `zipcode`, `country_iso` our `countryCode`,
/// `state_name` our free-text `stateName`.
pub static ADDRESS: Resource = Resource {
    graphql_type: "Address",
    fields: &[
        value("id", "id"),
        value("first_name", "firstName"),
        value("last_name", "lastName"),
        computed("full_name", &["first_name", "last_name"], full_name),
        value("address1", "address1"),
        value("address2", "address2"),
        value("postal_code", "zipcode"),
        value("city", "city"),
        value("phone", "phone"),
        value("company", "company"),
        computed("country_name", &["country_iso"], |r| {
            r.get("country_iso").cloned().unwrap_or(Value::Null)
        }),
        value("country_iso", "countryCode"),
        value("state_text", "stateName"),
        fixed("state_abbr", null),
        fixed("quick_checkout", no),
        value("is_default_billing", "isDefaultBilling"),
        value("is_default_shipping", "isDefaultShipping"),
        value("state_name", "stateName"),
        fixed("label", null),
        fixed("metadata", empty_object),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        fixed("customer_id", null),
    ],
    expands: &[],
};

/// Spree's `Address` of an order (its billing or shipping address) over GraphQL's
/// `OrderAddress`: an order's address is no one's default and belongs to no address book.
pub static ORDER_ADDRESS: Resource = Resource {
    graphql_type: "OrderAddress",
    fields: &[
        value("id", "id"),
        value("first_name", "firstName"),
        value("last_name", "lastName"),
        computed("full_name", &["first_name", "last_name"], full_name),
        value("address1", "address1"),
        value("address2", "address2"),
        value("postal_code", "zipcode"),
        value("city", "city"),
        value("phone", "phone"),
        value("company", "company"),
        computed("country_name", &["country_iso"], |r| {
            r.get("country_iso").cloned().unwrap_or(Value::Null)
        }),
        value("country_iso", "countryCode"),
        value("state_text", "stateName"),
        fixed("state_abbr", null),
        fixed("quick_checkout", no),
        fixed("is_default_billing", no),
        fixed("is_default_shipping", no),
        value("state_name", "stateName"),
        fixed("label", null),
        fixed("metadata", empty_object),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        fixed("customer_id", null),
    ],
    expands: &[],
};

/// Body fields of an address write. Spree's `state_abbr` and `state_name` both land in our
/// free-text state; `firstname`/`lastname` (Spree's attribute names) are `first_name`/`last_name`.
const INPUT: &[InputField] = &[
    InputField {
        rest: "first_name",
        gql: "firstName",
    },
    InputField {
        rest: "last_name",
        gql: "lastName",
    },
    // Spree's `Address` attribute names, which its admin SDK sends.
    InputField {
        rest: "firstname",
        gql: "firstName",
    },
    InputField {
        rest: "lastname",
        gql: "lastName",
    },
    InputField {
        rest: "company",
        gql: "company",
    },
    InputField {
        rest: "address1",
        gql: "address1",
    },
    InputField {
        rest: "address2",
        gql: "address2",
    },
    InputField {
        rest: "city",
        gql: "city",
    },
    InputField {
        rest: "postal_code",
        gql: "zipcode",
    },
    InputField {
        rest: "zipcode",
        gql: "zipcode",
    },
    InputField {
        rest: "country_iso",
        gql: "countryCode",
    },
    InputField {
        rest: "state_abbr",
        gql: "stateName",
    },
    InputField {
        rest: "state_name",
        gql: "stateName",
    },
    InputField {
        rest: "phone",
        gql: "phone",
    },
    InputField {
        rest: "is_default_billing",
        gql: "isDefaultBilling",
    },
    InputField {
        rest: "is_default_shipping",
        gql: "isDefaultShipping",
    },
];

/// Body fields a create needs.
const CREATE_REQUIRED: &[&str] = &["address1", "city", "country_iso"];

const READ_ONLY: &[&str] = &[
    "id",
    "full_name",
    "country_name",
    "state_text",
    "quick_checkout",
    "created_at",
    "updated_at",
    "customer_id",
    "metadata",
    "label",
];

const CREATE: Mutation = Mutation {
    route: "customerAddressCreate",
    resource: &ADDRESS,
    text: |sel| {
        format!(
            "mutation RestAddressCreate($customer: ID!, $input: CustomerAddressCreateInput!, \
             $key: String) {{ w: customerAddressCreate(customerId: $customer, input: $input, \
             idempotencyKey: $key) {{ address {{ {sel}}} userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

const UPDATE: Mutation = Mutation {
    route: "customerAddressUpdate",
    resource: &ADDRESS,
    text: |sel| {
        format!(
            "mutation RestAddressUpdate($id: ID!, $customer: ID!, $input: CustomerAddressUpdateInput!, \
             $key: String) {{ w: customerAddressUpdate(id: $id, customerId: $customer, input: $input, \
             idempotencyKey: $key) {{ address {{ {sel}}} \
             userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

/// The customer's addresses as the plan reads them; 404 when the customer is not the
/// caller's.
async fn addresses_of(
    state: &RestState,
    principal: Principal,
    customer_id: &str,
    params: &Params,
) -> Result<
    (
        Vec<Value>,
        std::sync::Arc<crate::rest::translate::operation::Built>,
    ),
    Refusal,
> {
    let built = state.translator.operation("customerAddresses", &ADDRESS, params, |sel| {
        format!("query RestAddresses($id: ID!) {{ one: customer(id: $id) {{ list: addresses {{ {sel}}} }} }}")
    })?;
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(customer_id.to_owned()));
    let data = run(
        &state.app,
        principal,
        &built.text,
        vars,
        &[("id".into(), "customer_id".into())],
    )
    .await?;
    let Some(customer) = data.get("one").filter(|c| c.is_object()) else {
        return Err(Refusal::not_found("Customer not found").with_code("NOT_FOUND"));
    };
    let rows = customer
        .get("list")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Ok((rows, built))
}

/// `GET /customers/{customer_id}/addresses`.
pub async fn list_addresses(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(customer_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    let params = Params::parse(query.as_deref(), Accepts::Embedded)?;
    let (rows, built) = addresses_of(&state, principal, &customer_id, &params).await?;
    let rows: Vec<Value> = rows.iter().map(|r| built.plan.reshape_value(r)).collect();
    Ok(Json(whole(rows)))
}

/// `GET /customers/{customer_id}/addresses/{id}`: one address of the customer's book (404 when
/// the customer is not the caller's or the address not theirs). The reference document lists
/// no such route, but Spree's admin SDK (`customers.addresses.get`) calls it.
pub async fn show_address(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((customer_id, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    let params = Params::parse(query.as_deref(), Accepts::One)?;
    let (rows, built) = addresses_of(&state, principal, &customer_id, &params).await?;
    let row = rows
        .iter()
        .find(|r| r.get("id").and_then(Value::as_str) == Some(id.as_str()))
        .ok_or_else(|| Refusal::not_found("Address not found").with_code("NOT_FOUND"))?;
    Ok(Json(built.plan.reshape_value(row)))
}

/// `POST /customers/{customer_id}/addresses`: 201.
pub async fn create_address(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(customer_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SpreeError> {
    let object = body::object(&headers, &body)?;
    body::required(&object, CREATE_REQUIRED)?;
    let (input, names) = body::input(object, INPUT, READ_ONLY)?;
    let mut vars = Map::new();
    vars.insert("customer".into(), Value::String(customer_id));
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let mut names = body::under("input", names);
    names.push(("customerId".into(), "customer_id".into()));
    let written = state
        .translator
        .mutate(&state.app, principal, &CREATE, vars, &names)
        .await?;
    Ok((StatusCode::CREATED, Json(written.object("/address")?)).into_response())
}

/// `PATCH /customers/{customer_id}/addresses/{id}`.
pub async fn update_address(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((customer_id, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(&headers, &body)?;
    let (input, names) = body::input(object, INPUT, READ_ONLY)?;
    // The mutation checks the address is this customer's, in the transaction that writes it (and
    // a retry with the same key replays the first answer).
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("customer".into(), Value::String(customer_id));
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let mut names = body::under("input", names);
    names.push(("id".into(), "id".into()));
    let written = state
        .translator
        .mutate(&state.app, principal, &UPDATE, vars, &names)
        .await?;
    Ok(Json(written.object("/address")?))
}

/// `DELETE /customers/{customer_id}/addresses/{id}`: 204.
pub async fn delete_address(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((customer_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, SpreeError> {
    let text = "mutation RestAddressDelete($id: ID!, $customer: ID!, $key: String) { d: \
                customerAddressDelete(id: $id, customerId: $customer, idempotencyKey: $key) \
                { deletedId userErrors { field code message } } }";
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("customer".into(), Value::String(customer_id));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let data = run(
        &state.app,
        principal,
        text,
        vars,
        &[("id".into(), "id".into())],
    )
    .await?;
    super::deleted(&data, "/d/deletedId", "/d/userErrors", &ADDRESS)
}

/// A customer's address routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/customers/{customer_id}/addresses",
        operation_id: "listCustomerAddresses",
        summary: "List a customer's addresses",
        scope: "read_customers",
        query: Query::Embedded(&ADDRESS),
        body: Body::None,
        answer: Answer::Page(&ADDRESS),
        handler: || get(list_addresses),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/customers/{customer_id}/addresses",
        operation_id: "createCustomerAddress",
        summary: "Add an address to a customer",
        scope: "write_customers",
        query: Query::None,
        body: Body::Input {
            graphql_type: "CustomerAddressCreateInput",
            fields: INPUT,
            required: CREATE_REQUIRED,
        },
        answer: Answer::Created(&ADDRESS),
        handler: || post(create_address),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/customers/{customer_id}/addresses/{id}",
        operation_id: "showCustomerAddress",
        summary: "Show a customer's address (not in Spree's document; its admin SDK calls it)",
        scope: "read_customers",
        query: Query::One(&ADDRESS),
        body: Body::None,
        answer: Answer::One(&ADDRESS),
        handler: || get(show_address),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/customers/{customer_id}/addresses/{id}",
        operation_id: "updateCustomerAddress",
        summary: "Update a customer's address",
        scope: "write_customers",
        query: Query::None,
        body: Body::Input {
            graphql_type: "CustomerAddressUpdateInput",
            fields: INPUT,
            required: &[],
        },
        answer: Answer::One(&ADDRESS),
        handler: || patch(update_address),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/customers/{customer_id}/addresses/{id}",
        operation_id: "deleteCustomerAddress",
        summary: "Delete a customer's address",
        scope: "write_customers",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_address),
    },
];
