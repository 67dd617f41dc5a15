//! Customer address writes: validation mirroring the table, default billing / shipping flags,
//! optimistic concurrency, idempotency, scopes and tenant isolation.

use crate::common::{error_code, spawn, TestApp};
use commerce_gateway::ids::{self, Kind};
use serde_json::{json, Value};

/// A well-formed ID that no row has.
fn unknown(kind: Kind) -> String {
    ids::encode(kind, 987_654_321)
}

const RW: &str = "customers:write";

const CREATE: &str = "mutation($c: ID!, $input: CustomerAddressCreateInput!, $key: String) {
  customerAddressCreate(customerId: $c, input: $input, idempotencyKey: $key) {
    address { id firstName address1 address2 city zipcode countryCode isDefaultBilling isDefaultShipping updatedAt }
    deletedId userErrors { field code message } } }";

const UPDATE: &str = "mutation($id: ID!, $input: CustomerAddressUpdateInput!, $at: DateTime) {
  customerAddressUpdate(id: $id, input: $input, expectedUpdatedAt: $at) {
    address { id address1 address2 city countryCode isDefaultBilling isDefaultShipping updatedAt }
    userErrors { field code message } } }";

const DELETE: &str = "mutation($id: ID!) { customerAddressDelete(id: $id) {
    address { id } deletedId userErrors { field code message } } }";

const ADDRESSES: &str = "query($id: ID!) { customer(id: $id) {
    addresses { id city address2 isDefaultBilling isDefaultShipping } } }";

