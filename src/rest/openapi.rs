//! `GET /openapi.json`: the OpenAPI 3.1 document of every REST route served, generated from the
//! route tables ([`super::routes`]) and the resources' field tables; each field's JSON type comes
//! from the GraphQL type it reads, so the document describes what the routes answer.

use std::collections::HashMap;

use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use serde_json::{json, Map, Value};

use super::routes::{Answer, Body, Query, Route};
use super::translate::cursor::{CursorRoot, Op as CursorOp};
use super::translate::filter::FilterKind;
use super::translate::resource::{Render, Resource};

/// GraphQL type → field → its type, from the SDL.
struct Types(HashMap<String, HashMap<String, Type>>);

impl Types {
    fn new(sdl: &str) -> Types {
        let mut types = HashMap::new();
        if let Ok(doc) = async_graphql::parser::parse_schema(sdl) {
            for def in doc.definitions {
                if let TypeSystemDefinition::Type(t) = def {
                    let t = t.node;
                    let fields: HashMap<String, Type> = match t.kind {
                        TypeKind::Object(o) => o
                            .fields
                            .into_iter()
                            .map(|f| (f.node.name.node.to_string(), f.node.ty.node))
                            .collect(),
                        TypeKind::InputObject(i) => i
                            .fields
                            .into_iter()
                            .map(|f| (f.node.name.node.to_string(), f.node.ty.node))
                            .collect(),
                        _ => continue,
                    };
                    types.insert(t.name.node.to_string(), fields);
                }
            }
        }
        Types(types)
    }

    fn field(&self, ty: &str, field: &str) -> Option<&Type> {
        self.0.get(ty)?.get(field)
    }
}

/// The JSON schema of a GraphQL type as the REST dialects write it.
fn schema_of(ty: &Type) -> Value {
    let inner = match &ty.base {
        BaseType::Named(name) => match name.as_str() {
            "Int" => json!({"type": "integer"}),
            "Float" => json!({"type": "number"}),
            "Boolean" => json!({"type": "boolean"}),
            "DateTime" => json!({"type": "string", "format": "date-time"}),
            "Decimal" => json!({"type": "string", "format": "decimal"}),
            "JSON" => json!({"type": "object"}),
            _ => json!({"type": "string"}),
        },
        BaseType::List(item) => json!({"type": "array", "items": schema_of(item)}),
    };
    if ty.nullable {
        nullable(inner)
    } else {
        inner
    }
}

fn nullable(mut schema: Value) -> Value {
    if let Some(t) = schema.get("type").cloned() {
        schema["type"] = json!([t, "null"]);
    }
    schema
}

/// The field a `select` text reads first (`firstName`, `customer { id }` → `customer`).
fn head(select: &str) -> &str {
    select
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
        .unwrap_or("")
}

fn resource_schema(types: &Types, r: &Resource, prefix: &str) -> Value {
    let mut props = Map::new();
    for f in r.public_fields() {
        let schema = match f.render {
            Render::Value => types
                .field(r.graphql_type, head(f.select))
                .map_or(json!({}), schema_of),
            Render::IdOf => json!({"type": ["string", "null"]}),
            Render::Fixed(value) => match value() {
                Value::Null => json!({"type": "null"}),
                Value::Bool(_) => json!({"type": "boolean"}),
                Value::Number(_) => json!({"type": "integer"}),
                Value::String(_) => json!({"type": "string"}),
                Value::Array(_) => json!({"type": "array"}),
                Value::Object(_) => json!({"type": "object"}),
            },
            Render::Computed(_) => f
                .schema
                .map_or(json!({"type": ["string", "null"]}), |s| s()),
        };
        props.insert(f.name.to_owned(), schema);
    }
    for e in r.expands {
        use super::translate::resource::Shape;
        let item =
            json!({"$ref": format!("#/components/schemas/{prefix}{}", e.resource.graphql_type)});
        let schema = match e.shape {
            Shape::One => json!({"oneOf": [item, {"type": "null"}]}),
            Shape::Many | Shape::Nodes => json!({"type": "array", "items": item}),
            Shape::AbsentOne => {
                json!({"type": "null", "description": "Outside our domain: always null."})
            }
            Shape::AbsentMany => {
                json!({"type": "array", "maxItems": 0, "description": "Outside our domain: always empty."})
            }
        };
        props.insert(e.name.to_owned(), schema);
    }
    json!({
        "type": "object",
        "required": ["id"],
        "properties": props,
        "description": format!("Reads the GraphQL type `{}`. Associations appear when expanded.", r.graphql_type),
    })
}

