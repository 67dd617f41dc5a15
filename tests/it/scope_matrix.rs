//! The scope matrix (DESIGN §6, §8): scopes guard every edge, not only the roots.
//!
//! The schema is read by introspection. For every single-scope token (each of `Scope::ALL`),
//! every root field the token may read is walked three object levels deep (connections and
//! their edges do not count; object fields one level further are selected with `__typename`),
//! and every mutation the scope allows has its payload walked the same way, against a seeded
//! merchant whose edges all have data. Each response is compared with the same document
//! answered to a token holding every scope: a field whose type needs a scope the token lacks
//! must come back null, with a FORBIDDEN error on that field whenever data exists; a field the
//! token may read must keep its value; no other error may appear.
//!
//! Which scope reading a type needs is stated below in [`TYPE_SCOPES`], independently of the
//! code; the test fails when the schema has an output type the table does not name.

#[path = "scope_matrix/walk.rs"]
mod walk;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::common::{spawn_with, TestApp};
use commerce_gateway::auth::Scope;
use serde_json::{json, Value};
use walk::{document, judge, select, Finding, Schema, Sel};

const CUSTOMERS: Option<&str> = Some("customers:read");
const ORDERS: Option<&str> = Some("orders:read");
const STORES: Option<&str> = Some("stores:read");
const CATALOG: Option<&str> = Some("catalog:read");
const PRICING: Option<&str> = Some("pricing:read");
const PROMOTIONS: Option<&str> = Some("promotions:read");
/// Migrations have no read scope: who may run them may watch them.
const MIGRATIONS: Option<&str> = Some("migrations:write");
/// Structural types (pages, payloads, errors, the viewer) need no scope of their own: what they
/// hold is judged by its own type.
const OPEN: Option<&str> = None;

