//! Spree price rules naming several ids (`user_ids`, `customer_group_ids`, `channel_ids`), as
//! Spree's admin SDK sends them: the list prices for ANY of them (checked through `priceQuote`)
//! and for nobody else, responses list every id, an update changes the ids in place, and an id
//! of another store is refused with nothing written.

use serde_json::{json, Value};

use super::{Spree, ALL};
use crate::common::spawn;

async fn created(s: &Spree<'_>, path: &str, body: Value) -> String {
    let (st, b) = s.post(path, body).await;
    assert_eq!(st, 201, "{path}: {b}");
    b["id"].as_str().unwrap().to_owned()
}

async fn customer(s: &Spree<'_>, email: &str) -> String {
    created(s, "/customers", json!({ "email": email })).await
}

async fn first_variant(s: &Spree<'_>) -> String {
    let (st, l) = s.get("/variants?limit=1&fields=id").await;
    assert_eq!(st, 200, "{l}");
    l["data"][0]["id"].as_str().unwrap().to_owned()
}

/// Creates an active list pricing `variant` at 1.23 USD for buyers matching `rule`; its id.
async fn active_list(s: &Spree<'_>, name: &str, rule: Value, variant: &str) -> String {
    let id = created(
        s,
        "/price_lists",
        json!({"name": name, "rules": [rule],
               "prices": [{"variant_id": variant, "currency": "USD", "amount": "1.23"}]}),
    )
    .await;
    let (st, b) = s
        .patch(&format!("/price_lists/{id}/activate"), json!({}))
        .await;
    assert_eq!(st, 200, "{b}");
    id
}

/// The price list that decides the quote of `variant` for this buyer (null: the base price).
async fn deciding_list(
    s: &Spree<'_>,
    variant: &str,
    customer: Option<&str>,
    channel: Option<&str>,
) -> Value {
    let d = s
        .app
        .data(
            &s.key,
            "query($v: ID!, $cu: ID, $ch: ID) { priceQuote(variantId: $v, currency: \"USD\",
               customerId: $cu, channelId: $ch) { amount priceList { id } } }",
            json!({ "v": variant, "cu": customer, "ch": channel }),
        )
        .await;
    let q = &d["priceQuote"];
    if !q["priceList"].is_null() {
        assert_eq!(q["amount"], "1.23", "{d}");
    }
    q["priceList"]["id"].clone()
}

async fn list_count(s: &Spree<'_>) -> u64 {
    let (st, b) = s.get("/price_lists?limit=1").await;
    assert_eq!(st, 200, "{b}");
    b["meta"]["count"].as_u64().unwrap()
}