/// An OpenAPI parameter (`location`: path, query or header; path parameters are required).
pub fn param(name: &str, location: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": location, "required": location == "path", "description": description, "schema": schema})
}

fn query_params(q: &Query) -> Vec<Value> {
    let (resource, list, paged) = match q {
        Query::None => return Vec::new(),
        Query::Cursor(root) => return cursor_params(root),
        Query::Documented(params) => return params(),
        Query::One(r) | Query::Embedded(r) => (*r, None, None),
        Query::List(root) => (root.resource, Some(*root), Some(root.sorts)),
        Query::Paged(r, sorts) => (*r, None, Some(*sorts)),
    };
    let fields: Vec<&str> = resource.public_fields().map(|f| f.name).collect();
    let expands: Vec<&str> = resource.expands.iter().map(|e| e.name).collect();
    let mut out = vec![
        param(
            "fields",
            "query",
            &format!("Comma-separated fields to include; `id` always is. One of: {}.", fields.join(", ")),
            json!({"type": "string"}),
        ),
        param(
            "expand",
            "query",
            &format!("Comma-separated associations to embed, dot notation for nested ones (at most 4 levels). One of: {}.", if expands.is_empty() { "none".to_owned() } else { expands.join(", ") }),
            json!({"type": "string"}),
        ),
    ];
    if let Some(sorts) = paged {
        out.push(param(
            "page",
            "query",
            "Page number (1-based). At most 10,000 rows may be skipped.",
            json!({"type": "integer", "minimum": 1, "default": 1}),
        ));
        out.push(param(
            "limit",
            "query",
            "Records per page.",
            json!({"type": "integer", "minimum": 1, "maximum": 100, "default": 25}),
        ));
        let sorts: Vec<&str> = sorts.iter().map(|s| s.key).collect();
        if !sorts.is_empty() {
            out.push(param(
                "sort",
                "query",
                &format!(
                    "Comma-separated sort keys, `-` for descending: {}.",
                    sorts.join(", ")
                ),
                json!({"type": "string"}),
            ));
        }
    }
    if let Some(root) = list {
        if root.search {
            out.push(param(
                "q[search]",
                "query",
                "Free-text search.",
                json!({"type": "string"}),
            ));
        }
        for a in root.filters {
            for p in a.kind.predicates() {
                let schema = match (a.kind, p.takes_list()) {
                    (_, true) => json!({"type": "array", "items": {"type": "string"}}),
                    (FilterKind::Int, false) => json!({"type": "integer"}),
                    (FilterKind::Bool, false) => json!({"type": "boolean"}),
                    _ => json!({"type": "string"}),
                };
                let name = format!("q[{}_{}]", a.attr, p.as_str());
                out.push(param(&name, "query", "Ransack condition.", schema));
            }
        }
    }
    out
}

/// The parameters of a cursor-paged list.
fn cursor_params(root: &CursorRoot) -> Vec<Value> {
    use super::translate::cursor::{DEFAULT_LIMIT, MAX_LIMIT};
    let r = root.resource;
    let fields: Vec<&str> = r.public_fields().map(|f| f.name).collect();
    let expands: Vec<&str> = r.expands.iter().map(|e| e.name).collect();
    let embedded = if root.default_expand.is_empty() {
        String::new()
    } else {
        format!(
            " Without `fields` nor `expand`, {} are embedded.",
            root.default_expand.join(", ")
        )
    };
    let mut out = vec![
        param(
            "fields",
            "query",
            &format!(
                "Comma-separated fields to include (associations too); `id` always is. One of: {}.",
                fields.iter().chain(expands.iter()).copied().collect::<Vec<_>>().join(", ")
            ),
            json!({"type": "string"}),
        ),
        param(
            "expand",
            "query",
            &format!(
                "Comma-separated associations to embed. One of: {}.{embedded}",
                if expands.is_empty() { "none".to_owned() } else { expands.join(", ") }
            ),
            json!({"type": "string"}),
        ),
        param(
            "cursor",
            "query",
            "Where the page starts: the `next_cursor` of the previous page (opaque; valid only with the same filters).",
            json!({"type": "string"}),
        ),
        param(
            "limit",
            "query",
            "Records per page.",
            json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
        ),
    ];
    for f in root.params {
        let schema = match (f.op, f.kind) {
            (CursorOp::List(_), _) => {
                json!({"type": "string", "description": "Comma-separated values."})
            }
            (_, FilterKind::Time) => json!({"type": "string", "format": "date-time"}),
            (_, FilterKind::Bool) => json!({"type": "boolean"}),
            (_, FilterKind::Int) => json!({"type": "integer"}),
            _ => json!({"type": "string"}),
        };
        out.push(param(f.param, "query", f.description, schema));
    }
    out
}

