//! Publication windows: `POST /channels/{id}/add_products` with `published_at` /
//! `unpublished_at`, and `PATCH /products/{id}` with `product_publications` (the product's
//! whole set, reconciled in the product's transaction), read back through GraphQL's
//! `Product.publications`; bad windows named, nothing written; scopes and other merchants.

use serde_json::{json, Value};

use super::{code, Spree, ALL};
use crate::common::spawn;

async fn channel(s: &Spree<'_>, name: &str) -> String {
    let (st, c) = s.post("/channels", json!({ "name": name })).await;
    assert_eq!(st, 201, "{c}");
    c["id"].as_str().unwrap().to_owned()
}

async fn product(s: &Spree<'_>, body: Value) -> String {
    let (st, p) = s.post("/products", body).await;
    assert_eq!(st, 201, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

/// The product's publications as GraphQL reads them: (channel, publishedAt, unpublishedAt,
/// live), by channel name.
async fn publications(s: &Spree<'_>, product: &str) -> Vec<(String, String, Value, bool)> {
    let d = s
        .app
        .data(
            &s.key,
            "query($id: ID!) { node(id: $id) { ... on Product { publications { channelId \
             channel { id } publishedAt unpublishedAt live } } } }",
            json!({ "id": product }),
        )
        .await;
    d["node"]["publications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["channel"]["id"], p["channelId"]);
            (
                p["channelId"].as_str().unwrap().to_owned(),
                p["publishedAt"].as_str().unwrap().to_owned(),
                p["unpublishedAt"].clone(),
                p["live"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn add_products_publishes_within_a_window() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let web = channel(&s, "Web").await;
    let p = product(&s, json!({"name": "Tee"})).await;
    let path = format!("/channels/{web}/add_products");

    // Scheduled: listed on the channel, not live yet.
    let (st, r) = s
        .post(
            &path,
            json!({"product_ids": [p], "published_at": "2031-01-01T00:00:00Z",
                   "unpublished_at": "2032-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!((st, r), (200, json!({"product_count": 1})));
    let got = publications(&s, &p).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].1.starts_with("2031-01-01T00:00:00"), "{got:?}");
    assert!(
        got[0].2.as_str().unwrap().starts_with("2032-01-01"),
        "{got:?}"
    );
    assert!(!got[0].3, "not live before its start");
    let (_, shown) = s.get(&format!("/products/{p}?expand=channels")).await;
    assert_eq!(shown["channels"][0]["id"], json!(web), "{shown}");

    // Re-published without a window: live now and until removed.
    let (st, _) = s.post(&path, json!({"product_ids": [p]})).await;
    assert_eq!(st, 200);
    let got = publications(&s, &p).await;
    assert_eq!(got[0].2, Value::Null);
    assert!(got[0].3, "live: {got:?}");
    let started = got[0].1.clone();
    // A window ending later keeps the start already reached.
    let (st, _) = s
        .post(
            &path,
            json!({"product_ids": [p], "unpublished_at": "2040-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(st, 200);
    let got = publications(&s, &p).await;
    assert_eq!(got[0].1, started);
    assert!(got[0].2.as_str().unwrap().starts_with("2040"), "{got:?}");
    // A window in the past: listed, ended.
    let (st, _) = s
        .post(
            &path,
            json!({"product_ids": [p], "published_at": "2020-01-01T00:00:00Z",
                   "unpublished_at": "2021-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(st, 200);
    assert!(!publications(&s, &p).await[0].3);

    // Bad windows are named; nothing changes.
    let before = publications(&s, &p).await;
    for (body, status, field) in [
        (
            json!({"product_ids": [p], "published_at": "2031-01-01T00:00:00Z",
                   "unpublished_at": "2030-01-01T00:00:00Z"}),
            422,
            "unpublished_at",
        ),
        (
            json!({"product_ids": [p], "unpublished_at": "2001-01-01T00:00:00Z"}),
            422,
            "unpublished_at",
        ),
        (
            json!({"product_ids": [p], "published_at": "next tuesday"}),
            400,
            "published_at",
        ),
        (
            json!({"product_ids": [p], "published_at": 2031}),
            400,
            "published_at",
        ),
    ] {
        let (st, e) = s.post(&path, body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(e["error"]["details"][field].is_array(), "{body}: {e}");
    }
    // remove_products takes no window.
    let (st, e) = s
        .post(
            &format!("/channels/{web}/remove_products"),
            json!({"product_ids": [p], "published_at": null}),
        )
        .await;
    assert_eq!(st, 400, "{e}");
    assert_eq!(publications(&s, &p).await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_product_update_reconciles_its_publications() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (web, pos, app_channel) = (
        channel(&s, "Web").await,
        channel(&s, "Pos").await,
        channel(&s, "App").await,
    );
    let p = product(
        &s,
        json!({"name": "Tee", "product_publications": [{"channel_id": web}, {"channel_id": pos}]}),
    )
    .await;
    let path = format!("/products/{p}");
    let started_on_pos = publications(&s, &p)
        .await
        .into_iter()
        .find(|x| x.0 == pos)
        .unwrap()
        .1;

    // What the admin SDK's `ProductUpdateParams` sends: the whole set.
    let (st, up) = s
        .patch(
            &path,
            json!({"name": "Tee 2", "product_publications": [
                {"channel_id": pos},
                {"channel_id": app_channel, "published_at": "2031-01-01T00:00:00Z", "unpublished_at": null}]}),
        )
        .await;
    assert_eq!(st, 200, "{up}");
    let got = publications(&s, &p).await;
    let channels: Vec<&str> = got.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(channels, [app_channel.as_str(), pos.as_str()], "{got:?}");
    assert_eq!((got[0].3, got[1].3), (false, true), "{got:?}");
    assert_eq!(
        got[1].1, started_on_pos,
        "a live publication keeps its start"
    );
    let (_, shown) = s.get(&format!("{path}?expand=channels")).await;
    assert_eq!(shown["channels"].as_array().unwrap().len(), 2, "{shown}");

    // Refused as a whole: the other fields are not written either.
    let beta = Spree::new(&app, "beta", ALL).await;
    let theirs = channel(&beta, "Web").await;
    let before = (s.get(&path).await.1, publications(&s, &p).await);
    for (body, status, field) in [
        (
            json!({"name": "Not written", "product_publications": [{"channel_id": web}, {"channel_id": theirs}]}),
            422,
            "product_publications[1].channel_id",
        ),
        (
            json!({"name": "Not written", "product_publications": [{"channel_id": web,
                   "published_at": "2031-01-02T00:00:00Z", "unpublished_at": "2031-01-01T00:00:00Z"}]}),
            422,
            "product_publications[0].unpublished_at",
        ),
        (
            json!({"name": "Not written", "product_publications": [{"channel_id": pos}, {"channel_id": pos}]}),
            422,
            "product_publications[1].channel_id",
        ),
        (
            json!({"name": "Not written", "product_publications": [{"channel_id": web, "when": "now"}]}),
            400,
            "product_publications[0].when",
        ),
    ] {
        let (st, e) = s.patch(&path, body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(e["error"]["details"][field].is_array(), "{body}: {e}");
    }
    let catalog = Spree::new(&app, "alpha", "read_products,write_products").await;
    let (st, e) = catalog
        .patch(
            &path,
            json!({"name": "Not written", "product_publications": []}),
        )
        .await;
    assert_eq!((st, code(&e)), (403, "access_denied"), "{e}");
    // Another merchant cannot reach the product at all.
    let (st, _) = beta
        .patch(
            &path,
            json!({"product_publications": [{"channel_id": theirs}]}),
        )
        .await;
    assert_eq!(st, 404);
    assert_eq!((s.get(&path).await.1, publications(&s, &p).await), before);

    // `[]` unpublishes it everywhere; without the field nothing changes.
    let (st, _) = s
        .patch(
            &path,
            json!({"product_publications": [{"channel_id": web}]}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, _) = s.patch(&path, json!({"name": "Tee 3"})).await;
    assert_eq!(st, 200);
    assert_eq!(publications(&s, &p).await.len(), 1);
    let (st, _) = s.patch(&path, json!({"product_publications": []})).await;
    assert_eq!(st, 200);
    assert!(publications(&s, &p).await.is_empty());
}
