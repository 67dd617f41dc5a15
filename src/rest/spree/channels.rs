//! `/api/v3/admin/channels`: Spree's `Channel` over GraphQL's `Channel`.
//!
//! Spree writes channel codes as lower-case slugs (`online`, `point-of-sale`); ours are
//! `[A-Z0-9_]{1,32}` (`ONLINE`, `POINT_OF_SALE`). The two spellings map one-to-one: Spree's
//! routes accept a slug (or our spelling) and answer with the slug; the channel keeps one
//! canonical code. A create without a code takes it from the name, as Spree does.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::{Caller, SpreeError};
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, InputField};
use crate::rest::translate::filter::{FilterAttr, FilterKind};
use crate::rest::translate::operation::{run, ListRoot, Mutation};
use crate::rest::translate::resource::*;
use crate::rest::translate::sort::SortAttr;
use crate::rest::{Refusal, RestState};
use axum::http::Method;
use axum::routing::{delete, get, patch, post};

/// Longest channel code.
const MAX_CODE: usize = 32;

/// `POINT_OF_SALE` → `point-of-sale`.
pub fn slug(code: &str) -> String {
    code.to_ascii_lowercase().replace('_', "-")
}

/// `point-of-sale` (or `POINT_OF_SALE`, `Point of Sale`) → `POINT_OF_SALE`: letters upper-cased,
/// every run of other characters one `_`, none at the ends.
pub fn canonical_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let trimmed = out.trim_end_matches('_');
    trimmed
        .chars()
        .take(MAX_CODE)
        .collect::<String>()
        .trim_end_matches('_')
        .to_owned()
}

fn code_value(v: &str) -> Option<String> {
    let c = canonical_code(v);
    (!c.is_empty()).then_some(c)
}

/// Spree's `Channel`.
pub static CHANNEL: Resource = Resource {
    graphql_type: "Channel",
    fields: &[
        value("id", "id"),
        value("name", "name"),
        computed("code", &["_code"], |r| {
            r.get("_code")
                .and_then(Value::as_str)
                .map_or(Value::Null, |c| Value::String(slug(c)))
        }),
        value("active", "active"),
        value("default", "isDefault"),
        fixed("preferred_order_routing_strategy", null),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        value("_code", "code"),
    ],
    expands: &[],
};

static ROOT: ListRoot = ListRoot {
    field: "channels",
    filter_type: "ChannelFilter",
    sort_type: "ChannelSort",
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
            attr: "code",
            field: "code",
            kind: FilterKind::Enum(code_value),
        },
        FilterAttr {
            attr: "active",
            field: "active",
            kind: FilterKind::Bool,
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
            key: "code",
            field: "CODE",
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
    resource: &CHANNEL,
};

const INPUT: &[InputField] = &[
    InputField {
        rest: "name",
        gql: "name",
    },
    InputField {
        rest: "code",
        gql: "code",
    },
    InputField {
        rest: "active",
        gql: "active",
    },
    InputField {
        rest: "default",
        gql: "isDefault",
    },
];

/// Body fields a create needs.
const CREATE_REQUIRED: &[&str] = &["name"];

const READ_ONLY: &[&str] = &[
    "id",
    "preferred_order_routing_strategy",
    "created_at",
    "updated_at",
];