/// Every output type of the schema and the read scope needed to see one.
const TYPE_SCOPES: &[(&str, Option<&str>)] = &[
    // customers
    ("Customer", CUSTOMERS),
    ("CustomerConnection", CUSTOMERS),
    ("CustomerEdge", CUSTOMERS),
    ("CustomerGroup", CUSTOMERS),
    ("CustomerGroupConnection", CUSTOMERS),
    ("CustomerGroupEdge", CUSTOMERS),
    ("Address", CUSTOMERS),
    ("CustomerStatsBucket", CUSTOMERS),
    // orders
    ("Order", ORDERS),
    ("OrderConnection", ORDERS),
    ("OrderEdge", ORDERS),
    ("LineItem", ORDERS),
    ("OrderAddress", ORDERS),
    ("Payment", ORDERS),
    ("Fulfillment", ORDERS),
    ("Discount", ORDERS),
    ("OrderStatsBucket", ORDERS),
    ("CustomerSpend", ORDERS),
    // stores, their brands, channels and configuration
    ("Store", STORES),
    ("StoreConnection", STORES),
    ("StoreEdge", STORES),
    ("Brand", STORES),
    ("BrandConnection", STORES),
    ("BrandEdge", STORES),
    ("Channel", STORES),
    ("ChannelConnection", STORES),
    ("ChannelEdge", STORES),
    ("StoreContact", STORES),
    ("StoreLocation", STORES),
    ("StoreChannelConfig", STORES),
    ("StoreFulfillment", STORES),
    ("FulfillmentPricing", STORES),
    ("FulfillmentFee", STORES),
    ("FulfillmentAvailability", STORES),
    ("WeeklySchedule", STORES),
    ("DayHours", STORES),
    ("CoverageZone", STORES),
    ("GeoPoint", STORES),
    ("StorePayments", STORES),
    ("StorePaymentMethod", STORES),
    ("PaymentProvider", STORES),
    ("StoreScheduledOverride", STORES),
    ("Shop", STORES),
    // catalog
    ("Product", CATALOG),
    ("ProductConnection", CATALOG),
    ("ProductEdge", CATALOG),
    ("Variant", CATALOG),
    ("ProductPublication", CATALOG),
    ("VariantConnection", CATALOG),
    ("VariantEdge", CATALOG),
    // pricing
    ("PriceList", PRICING),
    ("PriceListConnection", PRICING),
    ("PriceListEdge", PRICING),
    ("PriceRule", PRICING),
    ("Price", PRICING),
    ("PriceConnection", PRICING),
    ("PriceEdge", PRICING),
    ("PriceQuote", PRICING),
    // promotions
    ("Promotion", PROMOTIONS),
    ("PromotionConnection", PROMOTIONS),
    ("PromotionEdge", PROMOTIONS),
    ("PromotionRule", PROMOTIONS),
    ("PromotionAction", PROMOTIONS),
    ("CouponCode", PROMOTIONS),
    ("CouponCodeConnection", PROMOTIONS),
    ("CouponCodeEdge", PROMOTIONS),
    ("PromotionEvaluatePayload", PROMOTIONS),
    ("PromotionEvaluation", PROMOTIONS),
    ("AppliedPromotion", PROMOTIONS),
    ("LineDiscount", PROMOTIONS),
    ("CouponCodeError", PROMOTIONS),
    // legacy migrations
    ("MigrationBatch", MIGRATIONS),
    ("MigrationBatchConnection", MIGRATIONS),
    ("MigrationBatchEdge", MIGRATIONS),
    ("MigrationRow", MIGRATIONS),
    // structural: `node` checks the scope of the kind of the ID it is given
    ("Node", OPEN),
    ("PageInfo", OPEN),
    ("UserError", OPEN),
    ("Viewer", OPEN),
    ("ViewerMerchant", OPEN),
    // mutation payloads (the mutation's own write scope guards them)
    ("CustomersPayload", OPEN),
    ("CustomerResult", OPEN),
    ("CustomersDeletePayload", OPEN),
    ("CustomerGroupPayload", OPEN),
    ("CustomerAddressPayload", OPEN),
    ("OrderPayload", OPEN),
    ("OrderDeletePayload", OPEN),
    ("StoresUpsertPayload", OPEN),
    ("StoreScheduledOverrideCreatePayload", OPEN),
    ("StoreScheduledOverrideDeletePayload", OPEN),
    ("ChannelPayload", OPEN),
    ("ChannelProductsPayload", OPEN),
    ("ChannelProductResult", OPEN),
    ("ProductPayload", OPEN),
    ("ProductResult", OPEN),
    ("ProductsCreatePayload", OPEN),
    ("ProductsDeletePayload", OPEN),
    ("ProductsPayload", OPEN),
    ("ProductsChannelsPayload", OPEN),
    ("VariantPayload", OPEN),
    ("PriceListPayload", OPEN),
    ("PriceRulePayload", OPEN),
    ("PricesUpsertPayload", OPEN),
    ("PriceResult", OPEN),
    ("PricesDeletePayload", OPEN),
    ("PromotionPayload", OPEN),
    ("CouponCodesGeneratePayload", OPEN),
    ("ShopUpdatePayload", OPEN),
    ("MigrationImportPayload", OPEN),
    ("MigrationRevertPayload", OPEN),
];

fn needs(ty: &str) -> Option<&'static str> {
    TYPE_SCOPES
        .iter()
        .find(|(n, _)| *n == ty)
        .unwrap_or_else(|| panic!("type {ty} is missing from TYPE_SCOPES"))
        .1
}

/// Whether a token holding `held` may read what needs `needed`: the scope itself, or the write
/// scope of the same aggregate (`customers:write` reads customers).
fn allows(held: &str, needed: &str) -> bool {
    let write = needed
        .strip_suffix(":read")
        .map(|aggregate| format!("{aggregate}:write"));
    held == needed || write.as_deref() == Some(held)
}

fn all_scopes() -> String {
    Scope::ALL.map(|s| s.as_str()).join(",")
}

/// IDs of the seeded objects the walk starts from, by type name.
type Ids = HashMap<&'static str, Vec<String>>;

fn ids_of(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_owned())
        .collect()
}

