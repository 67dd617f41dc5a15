//! Replays the request examples of every Spree operation we serve, taken from the reference
//! OpenAPI document (`spree-admin-api-v3.openapi.yaml`, a copy of
//! `shared/reference/spree-admin-api-v3.openapi.yaml`), against a seeded database, and checks
//! each answer's status and body against the document: the success status it names, the
//! component schema of the resource (a JSON Schema validator), and every key of its example.
//! All mismatches are listed at once.

use std::collections::BTreeSet;

use commerce_gateway::rest::routes::{Answer, Route};
use reqwest::Method;
use serde_json::{json, Map, Value};

use super::{Spree, ALL};
use crate::common::{spawn, TestApp};

const SPEC: &str = include_str!("spree-admin-api-v3.openapi.yaml");

/// OpenAPI 3.0's `nullable` as JSON Schema: a `null` type (or alternative) added.
fn json_schema(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (_, child) in m.iter_mut() {
                json_schema(child);
            }
            if m.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(t) = m.get("type").cloned() {
                    m.insert("type".into(), json!([t, "null"]));
                    if let Some(Value::Array(e)) = m.get_mut("enum") {
                        e.push(Value::Null);
                    }
                } else {
                    let inner = Value::Object(std::mem::take(m));
                    m.insert("anyOf".into(), json!([inner, {"type": "null"}]));
                }
            }
            m.remove("example");
        }
        Value::Array(a) => a.iter_mut().for_each(json_schema),
        _ => {}
    }
}

/// Routes the reference document lacks that Spree's admin SDK (0.2.0) calls.
const SDK_ONLY: &[&str] = &[
    "GET /api/v3/admin/customers/{customer_id}/addresses/{id}",
    "GET /api/v3/admin/variants",
    "GET /api/v3/admin/variants/{id}",
    "GET /api/v3/admin/price_lists/price_rule_types",
    "GET /api/v3/admin/promotion_actions/calculators",
    "GET /api/v3/admin/promotions/{promotion_id}/promotion_rules/{id}",
    "GET /api/v3/admin/promotions/{promotion_id}/promotion_actions/{id}",
    "PATCH /api/v3/admin/promotions/{promotion_id}/promotion_actions/{id}",
    "GET /api/v3/admin/promotions/{promotion_id}/coupon_codes/{id}",
];

/// The document's component schema of a resource reading GraphQL type `graphql_type`: the
/// same name, except Spree's `Store`, which reads the merchant's `Shop` (our `Store` is a
/// Fire spark store).
fn component(graphql_type: &str) -> &str {
    match graphql_type {
        "Shop" => "Store",
        t => t,
    }
}

/// Fresh records the operations act on, created through the routes themselves.
struct Fixtures<'a> {
    s: Spree<'a>,
    variants: Vec<String>,
    products: Vec<String>,
    n: std::cell::Cell<u32>,
}

