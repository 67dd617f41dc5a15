//! One shape for every root list (`customers`, `orders`, `products`…): the page arguments
//! `first`/`after`/`last`/`before`, the `filter`, the optional `search` and the `sort`, the cost
//! (`first` or `last`, default 25, times what each node costs), the scope check and the
//! connection. A root states only what differs ([`ListRoot`]) and is placed in its query object
//! with `#[graphql(flatten)] async fn customers(&self) -> ListField<Customers>`.
//!
//! `#[Object]` derives a field's arguments from its resolver's parameters, one each: eight
//! arguments made every list resolver a function of ten parameters repeated a dozen times.
//! [`ListField`] registers the field and parses its arguments itself into [`ListArgs`] —
//! exactly what the derive generated (same argument names, order, descriptions, types and cost
//! function; the committed SDL pins it) — and the flatten puts the field where the resolver
//! was, so `Query` keeps its field order.

use std::borrow::Cow;
use std::marker::PhantomData;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, VariableDefinition};
use async_graphql::registry::Registry;
use async_graphql::registry::{Deprecation, MetaField, MetaInputValue, MetaType, MetaTypeId};
use async_graphql::resolver_utils::{resolve_container, ContainerType};
use async_graphql::{
    CacheControl, Context, ContextSelectionSet, Guard, InputType, ObjectType, OutputType,
    Positioned, ServerResult, Value, VisitorContext,
};

use crate::auth::Scope;
use crate::domain::filter::{Filter, Listable, Sort};
use crate::graphql::connection::{self, GqlConnection, PageArgs, DEFAULT_PAGE, MAX_PAGE};
use crate::graphql::errors::GqlResult;
use crate::graphql::filters::search_text;
use crate::graphql::guards::RequireScope;
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
    /// `sort`.
    pub sort: Option<L::Sort>,
}

/// Reads one page of root list `L`.
pub async fn list<L: ListRoot>(
    ctx: &Context<'_>,
    args: ListArgs<L>,
) -> GqlResult<GqlConnection<L::Node>> {
    let filter = args.filter.unwrap_or_default().to_filter(args.search)?;
    let sort = args
        .sort
        .as_ref()
        .map_or_else(L::Sort::default_sort, SortInput::sort);
    connection::list::<L::Row, L::Node>(ctx, L::KIND, filter, sort, &args.page, L::node).await
}

/// The field of root list `L`, flattened into a query object (see the module doc).
pub struct ListField<L>(PhantomData<fn() -> L>);

impl<L> Default for ListField<L> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

const FIRST: &str =
    "Page size reading forward, 1 to 250 (25 when neither `first` nor `last` is given).";
const AFTER: &str =
    "Start after this cursor (an `endCursor` or edge `cursor` of this list with the same sort).";
const LAST: &str = "Page size reading backward from `before` (or from the end), 1 to 250.";
const BEFORE: &str =
    "End before this cursor (a `startCursor` or edge `cursor` of this list with the same sort).";

/// An argument as `#[Object]` registers one without default, visibility or directives.
fn argument<T: InputType>(
    registry: &mut Registry,
    name: &str,
    description: &str,
) -> MetaInputValue {
    MetaInputValue {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        ty: T::create_type_info(registry),
        deprecation: Deprecation::NoDeprecated,
        default_value: None,
        visible: None,
        inaccessible: false,
        tags: Vec::new(),
        is_secret: false,
        directive_invocations: Vec::new(),
    }
}

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

