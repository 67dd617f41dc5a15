//! Store mutations: the Fire spark integrations upsert and scheduled overrides.

use async_graphql::{Context, Json, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::UserError;
use crate::auth::Scope;
use crate::domain::stores::overrides::{self, OverrideError};
use crate::domain::stores::upsert::{self, UpsertError};
use crate::domain::validate::{code, FieldError, Path};
use crate::graphql::context::{conn, merchant_id};
use crate::graphql::errors::{gql, GqlResult};
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::types::store_config::StoreScheduledOverride;
use crate::ids::{self, Kind};

/// Result of `storesUpsert`.
#[derive(SimpleObject, Default)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct StoresUpsertPayload {
    /// Stores created (0 when there are user errors: nothing is written then).
    pub created: i32,
    /// Stores updated.
    pub updated: i32,
    /// Why nothing was written. Paths start with `["stores", index]`.
    pub user_errors: Vec<UserError>,
}

/// Result of `storeScheduledOverrideCreate`.
#[derive(SimpleObject, Default)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct StoreScheduledOverrideCreatePayload {
    /// The override created; null when there are user errors.
    pub scheduled_override: Option<StoreScheduledOverride>,
    /// Why the mutation was refused, each naming its field path and a stable code (empty on success).
    pub user_errors: Vec<UserError>,
}

/// Result of `storeScheduledOverrideDelete`.
#[derive(SimpleObject, Default)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct StoreScheduledOverrideDeletePayload {
    /// ID of the override removed; null when there are user errors.
    pub deleted_id: Option<ID>,
    /// Why the mutation was refused, each naming its field path and a stable code (empty on success).
    pub user_errors: Vec<UserError>,
}

fn user_errors(errors: Vec<FieldError>) -> Vec<UserError> {
    errors.into_iter().map(UserError::from).collect()
}

fn bad_id(field: &str, e: ids::IdError) -> Vec<UserError> {
    vec![UserError::from(FieldError::new(
        &Path::root(field),
        code::INVALID,
        e.to_string(),
    ))]
}

#[derive(Default)]
pub struct StoreMutation;

#[Object]
impl StoreMutation {
    /// Creates or updates stores by their POS/RMS `id`, in the Fire spark integrations shape
    /// (each element is the snake_case JSON object the integrations API documents). All or
    /// nothing: when any store fails validation or a business rule (duplicate id, brand scope,
    /// conflicting scheduled override), nothing is written and `userErrors` says why.
    #[graphql(guard = "RequireScope(Scope::StoresWrite)")]
    async fn stores_upsert(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "External brand identifier (the `x-brand-id` header): only stores of this brand are eligible; new stores get it."
        )]
        brand_id: Option<String>,
        #[graphql(desc = "At most 500 stores.")] stores: Vec<Json<serde_json::Value>>,
    ) -> GqlResult<StoresUpsertPayload> {
        let merchant = merchant_id(ctx)?;
        let mut conn = conn(ctx).await?;
        let raw = stores.into_iter().map(|j| j.0).collect();
        match upsert::upsert(&mut conn, merchant, brand_id.as_deref(), raw).await {
            Ok(o) => Ok(StoresUpsertPayload {
                created: o.created as i32,
                updated: o.updated as i32,
                user_errors: Vec::new(),
            }),
            Err(UpsertError::Validation(e) | UpsertError::Rule(e)) => Ok(StoresUpsertPayload {
                user_errors: user_errors(e),
                ..Default::default()
            }),
            Err(UpsertError::Db(e)) => Err(gql(e)),
        }
    }

    /// Schedules a change of one store field (`status`, `contact.phone`, `channels.APP`…)
    /// between `startsAt` and `endsAt`. While the window has not ended, `storesUpsert` refuses
    /// to change the same field.
    #[graphql(guard = "RequireScope(Scope::StoresWrite)")]
    #[allow(clippy::too_many_arguments)]
    async fn store_scheduled_override_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The store (`st_…`).")] store_id: ID,
        #[graphql(desc = "Dotted path of the store field.")] field: String,
        #[graphql(desc = "The value the field takes during the window.")] value: Json<
            serde_json::Value,
        >,
        #[graphql(desc = "When the override starts applying (inclusive).")] starts_at: DateTime<
            Utc,
        >,
        #[graphql(
            desc = "When it stops applying (exclusive): after `startsAt` and in the future."
        )]
        ends_at: DateTime<Utc>,
        #[graphql(desc = "Why, for staff; at most 500 characters.")] reason: Option<String>,
    ) -> GqlResult<StoreScheduledOverrideCreatePayload> {
        let store = match ids::decode(Kind::Store, &store_id) {
            Ok(k) => k,
            Err(e) => {
                return Ok(StoreScheduledOverrideCreatePayload {
                    user_errors: bad_id("storeId", e),
                    ..Default::default()
                })
            }
        };
        let merchant = merchant_id(ctx)?;
        let mut conn = conn(ctx).await?;
        match overrides::create_override(
            &mut conn, merchant, store, &field, value.0, starts_at, ends_at, reason,
        )
        .await
        {
            Ok(row) => Ok(StoreScheduledOverrideCreatePayload {
                scheduled_override: Some(StoreScheduledOverride(row)),
                user_errors: Vec::new(),
            }),
            Err(OverrideError::Invalid(e)) => Ok(StoreScheduledOverrideCreatePayload {
                user_errors: user_errors(e),
                ..Default::default()
            }),
            Err(OverrideError::Db(e)) => Err(gql(e)),
        }
    }

    /// Removes a scheduled override (`sov_…`), ending its hold on the field at once.
    #[graphql(guard = "RequireScope(Scope::StoresWrite)")]
    async fn store_scheduled_override_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The scheduled override (`sov_…`).")] id: ID,
    ) -> GqlResult<StoreScheduledOverrideDeletePayload> {
        let key = match ids::decode(Kind::ScheduledOverride, &id) {
            Ok(k) => k,
            Err(e) => {
                return Ok(StoreScheduledOverrideDeletePayload {
                    user_errors: bad_id("id", e),
                    ..Default::default()
                })
            }
        };
        let merchant = merchant_id(ctx)?;
        let mut conn = conn(ctx).await?;
        match overrides::delete_override(&mut conn, merchant, key).await {
            Ok(()) => Ok(StoreScheduledOverrideDeletePayload {
                deleted_id: Some(id),
                user_errors: Vec::new(),
            }),
            Err(OverrideError::Invalid(e)) => Ok(StoreScheduledOverrideDeletePayload {
                user_errors: user_errors(e),
                ..Default::default()
            }),
            Err(OverrideError::Db(e)) => Err(gql(e)),
        }
    }
}
