//! `priceQuote`: the unit price a buyer gets, with the list and rule that decided.

use async_graphql::registry::{MetaInputValue, Registry};
use async_graphql::{Context, Guard, ServerResult, ID};
use chrono::{DateTime, Utc};

use crate::auth::Scope;
use crate::graphql::errors::{bad_id, bad_input, gql, GqlResult};
use crate::graphql::guards::{RequireScope, RequireScopeIf};
use crate::graphql::loaders;
use crate::graphql::queries::root_field::{argument, RootField};
use crate::graphql::types::pricing::PriceQuote;
use crate::ids::{self, Kind};

/// The arguments of `priceQuote`, as the client sent them.
pub struct PriceQuoteArgs {
    /// `variantId`.
    pub variant_id: ID,
    /// `currency`.
    pub currency: String,
    /// `quantity`.
    pub quantity: Option<i32>,
    /// `customerId`.
    pub customer_id: Option<ID>,
    /// `channelId`.
    pub channel_id: Option<ID>,
    /// `at`.
    pub at: Option<DateTime<Utc>>,
    /// `market`.
    pub market: Option<String>,
}

/// The `priceQuote` root field (seven arguments: see [`super::root_field`]).
pub struct PriceQuoteField;

impl RootField for PriceQuoteField {
    const NAME: &'static str = "priceQuote";
    const DESCRIPTION: &'static str =
        "The unit price a buyer gets for `quantity` of a variant in a currency at a moment: the
lowest-position price list in effect (active, or scheduled inside its window) whose
rules match the buyer under its match policy, otherwise the base price — with the list
and rule that decided. Null when the variant has no applicable price in the currency.
IDs of another merchant are NOT_FOUND. With `customerId` it also requires `customers:read`
(the answer tells the customer's groups).";
    type Output = Option<PriceQuote>;

    fn arguments(registry: &mut Registry) -> Vec<MetaInputValue> {
        vec![
            argument::<ID>(registry, "variantId", "The variant (`variant_…`)."),
            argument::<String>(registry, "currency", "ISO 4217 code in upper case (`USD`)."),
            argument::<Option<i32>>(
                registry,
                "quantity",
                "Units bought (volume rules), at least 1; default 1.",
            ),
            argument::<Option<ID>>(
                registry,
                "customerId",
                "The buyer (`cus_…`): customer and customer group rules.",
            ),
            argument::<Option<ID>>(
                registry,
                "channelId",
                "The sales channel (`ch_…`): channel rules.",
            ),
            argument::<Option<DateTime<Utc>>>(registry, "at", "The moment priced; default now."),
            argument::<Option<String>>(
                registry,
                "market",
                "The buyer's market, ISO 3166-1 alpha-2 (`EC`): market rules match nobody without it.",
            ),
        ]
    }

    async fn resolve(ctx: &Context<'_>) -> ServerResult<Option<PriceQuote>> {
        let (_, variant_id) = ctx.param_value::<ID>("variantId", None)?;
        let (_, currency) = ctx.param_value::<String>("currency", None)?;
        let (_, quantity) = ctx.param_value::<Option<i32>>("quantity", None)?;
        let (_, customer_id) = ctx.param_value::<Option<ID>>("customerId", None)?;
        let (_, channel_id) = ctx.param_value::<Option<ID>>("channelId", None)?;
        let (_, at) = ctx.param_value::<Option<DateTime<Utc>>>("at", None)?;
        let (_, market) = ctx.param_value::<Option<String>>("market", None)?;
        let to_server = |err: async_graphql::Error| err.into_server_error(ctx.item.pos);
        RequireScope(Scope::PricingRead)
            .check(ctx)
            .await
            .map_err(to_server)?;
        RequireScopeIf(customer_id.is_some(), Scope::CustomersRead)
            .check(ctx)
            .await
            .map_err(to_server)?;
        let args = PriceQuoteArgs {
            variant_id,
            currency,
            quantity,
            customer_id,
            channel_id,
            at,
            market,
        };
        price_quote(ctx, args).await.map_err(to_server)
    }
}

/// Checks the arguments and quotes.
async fn price_quote(ctx: &Context<'_>, args: PriceQuoteArgs) -> GqlResult<Option<PriceQuote>> {
    let PriceQuoteArgs {
        variant_id,
        currency,
        quantity,
        customer_id,
        channel_id,
        at,
        market,
    } = args;
    use crate::domain::pricing::iso;
    use crate::domain::pricing::quote::{quote_many_in_markets, QuoteRequest};
    use crate::error::Error;

    let variant = ids::decode(Kind::Variant, &variant_id).map_err(|e| bad_id("variantId", e))?;
    let customer = customer_id
        .map(|c| ids::decode(Kind::Customer, &c).map_err(|e| bad_id("customerId", e)))
        .transpose()?;
    let channel = channel_id
        .map(|c| ids::decode(Kind::Channel, &c).map_err(|e| bad_id("channelId", e)))
        .transpose()?;
    if !iso::is_currency(&currency) {
        return Err(bad_input(
            "currency",
            "must be an ISO 4217 currency code in upper case, such as USD",
        ));
    }
    let quantity = quantity.unwrap_or(1);
    if quantity < 1 {
        return Err(bad_input("quantity", "must be at least 1"));
    }
    if market.as_deref().is_some_and(|m| !iso::is_country(m)) {
        return Err(bad_input(
            "market",
            "must be an ISO 3166-1 alpha-2 country code in upper case, such as EC",
        ));
    }
    let not_found = |what: &str| gql(Error::not_found(format!("no such {what}")));
    if loaders::load::<crate::domain::catalog::Variant>(ctx, variant)
        .await?
        .is_none()
    {
        return Err(not_found("variant (variantId)"));
    }
    if let Some(c) = customer {
        if loaders::load::<crate::domain::customers::Customer>(ctx, c)
            .await?
            .is_none()
        {
            return Err(not_found("customer (customerId)"));
        }
    }
    if let Some(c) = channel {
        if loaders::load::<crate::domain::channels::Channel>(ctx, c)
            .await?
            .is_none()
        {
            return Err(not_found("channel (channelId)"));
        }
    }
    let merchant = crate::graphql::context::merchant_id(ctx)?;
    let mut conn = crate::graphql::context::conn(ctx).await?;
    let request = QuoteRequest {
        variant_id: variant,
        currency,
        quantity,
        customer_id: customer,
        channel_id: channel,
        at: at.unwrap_or_else(Utc::now),
    };
    let quote = quote_many_in_markets(&mut conn, merchant, &[request], &[market])
        .await
        .map_err(gql)?
        .into_iter()
        .next()
        .flatten();
    Ok(quote.map(PriceQuote))
}
