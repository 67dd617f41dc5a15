//! `priceListUpdate` and `priceListDelete`: partial updates, CONFLICT on a stale timestamp, the
//! window checked on the merged values, bad IDs, and a delete that takes rules and prices along.

use super::{act, create, errors, has, ids, total, Ids};
use crate::common::{spawn, TestApp};
use serde_json::{json, Value};

/// Acme seeded; its price list "Spring" created then updated (renamed "Spring sale", no
/// description, position 7, match ANY, starting 2030-03-01): the app, Acme's IDs, the list as
/// created, and the `priceListUpdate` payload.
async fn spring() -> (TestApp, Ids, Value, Value) {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let l = create(
        &app,
        &a.key,
        json!({ "name": "Spring", "description": "d" }),
    )
    .await["priceList"]
        .clone();
    let p = act(
        &app,
        &a.key,
        "priceListUpdate",
        json!({ "id": l["id"], "input": {
        "name": "Spring sale", "description": null, "position": 7, "matchPolicy": "ANY",
        "startsAt": "2030-03-01T00:00:00Z", "expectedUpdatedAt": l["updatedAt"] } }),
    )
    .await;
    (app, a, l, p)
}

#[tokio::test(flavor = "multi_thread")]
async fn price_list_update_changes_the_given_fields() {
    let (_app, _, l, p) = spring().await;
    assert_eq!(p["userErrors"], json!([]));
    let u = &p["priceList"];
    assert_eq!(
        (
            &u["name"],
            &u["description"],
            &u["position"],
            &u["matchPolicy"]
        ),
        (
            &json!("Spring sale"),
            &Value::Null,
            &json!(7),
            &json!("any")
        )
    );
    assert_ne!(u["updatedAt"], l["updatedAt"]);
}

/// A stale expectedUpdatedAt is a CONFLICT and changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn price_list_update_with_a_stale_timestamp_is_a_conflict() {
    let (app, a, l, _) = spring().await;
    let p = act(
        &app,
        &a.key,
        "priceListUpdate",
        json!({ "id": l["id"], "input": {
        "name": "Lost update", "expectedUpdatedAt": l["updatedAt"] } }),
    )
    .await;
    assert_eq!(
        errors(&p),
        [("input.expectedUpdatedAt".into(), "CONFLICT".into())]
    );
    let now = app
        .data(
            &a.key,
            "query($id: ID!) { priceList(id: $id) { name } }",
            json!({ "id": l["id"] }),
        )
        .await;
    assert_eq!(now["priceList"]["name"], "Spring sale");
}

/// The window is checked on the merged values (an end before the stored start); bad fields
/// are reported; nothing changes.
#[tokio::test(flavor = "multi_thread")]
async fn price_list_update_checks_the_window_on_the_merged_values() {
    let (app, a, l, _) = spring().await;
    let p = act(
        &app,
        &a.key,
        "priceListUpdate",
        json!({ "id": l["id"], "input": {
        "endsAt": "2030-02-01T00:00:00Z", "name": "", "matchPolicy": "ALL" } }),
    )
    .await;
    assert!(
        has(&p, "input.endsAt", "INVALID_WINDOW"),
        "{:?}",
        errors(&p)
    );
    assert!(has(&p, "input.name", "REQUIRED"), "{:?}", errors(&p));
    let now = app
        .data(
            &a.key,
            "query($id: ID!) { priceList(id: $id) { name matchPolicy } }",
            json!({ "id": l["id"] }),
        )
        .await;
    assert_eq!(
        now["priceList"],
        json!({ "name": "Spring sale", "matchPolicy": "any" })
    );
}

/// A malformed ID, or the ID of another kind, is INVALID on update and delete.
#[tokio::test(flavor = "multi_thread")]
async fn malformed_price_list_ids_are_invalid() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let p = act(
        &app,
        &a.key,
        "priceListUpdate",
        json!({ "id": "pl_nope", "input": {} }),
    )
    .await;
    assert_eq!(errors(&p), [("id".into(), "INVALID".into())]);
    let p = act(
        &app,
        &a.key,
        "priceListDelete",
        json!({ "id": a.wholesale.replace("pl_", "cus_") }),
    )
    .await;
    assert_eq!(errors(&p), [("id".into(), "INVALID".into())]);
}

/// Delete takes the list's rules and prices with it; a second delete finds nothing.
#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_price_list_takes_its_prices_along() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let wholesale = json!({ "id": a.wholesale });
    let wholesale_prices =
        "query($id: ID!) { prices(filter: { priceListId: { eq: $id } }) { totalCount } }";
    assert!(total(&app, &a.key, wholesale_prices, wholesale.clone()).await > 0);
    let p = act(
        &app,
        &a.key,
        "priceListDelete",
        json!({ "id": a.wholesale }),
    )
    .await;
    assert_eq!(p["deletedId"], a.wholesale.as_str());
    assert!(p["priceList"].is_null());
    assert_eq!(total(&app, &a.key, wholesale_prices, wholesale).await, 0);
    let gone = app
        .data(
            &a.key,
            "query($id: ID!) { priceList(id: $id) { id } }",
            json!({ "id": a.wholesale }),
        )
        .await;
    assert!(gone["priceList"].is_null());
    let p = act(
        &app,
        &a.key,
        "priceListDelete",
        json!({ "id": a.wholesale }),
    )
    .await;
    assert_eq!(errors(&p), [("id".into(), "NOT_FOUND".into())]);
}
