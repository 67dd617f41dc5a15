//! `GET /openapi.json` documents every REST route served; its snapshot changes with the routes.

use serde_json::Value;

use crate::common::spawn;

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_lists_every_served_route() {
    let app = spawn().await;
    let res = app.http.get(app.url("/openapi.json")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut operations = 0;
    for route in commerce_gateway::rest::DIALECTS
        .iter()
        .flat_map(|d| d.routes.iter())
        .flat_map(|g| g.iter())
    {
        let op = &doc["paths"][route.path][route.method.as_str().to_ascii_lowercase()];
        assert_eq!(
            op["operationId"], route.operation_id,
            "{} {}",
            route.method, route.path
        );
        operations += 1;
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented, operations,
        "no route is documented that is not served"
    );
    // Field types come from the GraphQL schema.
    let customer = &doc["components"]["schemas"]["Customer"]["properties"];
    assert_eq!(customer["email"]["type"], "string");
    assert_eq!(
        customer["first_name"]["type"],
        serde_json::json!(["string", "null"])
    );
    assert_eq!(customer["orders_count"]["type"], "integer");
    // Each dialect documents its own error body.
    assert_eq!(
        doc["paths"]["/api/integrations/v1/stores"]["put"]["responses"]["400"]["content"]
            ["application/json"]["schema"]["$ref"],
        "#/components/schemas/FiresparkError"
    );
    crate::assert_body_snapshot!("spree_openapi", doc);
}
