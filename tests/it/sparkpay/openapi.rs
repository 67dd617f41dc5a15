//! `GET /openapi.json` documents the Spark Pay routes as they answer: real answers validate
//! against the document's schemas.

use reqwest::Method;
use serde_json::{json, Value};

use super::{id, Sp, ALL};
use crate::common::spawn;

#[tokio::test(flavor = "multi_thread")]
async fn answers_validate_against_the_documented_schemas() {
    let app = spawn().await;
    app.seed("alpha", 10, 30).await;
    let sp = Sp::new(&app, "alpha", ALL).await;
    let doc: Value = app
        .http
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let customer = sp.create("customers", json!({"email": "doc@x.test"})).await;
    let order = sp.get("/orders.json?count=1").await.1["orders"][0].clone();
    let cases: Vec<(&str, Method, String, Option<Value>, u16)> = vec![
        (
            "/api/v1/customers.json",
            Method::GET,
            "/customers.json?expand=addresses".into(),
            None,
            200,
        ),
        (
            "/api/v1/orders.json",
            Method::GET,
            "/orders.json?expand=items&count=5".into(),
            None,
            200,
        ),
        (
            "/api/v1/products.json",
            Method::GET,
            "/products.json?expand=variant_inventory".into(),
            None,
            200,
        ),
        (
            "/api/v1/orders/{id}",
            Method::GET,
            format!("/orders/{}.json", id(&order)),
            None,
            200,
        ),
        (
            "/api/v1/customers/{id}",
            Method::PUT,
            format!("/customers/{}.json", id(&customer)),
            Some(json!({"comments": "x"})),
            200,
        ),
        (
            "/api/v1/products.json",
            Method::POST,
            "/products.json".into(),
            Some(json!({"item_name": "Doc", "price": 1.5})),
            201,
        ),
        (
            "/api/v1/customers.json",
            Method::GET,
            "/customers.json?count=0".into(),
            None,
            400,
        ),
        (
            "/api/v1/customers/{id}",
            Method::GET,
            "/customers/1.json".into(),
            None,
            404,
        ),
    ];
    for (path, method, url, body, status) in cases {
        let (st, answer) = sp
            .send(
                method.clone(),
                &url,
                &[],
                body.map(|b| b.to_string()).as_deref(),
            )
            .await;
        assert_eq!(st, status, "{url}: {answer}");
        let op = &doc["paths"][path][method.as_str().to_ascii_lowercase()];
        let mut schema =
            op["responses"][status.to_string()]["content"]["application/json"]["schema"].clone();
        assert!(schema.is_object(), "{path} {method} {status} is documented");
        schema["components"] = doc["components"].clone();
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(&answer)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{url}: {errors:?}");
    }
    assert_eq!(
        doc["paths"]["/api/v1/orders/{id}"]["get"]["parameters"][0]["schema"]["pattern"],
        "^[0-9]+(\\.json)?$"
    );
    assert_eq!(
        doc["paths"]["/api/v1/orders.json"]["get"]["security"],
        json!([{"ac_auth_token": []}])
    );
}