/// Seeds the merchant and gives every edge data: price rules for a customer and a channel,
/// a promotion with product, customer and customer-group rules and a product action, products
/// published on a channel.
async fn setup(app: &TestApp, all: &str) -> Ids {
    app.seed("acme", 8, 12).await;
    let d = app
        .data(
            all,
            "{ orders(first: 20) { nodes { id customer { id } store { id brand { id } } channel { id }
                 lineItems { variant { id } } } }
               customers(first: 4) { nodes { id customerGroups { id } } }
               products(first: 8) { nodes { id } }
               priceLists(first: 1) { nodes { id } }
               prices(first: 1) { nodes { id } }
               couponCodes(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    let order = d["orders"]["nodes"]
        .as_array()
        .expect("orders")
        .iter()
        .find(|o| {
            !o["customer"].is_null()
                && !o["store"].is_null()
                && !o["channel"].is_null()
                && !o["lineItems"][0].is_null()
        })
        .expect("a seeded order with customer, store, channel and lines")
        .clone();
    let customer = d["customers"]["nodes"]
        .as_array()
        .expect("customers")
        .iter()
        .find(|c| !c["customerGroups"][0].is_null())
        .expect("a seeded customer in a group")
        .clone();
    let mut ids = Ids::new();
    let one = |v: &Value| vec![v.as_str().expect("id").to_owned()];
    ids.insert("Order", one(&order["id"]));
    // Distinct customers: the order's, one in a group, then others for throwaway rules.
    let mut customers = one(&order["customer"]["id"]);
    for c in [one(&customer["id"]), ids_of(&d["customers"]["nodes"])].concat() {
        if !customers.contains(&c) {
            customers.push(c);
        }
    }
    ids.insert("Customer", customers);
    ids.insert("CustomerGroup", one(&customer["customerGroups"][0]["id"]));
    ids.insert("Store", one(&order["store"]["id"]));
    ids.insert("Brand", one(&order["store"]["brand"]["id"]));
    ids.insert("Channel", one(&order["channel"]["id"]));
    ids.insert("Variant", one(&order["lineItems"][0]["variant"]["id"]));
    ids.insert("Product", ids_of(&d["products"]["nodes"]));
    ids.insert("PriceList", ids_of(&d["priceLists"]["nodes"]));
    ids.insert("Price", ids_of(&d["prices"]["nodes"]));
    ids.insert("CouponCode", ids_of(&d["couponCodes"]["nodes"]));

    let (c, ch, g, p, pl) = (
        ids["Customer"][0].clone(),
        ids["Channel"][0].clone(),
        ids["CustomerGroup"][0].clone(),
        ids["Product"].clone(),
        ids["PriceList"][0].clone(),
    );
    for input in [
        format!(r#"{{ kind: CUSTOMER, customerId: "{c}" }}"#),
        format!(r#"{{ kind: CHANNEL, channelId: "{ch}" }}"#),
    ] {
        let d = app
            .data(
                all,
                &format!(
                    r#"mutation {{ priceRuleAdd(priceListId: "{pl}", input: {input}) {{ userErrors {{ message }} }} }}"#
                ),
                json!({}),
            )
            .await;
        assert_eq!(d["priceRuleAdd"]["userErrors"], json!([]), "{input}");
    }
    let d = app
        .data(
            all,
            &format!("mutation {{ promotionCreate(input: {}) {{ promotion {{ id }} userErrors {{ message }} }} }}",
                promotion_input("Matrix", &c, &g, &p[0])),
            json!({}),
        )
        .await;
    assert_eq!(d["promotionCreate"]["userErrors"], json!([]));
    ids.insert("Promotion", one(&d["promotionCreate"]["promotion"]["id"]));
    let d = app
        .data(
            all,
            &format!(
                r#"mutation {{ channelPublishProducts(channelId: "{ch}", productIds: ["{}", "{}"]) {{ userErrors {{ message }} }} }}"#,
                p[0], p[1]
            ),
            json!({}),
        )
        .await;
    assert_eq!(d["channelPublishProducts"]["userErrors"], json!([]));
    // A migration batch whose rows reach a customer.
    let d = app
        .data(
            all,
            r#"mutation { migrationCustomersImport(rows: [{ externalId: "matrix-seed", email: "matrix-seed@example.com" }]) {
                batch { id } userErrors { message } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["migrationCustomersImport"]["userErrors"], json!([]));
    ids.insert(
        "MigrationBatch",
        one(&d["migrationCustomersImport"]["batch"]["id"]),
    );
    ids
}

fn promotion_input(name: &str, customer: &str, group: &str, product: &str) -> String {
    format!(
        r#"{{ name: "{name}", kind: "automatic", matchPolicy: "any",
            rules: [{{ kind: "product", productIds: ["{product}"] }},
                    {{ kind: "customer", customerIds: ["{customer}"] }},
                    {{ kind: "customer_group", customerGroupIds: ["{group}"] }}],
            actions: [{{ kind: "item_adjustment", calculator: "percent", percent: "5", productIds: ["{product}"] }}] }}"#
    )
}

