//! The GraphQL schema: a library the transports (`/graphql`, the REST adapters) execute with a
//! [`context::RequestCtx`] and a fresh set of [`loaders`].

pub mod argument_errors;
pub mod batch;
pub mod connection;
pub mod context;
pub mod cost;
pub mod documents;
pub mod errors;
pub mod filters;
pub mod guards;
pub mod input_text;
pub mod limits;
pub mod loaders;
pub mod mutations;
pub mod queries;
pub mod type_scopes;
pub mod types;

use async_graphql::parser::types::OperationType;
use async_graphql::{EmptySubscription, MergedObject, Schema};

use crate::config::Config;

/// Every read, scoped to the caller's merchant: lists as Relay connections (at most 250 per
/// page), single objects by ID, `node`/`nodes`, `viewer` and the dashboard aggregates.
#[derive(MergedObject, Default)]
pub struct Query(
    queries::customers::CustomerQuery,
    queries::customer_groups::CustomerGroupQuery,
    queries::orders::OrderQuery,
    queries::stores::StoreQuery,
    queries::channels::ChannelQuery,
    queries::brands::BrandQuery,
    queries::products::ProductQuery,
    queries::variants::VariantQuery,
    queries::price_lists::PriceListQuery,
    queries::prices::PriceQuery,
    queries::promotions::PromotionQuery,
    queries::coupon_codes::CouponCodeQuery,
    queries::promotion_evaluate::PromotionEvaluateQuery,
    queries::node::NodeQuery,
    queries::viewer::ViewerQuery,
    queries::stats::StatsQuery,
    queries::tags::TagQuery,
    queries::shop::ShopQuery,
    queries::migrations::MigrationQuery,
);

/// Every write. Payloads carry `userErrors { field code message }`; bulk mutations take up to
/// 1,000 items in one transaction; `idempotencyKey` makes a retry return the first result.
#[derive(MergedObject, Default)]
pub struct Mutation(
    mutations::customers::CustomerMutation,
    mutations::customer_groups::CustomerGroupMutation,
    mutations::stores::StoreMutation,
    mutations::addresses::AddressMutation,
    mutations::channels::ChannelMutation,
    mutations::catalog::CatalogMutation,
    mutations::products_bulk::ProductBulkMutation,
    mutations::orders::OrderMutation,
    mutations::promotions::PromotionMutation,
    mutations::price_lists::PriceListMutation,
    mutations::prices::PriceMutation,
    mutations::shop::ShopMutation,
    mutations::migrations::MigrationMutation,
);

pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema, signing page cursors with `cursors`.
pub fn build_schema(config: &Config, cursors: crate::keys::CursorKey) -> AppSchema {
    use connection::GqlConnection as Conn;
    use types::{
        brands, catalog, channels, customer_groups, customers, order, pricing, promotion, stores,
    };
    let schema = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .data(cursors)
        .data(type_scopes::Edges::default())
        .data(cost::CostModel::default())
        .data(argument_errors::InputTypes::default())
        .data(crate::domain::orders::stats::KnownTimezones::default())
        .data(mutations::IdempotencyTtl(config.idempotency_ttl))
        // Wakes this gateway's migration worker when a request queues a batch.
        .data(crate::domain::migrations::jobs::Wake::default())
        .register_output_type::<types::node::Node>()
        // Types async-graphql generates, described here (descriptions only).
        .override_output_type_description::<rust_decimal::Decimal>(DECIMAL)
        .override_output_type_description::<Conn<customers::Customer>>(
            "A page of customers (`customers`); keyset cursors, at most 250 per page.",
        )
        .override_output_type_description::<Conn<customer_groups::CustomerGroup>>(
            "A page of customer groups (`customerGroups`); keyset cursors, at most 250 per page.",
        )
        .override_output_type_description::<Conn<order::Order>>(
            "A page of orders (`orders`); keyset cursors, at most 250 per page.",
        )
        .override_output_type_description::<Conn<stores::Store>>(
            "A page of stores (`stores`); keyset cursors, at most 250 per page.",
        )
        .override_output_type_description::<Conn<channels::Channel>>(
            "A page of sales channels (`channels`); keyset cursors, at most 250 per page.",
        )
        .override_output_type_description::<Conn<brands::Brand>>(
            "A page of brands (`brands`); keyset cursors, at most 250 per page.",
        )
        .override_output_type_description::<Conn<catalog::Product>>(
            "A page of products (`products`); keyset cursors, at most 250 per page.",
        )
        .override_output_type_description::<Conn<catalog::Variant>>(
            "A page of variants (`variants`); keyset cursors, at most 250 per page.",
        )
        .override_output_type_description::<Conn<pricing::PriceList>>(
            "A page of price lists (`priceLists`); keyset cursors, at most 250 per page.",
        )
        .override_output_type_description::<Conn<pricing::Price>>(
            "A page of prices (`prices`); keyset cursors, at most 250 per page.",
        )
        .override_output_type_description::<Conn<promotion::Promotion>>(
            "A page of promotions (`promotions`); keyset cursors, at most 250 per page.",
        )
        .override_output_type_description::<Conn<promotion::CouponCode>>(
            "A page of coupon codes (`couponCodes`); keyset cursors, at most 250 per page.",
        )
        .override_output_type_description::<Conn<types::migrations::MigrationBatch>>(
            "A page of legacy migration batches (`migrationBatches`); keyset cursors, at most 250 per page.",
        )
        // The data depth is checked before execution (`limits::data_depth`, without
        // introspection); the executor's own limit leaves room for introspection's type refs.
        .limit_depth(config.document_limits.max_depth + limits::INTROSPECTION_DEPTH_ALLOWANCE)
        .limit_complexity(config.max_complexity)
        .finish();
    // The scope each field needs, read from the schema itself (see `type_scopes`).
    if let Some(edges) = schema.data::<type_scopes::Edges>() {
        edges.init(|| schema.sdl());
    }
    // The types the calculated cost of a document is read against (see `cost`).
    if let Some(model) = schema.data::<cost::CostModel>() {
        model.init(|| schema.sdl());
    }
    schema
}

