//! `GET /api/admin/v1/customers/bulk`: the Admin API's customer list (CRM sync), cursor-paged
//! over GraphQL's `customers` connection, with plain filter parameters.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde_json::{Map, Value};

use super::{Caller, FiresparkError};
use crate::rest::translate::body::InputField;
use crate::rest::translate::cursor::{CursorRoot, Op, ParamFilter, GRAPHQL_PAGE};
use crate::rest::translate::filter::FilterKind;
use crate::rest::translate::resource::*;
use crate::rest::RestState;

/// The IDs of the groups in `_groups` (`[{id}]`).
fn group_ids(row: &Map<String, Value>) -> Value {
    let ids = row
        .get("_groups")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(|g| g.get("id").cloned()).collect())
        .unwrap_or_default();
    Value::Array(ids)
}

/// Fire spark's customer.
pub static CUSTOMER: Resource = Resource {
    graphql_type: "Customer",
    fields: &[
        value("id", "id"),
        value("external_id", "externalId"),
        value("email", "email"),
        value("first_name", "firstName"),
        value("last_name", "lastName"),
        value("phone", "phone"),
        value("accepts_marketing", "acceptsMarketing"),
        value("tags", "tags"),
        computed("customer_group_ids", &["_groups"], group_ids),
        value("metadata", "metadata"),
        value("notes", "notes"),
        value("orders_count", "ordersCount"),
        value("total_spent", "totalSpent"),
        value("last_order_completed_at", "lastOrderCompletedAt"),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        value("_groups", "customerGroups { id }"),
    ],
    expands: &[],
};

/// The body fields of a customer write (`POST` and `PATCH /customers/bulk`).
pub const INPUT: &[InputField] = &[
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
        rest: "accepts_marketing",
        gql: "acceptsMarketing",
    },
    InputField {
        rest: "tags",
        gql: "tags",
    },
    InputField {
        rest: "metadata",
        gql: "metadata",
    },
    InputField {
        rest: "external_id",
        gql: "externalId",
    },
    InputField {
        rest: "notes",
        gql: "notes",
    },
    InputField {
        rest: "customer_group_ids",
        gql: "customerGroupIds",
    },
];

/// Fields of the list's rows a client may send back unchanged: ignored.
pub const READ_ONLY: &[&str] = &[
    "orders_count",
    "total_spent",
    "last_order_completed_at",
    "created_at",
    "updated_at",
];

pub static ROOT: CursorRoot = CursorRoot {
    field: "customers",
    filter_type: "CustomerFilter",
    params: &[
        ParamFilter {
            param: "ids",
            field: "id",
            op: Op::List("in"),
            kind: FilterKind::Id,
            description: "Only these customers (`cus_…`, comma-separated).",
        },
        ParamFilter {
            param: "email",
            field: "email",
            op: Op::One("eq"),
            kind: FilterKind::Text,
            description: "Email, exactly (ignoring case).",
        },
        ParamFilter {
            param: "name",
            field: "name",
            op: Op::One("contains"),
            kind: FilterKind::Text,
            description: "Part of the full name (given and family names), ignoring case.",
        },
        ParamFilter {
            param: "external_id",
            field: "externalId",
            op: Op::One("eq"),
            kind: FilterKind::Text,
            description: "Identifier in a legacy system or CRM.",
        },
        ParamFilter {
            param: "tags",
            field: "tags",
            op: Op::List("hasAll"),
            kind: FilterKind::Text,
            description: "Customers carrying every one of these tags (comma-separated).",
        },
        ParamFilter {
            param: "tags_any",
            field: "tags",
            op: Op::List("hasAny"),
            kind: FilterKind::Text,
            description: "Customers carrying at least one of these tags (comma-separated).",
        },
        ParamFilter {
            param: "customer_group_id",
            field: "customerGroupId",
            op: Op::List("in"),
            kind: FilterKind::Id,
            description: "Members of one of these customer groups (`cg_…`, comma-separated).",
        },
        ParamFilter {
            param: "accepts_marketing",
            field: "acceptsMarketing",
            op: Op::Value,
            kind: FilterKind::Bool,
            description: "Whether the customer accepts marketing email.",
        },
        ParamFilter {
            param: "created_at_min",
            field: "createdAt",
            op: Op::One("gte"),
            kind: FilterKind::Time,
            description: "Created at or after this time (ISO 8601; a date is its midnight UTC).",
        },
        ParamFilter {
            param: "created_at_max",
            field: "createdAt",
            op: Op::One("lte"),
            kind: FilterKind::Time,
            description: "Created at or before this time.",
        },
        ParamFilter {
            param: "updated_at_min",
            field: "updatedAt",
            op: Op::One("gte"),
            kind: FilterKind::Time,
            description: "Last changed at or after this time.",
        },
        ParamFilter {
            param: "updated_at_max",
            field: "updatedAt",
            op: Op::One("lte"),
            kind: FilterKind::Time,
            description: "Last changed at or before this time.",
        },
    ],
    resource: &CUSTOMER,
    default_expand: &[],
    page_size: GRAPHQL_PAGE,
};

/// `GET /customers/bulk`: a page of customers, newest first.
pub async fn list_customers(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, FiresparkError> {
    super::list(&state, principal, query.as_deref(), &ROOT).await
}
