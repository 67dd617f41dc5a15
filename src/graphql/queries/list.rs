//! One shape for every root list (`customers`, `orders`, `products`…): the page arguments
//! `first`/`after`/`last`/`before`, the `filter`, the optional `search` and the `sort`, the cost
//! (`first` or `last`, default 25, times what each node costs), the scope check and the
//! connection. A root states only what differs ([`ListRoot`]) and is placed in its query object
//! with `#[graphql(flatten)] async fn customers(&self) -> ListField<Customers>`; its arguments
//! are parsed into one [`ListArgs`] (see [`super::root_field`] for why not one parameter each).

use std::marker::PhantomData;

use async_graphql::parser::types::{Field, VariableDefinition};
use async_graphql::registry::{MetaInputValue, Registry};
use async_graphql::{
    Context, Guard, InputType, OutputType, Positioned, ServerResult, VisitorContext,
};

use crate::auth::Scope;
use crate::domain::filter::{Filter, Listable, Sort};
use crate::graphql::connection::{self, GqlConnection, PageArgs, DEFAULT_PAGE, MAX_PAGE};
use crate::graphql::errors::{bad_input, GqlResult};
use crate::graphql::filters::search_text;
use crate::graphql::guards::RequireScope;
use crate::graphql::queries::root_field::{argument, Complexity, Flat, RootField};
use crate::ids::Kind;

/// A filter input of a list: adds its conditions to a domain filter.
pub trait FilterInput: InputType + Default {
    /// The domain fields the conditions are on.
    type Field: crate::domain::filter::Field;

    /// Adds every condition given to `f`; errors name the input (`filter.email.in`).
    fn apply(&self, f: &mut Filter<Self::Field>) -> GqlResult<()>;

    /// The domain filter of this input and a free-text `search` (checked for length first).
    fn to_filter(&self, search: Option<String>) -> GqlResult<Filter<Self::Field>> {
        let mut f = Filter {
            search: search_text(search)?,
            ..Filter::default()
        };
        self.apply(&mut f)?;
        Ok(f)
    }
}

/// A sort input of a list (`{field, direction}`): picks a domain sort key.
pub trait SortInput: InputType {
    /// The domain's sort keys.
    type Key: crate::domain::filter::SortKey;

    /// The sort this input asks for.
    fn sort(&self) -> Sort<Self::Key>;

    /// The sort when the client gives none.
    fn default_sort() -> Sort<Self::Key>;
}

/// What one root list states; everything else is shared.
pub trait ListRoot: Send + Sync + 'static {
    /// The field's name (`customers`).
    const FIELD: &'static str;
    /// The field's description.
    const DESCRIPTION: &'static str;
    /// The scope reading the list takes.
    const SCOPE: Scope;
    /// The kind of the listed objects' IDs (cursors carry one).
    const KIND: Kind;
    /// Description of the `filter` argument.
    const FILTER: &'static str;
    /// Description of the `search` argument; `None`: the list takes no `search`.
    const SEARCH: Option<&'static str>;
    /// Description of the `sort` argument.
    const SORT: &'static str;

    /// The listed rows.
    type Row: Listable;
    /// The GraphQL object of a row.
    type Node: OutputType;
    /// The `filter` argument.
    type Filter: FilterInput<Field = <Self::Row as Listable>::Field>;
    /// The `sort` argument.
    type Sort: SortInput<Key = <Self::Row as Listable>::SortKey>;

    /// The node of a row.
    fn node(row: Self::Row) -> Self::Node;
}

/// The arguments of a root list, as the client sent them.
pub struct ListArgs<L: ListRoot> {
    /// `first`/`after`/`last`/`before`.
    pub page: PageArgs,
    /// `filter`.
    pub filter: Option<L::Filter>,
    /// `search` (always `None` for a list without it).
    pub search: Option<String>,
    /// `sort`: keys most significant first (one object is a list of one).
    pub sort: Option<Vec<L::Sort>>,
}

/// Reads one page of root list `L`.
pub async fn list<L: ListRoot>(
    ctx: &Context<'_>,
    args: ListArgs<L>,
) -> GqlResult<GqlConnection<L::Node>> {
    let filter = args.filter.unwrap_or_default().to_filter(args.search)?;
    let sort = match args.sort.as_deref() {
        None | Some([]) => L::Sort::default_sort(),
        Some(keys) => Sort::of(
            keys.iter()
                .flat_map(|k| k.sort().terms().to_vec())
                .collect(),
        )
        .map_err(|e| bad_input("sort", e.to_string()))?,
    };
    connection::list::<L::Row, L::Node>(ctx, L::KIND, filter, sort, &args.page, L::node).await
}

