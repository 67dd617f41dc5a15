//! Bad filter input is BAD_USER_INPUT naming the argument path: IDs of the wrong kind, values
//! of the wrong type through variables, values failing only when the field runs, nested sizes.

use super::ALL;
use crate::common::{error_code, error_message, spawn, TestApp};
use serde_json::{json, Value};

/// `acme` seeded with 5 customers and 5 orders, and a key reading everything.
async fn seeded() -> (TestApp, String) {
    let app = spawn().await;
    app.seed("acme", 5, 5).await;
    let key = app.api_key("acme", ALL).await;
    (app, key)
}

#[tokio::test(flavor = "multi_thread")]
async fn filter_ids_of_the_wrong_kind_name_the_argument_path() {
    let (app, key) = seeded().await;
    let d = app
        .data(
            &key,
            "{ customers(first: 1) { nodes { id } } channels(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    let customer = d["customers"]["nodes"][0]["id"].clone();
    let channel = d["channels"]["nodes"][0]["id"].clone();

    // An ID of the wrong kind in a filter names the argument path.
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "query($id: ID!) { orders(filter: { storeId: { eq: $id } }) { totalCount } }",
            json!({ "id": customer }),
            "filter.storeId.eq",
        ),
        (
            "query($id: ID!) { customers(filter: { customerGroupId: { eq: $id } }) { totalCount } }",
            json!({ "id": channel }),
            "filter.customerGroupId.eq",
        ),
        (
            "query($id: ID!) { products(filter: { channelId: { in: [$id] } }) { totalCount } }",
            json!({ "id": customer }),
            "filter.channelId.in.0",
        ),
        (
            "query($id: ID!) { prices(filter: { priceListId: { eq: $id } }) { totalCount } }",
            json!({ "id": channel }),
            "filter.priceListId.eq",
        ),
        (
            "query($id: ID!) { prices(filter: { variantId: { in: [$id, $id] } }) { totalCount } }",
            json!({ "id": "variant_" }),
            "filter.variantId.in.0",
        ),
    ];
    for (query, vars, field) in cases {
        let body = app.gql(&key, query, vars).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], field,
            "{query}: {body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_typed_variables_are_refused_before_anything_runs_naming_the_argument() {
    let (app, key) = seeded().await;
    // Values of the wrong type given through variables are refused before anything runs.
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "query($n: Int!) { orders(first: $n) { totalCount } }",
            json!({ "n": "abc" }),
            "Int",
        ),
        (
            "query($d: Decimal!) { orders(filter: { total: { eq: $d } }) { totalCount } }",
            json!({ "d": "x" }),
            "Decimal",
        ),
        (
            "query($f: OrderFilter) { orders(filter: $f) { totalCount } }",
            json!({ "f": { "itemCount": { "in": [1, "two"] } } }),
            "Int",
        ),
        (
            "query($f: PriceFilter) { prices(filter: $f) { totalCount } }",
            json!({ "f": { "compareAtAmount": { "in": ["1.00", "lots"] } } }),
            "Decimal",
        ),
        (
            "query($t: DateTime!) { orders(filter: { createdAt: { in: [$t] } }) { totalCount } }",
            json!({ "t": "yesterday" }),
            "DateTime",
        ),
        (
            "query($b: Boolean) { promotions(filter: { active: $b }) { totalCount } }",
            json!({ "b": "yes" }),
            "Boolean",
        ),
        (
            "query($n: Int!) { variants(filter: { position: { eq: $n } }) { totalCount } }",
            json!({ "n": 3_000_000_000_i64 }),
            "Int",
        ),
    ];
    for (query, vars, needle) in cases {
        let (status, body) = app.gql_status(&key, query, vars).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        assert!(
            error_message(&body).contains(needle),
            "{query}: `{needle}` not in {body}"
        );
        // The argument is named too: `first` or `filter`, in the message and, when the value
        // failed while the field ran, in `extensions.field`.
        let argument = if query.contains("(first: $n)") {
            "first"
        } else {
            "filter"
        };
        let msg = error_message(&body);
        assert!(
            msg.contains(&format!("({argument}:)")) || msg.contains(&format!("\"{argument}")),
            "{query}: argument `{argument}` not named in {body}"
        );
        let field = body["errors"][0]["extensions"]["field"]
            .as_str()
            .unwrap_or_default();
        assert!(
            field == argument || field.starts_with(&format!("{argument}.")),
            "{query}: extensions.field is not `{argument}…`: {body}"
        );
        assert!(
            body["data"].is_null()
                || body["data"]
                    .as_object()
                    .unwrap()
                    .values()
                    .all(Value::is_null),
            "{query}: nothing ran: {body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn values_failing_when_the_field_runs_are_named_by_their_full_path() {
    let (app, key) = seeded().await;
    // Values that fail only when the field runs (Decimal, DateTime) are named by their full
    // path too, literal or through a variable, like validation's `filter.itemCount.in.1`.
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "{ orders(filter: { email: { eq: \"x\" }, total: { gt: \"lots\" } }) { totalCount } }",
            json!({}),
            "filter.total.gt",
        ),
        (
            "query($f: PriceFilter) { prices(filter: $f) { totalCount } }",
            json!({ "f": { "compareAtAmount": { "in": ["1.00", "lots"] } } }),
            "filter.compareAtAmount.in.1",
        ),
        (
            "query($t: DateTime!) { orders(filter: { createdAt: { in: [\"2024-01-01T00:00:00Z\", $t] } }) { totalCount } }",
            json!({ "t": "yesterday" }),
            "filter.createdAt.in.1",
        ),
        (
            "query($t: DateTime) { customerStats(period: DAY, createdAt: { gte: $t }) { period } }",
            json!({ "t": "soon" }),
            "createdAt.gte",
        ),
    ];
    for (query, vars, field) in cases {
        let body = app.gql(&key, query, vars).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], field,
            "{query}: {body}"
        );
        assert!(error_message(&body).contains(field), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn nested_list_sizes_take_1_to_250_like_the_roots() {
    let (app, key) = seeded().await;
    // Nested lists take 1 to 250 like the roots.
    for query in [
        "{ channels { nodes { products(first: 0) { id } } } }",
        "{ channels { nodes { products(first: 1000) { id } } } }",
        "{ customerGroups { nodes { customers(first: 0) { id } } } }",
        "{ priceLists { nodes { prices(first: 251) { id } } } }",
        "{ customers(first: 1) { nodes { orders(first: -1) { id } } } }",
    ] {
        let body = app.gql(&key, query, json!({})).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "first", "{body}");
        assert!(error_message(&body).contains("first"), "{body}");
    }
}