fn body_schema(types: &Types, b: &Body) -> Option<Value> {
    match b {
        Body::None => None,
        Body::Schema(f) => Some(f()),
        Body::Input {
            graphql_type,
            fields,
            required,
        } => {
            let mut props = Map::new();
            for f in fields.iter() {
                let mut schema = types
                    .field(graphql_type, f.gql)
                    .map_or(json!({}), schema_of);
                if let Some(t) = schema.get("type").cloned() {
                    // A body may leave out or null any field the route does not require.
                    if !t.is_array() && !required.contains(&f.rest) {
                        schema = nullable(schema);
                    }
                }
                props.insert(f.rest.to_owned(), schema);
            }
            Some(json!({"type": "object", "properties": props, "required": required}))
        }
    }
}

/// What the routes of one dialect share in the document: their error body, the statuses
/// they answer with, their credentials and their other parameters.
pub struct Dialect {
    pub routes: &'static [&'static [Route]],
    /// Prefix of the dialect's component names (two dialects may read the same GraphQL type
    /// in different shapes).
    pub prefix: &'static str,
    /// The component name and JSON schema of its error body.
    pub error_schema: (&'static str, fn() -> Value),
    /// The error statuses a route answers with, each with what it means.
    pub errors: fn(&Route) -> Vec<(u16, String)>,
    /// The security requirements of its routes (`components.securitySchemes` names).
    pub security: fn() -> Value,
    /// Parameters of a route besides its path and its [`Query`] (headers such as
    /// `Idempotency-Key`, a `format`).
    pub parameters: fn(&Route) -> Vec<Value>,
    /// The parameter object of a path parameter (`id`): a prefixed ID ([`prefixed_id`]) or
    /// the dialect's own kind of identifier.
    pub path_parameter: fn(&str) -> Value,
}

/// A path parameter holding a prefixed ID (`cus_…`).
pub fn prefixed_id(name: &str) -> Value {
    param(name, "path", "Prefixed ID.", json!({"type": "string"}))
}

