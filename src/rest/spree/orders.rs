//! `/api/v3/admin/orders`: Spree's `Order` over GraphQL's `Order`, its state transitions
//! (`complete`, `cancel`, `approve`, `resume`) and drafts' writes.
//!
//! Spree's checkout states (`cart`, `address`, `delivery`, `payment`, `confirm`) are all our
//! `DRAFT`; `complete` and `canceled` are ours. Amounts are our decimal strings with Spree's
//! `display_*` twins in the order's currency. Taxes are all additional (none included);
//! promotions are the only adjustments, so `adjustment_total` is minus the discount total.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::addresses::ORDER_ADDRESS;
use super::channels::CHANNEL;
use super::customers::CUSTOMER;
use super::line_items::{DISCOUNT, LINE_ITEM};
use super::payments::{FULFILLMENT, PAYMENT};
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

/// Spree's state (or status) → our `OrderStatus`.
pub fn our_status(v: &str) -> Option<String> {
    match v {
        "cart" | "address" | "delivery" | "payment" | "confirm" | "draft" => Some("DRAFT".into()),
        "complete" | "completed" => Some("COMPLETE".into()),
        "canceled" | "cancelled" => Some("CANCELED".into()),
        _ => None,
    }
}

fn decimal(row: &Map<String, Value>, key: &str) -> Decimal {
    row.get(key)
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .unwrap_or_default()
}

/// Sum of the amounts of the order's completed payments.
fn payment_total(row: &Map<String, Value>) -> Decimal {
    row.get("_payments")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter(|p| p.get("status").and_then(Value::as_str) == Some("completed"))
                .filter_map(|p| {
                    p.get("amount")
                        .and_then(Value::as_str)?
                        .parse::<Decimal>()
                        .ok()
                })
                .sum()
        })
        .unwrap_or_default()
}

/// `amount` in the order's currency, for display.
fn shown(row: &Map<String, Value>, amount: Decimal) -> Value {
    row.get("currency")
        .and_then(Value::as_str)
        .and_then(|c| crate::rest::translate::money::display(&amount.to_string(), c))
        .map_or(Value::Null, Value::String)
}

fn text(d: Decimal) -> Value {
    Value::String(d.normalize().to_string())
}

/// `display_<field>` in the order's currency.
macro_rules! display {
    ($name:literal, $field:literal) => {
        computed($name, &[$field, "currency"], |r| {
            display_field(r, $field, "currency")
        })
    };
}

