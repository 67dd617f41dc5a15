//! `GET /promotions/{promotion_id}/coupon_codes/{id}` (the admin SDK's
//! `promotions.couponCodes.get`): one generated code, under its own promotion only.

use serde_json::{json, Value};

use super::{code, Spree, ALL};
use crate::common::spawn;

async fn promotion(s: &Spree<'_>, body: Value) -> String {
    let (st, p) = s.post("/promotions", body).await;
    assert_eq!(st, 201, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coupon_code_is_shown_under_its_own_promotion_only() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let a = promotion(
        &s,
        json!({"name": "A", "multi_codes": true, "number_of_codes": 3, "code_prefix": "A-"}),
    )
    .await;
    let b = promotion(
        &s,
        json!({"name": "B", "multi_codes": true, "number_of_codes": 2, "code_prefix": "B-"}),
    )
    .await;
    let single = promotion(&s, json!({"name": "C", "code": "SINGLE"})).await;
    let (_, page) = s.get(&format!("/promotions/{a}/coupon_codes")).await;
    let listed = page["data"][1].clone();
    let id = listed["id"].as_str().unwrap();

    let (st, shown) = s.get(&format!("/promotions/{a}/coupon_codes/{id}")).await;
    assert_eq!((st, &shown), (200, &listed), "{shown}");
    let (st, narrow) = s
        .get(&format!("/promotions/{a}/coupon_codes/{id}?fields=code"))
        .await;
    assert_eq!(st, 200, "{narrow}");
    assert_eq!(narrow, json!({"id": id, "code": listed["code"]}));

    for path in [
        format!("/promotions/{b}/coupon_codes/{id}"),
        format!("/promotions/{single}/coupon_codes/{id}"),
        format!("/promotions/promo_UkLWZg9DAJ/coupon_codes/{id}"),
        format!("/promotions/{a}/coupon_codes/cc_UkLWZg9DAJ"),
        format!("/promotions/{a}/coupon_codes/{b}"),
    ] {
        let (st, e) = s.get(&path).await;
        assert_eq!((st, code(&e)), (404, "record_not_found"), "{path}: {e}");
    }
    let (st, e) = s
        .get(&format!("/promotions/{a}/coupon_codes/{id}?expand=order"))
        .await;
    assert_eq!(st, 400, "{e}");

    // Another merchant's code is not found; the route needs read_promotions.
    let beta = Spree::new(&app, "beta", ALL).await;
    let (st, _) = beta
        .get(&format!("/promotions/{a}/coupon_codes/{id}"))
        .await;
    assert_eq!(st, 404);
    let orders = Spree::new(&app, "alpha", "read_orders").await;
    let (st, e) = orders
        .get(&format!("/promotions/{a}/coupon_codes/{id}"))
        .await;
    assert_eq!((st, code(&e)), (403, "access_denied"), "{e}");
}
