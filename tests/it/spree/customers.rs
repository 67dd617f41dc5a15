use serde_json::json;

use super::{code, Spree, ALL};
use crate::common::spawn;

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_is_created_read_updated_and_deleted() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (st, c) = s
        .post(
            "/customers",
            json!({"email": "jane@example.com", "first_name": "Jane", "last_name": "Doe",
                   "accepts_email_marketing": true, "tags": ["vip"], "internal_note": "calls on Mondays",
                   "metadata": {"source": "pos"}}),
        )
        .await;
    assert_eq!(st, 201, "{c}");
    let id = c["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("cus_"));
    assert_eq!(c["full_name"], "Jane Doe");
    assert_eq!(c["login"], "jane@example.com");
    assert_eq!(c["accepts_email_marketing"], true);
    assert_eq!(c["tags"], json!(["vip"]));
    assert_eq!(c["internal_note_html"], "calls on Mondays");
    assert_eq!(c["orders_count"], 0);
    assert_eq!(
        c["total_spent"].as_str().map(|s| s.parse::<f64>().unwrap()),
        Some(0.0)
    );
    assert!(c["display_total_spent"].as_str().unwrap().contains("0.00"));

    let (st, got) = s.get(&format!("/customers/{id}")).await;
    assert_eq!(st, 200);
    assert_eq!(got["email"], "jane@example.com");

    let (st, up) = s
        .patch(
            &format!("/customers/{id}"),
            json!({"last_name": "Roe", "id": id, "created_at": "x"}),
        )
        .await;
    assert_eq!(st, 200, "{up}");
    assert_eq!(up["full_name"], "Jane Roe");

    let (st, body) = s.delete(&format!("/customers/{id}")).await;
    assert_eq!((st, body), (204, serde_json::Value::Null));
    let (st, body) = s.get(&format!("/customers/{id}")).await;
    assert_eq!(st, 404);
    assert_eq!(code(&body), "record_not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_page_filter_sort_and_pick_fields() {
    let app = spawn().await;
    app.seed("alpha", 30, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (st, page) = s.get("/customers?limit=10&page=2&sort=email").await;
    assert_eq!(st, 200, "{page}");
    assert_eq!(page["data"].as_array().unwrap().len(), 10);
    assert_eq!(
        page["meta"],
        json!({"page": 2, "limit": 10, "count": 30, "pages": 3, "from": 11, "to": 20, "in": 10, "previous": 1, "next": 3})
    );
    let (_, all) = s.get("/customers?limit=100&sort=email&fields=email").await;
    let emails: Vec<&str> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap())
        .collect();
    let mut sorted = emails.clone();
    sorted.sort();
    assert_eq!(emails, sorted);
    assert_eq!(page["data"][0]["email"], emails[10]);
    // `fields` keeps `id` and the fields asked for.
    let keys: Vec<&String> = all["data"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, vec!["email", "id"]);

    let first = emails[0];
    let (_, found) = s.get(&format!("/customers?q[email_eq]={first}")).await;
    assert_eq!(found["meta"]["count"], 1);
    assert_eq!(found["data"][0]["email"], first);
    let (_, desc) = s.get("/customers?sort=-email&limit=1").await;
    assert_eq!(desc["data"][0]["email"], *emails.last().unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_tags_and_groups_answer_with_counts() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let (_, c) = s
            .post("/customers", json!({"email": format!("c{i}@example.com")}))
            .await;
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    let (st, r) = s
        .post(
            "/customers/bulk_add_tags",
            json!({"ids": ids, "tags": ["vip", "b2b", "vip"]}),
        )
        .await;
    assert_eq!((st, r), (200, json!({"customer_count": 3, "tag_count": 2})));
    let (_, c) = s.get(&format!("/customers/{}", ids[0])).await;
    assert_eq!(c["tags"], json!(["b2b", "vip"]));
    let (st, r) = s
        .post(
            "/customers/bulk_remove_tags",
            json!({"ids": [ids[0]], "tags": ["vip"]}),
        )
        .await;
    assert_eq!((st, r), (200, json!({"customer_count": 1, "tag_count": 1})));

    let (_, g1) = s.post("/customer_groups", json!({"name": "VIP"})).await;
    let (_, g2) = s.post("/customer_groups", json!({"name": "B2B"})).await;
    let groups = json!([g1["id"], g2["id"]]);
    let (st, r) = s
        .post(
            "/customers/bulk_add_to_groups",
            json!({"ids": ids, "customer_group_ids": groups}),
        )
        .await;
    assert_eq!(
        (st, r),
        (200, json!({"customer_count": 3, "customer_group_count": 2}))
    );
    let (_, g) = s
        .get(&format!("/customer_groups/{}", g1["id"].as_str().unwrap()))
        .await;
    assert_eq!(g["customers_count"], 3);
    let (st, _) = s
        .post(
            "/customers/bulk_remove_from_groups",
            json!({"ids": [ids[0]], "customer_group_ids": [g1["id"]]}),
        )
        .await;
    assert_eq!(st, 200);
    let (_, g) = s
        .get(&format!(
            "/customer_groups/{}?expand=customers",
            g1["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(g["customers_count"], 2);
    assert_eq!(g["customers"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn addresses_belong_to_their_customer() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (_, c) = s
        .post("/customers", json!({"email": "a@example.com"}))
        .await;
    let (_, other) = s
        .post("/customers", json!({"email": "b@example.com"}))
        .await;
    let cid = c["id"].as_str().unwrap();
    let oid = other["id"].as_str().unwrap();
    let (st, a) = s
        .post(
            &format!("/customers/{cid}/addresses"),
            json!({"first_name": "Jane", "address1": "350 Fifth Avenue", "city": "New York",
                   "postal_code": "10118", "country_iso": "US", "state_abbr": "NY", "is_default_billing": true}),
        )
        .await;
    assert_eq!(st, 201, "{a}");
    assert_eq!(a["postal_code"], "10118");
    assert_eq!(a["country_iso"], "US");
    let aid = a["id"].as_str().unwrap();
    let (_, c) = s.get(&format!("/customers/{cid}?expand=addresses")).await;
    assert_eq!(c["default_billing_address_id"], aid);
    assert_eq!(c["addresses"][0]["id"], aid);
    // Every association the spec names expands: the defaults, orders, groups, and store
    // credits (a balance in our domain, so no records).
    let (st, c) = s
        .get(&format!(
            "/customers/{cid}?expand=default_billing_address,default_shipping_address,orders,customer_groups,store_credits"
        ))
        .await;
    assert_eq!(st, 200, "{c}");
    assert_eq!(c["default_billing_address"]["id"], aid, "{c}");
    assert_eq!(c["default_billing_address"]["city"], "New York");
    assert!(c["default_shipping_address"].is_null(), "{c}");
    assert_eq!(c["orders"], json!([]));
    assert_eq!(c["customer_groups"], json!([]));
    assert_eq!(c["store_credits"], json!([]));
    // Orders are another aggregate: a key without `read_orders` may not expand them.
    let narrow = Spree::new(&app, "alpha", "read_customers").await;
    let (st, e) = narrow.get(&format!("/customers/{cid}?expand=orders")).await;
    assert_eq!(st, 403, "{e}");
    assert_eq!(code(&e), "access_denied");
    let (st, list) = s.get(&format!("/customers/{cid}/addresses")).await;
    assert_eq!(st, 200);
    assert_eq!(list["meta"]["count"], 1);
    // Through another customer's path the address does not exist.
    let (st, _) = s
        .patch(
            &format!("/customers/{oid}/addresses/{aid}"),
            json!({"city": "Boston"}),
        )
        .await;
    assert_eq!(st, 404);
    let (st, _) = s.delete(&format!("/customers/{oid}/addresses/{aid}")).await;
    assert_eq!(st, 404);
    let (st, a) = s
        .patch(
            &format!("/customers/{cid}/addresses/{aid}"),
            json!({"city": "Manhattan"}),
        )
        .await;
    assert_eq!((st, a["city"].clone()), (200, json!("Manhattan")));
    let (st, _) = s.delete(&format!("/customers/{cid}/addresses/{aid}")).await;
    assert_eq!(st, 204);
}

#[tokio::test(flavor = "multi_thread")]
async fn validation_failures_are_422_keyed_by_the_bodys_fields() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    s.post("/customers", json!({"email": "taken@example.com"}))
        .await;
    let (st, e) = s
        .post("/customers", json!({"email": "taken@example.com"}))
        .await;
    assert_eq!(st, 422, "{e}");
    assert_eq!(code(&e), "validation_error");
    assert!(e["error"]["details"]["email"].is_array(), "{e}");
    let (st, e) = s
        .post("/customers", json!({"first_name": "No email"}))
        .await;
    assert!(st == 400 || st == 422, "{st} {e}");
    assert!(e["error"]["details"]["email"].is_array(), "{e}");
    let (st, e) = s
        .post(
            "/customers",
            json!({"email": "x@example.com", "accepts_email_marketing": "yes"}),
        )
        .await;
    assert_eq!(st, 400, "{e}");
    assert!(
        e["error"]["details"]["accepts_email_marketing"].is_array(),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_write_with_the_same_idempotency_key_returns_the_first_answer() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let send = |email: &'static str| {
        app.http
            .post(app.url("/api/v3/admin/customers"))
            .header("x-spree-api-key", &s.key)
            .header("Idempotency-Key", "import-42")
            .json(&json!({"email": email}))
            .send()
    };
    let first: serde_json::Value = send("once@example.com")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let again = send("once@example.com").await.unwrap();
    assert_eq!(again.status(), 201);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(
        first["id"], again["id"],
        "the retry did not create a second customer"
    );
    let (_, list) = s.get("/customers").await;
    assert_eq!(list["meta"]["count"], 1);
    // The same key with another body is a conflict, not a silent replay.
    let other = send("other@example.com").await.unwrap();
    assert_eq!(other.status(), 409);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_address_delete_replays_its_204() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (_, c) = s
        .post("/customers", json!({"email": "a@example.com"}))
        .await;
    let cid = c["id"].as_str().unwrap();
    let (_, a) = s
        .post(
            &format!("/customers/{cid}/addresses"),
            json!({"address1": "1 Main St", "city": "Quito", "country_iso": "EC"}),
        )
        .await;
    let url = app.url(&format!(
        "/api/v3/admin/customers/{cid}/addresses/{}",
        a["id"].as_str().unwrap()
    ));
    for _ in 0..2 {
        let res = app
            .http
            .delete(&url)
            .header("x-spree-api-key", &s.key)
            .header("Idempotency-Key", "cleanup-7")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
    }
    // Without the key, the address is gone.
    let res = app
        .http
        .delete(&url)
        .header("x-spree-api-key", &s.key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sort_of_several_keys_orders_as_the_graphql_list_does() {
    let app = spawn().await;
    app.seed("alpha", 30, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (st, page) = s.get("/customers?sort=last_name,-email&limit=100").await;
    assert_eq!(st, 200, "{page}");
    let rest: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let key = app.api_key("alpha", "customers:read").await;
    let d = app
        .data(
            &key,
            "{ customers(first: 100, sort: [{field: NAME, direction: ASC}, {field: EMAIL, direction: DESC}]) { nodes { id lastName } } }",
            json!({}),
        )
        .await;
    let nodes = d["customers"]["nodes"].as_array().unwrap();
    let gql: Vec<&str> = nodes.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(rest, gql);
    assert!(
        nodes
            .windows(2)
            .any(|w| w[0]["lastName"] == w[1]["lastName"]),
        "equal last names, so the second key decides somewhere"
    );
    // The same key twice names `sort`.
    let (st, e) = s.get("/customers?sort=email,-email").await;
    assert_eq!(st, 400, "{e}");
    assert_eq!(code(&e), "invalid_request");
    assert!(e["error"]["details"]["sort"].is_array(), "{e}");
}
