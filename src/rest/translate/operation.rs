//! Building, caching and running the GraphQL operation a REST request becomes. The text of an
//! operation depends only on the request's shape (route, `fields`, `expand`): every value is a
//! variable. Built operations are kept by shape, and the GraphQL layer's parsed-document cache
//! then finds them already parsed.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use async_graphql::{Value as ConstValue, Variables};
use lru::LruCache;
use serde_json::{Map, Value};

use super::filter::{self, FilterAttr};
use super::params::Params;
use super::plan::{Cell, Plan, Shaped};
use super::resource::Resource;
use super::sort::{self, SortAttr};
use super::Refusal;
use crate::app::AppState;
use crate::auth::Principal;
use crate::rest::error::Kind;

/// Shapes kept: a client varying `fields` cannot grow the cache past this.
const CACHED_SHAPES: usize = 2048;

/// The rows a page of a list embeds through an expansion sized by `$embed`
/// (`customers(first: $embed)`), split evenly among the page's rows: the page's cost then
/// stays within the executor's complexity budget whatever its `limit`.
pub const EMBEDDED_ROWS: u32 = 750;

/// `$embed` of a page of `limit` rows: [`EMBEDDED_ROWS`] / `limit`, 1 to 250.
pub fn embed_size(limit: u32) -> u32 {
    (EMBEDDED_ROWS / limit.max(1)).clamp(1, 250)
}

/// A root connection as page-numbered REST lists read it.
pub struct ListRoot {
    /// The GraphQL root field (`customers`).
    pub field: &'static str,
    /// Its `filter` input type (`CustomerFilter`) and `sort` element type (`CustomerSort`).
    pub filter_type: &'static str,
    pub sort_type: &'static str,
    /// Whether it takes `search` (`q[search]`).
    pub search: bool,
    pub filters: &'static [FilterAttr],
    pub sorts: &'static [SortAttr],
    pub resource: &'static Resource,
}

/// An operation ready to run: its text and the plan that reshapes its answer.
pub struct Built {
    pub text: String,
    pub plan: Plan,
}

/// The translator's state: built operations by shape.
pub struct Translator {
    built: Mutex<LruCache<String, Arc<Built>>>,
}

