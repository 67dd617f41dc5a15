use async_graphql::{Context, Enum, Object, ID};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::catalog::Variant;
use super::channels::Channel;
use super::customer_groups::CustomerGroup;
use super::customers::Customer;
use super::money;
use super::page_size;
use crate::domain::channels as dch;
use crate::domain::customers as dcu;
use crate::domain::pricing as d;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::EdgeScope;
use crate::graphql::loaders;
use crate::ids::{self, Kind};

/// Lifecycle of a price list.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PriceListStatus {
    /// Being prepared; never applies (new lists start here).
    Draft,
    /// Applies (inside its window when `startsAt`/`endsAt` are set).
    Active,
    /// Applies only inside its starts/ends window.
    Scheduled,
    /// Switched off; never applies until activated or scheduled again.
    Inactive,
}

impl PriceListStatus {
    pub fn as_db(self) -> &'static str {
        match self {
            PriceListStatus::Draft => "draft",
            PriceListStatus::Active => "active",
            PriceListStatus::Scheduled => "scheduled",
            PriceListStatus::Inactive => "inactive",
        }
    }
    pub fn from_db(s: &str) -> Self {
        match s {
            "active" => PriceListStatus::Active,
            "scheduled" => PriceListStatus::Scheduled,
            "inactive" => PriceListStatus::Inactive,
            _ => PriceListStatus::Draft,
        }
    }
}

fn id_list(kind: Kind, keys: &[i64]) -> Vec<ID> {
    keys.iter().map(|k| ID(ids::encode(kind, *k))).collect()
}

fn first_id(kind: Kind, keys: &[i64]) -> Option<ID> {
    keys.first().map(|k| ID(ids::encode(kind, *k)))
}

/// A set of prices that applies to buyers matching its rules.
pub struct PriceList(pub d::PriceList);

/// A set of prices (`pl_…`) for buyers matching its rules; when several lists match, the lowest `position` wins.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl PriceList {
    /// Public ID (`pl_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::PriceList, self.0.id))
    }
    /// Name shown to staff, 1–100 characters.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Description for staff, at most 1,000 characters; null when none.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Lifecycle status; `currentlyActive` says whether it applies right now.
    async fn status(&self) -> PriceListStatus {
        PriceListStatus::from_db(&self.0.status)
    }
    /// Lower positions win when several lists match.
    async fn position(&self) -> i32 {
        self.0.position
    }
    /// `all`: every rule must match; `any`: one is enough.
    async fn match_policy(&self) -> &str {
        &self.0.match_policy
    }
    /// Start of the window it applies in (inclusive); null: no start limit.
    async fn starts_at(&self) -> Option<DateTime<Utc>> {
        self.0.starts_at
    }
    /// End of the window (exclusive), after `startsAt`; null: no end.
    async fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.0.ends_at
    }
    /// Whether the list applies now (active or scheduled, and inside its window).
    async fn currently_active(&self) -> bool {
        self.0.active_at(Utc::now())
    }
    /// When the list was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the list or its rules last changed; send it back as `expectedUpdatedAt` to refuse an update that would overwrite a newer change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// How many prices the list holds.
    async fn prices_count(&self, ctx: &Context<'_>) -> GqlResult<i64> {
        Ok(loaders::price_list_stats(ctx, self.0.id)
            .await?
            .prices_count)
    }
    /// How many products the list is for (`productIds`).
    async fn products_count(&self, ctx: &Context<'_>) -> GqlResult<i64> {
        Ok(loaders::price_list_stats(ctx, self.0.id)
            .await?
            .product_ids
            .len() as i64)
    }
    /// The products (`prod_…`) the list is for: those it was set up for (`productIds` of its
    /// create and update inputs) and those of the variants it prices, in ID order.
    async fn product_ids(&self, ctx: &Context<'_>) -> GqlResult<Vec<ID>> {
        Ok(loaders::price_list_stats(ctx, self.0.id)
            .await?
            .product_ids
            .into_iter()
            .map(|k| ID(ids::encode(Kind::Product, k)))
            .collect())
    }
    /// Who the list applies to.
    async fn rules(&self, ctx: &Context<'_>) -> GqlResult<Vec<PriceRule>> {
        Ok(loaders::children::<d::PriceRule>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(PriceRule)
            .collect())
    }
    /// Prices of the list (the first `first`, oldest first); use `prices(filter: {priceListId…})`
    /// at the root to page through all of them.
    #[graphql(complexity = "first.unwrap_or(50).clamp(1, 250) as usize * child_complexity")]
    async fn prices(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 1 to 250.", default = 50)] first: Option<i32>,
    ) -> GqlResult<Vec<Price>> {
        let n = page_size(first, 50)?;
        Ok(loaders::top_children::<d::Price>(ctx, self.0.id, n)
            .await?
            .into_iter()
            .map(Price)
            .collect())
    }
}