/// Spree's `Order`.
pub static ORDER: Resource = Resource {
    graphql_type: "Order",
    fields: &[
        value("id", "id"),
        fixed("market_id", null),
        value("channel_id", "channelId"),
        value("number", "number"),
        value("email", "email"),
        value("customer_note", "customerNote"),
        value("currency", "currency"),
        value("locale", "locale"),
        value("total_quantity", "itemCount"),
        value("item_total", "itemTotal"),
        display!("display_item_total", "item_total"),
        computed("adjustment_total", &["discount_total"], |r| {
            text(-decimal(r, "discount_total"))
        }),
        computed(
            "display_adjustment_total",
            &["discount_total", "currency"],
            |r| shown(r, -decimal(r, "discount_total")),
        ),
        value("discount_total", "discountTotal"),
        display!("display_discount_total", "discount_total"),
        value("tax_total", "taxTotal"),
        display!("display_tax_total", "tax_total"),
        fixed("included_tax_total", zero_decimal),
        computed("display_included_tax_total", &["currency"], |r| {
            shown(r, Decimal::ZERO)
        }),
        computed("additional_tax_total", &["tax_total"], |r| {
            r.get("tax_total").cloned().unwrap_or(Value::Null)
        }),
        display!("display_additional_tax_total", "tax_total"),
        value("total", "total"),
        display!("display_total", "total"),
        fixed("gift_card_total", zero_decimal),
        computed("display_gift_card_total", &["currency"], |r| {
            shown(r, Decimal::ZERO)
        }),
        computed("amount_due", &["total", "_payments"], |r| {
            text((decimal(r, "total") - payment_total(r)).max(Decimal::ZERO))
        }),
        computed(
            "display_amount_due",
            &["total", "_payments", "currency"],
            |r| {
                shown(
                    r,
                    (decimal(r, "total") - payment_total(r)).max(Decimal::ZERO),
                )
            },
        ),
        value("delivery_total", "deliveryTotal"),
        display!("display_delivery_total", "delivery_total"),
        value("fulfillment_status", "fulfillmentStatus"),
        value("payment_status", "paymentStatus"),
        value("completed_at", "completedAt"),
        fixed("store_credit_total", zero_decimal),
        computed("display_store_credit_total", &["currency"], |r| {
            shown(r, Decimal::ZERO)
        }),
        fixed("covered_by_store_credit", no),
        fixed("gift_card", null),
        fixed("market", null),
        computed("status", &["_status"], |r| {
            r.get("_status")
                .and_then(Value::as_str)
                .map_or(Value::Null, |s| Value::String(s.to_ascii_lowercase()))
        }),
        fixed("last_ip_address", null),
        fixed("considered_risky", no),
        fixed("confirmation_delivered", no),
        fixed("store_owner_notification_delivered", no),
        computed("payment_total", &["_payments"], |r| text(payment_total(r))),
        computed("display_payment_total", &["_payments", "currency"], |r| {
            shown(r, payment_total(r))
        }),
        value("metadata", "metadata"),
        value("canceled_at", "canceledAt"),
        value("approved_at", "approvedAt"),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        fixed("preferred_stock_location_id", null),
        fixed("tags", empty_list),
        value("internal_note", "notes"),
        fixed("approver_id", null),
        fixed("canceler_id", null),
        fixed("created_by_id", null),
        value("customer_id", "customerId"),
        value("_status", "status"),
        value("_payments", "payments { amount status }"),
    ],
    expands: &[
        Expand {
            name: "items",
            field: "lineItems",
            shape: Shape::Many,
            resource: &LINE_ITEM,
        },
        Expand {
            name: "discounts",
            field: "discounts",
            shape: Shape::Many,
            resource: &DISCOUNT,
        },
        Expand {
            name: "customer",
            field: "customer",
            shape: Shape::One,
            resource: &CUSTOMER,
        },
        Expand {
            name: "channel",
            field: "channel",
            shape: Shape::One,
            resource: &CHANNEL,
        },
        Expand {
            name: "payments",
            field: "payments",
            shape: Shape::Many,
            resource: &PAYMENT,
        },
        Expand {
            name: "fulfillments",
            field: "fulfillments",
            shape: Shape::Many,
            resource: &FULFILLMENT,
        },
        Expand {
            name: "billing_address",
            field: "billingAddress",
            shape: Shape::One,
            resource: &ORDER_ADDRESS,
        },
        Expand {
            name: "shipping_address",
            field: "shippingAddress",
            shape: Shape::One,
            resource: &ORDER_ADDRESS,
        },
        // Spree's back-office users, stock and returns: none in our domain (API clients act,
        // not admin users).
        absent_one("approver"),
        absent_one("canceler"),
        absent_one("created_by"),
        absent_many("payment_methods"),
        absent_one("preferred_stock_location"),
        absent_many("return_authorizations"),
        absent_many("reimbursements"),
    ],
};

