//! Bounds on a document and its variables, checked before anything recurses into them.
//!
//! The parser (pest) and every later pass recurse on nested values and selection sets, and
//! the complexity rule re-walks a fragment at each of its spreads: a ~4 KB argument nested
//! 1,500 levels deep overflowed the stack and aborted the process, and a ~900-byte document
//! of doubling fragment spreads cost seconds of CPU before it was refused. So, in order:
//!
//! 1. [`scan`] reads the text once, without recursion: its length, its token count and the
//!    nesting of its brackets (`{`, `[`, `(`: selection sets, lists, input objects, argument
//!    lists) are capped before the text is parsed;
//! 2. [`expanded_fields`] counts the fields an operation selects once every fragment spread is
//!    expanded, memoized per fragment (linear in the document), before validation;
//! 3. [`variables_depth`] caps the nesting of variable values (serde_json already refuses
//!    more than 128 levels while reading the body, without overflowing).

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Value, Variables};

/// What one call of a field that aggregates or evaluates many rows (`orderStats`,
/// `customerStats`, `promotionEvaluate`) adds to a document's complexity, against the
/// configured maximum (20,000 by default): a document holds a few dozen of them, not the
/// thousand aliases that took seconds.
pub const HEAVY_FIELD_COST: usize = 500;

/// The limits, from [`crate::config::Config`].
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    /// Longest query text, in bytes.
    pub max_bytes: usize,
    /// Most tokens (names, punctuators, numbers, strings) in the text.
    pub max_tokens: usize,
    /// Deepest bracket nesting in the text, and deepest nesting of a variable's value.
    pub max_nesting: usize,
    /// Most fields an operation may select once its fragments are expanded.
    pub max_fields: usize,
    /// Deepest nesting of fields (fragments expanded), not counting introspection (`__schema`,
    /// `__type`), whose depth the schema bounds: GraphiQL's introspection query nests type
    /// references nine `ofType` deep.
    pub max_depth: usize,
}

/// How much deeper than [`DocumentLimits::max_depth`] the executor lets introspection go.
pub const INTROSPECTION_DEPTH_ALLOWANCE: usize = 8;

impl Default for DocumentLimits {
    fn default() -> Self {
        Self {
            max_bytes: 512 * 1024,
            max_tokens: 100_000,
            max_nesting: 64,
            max_fields: 10_000,
            max_depth: 12,
        }
    }
}

/// Why a document was refused; [`Violation::code`] is its `extensions.code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    TooLong { bytes: usize, max: usize },
    TooManyTokens { max: usize },
    NestedTooDeep { line: usize, max: usize },
    VariableNestedTooDeep { name: String, max: usize },
    TooManyFields { fields: usize, max: usize },
    TooDeep { depth: usize, max: usize },
}

impl Violation {
    pub fn code(&self) -> &'static str {
        match self {
            Violation::TooManyFields { .. } | Violation::TooDeep { .. } => "MAX_COST_EXCEEDED",
            _ => "BAD_USER_INPUT",
        }
    }

    /// The argument (`query`, `variables.<name>`) the violation is about.
    pub fn field(&self) -> String {
        match self {
            Violation::VariableNestedTooDeep { name, .. } => format!("variables.{name}"),
            _ => "query".into(),
        }
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Violation::TooLong { bytes, max } => {
                write!(
                    f,
                    "the query is {bytes} bytes long; at most {max} are accepted"
                )
            }
            Violation::TooManyTokens { max } => {
                write!(f, "the query has more than {max} tokens")
            }
            Violation::NestedTooDeep { line, max } => write!(
                f,
                "the query nests values or selections more than {max} levels deep (line {line})"
            ),
            Violation::VariableNestedTooDeep { name, max } => write!(
                f,
                "variable `{name}` nests lists or objects more than {max} levels deep"
            ),
            Violation::TooDeep { depth, max } => write!(
                f,
                "the operation nests fields {depth} deep once its fragments are expanded; \
                 at most {max} are accepted"
            ),
            Violation::TooManyFields { fields, max } => write!(
                f,
                "the operation selects {fields} fields once its fragments are expanded; \
                 at most {max} are accepted"
            ),
        }
    }
}

