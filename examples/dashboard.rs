//! An operations dashboard client: obtains a token with OAuth 2.0 client credentials, then asks
//! for exactly the fields it shows.
//!
//! ```sh
//! cargo run --release -- serve --demo          # prints client_id / client_secret
//! GATEWAY_URL=http://127.0.0.1:8080 CLIENT_ID=cli_… CLIENT_SECRET=cs_… \
//!   cargo run --example dashboard
//! ```

use serde_json::{json, Value};

const DASHBOARD: &str = r#"
query Dashboard($first: Int!) {
  viewer { merchant { slug } }
  orders(first: $first, filter: { status: { in: [COMPLETE, RETURNED] } }, sort: { field: CREATED_AT, direction: DESC }) {
    totalCount
    nodes {
      number total currency completedAt
      customer { email ordersCount totalSpent }
      store { name }
      channel { code }
      lineItems { quantity variant { sku product { name } } }
    }
  }
}"#;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("GATEWAY_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let client_id =
        std::env::var("CLIENT_ID").map_err(|_| "set CLIENT_ID (printed by `serve --demo`)")?;
    let client_secret = std::env::var("CLIENT_SECRET")
        .map_err(|_| "set CLIENT_SECRET (printed by `serve --demo`)")?;
    let http = reqwest::Client::new();

    let token: Value = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", &client_secret),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let access_token = token["access_token"]
        .as_str()
        .ok_or("no access_token in the token response")?;
    println!("token scopes: {}", token["scope"]);

    let res: Value = http
        .post(format!("{base}/graphql"))
        .bearer_auth(access_token)
        .json(&json!({ "query": DASHBOARD, "variables": { "first": 10 } }))
        .send()
        .await?
        .json()
        .await?;
    if let Some(errors) = res.get("errors") {
        return Err(format!("GraphQL errors: {errors}").into());
    }
    let orders = &res["data"]["orders"];
    println!(
        "merchant {} — {} placed orders; latest 10:",
        res["data"]["viewer"]["merchant"]["slug"], orders["totalCount"]
    );
    println!(
        "{:<12} {:>10} {:<8} {:<14} {:<28} items",
        "number", "total", "channel", "store", "customer"
    );
    for o in orders["nodes"].as_array().into_iter().flatten() {
        let items: Vec<String> = o["lineItems"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|li| {
                format!(
                    "{}×{}",
                    li["quantity"],
                    li["variant"]["sku"].as_str().unwrap_or("?")
                )
            })
            .collect();
        println!(
            "{:<12} {:>10} {:<8} {:<14} {:<28} {}",
            o["number"].as_str().unwrap_or(""),
            format!(
                "{} {}",
                o["total"].as_str().unwrap_or(""),
                o["currency"].as_str().unwrap_or("")
            ),
            o["channel"]["code"].as_str().unwrap_or("-"),
            o["store"]["name"].as_str().unwrap_or("-"),
            o["customer"]["email"].as_str().unwrap_or("(guest)"),
            items.join(", ")
        );
    }
    Ok(())
}
