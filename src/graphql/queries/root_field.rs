//! Root fields whose arguments are parsed into one value instead of one resolver parameter each.
//!
//! `#[Object]` derives a field's arguments from its resolver's parameters, one each: a root list
//! (eight arguments) or `priceQuote` (seven) became a function of nine or ten parameters. A
//! [`RootField`] registers its arguments and parses them itself, exactly as the derive did (same
//! names, order, descriptions, types, cost function; the committed SDL pins it), and
//! [`Flat<R>`] is placed in the query object with `#[graphql(flatten)]`, which copies its one
//! field where the resolver was, so `Query` keeps its field order.

use std::borrow::Cow;
use std::future::Future;
use std::marker::PhantomData;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, VariableDefinition};
use async_graphql::registry::{
    Deprecation, MetaField, MetaInputValue, MetaType, MetaTypeId, Registry,
};
use async_graphql::resolver_utils::{resolve_container, ContainerType};
use async_graphql::{
    CacheControl, Context, ContextSelectionSet, InputType, ObjectType, OutputType, Positioned,
    ServerResult, Value, VisitorContext,
};

/// A cost function, as `#[graphql(complexity = …)]` generates one.
pub type Complexity = fn(
    &VisitorContext<'_>,
    &[Positioned<VariableDefinition>],
    &Field,
    usize,
) -> ServerResult<usize>;

/// A root field resolved from its parsed arguments.
pub trait RootField: Send + Sync + 'static {
    /// The field's name (`customers`).
    const NAME: &'static str;
    /// The field's description.
    const DESCRIPTION: &'static str;
    /// The cost function; `None`: the default (one plus what the selection costs).
    const COMPLEXITY: Option<Complexity> = None;
    /// What the field returns.
    type Output: OutputType;

    /// The arguments, in the order the schema lists them (see [`argument`]).
    fn arguments(registry: &mut Registry) -> Vec<MetaInputValue>;

    /// Parses the arguments (in the listed order, so the first bad one is reported), checks
    /// the scopes, resolves. Errors carry the field's position.
    fn resolve(ctx: &Context<'_>) -> impl Future<Output = ServerResult<Self::Output>> + Send;
}

/// An argument without default, visibility or directives, as `#[Object]` registers one.
pub fn argument<T: InputType>(
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

/// The one field of `R`, flattened into a query object (see the module doc).
pub struct Flat<R>(PhantomData<fn() -> R>);

impl<R> Default for Flat<R> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<R: RootField> Flat<R> {
    /// The field as `#[Object]` would register it from the resolver it replaces.
    fn meta_field(registry: &mut Registry) -> MetaField {
        let args = R::arguments(registry)
            .into_iter()
            .map(|a| (a.name.clone(), a))
            .collect();
        MetaField {
            name: R::NAME.to_owned(),
            description: Some(R::DESCRIPTION.to_owned()),
            args,
            ty: <R::Output as OutputType>::create_type_info(registry),
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
            compute_complexity: R::COMPLEXITY,
            directive_invocations: Vec::new(),
            requires_scopes: Vec::new(),
        }
    }
}

impl<R: RootField> OutputType for Flat<R> {
    fn type_name() -> Cow<'static, str> {
        // Only the registry sees this type: flattening copies its one field into the query
        // object, and the schema drops the unreferenced type.
        Cow::Owned(format!("{}Flat", R::NAME))
    }

    fn create_type_info(registry: &mut Registry) -> String {
        registry.create_output_type::<Self, _>(MetaTypeId::Object, |registry| {
            let mut fields = IndexMap::new();
            fields.insert(R::NAME.to_owned(), Self::meta_field(registry));
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

impl<R: RootField> ContainerType for Flat<R> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        if ctx.item.node.name.node != R::NAME {
            return Ok(None);
        }
        let output = R::resolve(ctx)
            .await
            .map_err(|err| ctx.set_error_path(err))?;
        let ctx_obj = ctx.with_selection_set(&ctx.item.node.selection_set);
        OutputType::resolve(&output, &ctx_obj, ctx.item)
            .await
            .map(Some)
    }
}

impl<R: RootField> ObjectType for Flat<R> {}
