//! Scheduled overrides: a change of one store field during a time window. While the window has not
//! ended, an upsert that changes the same field is refused (see [`super::upsert`]).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::db::schema::{store_scheduled_overrides as so, stores};
use crate::domain::stores::config::ScheduledOverride;
use crate::domain::validate::{code, Code, FieldError, Path};
use crate::error::Error;

#[derive(Debug, thiserror::Error)]
pub enum OverrideError {
    /// Bad input or unknown store/override; paths name the argument (`field`, `endsAt`…).
    #[error("invalid scheduled override")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Db(#[from] Error),
}

impl From<diesel::result::Error> for OverrideError {
    fn from(e: diesel::result::Error) -> Self {
        OverrideError::Db(e.into())
    }
}

/// A refusal naming one argument of the command (`field`, `ends_at`, `store_id`…).
fn invalid(argument: &'static str, code: Code, message: impl Into<String>) -> OverrideError {
    OverrideError::Invalid(vec![FieldError::new(&Path::field(argument), code, message)])
}

/// Sub-fields that may follow each top-level field; `None` = any path below it.
fn is_valid_field(field: &str) -> bool {
    if field.is_empty() || field.len() > 100 {
        return false;
    }
    let parts: Vec<&str> = field.split('.').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return false;
    }
    let rest = &parts[1..];
    match parts[0] {
        "name" | "status" | "timezone" | "brand_id" | "cms_template_id" => rest.is_empty(),
        "contact" => rest.len() <= 1 && rest.iter().all(|p| ["email", "phone", "name"].contains(p)),
        "location" => {
            rest.len() <= 1
                && rest.iter().all(|p| {
                    [
                        "latitude",
                        "longitude",
                        "address_line_1",
                        "address_line_2",
                        "city",
                        "country",
                        "postal_code",
                        "business_name",
                        "unit_number",
                    ]
                    .contains(p)
                })
        }
        "payments" => rest.len() <= 1 && rest.iter().all(|p| ["orderable", "methods"].contains(p)),
        // channels[.CODE[.fulfillment[.TYPE[.…]]]]
        "channels" => rest.len() != 2 || rest[1] == "fulfillment",
        _ => false,
    }
}

/// Schedules `value` for `field` of store `store_id` (internal key) between `starts_at` and
/// `ends_at`. The store must be the merchant's; the window must end after it starts and in the
/// future.
#[allow(clippy::too_many_arguments)]
pub async fn create_override(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    store_id: i64,
    field: &str,
    value: Value,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    reason: Option<String>,
) -> Result<ScheduledOverride, OverrideError> {
    if !is_valid_field(field) {
        return Err(invalid(
            "field",
            code::INVALID,
            "Field must be a store field path such as status, contact.phone or channels.APP",
        ));
    }
    if ends_at <= starts_at {
        return Err(invalid(
            "ends_at",
            code::INVALID,
            "Ends at must be after starts at",
        ));
    }
    if ends_at <= Utc::now() {
        return Err(invalid(
            "ends_at",
            code::OUT_OF_RANGE,
            "Ends at must be in the future",
        ));
    }
    if let Some(r) = &reason {
        if r.chars().count() > 500 {
            return Err(invalid(
                "reason",
                code::TOO_LONG,
                "Reason must be at most 500 characters",
            ));
        }
    }
    let exists: i64 = stores::table
        .filter(stores::merchant_id.eq(merchant_id))
        .filter(stores::id.eq(store_id))
        .count()
        .get_result(conn)
        .await?;
    if exists == 0 {
        return Err(invalid("store_id", code::NOT_FOUND, "Store not found"));
    }
    Ok(diesel::insert_into(so::table)
        .values((
            so::merchant_id.eq(merchant_id),
            so::store_id.eq(store_id),
            so::field.eq(field),
            so::value.eq(value),
            so::starts_at.eq(starts_at),
            so::ends_at.eq(ends_at),
            so::reason.eq(reason),
        ))
        .returning(ScheduledOverride::as_returning())
        .get_result(conn)
        .await?)
}

/// Removes override `id` (internal key) of the merchant; NOT_FOUND when it has none with that id.
pub async fn delete_override(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: i64,
) -> Result<(), OverrideError> {
    let n = diesel::delete(so::table)
        .filter(so::merchant_id.eq(merchant_id))
        .filter(so::id.eq(id))
        .execute(conn)
        .await?;
    if n == 0 {
        return Err(invalid(
            "id",
            code::NOT_FOUND,
            "Scheduled override not found",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_valid_field;

    #[test]
    fn field_paths() {
        for ok in [
            "status",
            "contact",
            "contact.phone",
            "channels",
            "channels.APP",
            "channels.APP.fulfillment.DELIVERY",
            "channels.APP.fulfillment.DELIVERY.availability",
            "payments.methods",
        ] {
            assert!(is_valid_field(ok), "{ok}");
        }
        for bad in [
            "",
            "nope",
            "status.x",
            "contact.fax",
            "channels..APP",
            "channels.APP.x",
        ] {
            assert!(!is_valid_field(bad), "{bad}");
        }
    }
}
