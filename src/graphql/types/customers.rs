use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::addresses::Address;
use super::customer_groups::CustomerGroup;
use super::money;
use super::order::Order;
use crate::domain::customers as dc;
use crate::graphql::connection::MAX_PAGE;
use crate::graphql::errors::{bad_input, GqlResult};
use crate::graphql::guards::EdgeScope;
use crate::graphql::loaders;
use crate::ids::{self, Kind};

/// A person who buys from the merchant.
pub struct Customer(pub dc::Customer);

/// A person who buys from the merchant (`cus_…`).
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Customer {
    /// Public ID (`cus_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::Customer, self.0.id))
    }
    /// Email address, unique per merchant (case-insensitive).
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// Given name, at most 100 characters; null when unknown.
    async fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }
    /// Family name, at most 100 characters; null when unknown.
    async fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }
    /// First and last name joined, or null when neither is known.
    async fn full_name(&self) -> Option<String> {
        let parts: Vec<&str> = [&self.0.first_name, &self.0.last_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
    /// Phone number as entered (digits, spaces and `+-().`, at least 4 digits, at most 32 characters); not normalised to E.164.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// Whether the customer agreed to receive marketing.
    async fn accepts_marketing(&self) -> bool {
        self.0.accepts_marketing
    }
    /// Free-form labels used for segmentation.
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }
    /// Arbitrary key/value data attached by integrations.
    async fn metadata(&self) -> &serde_json::Value {
        &self.0.metadata
    }
    /// Staff-only note about the customer (never shown to the customer); null when none.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// The customer's identifier in a legacy system or CRM.
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
    }
    /// Balance of store credit.
    async fn store_credit(&self) -> Decimal {
        money(self.0.store_credit)
    }
    /// Currency of the store credit balance.
    async fn store_credit_currency(&self) -> &str {
        &self.0.store_credit_currency
    }
    /// When the customer was created (or imported).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the customer last changed; send it back as `expectedUpdatedAt` to refuse an update that would overwrite a newer change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Number of completed (or returned) orders.
    async fn orders_count(&self, ctx: &Context<'_>) -> GqlResult<i64> {
        Ok(loaders::customer_stats(ctx, self.0.id).await?.orders_count)
    }
    /// Sum of the totals of completed (or returned) orders.
    async fn total_spent(&self, ctx: &Context<'_>) -> GqlResult<Decimal> {
        Ok(money(
            loaders::customer_stats(ctx, self.0.id).await?.total_spent,
        ))
    }
    /// When the customer's last order was completed.
    async fn last_order_completed_at(&self, ctx: &Context<'_>) -> GqlResult<Option<DateTime<Utc>>> {
        Ok(loaders::customer_stats(ctx, self.0.id)
            .await?
            .last_order_completed_at)
    }
    /// Groups the customer belongs to, by name.
    async fn customer_groups(&self, ctx: &Context<'_>) -> GqlResult<Vec<CustomerGroup>> {
        Ok(loaders::via::<loaders::GroupsOfCustomer, _>(ctx, self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(CustomerGroup)
            .collect())
    }
    /// Saved addresses.
    async fn addresses(&self, ctx: &Context<'_>) -> GqlResult<Vec<Address>> {
        Ok(loaders::children::<dc::Address>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Address)
            .collect())
    }
    /// The saved address marked as the default billing address; null when none is.
    async fn default_billing_address(&self, ctx: &Context<'_>) -> GqlResult<Option<Address>> {
        Ok(loaders::children::<dc::Address>(ctx, self.0.id)
            .await?
            .into_iter()
            .find(|a| a.is_default_billing)
            .map(Address))
    }
    /// The saved address marked as the default shipping address; null when none is.
    async fn default_shipping_address(&self, ctx: &Context<'_>) -> GqlResult<Option<Address>> {
        Ok(loaders::children::<dc::Address>(ctx, self.0.id)
            .await?
            .into_iter()
            .find(|a| a.is_default_shipping)
            .map(Address))
    }
    /// The customer's most recent orders, newest first (requires `orders:read`); use
    /// `orders(filter: {customerId…})` at the root to page through all of them.
    #[graphql(complexity = "first.unwrap_or(10).clamp(1, 250) as usize * child_complexity")]
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many orders, 1 to 250.", default = 10)] first: Option<i32>,
    ) -> GqlResult<Option<Vec<Order>>> {
        let n = first.unwrap_or(10);
        if !(1..=MAX_PAGE).contains(&n) {
            return Err(bad_input(
                "first",
                format!("`first` must be between 1 and {MAX_PAGE}, got {n}"),
            ));
        }
        Ok(Some(
            loaders::recent_orders(ctx, self.0.id, n as i64)
                .await?
                .into_iter()
                .map(Order)
                .collect(),
        ))
    }
}