/// A condition of a price list.
pub struct PriceRule(pub d::PriceRule);

/// A condition of a price list (`prule_…`); `kind` says which reference field is set.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl PriceRule {
    /// Public ID (`prule_…`).
    async fn id(&self) -> ID {
        ID(ids::encode(Kind::PriceRule, self.0.id))
    }
    /// customer_group, channel, customer, volume or market.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// The rule's price list (`pl_…`).
    async fn price_list_id(&self) -> ID {
        ID(ids::encode(Kind::PriceList, self.0.price_list_id))
    }
    /// customer_group rules: the groups' IDs (`cg_…`), in the order given (the rule matches
    /// members of ANY of them; deleted groups drop out); empty for other kinds. Readable
    /// without `customers:read`.
    async fn customer_group_ids(&self) -> Vec<ID> {
        id_list(Kind::CustomerGroup, &self.0.customer_group_ids)
    }
    /// channel rules: the channels' IDs (`ch_…`), in the order given (orders on ANY of them
    /// match; deleted channels drop out); empty for other kinds. Readable without `stores:read`.
    async fn channel_ids(&self) -> Vec<ID> {
        id_list(Kind::Channel, &self.0.channel_ids)
    }
    /// customer rules: the customers' IDs (`cus_…`), in the order given (ANY of them matches;
    /// deleted customers drop out); empty for other kinds. Readable without `customers:read`.
    async fn customer_ids(&self) -> Vec<ID> {
        id_list(Kind::Customer, &self.0.customer_ids)
    }
    /// customer_group rules: the first of `customerGroupIds` (`cg_…`), readable without
    /// `customers:read`.
    #[graphql(deprecation = "A rule can name several groups: read customerGroupIds.")]
    async fn customer_group_id(&self) -> Option<ID> {
        first_id(Kind::CustomerGroup, &self.0.customer_group_ids)
    }
    /// channel rules: the first of `channelIds` (`ch_…`), readable without `stores:read`.
    #[graphql(deprecation = "A rule can name several channels: read channelIds.")]
    async fn channel_id(&self) -> Option<ID> {
        first_id(Kind::Channel, &self.0.channel_ids)
    }
    /// customer rules: the first of `customerIds` (`cus_…`), readable without `customers:read`.
    #[graphql(deprecation = "A rule can name several customers: read customerIds.")]
    async fn customer_id(&self) -> Option<ID> {
        first_id(Kind::Customer, &self.0.customer_ids)
    }
    /// When the rule was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the rule last changed (it is changed in place by `priceListUpdate` rules, and when
    /// a row it names is deleted).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// customer_group rules: the groups whose members match, in `customerGroupIds` order;
    /// empty for other kinds (requires `customers:read`).
    async fn customer_groups(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<CustomerGroup>>> {
        Ok(Some(
            loaders::load_many::<dcu::CustomerGroup>(ctx, &self.0.customer_group_ids)
                .await?
                .into_iter()
                .map(CustomerGroup)
                .collect(),
        ))
    }
    /// channel rules: the channels orders must be placed on (any of them), in `channelIds`
    /// order; empty for other kinds (requires `stores:read`).
    async fn channels(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Channel>>> {
        Ok(Some(
            loaders::load_many::<dch::Channel>(ctx, &self.0.channel_ids)
                .await?
                .into_iter()
                .map(Channel)
                .collect(),
        ))
    }
    /// customer rules: the customers who match, in `customerIds` order; empty for other kinds
    /// (requires `customers:read`).
    async fn customers(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Customer>>> {
        Ok(Some(
            loaders::load_many::<dcu::Customer>(ctx, &self.0.customer_ids)
                .await?
                .into_iter()
                .map(Customer)
                .collect(),
        ))
    }
    /// customer_group rules: the first of `customerGroups`; null for other kinds (requires
    /// `customers:read`).
    #[graphql(deprecation = "A rule can name several groups: read customerGroups.")]
    async fn customer_group(&self, ctx: &Context<'_>) -> GqlResult<Option<CustomerGroup>> {
        Ok(
            loaders::load_opt(ctx, self.0.customer_group_ids.first().copied())
                .await?
                .map(CustomerGroup),
        )
    }
    /// channel rules: the first of `channels`; null for other kinds (requires `stores:read`).
    #[graphql(deprecation = "A rule can name several channels: read channels.")]
    async fn channel(&self, ctx: &Context<'_>) -> GqlResult<Option<Channel>> {
        Ok(loaders::load_opt(ctx, self.0.channel_ids.first().copied())
            .await?
            .map(Channel))
    }
    /// customer rules: the first of `customers`; null for other kinds (requires
    /// `customers:read`).
    #[graphql(deprecation = "A rule can name several customers: read customers.")]
    async fn customer(&self, ctx: &Context<'_>) -> GqlResult<Option<Customer>> {
        Ok(loaders::load_opt(ctx, self.0.customer_ids.first().copied())
            .await?
            .map(Customer))
    }
    /// For volume rules: the smallest quantity that gets the list's price.
    async fn min_quantity(&self) -> Option<i32> {
        self.0.min_quantity
    }
    /// For market rules: ISO country code.
    async fn market_code(&self) -> Option<&str> {
        self.0.market_code.as_deref()
    }
}

/// The price of a variant in a currency: its base price, or its price in a price list.
pub struct Price(pub d::Price);

/// The price of a variant in a currency (`price_…`): its base price, or its price in a price list.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Price {
    /// Public ID (`price_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::Price, self.0.id))
    }
    /// Unit price in `currency` (≥ 0, up to 4 decimals).
    async fn amount(&self) -> Decimal {
        money(self.0.amount)
    }
    /// The "was" price shown struck through.
    async fn compare_at_amount(&self) -> Option<Decimal> {
        self.0.compare_at_amount.map(money)
    }
    /// ISO 4217 currency code in upper case (`USD`).
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    /// The variant priced (requires `catalog:read`).
    async fn variant(&self, ctx: &Context<'_>) -> GqlResult<Option<Variant>> {
        Ok(
            loaders::load::<crate::domain::catalog::Variant>(ctx, self.0.variant_id)
                .await?
                .map(Variant::from),
        )
    }
    /// The variant's ID (`variant_…`), readable without `catalog:read`.
    async fn variant_id(&self) -> ID {
        ID(ids::encode(Kind::Variant, self.0.variant_id))
    }
    /// The price list's ID (`pl_…`); null for a base price.
    async fn price_list_id(&self) -> Option<ID> {
        self.0
            .price_list_id
            .map(|k| ID(ids::encode(Kind::PriceList, k)))
    }
    /// When the price was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Null for a base price.
    async fn price_list(&self, ctx: &Context<'_>) -> GqlResult<Option<PriceList>> {
        Ok(loaders::load_opt(ctx, self.0.price_list_id)
            .await?
            .map(PriceList))
    }
    /// When the price was last written.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// The price a buyer gets for a variant (`priceQuote`), and what decided it.
pub struct PriceQuote(pub crate::domain::pricing::quote::Quote);

/// The price a buyer gets for a variant (`priceQuote`), and what decided it.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl PriceQuote {
    /// Unit price the buyer pays.
    async fn amount(&self) -> Decimal {
        money(self.0.amount)
    }
    /// The "was" price of the deciding price, if it has one.
    async fn compare_at_amount(&self) -> Option<Decimal> {
        self.0.compare_at_amount.map(money)
    }
    /// ISO 4217 currency of the amounts (the one asked for).
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    /// Quantity quoted for (volume rules depend on it).
    async fn quantity(&self) -> i32 {
        self.0.quantity
    }
    /// The variant quoted (requires `catalog:read`).
    async fn variant(&self, ctx: &Context<'_>) -> GqlResult<Option<Variant>> {
        Ok(
            loaders::load::<crate::domain::catalog::Variant>(ctx, self.0.variant_id)
                .await?
                .map(Variant::from),
        )
    }
    /// The price that decided (a price-list price or the base price).
    async fn price(&self, ctx: &Context<'_>) -> GqlResult<Option<Price>> {
        Ok(loaders::load::<d::Price>(ctx, self.0.price_id)
            .await?
            .map(Price))
    }
    /// The price list that decided; null when the base price did.
    async fn price_list(&self, ctx: &Context<'_>) -> GqlResult<Option<PriceList>> {
        Ok(loaders::load_opt(ctx, self.0.price_list_id)
            .await?
            .map(PriceList))
    }
    /// The rule of that list that matched the buyer (the lowest-ID matching one); null for
    /// the base price or a list without rules.
    async fn price_rule(&self, ctx: &Context<'_>) -> GqlResult<Option<PriceRule>> {
        let Some(rule) = self.0.price_rule_id else {
            return Ok(None);
        };
        let list = self.0.price_list_id.unwrap_or_default();
        Ok(loaders::children::<d::PriceRule>(ctx, list)
            .await?
            .into_iter()
            .find(|r| r.id == rule)
            .map(PriceRule))
    }
    /// The variant's base price in the currency (what the buyer pays without any list);
    /// null when it has none.
    async fn base_price(&self, ctx: &Context<'_>) -> GqlResult<Option<Price>> {
        if self.0.price_list_id.is_none() {
            return Ok(loaders::load::<d::Price>(ctx, self.0.price_id)
                .await?
                .map(Price));
        }
        let merchant = crate::graphql::context::merchant_id(ctx)?;
        let mut conn = crate::graphql::context::conn(ctx).await?;
        let price =
            d::queries::base_price(&mut conn, merchant, self.0.variant_id, &self.0.currency)
                .await
                .map_err(crate::graphql::errors::gql)?;
        Ok(price.map(Price))
    }
}