/// The field of root list `L`, flattened into its query object.
pub type ListField<L> = Flat<List<L>>;

/// The [`RootField`] of root list `L`.
pub struct List<L>(PhantomData<fn() -> L>);

const FIRST: &str =
    "Page size reading forward, 1 to 250 (25 when neither `first` nor `last` is given).";
const AFTER: &str =
    "Start after this cursor (an `endCursor` or edge `cursor` of this list with the same sort).";
const LAST: &str = "Page size reading backward from `before` (or from the end), 1 to 250.";
const OFFSET: &str =
    "Rows to skip before the page, 0 to 10,000, reading forward (for page-numbered \
     clients: page n of size s is `first: s, offset: (n - 1) × s`). Cursors are the fast path: an \
     offset still reads every row it skips.";
const SORT_KEYS: &str =
    "One key or a list of up to 4 distinct keys, most significant first, each with its own \
     direction; ties are broken by ID in the last key's direction.";
const BEFORE: &str =
    "End before this cursor (a `startCursor` or edge `cursor` of this list with the same sort).";

/// The cost of a list: its page size (`first`, else `last`, else 25, within 1..=250) times
/// what each node costs.
fn complexity(
    ctx: &VisitorContext<'_>,
    variables: &[Positioned<VariableDefinition>],
    field: &Field,
    child_complexity: usize,
) -> ServerResult<usize> {
    let first: Option<i32> = ctx.param_value(variables, field, "first", None)?;
    let last: Option<i32> = ctx.param_value(variables, field, "last", None)?;
    let size = first
        .or(last)
        .unwrap_or(DEFAULT_PAGE as i32)
        .clamp(1, MAX_PAGE) as usize;
    Ok(size * child_complexity)
}

impl<L: ListRoot> RootField for List<L> {
    const NAME: &'static str = L::FIELD;
    const DESCRIPTION: &'static str = L::DESCRIPTION;
    const COMPLEXITY: Option<Complexity> = Some(complexity);
    type Output = GqlConnection<L::Node>;

    fn arguments(registry: &mut Registry) -> Vec<MetaInputValue> {
        let mut args = vec![
            argument::<Option<i32>>(registry, "first", FIRST),
            argument::<Option<String>>(registry, "after", AFTER),
            argument::<Option<i32>>(registry, "last", LAST),
            argument::<Option<String>>(registry, "before", BEFORE),
            argument::<Option<L::Filter>>(registry, "filter", L::FILTER),
        ];
        if let Some(search) = L::SEARCH {
            args.push(argument::<Option<String>>(registry, "search", search));
        }
        args.push(argument::<Option<Vec<L::Sort>>>(
            registry,
            "sort",
            &format!("{} {SORT_KEYS}", L::SORT),
        ));
        // Last: an argument added to a field keeps the SDL of the others as it was.
        args.push(argument::<Option<i32>>(registry, "offset", OFFSET));
        args
    }

    async fn resolve(ctx: &Context<'_>) -> ServerResult<GqlConnection<L::Node>> {
        let (_, first) = ctx.param_value::<Option<i32>>("first", None)?;
        let (_, after) = ctx.param_value::<Option<String>>("after", None)?;
        let (_, last) = ctx.param_value::<Option<i32>>("last", None)?;
        let (_, before) = ctx.param_value::<Option<String>>("before", None)?;
        let (_, filter) = ctx.param_value::<Option<L::Filter>>("filter", None)?;
        let search = match L::SEARCH {
            Some(_) => ctx.param_value::<Option<String>>("search", None)?.1,
            None => None,
        };
        let (_, sort) = ctx.param_value::<Option<Vec<L::Sort>>>("sort", None)?;
        let (_, offset) = ctx.param_value::<Option<i32>>("offset", None)?;
        RequireScope(L::SCOPE)
            .check(ctx)
            .await
            .map_err(|err| err.into_server_error(ctx.item.pos))?;
        let args = ListArgs {
            page: PageArgs::new(first, after, last, before).with_offset(offset),
            filter,
            search,
            sort,
        };
        list::<L>(ctx, args)
            .await
            .map_err(|err| err.into_server_error(ctx.item.pos))
    }
}
