//! Customer groups: create (trimmed, unique case-insensitively), membership, updates checked
//! against `expectedUpdatedAt` (in the input or as an argument), tenant scope, delete.

use super::RW;
use crate::common::{spawn, TestApp};
use serde_json::{json, Value};

const ADD: &str = "mutation($id: ID!, $c: [ID!]!) { customerGroupAddCustomers(id: $id, customerIds: $c) { customerGroup { customers { id } } userErrors { field code } } }";

const UPDATE: &str = "mutation($id: ID!, $at: DateTime) { customerGroupUpdate(id: $id, input: { name: \"Trade accounts\", description: null, expectedUpdatedAt: $at }) { customerGroup { name description } userErrors { code } } }";

const UPDATE_ARG: &str = "mutation($id: ID!, $at: DateTime, $inner: DateTime) { customerGroupUpdate(id: $id, expectedUpdatedAt: $at, input: { name: \"Trade partners\", expectedUpdatedAt: $inner }) { customerGroup { name updatedAt } userErrors { field code } } }";

const DELETE: &str =
    "mutation($id: ID!) { customerGroupDelete(id: $id) { deletedId userErrors { code } } }";

/// Alpha (4 seeded customers, groups VIP…) creates the group " Trade ": the app, Alpha's and
/// Beta's keys, the group as created, Alpha's customer IDs.
struct Trade {
    app: TestApp,
    a: String,
    b: String,
    g: Value,
    ids: Vec<Value>,
}