/// Length, tokens and bracket nesting of a GraphQL text, in one pass without recursion.
/// Strings, block strings and comments are skipped so their brackets do not count.
pub fn scan(text: &str, limits: &DocumentLimits) -> Result<(), Violation> {
    if text.len() > limits.max_bytes {
        return Err(Violation::TooLong {
            bytes: text.len(),
            max: limits.max_bytes,
        });
    }
    let bytes = text.as_bytes();
    let (mut i, mut depth, mut tokens, mut line) = (0usize, 0usize, 0usize, 1usize);
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line += 1;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    if bytes[i..].starts_with(b"\\\"\"\"") {
                        i += 4;
                        continue;
                    }
                    line += usize::from(bytes[i] == b'\n');
                    i += 1;
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > limits.max_nesting {
                    return Err(Violation::NestedTooDeep {
                        line,
                        max: limits.max_nesting,
                    });
                }
                i += 1;
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.' => {
                // A name, a number or `...`: one token however long.
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || b"_-.+".contains(&bytes[i]))
                {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        tokens += 1;
        if tokens > limits.max_tokens {
            return Err(Violation::TooManyTokens {
                max: limits.max_tokens,
            });
        }
    }
    Ok(())
}

/// The largest number of fields any operation of `doc` selects, fragments expanded. Each
/// fragment is counted once and its count reused at every spread; a spread that would
/// recurse (a cycle, which validation reports) counts nothing here.
pub fn expanded_fields(doc: &ExecutableDocument) -> usize {
    let mut memo: HashMap<&str, Option<usize>> = HashMap::new();
    doc.operations
        .iter()
        .map(|(_, op)| count(doc, &op.node.selection_set.node, &mut memo))
        .max()
        .unwrap_or(0)
}

/// The deepest field nesting of any operation of `doc` (fragments expanded once each, a cycle
/// counted as nothing), leaving out what lies under `__schema` and `__type`.
pub fn data_depth(doc: &ExecutableDocument) -> usize {
    let mut memo: HashMap<&str, Option<usize>> = HashMap::new();
    doc.operations
        .iter()
        .map(|(_, op)| depth(doc, &op.node.selection_set.node, &mut memo))
        .max()
        .unwrap_or(0)
}

/// Nesting under `set`; bounded recursion as in [`count`].
fn depth<'a>(
    doc: &'a ExecutableDocument,
    set: &'a SelectionSet,
    memo: &mut HashMap<&'a str, Option<usize>>,
) -> usize {
    let mut deepest = 0usize;
    for item in &set.items {
        let d = match &item.node {
            Selection::Field(f) => match f.node.name.node.as_str() {
                "__schema" | "__type" => 0,
                _ => 1 + depth(doc, &f.node.selection_set.node, memo),
            },
            Selection::InlineFragment(f) => depth(doc, &f.node.selection_set.node, memo),
            Selection::FragmentSpread(s) => {
                let name = s.node.fragment_name.node.as_str();
                match memo.get(name) {
                    Some(Some(d)) => *d,
                    Some(None) => 0,
                    None => match doc.fragments.get_key_value(name) {
                        None => 0,
                        Some((key, fragment)) => {
                            memo.insert(key.as_str(), None);
                            let d = depth(doc, &fragment.node.selection_set.node, memo);
                            memo.insert(key.as_str(), Some(d));
                            d
                        }
                    },
                }
            }
        };
        deepest = deepest.max(d);
    }
    deepest
}

/// Fields under `set`. The nesting of selection sets is already bounded by [`scan`], so this
/// recursion is too.
fn count<'a>(
    doc: &'a ExecutableDocument,
    set: &'a SelectionSet,
    memo: &mut HashMap<&'a str, Option<usize>>,
) -> usize {
    let mut total = 0usize;
    for item in &set.items {
        let n = match &item.node {
            Selection::Field(f) => 1 + count(doc, &f.node.selection_set.node, memo),
            Selection::InlineFragment(f) => count(doc, &f.node.selection_set.node, memo),
            Selection::FragmentSpread(s) => {
                let name = s.node.fragment_name.node.as_str();
                match memo.get(name) {
                    Some(Some(n)) => *n,
                    // In progress: a cycle.
                    Some(None) => 0,
                    None => match doc.fragments.get_key_value(name) {
                        None => 0,
                        Some((key, fragment)) => {
                            memo.insert(key.as_str(), None);
                            let n = count(doc, &fragment.node.selection_set.node, memo);
                            memo.insert(key.as_str(), Some(n));
                            n
                        }
                    },
                }
            }
        };
        total = total.saturating_add(n);
    }
    total
}

