//! Spree's `Address` over GraphQL's `Address` (a customer's address book).

use serde_json::{Map, Value};

use crate::rest::translate::resource::*;

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
