//! `/api/v1/customers`: every route, integer IDs, the list metadata object, filters, sorts and
//! pages.

use serde_json::{json, Value};

use super::{assert_error, id, read, rows, Sp, ALL};
use crate::common::spawn;

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_is_created_read_updated_upserted_and_deleted() {
    let app = spawn().await;
    let sp = Sp::new(&app, "alpha", ALL).await;
    let c = sp
        .create(
            "customers",
            json!({"email": "jane@example.com", "first_name": "Jane", "last_name": "Doe",
                   "phone_number": "+15550100", "customer_number": "C-1", "comments": "VIP"}),
        )
        .await;
    let cid = id(&c);
    for key in [
        "id",
        "customer_number",
        "last_name",
        "first_name",
        "email",
        "phone_number",
        "registered_at",
        "last_visit_at",
        "customer_type_id",
        "is_no_tax_customer",
        "comments",
        "store_id",
        "company",
        "updated_at",
        "created_at",
    ] {
        assert!(c.get(key).is_some(), "{key} missing: {c}");
    }
    assert_eq!(
        (
            &c["email"],
            &c["phone_number"],
            &c["customer_number"],
            &c["comments"]
        ),
        (
            &json!("jane@example.com"),
            &json!("+15550100"),
            &json!("C-1"),
            &json!("VIP")
        )
    );
    let created = c["created_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created).is_ok(),
        "{created}"
    );
    assert_eq!(c["registered_at"], c["created_at"]);

    // The same record with and without `.json`, and the same integer GraphQL's ID spells.
    let (st, one) = sp.get(&format!("/customers/{cid}.json")).await;
    assert_eq!(st, 200, "{one}");
    assert_eq!(one, c);
    let (_, bare) = sp.get(&format!("/customers/{cid}")).await;
    assert_eq!(bare, c);
    let d = app
        .data(
            &sp.token,
            "{ customers(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    let public = d["customers"]["nodes"][0]["id"].as_str().unwrap();
    assert_eq!(
        commerce_gateway::ids::integers::of_public(commerce_gateway::ids::Kind::Customer, public),
        Some(cid)
    );
    let (_, some) = sp
        .get(&format!("/customers/{cid}.json?fields=email,comments"))
        .await;
    assert_eq!(
        some,
        json!({"id": cid, "email": "jane@example.com", "comments": "VIP"})
    );

    // Addresses expand.
    let d = app
        .data(
            &sp.token,
            "mutation($id: ID!) { customerAddressCreate(customerId: $id, input: {firstName: \"Jane\", \
             address1: \"1 Main St\", city: \"Austin\", countryCode: \"US\", zipcode: \"78701\", \
             stateName: \"Texas\", isDefaultBilling: true}) { userErrors { message } } }",
            json!({"id": public}),
        )
        .await;
    assert_eq!(d["customerAddressCreate"]["userErrors"], json!([]), "{d}");
    let (_, with) = sp
        .get(&format!("/customers/{cid}.json?expand=addresses"))
        .await;
    let a = &with["addresses"][0];
    assert!(a["id"].is_u64(), "{with}");
    assert_eq!(
        (
            &a["address_line_1"],
            &a["city"],
            &a["state"],
            &a["postal_code"],
            &a["country"]
        ),
        (
            &json!("1 Main St"),
            &json!("Austin"),
            &json!("Texas"),
            &json!("78701"),
            &json!("US")
        )
    );
    assert_eq!(a["is_default_billing_address"], true);

    // PUT changes what it is sent; what a GET wrote back is ignored.
    let mut back = one.clone();
    back["first_name"] = json!("Janet");
    back["created_at"] = json!("2001-01-01T00:00:00Z");
    let (st, put) = sp.put(&format!("/customers/{cid}.json"), &back).await;
    assert_eq!(st, 200, "{put}");
    assert_eq!(put["first_name"], "Janet");
    assert_eq!(put["created_at"], c["created_at"]);
    assert_eq!(put["last_name"], "Doe");

    // POST with the id of an existing customer updates it (200); with another, creates (201).
    let (st, upd) = sp
        .post("/customers.json", &json!({"id": cid, "last_name": "Roe"}))
        .await;
    assert_eq!(st, 200, "{upd}");
    assert_eq!((id(&upd), &upd["last_name"]), (cid, &json!("Roe")));
    let (st, new) = sp
        .post(
            "/customers.json",
            &json!({"id": 12345, "email": "new@example.com"}),
        )
        .await;
    assert_eq!(st, 201, "{new}");
    assert_ne!(id(&new), 12345);

    // A retried POST with one Idempotency-Key writes once, a body `id` naming nothing included.
    let body = json!({"id": 777, "email": "idem@example.com"}).to_string();
    let headers = [("Idempotency-Key", "sparkpay-idem-1")];
    let (st1, once) = sp
        .send(
            reqwest::Method::POST,
            "/customers.json",
            &headers,
            Some(&body),
        )
        .await;
    let (st2, twice) = sp
        .send(
            reqwest::Method::POST,
            "/customers.json",
            &headers,
            Some(&body),
        )
        .await;
    assert_eq!((st1, st2), (201, 201), "{once} {twice}");
    assert_eq!(once, twice);
    let (_, idem) = sp.get("/customers.json?email=idem@example.com").await;
    assert_eq!(idem["total_count"], 1);

    // DELETE: 204, then gone.
    let (st, body) = sp.delete(&format!("/customers/{cid}.json")).await;
    assert_eq!((st, body), (204, Value::Null));
    let (st, body) = sp.get(&format!("/customers/{cid}.json")).await;
    assert_error(st, &body, 404, "not found");
    let (st, body) = sp.delete(&format!("/customers/{cid}.json")).await;
    assert_error(st, &body, 404, "not found");
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_filter_sort_and_page_through_the_list_metadata_object() {
    let app = spawn().await;
    let sp = Sp::new(&app, "alpha", ALL).await;
    let mut ids = Vec::new();
    for (i, last) in ["Young", "Adams", "Baker", "Zed", "Clark", "Evans", "Moss"]
        .iter()
        .enumerate()
    {
        let c = sp
            .create(
                "customers",
                json!({"email": format!("c{i}@x.test"), "last_name": last}),
            )
            .await;
        ids.push(id(&c));
    }
    let (st, first) = sp.get("/customers.json?count=3&sort=last_name").await;
    assert_eq!(st, 200, "{first}");
    assert_eq!(first["total_count"], 7);
    assert_eq!(first["previous_page"], Value::Null);
    let names = |b: &Value| -> Vec<String> {
        rows(b, "customers")
            .iter()
            .map(|c| c["last_name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&first), ["Adams", "Baker", "Clark"]);
    let next = first["next_page"].as_str().unwrap();
    assert_eq!(
        next,
        app.url("/api/v1/customers.json?count=3&sort=last_name&page=2")
    );
    // The links are absolute and work as given.
    let follow = |url: String| {
        let req = app
            .http
            .get(url)
            .header("X-AC-Auth-Token", &sp.token)
            .send();
        async move { read(req.await.unwrap()).await }
    };
    let (st, second) = follow(next.to_owned()).await;
    assert_eq!(st, 200);
    assert_eq!(names(&second), ["Evans", "Moss", "Young"]);
    assert_eq!(
        second["previous_page"].as_str().unwrap(),
        app.url("/api/v1/customers.json?count=3&sort=last_name&page=1")
    );
    let (_, third) = follow(second["next_page"].as_str().unwrap().to_owned()).await;
    assert_eq!(names(&third), ["Zed"]);
    assert_eq!(third["next_page"], Value::Null);
    // Past the last page: 404, as Spark Pay answers.
    let (st, body) = sp.get("/customers.json?count=3&page=4").await;
    assert_error(st, &body, 404, "page 4 is past the last page (3");
    // An empty list is a page, not a 404.
    let (st, none) = sp.get("/customers.json?email=nobody@x.test").await;
    assert_eq!(st, 200, "{none}");
    assert_eq!(
        (&none["total_count"], rows(&none, "customers").len()),
        (&json!(0), 0)
    );

    let (_, desc) = sp.get("/customers.json?sort=-last_name&count=2").await;
    assert_eq!(names(&desc), ["Zed", "Young"]);
    for (query, want) in [
        ("email=c3@x.test", vec!["Zed"]),
        ("email=eq:c3@x.test", vec!["Zed"]),
        (
            "last_name=like:a&sort=last_name",
            vec!["Adams", "Baker", "Clark", "Evans"],
        ),
        ("last_name=startwith:M", vec!["Moss"]),
        (
            "email=like:x.test&last_name=not:Zed&count=200&sort=last_name",
            vec!["Adams", "Baker", "Clark", "Evans", "Moss", "Young"],
        ),
        (&format!("id={}", ids[4]), vec!["Clark"]),
        (&format!("id=eq:{}", ids[0]), vec!["Young"]),
    ] {
        let (st, body) = sp.get(&format!("/customers.json?{query}")).await;
        assert_eq!(st, 200, "{query}: {body}");
        assert_eq!(names(&body), want, "{query}");
    }
    let (_, not_one) = sp.get(&format!("/customers.json?id=not:{}", ids[0])).await;
    assert_eq!(not_one["total_count"], 6);
    let (_, window) = sp
        .get("/customers.json?created_at=gte:2000-01-01+AND+lt:2999-01-01T00:00:00Z")
        .await;
    assert_eq!(window["total_count"], 7, "{window}");
    let (_, future) = sp.get("/customers.json?updated_at=gt:2999-01-01").await;
    assert_eq!(future["total_count"], 0);
    let (_, few) = sp.get("/customers.json?fields=email&count=1").await;
    let mut keys: Vec<&String> = rows(&few, "customers")[0]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    keys.sort();
    assert_eq!(keys, ["email", "id"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn validation_and_rules_answer_400_and_409_and_write_nothing() {
    let app = spawn().await;
    let sp = Sp::new(&app, "alpha", ALL).await;
    let c = sp
        .create("customers", json!({"email": "taken@example.com"}))
        .await;
    // A taken email is a rule of the store: 409, Spark Pay's validation status.
    let (st, body) = sp
        .post("/customers.json", &json!({"email": "taken@example.com"}))
        .await;
    assert_error(st, &body, 409, "email");
    // A malformed one is a bad request naming the field.
    let (st, body) = sp
        .put(
            &format!("/customers/{}.json", id(&c)),
            &json!({"email": "not an email"}),
        )
        .await;
    assert_error(st, &body, 400, "email");
    let (_, all) = sp.get("/customers.json").await;
    assert_eq!(all["total_count"], 1);
    assert_eq!(rows(&all, "customers")[0]["email"], "taken@example.com");
}
