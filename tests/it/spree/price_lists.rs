//! `/api/v3/admin/price_lists`: shapes, rules reconciled by id, product_ids, activate and
//! deactivate, bad input (nothing written), tenant isolation, scopes, idempotency and a flat
//! statement count with `expand=price_rules`.

use reqwest::Method;
use serde_json::{json, Value};

use super::idempotency::keyed;
use super::{code, Spree, ALL};
use crate::common::{spawn, TestApp};

/// Product IDs of the merchant of `s` (the seed's catalog).
async fn products(s: &Spree<'_>, n: usize) -> Vec<String> {
    let d = s
        .app
        .data(
            &s.key,
            &format!("{{ products(first: {n}) {{ nodes {{ id }} }} }}"),
            json!({}),
        )
        .await;
    d["products"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

/// How many price lists the merchant of `s` has.
async fn list_count(s: &Spree<'_>) -> u64 {
    let (st, b) = s.get("/price_lists?limit=1").await;
    assert_eq!(st, 200, "{b}");
    b["meta"]["count"].as_u64().unwrap()
}

async fn group(s: &Spree<'_>, name: &str) -> String {
    let (st, g) = s.post("/customer_groups", json!({ "name": name })).await;
    assert_eq!(st, 201, "{g}");
    g["id"].as_str().unwrap().to_owned()
}

async fn seeded(app: &TestApp) -> Spree<'_> {
    app.seed("alpha", 2, 0).await;
    Spree::new(app, "alpha", ALL).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_price_list_is_created_with_rules_and_products_and_reconciled_on_update() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let prods = products(&s, 3).await;
    let vip = group(&s, "VIP buyers").await;
    let (st, pl) = s
        .post(
            "/price_lists",
            json!({"name": "EU wholesale", "match_policy": "any", "position": 3,
                "product_ids": [prods[0], prods[1], prods[0]],
                "rules": [{"type": "volume_rule", "preferences": {"min_quantity": 10}},
                          {"type": "customer_group_rule", "preferences": {"customer_group_ids": [vip]}}]}),
        )
        .await;
    assert_eq!(st, 201, "{pl}");
    assert_eq!(pl["status"], "draft");
    assert_eq!(pl["match_policy"], "any");
    assert_eq!(pl["position"], 3);
    assert_eq!(pl["deleted_at"], Value::Null);
    assert_eq!(pl["currently_active"], false);
    assert_eq!(pl["products_count"], 2);
    assert_eq!(pl["prices_count"], 0);
    let mut want = vec![prods[0].clone(), prods[1].clone()];
    want.sort();
    let mut got: Vec<String> = serde_json::from_value(pl["product_ids"].clone()).unwrap();
    got.sort();
    assert_eq!(got, want);
    assert!(pl["created_at"].is_string() && pl.get("price_rules").is_none());
    let id = pl["id"].as_str().unwrap();

    let (st, shown) = s
        .get(&format!("/price_lists/{id}?expand=price_rules"))
        .await;
    assert_eq!(st, 200, "{shown}");
    let rules = shown["price_rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2, "{shown}");
    assert_eq!(rules[0]["type"], "volume_rule");
    assert_eq!(rules[0]["preferences"]["min_quantity"], 10);
    assert_eq!(rules[0]["price_list_id"], id);
    assert!(rules[0]["created_at"].is_string() && rules[0]["updated_at"].is_string());
    assert_eq!(rules[1]["type"], "customer_group_rule");
    assert_eq!(rules[1]["preferences"]["customer_group_ids"], json!([vip]));
    let (volume, group_rule) = (rules[0]["id"].clone(), rules[1]["id"].clone());

    // Rules reconcile by id: the volume rule changes in place, the group rule goes, a
    // market rule is new. product_ids become the list's products.
    let (st, up) = s
        .patch(
            &format!("/price_lists/{id}"),
            json!({"name": "EU wholesale (Q3)", "product_ids": [prods[2]],
                "rules": [{"id": volume, "type": "volume_rule", "preferences": {"min_quantity": 20}},
                          {"type": "market_rule", "preferences": {"market_code": "EC"}}]}),
        )
        .await;
    assert_eq!(st, 200, "{up}");
    assert_eq!(up["name"], "EU wholesale (Q3)");
    assert_eq!(up["product_ids"], json!([prods[2]]));
    let (_, shown) = s
        .get(&format!("/price_lists/{id}?expand=price_rules"))
        .await;
    let rules = shown["price_rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2, "{shown}");
    assert_eq!(rules[0]["id"], volume, "the volume rule keeps its id");
    assert_eq!(rules[0]["preferences"]["min_quantity"], 20);
    assert_ne!(rules[0]["updated_at"], rules[0]["created_at"]);
    assert_ne!(rules[1]["id"], group_rule);
    assert_eq!(rules[1]["type"], "market_rule");
    assert_eq!(rules[1]["preferences"]["market_code"], "EC");

    // A list of lists, with its rules; filter and sort as Spree writes them.
    let (st, page) = s
        .get("/price_lists?q[name_cont]=Q3&q[status_eq]=draft&sort=-position&expand=price_rules")
        .await;
    assert_eq!(st, 200, "{page}");
    assert_eq!(page["meta"]["count"], 1, "{page}");
    assert_eq!(page["data"][0]["price_rules"].as_array().unwrap().len(), 2);
    let (_, active) = s.get("/price_lists?q[status_eq]=active").await;
    assert!(
        active["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["status"] == "active" && l["id"] != id),
        "{active}"
    );

    // Activate, deactivate, delete.
    let (st, on) = s
        .patch(&format!("/price_lists/{id}/activate"), json!({}))
        .await;
    assert_eq!((st, on["status"].clone()), (200, json!("active")), "{on}");
    assert_eq!(on["currently_active"], true);
    let (st, off) = s
        .patch(&format!("/price_lists/{id}/deactivate"), json!({}))
        .await;
    assert_eq!(
        (st, off["status"].clone()),
        (200, json!("inactive")),
        "{off}"
    );
    let (st, again) = s
        .patch(&format!("/price_lists/{id}/deactivate"), json!({}))
        .await;
    assert_eq!(st, 422, "{again}");
    let (st, _) = s.delete(&format!("/price_lists/{id}")).await;
    assert_eq!(st, 204);
    let (st, gone) = s.get(&format!("/price_lists/{id}")).await;
    assert_eq!((st, code(&gone)), (404, "record_not_found"));
}

#[tokio::test(flavor = "multi_thread")]
async fn activating_a_list_that_starts_later_schedules_it() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let start = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let (st, pl) = s
        .post(
            "/price_lists",
            json!({"name": "Black Friday", "starts_at": start}),
        )
        .await;
    assert_eq!(st, 201, "{pl}");
    let id = pl["id"].as_str().unwrap();
    let (st, on) = s
        .call(Method::PATCH, &format!("/price_lists/{id}/activate"), None)
        .await;
    assert_eq!(st, 200, "{on}");
    assert_eq!(on["status"], "scheduled");
    assert_eq!(on["currently_active"], false);
    let (st, off) = s
        .patch(&format!("/price_lists/{id}/deactivate"), json!({}))
        .await;
    assert_eq!((st, off["status"].clone()), (200, json!("inactive")));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_names_the_field_and_writes_nothing() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let prods = products(&s, 1).await;
    let before = list_count(&s).await;
    for (body, status, field) in [
        (json!({"description": "no name"}), 422, "name"),
        (
            json!({"name": "X", "match_policy": "most"}),
            400,
            "match_policy",
        ),
        (json!({"name": "X", "position": "first"}), 400, "position"),
        (json!({"name": "X", "colour": "red"}), 400, "colour"),
        (
            json!({"name": "X", "product_ids": "prod_1"}),
            400,
            "product_ids",
        ),
        (
            json!({"name": "X", "prices": [{"variant_id": "variant_1", "currency": "USD", "amount": 1}]}),
            422,
            "prices[0].variant_id",
        ),
        (
            json!({"name": "X", "prices": {"variant_id": "variant_1"}}),
            400,
            "prices",
        ),
        (
            json!({"name": "X", "prices": [{"variant_id": "variant_1", "amount": "cheap"}]}),
            400,
            "prices[0].amount",
        ),
        (
            json!({"name": "X", "rules": [{"type": "zone_rule"}]}),
            422,
            "rules[0].type",
        ),
        (
            json!({"name": "X", "rules": [{"type": "volume_rule", "preferences": {"min_quantity": 0}}]}),
            400,
            "rules[0].preferences.min_quantity",
        ),
        (
            json!({"name": "X", "rules": [{"type": "customer_group_rule", "preferences": {"customer_group_ids": ["cg_999999"]}}]}),
            422,
            "rules[0].preferences.customer_group_ids",
        ),
        (
            json!({"name": "X", "product_ids": [prods[0], "prod_999999"]}),
            422,
            "product_ids[1]",
        ),
        (json!({"name": ""}), 422, "name"),
        (
            json!({"name": "X", "starts_at": "2026-09-01T00:00:00Z", "ends_at": "2026-06-01T00:00:00Z"}),
            422,
            "ends_at",
        ),
        (json!({"name": "X", "starts_at": "soon"}), 400, "starts_at"),
    ] {
        let (st, e) = s.post("/price_lists", body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(
            e["error"]["details"].get(field).is_some(),
            "{body}: details should name {field}: {e}"
        );
    }
    assert_eq!(list_count(&s).await, before, "nothing was written");

    // An update refused for one rule changes nothing else.
    let (_, pl) = s
        .post(
            "/price_lists",
            json!({"name": "Kept", "rules": [{"type": "volume_rule", "preferences": {"min_quantity": 2}}]}),
        )
        .await;
    let id = pl["id"].as_str().unwrap();
    for (body, field) in [
        (
            json!({"name": "Changed", "rules": [{"id": "prule_999999", "type": "volume_rule", "preferences": {"min_quantity": 3}}]}),
            "rules[0].id",
        ),
        (
            json!({"name": "Changed", "rules": [{"type": "volume_rule", "preferences": {"min_quantity": 3}},
                                                {"type": "volume_rule", "preferences": {"min_quantity": 3}}]}),
            "rules[1].preferences.min_quantity",
        ),
    ] {
        let (st, e) = s.patch(&format!("/price_lists/{id}"), body.clone()).await;
        assert_eq!(st, 422, "{body}: {e}");
        assert!(e["error"]["details"].get(field).is_some(), "{field}: {e}");
    }
    let (_, shown) = s
        .get(&format!("/price_lists/{id}?expand=price_rules"))
        .await;
    assert_eq!(shown["name"], "Kept");
    assert_eq!(shown["price_rules"][0]["preferences"]["min_quantity"], 2);
    let (_, doomed) = s.post("/price_lists", json!({"name": "Doomed"})).await;
    let doomed = format!("/price_lists/{}", doomed["id"].as_str().unwrap());
    assert_eq!(s.delete(&doomed).await.0, 204);
    let before = list_count(&s).await;
    for path in [doomed.as_str()] {
        let (st, e) = s.get(path).await;
        assert_eq!((st, code(&e)), (404, "record_not_found"), "{path}");
        let (st, _) = s.patch(path, json!({"name": "Y"})).await;
        assert_eq!(st, 404, "{path}");
        assert_eq!(s.patch(&format!("{path}/activate"), json!({})).await.0, 404);
        assert_eq!(s.delete(path).await.0, 404);
    }
    assert_eq!(list_count(&s).await, before);
    let (st, e) = s.get("/price_lists?q[status_eq]=gone").await;
    assert_eq!(st, 400, "{e}");
    assert!(e["error"]["details"].get("q[status_eq]").is_some(), "{e}");
    let (st, e) = s.get("/price_lists?sort=colour").await;
    assert_eq!(
        (st, e["error"]["details"].get("sort").is_some()),
        (400, true)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_lists_are_not_found_and_scopes_are_checked() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let (_, pl) = s.post("/price_lists", json!({"name": "Alpha only"})).await;
    let id = pl["id"].as_str().unwrap();
    app.seed("beta", 1, 0).await;
    let beta = Spree::new(&app, "beta", ALL).await;
    let beta_products = products(&beta, 1).await;
    let path = format!("/price_lists/{id}");
    assert_eq!(beta.get(&path).await.0, 404);
    assert_eq!(beta.patch(&path, json!({"name": "Beta's"})).await.0, 404);
    assert_eq!(
        beta.patch(&format!("{path}/activate"), json!({})).await.0,
        404
    );
    assert_eq!(
        beta.patch(&format!("{path}/deactivate"), json!({})).await.0,
        404
    );
    assert_eq!(beta.delete(&path).await.0, 404);
    let (_, page) = beta.get("/price_lists?q[name_cont]=Alpha").await;
    assert_eq!(page["meta"]["count"], 0);
    // Alpha cannot put beta's products on its list.
    let (st, e) = s.patch(&path, json!({"product_ids": beta_products})).await;
    assert_eq!(st, 422, "{e}");
    let (_, shown) = s.get(&path).await;
    assert_eq!(shown["name"], "Alpha only");
    assert_eq!(shown["status"], "draft");
    assert_eq!(shown["product_ids"], json!([]));

    let reader = Spree::new(&app, "alpha", "read_products").await;
    assert_eq!(reader.get(&path).await.0, 200);
    let (st, e) = reader.post("/price_lists", json!({"name": "No"})).await;
    assert_eq!((st, code(&e)), (403, "access_denied"));
    assert_eq!(
        reader.patch(&format!("{path}/activate"), json!({})).await.0,
        403
    );
    assert_eq!(reader.delete(&path).await.0, 403);
    let other = Spree::new(&app, "alpha", "read_customers,write_customers").await;
    assert_eq!(other.get("/price_lists").await.0, 403);
    assert_eq!(other.get(&path).await.0, 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idempotency_key_makes_a_retried_create_write_once() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let before = list_count(&s).await;
    let body = json!({"name": "Retried", "rules": [{"type": "volume_rule", "preferences": {"min_quantity": 5}}]});
    let (st, first) = keyed(
        &s,
        Method::POST,
        "/price_lists",
        Some(body.clone()),
        "pl-key-1",
    )
    .await;
    assert_eq!(st, 201, "{first}");
    let (st, second) = keyed(&s, Method::POST, "/price_lists", Some(body), "pl-key-1").await;
    assert_eq!(st, 201, "{second}");
    assert_eq!(first["id"], second["id"]);
    assert_eq!(list_count(&s).await, before + 1);
    let (st, e) = keyed(
        &s,
        Method::POST,
        "/price_lists",
        Some(json!({"name": "Another"})),
        "pl-key-1",
    )
    .await;
    assert_eq!(st, 409, "{e}");
    let id = first["id"].as_str().unwrap();
    let path = format!("/price_lists/{id}/activate");
    let (st, a) = keyed(&s, Method::PATCH, &path, None, "pl-key-2").await;
    assert_eq!(st, 200, "{a}");
    // Without the key a second activate is refused; with it, the first answer comes back.
    let (st, b) = keyed(&s, Method::PATCH, &path, None, "pl-key-2").await;
    assert_eq!((st, b["status"].clone()), (200, json!("active")), "{b}");
    let (st, _) = keyed(
        &s,
        Method::DELETE,
        &format!("/price_lists/{id}"),
        None,
        "pl-key-3",
    )
    .await;
    assert_eq!(st, 204);
    let (st, _) = keyed(
        &s,
        Method::DELETE,
        &format!("/price_lists/{id}"),
        None,
        "pl-key-3",
    )
    .await;
    assert_eq!(st, 204);
}

#[tokio::test(flavor = "multi_thread")]
async fn statements_per_list_request_do_not_grow_with_limit() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let prods = products(&s, 2).await;
    for i in 0..12 {
        let (st, pl) = s
            .post(
                "/price_lists",
                json!({"name": format!("List {i}"), "product_ids": prods,
                    "rules": [{"type": "volume_rule", "preferences": {"min_quantity": i + 1}},
                              {"type": "market_rule", "preferences": {"market_code": "EC"}}]}),
            )
            .await;
        assert_eq!(st, 201, "{pl}");
    }
    let mut counts = Vec::new();
    for limit in [2, 6, 12] {
        let path = format!("/price_lists?limit={limit}&expand=price_rules");
        s.get(&path).await;
        let before = app.statements();
        let (st, body) = s.get(&path).await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["data"].as_array().unwrap().len(), limit);
        assert_eq!(body["data"][0]["products_count"], 2);
        counts.push(app.statements() - before);
    }
    assert!(
        counts.windows(2).all(|w| w[0] == w[1]),
        "statements per request: {counts:?}"
    );
}

/// The base price and list prices of `variant` in the list `pl`, through `/prices`.
async fn list_prices(s: &Spree<'_>, pl: &str) -> Vec<Value> {
    let (st, l) = s
        .get(&format!(
            "/prices?q[price_list_id_eq]={pl}&sort=variant_id&limit=100"
        ))
        .await;
    assert_eq!(st, 200, "{l}");
    l["data"].as_array().unwrap().clone()
}

/// Variant IDs of the merchant of `s`.
async fn variant_ids(s: &Spree<'_>, n: usize) -> Vec<String> {
    let (st, l) = s.get(&format!("/variants?limit={n}&fields=id")).await;
    assert_eq!(st, 200, "{l}");
    l["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Spree's price list body carries its prices (`[{variant_id, currency, amount,
/// compare_at_amount}]`): written with the list, upserted on update, all or nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_price_list_is_written_with_its_prices() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let rival = Spree::new(&app, "beta", ALL).await;
    let v = variant_ids(&s, 3).await;
    let theirs = {
        let (_, p) = rival
            .post(
                "/products",
                json!({"name": "R", "variants": [{"sku": "R-1"}]}),
            )
            .await;
        p["default_variant_id"].as_str().unwrap().to_owned()
    };
    let vip = group(&s, "Wholesale buyers").await;
    let (st, pl) = s
        .post(
            "/price_lists",
            json!({"name": "SDK wholesale", "description": "Tiered pricing", "match_policy": "all",
                "starts_at": "2026-06-01T00:00:00Z", "ends_at": "2036-09-01T00:00:00Z",
                "rules": [{"type": "customer_group_rule", "preferences": {"customer_group_ids": [vip]}},
                          {"type": "volume_rule", "preferences": {"min_quantity": 10}}],
                "prices": [{"variant_id": v[0], "currency": "USD", "amount": "19.99", "compare_at_amount": "24.99"},
                           {"variant_id": v[1], "currency": "eur", "amount": 7}]}),
        )
        .await;
    assert_eq!(st, 201, "{pl}");
    assert_eq!(pl["prices_count"], 2, "{pl}");
    let id = pl["id"].as_str().unwrap().to_owned();
    let prices = list_prices(&s, &id).await;
    let of = |prices: &[Value], variant: &str| {
        prices
            .iter()
            .find(|p| p["variant_id"] == variant)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let first = of(&prices, &v[0]);
    assert_eq!(
        (
            first["amount"].clone(),
            first["compare_at_amount"].clone(),
            first["currency"].clone()
        ),
        (json!("19.99"), json!("24.99"), json!("USD"))
    );
    assert_eq!(of(&prices, &v[1])["currency"], "EUR");

    // PATCH upserts by variant + currency and leaves the others; null clears the compare-at.
    let (st, u) = s
        .patch(
            &format!("/price_lists/{id}"),
            json!({"prices": [{"variant_id": v[0], "currency": "USD", "amount": 18, "compare_at_amount": null},
                              {"variant_id": v[2], "currency": "USD", "amount": "5.50"}]}),
        )
        .await;
    assert_eq!(st, 200, "{u}");
    assert_eq!(u["prices_count"], 3);
    let prices = list_prices(&s, &id).await;
    assert_eq!(of(&prices, &v[0])["amount"], "18.00");
    assert!(of(&prices, &v[0])["compare_at_amount"].is_null());

    // One bad price refuses the whole write, named as the body names it.
    let before = list_count(&s).await;
    for (body, status, field) in [
        (
            json!({"name": "X", "prices": [{"variant_id": v[0], "currency": "USD", "amount": 1},
                                           {"variant_id": theirs, "currency": "USD", "amount": 1}]}),
            422,
            "prices[1].variant_id",
        ),
        (
            json!({"name": "X", "prices": [{"variant_id": v[0], "currency": "USD", "amount": 5, "compare_at_amount": 4}]}),
            422,
            "prices[0].compare_at_amount",
        ),
        (
            json!({"name": "X", "prices": [{"variant_id": v[0], "amount": 5}]}),
            422,
            "prices[0].currency",
        ),
        (
            json!({"name": "X", "prices": [{"variant_id": v[0], "currency": "USD", "amount": 5},
                                           {"variant_id": v[0], "currency": "USD", "amount": 6}]}),
            422,
            "prices[1].variant_id",
        ),
        (
            json!({"name": "X", "prices": [{"variant_id": v[0], "currency": "USD", "amount": 5, "price": 1}]}),
            400,
            "prices[0].price",
        ),
    ] {
        let (st, e) = s.post("/price_lists", body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(e["error"]["details"][field].is_array(), "{body}: {e}");
    }
    assert_eq!(list_count(&s).await, before, "no list written");
    let (st, e) = s
        .patch(
            &format!("/price_lists/{id}"),
            json!({"name": "Renamed", "prices": [{"variant_id": v[1], "currency": "EUR", "amount": -1}]}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert!(e["error"]["details"]["prices[0].amount"].is_array(), "{e}");
    let (_, shown) = s.get(&format!("/price_lists/{id}")).await;
    assert_eq!(shown["name"], "SDK wholesale", "rolled back with the price");
    // Another merchant's list is not found.
    let (st, _) = rival
        .patch(&format!("/price_lists/{id}"), json!({"prices": []}))
        .await;
    assert_eq!(st, 404);
    // `[]` clears the list's prices, as Spree's clears its overrides.
    let (st, u) = s
        .patch(&format!("/price_lists/{id}"), json!({"prices": []}))
        .await;
    assert_eq!(st, 200, "{u}");
    assert_eq!(u["prices_count"], 0);
}

/// `GET /price_lists/price_rule_types`: the rule types we support, routed before `{id}`.
#[tokio::test(flavor = "multi_thread")]
async fn price_rule_types_are_listed() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (st, t) = s.get("/price_lists/price_rule_types").await;
    assert_eq!(st, 200, "{t}");
    let types: Vec<&str> = t["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "volume_rule",
            "customer_group_rule",
            "user_rule",
            "channel_rule",
            "market_rule"
        ]
    );
    let volume = &t["data"][0];
    assert_eq!(volume["label"], "Volume");
    assert_eq!(volume["preference_schema"][0]["key"], "min_quantity");
    let (st, e) = s.get("/price_lists/price_rule_types?limit=5").await;
    assert_eq!(st, 400, "{e}");
    let other = Spree::new(&app, "alpha", "read_customers").await;
    let (st, _) = other.get("/price_lists/price_rule_types").await;
    assert_eq!(st, 403);
}
