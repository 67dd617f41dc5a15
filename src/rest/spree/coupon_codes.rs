//! `GET /api/v3/admin/promotions/{promotion_id}/coupon_codes`: Spree's `CouponCode` over
//! GraphQL's `CouponCode`: the generated codes of a multi-code promotion, oldest first, paged
//! by `page` / `limit` (`q[code_cont]`, `sort=code` as other lists). A single-code promotion
//! keeps its code on the promotion (`code`), so its list is empty, as Spree's.
//! `GET /promotions/{promotion_id}/coupon_codes/{id}` shows one of them (the admin SDK's
//! `promotions.couponCodes.get`; the spec lists only the list).

use axum::extract::{Path, RawQuery, State};
use axum::http::Method;
use axum::routing::get;
use axum::Json;
use serde_json::{json, Map, Value};

use super::{Caller, SpreeError};
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::filter::{self, FilterAttr, FilterKind};
use crate::rest::translate::operation::{run, ListRoot};
use crate::rest::translate::page::envelope;
use crate::rest::translate::params::{Accepts, Params};
use crate::rest::translate::resource::*;
use crate::rest::translate::sort::{self, SortAttr};
use crate::rest::{Refusal, RestState};

/// Spree's `CouponCode`: `state` is `used` once an order placed with it counts, else `unused`.
/// Which order used it (`order_id`) is not kept on the code.
pub static COUPON_CODE: Resource = Resource {
    graphql_type: "CouponCode",
    fields: &[
        value("id", "id"),
        value("code", "code"),
        computed("state", &["_usage_count"], |r| {
            let used = r.get("_usage_count").and_then(Value::as_i64).unwrap_or(0) > 0;
            json!(if used { "used" } else { "unused" })
        }),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        value("promotion_id", "promotionId"),
        fixed("order_id", null),
        value("_usage_count", "usageCount"),
    ],
    expands: &[],
};

/// The list's Ransack attributes and sort keys (the promotion comes from the path).
static ROOT: ListRoot = ListRoot {
    field: "couponCodes",
    filter_type: "CouponCodeFilter",
    sort_type: "CouponCodeSort",
    search: false,
    filters: &[
        FilterAttr {
            attr: "id",
            field: "id",
            kind: FilterKind::Id,
        },
        FilterAttr {
            attr: "code",
            field: "code",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "created_at",
            field: "createdAt",
            kind: FilterKind::Time,
        },
    ],
    sorts: &[
        SortAttr {
            key: "code",
            field: "CODE",
        },
        SortAttr {
            key: "created_at",
            field: "CREATED_AT",
        },
    ],
    resource: &COUPON_CODE,
};

/// `GET /promotions/{promotion_id}/coupon_codes`: oldest first unless `sort` says otherwise;
/// 404 without the promotion.
pub async fn list_coupon_codes(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(promotion_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    let params = Params::parse(query.as_deref(), Accepts::List)?;
    let offset = params.offset()?;
    let (filter, mut names) = filter::filter(ROOT.filters, &params.conditions)?;
    let mut filter = match filter {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    filter.insert("promotionId".into(), json!({"eq": promotion_id}));
    let sort = match sort::sort(ROOT.sorts, &params.sort)? {
        Some(Value::Array(mut keys)) if keys.len() == 1 => keys.pop(),
        Some(Value::Array(_)) => {
            return Err(Refusal::param("sort", "this list sorts by one key").into());
        }
        other => other,
    };
    let built =
        state
            .translator
            .operation("promotionCouponCodes", &COUPON_CODE, &params, |sel| {
                format!(
                    "query RestCouponCodes($id: ID!, $first: Int!, $offset: Int!, \
                 $filter: CouponCodeFilter, $sort: CouponCodeSort) \
                 {{ one: promotion(id: $id) {{ multiCodes }} \
                 list: couponCodes(first: $first, offset: $offset, filter: $filter, sort: $sort) \
                 {{ totalCount nodes {{ {sel}}} }} }}"
                )
            })?;
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(promotion_id));
    vars.insert("first".into(), Value::from(params.limit()));
    vars.insert("offset".into(), Value::from(offset));
    vars.insert("filter".into(), Value::Object(filter));
    vars.insert(
        "sort".into(),
        sort.unwrap_or_else(|| json!({"field": "CREATED_AT", "direction": "ASC"})),
    );
    names.push(("id".into(), "promotion_id".into()));
    names.push(("filter.promotionId".into(), "promotion_id".into()));
    names.push(("sort".into(), "sort".into()));
    let data = run(&state.app, principal, &built.text, vars, &names).await?;
    let Some(promotion) = data.get("one").filter(|o| o.is_object()) else {
        return Err(Refusal::not_found("Promotion not found")
            .with_code("NOT_FOUND")
            .into());
    };
    let multi = promotion.get("multiCodes") == Some(&Value::Bool(true));
    let list = data.get("list").unwrap_or(&Value::Null);
    let (rows, count) = if multi {
        let rows = match built
            .plan
            .reshape_list(list.get("nodes").unwrap_or(&Value::Null))
        {
            Value::Array(rows) => rows,
            _ => Vec::new(),
        };
        (
            rows,
            list.get("totalCount").and_then(Value::as_u64).unwrap_or(0),
        )
    } else {
        (Vec::new(), 0)
    };
    Ok(Json(envelope(rows, params.page(), params.limit(), count)))
}

/// `GET /promotions/{promotion_id}/coupon_codes/{id}`: one generated code of the promotion;
/// 404 when the promotion or the code is missing, or the code is another promotion's.
pub async fn show_coupon_code(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((promotion_id, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    let params = Params::parse(query.as_deref(), Accepts::One)?;
    let built =
        state
            .translator
            .operation("promotionCouponCode", &COUPON_CODE, &params, |sel| {
                format!(
                    "query RestCouponCode($promotion: ID!, $id: ID!) \
                 {{ one: promotion(id: $promotion) {{ id }} \
                 code: couponCode(id: $id) {{ {sel} owner: promotionId }} }}"
                )
            })?;
    let mut vars = Map::new();
    vars.insert("promotion".into(), Value::String(promotion_id));
    vars.insert("id".into(), Value::String(id));
    let names = [
        ("promotion".into(), "promotion_id".into()),
        ("id".into(), "id".into()),
    ];
    let data = run(&state.app, principal, &built.text, vars, &names).await?;
    let Some(promotion) = data.pointer("/one/id").filter(|i| i.is_string()) else {
        return Err(Refusal::not_found("Promotion not found")
            .with_code("NOT_FOUND")
            .into());
    };
    match data.get("code") {
        Some(Value::Object(code)) if code.get("owner") == Some(promotion) => {
            Ok(Json(built.plan.reshape(code)))
        }
        _ => Err(Refusal::not_found("Coupon code not found")
            .with_code("NOT_FOUND")
            .into()),
    }
}

/// The coupon code routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/promotions/{promotion_id}/coupon_codes",
        operation_id: "listPromotionCouponCodes",
        summary: "List a multi-code promotion's generated coupon codes",
        scope: "read_promotions",
        query: Query::List(&ROOT),
        body: Body::None,
        answer: Answer::Page(&COUPON_CODE),
        handler: || get(list_coupon_codes),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/promotions/{promotion_id}/coupon_codes/{id}",
        operation_id: "showPromotionCouponCode",
        summary: "Show one of a multi-code promotion's generated coupon codes",
        scope: "read_promotions",
        query: Query::One(&COUPON_CODE),
        body: Body::None,
        answer: Answer::One(&COUPON_CODE),
        handler: || get(show_coupon_code),
    },
];