impl Default for Translator {
    fn default() -> Self {
        Self {
            built: Mutex::new(LruCache::new(
                NonZeroUsize::new(CACHED_SHAPES).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
}

/// The GraphQL operation of a page-numbered list request (see [`Translator::list_operation`]).
pub struct ListOperation {
    pub built: Arc<Built>,
    pub variables: Map<String, Value>,
    pub names: Vec<(String, String)>,
}

/// One page of a list as the executor answered it, with what the dialect's paging metadata
/// needs; [`ListPage::rows`] writes its rows in the dialect's shape.
pub struct ListPage {
    /// `{list: {totalCount, nodes}}`.
    data: ConstValue,
    built: Arc<Built>,
    pub count: u64,
    pub page: u32,
    pub limit: u32,
}

impl ListPage {
    fn nodes(&self) -> Option<&ConstValue> {
        self.data
            .as_row()
            .and_then(|d| d.get("list"))
            .and_then(Cell::as_row)
            .and_then(|l| l.get("nodes"))
    }

    /// Rows on the page.
    pub fn len(&self) -> usize {
        self.nodes().and_then(Cell::as_list).map_or(0, <[_]>::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows in the dialect's shape, written as they are serialized.
    pub fn rows(&self) -> Shaped<'_, ConstValue> {
        self.built.plan.shaped_list(self.nodes())
    }
}

impl Translator {
    /// The operation of shape `key`, built by `build` the first time.
    pub fn cached(
        &self,
        key: String,
        build: impl FnOnce() -> Result<Built, Refusal>,
    ) -> Result<Arc<Built>, Refusal> {
        if let Ok(mut cache) = self.built.lock() {
            if let Some(b) = cache.get(&key) {
                return Ok(b.clone());
            }
        }
        let built = Arc::new(build()?);
        if let Ok(mut cache) = self.built.lock() {
            cache.put(key, built.clone());
        }
        Ok(built)
    }

    /// The operation for `resource` under `params`' fields and expand, with `text` wrapping
    /// its selection (`{SELECTION}` is replaced). `route` names the shape in the cache.
    pub fn operation(
        &self,
        route: &str,
        resource: &'static Resource,
        params: &Params,
        text: impl FnOnce(&str) -> String,
    ) -> Result<Arc<Built>, Refusal> {
        let key = format!("{route}\u{1}{:?}\u{1}{:?}", params.fields, params.expand);
        self.cached(key, || {
            let plan = Plan::new(resource, params.fields.as_deref(), &params.expand)?;
            Ok(Built {
                text: text(&plan.selection()),
                plan,
            })
        })
    }

    /// The operation a page of `root` for `params` becomes: its text (cached by shape), its
    /// variables, and the GraphQL argument paths they set mapped to the REST parameters that
    /// set them (for 400s naming what the client wrote).
    pub fn list_operation(
        &self,
        root: &'static ListRoot,
        params: &Params,
    ) -> Result<ListOperation, Refusal> {
        let offset = params.offset()?;
        let (filter, mut names) = filter::filter(root.filters, &params.conditions)?;
        let sort = sort::sort(root.sorts, &params.sort)?;
        let built = self.operation(root.field, root.resource, params, |selection| {
            let search = if root.search { ", $search: String" } else { "" };
            let search_arg = if root.search { ", search: $search" } else { "" };
            let embed = if selection.contains("$embed") {
                ", $embed: Int!"
            } else {
                ""
            };
            format!(
                "query RestList($first: Int!, $offset: Int!, $filter: {f}, $sort: [{s}!]{search}{embed}) \
                 {{ list: {field}(first: $first, offset: $offset, filter: $filter, sort: $sort{search_arg}) \
                 {{ totalCount nodes {{ {selection}}} }} }}",
                f = root.filter_type,
                s = root.sort_type,
                field = root.field,
            )
        })?;
        let mut variables = Map::new();
        variables.insert("first".into(), Value::from(params.limit()));
        variables.insert("offset".into(), Value::from(offset));
        variables.insert("filter".into(), filter.unwrap_or(Value::Null));
        variables.insert("sort".into(), sort.unwrap_or(Value::Null));
        if root.search {
            variables.insert("search".into(), params.search.clone().into());
            names.push(("search".into(), "q[search]".into()));
        }
        if built.text.contains("$embed: Int!") {
            variables.insert("embed".into(), Value::from(embed_size(params.limit())));
        }
        names.push(("sort".into(), "sort".into()));
        Ok(ListOperation {
            built,
            variables,
            names,
        })
    }

    /// A page of `root` for `params`: `limit` rows after `(page - 1) × limit`, filtered,
    /// sorted and searched as asked, with the total count.
    pub async fn list(
        &self,
        state: &AppState,
        principal: Principal,
        root: &'static ListRoot,
        params: &Params,
    ) -> Result<ListPage, Refusal> {
        let ListOperation {
            built,
            variables: vars,
            names,
        } = self.list_operation(root, params)?;
        let data = run_raw(state, principal, &built.text, vars, &names).await?;
        let count = match data
            .as_row()
            .and_then(|d| d.get("list"))
            .and_then(Cell::as_row)
            .and_then(|l| l.get("totalCount"))
        {
            Some(ConstValue::Number(n)) => n.as_u64().unwrap_or(0),
            _ => 0,
        };
        Ok(ListPage {
            data,
            built,
            count,
            page: params.page(),
            limit: params.limit(),
        })
    }

    /// One object read by `root_field(id: $id)`; 404 when it does not exist for the caller.
    pub async fn show(
        &self,
        state: &AppState,
        principal: Principal,
        root_field: &'static str,
        resource: &'static Resource,
        id: &str,
        params: &Params,
    ) -> Result<Value, Refusal> {
        let built = self.operation(root_field, resource, params, |selection| {
            format!("query RestShow($id: ID!) {{ one: {root_field}(id: $id) {{ {selection}}} }}")
        })?;
        let mut vars = Map::new();
        vars.insert("id".into(), Value::from(id));
        let data = run_raw(
            state,
            principal,
            &built.text,
            vars,
            &[("id".into(), "id".into())],
        )
        .await?;
        match data
            .as_row()
            .and_then(|d| d.get("one"))
            .and_then(Cell::as_row)
        {
            Some(row) => Ok(built.plan.reshape(row)),
            None => Err(not_found(resource)),
        }
    }

    /// The one object a root field without arguments reads (`shop`: the caller's merchant).
    pub async fn singleton(
        &self,
        state: &AppState,
        principal: Principal,
        root_field: &'static str,
        resource: &'static Resource,
        params: &Params,
    ) -> Result<Value, Refusal> {
        let built = self.operation(root_field, resource, params, |selection| {
            format!("query RestSingleton {{ one: {root_field} {{ {selection}}} }}")
        })?;
        let data = run(state, principal, &built.text, Map::new(), &[]).await?;
        match data.get("one") {
            Some(Value::Object(row)) => Ok(built.plan.reshape(row)),
            _ => Err(not_found(resource)),
        }
    }
}

/// 404 naming the resource's type.
pub fn not_found(resource: &Resource) -> Refusal {
    Refusal::not_found(format!("{} not found", resource.graphql_type)).with_code("NOT_FOUND")
}

/// Runs `text` with `variables` for `principal` through the GraphQL schema, as `/graphql`
/// would, and returns its `data`. The first error becomes the refusal; `names` maps the
/// GraphQL argument paths the request set (`filter.email.contains`) to the REST parameters
/// that set them (`q[email_cont]`), so a 400 names what the client wrote.
pub async fn run(
    state: &AppState,
    principal: Principal,
    text: &str,
    variables: Map<String, Value>,
    names: &[(String, String)],
) -> Result<Value, Refusal> {
    run_raw(state, principal, text, variables, names)
        .await?
        .into_json()
        .map_err(Refusal::internal)
}

/// [`run`], with `data` as the executor returns it: the list and show routes reshape it
/// without first copying it into JSON.
pub async fn run_raw(
    state: &AppState,
    principal: Principal,
    text: &str,
    variables: Map<String, Value>,
    names: &[(String, String)],
) -> Result<ConstValue, Refusal> {
    let request =
        async_graphql::Request::new(text).variables(Variables::from_json(Value::Object(variables)));
    let mut prepared =
        match crate::graphql::prepare(request, &state.documents, &state.config.document_limits)
            .await
        {
            Ok(p) => p,
            Err(refused) => return Err(refusal(&refused.errors, names)),
        };
    // Every dialect's call takes the cost of the operation it runs from the caller's bucket.
    if let Err(refused) = crate::graphql::charge(
        &state.schema,
        &state.limits,
        state.config.rate_limits.max_query_cost,
        &principal,
        &mut prepared,
    )
    .await
    {
        return Err(refusal(&refused.errors, names));
    }
    let mut response = crate::graphql::execute(&state.schema, &state.db, principal, prepared).await;
    // A source field (`_variant`: a line's product name) of another aggregate the caller may not
    // read is null, as GraphQL answers it, and so is what is computed from it; a field the
    // client asked for by name (`expand=customer`) still refuses the request.
    response
        .errors
        .retain(|e| !(is_forbidden(e) && under_hidden_field(e)));
    if !response.errors.is_empty() {
        return Err(refusal(&response.errors, names));
    }
    Ok(response.data)
}

fn is_forbidden(e: &async_graphql::ServerError) -> bool {
    e.extensions
        .as_ref()
        .and_then(|x| x.get("code"))
        .is_some_and(|c| matches!(c, async_graphql::Value::String(s) if s == "FORBIDDEN"))
}

/// Whether the error's path goes through a source field (an alias starting with `_`).
fn under_hidden_field(e: &async_graphql::ServerError) -> bool {
    e.path
        .iter()
        .any(|seg| matches!(seg, async_graphql::PathSegment::Field(name) if name.starts_with('_')))
}

/// The refusal of a GraphQL response's errors: the first error decides (they share a cause
/// more often than not), its `extensions.field` mapped back to the REST parameter.
fn refusal(errors: &[async_graphql::ServerError], names: &[(String, String)]) -> Refusal {
    let Some(e) = errors.first() else {
        return Refusal::internal("a GraphQL response failed without an error");
    };
    let ext = e.extensions.as_ref();
    let code = ext
        .and_then(|x| x.get("code"))
        .and_then(|v| match v {
            async_graphql::Value::String(s) => Some(s.clone()),
            async_graphql::Value::Enum(s) => Some(s.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| "INTERNAL".to_owned());
    let kind = Refusal::kind_of(&code);
    if kind == Kind::Internal {
        return Refusal::new(Kind::Internal, "internal error").with_code(code);
    }
    let field = ext.and_then(|x| x.get("field")).and_then(|v| match v {
        async_graphql::Value::String(s) => Some(s.clone()),
        _ => None,
    });
    // An undecodable ID in the route's path names no record: 404, as Spree answers.
    let kind = match &field {
        Some(f) if kind == Kind::BadRequest && super::body::is_id_argument(f) => Kind::NotFound,
        _ => kind,
    };
    let mut r = Refusal::new(kind, e.message.clone()).with_code(code);
    r.retry_after = ext.and_then(|x| x.get("retryAfter")).and_then(|v| match v {
        async_graphql::Value::Number(n) => n.as_u64(),
        _ => None,
    });
    if let Some(field) = field {
        let param = names
            .iter()
            .filter(|(path, _)| field == *path || field.starts_with(&format!("{path}.")))
            .max_by_key(|(path, _)| path.len())
            .map(|(_, param)| param.clone())
            .unwrap_or_else(|| snake_path(&field));
        r.details.insert(param.clone(), vec![e.message.clone()]);
        r.param = Some(param);
    }
    r
}

/// `input.0.firstName` → `first_name`: the last named segment of a GraphQL path, snake_cased
/// (a REST body names the field, not the argument it travelled in).
pub fn snake_path(path: &str) -> String {
    path.rsplit('.')
        .find(|s| !s.chars().all(|c| c.is_ascii_digit()))
        .map(snake)
        .unwrap_or_default()
}

/// `firstName` → `first_name`.
pub fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The answer of a REST write: the mutation's payload and the plan reshaping its object.
pub struct Written {
    pub built: Arc<Built>,
    pub payload: Value,
}

impl Written {
    /// The payload's object at `pointer` (`/customer`, `/results/0/customer`) in the
    /// resource's shape; 404 when the mutation returned none.
    pub fn object(&self, pointer: &str) -> Result<Value, Refusal> {
        match self.payload.pointer(pointer) {
            Some(Value::Object(row)) => Ok(self.built.plan.reshape(row)),
            _ => Err(not_found(self.built.plan.resource)),
        }
    }
}

/// A REST write: the mutation document around `resource`'s selection (every field, no
/// expansion) with its payload aliased `w`, and the body fields it writes (for 422 details).
pub struct Mutation {
    /// Names the shape in the cache (`customersCreate`).
    pub route: &'static str,
    pub resource: &'static Resource,
    pub text: fn(&str) -> String,
    pub fields: &'static [super::body::InputField],
}

impl Translator {
    /// Runs `m` with `variables`, then refuses its `userErrors` (the payload's and each
    /// result's) as a 422 keyed by the body's names. `names` maps GraphQL argument paths to
    /// the REST names that set them, for 400s.
    pub async fn mutate(
        &self,
        state: &AppState,
        principal: Principal,
        m: &Mutation,
        variables: Map<String, Value>,
        names: &[(String, String)],
    ) -> Result<Written, Refusal> {
        let built = self.operation(m.route, m.resource, &Params::default(), m.text)?;
        let data = run(state, principal, &built.text, variables, names).await?;
        let payload = data.get("w").cloned().unwrap_or(Value::Null);
        let mut lists = vec![payload.get("userErrors")];
        if let Some(results) = payload.get("results").and_then(Value::as_array) {
            lists.extend(results.iter().map(|r| r.get("userErrors")));
        }
        let fields: Vec<(String, String)> = m
            .fields
            .iter()
            .map(|f| (f.gql.to_owned(), f.rest.to_owned()))
            .collect();
        for errors in lists.into_iter().flatten() {
            if let Some(r) = super::body::user_errors(errors, &fields) {
                return Err(r);
            }
        }
        Ok(Written { built, payload })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_snake_case_field_names() {
        assert_eq!(snake("firstName"), "first_name");
        assert_eq!(snake("isDefaultBilling"), "is_default_billing");
        assert_eq!(snake_path("input.0.firstName"), "first_name");
        assert_eq!(snake_path("input.lineItems.3"), "line_items");
    }
}
