//! The README's lists match the code: the mutations it names are the schema's, its error codes
//! are [`EDGE_CODES`], its ID prefixes are those of `ids::Kind`.

use std::collections::BTreeSet;

use commerce_gateway::error::EDGE_CODES;
use commerce_gateway::ids::Kind;

const README: &str = include_str!("../../README.md");
const SDL: &str = include_str!("../../schema.graphql");
const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// The fields of `type <name>` in the committed SDL (checked against the code by schema_docs).
fn fields_of(name: &str) -> BTreeSet<String> {
    let body = SDL
        .split_once(&format!("\ntype {name} {{\n"))
        .and_then(|(_, rest)| rest.split_once("\n}"))
        .map(|(body, _)| body)
        .unwrap_or_else(|| panic!("no type {name} in schema.graphql"));
    let mut in_doc = false;
    let mut out = BTreeSet::new();
    for line in body.lines() {
        let t = line.trim();
        // Descriptions are `"""` blocks (or one-line `"""…"""`), indented like the fields.
        if let Some(rest) = t.strip_prefix("\"\"\"") {
            if rest.is_empty() || !rest.ends_with("\"\"\"") {
                in_doc = !in_doc;
            }
            continue;
        }
        if in_doc || !line.starts_with('\t') || line.starts_with("\t\t") {
            continue;
        }
        if let Some(end) = t.find(['(', ':']) {
            let name = &t[..end];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()) {
                out.insert(name.to_owned());
            }
        }
    }
    out
}

/// Every `code` span of `text`, with `aCreate|Update|Delete` expanded to its three names.
fn code_spans(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, span) in text.split('`').enumerate() {
        if i % 2 == 0 {
            continue;
        }
        let span = span.split(['(', ' ', ':']).next().unwrap_or("");
        let mut parts = span.split('|');
        let Some(first) = parts.next() else { continue };
        out.insert(first.to_owned());
        // The stem: `customerGroupCreate` → `customerGroup` (up to its last capital).
        let stem = first
            .rfind(|c: char| c.is_ascii_uppercase())
            .map(|at| &first[..at])
            .unwrap_or(first);
        for alt in parts {
            out.insert(format!("{stem}{alt}"));
        }
    }
    out
}

/// `customerGroupCreate|Update|Delete`: a lower-case name, then capitalised alternatives.
fn is_mutation_list(span: &str) -> bool {
    let mut parts = span.split('|');
    let first = parts.next().unwrap_or("");
    let alts: Vec<&str> = parts.collect();
    !alts.is_empty()
        && first.starts_with(|c: char| c.is_ascii_lowercase())
        && first.chars().all(|c| c.is_ascii_alphanumeric())
        && alts.iter().all(|a| {
            a.starts_with(|c: char| c.is_ascii_uppercase())
                && a.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

#[test]
fn the_readme_names_every_mutation_and_no_other() {
    let mutations = fields_of("Mutation");
    assert!(mutations.len() > 50, "{mutations:?}");
    let named = code_spans(README);
    let missing: Vec<&String> = mutations.iter().filter(|m| !named.contains(*m)).collect();
    assert!(
        missing.is_empty(),
        "mutations the README does not name: {missing:?}"
    );
    // Names written as `xCreate|Update` are mutation lists: each must exist.
    let listed: BTreeSet<String> = README
        .split('`')
        .enumerate()
        .filter(|(i, s)| i % 2 == 1 && is_mutation_list(s))
        .flat_map(|(_, s)| code_spans(&format!("`{s}`")))
        .collect();
    let stale: Vec<&String> = listed.iter().filter(|m| !mutations.contains(*m)).collect();
    assert!(
        stale.is_empty(),
        "the README lists mutations the schema lacks: {stale:?}"
    );
}

#[test]
fn the_readme_error_codes_are_the_edge_codes() {
    let (_, after) = README
        .split_once("Errors carry\n`extensions.code`:")
        .or_else(|| README.split_once("Errors carry `extensions.code`:"))
        .expect("the README's error-code sentence");
    let sentence = after.split("\n\n").next().unwrap_or("");
    let listed: BTreeSet<String> = code_spans(sentence)
        .into_iter()
        .filter(|c| c.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_'))
        .collect();
    let codes: BTreeSet<String> = EDGE_CODES.iter().map(|c| c.to_string()).collect();
    assert_eq!(listed, codes);
    // And the edge answers with no code outside that list.
    for file in [
        "http/graphql.rs",
        "http/edge.rs",
        "http/mod.rs",
        "graphql/errors.rs",
        "graphql/limits.rs",
    ] {
        let text = std::fs::read_to_string(format!("{SRC}/{file}")).expect(file);
        for (i, part) in text.split("error_response(").enumerate().skip(1) {
            let Some(code) = part.split('"').nth(1) else {
                continue;
            };
            assert!(
                EDGE_CODES.contains(&code)
                    || !code.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{file}: error_response #{i} answers {code}, not in EDGE_CODES"
            );
        }
    }
}

#[test]
fn the_readme_id_prefixes_are_the_id_kinds() {
    let (_, after) = README
        .split_once("resolve any prefixed ID\n(")
        .or_else(|| README.split_once("resolve any prefixed ID ("))
        .expect("the README's ID-prefix list");
    let list = after.split(')').next().unwrap_or("");
    let listed: BTreeSet<String> = code_spans(list)
        .into_iter()
        .map(|p| p.trim_end_matches('…').to_owned())
        .collect();
    let kinds: BTreeSet<String> = Kind::ALL
        .iter()
        .map(|k| format!("{}_", k.prefix()))
        .collect();
    assert_eq!(listed, kinds);
}