async fn rules_of(s: &Spree<'_>, list: &str) -> Vec<Value> {
    let (st, shown) = s
        .get(&format!("/price_lists/{list}?expand=price_rules"))
        .await;
    assert_eq!(st, 200, "{shown}");
    shown["price_rules"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_rule_of_two_customers_prices_for_both_and_not_for_a_third() {
    let app = spawn().await;
    app.seed("alpha", 0, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let v = first_variant(&s).await;
    let (a, b, c) = (
        customer(&s, "a@example.com").await,
        customer(&s, "b@example.com").await,
        customer(&s, "c@example.com").await,
    );
    let rule = json!({"type": "user_rule", "preferences": {"user_ids": [a, b]}});
    let list = active_list(&s, "Two buyers", rule, &v).await;
    let rules = rules_of(&s, &list).await;
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["type"], "user_rule");
    assert_eq!(rules[0]["preferences"], json!({"user_ids": [a, b]}));

    assert_eq!(deciding_list(&s, &v, Some(&a), None).await, list.as_str());
    assert_eq!(deciding_list(&s, &v, Some(&b), None).await, list.as_str());
    assert_eq!(deciding_list(&s, &v, Some(&c), None).await, Value::Null);
    assert_eq!(deciding_list(&s, &v, None, None).await, Value::Null);

    // The ids change in place: the rule keeps its id, lists every new id, prices for them.
    let rule_id = rules[0]["id"].clone();
    let (st, up) = s
        .patch(
            &format!("/price_lists/{list}"),
            json!({"rules": [{"id": rule_id, "type": "user_rule",
                              "preferences": {"user_ids": [c, b, a]}}]}),
        )
        .await;
    assert_eq!(st, 200, "{up}");
    let rules = rules_of(&s, &list).await;
    assert_eq!(rules[0]["id"], rule_id);
    assert_eq!(rules[0]["preferences"]["user_ids"], json!([c, b, a]));
    assert_eq!(deciding_list(&s, &v, Some(&c), None).await, list.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn several_customer_groups_or_channels_match_any_of_them() {
    let app = spawn().await;
    app.seed("alpha", 0, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let v = first_variant(&s).await;
    let (a, b, c) = (
        customer(&s, "a@example.com").await,
        customer(&s, "b@example.com").await,
        customer(&s, "c@example.com").await,
    );
    let g1 = created(
        &s,
        "/customer_groups",
        json!({"name": "Trade", "customer_ids": [a]}),
    )
    .await;
    let g2 = created(
        &s,
        "/customer_groups",
        json!({"name": "Schools", "customer_ids": [b]}),
    )
    .await;
    // c is in a group too, just not one the rule names.
    created(
        &s,
        "/customer_groups",
        json!({"name": "Others", "customer_ids": [c]}),
    )
    .await;
    let rule =
        json!({"type": "customer_group_rule", "preferences": {"customer_group_ids": [g1, g2]}});
    let groups = active_list(&s, "Two groups", rule, &v).await;
    assert_eq!(
        rules_of(&s, &groups).await[0]["preferences"],
        json!({"customer_group_ids": [g1, g2]})
    );
    assert_eq!(deciding_list(&s, &v, Some(&a), None).await, groups.as_str());
    assert_eq!(deciding_list(&s, &v, Some(&b), None).await, groups.as_str());
    assert_eq!(deciding_list(&s, &v, Some(&c), None).await, Value::Null);

    let ch: Vec<String> = {
        let mut out = Vec::new();
        for name in ["Web shop", "Market stall", "Phone orders"] {
            out.push(created(&s, "/channels", json!({ "name": name })).await);
        }
        out
    };
    let rule = json!({"type": "channel_rule", "preferences": {"channel_ids": [ch[0], ch[1]]}});
    let channels = active_list(&s, "Two channels", rule, &v).await;
    assert_eq!(
        rules_of(&s, &channels).await[0]["preferences"],
        json!({"channel_ids": [ch[0], ch[1]]})
    );
    assert_eq!(
        deciding_list(&s, &v, None, Some(&ch[0])).await,
        channels.as_str()
    );
    assert_eq!(
        deciding_list(&s, &v, None, Some(&ch[1])).await,
        channels.as_str()
    );
    assert_eq!(deciding_list(&s, &v, None, Some(&ch[2])).await, Value::Null);
    assert_eq!(deciding_list(&s, &v, Some(&c), None).await, Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_id_of_another_store_in_the_list_is_refused_and_nothing_is_written() {
    let app = spawn().await;
    app.seed("alpha", 0, 0).await;
    app.seed("beta", 0, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let beta = Spree::new(&app, "beta", ALL).await;
    let v = first_variant(&s).await;
    let ours = customer(&s, "a@example.com").await;
    let theirs = customer(&beta, "b@example.com").await;
    let our_group = created(&s, "/customer_groups", json!({"name": "Ours"})).await;
    let their_group = created(&beta, "/customer_groups", json!({"name": "Theirs"})).await;
    let our_channel = created(&s, "/channels", json!({"name": "Ours"})).await;
    let their_channel = created(&beta, "/channels", json!({"name": "Theirs"})).await;
    let before = list_count(&s).await;
    for (rule, field) in [
        (
            json!({"type": "user_rule", "preferences": {"user_ids": [ours, theirs]}}),
            "rules[0].preferences.user_ids",
        ),
        (
            json!({"type": "customer_group_rule", "preferences": {"customer_group_ids": [their_group, our_group]}}),
            "rules[0].preferences.customer_group_ids",
        ),
        (
            json!({"type": "channel_rule", "preferences": {"channel_ids": [our_channel, their_channel]}}),
            "rules[0].preferences.channel_ids",
        ),
        (
            json!({"type": "user_rule", "preferences": {"user_ids": [ours, ours]}}),
            "rules[0].preferences.user_ids",
        ),
        (
            json!({"type": "user_rule", "preferences": {"user_ids": vec![ours.clone(); 101]}}),
            "rules[0].preferences.user_ids",
        ),
    ] {
        let (st, e) = s
            .post(
                "/price_lists",
                json!({"name": "Refused", "rules": [rule],
                       "prices": [{"variant_id": v, "currency": "USD", "amount": "1.23"}]}),
            )
            .await;
        assert_eq!(st, 422, "{rule}: {e}");
        assert!(e["error"]["details"].get(field).is_some(), "{field}: {e}");
    }
    assert_eq!(list_count(&s).await, before, "no list was written");

    // An update naming another store's customer leaves the list's rules as they were.
    let rule = json!({"type": "user_rule", "preferences": {"user_ids": [ours]}});
    let list = active_list(&s, "Kept", rule, &v).await;
    let kept = rules_of(&s, &list).await;
    let (st, e) = s
        .patch(
            &format!("/price_lists/{list}"),
            json!({"name": "Changed", "rules": [{"id": kept[0]["id"], "type": "user_rule",
                   "preferences": {"user_ids": [ours, theirs]}}]}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert!(
        e["error"]["details"]
            .get("rules[0].preferences.user_ids")
            .is_some(),
        "{e}"
    );
    assert_eq!(rules_of(&s, &list).await, kept);
    let (_, shown) = s.get(&format!("/price_lists/{list}")).await;
    assert_eq!(shown["name"], "Kept");
    // Beta's customer does not get alpha's price, and beta cannot see alpha's list.
    assert_eq!(beta.get(&format!("/price_lists/{list}")).await.0, 404);
}