/// The OpenAPI document of the `dialects`' routes (`sdl`: the GraphQL schema the resources
/// read).
pub fn document(title: &str, dialects: &[&Dialect], sdl: &str) -> Value {
    let types = Types::new(sdl);
    let mut paths = Map::new();
    let mut schemas = Map::new();
    schemas.insert(
        "PaginationMeta".into(),
        json!({"type": "object", "required": ["page", "limit", "count", "pages", "from", "to", "in"], "properties": {
            "page": {"type": "integer"}, "limit": {"type": "integer"}, "count": {"type": "integer"}, "pages": {"type": "integer"},
            "from": {"type": "integer"}, "to": {"type": "integer"}, "in": {"type": "integer"},
            "previous": {"type": ["integer", "null"]}, "next": {"type": ["integer", "null"]}}}),
    );
    for d in dialects {
        let (error_name, error_schema) = d.error_schema;
        schemas.insert(error_name.to_owned(), error_schema());
        let error_response = |description: &str| json!({"description": description, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{error_name}")}}}});
        let add_resource = |r: &'static Resource, schemas: &mut Map<String, Value>| {
            let mut stack = vec![r];
            while let Some(r) = stack.pop() {
                let name = format!("{}{}", d.prefix, r.graphql_type);
                if !schemas.contains_key(&name) {
                    schemas.insert(name, resource_schema(&types, r, d.prefix));
                    stack.extend(
                        r.expands
                            .iter()
                            .filter(|e| !e.shape.is_absent())
                            .map(|e| e.resource),
                    );
                }
            }
            json!({"$ref": format!("#/components/schemas/{}{}", d.prefix, r.graphql_type)})
        };
        for r in d.routes.iter().flat_map(|g| g.iter()) {
            let mut parameters: Vec<Value> = r
                .path
                .split('/')
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                .map(d.path_parameter)
                .collect();
            parameters.extend(query_params(&r.query));
            parameters.extend((d.parameters)(r));
            let mut responses = Map::new();
            match &r.answer {
                Answer::Page(res) => {
                    let item = add_resource(res, &mut schemas);
                    responses.insert("200".into(), json!({"description": "A page", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["data", "meta"],
                        "properties": {"data": {"type": "array", "items": item}, "meta": {"$ref": "#/components/schemas/PaginationMeta"}}}}}}));
                }
                Answer::CursorPage(res) => {
                    let item = add_resource(res, &mut schemas);
                    responses.insert("200".into(), json!({"description": "A page", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["data", "next_cursor"],
                        "properties": {"data": {"type": "array", "items": item},
                            "next_cursor": {"type": ["string", "null"], "description": "The `cursor` of the next page; null after the last."}}}}}}));
                }
                Answer::Wrapped { key, resource } => {
                    let item = add_resource(resource, &mut schemas);
                    let url = json!({"type": ["string", "null"], "format": "uri"});
                    let mut props = Map::new();
                    props.insert("total_count".into(), json!({"type": "integer", "description": "Matching records across all pages."}));
                    props.insert("next_page".into(), url.clone());
                    props.insert("previous_page".into(), url);
                    props.insert((*key).to_owned(), json!({"type": "array", "items": item}));
                    responses.insert("200".into(), json!({"description": "A page wrapped in the list metadata object", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["total_count", "next_page", "previous_page", key],
                        "properties": props}}}}));
                }
                Answer::One(res) => {
                    let item = add_resource(res, &mut schemas);
                    responses.insert("200".into(), json!({"description": "The record", "content": {"application/json": {"schema": item}}}));
                }
                Answer::Created(res) => {
                    let item = add_resource(res, &mut schemas);
                    responses.insert("201".into(), json!({"description": "Created", "content": {"application/json": {"schema": item}}}));
                }
                Answer::NoContent => {
                    responses.insert("204".into(), json!({"description": "Done"}));
                }
                Answer::Schema(f) => {
                    responses.insert("200".into(), json!({"description": "Done", "content": {"application/json": {"schema": f()}}}));
                }
            }
            for (status, description) in (d.errors)(r) {
                responses.insert(status.to_string(), error_response(&description));
            }
            let mut op = json!({
                "operationId": r.operation_id,
                "summary": r.summary,
                "description": format!("**Required scope:** `{}`.", r.scope),
                "parameters": parameters,
                "responses": responses,
                "security": (d.security)(),
            });
            if let Some(schema) = body_schema(&types, &r.body) {
                op["requestBody"] =
                    json!({"required": true, "content": {"application/json": {"schema": schema}}});
            }
            let entry = paths.entry(r.path.to_owned()).or_insert_with(|| json!({}));
            entry[r.method.as_str().to_ascii_lowercase()] = op;
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": title, "version": env!("CARGO_PKG_VERSION"),
                 "description": "REST compatibility routes of commerce-gateway, each translated onto the GraphQL schema (`/graphql`)."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "api_key": {"type": "apiKey", "in": "header", "name": "x-spree-api-key", "description": "A secret API key (`sk_…`)."},
                "bearer_auth": {"type": "http", "scheme": "bearer", "description": "A secret API key or an access token (JWT) from `POST /oauth/token`."},
                "ac_auth_token": {"type": "apiKey", "in": "header", "name": "X-AC-Auth-Token", "description": "A secret API key (`sk_…`) or an access token (JWT) from `POST /oauth/token`."}
            }
        }
    })
}
