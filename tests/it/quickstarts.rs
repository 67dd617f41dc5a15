//! The README's quick starts, run as a newcomer pastes them: a real `serve --demo`, the values it
//! printed exported as the README says, each `<!-- quickstart: … -->` snippet through `sh`.

use std::process::Command;

use serde_json::Value;

use crate::common::spawn;
use crate::demo::start;

/// The `sh` block after each `<!-- quickstart: name -->` marker of the README.
fn snippets() -> Vec<(String, String)> {
    let readme = include_str!("../../README.md");
    let mut out = Vec::new();
    for part in readme.split("<!-- quickstart: ").skip(1) {
        let (name, rest) = part.split_once(" -->").expect("a closed marker");
        let code = rest
            .trim_start()
            .strip_prefix("```sh\n")
            .and_then(|c| c.split_once("\n```"))
            .map(|(c, _)| c.to_owned())
            .unwrap_or_else(|| panic!("quickstart {name}: no ```sh block right after the marker"));
        out.push((name.to_owned(), code));
    }
    out
}

/// The value after `label` on the printed lines (the first word).
fn printed(lines: &[String], label: &str) -> String {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no {label:?} line in {lines:#?}"))
        .to_owned()
}

/// Runs `code` through `sh -e` with `env` exported; every JSON document it printed.
fn run(name: &str, code: &str, env: &[(&str, String)]) -> Vec<Value> {
    let out = Command::new("sh")
        .args(["-e", "-c", code])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("sh");
    assert!(out.status.success(), "quickstart {name}: {out:?}");
    serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter::<Value>()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| {
            panic!(
                "quickstart {name}: not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
}

fn no_errors(name: &str, v: &Value) {
    assert!(
        v.get("errors").is_none() && v.get("error").is_none(),
        "quickstart {name}: {v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_readme_quick_start_works_as_pasted_after_serve_demo() {
    let app = spawn().await;
    let (_server, lines) = start(&app.db_url, &[]);
    let graphql = printed(&lines, "GraphQL      ");
    let (id, secret) = lines
        .iter()
        .find_map(|l| l.strip_prefix("OAuth client "))
        .and_then(|rest| {
            let mut words = rest.split_whitespace();
            let id = words.next()?;
            words.next()?; // "/"
            Some((id.to_owned(), words.next()?.to_owned()))
        })
        .expect("the OAuth client line");
    let env = [
        ("BASE", graphql.trim_end_matches("/graphql").to_owned()),
        ("KEY", printed(&lines, "API key      ")),
        ("CLIENT_ID", id),
        ("CLIENT_SECRET", secret),
    ];
    let all = snippets();
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["admin-spa", "dashboard", "bulk-job", "legacy"]);

    for (name, code) in &all {
        let docs = run(name, code, &env);
        match name.as_str() {
            "admin-spa" => {
                assert_eq!(docs.len(), 2, "{docs:?}");
                no_errors(name, &docs[0]);
                let page = &docs[0]["data"]["customers"];
                assert!(page["totalCount"].as_i64().unwrap() > 0, "{page}");
                assert_eq!(page["nodes"].as_array().unwrap().len(), 5, "{page}");
                no_errors(name, &docs[1]);
                let e = &docs[1]["data"]["customersCreate"]["userErrors"][0];
                assert_eq!(
                    e["field"],
                    serde_json::json!(["input", "0", "email"]),
                    "{e}"
                );
                assert_eq!(e["code"], "INVALID", "{e}");
            }
            "dashboard" => {
                assert_eq!(docs.len(), 2, "{docs:?}");
                docs.iter().for_each(|d| no_errors(name, d));
                assert!(!docs[0]["data"]["orderStats"].as_array().unwrap().is_empty());
                let orders = docs[1]["data"]["orders"]["nodes"].as_array().unwrap();
                assert_eq!(orders.len(), 5);
                assert!(orders[0]["channel"]["name"].is_string(), "{orders:?}");
                assert_eq!(docs[1]["data"]["topCustomers"].as_array().unwrap().len(), 3);
            }
            "bulk-job" => {
                let again = run(name, code, &env);
                for (docs, taken) in [(&docs, false), (&again, true)] {
                    no_errors(name, &docs[0]);
                    let results = docs[0]["data"]["customersCreate"]["results"]
                        .as_array()
                        .unwrap();
                    assert_eq!(results.len(), 1000);
                    for r in results {
                        if taken {
                            assert_eq!(r["userErrors"][0]["code"], "TAKEN", "{r}");
                        } else {
                            assert!(r["customer"]["id"].is_string(), "{r}");
                        }
                    }
                }
            }
            "legacy" => {
                assert_eq!(docs.len(), 3, "{docs:?}");
                // Spree and Fire spark wrap their lists in `data`; Spark Pay names the resource.
                for (d, list) in docs.iter().zip(["data", "data", "orders"]) {
                    no_errors(name, d);
                    assert_eq!(d[list].as_array().map(Vec::len), Some(2), "{d}");
                }
            }
            other => panic!("a quick start no test checks: {other}"),
        }
    }
}