impl Fixtures<'_> {
    fn unique(&self) -> u32 {
        self.n.set(self.n.get() + 1);
        self.n.get()
    }
    async fn id(&self, method: Method, path: &str, body: Value) -> String {
        let (st, v) = self.s.call(method, path, Some(body)).await;
        assert!(st == 201 || st == 200, "fixture {path}: {st} {v}");
        v["id"].as_str().expect("id").to_owned()
    }
    async fn customer(&self) -> String {
        let n = self.unique();
        self.id(Method::POST, "/customers", json!({"email": format!("fixture{n}@example.com"), "first_name": "Fix", "last_name": "Ture"})).await
    }
    async fn group(&self) -> String {
        let n = self.unique();
        self.id(
            Method::POST,
            "/customer_groups",
            json!({"name": format!("Group {n}")}),
        )
        .await
    }
    async fn channel(&self) -> String {
        let n = self.unique();
        self.id(
            Method::POST,
            "/channels",
            json!({"name": format!("Channel {n}")}),
        )
        .await
    }
    async fn address(&self, customer: &str) -> String {
        self.id(
            Method::POST,
            &format!("/customers/{customer}/addresses"),
            json!({"address1": "1 Lovely Street", "city": "New York", "postal_code": "10118", "country_iso": "US"}),
        )
        .await
    }
    async fn draft(&self) -> String {
        let n = self.unique();
        self.id(
            Method::POST,
            "/orders",
            json!({"currency": "USD", "email": format!("buyer{n}@example.com"), "items": [{"variant_id": self.variants[0], "quantity": 1}]}),
        )
        .await
    }
    async fn placed(&self) -> String {
        let id = self.draft().await;
        let (st, v) = self
            .s
            .patch(&format!("/orders/{id}/complete"), json!({}))
            .await;
        assert_eq!(st, 200, "{v}");
        id
    }
    async fn price_list(&self) -> String {
        let n = self.unique();
        self.id(
            Method::POST,
            "/price_lists",
            json!({"name": format!("Price list {n}")}),
        )
        .await
    }
    async fn price(&self) -> String {
        let list = self.price_list().await;
        self.id(
            Method::POST,
            "/prices",
            json!({"variant_id": self.variants[0], "currency": "USD", "amount": "5.0", "price_list_id": list}),
        )
        .await
    }
    /// A single-code promotion with a currency rule and a free shipping action: its ID, its
    /// rule's and its action's.
    async fn promotion(&self) -> (String, String, String) {
        let n = self.unique();
        let (st, v) = self
            .s
            .post(
                "/promotions",
                json!({"name": format!("Promo {n}"), "code": format!("PROMO{n}"),
                       "rules": [{"type": "currency", "preferences": {"currency": "USD"}}],
                       "actions": [{"type": "free_shipping"}]}),
            )
            .await;
        assert_eq!(st, 201, "fixture promotion: {v}");
        let id = |p: &str| v.pointer(p).and_then(Value::as_str).expect("id").to_owned();
        (id("/id"), id("/rule_ids/0"), id("/action_ids/0"))
    }
    async fn multi_code_promotion(&self) -> String {
        let n = self.unique();
        self.id(
            Method::POST,
            "/promotions",
            json!({"name": format!("Batch {n}"), "multi_codes": true, "number_of_codes": 3, "code_prefix": format!("B{n}-")}),
        )
        .await
    }
    /// A fresh product with a master and a second variant, both priced; (product, second).
    async fn product(&self) -> (String, String) {
        let n = self.unique();
        let (st, p) = self
            .s
            .post(
                "/products",
                json!({"name": format!("Fixture product {n}"), "variants": [
                    {"sku": format!("FIX-{n}-M"), "price": 10},
                    {"sku": format!("FIX-{n}-S"), "prices": [{"currency": "USD", "amount": 12}]}]}),
            )
            .await;
        assert_eq!(st, 201, "fixture product: {p}");
        let id = p["id"].as_str().expect("id").to_owned();
        let (_, variants) = self.s.get(&format!("/products/{id}/variants")).await;
        let second = variants["data"][1]["id"]
            .as_str()
            .expect("variant")
            .to_owned();
        (id, second)
    }
    async fn item(&self, order: &str) -> String {
        let (_, items) = self.s.get(&format!("/orders/{order}/items")).await;
        items["data"][0]["id"].as_str().expect("item").to_owned()
    }

    /// The path with its parameters filled for `route`.
    async fn path(&self, route: &Route) -> String {
        let p = route.path.trim_start_matches("/api/v3/admin");
        let m = &route.method;
        let mut out = p.to_owned();
        if p.starts_with("/customers/{customer_id}") {
            let c = self.customer().await;
            if p.ends_with("{id}") {
                let a = self.address(&c).await;
                out = out.replace("{id}", &a);
            }
            out = out.replace("{customer_id}", &c);
        } else if p.starts_with("/customers/{id}") {
            out = out.replace("{id}", &self.customer().await);
        } else if p.starts_with("/customer_groups/{id}") {
            out = out.replace("{id}", &self.group().await);
        } else if p.starts_with("/channels/{id}") {
            out = out.replace("{id}", &self.channel().await);
        } else if p.starts_with("/price_lists/{id}") {
            let list = self.price_list().await;
            if p.ends_with("/deactivate") {
                self.s
                    .patch(&format!("/price_lists/{list}/activate"), json!({}))
                    .await;
            }
            out = out.replace("{id}", &list);
        } else if p.starts_with("/prices/{id}") {
            out = out.replace("{id}", &self.price().await);
        } else if p.starts_with("/promotions/{promotion_id}/coupon_codes") {
            let promotion = self.multi_code_promotion().await;
            if p.ends_with("{id}") {
                let (_, codes) = self
                    .s
                    .get(&format!("/promotions/{promotion}/coupon_codes"))
                    .await;
                let code = codes["data"][0]["id"].as_str().expect("a code");
                out = out.replace("{id}", code);
            }
            out = out.replace("{promotion_id}", &promotion);
        } else if p.starts_with("/promotions/{promotion_id}") {
            let (promotion, rule, action) = self.promotion().await;
            let child = if p.contains("/promotion_rules") {
                rule
            } else {
                action
            };
            out = out
                .replace("{promotion_id}", &promotion)
                .replace("{id}", &child);
        } else if p.starts_with("/promotions/{id}") {
            out = out.replace("{id}", &self.promotion().await.0);
        } else if p.starts_with("/orders/{order_id}") {
            let o = self.draft().await;
            if p.ends_with("{id}") {
                let li = self.item(&o).await;
                out = out.replace("{id}", &li);
            }
            out = out.replace("{order_id}", &o);
        } else if p.starts_with("/products/{product_id}") {
            if p.ends_with("{id}") {
                let (product, variant) = self.product().await;
                out = out
                    .replace("{product_id}", &product)
                    .replace("{id}", &variant);
            } else {
                out = out.replace("{product_id}", &self.products[0]);
            }
        } else if p.starts_with("/products/{id}") {
            let product = if *m == Method::GET {
                self.products[0].clone()
            } else {
                self.product().await.0
            };
            out = out.replace("{id}", &product);
        } else if p == "/tags" {
            out.push_str("?taggable_type=Spree::Product");
        } else if p == "/promotion_actions/calculators" {
            out.push_str("?type=create_adjustment");
        } else if p == "/variants" {
            // Priced ones: Spree's empty price of an unpriced variant has a null `id`, which
            // the document's `Price` schema does not allow (its example has one).
            out = format!("{out}?q[product_id_eq]={}", self.products[0]);
        } else if p.starts_with("/variants/{id}") {
            out = out.replace("{id}", &self.variants[0]);
        } else if p.starts_with("/orders/{id}") {
            let o = if p.ends_with("/cancel") || p.ends_with("/approve") {
                self.placed().await
            } else if p.ends_with("/resume") {
                let o = self.placed().await;
                self.s
                    .patch(&format!("/orders/{o}/cancel"), json!({}))
                    .await;
                o
            } else {
                self.draft().await
            };
            out = out.replace("{id}", &o);
        }
        let _ = m;
        out
    }

    /// The body of a route whose request example the document leaves empty (its items carry
    /// their examples only on nested properties).
    async fn route_body(&self, route: &Route) -> Option<Value> {
        match route.path {
            "/api/v3/admin/prices/bulk_upsert" => {
                let list = self.price_list().await;
                Some(json!({"prices": [
                    {"variant_id": self.variants[0], "currency": "USD", "price_list_id": list, "amount": "11.11"},
                    {"variant_id": self.variants[1], "currency": "USD", "price_list_id": list, "amount": "22.22"}]}))
            }
            "/api/v3/admin/prices/bulk_destroy" => Some(json!({"ids": [self.price().await]})),
            _ => None,
        }
    }

    /// Example IDs of the document replaced by ours of the same kind; emails, names and codes
    /// made unique (the seed already has a "Wholesale" group and a `pos` channel).
    async fn body(&self, example: &Value) -> Value {
        let mut v = example.clone();
        if let Value::Object(m) = &mut v {
            for key in ["name", "code", "sku"] {
                if let Some(Value::String(s)) = m.get_mut(key) {
                    *s = format!("{s} {}", self.unique())
                        .replace(' ', if key == "code" { "-" } else { " " });
                }
            }
        }
        // A currency rule (the document's example type) needs its currency.
        if let Value::Object(m) = &mut v {
            if m.get("type") == Some(&json!("currency")) && !m.contains_key("preferences") {
                m.insert("preferences".into(), json!({"currency": "EUR"}));
            }
        }
        let mut strings = Vec::new();
        collect_strings(&v, &mut strings);
        for s in strings {
            let new = if s.starts_with("cus_") {
                Some(self.customer().await)
            } else if s.starts_with("cg_") {
                Some(self.group().await)
            } else if s.starts_with("variant_") || s == "variant_fixture" {
                Some(self.variants[1].clone())
            } else if s == "prod_fresh" {
                Some(self.product().await.0)
            } else if s.starts_with("prod_") {
                Some(self.products[0].clone())
            } else if s.starts_with("ch_") {
                Some(self.channel().await)
            } else if s.starts_with("pl_") {
                Some(self.price_list().await)
            } else if s.starts_with("price_") {
                Some(self.price().await)
            } else if s.contains('@') {
                Some(format!("n{}-{s}", self.unique()))
            } else {
                None
            };
            if let Some(new) = new {
                replace_string(&mut v, &s, &new);
            }
        }
        v
    }
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

