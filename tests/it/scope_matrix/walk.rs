//! Schema walking for the scope matrix: the schema as introspection reports it, a selection of
//! every field reachable from a root field down to a number of object levels, and the verdict
//! on a response: what a token reached outside its scopes, compared with what the same
//! document returns to a token holding every scope.

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};

/// Everything the walk needs from `__schema`.
pub const INTROSPECTION: &str = "query {
  __schema {
    queryType { name }
    mutationType { name }
    types { kind name fields(includeDeprecated: true) {
      name type { ...T } args { name defaultValue type { ...T } } } }
  }
}
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name } } } } }";

/// A field's type reduced to what the walk needs: the named type and its kind.
#[derive(Clone, Debug)]
pub struct TypeRef {
    pub kind: String,
    pub name: String,
}

impl TypeRef {
    fn from(v: &Value) -> Self {
        let mut t = v;
        while t["name"].is_null() {
            t = &t["ofType"];
        }
        TypeRef {
            kind: t["kind"].as_str().unwrap_or_default().to_owned(),
            name: t["name"].as_str().unwrap_or_default().to_owned(),
        }
    }

    /// Object, interface or union: something with its own fields or members.
    pub fn is_composite(&self) -> bool {
        matches!(self.kind.as_str(), "OBJECT" | "INTERFACE" | "UNION")
    }
}

#[derive(Clone, Debug)]
pub struct Arg {
    pub name: String,
    pub required: bool,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub ty: TypeRef,
    pub args: Vec<Arg>,
}

pub struct Schema {
    pub query: String,
    pub mutation: String,
    /// Type name → (kind, fields).
    pub types: BTreeMap<String, (String, Vec<Field>)>,
}

