//! `POST /orders` with `billing_address_id` / `shipping_address_id`: the customer's saved
//! addresses copied onto the new order, as the admin SDK's `OrderCreateParams` allow; an ID
//! that is not one of that customer's addresses is a 422 naming the field, nothing written.

use serde_json::{json, Value};

use super::{Spree, ALL};
use crate::common::{spawn, TestApp};

fn addr(city: &str) -> Value {
    json!({"first_name": "Jane", "last_name": "Doe", "address1": "350 Fifth Avenue",
           "city": city, "postal_code": "10118", "country_iso": "US", "state_abbr": "NY"})
}

async fn customer_with(s: &Spree<'_>, email: &str, addresses: &[Value]) -> (String, Vec<String>) {
    let (st, c) = s.post("/customers", json!({ "email": email })).await;
    assert_eq!(st, 201, "{c}");
    let cid = c["id"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for a in addresses {
        let (st, a) = s
            .post(&format!("/customers/{cid}/addresses"), a.clone())
            .await;
        assert_eq!(st, 201, "{a}");
        ids.push(a["id"].as_str().unwrap().to_owned());
    }
    (cid, ids)
}

async fn written(app: &TestApp) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel_async::RunQueryDsl;
    let rows: Vec<N> = diesel::sql_query(
        "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_addresses) AS n",
    )
    .load(&mut app.conn().await)
    .await
    .unwrap();
    rows[0].n
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_copies_the_saved_addresses_its_ids_name() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let mut home = addr("Denver");
    home["is_default_billing"] = json!(true);
    let (cid, a) = customer_with(&s, "c@example.com", &[home, addr("Austin"), addr("Boise")]).await;

    let (st, o) = s
        .post(
            "/orders",
            json!({"customer_id": cid, "billing_address_id": a[1], "shipping_address_id": a[2]}),
        )
        .await;
    assert_eq!(st, 201, "{o}");
    let path = format!(
        "/orders/{}?expand=billing_address,shipping_address",
        o["id"].as_str().unwrap()
    );
    let (_, o) = s.get(&path).await;
    assert_eq!(o["billing_address"]["city"], "Austin", "{o}");
    assert_eq!(o["shipping_address"]["city"], "Boise", "{o}");
    assert_eq!(o["billing_address"]["first_name"], "Jane");
    assert_ne!(o["billing_address"]["id"], json!(a[1]), "a copy");

    // A copy: a later change of the saved address does not reach the order.
    let (st, _) = s
        .patch(
            &format!("/customers/{cid}/addresses/{}", a[1]),
            json!({"city": "Austin TX"}),
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(s.get(&path).await.1["billing_address"]["city"], "Austin");

    // With the defaults: an ID wins for its kind, the default fills the other; the same
    // saved address may be both.
    let (st, o) = s
        .post(
            "/orders",
            json!({"customer_id": cid, "use_customer_default_address": true,
                   "shipping_address_id": a[2]}),
        )
        .await;
    assert_eq!(st, 201, "{o}");
    let (_, o) = s
        .get(&format!(
            "/orders/{}?expand=billing_address,shipping_address",
            o["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(o["billing_address"]["city"], "Denver", "{o}");
    assert_eq!(o["shipping_address"]["city"], "Boise", "{o}");
    let (st, o) = s
        .post(
            "/orders",
            json!({"customer_id": cid, "billing_address_id": a[0], "shipping_address_id": a[0],
                   "billing_address": null}),
        )
        .await;
    assert_eq!(st, 201, "{o}");

    // GraphQL takes the same IDs.
    let key = app.api_key("alpha", "orders:write,customers:read").await;
    let d = app
        .data(
            &key,
            "mutation($i: OrderCreateInput!) { orderCreate(input: $i) { \
             order { shippingAddress { city } } userErrors { field code } } }",
            json!({"i": {"customerId": cid, "shippingAddressId": a[1]}}),
        )
        .await;
    assert_eq!(
        d["orderCreate"]["order"]["shippingAddress"]["city"], "Austin TX",
        "{d}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_address_id_not_of_the_customer_is_refused_naming_it() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let beta = Spree::new(&app, "beta", ALL).await;
    let (cid, a) = customer_with(&s, "c@example.com", &[addr("Austin")]).await;
    let (other, b) = customer_with(&s, "d@example.com", &[addr("Boise")]).await;
    let (_, foreign) = customer_with(&beta, "e@example.com", &[addr("Berlin")]).await;
    let before = written(&app).await;

    for (body, field) in [
        // Another customer's address, another merchant's, and one deleted.
        (
            json!({"customer_id": cid, "shipping_address_id": b[0]}),
            "shipping_address_id",
        ),
        (
            json!({"customer_id": cid, "billing_address_id": foreign[0]}),
            "billing_address_id",
        ),
        // Without a customer, an address ID names no one's address.
        (
            json!({"email": "x@example.com", "billing_address_id": a[0]}),
            "billing_address_id",
        ),
        // The address and its ID both.
        (
            json!({"customer_id": cid, "shipping_address_id": a[0],
                   "shipping_address": addr("Reno")}),
            "shipping_address_id",
        ),
        // Not an address ID.
        (
            json!({"customer_id": cid, "billing_address_id": cid}),
            "billing_address_id",
        ),
    ] {
        let (st, e) = s.post("/orders", body.clone()).await;
        assert_eq!(st, 422, "{body}: {e}");
        assert!(e["error"]["details"][field].is_array(), "{body}: {e}");
    }
    let (st, _) = s
        .delete(&format!("/customers/{other}/addresses/{}", b[0]))
        .await;
    assert_eq!(st, 204);
    let (st, e) = s
        .post(
            "/orders",
            json!({"customer_id": other, "billing_address_id": b[0]}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert!(
        e["error"]["details"]["billing_address_id"].is_array(),
        "{e}"
    );
    assert_eq!(written(&app).await, before, "nothing written");
}