static ROOT: ListRoot = ListRoot {
    field: "orders",
    filter_type: "OrderFilter",
    sort_type: "OrderSort",
    search: true,
    filters: &[
        FilterAttr {
            attr: "id",
            field: "id",
            kind: FilterKind::Id,
        },
        FilterAttr {
            attr: "number",
            field: "number",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "state",
            field: "status",
            kind: FilterKind::Enum(our_status),
        },
        FilterAttr {
            attr: "status",
            field: "status",
            kind: FilterKind::Enum(our_status),
        },
        FilterAttr {
            attr: "payment_status",
            field: "paymentStatus",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "fulfillment_status",
            field: "fulfillmentStatus",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "email",
            field: "email",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "currency",
            field: "currency",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "customer_id",
            field: "customerId",
            kind: FilterKind::Id,
        },
        FilterAttr {
            attr: "user_id",
            field: "customerId",
            kind: FilterKind::Id,
        },
        FilterAttr {
            attr: "channel_id",
            field: "channelId",
            kind: FilterKind::Id,
        },
        FilterAttr {
            attr: "item_count",
            field: "itemCount",
            kind: FilterKind::Int,
        },
        FilterAttr {
            attr: "total",
            field: "total",
            kind: FilterKind::Decimal,
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
        FilterAttr {
            attr: "completed_at",
            field: "completedAt",
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
            key: "completed_at",
            field: "COMPLETED_AT",
        },
        SortAttr {
            key: "number",
            field: "NUMBER",
        },
        SortAttr {
            key: "total",
            field: "TOTAL",
        },
        SortAttr {
            key: "email",
            field: "EMAIL",
        },
        SortAttr {
            key: "item_count",
            field: "ITEM_COUNT",
        },
    ],
    resource: &ORDER,
};

/// Body fields of an order's create. `items` become its first lines, the addresses are
/// translated by [`address`], `billing_address_id` / `shipping_address_id` copy one of the
/// customer's saved addresses, `use_customer_default_address` copies the customer's defaults.
const CREATE_INPUT: &[InputField] = &[
    InputField {
        rest: "email",
        gql: "email",
    },
    InputField {
        rest: "customer_id",
        gql: "customerId",
    },
    InputField {
        rest: "user_id",
        gql: "customerId",
    },
    InputField {
        rest: "currency",
        gql: "currency",
    },
    InputField {
        rest: "channel_id",
        gql: "channelId",
    },
    InputField {
        rest: "internal_note",
        gql: "notes",
    },
    InputField {
        rest: "customer_note",
        gql: "customerNote",
    },
    InputField {
        rest: "special_instructions",
        gql: "customerNote",
    },
    InputField {
        rest: "locale",
        gql: "locale",
    },
    InputField {
        rest: "metadata",
        gql: "metadata",
    },
    InputField {
        rest: "items",
        gql: "lineItems",
    },
    InputField {
        rest: "billing_address",
        gql: "billingAddress",
    },
    InputField {
        rest: "shipping_address",
        gql: "shippingAddress",
    },
    InputField {
        rest: "billing_address_id",
        gql: "billingAddressId",
    },
    InputField {
        rest: "shipping_address_id",
        gql: "shippingAddressId",
    },
    InputField {
        rest: "use_customer_default_address",
        gql: "useCustomerDefaultAddresses",
    },
    InputField {
        rest: "coupon_code",
        gql: "couponCode",
    },
];

/// Body fields of an order's update: Spree's controller names the addresses `bill_address` /
/// `ship_address` and its SDK the lines `line_items`; the create's names work too.
const UPDATE_INPUT: &[InputField] = &[
    InputField {
        rest: "email",
        gql: "email",
    },
    InputField {
        rest: "customer_id",
        gql: "customerId",
    },
    InputField {
        rest: "user_id",
        gql: "customerId",
    },
    InputField {
        rest: "currency",
        gql: "currency",
    },
    InputField {
        rest: "channel_id",
        gql: "channelId",
    },
    InputField {
        rest: "internal_note",
        gql: "notes",
    },
    InputField {
        rest: "customer_note",
        gql: "customerNote",
    },
    InputField {
        rest: "special_instructions",
        gql: "customerNote",
    },
    InputField {
        rest: "locale",
        gql: "locale",
    },
    InputField {
        rest: "metadata",
        gql: "metadata",
    },
    InputField {
        rest: "items",
        gql: "lineItems",
    },
    InputField {
        rest: "line_items",
        gql: "lineItems",
    },
    InputField {
        rest: "bill_address",
        gql: "billingAddress",
    },
    InputField {
        rest: "billing_address",
        gql: "billingAddress",
    },
    InputField {
        rest: "ship_address",
        gql: "shippingAddress",
    },
    InputField {
        rest: "shipping_address",
        gql: "shippingAddress",
    },
];

/// Body fields that name one input field twice: at most one of each group.
const ALIASES: &[&[&str]] = &[
    &["customer_id", "user_id"],
    &["customer_note", "special_instructions"],
    &["items", "line_items"],
    &["bill_address", "billing_address"],
    &["ship_address", "shipping_address"],
];

/// GraphQL input paths → body names, for a 422's details: the order's own fields, and the
/// nested fields of its lines and addresses (`items[2].quantity`,
/// `shipping_address.country_iso`).
macro_rules! error_names {
    ($($gql:literal => $rest:literal),* ; $($agql:literal => $arest:literal),*) => {
        &[
            $(InputField { rest: $rest, gql: $gql },)*
            InputField { rest: "items", gql: "lineItems" },
            InputField { rest: "items[].variant_id", gql: "lineItems.variantId" },
            InputField { rest: "items[].quantity", gql: "lineItems.quantity" },
            InputField { rest: "items[].metadata", gql: "lineItems.metadata" },
            $(
                InputField { rest: $arest, gql: $agql },
                InputField { rest: concat!($arest, ".first_name"), gql: concat!($agql, ".firstName") },
                InputField { rest: concat!($arest, ".last_name"), gql: concat!($agql, ".lastName") },
                InputField { rest: concat!($arest, ".company"), gql: concat!($agql, ".company") },
                InputField { rest: concat!($arest, ".address1"), gql: concat!($agql, ".address1") },
                InputField { rest: concat!($arest, ".address2"), gql: concat!($agql, ".address2") },
                InputField { rest: concat!($arest, ".city"), gql: concat!($agql, ".city") },
                InputField { rest: concat!($arest, ".postal_code"), gql: concat!($agql, ".zipcode") },
                InputField { rest: concat!($arest, ".state_abbr"), gql: concat!($agql, ".stateName") },
                InputField { rest: concat!($arest, ".country_iso"), gql: concat!($agql, ".countryCode") },
                InputField { rest: concat!($arest, ".phone"), gql: concat!($agql, ".phone") },
            )*
        ]
    };
}

const CREATE_ERRORS: &[InputField] = error_names!(
    "email" => "email",
    "customerId" => "customer_id",
    "currency" => "currency",
    "channelId" => "channel_id",
    "notes" => "internal_note",
    "customerNote" => "customer_note",
    "locale" => "locale",
    "metadata" => "metadata",
    "couponCode" => "coupon_code",
    "billingAddressId" => "billing_address_id",
    "shippingAddressId" => "shipping_address_id",
    "useCustomerDefaultAddresses" => "use_customer_default_address";
    "billingAddress" => "billing_address",
    "shippingAddress" => "shipping_address"
);

const UPDATE_ERRORS: &[InputField] = error_names!(
    "email" => "email",
    "customerId" => "customer_id",
    "channelId" => "channel_id",
    "notes" => "internal_note",
    "customerNote" => "customer_note",
    "locale" => "locale",
    "metadata" => "metadata";
    "billingAddress" => "bill_address",
    "shippingAddress" => "ship_address"
);

/// Errors of the state transitions, named as a create's.
const TRANSITION_ERRORS: &[InputField] = CREATE_ERRORS;

/// Body fields a create needs: none (without `currency` the order takes the shop's default
/// currency, `GET /store`'s `default_currency`).
const CREATE_REQUIRED: &[&str] = &[];

/// Response fields a client may send back unchanged (ignored).
const READ_ONLY: &[&str] = &[
    "id",
    "number",
    "status",
    "state",
    "total",
    "item_total",
    "created_at",
    "updated_at",
    "completed_at",
    "total_quantity",
];

/// An order payload's mutation: `{ order { … } userErrors { … } }` at `w`.
macro_rules! order_mutation {
    ($name:ident, $fields:ident, $route:literal, $text:literal) => {
        const $name: Mutation = Mutation {
            route: $route,
            resource: &ORDER,
            text: |sel| format!($text, sel = sel),
            fields: $fields,
        };
    };
}

order_mutation!(
    CREATE,
    CREATE_ERRORS,
    "orderCreate",
    "mutation RestOrderCreate($input: OrderCreateInput!, $key: String) {{ w: orderCreate(input: \
     $input, idempotencyKey: $key) {{ order {{ {sel}}} userErrors {{ field code message }} }} }}"
);
order_mutation!(
    UPDATE,
    UPDATE_ERRORS,
    "orderUpdate",
    "mutation RestOrderUpdate($id: ID!, $input: OrderUpdateInput!, $key: String) {{ w: \
     orderUpdate(orderId: $id, input: $input, idempotencyKey: $key) {{ order {{ {sel}}} \
     userErrors {{ field code message }} }} }}"
);
order_mutation!(
    COMPLETE,
    TRANSITION_ERRORS,
    "orderComplete",
    "mutation RestOrderComplete($id: ID!, $key: String) {{ w: orderComplete(orderId: $id, \
     idempotencyKey: $key) {{ order {{ {sel}}} userErrors {{ field code message }} }} }}"
);
order_mutation!(
    CANCEL,
    TRANSITION_ERRORS,
    "orderCancel",
    "mutation RestOrderCancel($id: ID!, $key: String) {{ w: orderCancel(orderId: $id, \
     idempotencyKey: $key) {{ order {{ {sel}}} userErrors {{ field code message }} }} }}"
);
order_mutation!(
    APPROVE,
    TRANSITION_ERRORS,
    "orderApprove",
    "mutation RestOrderApprove($id: ID!, $key: String) {{ w: orderApprove(orderId: $id, \
     idempotencyKey: $key) {{ order {{ {sel}}} userErrors {{ field code message }} }} }}"
);
order_mutation!(
    RESUME,
    TRANSITION_ERRORS,
    "orderResume",
    "mutation RestOrderResume($id: ID!, $key: String) {{ w: orderResume(orderId: $id, \
     idempotencyKey: $key) {{ order {{ {sel}}} userErrors {{ field code message }} }} }}"
);

/// `GET /orders` (`q[state_eq]`, `q[email_cont]`, `q[number_eq]`, `q[completed_at_gt]`…).
pub async fn list_orders(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, SpreeError> {
    super::page(&state, principal, query.as_deref(), &ROOT).await
}

/// `GET /orders/{id}`.
pub async fn show_order(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    super::one(&state, principal, query.as_deref(), "order", &ORDER, &id)
        .await
        .map_err(|e| e.not_found_as("order_not_found"))
}

/// The body's `items` (`[{variant_id, quantity = 1, metadata}]`) as line-item inputs, under
/// the body name `field`.
fn items(field: &str, value: Value) -> Result<Value, crate::rest::Refusal> {
    let Value::Array(list) = value else {
        return Err(crate::rest::Refusal::param(
            field,
            format!("must be a list, not {}", body::json_type(&value)),
        ));
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.into_iter().enumerate() {
        let Value::Object(mut item) = item else {
            return Err(crate::rest::Refusal::param(
                &format!("{field}[{i}]"),
                "must be an object",
            ));
        };
        let variant = item.remove("variant_id").unwrap_or(Value::Null);
        let quantity = item.remove("quantity").unwrap_or(json!(1));
        let metadata = item.remove("metadata").unwrap_or(Value::Null);
        if let Some(key) = item.keys().next() {
            return Err(crate::rest::Refusal::param(
                &format!("{field}[{i}].{key}"),
                "is not a field of an item (variant_id, quantity, metadata)",
            ));
        }
        out.push(json!({"variantId": variant, "quantity": quantity, "metadata": metadata}));
    }
    Ok(Value::Array(out))
}

/// Address fields as Spree writes them (both its spellings) → `OrderAddressInput`.
const ADDRESS_FIELDS: &[(&str, &str)] = &[
    ("first_name", "firstName"),
    ("firstname", "firstName"),
    ("last_name", "lastName"),
    ("lastname", "lastName"),
    ("company", "company"),
    ("address1", "address1"),
    ("address2", "address2"),
    ("city", "city"),
    ("postal_code", "zipcode"),
    ("zipcode", "zipcode"),
    ("country_iso", "countryCode"),
    ("state_abbr", "stateName"),
    ("state_name", "stateName"),
    ("phone", "phone"),
];

/// What an address read back carries that no write sets (ignored when sent back).
const ADDRESS_READ_ONLY: &[&str] = &[
    "id",
    "full_name",
    "country_name",
    "state_text",
    "quick_checkout",
    "is_default_billing",
    "is_default_shipping",
    "label",
    "metadata",
    "created_at",
    "updated_at",
    "customer_id",
];

/// The body's address object at `field` as an `OrderAddressInput` (null stays null: an update
/// removes the address). 400 naming `field.key` for an unknown or missing key.
fn address(field: &str, value: Value) -> Result<Value, crate::rest::Refusal> {
    use crate::rest::Refusal;
    let object = match value {
        Value::Null => return Ok(Value::Null),
        Value::Object(o) => o,
        other => {
            return Err(Refusal::param(
                field,
                format!("must be an object, not {}", body::json_type(&other)),
            ))
        }
    };
    let mut out = Map::new();
    let mut from: Vec<(&str, String)> = Vec::new();
    for (key, v) in object {
        if ADDRESS_READ_ONLY.contains(&key.as_str()) {
            continue;
        }
        let Some((_, gql)) = ADDRESS_FIELDS.iter().find(|(r, _)| *r == key) else {
            return Err(Refusal::param(
                &format!("{field}.{key}"),
                "is not a field of an address (first_name, last_name, company, address1, \
                 address2, city, postal_code, country_iso, state_abbr, phone)",
            ));
        };
        if let Some((_, earlier)) = from.iter().find(|(g, _)| g == gql) {
            return Err(Refusal::param(
                &format!("{field}.{key}"),
                format!("names the same field as {earlier}: give one"),
            ));
        }
        from.push((gql, key));
        out.insert((*gql).to_owned(), v);
    }
    for (gql, rest) in [
        ("address1", "address1"),
        ("city", "city"),
        ("countryCode", "country_iso"),
    ] {
        if out.get(gql).is_none_or(Value::is_null) {
            return Err(Refusal::param(&format!("{field}.{rest}"), "is required"));
        }
    }
    Ok(Value::Object(out))
}

/// Refuses a body giving two names of one field (`items` and `line_items`).
fn one_of_each(object: &Map<String, Value>) -> Result<(), crate::rest::Refusal> {
    for group in ALIASES {
        let given: Vec<&str> = group
            .iter()
            .copied()
            .filter(|k| object.contains_key(*k))
            .collect();
        if given.len() > 1 {
            return Err(crate::rest::Refusal::param(
                given[1],
                format!("names the same field as {}: give one", given[0]),
            ));
        }
    }
    Ok(())
}

/// The REST name the body gave the input field `gql` (for nested errors).
fn named<'a>(names: &'a body::Names, gql: &str) -> &'a str {
    names
        .iter()
        .find(|(g, _)| g == gql)
        .map_or("", |(_, r)| r.as_str())
}

/// Translates the nested values of an order body (`items`, the addresses) in place.
fn nested(input: &mut Map<String, Value>, names: &body::Names) -> Result<(), crate::rest::Refusal> {
    if let Some(list) = input.remove("lineItems") {
        input.insert("lineItems".into(), items(named(names, "lineItems"), list)?);
    }
    for gql in ["billingAddress", "shippingAddress"] {
        if let Some(a) = input.remove(gql) {
            input.insert(gql.into(), address(named(names, gql), a)?);
        }
    }
    Ok(())
}

/// `POST /orders`: a draft, 201, with its items, addresses, notes and coupon code.
pub async fn create_order(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SpreeError> {
    let object = body::object(&headers, &body)?;
    body::required(&object, CREATE_REQUIRED)?;
    one_of_each(&object)?;
    let (mut input, names) = body::input(object, CREATE_INPUT, READ_ONLY)?;
    nested(&mut input, &names)?;
    // A create writes what it is given: a null address is no address.
    for gql in ["billingAddress", "shippingAddress"] {
        if input.get(gql).is_some_and(Value::is_null) {
            input.remove(gql);
        }
    }
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = body::under("input", names);
    let written = match state
        .translator
        .mutate(&state.app, principal.clone(), &CREATE, vars.clone(), &names)
        .await
    {
        // Spree applies `coupon_code` non-fatally: a code that does not exist does not block
        // the order, which is created without it (the refused attempt wrote nothing).
        Err(r) if unknown_coupon(&r) => {
            if let Some(Value::Object(input)) = vars.get_mut("input") {
                input.remove("couponCode");
            }
            // The refused attempt's answer is kept under the client's key; the second attempt
            // gets a key of its own, so a retry of the request replays both.
            if let Some(Value::String(k)) = vars.get("key").cloned() {
                vars.insert("key".into(), Value::String(format!("{k}:no-coupon")));
            }
            state
                .translator
                .mutate(&state.app, principal, &CREATE, vars, &names)
                .await
                .map_err(unknown_variant_is_404)?
        }
        other => other.map_err(unknown_variant_is_404)?,
    };
    Ok((StatusCode::CREATED, Json(written.object("/order")?)).into_response())
}

/// Spree looks an item's variant up with `find_by_param!`: an unknown variant (deleted,
/// retired, or another merchant's) answers its 404, not a validation failure. A refusal whose
/// every detail is such a variant becomes a 404 that still names the items
/// (`items[0].variant_id`); other refusals are unchanged.
pub(super) fn unknown_variant_is_404(mut r: crate::rest::Refusal) -> crate::rest::Refusal {
    if r.kind == crate::rest::Kind::Validation
        && r.code.as_deref() == Some("NOT_FOUND")
        && !r.details.is_empty()
        && r.details.keys().all(|k| k.ends_with("variant_id"))
    {
        r.kind = crate::rest::Kind::NotFound;
    }
    r
}

/// Whether a create was refused only because its coupon code does not exist.
fn unknown_coupon(r: &crate::rest::Refusal) -> bool {
    r.code.as_deref() == Some("NOT_FOUND")
        && r.details.len() == 1
        && r.details.contains_key("coupon_code")
}

/// `PATCH /orders/{id}`: email, buyer, channel, notes, locale, metadata, addresses (`null`
/// removes one) and, on a draft, `items` / `line_items`: each `{variant_id, quantity}` sets
/// that variant's line (added when absent, quantity 0 removes it), other lines stay. One
/// transaction: nothing changes when anything is refused.
pub async fn update_order(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(&headers, &body)?;
    one_of_each(&object)?;
    let (mut input, names) = body::input(object, UPDATE_INPUT, READ_ONLY)?;
    if input.contains_key("currency") {
        return Err(crate::rest::Refusal::param(
            "currency",
            "cannot change: an order's amounts are in the currency it was created in",
        )
        .into());
    }
    nested(&mut input, &names)?;
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let mut names = body::under("input", names);
    names.push(("orderId".into(), "id".into()));
    let written = state
        .translator
        .mutate(&state.app, principal, &UPDATE, vars, &names)
        .await
        .map_err(unknown_variant_is_404)?;
    Ok(Json(written.object("/order")?))
}

/// `DELETE /orders/{id}`: a draft, 204; a placed order is 422.
pub async fn delete_order(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, SpreeError> {
    let text = "mutation RestOrderDelete($id: ID!, $key: String) { d: orderDelete(orderId: $id, \
                idempotencyKey: $key) { deletedId userErrors { field code message } } }";
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let data = run(
        &state.app,
        principal,
        text,
        vars,
        &[("orderId".into(), "id".into())],
    )
    .await?;
    super::deleted(&data, "/d/deletedId", "/d/userErrors", &ORDER)
}

async fn transition(
    state: &RestState,
    principal: crate::auth::Principal,
    m: &Mutation,
    id: String,
    headers: &HeaderMap,
) -> Result<Json<Value>, crate::rest::Refusal> {
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("key".into(), body::idempotency_key(headers));
    let names = [("orderId".into(), "id".into())];
    let written = state
        .translator
        .mutate(&state.app, principal, m, vars, &names)
        .await?;
    Ok(Json(written.object("/order")?))
}

/// `PATCH /orders/{id}/complete`: a refusal is 422 `order_cannot_complete` (details.base).
pub async fn complete_order(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match transition(&state, principal, &COMPLETE, id, &headers).await {
        Ok(json) => json.into_response(),
        Err(mut r) => {
            // Why an order cannot complete concerns the order as a whole.
            if r.kind == crate::rest::Kind::Validation {
                let messages: Vec<String> = r.details.values().flatten().cloned().collect();
                r.details.clear();
                r.message = messages.join("; ");
                r.details.insert("base".into(), messages);
            }
            SpreeError(r).with_route_code("order_cannot_complete")
        }
    }
}

/// `PATCH /orders/{id}/cancel`.
pub async fn cancel_order(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, SpreeError> {
    Ok(transition(&state, principal, &CANCEL, id, &headers).await?)
}

/// `PATCH /orders/{id}/approve`.
pub async fn approve_order(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, SpreeError> {
    Ok(transition(&state, principal, &APPROVE, id, &headers).await?)
}

/// `PATCH /orders/{id}/resume`: a canceled order back to complete.
pub async fn resume_order(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, SpreeError> {
    Ok(transition(&state, principal, &RESUME, id, &headers).await?)
}

/// The JSON schema of an order address in a body.
fn address_schema() -> Value {
    let text = json!({"type": ["string", "null"]});
    let mut props = Map::new();
    for (rest, _) in ADDRESS_FIELDS {
        props.insert((*rest).to_owned(), text.clone());
    }
    json!({
        "type": ["object", "null"],
        "description": "A whole address, checked as a customer's address is; `firstname`, `lastname`, `zipcode` and `state_name` are accepted for `first_name`, `last_name`, `postal_code` and `state_abbr`. null removes the order's address (update).",
        "properties": props,
        "required": ["address1", "city", "country_iso"],
    })
}

/// The JSON schema of an order create (`update`: of an update) body.
fn order_body(update: bool) -> Value {
    let text = json!({"type": ["string", "null"]});
    let item = json!({
        "type": "object",
        "required": ["variant_id"],
        "properties": {
            "variant_id": {"type": "string"},
            "quantity": {"type": "integer", "minimum": if update { 0 } else { 1 }, "maximum": 100_000, "default": 1,
                         "description": if update { "The variant's line's new quantity; 0 removes it." } else { "Units; a variant given twice is one line." }},
            "metadata": {"type": ["object", "null"], "description": "Merged into the line's metadata."},
        },
    });
    let mut props = json!({
        "email": text,
        "customer_id": text,
        "user_id": {"type": ["string", "null"], "description": "Alias of customer_id."},
        "channel_id": text,
        "internal_note": text,
        "customer_note": text,
        "special_instructions": {"type": ["string", "null"], "description": "Alias of customer_note."},
        "locale": {"type": ["string", "null"], "example": "en-US"},
        "metadata": {"type": ["object", "null"]},
        "items": {"type": "array", "items": item},
    });
    if update {
        props["line_items"] =
            json!({"type": "array", "items": item, "description": "Alias of items."});
        props["items"]["description"] = json!("Drafts only: sets each variant's line (added when absent, quantity 0 removes it); other lines stay.");
        for (name, alias) in [
            ("bill_address", "billing_address"),
            ("ship_address", "shipping_address"),
        ] {
            props[name] = address_schema();
            let mut a = address_schema();
            a["description"] = json!(format!("Alias of {name}."));
            props[alias] = a;
        }
    } else {
        props["currency"] = json!({"type": ["string", "null"], "description": "ISO 4217; default: the store's default currency."});
        props["billing_address"] = address_schema();
        props["shipping_address"] = address_schema();
        for kind in ["billing", "shipping"] {
            props[format!("{kind}_address_id")] = json!({"type": ["string", "null"], "description": format!("One of the customer's saved addresses (`addr_…`, needs customer_id) copied as the {kind} address, instead of {kind}_address. Another customer's address is 422 naming this field.")});
        }
        props["use_customer_default_address"] = json!({"type": ["boolean", "null"], "description": "Copies the customer's default billing and shipping addresses onto the order, each unless given."});
        props["coupon_code"] = json!({"type": ["string", "null"], "description": "Applied once the items are priced, non-fatally: an unknown code, or one that does not apply to the order, is not kept and the order is created without it."});
    }
    json!({"type": "object", "properties": props, "required": []})
}

/// The order routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/orders",
        operation_id: "listOrders",
        summary: "List orders",
        scope: "read_orders",
        query: Query::List(&ROOT),
        body: Body::None,
        answer: Answer::Page(&ORDER),
        handler: || get(list_orders),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/orders",
        operation_id: "createOrder",
        summary: "Create a draft order",
        scope: "write_orders",
        query: Query::None,
        body: Body::Schema(|| order_body(false)),
        answer: Answer::Created(&ORDER),
        handler: || post(create_order),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/orders/{id}",
        operation_id: "showOrder",
        summary: "Show an order",
        scope: "read_orders",
        query: Query::One(&ORDER),
        body: Body::None,
        answer: Answer::One(&ORDER),
        handler: || get(show_order),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/orders/{id}",
        operation_id: "updateOrder",
        summary: "Update a draft order",
        scope: "write_orders",
        query: Query::None,
        body: Body::Schema(|| order_body(true)),
        answer: Answer::One(&ORDER),
        handler: || patch(update_order),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/orders/{id}",
        operation_id: "deleteOrder",
        summary: "Delete a draft order",
        scope: "write_orders",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_order),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/orders/{id}/complete",
        operation_id: "completeOrder",
        summary: "Complete (place) a draft order",
        scope: "write_orders",
        query: Query::None,
        body: Body::None,
        answer: Answer::One(&ORDER),
        handler: || patch(complete_order),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/orders/{id}/cancel",
        operation_id: "cancelOrder",
        summary: "Cancel a placed order",
        scope: "write_orders",
        query: Query::None,
        body: Body::None,
        answer: Answer::One(&ORDER),
        handler: || patch(cancel_order),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/orders/{id}/approve",
        operation_id: "approveOrder",
        summary: "Approve a placed order",
        scope: "write_orders",
        query: Query::None,
        body: Body::None,
        answer: Answer::One(&ORDER),
        handler: || patch(approve_order),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/orders/{id}/resume",
        operation_id: "resumeOrder",
        summary: "Resume a canceled order",
        scope: "write_orders",
        query: Query::None,
        body: Body::None,
        answer: Answer::One(&ORDER),
        handler: || patch(resume_order),
    },
];
