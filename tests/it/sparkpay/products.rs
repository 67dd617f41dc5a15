//! `/api/v1/products`: every route, exact money as JSON numbers, statuses, SKUs and prices on
//! the master variant, sorts.

use serde_json::{json, Value};

use super::{assert_error, id, rows, Sp, ALL};
use crate::common::spawn;

/// The raw text of a GET, to see numbers as they are written.
async fn text(sp: &Sp<'_>, path: &str) -> String {
    let res = sp
        .app
        .http
        .get(sp.app.url(&format!("/api/v1{path}")))
        .header("X-AC-Auth-Token", &sp.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_product_is_created_with_its_price_read_updated_and_deleted() {
    let app = spawn().await;
    let sp = Sp::new(&app, "alpha", ALL).await;
    let p = sp
        .create(
            "products",
            json!({"item_name": "Dining Table", "item_number": "TBL-1", "product_status_id": 1,
                   "price": 2511.40, "retail": "2600.00", "long_description_1": "Glass top.",
                   "primary_category_id": 11}),
        )
        .await;
    let pid = id(&p);
    assert_eq!(p["item_name"], "Dining Table");
    assert_eq!(p["item_number"], "TBL-1");
    assert_eq!(p["product_status_id"], 1);
    assert_eq!(p["long_description_1"], "Glass top.");
    assert_eq!(p["primary_category_id"], Value::Null);
    // Money is a JSON number of exactly the stored decimal.
    assert_eq!(p["price"], json!(2511.4));
    assert_eq!(p["retail"], json!(2600));
    let raw = text(&sp, &format!("/products/{pid}.json")).await;
    assert!(raw.contains(r#""price":2511.4,"#), "{raw}");
    assert!(raw.contains(r#""retail":2600,"#), "{raw}");
    let raw = text(&sp, "/products.json").await;
    assert!(raw.contains(r#""price":2511.4,"#), "{raw}");
    // The GraphQL price is the decimal the number spells.
    let d = app
        .data(
            &sp.token,
            "{ products(first: 1) { nodes { price { amount compareAtAmount currency } masterVariant { sku } } } }",
            json!({}),
        )
        .await;
    let node = &d["products"]["nodes"][0];
    assert_eq!(node["price"]["amount"], "2511.40");
    assert_eq!(node["price"]["compareAtAmount"], "2600.00");
    assert_eq!(node["price"]["currency"], "USD");
    assert_eq!(node["masterVariant"]["sku"], "TBL-1");

    // PUT: status, SKU and price go where they belong.
    let (st, put) = sp
        .put(
            &format!("/products/{pid}.json"),
            &json!({"product_status_id": 3, "item_number": "TBL-2", "price": "19.99", "retail": null}),
        )
        .await;
    assert_eq!(st, 200, "{put}");
    assert_eq!(
        (
            &put["product_status_id"],
            &put["item_number"],
            &put["price"]
        ),
        (&json!(3), &json!("TBL-2"), &json!(19.99))
    );
    let (_, archived) = sp.get("/products.json?product_status_id=3").await;
    assert_eq!(rows(&archived, "products").len(), 1);
    let (_, active) = sp.get("/products.json?product_status_id=1").await;
    assert_eq!(active["total_count"], 0);

    // The variants expand.
    let (_, with) = sp
        .get(&format!(
            "/products/{pid}.json?expand=variant_inventory,categories"
        ))
        .await;
    let v = &with["variant_inventory"][0];
    assert!(v["id"].is_u64(), "{with}");
    assert_eq!(
        (&v["item_number"], &v["price"], &v["is_master"]),
        (&json!("TBL-2"), &json!(19.99), &json!(true))
    );
    assert_eq!(with["categories"], json!([]));

    // POST with its id updates it.
    let (st, upd) = sp
        .post("/products.json", &json!({"id": pid, "item_name": "Table"}))
        .await;
    assert_eq!(st, 200, "{upd}");
    assert_eq!((id(&upd), &upd["item_name"]), (pid, &json!("Table")));

    let (st, body) = sp.delete(&format!("/products/{pid}.json")).await;
    assert_eq!((st, body), (204, Value::Null));
    let (st, body) = sp.get(&format!("/products/{pid}")).await;
    assert_error(st, &body, 404, "not found");
}

#[tokio::test(flavor = "multi_thread")]
async fn amounts_keep_every_digit_and_sort_with_names() {
    let app = spawn().await;
    let sp = Sp::new(&app, "alpha", ALL).await;
    for (name, price) in [
        ("Dime", json!("0.10")),
        ("Large", json!(1234567.89)),
        ("Fine", json!("12.3456")),
        ("Apple", json!(5)),
        ("Zebra", json!(5)),
        ("Whole", json!("2295.00")),
    ] {
        sp.create("products", json!({"item_name": name, "price": price}))
            .await;
    }
    let raw = text(
        &sp,
        "/products.json?sort=-price,item_name&fields=item_name,price",
    )
    .await;
    let body: Value = serde_json::from_str(&raw).unwrap();
    let got: Vec<(String, String)> = rows(&body, "products")
        .iter()
        .map(|p| {
            (
                p["item_name"].as_str().unwrap().to_owned(),
                p["price"].to_string(),
            )
        })
        .collect();
    let want = [
        ("Large", "1234567.89"),
        ("Whole", "2295"),
        ("Fine", "12.3456"),
        ("Apple", "5"),
        ("Zebra", "5"),
        ("Dime", "0.1"),
    ];
    assert_eq!(
        got,
        want.map(|(n, p)| (n.to_owned(), p.to_owned())).to_vec(),
        "{raw}"
    );
    assert!(raw.contains(r#""price":1234567.89}"#), "{raw}");
    let (_, by_name) = sp.get("/products.json?sort=item_name&count=2").await;
    let names: Vec<&str> = rows(&by_name, "products")
        .iter()
        .map(|p| p["item_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Apple", "Dime"]);
    let (_, like) = sp.get("/products.json?item_name=like:a").await;
    assert_eq!(like["total_count"], 3, "Large, Apple, Zebra: {like}");
    // Spark Pay's own example: `price=gt:5.00+AND+lte:25.00`.
    let (st, window) = sp
        .get("/products.json?price=gt:5.00+AND+lte:2295&sort=price&fields=item_name")
        .await;
    assert_eq!(st, 200, "{window}");
    let names: Vec<&str> = rows(&window, "products")
        .iter()
        .map(|p| p["item_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Fine", "Whole"]);
    let (_, five) = sp.get("/products.json?price=5").await;
    assert_eq!(five["total_count"], 2);
    let d = app
        .data(
            &sp.token,
            "{ products(filter: {price: {gte: \"5\", lt: \"12.3456\"}}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(d["products"]["totalCount"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn product_refusals_name_the_field_and_write_nothing() {
    let app = spawn().await;
    let sp = Sp::new(&app, "alpha", ALL).await;
    for (body, want, field) in [
        (json!({"item_number": "X"}), 400, "item_name is required"),
        (
            json!({"item_name": "X", "product_status_id": 9}),
            400,
            "product_status_id",
        ),
        (
            json!({"item_name": "X", "product_status_id": "1"}),
            400,
            "product_status_id",
        ),
        (json!({"item_name": "X", "price": "abc"}), 400, "price"),
        (json!({"item_name": "X", "price": true}), 400, "price"),
        (
            json!({"item_name": "X", "price": 5, "retail": 4}),
            400,
            "retail",
        ),
        (
            json!({"item_name": "X", "primary_category_id": "shoes"}),
            400,
            "primary_category_id",
        ),
        (json!({"item_name": "X", "colour": "red"}), 400, "colour"),
        (json!({"item_name": 5}), 400, "item_name"),
    ] {
        let (st, res) = sp.post("/products.json", &body).await;
        assert_error(st, &res, want, field);
    }
    sp.create(
        "products",
        json!({"item_name": "A", "item_number": "SKU-A"}),
    )
    .await;
    let (st, res) = sp
        .post(
            "/products.json",
            &json!({"item_name": "B", "item_number": "SKU-A"}),
        )
        .await;
    assert_error(st, &res, 409, "item_number");
    let (_, all) = sp.get("/products.json").await;
    assert_eq!(all["total_count"], 1, "{all}");
}