impl<L: ListRoot> ListField<L> {
    /// The field as `#[Object]` would register it from the resolver it replaces.
    fn meta_field(registry: &mut Registry) -> MetaField {
        let mut args = IndexMap::new();
        let mut add = |value: MetaInputValue| {
            args.insert(value.name.clone(), value);
        };
        add(argument::<Option<i32>>(registry, "first", FIRST));
        add(argument::<Option<String>>(registry, "after", AFTER));
        add(argument::<Option<i32>>(registry, "last", LAST));
        add(argument::<Option<String>>(registry, "before", BEFORE));
        add(argument::<Option<L::Filter>>(registry, "filter", L::FILTER));
        if let Some(search) = L::SEARCH {
            add(argument::<Option<String>>(registry, "search", search));
        }
        add(argument::<Option<L::Sort>>(registry, "sort", L::SORT));
        MetaField {
            name: L::FIELD.to_owned(),
            description: Some(L::DESCRIPTION.to_owned()),
            args,
            ty: <GqlConnection<L::Node> as OutputType>::create_type_info(registry),
            deprecation: Deprecation::NoDeprecated,
            cache_control: CacheControl::default(),
            external: false,
            requires: None,
            provides: None,
            visible: None,
            shareable: false,
            inaccessible: false,
            tags: Vec::new(),
            override_from: None,
            compute_complexity: Some(complexity),
            directive_invocations: Vec::new(),
            requires_scopes: Vec::new(),
        }
    }

    /// Parses the arguments (in the order `#[Object]` did, so the first bad one is reported),
    /// checks the scope, reads the page.
    async fn connection(ctx: &Context<'_>) -> ServerResult<GqlConnection<L::Node>> {
        let (_, first) = ctx.param_value::<Option<i32>>("first", None)?;
        let (_, after) = ctx.param_value::<Option<String>>("after", None)?;
        let (_, last) = ctx.param_value::<Option<i32>>("last", None)?;
        let (_, before) = ctx.param_value::<Option<String>>("before", None)?;
        let (_, filter) = ctx.param_value::<Option<L::Filter>>("filter", None)?;
        let search = match L::SEARCH {
            Some(_) => ctx.param_value::<Option<String>>("search", None)?.1,
            None => None,
        };
        let (_, sort) = ctx.param_value::<Option<L::Sort>>("sort", None)?;
        RequireScope(L::SCOPE)
            .check(ctx)
            .await
            .map_err(|err| err.into_server_error(ctx.item.pos))?;
        let args = ListArgs {
            page: PageArgs::new(first, after, last, before),
            filter,
            search,
            sort,
        };
        list::<L>(ctx, args)
            .await
            .map_err(|err| err.into_server_error(ctx.item.pos))
    }
}

impl<L: ListRoot> OutputType for ListField<L> {
    fn type_name() -> Cow<'static, str> {
        // Only the registry sees this type: flattening copies its one field into the query
        // object, and the schema drops the unreferenced type.
        Cow::Owned(format!("{}ListField", L::FIELD))
    }

    fn create_type_info(registry: &mut Registry) -> String {
        registry.create_output_type::<Self, _>(MetaTypeId::Object, |registry| {
            let mut fields = IndexMap::new();
            fields.insert(L::FIELD.to_owned(), Self::meta_field(registry));
            MetaType::Object {
                name: Self::type_name().into_owned(),
                description: None,
                fields,
                cache_control: CacheControl::default(),
                extends: false,
                shareable: false,
                resolvable: true,
                inaccessible: false,
                interface_object: false,
                tags: Vec::new(),
                keys: None,
                visible: None,
                is_subscription: false,
                rust_typename: Some(std::any::type_name::<Self>()),
                directive_invocations: Vec::new(),
                requires_scopes: Vec::new(),
            }
        })
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl<L: ListRoot> ContainerType for ListField<L> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        if ctx.item.node.name.node != L::FIELD {
            return Ok(None);
        }
        let connection = Self::connection(ctx)
            .await
            .map_err(|err| ctx.set_error_path(err))?;
        let ctx_obj = ctx.with_selection_set(&ctx.item.node.selection_set);
        OutputType::resolve(&connection, &ctx_obj, ctx.item)
            .await
            .map(Some)
    }
}

impl<L: ListRoot> ObjectType for ListField<L> {}