/// The arguments of a root field: `first: 2` for lists, a seeded ID for lookups by ID, and
/// stated arguments for the roots that need more. Panics on a root whose required arguments
/// are unknown, so a new root is not silently skipped.
fn root_args(schema: &Schema, root: &str, ids: &Ids) -> Option<String> {
    let f = schema.field(&schema.query, root);
    let id = |t: &str| &ids[t][0];
    Some(match root {
        "node" | "nodes" => return None, // judged by `node_checks_the_scope_of_each_kind`
        "priceQuote" => format!(
            r#"(variantId: "{}", currency: "USD", channelId: "{}")"#,
            id("Variant"),
            id("Channel")
        ),
        "promotionEvaluate" => format!(
            r#"(draft: {{ currency: "USD", couponCodes: ["WELCOME10"],
                 lines: [{{ variantId: "{}", quantity: 2, unitPrice: "10.00" }}] }})"#,
            id("Variant")
        ),
        "orderStats" => "(groupBy: [CHANNEL, STORE])".into(),
        // Its scope follows `kind`: judged by `catalog_mutations::bulk_and_prices` and
        // `spree::tags`.
        "tags" => return None,
        "customerStats" => "(period: MONTH)".into(),
        _ if f.args.iter().any(|a| a.name == "first") => "(first: 2)".into(),
        _ if f.args.iter().map(|a| a.name.as_str()).eq(["id"]) => {
            let ids = ids
                .get(f.ty.name.as_str())
                .unwrap_or_else(|| panic!("no seeded {} for {root}(id:)", f.ty.name));
            // The richest object: the promotion and price list made above, the first otherwise.
            format!(r#"(id: "{}")"#, ids[0])
        }
        _ if f.args.iter().all(|a| !a.required) => String::new(),
        _ => panic!("root {root} has required arguments the scope matrix does not know"),
    })
}

/// A mutation each write scope allows, on throwaway data, by run (0: the single-scope token,
/// 1: the reference token with every scope).
fn mutation_for(scope: &str, run: usize, ids: &Ids) -> Option<(&'static str, String)> {
    let (c, ch, s, v) = (
        &ids["Customer"][1 + run],
        &ids["Channel"][0],
        &ids["Store"][0],
        &ids["Variant"][0],
    );
    let (g, p, pl) = (
        &ids["CustomerGroup"][0],
        &ids["Product"],
        &ids["PriceList"][0],
    );
    Some(match scope {
        "customers:write" => (
            "customersAddTags",
            format!(r#"(ids: ["{c}"], tags: ["matrix-{run}"])"#),
        ),
        "orders:write" => (
            "orderCreate",
            format!(
                r#"(input: {{ currency: "USD", customerId: "{c}", storeId: "{s}", channelId: "{ch}",
                    lineItems: [{{ variantId: "{v}", quantity: 1 }}] }})"#
            ),
        ),
        "stores:write" => (
            "channelPublishProducts",
            format!(r#"(channelId: "{ch}", productIds: ["{}"])"#, p[2 + run]),
        ),
        "catalog:write" => (
            "productUpdate",
            format!(
                r#"(id: "{}", input: {{ description: "matrix {run}" }})"#,
                p[0]
            ),
        ),
        "pricing:write" => (
            "priceRuleAdd",
            format!(r#"(priceListId: "{pl}", input: {{ kind: CUSTOMER, customerId: "{c}" }})"#),
        ),
        "migrations:write" => (
            "migrationCustomersImport",
            format!(
                r#"(rows: [{{ externalId: "matrix-{run}", email: "matrix-{run}@example.com" }}])"#
            ),
        ),
        "promotions:write" => (
            "promotionCreate",
            format!(
                "(input: {})",
                promotion_input(&format!("Matrix {run}"), c, g, &p[run])
            ),
        ),
        _ => return None,
    })
}