async fn trade() -> Trade {
    let app = spawn().await;
    app.seed("alpha", 4, 0).await;
    let a = app.api_key("alpha", RW).await;
    let b = app.api_key("beta", RW).await;
    let d = app.data(&a, r#"mutation { customerGroupCreate(input: { name: " Trade ", description: "B2B" }) { customerGroup { id name description updatedAt } userErrors { field code } } }"#, json!({})).await;
    let g = d["customerGroupCreate"]["customerGroup"].clone();
    let customers = app
        .data(&a, "{ customers { nodes { id } } }", json!({}))
        .await;
    let ids: Vec<Value> = customers["customers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    Trade { app, a, b, g, ids }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_group_name_is_trimmed_and_unique_case_insensitively() {
    let Trade { app, a, g, .. } = trade().await;
    assert_eq!(g["name"], "Trade", "trimmed");
    let d = app.data(&a, r#"mutation { customerGroupCreate(input: { name: "vip" }) { customerGroup { id } userErrors { field code } } }"#, json!({})).await;
    assert_eq!(
        d["customerGroupCreate"]["userErrors"],
        json!([{ "field": ["input", "name"], "code": "TAKEN" }]),
        "VIP exists, case-insensitive"
    );
}

/// Adding names each unknown customer and adds the others; removing drops the given ones.
#[tokio::test(flavor = "multi_thread")]
async fn members_are_added_past_unknown_ids_and_removed() {
    let Trade { app, a, g, ids, .. } = trade().await;
    let d = app
        .data(
            &a,
            ADD,
            json!({ "id": g["id"], "c": [ids[0], ids[1], "cus_nope"] }),
        )
        .await;
    assert_eq!(
        d["customerGroupAddCustomers"]["userErrors"][0]["field"],
        json!(["customerIds", "2"])
    );
    assert_eq!(
        d["customerGroupAddCustomers"]["customerGroup"]["customers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let d = app.data(&a, "mutation($id: ID!, $c: [ID!]!) { customerGroupRemoveCustomers(id: $id, customerIds: $c) { customerGroup { customers { id } } } }", json!({ "id": g["id"], "c": [ids[0]] })).await;
    assert_eq!(
        d["customerGroupRemoveCustomers"]["customerGroup"]["customers"],
        json!([{ "id": ids[1] }])
    );
}

/// A stale `input.expectedUpdatedAt` is a CONFLICT; the current one updates (null clears).
#[tokio::test(flavor = "multi_thread")]
async fn group_update_checks_the_expected_updated_at_of_its_input() {
    let Trade { app, a, g, .. } = trade().await;
    let d = app
        .data(
            &a,
            UPDATE,
            json!({ "id": g["id"], "at": "2000-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(
        d["customerGroupUpdate"]["userErrors"][0]["code"],
        "CONFLICT"
    );
    let d = app
        .data(&a, UPDATE, json!({ "id": g["id"], "at": g["updatedAt"] }))
        .await;
    assert_eq!(
        d["customerGroupUpdate"]["customerGroup"],
        json!({ "name": "Trade accounts", "description": null })
    );
}

/// Like every single-row update, it also takes `expectedUpdatedAt` as an argument: the
/// CONFLICT then names the argument, and two different values are refused.
#[tokio::test(flavor = "multi_thread")]
async fn group_update_takes_expected_updated_at_as_an_argument_too() {
    let Trade { app, a, g, .. } = trade().await;
    // An update makes the creation's timestamp stale.
    app.data(&a, UPDATE, json!({ "id": g["id"], "at": g["updatedAt"] }))
        .await;
    let d = app
        .data(
            &a,
            UPDATE_ARG,
            json!({ "id": g["id"], "at": g["updatedAt"] }),
        )
        .await;
    assert_eq!(
        d["customerGroupUpdate"]["userErrors"],
        json!([{ "field": ["expectedUpdatedAt"], "code": "CONFLICT" }])
    );
    let d = app
        .data(
            &a,
            UPDATE_ARG,
            json!({ "id": g["id"], "at": "2000-01-01T00:00:00Z", "inner": "2001-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(
        d["customerGroupUpdate"]["userErrors"],
        json!([{ "field": ["expectedUpdatedAt"], "code": "INVALID" }])
    );
    let current = app
        .data(
            &a,
            "query($id: ID!) { node(id: $id) { ... on CustomerGroup { updatedAt } } }",
            json!({ "id": g["id"] }),
        )
        .await["node"]["updatedAt"]
        .clone();
    let d = app
        .data(&a, UPDATE_ARG, json!({ "id": g["id"], "at": current }))
        .await;
    assert_eq!(d["customerGroupUpdate"]["userErrors"], json!([]));
    assert_eq!(
        d["customerGroupUpdate"]["customerGroup"]["name"],
        "Trade partners"
    );
}

/// Another merchant can neither delete the group nor add (its own) customers to it.
#[tokio::test(flavor = "multi_thread")]
async fn another_merchant_cannot_delete_the_group_or_add_to_it() {
    let Trade { app, b, g, ids, .. } = trade().await;
    let d = app.data(&b, DELETE, json!({ "id": g["id"] })).await;
    assert_eq!(
        d["customerGroupDelete"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let d = app
        .data(&b, ADD, json!({ "id": g["id"], "c": [ids[2]] }))
        .await;
    assert_eq!(
        d["customerGroupAddCustomers"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
}

/// Deleting a group removes it, not its members.
#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_group_keeps_its_members() {
    let Trade { app, a, g, ids, .. } = trade().await;
    app.data(&a, ADD, json!({ "id": g["id"], "c": [ids[0], ids[1]] }))
        .await;
    let d = app.data(&a, DELETE, json!({ "id": g["id"] })).await;
    assert_eq!(d["customerGroupDelete"]["deletedId"], g["id"]);
    let d = app
        .data(
            &a,
            "query($id: ID!) { customerGroup(id: $id) { id } customers { totalCount } }",
            json!({ "id": g["id"] }),
        )
        .await;
    assert_eq!(d["customerGroup"], Value::Null);
    assert_eq!(d["customers"]["totalCount"], 4, "members stay");
}

/// `customerGroupAddCustomers(idempotencyKey:)`: a retry replays the first result (the member
/// removed in between is not added again); the key with other customers is refused.
#[tokio::test(flavor = "multi_thread")]
async fn adding_members_with_an_idempotency_key_replays_and_refuses_another_request() {
    let Trade { app, a, g, ids, .. } = trade().await;
    const KEYED: &str = "mutation($id: ID!, $c: [ID!]!, $key: String) { customerGroupAddCustomers(id: $id, customerIds: $c, idempotencyKey: $key) { customerGroup { customers { id } } userErrors { field code } } }";
    let vars = json!({ "id": g["id"], "c": [ids[0]], "key": "members-1" });
    let d = app.data(&a, KEYED, vars.clone()).await;
    assert_eq!(
        d["customerGroupAddCustomers"]["customerGroup"]["customers"],
        json!([{ "id": ids[0] }])
    );
    let removed = app.data(&a, "mutation($id: ID!, $c: [ID!]!) { customerGroupRemoveCustomers(id: $id, customerIds: $c) { userErrors { code } } }", json!({ "id": g["id"], "c": [ids[0]] })).await;
    assert_eq!(
        removed["customerGroupRemoveCustomers"]["userErrors"],
        json!([])
    );
    let d = app.data(&a, KEYED, vars).await;
    assert_eq!(d["customerGroupAddCustomers"]["userErrors"], json!([]));
    assert_eq!(
        d["customerGroupAddCustomers"]["customerGroup"]["customers"],
        json!([]),
        "the retry wrote nothing"
    );
    let d = app
        .data(
            &a,
            KEYED,
            json!({ "id": g["id"], "c": [ids[1]], "key": "members-1" }),
        )
        .await;
    assert_eq!(
        d["customerGroupAddCustomers"]["userErrors"],
        json!([{ "field": ["idempotencyKey"], "code": "IDEMPOTENCY_KEY_REUSED" }])
    );
}