impl Schema {
    pub fn from_introspection(data: &Value) -> Self {
        let s = &data["__schema"];
        let mut types = BTreeMap::new();
        for t in s["types"].as_array().expect("types") {
            let fields = t["fields"]
                .as_array()
                .map(|fs| {
                    fs.iter()
                        .map(|f| Field {
                            name: f["name"].as_str().unwrap_or_default().to_owned(),
                            ty: TypeRef::from(&f["type"]),
                            args: f["args"]
                                .as_array()
                                .map(|a| a.as_slice())
                                .unwrap_or_default()
                                .iter()
                                .map(|a| Arg {
                                    name: a["name"].as_str().unwrap_or_default().to_owned(),
                                    required: a["type"]["kind"] == "NON_NULL"
                                        && a["defaultValue"].is_null(),
                                })
                                .collect(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            types.insert(
                t["name"].as_str().unwrap_or_default().to_owned(),
                (t["kind"].as_str().unwrap_or_default().to_owned(), fields),
            );
        }
        Schema {
            query: s["queryType"]["name"].as_str().expect("query").to_owned(),
            mutation: s["mutationType"]["name"]
                .as_str()
                .expect("mutation")
                .to_owned(),
            types,
        }
    }

    pub fn fields(&self, ty: &str) -> &[Field] {
        self.types
            .get(ty)
            .map(|(_, f)| f.as_slice())
            .unwrap_or_default()
    }

    pub fn field(&self, ty: &str, name: &str) -> &Field {
        self.fields(ty)
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no field {ty}.{name}"))
    }

    /// Output types with fields of their own, roots and introspection types left out.
    pub fn output_types(&self) -> Vec<&str> {
        self.types
            .iter()
            .filter(|(n, (k, _))| {
                matches!(k.as_str(), "OBJECT" | "INTERFACE" | "UNION")
                    && !n.starts_with("__")
                    && **n != self.query
                    && **n != self.mutation
            })
            .map(|(n, _)| n.as_str())
            .collect()
    }
}

/// One selected field, and what is selected below it.
#[derive(Clone, Debug)]
pub struct Sel {
    pub parent: String,
    pub name: String,
    pub args: String,
    pub ty: TypeRef,
    pub children: Vec<Sel>,
}

impl Sel {
    pub fn edge(&self) -> String {
        format!("{}.{}", self.parent, self.name)
    }

    fn render(&self, out: &mut String) {
        out.push_str(&self.name);
        out.push_str(&self.args);
        if self.ty.is_composite() {
            out.push_str(" { __typename");
            for c in &self.children {
                out.push(' ');
                c.render(out);
            }
            out.push_str(" }");
        }
    }
}

/// A document with one root field of `operation` (`query` or `mutation`).
pub fn document(operation: &str, root: &Sel) -> String {
    let mut out = format!("{operation} {{ ");
    root.render(&mut out);
    out.push_str(" }");
    out
}

/// Connections and their edges are plumbing: they do not count as a level.
fn plumbing(ty: &str) -> bool {
    ty.ends_with("Connection") || ty.ends_with("Edge")
}

/// Every field of `ty` without required arguments, object fields expanded while `levels` lasts
/// (`ty` itself is one level unless it is plumbing); object fields past the last level are
/// still selected, with `__typename` only, so they are reached and judged too. Lists get
/// `first: 2`.
pub fn select(schema: &Schema, ty: &str, levels: usize) -> Vec<Sel> {
    let below = if plumbing(ty) {
        levels
    } else {
        levels.saturating_sub(1)
    };
    schema
        .fields(ty)
        .iter()
        .filter(|f| !f.args.iter().any(|a| a.required))
        .map(|f| {
            let args = if f.args.iter().any(|a| a.name == "first") {
                "(first: 2)".to_owned()
            } else {
                String::new()
            };
            let children = if f.ty.kind == "OBJECT" && (below > 0 || plumbing(&f.ty.name)) {
                select(schema, &f.ty.name, below)
            } else {
                Vec::new()
            };
            Sel {
                parent: ty.to_owned(),
                name: f.name.clone(),
                args,
                ty: f.ty.clone(),
                children,
            }
        })
        .collect()
}

/// What is wrong with one field of a response.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Finding {
    /// A value outside the token's scopes came back non-null.
    Leak { edge: String, needs: String },
    /// Data exists (the all-scope token sees it) but the field has no FORBIDDEN error.
    MissingForbidden { edge: String, needs: String },
    /// A refused field is missing from its object instead of answering null (a non-null
    /// field that cannot carry the refusal).
    Absent { edge: String, needs: String },
    /// A field the token may read came back null where the all-scope token gets a value.
    Lost { edge: String },
    /// An error other than FORBIDDEN on a field outside the token's scopes.
    UnexpectedError { path: String, code: String },
}

/// Judges one response (`data`, `errors`) to a token against the same document answered to a
/// token with every scope (`reference`). `needs` gives the read scope of a type (None: open),
/// `allows` whether the token holds a scope.
pub fn judge(
    root: &Sel,
    data: &Value,
    errors: &[Value],
    reference: &Value,
    needs: &dyn Fn(&str) -> Option<&'static str>,
    allows: &dyn Fn(&str) -> bool,
) -> Vec<(Finding, String)> {
    let forbidden: HashSet<String> = errors
        .iter()
        .filter(|e| e["extensions"]["code"] == "FORBIDDEN")
        .map(|e| e["path"].to_string())
        .collect();
    let mut w = Walk {
        needs,
        allows,
        forbidden: &forbidden,
        denied_paths: HashSet::new(),
        findings: Vec::new(),
    };
    let mut path = Vec::new();
    w.walk(std::slice::from_ref(root), data, Some(reference), &mut path);
    for e in errors {
        let code = e["extensions"]["code"].as_str().unwrap_or("none");
        let p = e["path"].to_string();
        if code != "FORBIDDEN" || !w.denied_paths.contains(&p) {
            w.findings.push((
                Finding::UnexpectedError {
                    path: p.clone(),
                    code: code.to_owned(),
                },
                format!("{p}: {}", e["message"]),
            ));
        }
    }
    w.findings
}

struct Walk<'a> {
    needs: &'a dyn Fn(&str) -> Option<&'static str>,
    allows: &'a dyn Fn(&str) -> bool,
    forbidden: &'a HashSet<String>,
    denied_paths: HashSet<String>,
    findings: Vec<(Finding, String)>,
}

impl Walk<'_> {
    fn walk(
        &mut self,
        sels: &[Sel],
        got: &Value,
        reference: Option<&Value>,
        path: &mut Vec<Value>,
    ) {
        for s in sels {
            path.push(json!(s.name));
            let key = Value::Array(path.clone()).to_string();
            let g = got.get(&s.name).unwrap_or(&Value::Null);
            let r = reference
                .and_then(|r| r.get(&s.name))
                .filter(|r| !r.is_null());
            let needs = if s.ty.is_composite() {
                (self.needs)(&s.ty.name)
            } else {
                None
            };
            match needs.filter(|n| !(self.allows)(n)) {
                Some(n) => {
                    self.denied_paths.insert(key.clone());
                    let (edge, needs) = (s.edge(), n.to_owned());
                    if got.is_object() && got.get(&s.name).is_none() {
                        self.findings
                            .push((Finding::Absent { edge, needs }, key.clone()));
                    } else if !g.is_null() {
                        self.findings
                            .push((Finding::Leak { edge, needs }, format!("{key} = {g}")));
                    } else if r.is_some() && !self.forbidden.contains(&key) {
                        self.findings
                            .push((Finding::MissingForbidden { edge, needs }, key));
                    }
                }
                None => {
                    if g.is_null() && r.is_some() {
                        self.findings
                            .push((Finding::Lost { edge: s.edge() }, key.clone()));
                    }
                    match g {
                        Value::Array(items) => {
                            for (i, item) in items.iter().enumerate() {
                                path.push(json!(i));
                                self.walk(&s.children, item, r.and_then(|r| r.get(i)), path);
                                path.pop();
                            }
                        }
                        Value::Object(_) => self.walk(&s.children, g, r, path),
                        _ => {}
                    }
                }
            }
            path.pop();
        }
    }
}
