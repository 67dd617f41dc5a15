use async_graphql::Object;
use chrono::{DateTime, Utc};

use crate::domain::merchants::settings::Settings;
use crate::graphql::guards::EdgeScope;

/// The merchant's settings.
pub struct Shop(pub Settings);

/// The merchant's settings (Spree's store): name, URL, currencies, locale and timezone. The
/// default currency is what an order or price takes when a request names none.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Shop {
    /// The merchant's slug, its public identifier (the same as `viewer.merchant.slug`).
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Display name, 1–200 characters.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The storefront's absolute `http`/`https` URL, or null when not set.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// ISO 4217 currency (e.g. USD) of orders and prices that name none; one of
    /// `supportedCurrencies`.
    async fn default_currency(&self) -> &str {
        &self.0.default_currency
    }
    /// ISO 4217 currencies the merchant sells in, the default among them.
    async fn supported_currencies(&self) -> &[String] {
        &self.0.supported_currencies
    }
    /// Language of the storefront, optionally with a region (`en`, `en-US`).
    async fn default_locale(&self) -> &str {
        &self.0.default_locale
    }
    /// Languages the storefront offers: the default locale (a merchant has one for now).
    async fn supported_locales(&self) -> Vec<&str> {
        vec![self.0.default_locale.as_str()]
    }
    /// IANA timezone (`Europe/Madrid`) of the merchant's calendar.
    async fn timezone(&self) -> &str {
        &self.0.timezone
    }
    /// Language of the admin interface (`en`, `en-US`); null means `defaultLocale`.
    async fn admin_locale(&self) -> Option<&str> {
        self.0.admin_locale.as_deref()
    }
    /// Unit of product weights: `g`, `kg`, `lb` or `oz`.
    async fn weight_unit(&self) -> &str {
        &self.0.weight_unit
    }
    /// Unit system of dimensions: `metric` or `imperial`.
    async fn unit_system(&self) -> &str {
        &self.0.unit_system
    }
    /// Sender address of transactional emails, or null. The gateway sends no email itself:
    /// the mail settings are kept for the systems that do.
    async fn mail_from_address(&self) -> Option<&str> {
        self.0.mail_from_address.as_deref()
    }
    /// Customer-facing reply-to address (storefront and email footers), or null.
    async fn customer_support_email(&self) -> Option<&str> {
        self.0.customer_support_email.as_deref()
    }
    /// Recipient of new-order notifications, or null.
    async fn new_order_notifications_email(&self) -> Option<&str> {
        self.0.new_order_notifications_email.as_deref()
    }
    /// Whether transactional emails (order confirmation…) go to consumers; false by default.
    async fn send_consumer_transactional_emails(&self) -> bool {
        self.0.send_consumer_transactional_emails
    }
    /// When the merchant was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the settings last changed; send it back as `expectedUpdatedAt` to refuse an update
    /// that would overwrite a newer change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
