//! Every Ransack predicate of every filterable attribute of every Spree list reaches a GraphQL
//! operator that exists: a combination the translator accepts is never refused by the schema.

use commerce_gateway::rest::routes::Query;
use commerce_gateway::rest::translate::filter::FilterKind;
use commerce_gateway::rest::translate::params::Predicate;

use super::{Spree, ALL};
use crate::common::spawn;

/// A value of the right shape for an attribute of `kind` (IDs of any kind: a wrong kind is a
/// 400 naming the parameter, which is checked too).
fn value(kind: FilterKind, p: Predicate, attr: &str) -> String {
    match (kind, p) {
        (_, Predicate::Null | Predicate::NotNull | Predicate::True | Predicate::False) => {
            "1".into()
        }
        (FilterKind::Id, _) => match attr {
            "customer_id" | "user_id" => "cus_UkLWZg9DAJ".into(),
            "channel_id" => "ch_UkLWZg9DAJ".into(),
            "customer_group_id" => "cg_UkLWZg9DAJ".into(),
            _ => "x_UkLWZg9DAJ".into(),
        },
        (FilterKind::Text, _) => "a".into(),
        (FilterKind::Time, _) => "2026-01-01".into(),
        (FilterKind::Decimal, _) => "10.5".into(),
        (FilterKind::Int, _) => "3".into(),
        (FilterKind::Bool, _) => "true".into(),
        (FilterKind::Enum(_), _) => match attr {
            "state" | "status" => "complete".into(),
            _ => "online".into(),
        },
        (FilterKind::EnumSet(_), _) => "active".into(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_predicate_of_every_list_reaches_an_operator_the_schema_has() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    // Lists under a record (a promotion's coupon codes) list a real one.
    let (st, promotion) = s
        .post(
            "/promotions",
            serde_json::json!({"name": "Batch", "multi_codes": true, "number_of_codes": 2, "code_prefix": "P-"}),
        )
        .await;
    assert_eq!(st, 201, "{promotion}");
    let promotion = promotion["id"].as_str().unwrap_or_default().to_owned();
    let (st, product) = s
        .post("/products", serde_json::json!({"name": "Listed"}))
        .await;
    assert_eq!(st, 201, "{product}");
    let product = product["id"].as_str().unwrap_or_default().to_owned();
    let mut checked = 0;
    for route in commerce_gateway::rest::spree::ROUTES
        .iter()
        .flat_map(|g| g.iter())
    {
        let Query::List(root) = &route.query else {
            continue;
        };
        let path = route
            .path
            .trim_start_matches("/api/v3/admin")
            .replace("{promotion_id}", &promotion)
            .replace("{product_id}", &product);
        for attr in root.filters {
            for p in attr.kind.predicates() {
                let param = format!("q[{}_{}]", attr.attr, p.as_str());
                let v = value(attr.kind, *p, attr.attr);
                let (st, body) = s.get(&format!("{path}?{param}={v}")).await;
                let text = body.to_string().to_lowercase();
                assert!(!text.contains("unknown field"), "{path} {param}: {body}");
                assert!(
                    st == 200 || (st == 400 && body["error"]["details"].get(&param).is_some()),
                    "{path} {param}={v}: {st} {body}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "checked {checked} combinations");
}
