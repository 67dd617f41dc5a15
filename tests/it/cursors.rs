//! Page cursors are signed: a cursor comes back exactly as the list issued it, or it is
//! refused with BAD_USER_INPUT naming `after`/`before` — never silently read as another position.

use crate::common::{error_code, spawn, spawn_with};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

const ALL: &str = "customers:read,orders:read,stores:read,catalog:read";
const PAGE: &str = "query($c: String, $b: String) { orders(first: 3, after: $c, before: $b, sort: { field: CREATED_AT, direction: ASC }) { nodes { number } pageInfo { endCursor } } }";

fn refused(body: &Value, arg: &str) {
    assert_eq!(error_code(body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], arg, "{body}");
    assert!(
        body["data"].is_null() || body["data"]["orders"].is_null(),
        "{body}"
    );
}

/// The cursor with its JSON payload rewritten by `edit`, keeping the original tag bytes.
fn tampered(cursor: &str, edit: impl Fn(&mut Value)) -> String {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).expect("base64 cursor");
    // The payload is followed by a 16-byte tag.
    let (payload, tag) = bytes.split_at(bytes.len() - 16);
    let mut data: Value = serde_json::from_slice(payload).expect("json");
    edit(&mut data);
    let mut out = serde_json::to_vec(&data).unwrap();
    out.extend_from_slice(tag);
    URL_SAFE_NO_PAD.encode(out)
}

#[tokio::test(flavor = "multi_thread")]
async fn edited_cursors_are_refused_and_untouched_ones_page_on() {
    let app = spawn().await;
    app.seed("acme", 5, 12).await;
    let key = app.api_key("acme", ALL).await;
    let first = app.data(&key, PAGE, json!({})).await;
    let cursor = first["orders"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap()
        .to_owned();

    // Unchanged: the next page follows on.
    let next = app.data(&key, PAGE, json!({ "c": cursor })).await;
    assert_eq!(next["orders"]["nodes"].as_array().unwrap().len(), 3);
    assert_ne!(next["orders"]["nodes"][0], first["orders"]["nodes"][0]);

    // The sort value moved, the row's ID swapped, the payload re-encoded: all refused.
    let other_id = app
        .data(
            &key,
            "{ orders(first: 1, sort: { field: CREATED_AT, direction: DESC }) { nodes { id } } }",
            json!({}),
        )
        .await["orders"]["nodes"][0]["id"]
        .clone();
    let edits = [
        tampered(&cursor, |d| d["v"] = json!("2001-01-01T00:00:00Z")),
        tampered(&cursor, |d| d["id"] = other_id.clone()),
        tampered(&cursor, |_| {}).replace('A', "B"),
        cursor[..cursor.len() - 3].to_owned(),
        format!("{cursor}AA"),
        URL_SAFE_NO_PAD.encode(br#"{"s":"created_at","v":"2001-01-01T00:00:00Z","id":"or_x"}"#),
    ];
    for (i, edited) in edits.iter().enumerate() {
        if edited == &cursor {
            continue;
        }
        let body = app.gql(&key, PAGE, json!({ "c": edited })).await;
        refused(&body, "after");
        let body = app.gql(&key, PAGE, json!({ "b": edited })).await;
        refused(&body, "before");
        assert!(
            !body.to_string().contains("R0"),
            "edit {i} leaked rows: {body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cursors_survive_a_restart_with_the_same_secret_but_not_another() {
    let app = spawn().await;
    app.seed("acme", 5, 8).await;
    let key = app.api_key("acme", ALL).await;
    let cursor = app.data(&key, PAGE, json!({})).await["orders"]["pageInfo"]["endCursor"].clone();

    // Another gateway on the same database and secret (a restart, or another node) accepts it.
    let twin = spawn_with(|c| c.database_url = app.db_url.clone()).await;
    let page = twin.data(&key, PAGE, json!({ "c": cursor })).await;
    assert_eq!(page["orders"]["nodes"].as_array().unwrap().len(), 3);

    // One signing with another secret does not.
    let other = spawn_with(|c| {
        c.database_url = app.db_url.clone();
        c.jwt.secret = Some("another-secret-another-secret-another-secret".into());
    })
    .await;
    let body = other.gql(&key, PAGE, json!({ "c": cursor })).await;
    refused(&body, "after");
}