/// The description of the `Decimal` scalar (async-graphql's own has none).
const DECIMAL: &str =
    "An exact decimal number, sent as a string such as \"29.99\" (never a float). Money amounts \
     have at least two and at most four decimals, in the currency the object names; rates and \
     coordinates are given as stored. Inputs accept a string or a JSON number; prefer strings.";

/// The SDL of the schema (what `commerce-gateway schema` prints and `schema.graphql` holds).
pub fn sdl() -> String {
    build_schema(
        &Config::new("postgres://unused/unused"),
        crate::keys::CursorKey::derive(b"sdl"),
    )
    .sdl()
}

/// A request that passed the document limits ([`limits`]), its document parsed (when it
/// parses). The only way to [`execute`] a request is to prepare it first.
pub struct Prepared(async_graphql::Request);

impl Prepared {
    /// The type of the operation the request selects (the one `operationName` names, or the
    /// only one). `None` when the document does not parse or selects no operation: execution
    /// then reports why.
    pub fn operation_type(&mut self) -> Option<OperationType> {
        let name = self.0.operation_name.clone();
        let doc = self.0.parsed_query().ok()?;
        let mut operations = doc.operations.iter();
        let op = match name {
            Some(name) => operations
                .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
                .map(|(_, op)| op),
            None => match (operations.next(), operations.next()) {
                (Some((_, op)), None) => Some(op),
                _ => None,
            },
        }?;
        Some(op.node.ty)
    }

    /// The calculated cost of the selected operation ([`cost`]); `None` when the document does
    /// not parse or selects no operation.
    pub fn cost(&mut self, schema: &AppSchema) -> Option<u64> {
        let model = schema.data::<cost::CostModel>()?;
        let name = self.0.operation_name.clone();
        let variables = self.0.variables.clone();
        let doc = self.0.parsed_query().ok()?;
        model.requested(doc, name.as_deref(), &variables)
    }
}

/// What an operation was charged: `extensions.cost`.
#[derive(Debug, Clone, Copy)]
pub struct Charge {
    pub requested: u64,
    /// `None` when the operation did not run.
    pub actual: Option<u64>,
    pub throttle: Option<crate::limits::bucket::ThrottleStatus>,
}

impl Charge {
    /// Writes `extensions.cost` into `response`.
    pub fn extend(&self, response: &mut async_graphql::Response) {
        use async_graphql::{Name, Value};
        let mut cost = async_graphql::indexmap::IndexMap::new();
        cost.insert(Name::new("requestedQueryCost"), Value::from(self.requested));
        cost.insert(
            Name::new("actualQueryCost"),
            self.actual.map(Value::from).unwrap_or(Value::Null),
        );
        let throttle = match self.throttle {
            None => Value::Null,
            Some(t) => {
                let mut m = async_graphql::indexmap::IndexMap::new();
                m.insert(
                    Name::new("maximumAvailable"),
                    Value::from(t.maximum_available),
                );
                m.insert(
                    Name::new("currentlyAvailable"),
                    Value::from(t.currently_available),
                );
                m.insert(Name::new("restoreRate"), Value::from(t.restore_rate));
                Value::Object(m)
            }
        };
        cost.insert(Name::new("throttleStatus"), throttle);
        response
            .extensions
            .insert("cost".into(), Value::Object(cost));
    }
}