/// Findings of one document, keyed for the report.
struct Report {
    findings: BTreeMap<(String, Finding), Vec<String>>,
}

impl Report {
    fn add(&mut self, token: &str, what: &str, found: Vec<(Finding, String)>) {
        for (f, at) in found {
            self.findings
                .entry((token.to_owned(), f))
                .or_default()
                .push(format!("{what}: {at}"));
        }
    }

    fn assert_empty(&self) {
        if self.findings.is_empty() {
            return;
        }
        let edges: BTreeSet<String> = self
            .findings
            .keys()
            .map(|(_, f)| match f {
                Finding::Leak { edge, needs } | Finding::MissingForbidden { edge, needs } => {
                    format!("{edge} (needs {needs})")
                }
                Finding::Absent { edge, needs } => {
                    format!("{edge} (needs {needs}; absent, not null)")
                }
                Finding::Lost { edge } => format!("{edge} (lost)"),
                Finding::UnexpectedError { code, .. } => format!("error {code}"),
            })
            .collect();
        let mut out = format!(
            "{} findings on {} edges:\n  {}\n",
            self.findings.len(),
            edges.len(),
            edges.into_iter().collect::<Vec<_>>().join("\n  ")
        );
        for ((token, f), at) in self.findings.iter().take(60) {
            out.push_str(&format!(
                "{token}: {f:?} at {} (+{})\n",
                at[0],
                at.len() - 1
            ));
        }
        panic!("{out}");
    }
}

async fn run(app: &TestApp, credential: &str, doc: &str) -> (Value, Vec<Value>) {
    let body = app.gql(credential, doc, json!({})).await;
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    (body["data"].clone(), errors)
}

async fn reference(app: &TestApp, all: &str, doc: &str) -> Value {
    let (data, errors) = run(app, all, doc).await;
    assert!(
        errors.is_empty(),
        "the all-scope token got errors: {errors:?}\n{doc}"
    );
    data
}

#[tokio::test(flavor = "multi_thread")]
async fn every_field_outside_a_single_scope_token_is_null_and_forbidden() {
    // The walk is wide: the depth and cost limits are not what this test is about.
    let app = spawn_with(|c| {
        c.document_limits.max_depth = 64;
        c.max_complexity = 100_000_000;
        c.rate_limits.max_query_cost = u64::MAX;
    })
    .await;
    let all = app.api_key("acme", &all_scopes()).await;
    let ids = setup(&app, &all).await;
    let schema = Schema::from_introspection(&app.data(&all, walk::INTROSPECTION, json!({})).await);

    let known: BTreeSet<&str> = TYPE_SCOPES.iter().map(|(n, _)| *n).collect();
    let present: BTreeSet<&str> = schema.output_types().into_iter().collect();
    let unknown: Vec<_> = present.difference(&known).collect();
    let stale: Vec<_> = known.difference(&present).collect();
    assert!(
        unknown.is_empty() && stale.is_empty(),
        "TYPE_SCOPES must name every output type: unknown {unknown:?}, gone {stale:?}"
    );

    // Each root walked once with every scope, then with each single scope that may read it.
    let mut roots = Vec::new();
    for f in schema.fields(&schema.query) {
        let Some(args) = root_args(&schema, &f.name, &ids) else {
            continue;
        };
        let root = Sel {
            parent: schema.query.clone(),
            name: f.name.clone(),
            args,
            ty: f.ty.clone(),
            children: select(&schema, &f.ty.name, 3),
        };
        let doc = document("query", &root);
        let data = reference(&app, &all, &doc).await;
        roots.push((root, doc, data));
    }

    let mut report = Report {
        findings: BTreeMap::new(),
    };
    for scope in Scope::ALL.map(|s| s.as_str()) {
        let token = app.token("acme", scope).await;
        let holds = |n: &str| allows(scope, n);
        for (root, doc, reference) in &roots {
            if needs(&root.ty.name).is_some_and(|n| !holds(n)) {
                continue;
            }
            let (data, errors) = run(&app, &token, doc).await;
            let found = judge(root, &data, &errors, reference, &needs, &holds);
            report.add(scope, &root.name, found);
        }
        // The payload of a mutation the scope allows, on throwaway data.
        if let Some((name, _)) = mutation_for(scope, 0, &ids) {
            let f = schema.field(&schema.mutation, name);
            let make = |run: usize| Sel {
                parent: schema.mutation.clone(),
                name: name.to_owned(),
                args: mutation_for(scope, run, &ids).expect("mutation").1,
                ty: f.ty.clone(),
                children: select(&schema, &f.ty.name, 4),
            };
            let (data, errors) = run(&app, &token, &document("mutation", &make(0))).await;
            let refdata = reference(&app, &all, &document("mutation", &make(1))).await;
            assert_eq!(
                refdata[name]["userErrors"],
                json!([]),
                "{name} with every scope"
            );
            assert_eq!(data[name]["userErrors"], json!([]), "{name} with {scope}");
            let found = judge(&make(0), &data, &errors, &refdata, &needs, &holds);
            report.add(scope, name, found);
        }
    }
    report.assert_empty();
}