async fn first_customer(app: &TestApp, key: &str) -> String {
    app.data(key, "{ customers(first: 1) { nodes { id } } }", json!({}))
        .await["customers"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn addresses(app: &TestApp, key: &str, customer: &str) -> Vec<Value> {
    app.data(key, ADDRESSES, json!({ "id": customer })).await["customer"]["addresses"]
        .as_array()
        .unwrap()
        .clone()
}

fn errors(payload: &Value) -> Vec<(Value, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].clone(), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

fn home() -> Value {
    json!({ "address1": "Calle Principal 456", "city": "Guayaquil", "countryCode": "EC" })
}

#[tokio::test(flavor = "multi_thread")]
async fn create_validates_like_the_table_and_moves_default_flags() {
    let app = spawn().await;
    app.seed("acme", 2, 0).await;
    let key = app.api_key("acme", RW).await;
    let customer = first_customer(&app, &key).await;

    let mut input = home();
    input["firstName"] = json!("Ana");
    input["zipcode"] = json!(" 090101 ");
    input["isDefaultBilling"] = json!(true);
    input["isDefaultShipping"] = json!(true);
    let d = app
        .data(&key, CREATE, json!({ "c": customer, "input": input }))
        .await;
    let p = &d["customerAddressCreate"];
    assert_eq!(p["userErrors"], json!([]));
    let first = p["address"]["id"].as_str().unwrap().to_owned();
    assert!(first.starts_with("addr_"), "{first}");
    assert_eq!(p["address"]["zipcode"], "090101", "trimmed");
    assert_eq!(p["address"]["isDefaultBilling"], true);
    assert_eq!(p["address"]["isDefaultShipping"], true);

    // A second default billing address takes the flag; shipping stays on the first.
    let mut input = home();
    input["city"] = json!("Quito");
    input["isDefaultBilling"] = json!(true);
    let d = app
        .data(&key, CREATE, json!({ "c": customer, "input": input }))
        .await;
    let second = d["customerAddressCreate"]["address"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let list = addresses(&app, &key, &customer).await;
    let by_id = |id: &str| list.iter().find(|a| a["id"] == id).unwrap().clone();
    assert_eq!(by_id(&first)["isDefaultBilling"], false);
    assert_eq!(by_id(&first)["isDefaultShipping"], true);
    assert_eq!(by_id(&second)["isDefaultBilling"], true);
    assert_eq!(by_id(&second)["isDefaultShipping"], false);

    // Every constraint of the table is a field error; nothing is written.
    let bad = json!({
        "address1": "  ", "city": "x".repeat(101), "countryCode": "ec",
        "zipcode": "1".repeat(21), "firstName": "n".repeat(101), "phone": "9".repeat(33),
        "address2": "a".repeat(256), "stateName": "s".repeat(101), "company": "c".repeat(101)
    });
    let d = app
        .data(&key, CREATE, json!({ "c": customer, "input": bad }))
        .await;
    let p = &d["customerAddressCreate"];
    assert_eq!(p["address"], Value::Null);
    let e = errors(p);
    for (field, code) in [
        ("address1", "REQUIRED"),
        ("city", "TOO_LONG"),
        ("countryCode", "INVALID"),
        ("zipcode", "TOO_LONG"),
        ("firstName", "TOO_LONG"),
        ("phone", "TOO_LONG"),
        ("address2", "TOO_LONG"),
        ("stateName", "TOO_LONG"),
        ("company", "TOO_LONG"),
    ] {
        assert!(
            e.contains(&(json!(["input", field]), code.to_owned())),
            "{field} {code}: {e:?}"
        );
    }
    for cc in ["ECU", "E1", ""] {
        let mut input = home();
        input["countryCode"] = json!(cc);
        let d = app
            .data(&key, CREATE, json!({ "c": customer, "input": input }))
            .await;
        let e = errors(&d["customerAddressCreate"]);
        assert_eq!(e.len(), 1, "{cc}: {e:?}");
        assert_eq!(e[0].0, json!(["input", "countryCode"]));
    }
    assert_eq!(addresses(&app, &key, &customer).await.len(), 2);

    // Bad customer IDs.
    for (id, code) in [
        ("cus_not*valid", "INVALID"),
        ("prod_aaaaaaaa", "INVALID"),
        (&unknown(Kind::Customer), "NOT_FOUND"),
    ] {
        let d = app
            .data(&key, CREATE, json!({ "c": id, "input": home() }))
            .await;
        let e = errors(&d["customerAddressCreate"]);
        assert!(
            e.iter()
                .any(|(f, c)| *f == json!(["customerId"]) && c == code),
            "{id}: {e:?}"
        );
    }
    let mut conn = app.conn().await;
    let n: Vec<Count> = diesel_async::RunQueryDsl::load(
        diesel::sql_query("SELECT count(*) AS n FROM addresses"),
        &mut conn,
    )
    .await
    .unwrap();
    assert_eq!(n[0].n, 2);
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[tokio::test(flavor = "multi_thread")]
async fn update_keeps_omitted_fields_checks_expected_updated_at_and_moves_defaults() {
    let app = spawn().await;
    app.seed("acme", 1, 0).await;
    let key = app.api_key("acme", RW).await;
    let customer = first_customer(&app, &key).await;
    let mut a = home();
    a["address2"] = json!("Piso 2");
    a["isDefaultShipping"] = json!(true);
    let d = app
        .data(&key, CREATE, json!({ "c": customer, "input": a }))
        .await;
    let first = d["customerAddressCreate"]["address"].clone();
    let d = app
        .data(&key, CREATE, json!({ "c": customer, "input": home() }))
        .await;
    let second = d["customerAddressCreate"]["address"].clone();

    // A stale expectedUpdatedAt is a CONFLICT and changes nothing.
    let d = app
        .data(
            &key,
            UPDATE,
            json!({ "id": first["id"], "input": { "city": "Cuenca" }, "at": "2020-01-01T00:00:00Z" }),
        )
        .await;
    let p = &d["customerAddressUpdate"];
    assert_eq!(
        errors(p),
        [(json!(["expectedUpdatedAt"]), "CONFLICT".into())]
    );
    assert_eq!(p["address"], Value::Null);

    // With the right one: city changes, address2 cleared by null, other fields kept.
    let d = app
        .data(
            &key,
            UPDATE,
            json!({ "id": first["id"], "input": { "city": "Cuenca", "address2": null }, "at": first["updatedAt"] }),
        )
        .await;
    let p = &d["customerAddressUpdate"];
    assert_eq!(p["userErrors"], json!([]));
    assert_eq!(p["address"]["city"], "Cuenca");
    assert_eq!(p["address"]["address2"], Value::Null);
    assert_eq!(p["address"]["address1"], "Calle Principal 456");
    assert_eq!(p["address"]["isDefaultShipping"], true);
    assert_ne!(p["address"]["updatedAt"], first["updatedAt"]);
    // The old timestamp is now stale.
    let d = app
        .data(
            &key,
            UPDATE,
            json!({ "id": first["id"], "input": { "city": "Loja" }, "at": first["updatedAt"] }),
        )
        .await;
    assert_eq!(
        errors(&d["customerAddressUpdate"]),
        [(json!(["expectedUpdatedAt"]), "CONFLICT".into())]
    );

    // The second becomes the default shipping address: the first loses the flag.
    let d = app
        .data(
            &key,
            UPDATE,
            json!({ "id": second["id"], "input": { "isDefaultShipping": true, "isDefaultBilling": true } }),
        )
        .await;
    assert_eq!(d["customerAddressUpdate"]["userErrors"], json!([]));
    let list = addresses(&app, &key, &customer).await;
    let defaults: Vec<(&Value, &Value, &Value)> = list
        .iter()
        .map(|a| (&a["id"], &a["isDefaultBilling"], &a["isDefaultShipping"]))
        .collect();
    assert_eq!(
        defaults,
        [
            (&first["id"], &json!(false), &json!(false)),
            (&second["id"], &json!(true), &json!(true))
        ]
    );

    // Required fields cannot be blanked; bad values are field errors.
    let d = app
        .data(
            &key,
            UPDATE,
            json!({ "id": second["id"], "input": { "address1": "", "countryCode": "usa" } }),
        )
        .await;
    let e = errors(&d["customerAddressUpdate"]);
    assert!(
        e.contains(&(json!(["input", "address1"]), "REQUIRED".into())),
        "{e:?}"
    );
    assert!(
        e.contains(&(json!(["input", "countryCode"]), "INVALID".into())),
        "{e:?}"
    );

    // Bad and unknown IDs.
    for (id, code) in [
        ("addr_###", "INVALID"),
        (&unknown(Kind::Address), "NOT_FOUND"),
    ] {
        let d = app
            .data(&key, UPDATE, json!({ "id": id, "input": { "city": "X" } }))
            .await;
        assert_eq!(
            errors(&d["customerAddressUpdate"]),
            [(json!(["id"]), code.to_owned())]
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_removes_the_address_once() {
    let app = spawn().await;
    app.seed("acme", 1, 0).await;
    let key = app.api_key("acme", RW).await;
    let customer = first_customer(&app, &key).await;
    let d = app
        .data(&key, CREATE, json!({ "c": customer, "input": home() }))
        .await;
    let id = d["customerAddressCreate"]["address"]["id"].clone();
    let d = app.data(&key, DELETE, json!({ "id": id })).await;
    assert_eq!(d["customerAddressDelete"]["deletedId"], id);
    assert_eq!(d["customerAddressDelete"]["userErrors"], json!([]));
    assert!(addresses(&app, &key, &customer).await.is_empty());
    let d = app.data(&key, DELETE, json!({ "id": id })).await;
    assert_eq!(
        errors(&d["customerAddressDelete"]),
        [(json!(["id"]), "NOT_FOUND".into())]
    );
    assert_eq!(d["customerAddressDelete"]["deletedId"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotency_key_creates_once() {
    let app = spawn().await;
    app.seed("acme", 1, 0).await;
    let key = app.api_key("acme", RW).await;
    let customer = first_customer(&app, &key).await;
    let vars = json!({ "c": customer, "input": home(), "key": "addr-1" });
    let a = app.data(&key, CREATE, vars.clone()).await;
    let b = app.data(&key, CREATE, vars).await;
    assert_eq!(
        a["customerAddressCreate"]["address"]["id"],
        b["customerAddressCreate"]["address"]["id"]
    );
    assert_eq!(addresses(&app, &key, &customer).await.len(), 1);
    // The same key with another input is refused.
    let mut other = home();
    other["city"] = json!("Quito");
    let c = app
        .data(
            &key,
            CREATE,
            json!({ "c": customer, "input": other, "key": "addr-1" }),
        )
        .await;
    assert_eq!(
        c["customerAddressCreate"]["userErrors"][0]["code"],
        "IDEMPOTENCY_KEY_REUSED"
    );
    assert_eq!(addresses(&app, &key, &customer).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn address_writes_need_customers_write() {
    let app = spawn().await;
    app.seed("acme", 1, 0).await;
    let read = app.api_key("acme", "customers:read").await;
    let customer = first_customer(&app, &read).await;
    let body = app
        .gql(&read, CREATE, json!({ "c": customer, "input": home() }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_customers_and_addresses_are_not_found_and_unchanged() {
    let app = spawn().await;
    app.seed("acme", 1, 0).await;
    app.seed("globex", 1, 0).await;
    let acme = app.api_key("acme", RW).await;
    let globex = app.api_key("globex", RW).await;
    let their_customer = first_customer(&app, &globex).await;
    let mut input = home();
    input["isDefaultBilling"] = json!(true);
    let d = app
        .data(
            &globex,
            CREATE,
            json!({ "c": their_customer, "input": input.clone() }),
        )
        .await;
    let theirs = d["customerAddressCreate"]["address"].clone();
    let before = addresses(&app, &globex, &their_customer).await;

    let d = app
        .data(
            &acme,
            CREATE,
            json!({ "c": their_customer, "input": input }),
        )
        .await;
    assert_eq!(
        errors(&d["customerAddressCreate"]),
        [(json!(["customerId"]), "NOT_FOUND".into())]
    );
    let d = app
        .data(
            &acme,
            UPDATE,
            json!({ "id": theirs["id"], "input": { "city": "Hacked", "isDefaultBilling": false } }),
        )
        .await;
    assert_eq!(
        errors(&d["customerAddressUpdate"]),
        [(json!(["id"]), "NOT_FOUND".into())]
    );
    let d = app.data(&acme, DELETE, json!({ "id": theirs["id"] })).await;
    assert_eq!(
        errors(&d["customerAddressDelete"]),
        [(json!(["id"]), "NOT_FOUND".into())]
    );
    assert_eq!(addresses(&app, &globex, &their_customer).await, before);
    assert_eq!(before[0]["city"], "Guayaquil");
    assert_eq!(before[0]["isDefaultBilling"], true);
}
