use serde_json::{json, Value};

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

/// A list with `expand=customers` fits the complexity budget at any `limit`: each row embeds
/// its first ⌊750 / limit⌋ members and `customers_count` tells the total; a show embeds up to
/// 250.
#[tokio::test(flavor = "multi_thread")]
async fn a_list_embeds_a_share_of_each_groups_members() {
    let app = spawn().await;
    app.seed("alpha", 60, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let d = app
        .data(
            &s.key,
            "{ customers(first: 40) { nodes { id } } }",
            json!({}),
        )
        .await;
    let ids: Vec<Value> = d["customers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    let (st, big) = s
        .post(
            "/customer_groups",
            json!({"name": "VIP members", "customer_ids": ids}),
        )
        .await;
    assert_eq!(st, 201, "{big}");
    let (st, _) = s
        .post("/customer_groups", json!({"name": "Staff only"}))
        .await;
    assert_eq!(st, 201);

    let (st, l) = s
        .get("/customer_groups?q[name_cont]=VIP&sort=name&expand=customers&page=1&limit=5")
        .await;
    assert_eq!(st, 200, "{l}");
    let row = l["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "VIP members")
        .unwrap()
        .clone();
    assert_eq!(row["customers_count"], 40);
    assert_eq!(
        row["customers"].as_array().unwrap().len(),
        40,
        "150 a row at limit 5"
    );
    assert!(row["customers"][0]["email"].is_string());
    let (st, l) = s
        .get("/customer_groups?q[name_cont]=Staff&expand=customers&limit=5")
        .await;
    assert_eq!(st, 200, "{l}");
    assert_eq!(l["data"][0]["customers"], json!([]));
    for (limit, embedded) in [(25, 30), (100, 7)] {
        let (st, l) = s
            .get(&format!("/customer_groups?expand=customers&limit={limit}"))
            .await;
        assert_eq!(st, 200, "limit {limit}: {l}");
        let row = l["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == "VIP members")
            .unwrap()
            .clone();
        assert_eq!(row["customers_count"], 40);
        assert_eq!(
            row["customers"].as_array().unwrap().len(),
            embedded,
            "limit {limit}"
        );
    }
    let (st, shown) = s
        .get(&format!(
            "/customer_groups/{}?expand=customers",
            big["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(st, 200, "{shown}");
    assert_eq!(shown["customers"].as_array().unwrap().len(), 40);
    // Another merchant sees none of it.
    let rival = Spree::new(&app, "beta", ALL).await;
    let (_, l) = rival
        .get("/customer_groups?expand=customers&limit=100")
        .await;
    assert!(
        l["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["name"] != "VIP members"),
        "{l}"
    );
}
