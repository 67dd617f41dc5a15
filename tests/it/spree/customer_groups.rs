use serde_json::json;

use super::{code, Spree, ALL};
use crate::common::spawn;

#[tokio::test(flavor = "multi_thread")]
async fn groups_take_their_members_on_create_and_replace_them_on_update() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let (_, c) = s
            .post("/customers", json!({"email": format!("m{i}@example.com")}))
            .await;
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    let (st, g) = s
        .post(
            "/customer_groups",
            json!({"name": "Wholesale", "description": "B2B", "customer_ids": [ids[0], ids[1]]}),
        )
        .await;
    assert_eq!(st, 201, "{g}");
    assert_eq!(g["customers_count"], 2);
    let gid = g["id"].as_str().unwrap();
    let (st, g) = s
        .patch(
            &format!("/customer_groups/{gid}"),
            json!({"customer_ids": [ids[2]]}),
        )
        .await;
    assert_eq!(st, 200, "{g}");
    assert_eq!(g["customers_count"], 1);
    let (_, g) = s
        .get(&format!("/customer_groups/{gid}?expand=customers"))
        .await;
    assert_eq!(g["customers"][0]["id"], ids[2]);
    let (_, list) = s.get("/customer_groups?q[name_cont]=whole").await;
    assert_eq!(list["meta"]["count"], 1);
    let (st, e) = s.post("/customer_groups", json!({"name": ""})).await;
    assert_eq!(st, 422, "{e}");
    assert_eq!(code(&e), "validation_error");
    assert!(e["error"]["details"]["name"].is_array());
    let (st, _) = s.delete(&format!("/customer_groups/{gid}")).await;
    assert_eq!(st, 204);
    let (st, _) = s.get(&format!("/customer_groups/{gid}")).await;
    assert_eq!(st, 404);
}