const CREATE: Mutation = Mutation {
    route: "channelCreate",
    resource: &CHANNEL,
    text: |sel| {
        format!(
            "mutation RestChannelCreate($input: ChannelCreateInput!, $key: String) {{ w: \
             channelCreate(input: $input, idempotencyKey: $key) {{ channel {{ {sel}}} \
             userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

const UPDATE: Mutation = Mutation {
    route: "channelUpdate",
    resource: &CHANNEL,
    text: |sel| {
        format!(
            "mutation RestChannelUpdate($id: ID!, $input: ChannelUpdateInput!, $key: String) \
             {{ w: channelUpdate(id: $id, input: $input, idempotencyKey: $key) {{ channel {{ {sel}}} \
             userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

/// The body's `code` in our spelling; on create, taken from `name` when absent or blank.
fn normalize_code(input: &mut Map<String, Value>, creating: bool) -> Result<(), Refusal> {
    let given = match input.get("code") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(Refusal::param(
                "code",
                format!("must be a string, not {}", body::json_type(other)),
            ))
        }
    };
    let code = match given {
        Some(c) => canonical_code(&c),
        None if creating => match input.get("name").and_then(Value::as_str) {
            Some(name) => canonical_code(name),
            // No name either: the mutation names `name` as required.
            None => return Ok(()),
        },
        None => {
            input.remove("code");
            return Ok(());
        }
    };
    if code.is_empty() {
        return Err(Refusal::param("code", "must contain letters or digits"));
    }
    input.insert("code".into(), Value::String(code));
    Ok(())
}

/// `GET /channels`.
pub async fn list_channels(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, SpreeError> {
    super::page(&state, principal, query.as_deref(), &ROOT).await
}

/// `GET /channels/{id}`.
pub async fn show_channel(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    super::one(
        &state,
        principal,
        query.as_deref(),
        "channel",
        &CHANNEL,
        &id,
    )
    .await
}

/// `POST /channels`: 201.
pub async fn create_channel(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SpreeError> {
    let object = body::object(&headers, &body)?;
    body::required(&object, CREATE_REQUIRED)?;
    let (mut input, names) = body::input(object, INPUT, READ_ONLY)?;
    normalize_code(&mut input, true)?;
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = body::under("input", names);
    let written = state
        .translator
        .mutate(&state.app, principal, &CREATE, vars, &names)
        .await?;
    Ok((StatusCode::CREATED, Json(written.object("/channel")?)).into_response())
}

/// `PATCH /channels/{id}`.
pub async fn update_channel(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(&headers, &body)?;
    let (mut input, names) = body::input(object, INPUT, READ_ONLY)?;
    normalize_code(&mut input, false)?;
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
    Ok(Json(written.object("/channel")?))
}

/// `DELETE /channels/{id}`: 204; a channel orders still use is 422 (IN_USE).
pub async fn delete_channel(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, SpreeError> {
    let text = "mutation RestChannelDelete($id: ID!, $key: String) { d: channelDelete(id: $id, \
                idempotencyKey: $key) { deletedId userErrors { field code message } } }";
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
    super::deleted(&data, "/d/deletedId", "/d/userErrors", &CHANNEL)
}

/// `POST /channels/{id}/add_products` and `remove_products`: `{"product_count": n}`, the
/// products published (unpublished) by this call. All or nothing: an unknown product is 422.
/// `add_products` takes the publication window (`published_at`, `unpublished_at`; null: now,
/// never); re-publishing a published product sets its window.
async fn channel_products(
    state: &RestState,
    principal: crate::auth::Principal,
    id: String,
    headers: &HeaderMap,
    body: &[u8],
    mutation: &'static str,
) -> Result<Json<Value>, SpreeError> {
    let mut object = body::object(headers, body)?;
    let ids = body::id_list(&object, "product_ids")?
        .ok_or_else(|| Refusal::param("product_ids", "is required"))?;
    object.remove("product_ids");
    let publishing = mutation == "channelPublishProducts";
    let mut window = Map::new();
    if publishing {
        for (rest, gql) in [
            ("published_at", "publishedAt"),
            ("unpublished_at", "unpublishedAt"),
        ] {
            match object.remove(rest) {
                None | Some(Value::Null) => {}
                Some(Value::String(t)) => {
                    window.insert(gql.to_owned(), Value::String(t));
                }
                Some(other) => {
                    return Err(Refusal::param(
                        rest,
                        format!(
                            "must be an ISO 8601 time or null, not {}",
                            body::json_type(&other)
                        ),
                    )
                    .into())
                }
            }
        }
    }
    if let Some(key) = object.keys().next() {
        return Err(Refusal::param(key, "is not a field of this route").into());
    }
    let (window_vars, window_args) = if publishing {
        (
            ", $publishedAt: DateTime, $unpublishedAt: DateTime",
            ", publishedAt: $publishedAt, unpublishedAt: $unpublishedAt",
        )
    } else {
        ("", "")
    };
    let text = format!(
        "mutation RestChannelProducts($id: ID!, $ids: [ID!]!, $key: String{window_vars}) {{ w: \
         {mutation}(channelId: $id, productIds: $ids, errorPolicy: REJECT_EVERYTHING, \
         idempotencyKey: $key{window_args}) {{ results {{ index }} userErrors {{ field code \
         message }} }} }}"
    );
    let count = ids.len();
    let mut vars = window;
    vars.insert("id".into(), Value::String(id));
    vars.insert("ids".into(), json!(ids));
    vars.insert("key".into(), body::idempotency_key(headers));
    let names = [
        ("id".into(), "id".into()),
        ("productIds".into(), "product_ids".into()),
        ("publishedAt".into(), "published_at".into()),
        ("unpublishedAt".into(), "unpublished_at".into()),
    ];
    let data = run(&state.app, principal, &text, vars, &names).await?;
    let payload = data.get("w").unwrap_or(&Value::Null);
    if let Some(r) = payload
        .get("userErrors")
        .and_then(|e| body::user_errors(e, &names))
    {
        return Err(r.into());
    }
    let published = payload
        .get("results")
        .and_then(Value::as_array)
        .map_or(count, Vec::len);
    Ok(Json(json!({ "product_count": published })))
}

/// `POST /channels/{id}/add_products`.
pub async fn add_channel_products(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    channel_products(
        &state,
        principal,
        id,
        &headers,
        &body,
        "channelPublishProducts",
    )
    .await
}

/// `POST /channels/{id}/remove_products`.
pub async fn remove_channel_products(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    channel_products(
        &state,
        principal,
        id,
        &headers,
        &body,
        "channelUnpublishProducts",
    )
    .await
}

fn product_ids() -> Value {
    json!({"type": "object", "required": ["product_ids"], "properties": {
        "product_ids": {"type": "array", "items": {"type": "string"}}}})
}

/// `add_products`' body: the products and their publication window.
fn product_ids_and_window() -> Value {
    let mut body = product_ids();
    body["properties"]["published_at"] = json!({"type": ["string", "null"], "format": "date-time",
        "description": "When the publications go live; null: now (a future time schedules them)."});
    body["properties"]["unpublished_at"] = json!({"type": ["string", "null"], "format": "date-time",
        "description": "When they come down, after published_at (or now); null: never."});
    body
}

fn product_count() -> Value {
    json!({"type": "object", "required": ["product_count"], "properties": {"product_count": {"type": "integer"}}})
}

/// The channel routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/channels",
        operation_id: "listChannels",
        summary: "List channels",
        scope: "read_settings",
        query: Query::List(&ROOT),
        body: Body::None,
        answer: Answer::Page(&CHANNEL),
        handler: || get(list_channels),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/channels",
        operation_id: "createChannel",
        summary: "Create a channel (code: a slug, taken from the name when blank)",
        scope: "write_settings",
        query: Query::None,
        body: Body::Input {
            graphql_type: "ChannelCreateInput",
            fields: INPUT,
            required: CREATE_REQUIRED,
        },
        answer: Answer::Created(&CHANNEL),
        handler: || post(create_channel),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/channels/{id}",
        operation_id: "showChannel",
        summary: "Show a channel",
        scope: "read_settings",
        query: Query::One(&CHANNEL),
        body: Body::None,
        answer: Answer::One(&CHANNEL),
        handler: || get(show_channel),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/channels/{id}",
        operation_id: "updateChannel",
        summary: "Update a channel",
        scope: "write_settings",
        query: Query::None,
        body: Body::Input {
            graphql_type: "ChannelUpdateInput",
            fields: INPUT,
            required: &[],
        },
        answer: Answer::One(&CHANNEL),
        handler: || patch(update_channel),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/channels/{id}",
        operation_id: "deleteChannel",
        summary: "Delete a channel (refused while orders use it)",
        scope: "write_settings",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_channel),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/channels/{id}/add_products",
        operation_id: "addChannelProducts",
        summary: "Publish products on a channel, within a publication window",
        scope: "write_settings",
        query: Query::None,
        body: Body::Schema(product_ids_and_window),
        answer: Answer::Schema(product_count),
        handler: || post(add_channel_products),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/channels/{id}/remove_products",
        operation_id: "removeChannelProducts",
        summary: "Unpublish products from a channel",
        scope: "write_settings",
        query: Query::None,
        body: Body::Schema(product_ids),
        answer: Answer::Schema(product_count),
        handler: || post(remove_channel_products),
    },
];

#[cfg(test)]
mod tests {
    use super::{canonical_code, slug};

    #[test]
    fn codes_map_between_slugs_and_ours() {
        assert_eq!(canonical_code("point-of-sale"), "POINT_OF_SALE");
        assert_eq!(canonical_code("Point of Sale"), "POINT_OF_SALE");
        assert_eq!(canonical_code("ONLINE"), "ONLINE");
        assert_eq!(canonical_code("--x--"), "X");
        assert_eq!(canonical_code("¡!"), "");
        assert_eq!(slug("POINT_OF_SALE"), "point-of-sale");
        assert_eq!(canonical_code(&"a".repeat(40)).len(), 32);
    }
}