/// The first variable nesting lists or objects deeper than `max`, walked without recursion.
pub fn variables_depth(variables: &Variables, max: usize) -> Result<(), Violation> {
    for (name, value) in variables.iter() {
        let mut stack: Vec<(&Value, usize)> = vec![(value, 0)];
        while let Some((v, depth)) = stack.pop() {
            let children: Box<dyn Iterator<Item = &Value>> = match v {
                Value::List(items) => Box::new(items.iter()),
                Value::Object(fields) => Box::new(fields.values()),
                _ => continue,
            };
            if depth + 1 > max {
                return Err(Violation::VariableNestedTooDeep {
                    name: name.to_string(),
                    max,
                });
            }
            stack.extend(children.map(|c| (c, depth + 1)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> DocumentLimits {
        DocumentLimits::default()
    }

    #[test]
    fn brackets_inside_strings_and_comments_do_not_count() {
        let deep = "[".repeat(100);
        let text = format!(
            "# {deep}\n{{ a(s: \"{deep}\", b: \"\"\"{deep} \\\"\"\" {deep}\"\"\") {{ b }} }}"
        );
        assert_eq!(scan(&text, &limits()), Ok(()));
    }

    #[test]
    fn nesting_tokens_and_length_are_capped() {
        let deep = format!("{{ a(x: {}1{}) }}", "[".repeat(65), "]".repeat(65));
        assert!(matches!(
            scan(&deep, &limits()),
            Err(Violation::NestedTooDeep { line: 1, max: 64 })
        ));
        let ok = format!("{{ a(x: {}1{}) }}", "[".repeat(60), "]".repeat(60));
        assert_eq!(scan(&ok, &limits()), Ok(()));
        let many = format!("{{ {} }}", "a ".repeat(100_001));
        assert!(matches!(
            scan(&many, &limits()),
            Err(Violation::TooManyTokens { .. })
        ));
        let long = " ".repeat(512 * 1024 + 1);
        assert!(matches!(
            scan(&long, &limits()),
            Err(Violation::TooLong { .. })
        ));
    }

    #[test]
    fn doubling_fragments_are_counted_in_linear_time() {
        let mut text =
            String::from("query { ...F40 }\nfragment F0 on Query { viewer { scopes } }\n");
        for i in 1..=40 {
            text.push_str(&format!(
                "fragment F{i} on Query {{ ...F{p} ...F{p} }}\n",
                p = i - 1
            ));
        }
        let doc = async_graphql::parser::parse_query(&text).unwrap();
        // 2^40 spreads of a 2-field fragment, saturating, counted instantly.
        assert_eq!(expanded_fields(&doc), 2 * (1usize << 40));
        let cyclic =
            "{ ...A } fragment A on Query { viewer { scopes } ...B } fragment B on Query { ...A }";
        let doc = async_graphql::parser::parse_query(cyclic).unwrap();
        assert_eq!(expanded_fields(&doc), 2);
    }

    #[test]
    fn depth_counts_data_fields_through_fragments_but_not_introspection() {
        let doc = async_graphql::parser::parse_query(
            "{ a { b { ...F } } __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }\n\
             fragment F on B { c { ... on C { d } } }",
        )
        .unwrap();
        assert_eq!(data_depth(&doc), 4);
    }

    #[test]
    fn variables_are_walked_without_recursion() {
        let mut value = serde_json::json!(1);
        for _ in 0..70 {
            value = serde_json::json!([value]);
        }
        let vars = Variables::from_json(serde_json::json!({ "ok": [[1]], "deep": value }));
        assert_eq!(
            variables_depth(&vars, 64),
            Err(Violation::VariableNestedTooDeep {
                name: "deep".into(),
                max: 64
            })
        );
        assert_eq!(variables_depth(&vars, 80), Ok(()));
    }
}
