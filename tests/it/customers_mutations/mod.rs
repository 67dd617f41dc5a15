//! Customer writes: bulk create/update/delete with field-path errors, error policies,
//! idempotency keys, optimistic concurrency, tags, and tenant isolation.

use crate::common;

use crate::common::{error_code, spawn};
use diesel_async::RunQueryDsl;
use serde_json::{json, Value};

mod create;
mod groups;

const RW: &str = "customers:write,orders:read";

const CREATE: &str =
    "mutation($input: [CustomerCreateInput!]!, $policy: ErrorPolicy, $key: String) {
  customersCreate(input: $input, errorPolicy: $policy, idempotencyKey: $key) {
    customers { id email tags customerGroups { name } }
    results { index customer { id } userErrors { field code message } }
    userErrors { field code message } } }";

const UPDATE: &str = "mutation($input: [CustomerUpdateInput!]!, $policy: ErrorPolicy) {
  customersUpdate(input: $input, errorPolicy: $policy) {
    customers { id email firstName lastName phone tags updatedAt }
    userErrors { field code message } } }";

async fn count(app: &common::TestApp, key: &str) -> i64 {
    app.data(key, "{ customers { totalCount } }", json!({}))
        .await["customers"]["totalCount"]
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn thousand_customers_in_one_mutation() {
    let app = spawn().await;
    let key = app.token("acme", RW).await;
    let input: Vec<Value> = (0..1000)
        .map(|i| json!({ "email": format!("bulk{i}@example.com"), "firstName": "Bulk", "tags": ["import"], "metadata": { "row": i } }))
        .collect();
    let started = std::time::Instant::now();
    let before = app.statements();
    let d = app.data(&key, CREATE, json!({ "input": input })).await;
    let statements = app.statements() - before;
    println!(
        "customersCreate of 1000: {:?}, {statements} statements",
        started.elapsed()
    );
    assert_eq!(
        d["customersCreate"]["customers"].as_array().unwrap().len(),
        1000
    );
    assert!(
        statements < 20,
        "bulk writes are multi-row statements, got {statements}"
    );
    assert_eq!(count(&app, &key).await, 1000);

    // The table went from empty to 1,000 rows and then 2,000: its planner statistics are
    // refreshed in the background (uncounted), so the next batch's email lookup is planned
    // on the real size.
    let more: Vec<Value> = (1000..2000)
        .map(|i| json!({ "email": format!("bulk{i}@example.com") }))
        .collect();
    let before = app.statements();
    let d = app.data(&key, CREATE, json!({ "input": more })).await;
    assert_eq!(d["customersCreate"]["userErrors"], json!([]));
    let sent = app.statements() - before;
    let mut conn = app.conn().await;
    let mut analyzed = false;
    for _ in 0..100 {
        let rows: Vec<Analyzed> = diesel::sql_query(
            "SELECT last_analyze IS NOT NULL AS done FROM pg_stat_user_tables WHERE relname = 'customers'",
        )
        .load(&mut conn)
        .await
        .unwrap();
        if rows.iter().any(|r| r.done) {
            analyzed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(analyzed, "customers was analyzed after the bulk import");
    assert_eq!(
        app.statements() - before,
        sent,
        "background housekeeping is not counted as request statements"
    );
}

#[derive(diesel::QueryableByName)]
struct Analyzed {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    done: bool,
}

#[tokio::test(flavor = "multi_thread")]
async fn update_keeps_omitted_fields_detects_conflicts_and_stays_in_its_tenant() {
    let app = spawn().await;
    app.seed("alpha", 5, 0).await;
    app.seed("beta", 2, 0).await;
    let a = app.api_key("alpha", RW).await;
    let b = app.api_key("beta", RW).await;
    let c = &app.data(&a, r#"{ customers(filter: { email: { eq: "customer1@example.com" } }) { nodes { id firstName lastName phone tags updatedAt } } }"#, json!({})).await["customers"]["nodes"][0].clone();

    let d = app
        .data(
            &a,
            UPDATE,
            json!({ "input": [{ "id": c["id"], "firstName": "Renamed", "phone": null }] }),
        )
        .await;
    let u = &d["customersUpdate"]["customers"][0];
    assert_eq!(d["customersUpdate"]["userErrors"], json!([]));
    assert_eq!(u["firstName"], "Renamed");
    assert_eq!(
        u["lastName"], c["lastName"],
        "omitted fields keep their values"
    );
    assert_eq!(u["phone"], Value::Null, "null clears");
    assert_eq!(u["tags"], c["tags"]);

    // A stale expectedUpdatedAt is a CONFLICT and writes nothing.
    let d = app.data(&a, UPDATE, json!({ "input": [{ "id": c["id"], "expectedUpdatedAt": c["updatedAt"], "lastName": "Stale" }] })).await;
    assert_eq!(d["customersUpdate"]["userErrors"][0]["code"], "CONFLICT");
    assert_eq!(
        d["customersUpdate"]["userErrors"][0]["field"],
        json!(["input", "0", "expectedUpdatedAt"])
    );
    let d = app.data(&a, UPDATE, json!({ "input": [{ "id": c["id"], "expectedUpdatedAt": u["updatedAt"], "lastName": "Fresh" }] })).await;
    assert_eq!(d["customersUpdate"]["customers"][0]["lastName"], "Fresh");

    // Taking another customer's email is refused.
    let d = app
        .data(
            &a,
            UPDATE,
            json!({ "input": [{ "id": c["id"], "email": "CUSTOMER2@example.com" }] }),
        )
        .await;
    assert_eq!(d["customersUpdate"]["userErrors"][0]["code"], "TAKEN");

    // Merchant B cannot reach A's customer: NOT_FOUND, and A's row is unchanged.
    let d = app
        .data(
            &b,
            UPDATE,
            json!({ "input": [{ "id": c["id"], "firstName": "Hijacked" }] }),
        )
        .await;
    assert_eq!(d["customersUpdate"]["userErrors"][0]["code"], "NOT_FOUND");
    let d = app.data(&b, "mutation($ids: [ID!]!) { customersDelete(ids: $ids) { deletedIds userErrors { code } } customersAddTags(ids: $ids, tags: [\"x\"]) { userErrors { code } } }", json!({ "ids": [c["id"]] })).await;
    assert_eq!(d["customersDelete"]["userErrors"][0]["code"], "NOT_FOUND");
    assert_eq!(d["customersAddTags"]["userErrors"][0]["code"], "NOT_FOUND");
    let after = app
        .data(
            &a,
            "query($id: ID!) { customer(id: $id) { firstName lastName tags } }",
            json!({ "id": c["id"] }),
        )
        .await;
    assert_eq!(after["customer"]["firstName"], "Renamed");
    assert_eq!(after["customer"]["lastName"], "Fresh");
    assert!(!after["customer"]["tags"]
        .as_array()
        .unwrap()
        .contains(&json!("x")));

    let d = app
        .data(&a, UPDATE, json!({ "input": [{ "id": "or_garbage" }] }))
        .await;
    assert_eq!(
        d["customersUpdate"]["userErrors"][0]["field"],
        json!(["input", "0", "id"])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_refuses_customers_with_completed_orders_and_tags_change_in_bulk() {
    let app = spawn().await;
    app.seed("acme", 30, 60).await;
    let key = app.api_key("acme", RW).await;
    app.data(
        &key,
        CREATE,
        json!({ "input": [{ "email": "idle@example.com" }] }),
    )
    .await;
    let d = app
        .data(
            &key,
            "{ customers(first: 40) { nodes { id ordersCount orders(first: 5) { status } } } }",
            json!({}),
        )
        .await;
    let nodes = d["customers"]["nodes"].as_array().unwrap();
    let buyer = nodes
        .iter()
        .find(|c| c["ordersCount"].as_i64().unwrap() > 0)
        .unwrap();
    let idle = nodes
        .iter()
        .find(|c| c["orders"].as_array().unwrap().is_empty())
        .unwrap();
    let q = "mutation($ids: [ID!]!, $p: ErrorPolicy) { customersDelete(ids: $ids, errorPolicy: $p) { deletedIds userErrors { field code } } }";
    let d = app
        .data(&key, q, json!({ "ids": [buyer["id"], idle["id"]] }))
        .await;
    assert_eq!(d["customersDelete"]["deletedIds"], json!([]));
    assert_eq!(
        d["customersDelete"]["userErrors"],
        json!([{ "field": ["ids", "0"], "code": "HAS_COMPLETED_ORDERS" }])
    );
    let d = app
        .data(
            &key,
            q,
            json!({ "ids": [buyer["id"], idle["id"]], "p": "REJECT_FAILED_ROWS" }),
        )
        .await;
    assert_eq!(d["customersDelete"]["deletedIds"], json!([idle["id"]]));
    let gone = app
        .data(
            &key,
            "query($id: ID!) { customer(id: $id) { id } }",
            json!({ "id": idle["id"] }),
        )
        .await;
    assert_eq!(gone["customer"], Value::Null);

    let ids: Vec<Value> = nodes
        .iter()
        .take(3)
        .map(|c| c["id"].clone())
        .filter(|id| *id != idle["id"])
        .collect();
    let d = app.data(&key, "mutation($ids: [ID!]!) { customersAddTags(ids: $ids, tags: [\"gold\", \" gold \", \"vip\"]) { customers { tags } userErrors { code } } }", json!({ "ids": ids })).await;
    for c in d["customersAddTags"]["customers"].as_array().unwrap() {
        let tags = c["tags"].as_array().unwrap();
        assert_eq!(tags.iter().filter(|t| **t == "gold").count(), 1);
    }
    let d = app.data(&key, "mutation($ids: [ID!]!) { customersRemoveTags(ids: $ids, tags: [\"gold\"]) { customers { tags } } }", json!({ "ids": ids })).await;
    for c in d["customersRemoveTags"]["customers"].as_array().unwrap() {
        assert!(!c["tags"].as_array().unwrap().contains(&json!("gold")));
    }
    let d = app.data(&key, "mutation($ids: [ID!]!) { customersAddTags(ids: $ids, tags: [\"\"]) { userErrors { field code } } }", json!({ "ids": ids })).await;
    assert_eq!(
        d["customersAddTags"]["userErrors"][0]["field"],
        json!(["tags", "0"])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotency_key_replays_the_first_result() {
    let app = spawn().await;
    let key = app.api_key("acme", RW).await;
    let vars =
        json!({ "input": [{ "email": "once@example.com" }], "key": "import-2026-11-23-001" });
    let first = app.data(&key, CREATE, vars.clone()).await;
    let again = app.data(&key, CREATE, vars.clone()).await;
    assert_eq!(first, again, "the retry returns the first result");
    assert_eq!(count(&app, &key).await, 1, "and writes nothing");

    // Concurrent retries: still one row.
    let vars2 = json!({ "input": [{ "email": "race@example.com" }], "key": "race-1" });
    let (r1, r2) = tokio::join!(
        app.data(&key, CREATE, vars2.clone()),
        app.data(&key, CREATE, vars2.clone())
    );
    assert_eq!(
        r1["customersCreate"]["customers"][0]["id"],
        r2["customersCreate"]["customers"][0]["id"]
    );
    assert_eq!(count(&app, &key).await, 2);

    let other = app.data(&key, CREATE, json!({ "input": [{ "email": "different@example.com" }], "key": "import-2026-11-23-001" })).await;
    assert_eq!(
        other["customersCreate"]["userErrors"][0]["field"],
        json!(["idempotencyKey"])
    );
    assert_eq!(
        other["customersCreate"]["userErrors"][0]["code"],
        "IDEMPOTENCY_KEY_REUSED"
    );
    assert_eq!(count(&app, &key).await, 2);
}

/// PostgreSQL stores no NUL character (U+0000) in `text` or `jsonb`; one used to reach a
/// statement and fail it with INTERNAL. Wherever it is — a mutation field, a JSON metadata key
/// or value, an idempotency key, an ID, a filter, a search, a literal or a variable — the
/// request is BAD_USER_INPUT naming the argument path, and nothing is written.
#[tokio::test(flavor = "multi_thread")]
async fn nul_characters_in_any_input_are_bad_user_input_naming_the_argument() {
    let app = spawn().await;
    app.seed("acme", 3, 2).await;
    let key = app
        .api_key("acme", &format!("{RW},customers:read,orders:read"))
        .await;
    let before = count(&app, &key).await;
    let customer = app
        .data(&key, "{ customers(first: 1) { nodes { id } } }", json!({}))
        .await["customers"]["nodes"][0]["id"]
        .clone();
    let nul = "a\u{0}b";
    let cases: Vec<(&str, Value, &str)> = vec![
        // Mutation fields, through variables and as literals.
        (
            CREATE,
            json!({ "input": [{ "email": "ok@example.com" }, { "email": "x@example.com", "firstName": nul }] }),
            "input.1.firstName",
        ),
        (
            "mutation { customersCreate(input: [{ email: \"n\\u0000ul@example.com\" }]) { userErrors { field } } }",
            json!({}),
            "input.0.email",
        ),
        (
            CREATE,
            json!({ "input": [{ "email": "x@example.com", "tags": ["ok", nul] }] }),
            "input.0.tags.1",
        ),
        // JSON metadata: a value, a key.
        (
            CREATE,
            json!({ "input": [{ "email": "x@example.com", "metadata": { "note": nul } }] }),
            "input.0.metadata.note",
        ),
        (
            CREATE,
            json!({ "input": [{ "email": "x@example.com", "metadata": { "a\u{0}": 1 } }] }),
            "input.0.metadata.a\\0",
        ),
        // An idempotency key, an ID.
        (
            CREATE,
            json!({ "input": [{ "email": "x@example.com" }], "key": nul }),
            "idempotencyKey",
        ),
        (
            UPDATE,
            json!({ "input": [{ "id": format!("{}\u{0}", customer.as_str().unwrap()), "firstName": "A" }] }),
            "input.0.id",
        ),
        (
            "query($id: ID!) { customer(id: $id) { id } }",
            json!({ "id": "cus_\u{0}" }),
            "id",
        ),
        // Reads: search, text filters (literal and variable), tags, a stats timezone.
        (
            "query($s: String) { customers(search: $s) { totalCount } }",
            json!({ "s": nul }),
            "search",
        ),
        (
            "query($s: String) { orders(search: $s) { totalCount } }",
            json!({ "s": nul }),
            "search",
        ),
        (
            "{ customers(filter: { email: { contains: \"\\u0000\" } }) { totalCount } }",
            json!({}),
            "filter.email.contains",
        ),
        (
            "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }",
            json!({ "f": { "lastName": { "in": ["x", nul] } } }),
            "filter.lastName.in.1",
        ),
        (
            "query($t: [String!]) { customers(filter: { tags: { hasAny: $t } }) { totalCount } }",
            json!({ "t": [nul] }),
            "filter.tags.hasAny.0",
        ),
        (
            "query($f: OrderFilter) { orders(filter: $f) { totalCount } }",
            json!({ "f": { "email": { "eq": nul } } }),
            "filter.email.eq",
        ),
        (
            "query($tz: String!) { orderStats(groupBy: [], timezone: $tz) { count } }",
            json!({ "tz": "UTC\u{0}" }),
            "timezone",
        ),
    ];
    for (query, vars, field) in cases {
        let (status, body) = app.gql_status(&key, query, vars.clone()).await;
        assert_eq!(status, 200, "{vars}: {body}");
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{vars}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], field,
            "{query} {vars}: {body}"
        );
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("NUL"),
            "{body}"
        );
    }
    assert_eq!(count(&app, &key).await, before, "nothing was written");

    // The token endpoint: a client id holding a NUL is an unknown client (401), not a 500.
    let res = app
        .http
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "cli_\u{0}"),
            ("client_secret", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
}

/// Ten renames sent at once, all carrying the group's current `updatedAt`: exactly one wins,
/// the nine others get CONFLICT and change nothing (the group is read locked; issue #10 item 5).
/// Five rounds, each from the group's new `updatedAt`, so that a race shows.
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_group_updates_with_one_expected_updated_at_let_exactly_one_win() {
    let app = spawn().await;
    let key = app.api_key("acme", RW).await;
    let d = app.data(&key, r#"mutation { customerGroupCreate(input: { name: "Wholesale" }) { customerGroup { id } } }"#, json!({})).await;
    let id = d["customerGroupCreate"]["customerGroup"]["id"].clone();
    let read = "query($id: ID!) { customerGroup(id: $id) { name updatedAt } }";
    // Every pooled connection open, so that connection set-up does not space the requests out.
    futures_util::future::join_all((0..10).map(|_| app.data(&key, read, json!({ "id": id }))))
        .await;
    let upd = "mutation($id: ID!, $name: String!, $at: DateTime) { customerGroupUpdate(id: $id, expectedUpdatedAt: $at, input: { name: $name }) { customerGroup { name } userErrors { field code } } }";
    let mut winners_per_round = Vec::new();
    for round in 0..5 {
        let at =
            app.data(&key, read, json!({ "id": id })).await["customerGroup"]["updatedAt"].clone();
        let results = futures_util::future::join_all((0..10).map(|i| {
            let (app, key, id, at) = (&app, &key, &id, &at);
            async move {
                let name = format!("Wholesale {round}.{i}");
                let vars = json!({ "id": id, "name": name, "at": at });
                (
                    name,
                    app.data(key, upd, vars).await["customerGroupUpdate"].clone(),
                )
            }
        }))
        .await;
        let winners: Vec<&String> = results
            .iter()
            .filter(|(_, p)| p["userErrors"] == json!([]))
            .map(|(name, _)| name)
            .collect();
        winners_per_round.push(winners.len());
        for (_, p) in results.iter().filter(|(_, p)| p["userErrors"] != json!([])) {
            assert_eq!(
                p["userErrors"],
                json!([{ "field": ["expectedUpdatedAt"], "code": "CONFLICT" }])
            );
            assert_eq!(p["customerGroup"], Value::Null);
        }
        if winners.len() == 1 {
            let now = app.data(&key, read, json!({ "id": id })).await;
            assert_eq!(&now["customerGroup"]["name"], winners[0].as_str());
        }
    }
    assert_eq!(
        winners_per_round,
        [1, 1, 1, 1, 1],
        "exactly one update wins each round"
    );
}

#[derive(diesel::QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    key: String,
}

async fn idempotency_keys(conn: &mut diesel_async::AsyncPgConnection) -> Vec<String> {
    diesel::sql_query("SELECT key FROM idempotency_keys ORDER BY key")
        .load::<KeyRow>(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.key)
        .collect()
}

/// Idempotency keys expire (24 h by default): an expired key is not honoured even before the
/// background purge deletes it, the request runs again, and the purge deletes expired keys
/// only (issue #10 item 14).
#[tokio::test(flavor = "multi_thread")]
async fn expired_idempotency_keys_are_not_replayed_and_are_purged() {
    let app = common::spawn_with(|c| {
        c.idempotency_purge_interval = std::time::Duration::from_millis(300);
    })
    .await;
    let key = app.api_key("acme", RW).await;
    let vars = json!({ "input": [{ "email": "daily@example.com" }], "key": "daily-import" });
    let first = app.data(&key, CREATE, vars.clone()).await;
    let first_id = first["customersCreate"]["customers"][0]["id"].clone();
    assert!(first_id.is_string(), "{first}");
    // Within a day the key replays the first result…
    let replay = app.data(&key, CREATE, vars.clone()).await;
    assert_eq!(replay, first);
    assert_eq!(count(&app, &key).await, 1);

    // …25 hours later it is not honoured any more: the import runs again (the customer it
    // created was deleted since, so running again creates another one).
    app.data(
        &key,
        "mutation($ids: [ID!]!) { customersDelete(ids: $ids) { deletedIds } }",
        json!({ "ids": [first_id] }),
    )
    .await;
    let mut conn = app.conn().await;
    diesel::sql_query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'")
        .execute(&mut conn)
        .await
        .unwrap();
    let again = app.data(&key, CREATE, vars.clone()).await;
    assert_eq!(again["customersCreate"]["userErrors"], json!([]), "{again}");
    let second_id = again["customersCreate"]["customers"][0]["id"].clone();
    assert!(second_id.is_string() && second_id != first_id, "{again}");
    assert_eq!(count(&app, &key).await, 1);
    // The key now holds the new result, honoured again from now on.
    assert_eq!(app.data(&key, CREATE, vars.clone()).await, again);
    assert_eq!(count(&app, &key).await, 1);

    // The background purge deletes expired keys and keeps fresh ones.
    app.data(
        &key,
        CREATE,
        json!({ "input": [{ "email": "old@example.com" }], "key": "old-import" }),
    )
    .await;
    diesel::sql_query(
        "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old-import'",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let mut left = idempotency_keys(&mut conn).await;
    for _ in 0..50 {
        if left == ["daily-import"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        left = idempotency_keys(&mut conn).await;
    }
    assert_eq!(left, ["daily-import"], "the expired key was purged");
}

/// The purge deletes in batches until no expired key is left.
#[tokio::test(flavor = "multi_thread")]
async fn the_idempotency_purge_deletes_in_batches() {
    let app = common::spawn().await;
    let key = app.api_key("acme", RW).await;
    for i in 0..5 {
        app.data(
            &key,
            CREATE,
            json!({ "input": [{ "email": format!("p{i}@example.com") }], "key": format!("k{i}") }),
        )
        .await;
    }
    let mut conn = app.conn().await;
    diesel::sql_query(
        "UPDATE idempotency_keys SET created_at = now() - interval '2 hours' WHERE key <> 'k4'",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let ttl = std::time::Duration::from_secs(3600);
    let deleted = commerce_gateway::domain::idempotency::purge_expired(&mut conn, ttl, 2)
        .await
        .unwrap();
    assert_eq!(deleted, 4);
    assert_eq!(idempotency_keys(&mut conn).await, ["k4"]);
}

/// The domain names a stale `expected_updated_at` once; GraphQL reports it where the caller put
/// it: inside the input when only the input carried it, the argument otherwise.
#[tokio::test(flavor = "multi_thread")]
async fn a_stale_expected_updated_at_in_the_input_is_reported_in_the_input() {
    let app = spawn().await;
    app.seed("alpha", 1, 0).await;
    let a = app.api_key("alpha", RW).await;
    let d = app.data(&a, r#"mutation { customerGroupCreate(input: { name: "Zeta partners" }) { customerGroup { id updatedAt } userErrors { field code } } }"#, json!({})).await;
    assert_eq!(d["customerGroupCreate"]["userErrors"], json!([]));
    let g = d["customerGroupCreate"]["customerGroup"].clone();
    let upd = "mutation($id: ID!, $at: DateTime) { customerGroupUpdate(id: $id, input: { name: \"Zeta partners 2\", expectedUpdatedAt: $at }) { customerGroup { name } userErrors { field code } } }";
    let d = app
        .data(&a, upd, json!({ "id": g["id"], "at": g["updatedAt"] }))
        .await;
    assert_eq!(d["customerGroupUpdate"]["userErrors"], json!([]));
    let d = app
        .data(&a, upd, json!({ "id": g["id"], "at": g["updatedAt"] }))
        .await;
    assert_eq!(
        d["customerGroupUpdate"]["userErrors"],
        json!([{ "field": ["input", "expectedUpdatedAt"], "code": "CONFLICT" }])
    );
    assert_eq!(d["customerGroupUpdate"]["customerGroup"], Value::Null);
}