/// Checks the calculated cost of `prepared` against the configured maximum and takes it from
/// the caller's cost bucket. Refused: a response with MAX_COST_EXCEEDED (over the maximum) or
/// THROTTLED (the bucket holds too little; `extensions.retryAfter` seconds and the wait in the
/// message), carrying `extensions.cost`. A document that does not parse costs nothing here:
/// execution reports why.
pub async fn charge(
    schema: &AppSchema,
    limits: &crate::limits::Limits,
    max_cost: u64,
    principal: &crate::auth::Principal,
    prepared: &mut Prepared,
) -> Result<Charge, async_graphql::Response> {
    use crate::limits::bucket::Take;
    let requested = prepared.cost(schema).unwrap_or(0);
    let refuse = |charge: Charge, code: &str, message: String, retry_after: Option<u64>| {
        let mut error = async_graphql::ServerError::new(message, None);
        let ext = error.extensions.get_or_insert_with(Default::default);
        ext.set("code", code);
        if let Some(secs) = retry_after {
            ext.set("retryAfter", secs);
        }
        let mut response = async_graphql::Response::from_errors(vec![error]);
        charge.extend(&mut response);
        response
    };
    if requested > max_cost {
        let charge = Charge {
            requested,
            actual: None,
            throttle: None,
        };
        return Err(refuse(
            charge,
            "MAX_COST_EXCEEDED",
            format!(
                "the operation's calculated cost is {requested}; at most {max_cost} is accepted"
            ),
            None,
        ));
    }
    match limits.charge(principal, requested).await {
        None => Ok(Charge {
            requested,
            actual: Some(requested),
            throttle: None,
        }),
        Some(Take::Taken(status)) => Ok(Charge {
            requested,
            actual: Some(requested),
            throttle: Some(status),
        }),
        Some(Take::Refused { status, wait_ms }) => {
            let charge = Charge {
                requested,
                actual: None,
                throttle: Some(status),
            };
            if requested as f64 > status.maximum_available {
                return Err(refuse(
                    charge,
                    "MAX_COST_EXCEEDED",
                    format!(
                        "the operation's calculated cost is {requested}; a bucket holds at \
                         most {}",
                        status.maximum_available
                    ),
                    None,
                ));
            }
            let secs = wait_ms.div_ceil(1000).max(1);
            Err(refuse(
                charge,
                "THROTTLED",
                format!(
                    "throttled: the operation costs {requested} and {} is available, \
                     restoring {} a second; retry in {secs} s ({wait_ms} ms)",
                    status.currently_available, status.restore_rate
                ),
                Some(secs),
            ))
        }
    }
}

/// Checks `request` against `limits` and parses it (or takes its parsed document from
/// `documents`, see [`documents`]), then refuses NUL characters in its text inputs
/// ([`input_text`]); a refused request gets its response here, with BAD_USER_INPUT or
/// MAX_COST_EXCEEDED naming the cause.
pub async fn prepare(
    mut request: async_graphql::Request,
    documents: &documents::DocumentCache,
    limits: &limits::DocumentLimits,
) -> Result<Prepared, async_graphql::Response> {
    if let Err(violation) = documents::prepare(&mut request, documents, limits).await {
        let mut error = async_graphql::ServerError::new(violation.to_string(), None);
        let ext = error.extensions.get_or_insert_with(Default::default);
        ext.set("code", violation.code());
        ext.set("field", violation.field());
        return Err(async_graphql::Response::from_errors(vec![error]));
    }
    match input_text::refuse_nul(&mut request) {
        None => Ok(Prepared(request)),
        Some(e) => Err(async_graphql::Response::from_errors(vec![e])),
    }
}

/// Executes a prepared request for `principal`: fresh loaders scoped to its merchant, batches
/// driven on this task (see [`batch`]), every error given a code and every failed field an
/// explicit null.
pub async fn execute(
    schema: &AppSchema,
    db: &crate::db::Db,
    principal: crate::auth::Principal,
    Prepared(request): Prepared,
) -> async_graphql::Response {
    // Kept only while the request runs, to name the argument of a value that failed to parse.
    let query = request.query.clone();
    let variables = request.variables.clone();
    let queue = batch::BatchQueue::default();
    let request =
        loaders::attach(request, db, principal.merchant_id, &queue).data(context::RequestCtx {
            principal,
            db: db.clone(),
        });
    let mut response = queue.run(Schema::execute(schema, request)).await;
    argument_errors::name_arguments(schema, &query, &variables, &mut response.errors);
    errors::ensure_codes(&mut response.errors);
    if !response.errors.is_empty() {
        errors::null_failed_fields(&mut response);
    }
    response
}