#[tokio::test(flavor = "multi_thread")]
async fn node_checks_the_scope_of_each_kind() {
    let app = spawn_with(|_| {}).await;
    let all = app.api_key("acme", &all_scopes()).await;
    let ids = setup(&app, &all).await;
    for scope in Scope::ALL.map(|s| s.as_str()) {
        let token = app.token("acme", scope).await;
        for (ty, list) in &ids {
            let doc = format!(r#"{{ node(id: "{}") {{ __typename }} }}"#, list[0]);
            let (data, errors) = run(&app, &token, &doc).await;
            let readable = needs(ty).is_some_and(|n| allows(scope, n));
            if readable {
                assert_eq!(data["node"]["__typename"], *ty, "{scope} reads a {ty}");
                assert!(errors.is_empty(), "{scope} reads a {ty}: {errors:?}");
            } else {
                assert!(data["node"].is_null(), "{scope} must not read a {ty}");
                assert_eq!(
                    errors[0]["extensions"]["code"], "FORBIDDEN",
                    "{scope}: {ty}"
                );
            }
        }
    }
}

/// Arguments that name another aggregate's object need its read scope: what the answer
/// depends on (an order's lines and totals, a customer's groups) is that aggregate's data.
#[tokio::test(flavor = "multi_thread")]
async fn arguments_naming_another_aggregate_need_its_scope() {
    let app = spawn_with(|_| {}).await;
    let all = app.api_key("acme", &all_scopes()).await;
    let ids = setup(&app, &all).await;
    let (o, c, v) = (&ids["Order"][0], &ids["Customer"][0], &ids["Variant"][0]);
    let cases = [
        (
            "promotionEvaluate",
            format!(r#"{{ promotionEvaluate(orderId: "{o}") {{ evaluation {{ currency }} }} }}"#),
            "promotions:read",
            "orders:read",
        ),
        (
            "promotionEvaluate",
            format!(
                r#"{{ promotionEvaluate(draft: {{ currency: "USD", customerId: "{c}",
                    lines: [{{ variantId: "{v}", quantity: 1, unitPrice: "5" }}] }}) {{ evaluation {{ currency }} }} }}"#
            ),
            "promotions:read",
            "customers:read",
        ),
        (
            "priceQuote",
            format!(
                r#"{{ priceQuote(variantId: "{v}", currency: "USD", customerId: "{c}") {{ amount }} }}"#
            ),
            "pricing:read",
            "customers:read",
        ),
    ];
    for (root, doc, base, extra) in cases {
        let (data, errors) = run(&app, &app.token("acme", base).await, &doc).await;
        assert!(data.is_null() || data[root].is_null(), "{base}: {doc}");
        assert_eq!(errors.len(), 1, "{base}: {errors:?}");
        assert_eq!(errors[0]["extensions"]["code"], "FORBIDDEN", "{errors:?}");
        assert_eq!(errors[0]["path"], json!([root]));
        let both = app.token("acme", &format!("{base},{extra}")).await;
        let (data, errors) = run(&app, &both, &doc).await;
        assert!(errors.is_empty(), "{base},{extra}: {errors:?}");
        assert!(!data[root].is_null(), "{base},{extra}: {doc}");
    }
}
