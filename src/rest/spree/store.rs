//! `/api/v3/admin/store`: Spree's `Store` (the current store's settings) over GraphQL's `shop`.
//!
//! The merchant is the store: there is one per credential and no `id` parameter. Its `id` is
//! the merchant's slug. Spree's `preferred_timezone`, `preferred_admin_locale`,
//! `preferred_weight_unit` and `preferred_unit_system` are the shop's `timezone`, `adminLocale`,
//! `weightUnit` and `unitSystem`; `url`, `default_currency`, `supported_currencies` and
//! `default_locale` are writable here too (`supported_locales` is the default locale). The mail
//! settings (`mail_from_address`, `customer_support_email`, `new_order_notifications_email`,
//! `preferred_send_consumer_transactional_emails`) are the shop's own, kept for the systems that
//! send email (the gateway sends none). The gateway keeps no logo nor store metadata: those
//! fields answer null or `{}`, and a write may only send them back unchanged.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::routing::{get, patch};
use axum::Json;
use serde_json::{Map, Value};

use super::{Caller, SpreeError};
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, InputField};
use crate::rest::translate::operation::Mutation;
use crate::rest::translate::params::{Accepts, Params};
use crate::rest::translate::resource::*;
use crate::rest::{Refusal, RestState};

/// Spree's `Store`.
pub static STORE: Resource = Resource {
    graphql_type: "Shop",
    fields: &[
        value("id", "slug"),
        fixed("metadata", empty_object),
        value("name", "name"),
        value("default_currency", "defaultCurrency"),
        value("default_locale", "defaultLocale"),
        value("mail_from_address", "mailFromAddress"),
        value("customer_support_email", "customerSupportEmail"),
        value(
            "new_order_notifications_email",
            "newOrderNotificationsEmail",
        ),
        value(
            "preferred_send_consumer_transactional_emails",
            "sendConsumerTransactionalEmails",
        ),
        value("preferred_admin_locale", "adminLocale"),
        value("preferred_timezone", "timezone"),
        value("preferred_weight_unit", "weightUnit"),
        value("preferred_unit_system", "unitSystem"),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        computed("url", &["_url"], |r| match r.get("_url") {
            Some(Value::String(u)) => Value::String(u.clone()),
            _ => Value::String(String::new()),
        }),
        value("supported_currencies", "supportedCurrencies"),
        value("supported_locales", "supportedLocales"),
        fixed("logo_url", null),
        fixed("mailer_logo_url", null),
        value("_url", "url"),
    ],
    expands: &[],
};

const INPUT: &[InputField] = &[
    InputField {
        rest: "name",
        gql: "name",
    },
    InputField {
        rest: "url",
        gql: "url",
    },
    InputField {
        rest: "default_currency",
        gql: "defaultCurrency",
    },
    InputField {
        rest: "supported_currencies",
        gql: "supportedCurrencies",
    },
    InputField {
        rest: "default_locale",
        gql: "defaultLocale",
    },
    InputField {
        rest: "preferred_timezone",
        gql: "timezone",
    },
    InputField {
        rest: "preferred_admin_locale",
        gql: "adminLocale",
    },
    InputField {
        rest: "preferred_weight_unit",
        gql: "weightUnit",
    },
    InputField {
        rest: "preferred_unit_system",
        gql: "unitSystem",
    },
    InputField {
        rest: "mail_from_address",
        gql: "mailFromAddress",
    },
    InputField {
        rest: "customer_support_email",
        gql: "customerSupportEmail",
    },
    InputField {
        rest: "new_order_notifications_email",
        gql: "newOrderNotificationsEmail",
    },
    InputField {
        rest: "preferred_send_consumer_transactional_emails",
        gql: "sendConsumerTransactionalEmails",
    },
];

/// Response fields a client may send back (ignored): derived from others or fixed by the server.
const READ_ONLY: &[&str] = &["id", "created_at", "updated_at", "supported_locales"];

/// A field outside our domain and the value it always has.
type Outside = (&'static str, fn() -> Value);

/// Fields outside the gateway's domain, with the only value a write may send (what a read
/// answers, or null): anything else is refused rather than dropped.
const OUTSIDE: &[Outside] = &[
    ("metadata", empty_object),
    ("mailer_logo", null),
    ("logo_url", null),
    ("mailer_logo_url", null),
];

/// Removes the fields outside our domain from `object`, refusing any that would change.
fn drop_outside(object: &mut Map<String, Value>) -> Result<(), Refusal> {
    for (field, value) in OUTSIDE {
        match object.remove(*field) {
            None | Some(Value::Null) => {}
            Some(v) if v == value() => {}
            Some(_) => {
                return Err(Refusal::param(
                    field,
                    "is not supported: the gateway keeps no logo nor store metadata",
                ))
            }
        }
    }
    Ok(())
}

const UPDATE: Mutation = Mutation {
    route: "shopUpdate",
    resource: &STORE,
    text: |sel| {
        format!(
            "mutation RestShopUpdate($input: ShopUpdateInput!, $key: String) {{ w: \
             shopUpdate(input: $input, idempotencyKey: $key) {{ shop {{ {sel}}} \
             userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

/// `GET /store`.
pub async fn show_store(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    let params = Params::parse(query.as_deref(), Accepts::One)?;
    let row = state
        .translator
        .singleton(&state.app, principal, "shop", &STORE, &params)
        .await?;
    Ok(Json(row))
}

/// `PATCH /store`.
pub async fn update_store(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let mut object = body::object(&headers, &body)?;
    drop_outside(&mut object)?;
    let (input, names) = body::input(object, INPUT, READ_ONLY)?;
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = body::under("input", names);
    let written = state
        .translator
        .mutate(&state.app, principal, &UPDATE, vars, &names)
        .await?;
    Ok(Json(written.object("/shop")?))
}

/// The store routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/store",
        operation_id: "showStore",
        summary: "Show the current store (the merchant's settings)",
        scope: "read_settings",
        query: Query::One(&STORE),
        body: Body::None,
        answer: Answer::One(&STORE),
        handler: || get(show_store),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/store",
        operation_id: "updateStore",
        summary: "Update the current store (the merchant's settings)",
        scope: "write_settings",
        query: Query::None,
        body: Body::Input {
            graphql_type: "ShopUpdateInput",
            fields: INPUT,
            required: &[],
        },
        answer: Answer::One(&STORE),
        handler: || patch(update_store),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_outside_the_domain_go_back_unchanged_or_not_at_all() {
        let mut body = json!({"name": "x", "metadata": {}, "mailer_logo": null,
            "logo_url": null, "mail_from_address": "a@example.com"})
        .as_object()
        .cloned()
        .unwrap_or_default();
        assert!(drop_outside(&mut body).is_ok());
        assert_eq!(
            Value::Object(body),
            json!({"name": "x", "mail_from_address": "a@example.com"})
        );
        let mut body = json!({"mailer_logo": "signed-blob-id"})
            .as_object()
            .cloned()
            .unwrap_or_default();
        let e = drop_outside(&mut body).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("mailer_logo"));
    }
}
