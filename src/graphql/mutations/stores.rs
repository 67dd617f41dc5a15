//! Store mutations: the Fire spark integrations upsert and scheduled overrides, and the flat
//! error message of the Fire spark dialect ([`firespark_message`]).

use async_graphql::{Context, Json, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::{Arguments, UserError};
use crate::auth::Scope;
use crate::domain::stores::commands::overrides::{self, OverrideError};
use crate::domain::stores::commands::upsert::{self, UpsertError};
use crate::domain::validate::{code, FieldError, Path, Segment};
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

/// `storesUpsert(brandId:, stores:)`: each store is a raw snake_case JSON document, whose
/// keys are reported as sent.
const UPSERT_ARGS: Arguments = Arguments::new("stores", &["brand_id"]).raw_input();
/// `storeScheduledOverrideCreate(storeId:, field:, value:, startsAt:, endsAt:, reason:)`.
const OVERRIDE_CREATE_ARGS: Arguments = Arguments::scalars(&[
    "store_id",
    "field",
    "value",
    "starts_at",
    "ends_at",
    "reason",
]);
/// `storeScheduledOverrideDelete(id:)`.
const OVERRIDE_DELETE_ARGS: Arguments = Arguments::scalars(&["id"]);

/// The flat message of the Fire spark dialect (`{"error":"validation_error","message":…}`): the
/// first error, its path relative to the store it is about (`location.postal_code: Postal code
/// must be numbers only`; the message alone for the store as a whole), or `None` when there is
/// no error. Paths are the domain's, as `domain::stores::commands::upsert` reports them (`[index, …]`); a
/// request-level error (the brand header, the number of stores) keeps its own path.
pub fn firespark_message(errors: &[FieldError]) -> Option<String> {
    let e = errors.first()?;
    let path = match e.path.segments() {
        [Segment::Index(_), ..] => e.path.skip(1),
        _ => e.path.clone(),
    };
    Some(if path.is_empty() {
        e.message.clone()
    } else {
        format!("{path}: {}", e.message)
    })
}

/// A malformed ID argument as the one user error of a store mutation.
fn bad_id(args: &Arguments, argument: &'static str, e: ids::IdError) -> Vec<UserError> {
    vec![args.user_error(&FieldError::new(
        &Path::field(argument),
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
                user_errors: UPSERT_ARGS.user_errors(&e),
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
                    user_errors: bad_id(&OVERRIDE_CREATE_ARGS, "store_id", e),
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
                user_errors: OVERRIDE_CREATE_ARGS.user_errors(&e),
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
                    user_errors: bad_id(&OVERRIDE_DELETE_ARGS, "id", e),
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
                user_errors: OVERRIDE_DELETE_ARGS.user_errors(&e),
                ..Default::default()
            }),
            Err(OverrideError::Db(e)) => Err(gql(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stores::commands::upsert;
    use serde_json::json;

    #[test]
    fn the_firespark_message_names_the_field_relative_to_the_store() {
        let raw = vec![json!({"id": "a", "name": "A", "location": {
            "latitude": 0, "longitude": 0, "address_line_1": "Main 1", "city": "X",
            "country": "Y", "postal_code": "09A1", "business_name": "B"}})];
        let errors = upsert::parse(None, &raw).err().unwrap_or_default();
        assert_eq!(
            firespark_message(&errors).as_deref(),
            Some("location.postal_code: Postal code must be numbers only")
        );
        assert_eq!(
            UPSERT_ARGS.user_errors(&errors)[0].field,
            ["stores", "0", "location", "postal_code"]
        );
        assert_eq!(firespark_message(&[]), None);
    }

    #[test]
    fn a_request_level_firespark_message_keeps_its_path() {
        let header = FieldError::new(&Path::field("brand_id"), code::INVALID, "bad brand");
        assert_eq!(
            firespark_message(&[header]).as_deref(),
            Some("brand_id: bad brand")
        );
        let size = FieldError::new(&Path::input(), code::LIMIT_EXCEEDED, "At most 500 stores");
        assert_eq!(
            firespark_message(&[size]).as_deref(),
            Some("At most 500 stores")
        );
        // The store as a whole: the message alone.
        let whole = FieldError::new(&Path::input().index(1), code::INVALID, "Store is invalid");
        assert_eq!(
            firespark_message(&[whole]).as_deref(),
            Some("Store is invalid")
        );
    }
}