fn replace_string(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::String(s) if s == from => *s = to.to_owned(),
        Value::Array(a) => a.iter_mut().for_each(|x| replace_string(x, from, to)),
        Value::Object(m) => m.values_mut().for_each(|x| replace_string(x, from, to)),
        _ => {}
    }
}

/// The request example of an operation: the body schema's own example, else one built from
/// its properties' examples; a required property without one (the document gives none for an
/// address or an item) takes a plausible value of its name.
fn request_example(op: &Value) -> Option<Value> {
    let schema = op.pointer("/requestBody/content/application~1json/schema")?;
    if let Some(e) = schema.get("example") {
        return Some(e.clone());
    }
    let mut body = Map::new();
    for (k, p) in schema.get("properties")?.as_object()? {
        if let Some(e) = p.get("example") {
            body.insert(k.clone(), e.clone());
        }
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let path_props = schema.get("properties").and_then(Value::as_object);
    // A required name the document gives no example of (a promotion's).
    if required.contains(&"name") && !body.contains_key("name") {
        body.insert("name".to_owned(), json!("Summer Sale"));
    }
    for (name, value) in [
        ("address1", json!("350 Fifth Avenue")),
        ("city", json!("New York")),
        ("postal_code", json!("10118")),
        ("country_iso", json!("US")),
        ("variant_id", json!("variant_fixture")),
        ("quantity", json!(2)),
        ("product_ids", json!(["prod_fixture"])),
        ("ids", json!(["prod_fresh"])),
        ("channel_ids", json!(["ch_fixture"])),
        ("tags", json!(["sale"])),
    ] {
        let documented = path_props.is_some_and(|p| p.contains_key(name));
        if documented
            && !body.contains_key(name)
            && (required.contains(&name) || body.is_empty() || name != "quantity")
        {
            body.insert(name.to_owned(), value);
        }
    }
    Some(Value::Object(body))
}

async fn fixtures(app: &TestApp) -> Fixtures<'_> {
    let s = Spree::new(app, "alpha", ALL).await;
    let d = app
        .data(&s.key, "{ variants(first: 50) { nodes { id product { id } prices { currency priceList { id } } } } }", json!({}))
        .await;
    let priced: Vec<&Value> = d["variants"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| {
            v["prices"].as_array().is_some_and(|p| {
                p.iter()
                    .any(|p| p["currency"] == "USD" && p["priceList"].is_null())
            })
        })
        .collect();
    Fixtures {
        variants: priced
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_owned())
            .collect(),
        products: priced
            .iter()
            .map(|v| v["product"]["id"].as_str().unwrap().to_owned())
            .collect(),
        s,
        n: std::cell::Cell::new(0),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_served_operation_answers_as_the_reference_document_says() {
    let spec: Value = serde_yaml_ng::from_str(SPEC).expect("the reference document parses");
    let mut components = spec["components"].clone();
    json_schema(&mut components);
    let app = spawn().await;
    app.seed("alpha", 5, 5).await;
    let fx = fixtures(&app).await;
    assert!(fx.variants.len() >= 2, "the seed has priced variants");

    let mut mismatches: Vec<String> = Vec::new();
    let mut replayed = 0;
    for route in commerce_gateway::rest::spree::ROUTES
        .iter()
        .flat_map(|g| g.iter())
    {
        let name = format!("{} {}", route.method, route.path);
        let method = route.method.as_str().to_ascii_lowercase();
        let op = match spec["paths"].get(route.path).and_then(|p| p.get(&method)) {
            Some(op) => op.clone(),
            // Checked against the resource's schema, with no example to replay.
            None if SDK_ONLY.contains(&name.as_str()) => json!({"responses": {"200": {}}}),
            None => {
                mismatches.push(format!("{name}: not in the reference document"));
                continue;
            }
        };
        let mut path = fx.path(route).await;
        // A GET whose example shows associations asks to expand them.
        if route.method == Method::GET {
            let example = op.pointer("/responses/200/content/application~1json/example");
            let row = example.and_then(|e| e.get("data").and_then(|d| d.get(0)).or(Some(e)));
            let resource = match &route.answer {
                Answer::Page(r) | Answer::One(r) => Some(*r),
                _ => None,
            };
            if let (Some(Value::Object(row)), Some(resource)) = (row, resource) {
                let expand: Vec<&str> = resource
                    .expands
                    .iter()
                    .map(|e| e.name)
                    .filter(|n| row.contains_key(*n))
                    .collect();
                if !expand.is_empty() {
                    path = format!("{path}?expand={}", expand.join(","));
                }
            }
        }
        let body = match fx.route_body(route).await {
            Some(b) => Some(b),
            None => match request_example(&op) {
                Some(e) => Some(fx.body(&e).await),
                None if route.method == Method::GET || route.method == Method::DELETE => None,
                None => Some(json!({})),
            },
        };
        let (status, answer) = fx.s.call(route.method.clone(), &path, body.clone()).await;
        replayed += 1;
        let documented: BTreeSet<u16> = op["responses"]
            .as_object()
            .map(|r| {
                r.keys()
                    .filter_map(|k| k.parse().ok())
                    .filter(|s: &u16| *s < 300)
                    .collect()
            })
            .unwrap_or_default();
        if !documented.contains(&status) {
            mismatches.push(format!(
                "{name}: status {status} (document: {documented:?}) for {body:?}: {answer}"
            ));
            continue;
        }
        // The body against the resource's component schema.
        let item_schema = |resource: &commerce_gateway::rest::translate::resource::Resource| json!({"$ref": format!("#/components/schemas/{}", component(resource.graphql_type))});
        let schema = match &route.answer {
            Answer::Page(r) => Some(
                json!({"type": "object", "required": ["data", "meta"], "properties": {
                "data": {"type": "array", "items": item_schema(r)}, "meta": {"$ref": "#/components/schemas/PaginationMeta"}}}),
            ),
            Answer::One(r) | Answer::Created(r) => Some(item_schema(r)),
            Answer::NoContent
            | Answer::Schema(_)
            | Answer::CursorPage(_)
            | Answer::Wrapped { .. } => None,
        };
        if let Some(mut schema) = schema {
            schema["components"] = components.clone();
            let validator = jsonschema::validator_for(&schema).expect("schema compiles");
            for e in validator.iter_errors(&answer) {
                mismatches.push(format!("{name}: {} at {}", e, e.instance_path));
            }
        }
        // Every key of the document's example is in ours.
        let example = op["responses"][status.to_string()]
            .pointer("/content/application~1json/example")
            .cloned();
        if let Some(example) = example {
            let (ours, theirs) = match (&answer.get("data"), example.get("data")) {
                (Some(a), Some(e)) => (a.get(0).cloned(), e.get(0).cloned()),
                _ => (Some(answer.clone()), Some(example.clone())),
            };
            if let (Some(Value::Object(ours)), Some(Value::Object(theirs))) = (ours, theirs) {
                for key in theirs.keys() {
                    if !ours.contains_key(key) {
                        mismatches.push(format!("{name}: the example's `{key}` is missing"));
                    }
                }
            }
        }
    }
    let served = commerce_gateway::rest::spree::ROUTES
        .iter()
        .map(|g| g.len())
        .sum::<usize>();
    assert_eq!(replayed, served, "every served route is replayed");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
