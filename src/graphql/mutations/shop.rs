//! `shopUpdate`: the merchant's settings. They are read under `stores:read` (Spree's
//! `read_settings`), so they are written under `stores:write` (`write_settings`).

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::single::{hashed, outcome, patch};
use super::{run, Arguments, UserError, EXPECTED_UPDATED_AT};
use crate::auth::Scope;
use crate::domain::merchants::settings::{self, SettingsInput};
use crate::domain::orders::stats::KnownTimezones;
use crate::graphql::context::{conn, merchant_id};
use crate::graphql::errors::{GqlResult, IntoGql};
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::types::shop::Shop;

/// Changes to the merchant's settings; omitted fields keep their values.
#[derive(InputObject)]
pub struct ShopUpdateInput {
    /// Display name, 1–200 characters.
    pub name: Option<String>,
    /// The storefront's absolute `http`/`https` URL; null or blank clears it.
    pub url: MaybeUndefined<String>,
    /// ISO 4217 code in upper case (USD); must be one of the supported currencies (after this
    /// change).
    pub default_currency: Option<String>,
    /// ISO 4217 codes in upper case, 1–200 without repeats; must include the default currency
    /// (after this change).
    pub supported_currencies: Option<Vec<String>>,
    /// A language, optionally with a region: `en`, `en-US`.
    pub default_locale: Option<String>,
    /// An IANA timezone name: `UTC`, `Europe/Madrid`.
    pub timezone: Option<String>,
    /// Language of the admin interface (`en`, `en-US`); null clears it (then `defaultLocale`).
    pub admin_locale: MaybeUndefined<String>,
    /// `g`, `kg`, `lb` or `oz`.
    pub weight_unit: Option<String>,
    /// `metric` or `imperial`.
    pub unit_system: Option<String>,
    /// Sender address of transactional emails; null or blank clears it.
    pub mail_from_address: MaybeUndefined<String>,
    /// Customer-facing reply-to address; null or blank clears it.
    pub customer_support_email: MaybeUndefined<String>,
    /// Recipient of new-order notifications; null or blank clears it.
    pub new_order_notifications_email: MaybeUndefined<String>,
    /// Whether transactional emails (order confirmation…) go to consumers.
    pub send_consumer_transactional_emails: Option<bool>,
}

/// Result of `shopUpdate`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct ShopUpdatePayload {
    /// The settings after the change (null when refused).
    pub shop: Option<Shop>,
    /// Why nothing was written; each names its field path (`["input", "defaultCurrency"]`).
    pub user_errors: Vec<UserError>,
}

/// `shopUpdate(input:, expectedUpdatedAt:, idempotencyKey:)`.
const UPDATE_ARGS: Arguments = Arguments::new("input", &[EXPECTED_UPDATED_AT, "idempotency_key"]);

#[derive(Default)]
pub struct ShopMutation;

#[Object]
impl ShopMutation {
    /// Changes the merchant's settings; omitted fields keep their values.
    #[graphql(guard = "RequireScope(Scope::StoresWrite)")]
    async fn shop_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: ShopUpdateInput,
        #[graphql(desc = "Refuse with CONFLICT if the settings changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<ShopUpdatePayload> {
        let m = merchant_id(ctx)?;
        let input = SettingsInput {
            name: input.name,
            url: patch(input.url),
            default_currency: input.default_currency,
            supported_currencies: input.supported_currencies,
            default_locale: input.default_locale,
            timezone: input.timezone,
            admin_locale: patch(input.admin_locale),
            weight_unit: input.weight_unit,
            unit_system: input.unit_system,
            mail_from_address: patch(input.mail_from_address),
            customer_support_email: patch(input.customer_support_email),
            new_order_notifications_email: patch(input.new_order_notifications_email),
            send_consumer_transactional_emails: input.send_consumer_transactional_emails,
        };
        let hash = serde_json::json!([
            input.name,
            hashed(&input.url),
            input.default_currency,
            input.supported_currencies,
            input.default_locale,
            input.timezone,
            hashed(&input.admin_locale),
            input.weight_unit,
            input.unit_system,
            hashed(&input.mail_from_address),
            hashed(&input.customer_support_email),
            hashed(&input.new_order_notifications_email),
            input.send_consumer_transactional_emails,
            expected_updated_at,
        ]);
        let timezones = ctx
            .data_opt::<KnownTimezones>()
            .cloned()
            .unwrap_or_default();
        let outcome = run(
            ctx,
            &UPDATE_ARGS,
            "shopUpdate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(outcome(
                        settings::update(c, m, &input, expected_updated_at, &timezones).await?,
                    ))
                })
            },
        )
        .await?;
        let shop = if outcome.written().is_empty() {
            None
        } else {
            let mut c = conn(ctx).await?;
            Some(Shop(settings::find(&mut c, m).await.gql()?))
        };
        Ok(ShopUpdatePayload {
            shop,
            user_errors: outcome.user_errors(&UPDATE_ARGS),
        })
    }
}
