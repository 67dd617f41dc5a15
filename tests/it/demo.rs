//! `serve --demo` as a newcomer runs it: the binary itself, its printed commands pasted into a
//! shell, and a second start on the same database.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::common::{spawn, JWT_SECRET};

/// The server process, killed when the test ends (even on a failed assertion).
pub(crate) struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `serve --demo` (plus `extra`) on an ephemeral port of `db_url` and returns the
/// process with the lines it printed before listening.
pub(crate) fn start(db_url: &str, extra: &[&str]) -> (Server, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_commerce-gateway"))
        .args([
            "serve",
            "--demo",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            db_url,
        ])
        .args(extra)
        .env("JWT_SECRET", JWT_SECRET)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the binary");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        // The human text ends with the REST command; the JSON with its closing brace.
        let done = line.starts_with("curl ") && line.contains("/api/v3/admin/") || line == "}";
        lines.push(line);
        if done {
            break;
        }
    }
    (server, lines)
}

/// Runs `command` through `sh -c`, as pasted into a terminal; its standard output as JSON.
pub(crate) fn paste(command: &str) -> Value {
    let out = Command::new("sh")
        .args(["-c", command])
        .output()
        .expect("sh");
    assert!(out.status.success(), "{command}: {out:?}");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{command}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_printed_commands_work_when_pasted_and_a_restart_revokes_the_old_credentials() {
    let app = spawn().await;
    let (first, lines) = start(&app.db_url, &[]);
    let text = lines.join("\n");
    let old_key = text
        .split_once("API key      ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .expect("the API key line")
        .to_owned();
    assert!(old_key.starts_with("sk_"), "{text}");
    let curls: Vec<&String> = lines.iter().filter(|l| l.starts_with("curl ")).collect();
    assert_eq!(curls.len(), 2, "{text}");
    let graphql = paste(curls[0]);
    assert!(
        graphql["data"]["orders"]["totalCount"].as_i64().unwrap() > 0,
        "{graphql}"
    );
    let rest = paste(curls[1]);
    assert_eq!(rest["data"].as_array().unwrap().len(), 2, "{rest}");
    assert!(rest["data"][0]["items"].is_array(), "{rest}");
    drop(first);

    // A second start on the same database (with `--json`): new credentials, the old ones refused.
    let (_second, lines) = start(&app.db_url, &["--json"]);
    let printed: Value = serde_json::from_str(&lines.join("\n")).expect("one JSON object");
    assert_eq!(printed["revoked_previous"], 2, "{printed}");
    let again = paste(printed["try"].as_str().unwrap());
    assert!(again["data"]["orders"]["totalCount"].as_i64().unwrap() > 0);
    let try_rest = printed["try_rest"].as_str().unwrap();
    let new_key = printed["api_key"].as_str().unwrap();
    assert_eq!(paste(try_rest)["data"].as_array().unwrap().len(), 2);
    let old = paste(&try_rest.replace(new_key, &old_key));
    assert_eq!(old["error"]["code"], "authentication_failed", "{old}");
}
