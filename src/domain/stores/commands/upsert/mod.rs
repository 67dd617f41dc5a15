//! The Fire spark integrations store upsert (`PUT /api/integrations/v1/stores`, GraphQL
//! `storesUpsert`): create or update a merchant's stores by their external `id`, in one
//! transaction — nothing is written when anything fails.
//!
//! Rules, beyond the field constraints of [`check`]:
//! * **400 (validation)**: any field constraint; more than [`MAX_STORES`] stores; `name` missing
//!   when a store is created; a `timezone` PostgreSQL does not know (`pg_timezone_names`); a
//!   `cms_template_id` that is not a template of this merchant with entity `STORES` (the spec lists
//!   it among the field constraints, so it is a 400 with code `NOT_FOUND`); a malformed brand header.
//! * **422 (business rules)**: the same `id` twice in one request (`DUPLICATE_IN_REQUEST`);
//!   `brand_id` in the body differing from the `x-brand-id` header, or an existing store of
//!   another brand (or of none) while a header is given (`BRAND_MISMATCH`); a scheduled override
//!   whose window has not ended on a field the element changes (`SCHEDULED_OVERRIDE_CONFLICT`).
//!   "Changing a store id" cannot be expressed: the id *is* the key, so an element with another
//!   id is another store (matching stores by other attributes is out of scope).
//!
//! Update semantics: omitted top-level fields keep their values. `null` means "keep" for
//! `brand_id` (the spec: "omit or set null for single-brand merchants") and "remove" for
//! `cms_template_id`; other top-level fields may not be null. `contact` and `location` are
//! replaced as a whole when sent (an omitted `address_line_2` becomes empty). `channels`, when
//! sent, replaces the store's whole channel configuration (channels not in the map are removed;
//! `{}` removes all); `payments.methods`, when sent, replaces all methods and providers;
//! `payments.orderable` is its own field. Replacement is delete + insert of the nested rows.
//!
//! Scheduled overrides: an override conflicts when its field (dotted, e.g. `status`,
//! `channels.APP.fulfillment.DELIVERY`) and a field the element changes are equal or one is a
//! prefix of the other. A scalar field (`name`, `status`, `timezone`, `brand_id`,
//! `cms_template_id`, `payments.orderable`) and `contact`/`location` count as changed only when
//! sent with a value different from the stored one, so a POS re-sending identical values keeps
//! syncing; `channels` and `payments.methods` count as changed whenever sent.

pub mod check;
pub mod input;
mod rows;
mod write;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::Value;

use self::input::StoreInput;
use self::write::write;
use crate::domain::validate::{code, is_external_id, Errors, FieldError, Path};
use crate::error::Error;

/// Most stores one request may carry.
pub const MAX_STORES: usize = 500;

/// Rows per multi-row INSERT (keeps every statement far below PostgreSQL's 65,535 binds).
const CHUNK: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UpsertOutcome {
    pub created: usize,
    pub updated: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum UpsertError {
    /// The body failed validation (400). Paths start with the store's index (`[0, "location",
    /// "postal_code"]`); every code is of kind [`ErrorKind::Validation`](crate::domain::validate::ErrorKind).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// A business rule refused the request (422); every code is of kind
    /// [`ErrorKind::Rule`](crate::domain::validate::ErrorKind).
    #[error("business rule violated")]
    Rule(Vec<FieldError>),
    #[error(transparent)]
    Db(#[from] Error),
}

impl From<diesel::result::Error> for UpsertError {
    fn from(e: diesel::result::Error) -> Self {
        UpsertError::Db(e.into())
    }
}

impl UpsertError {
    pub fn errors(&self) -> &[FieldError] {
        match self {
            UpsertError::Validation(e) | UpsertError::Rule(e) => e,
            UpsertError::Db(_) => &[],
        }
    }
}

fn store_path(i: usize) -> Path {
    Path::input().index(i)
}

/// Validates the raw elements and builds the typed inputs.
pub fn parse(
    brand_header: Option<&str>,
    raw: &[Value],
) -> Result<Vec<StoreInput>, Vec<FieldError>> {
    let mut errs = Errors::default();
    if let Some(h) = brand_header {
        if !is_external_id(h) {
            errs.add(
                &Path::field("brand_id"),
                code::INVALID,
                "Brand ID must be 1–64 characters: letters, digits, '_' and '-' only",
            );
        }
    }
    if raw.len() > MAX_STORES {
        errs.add(
            &Path::input(),
            code::LIMIT_EXCEEDED,
            format!("At most {MAX_STORES} stores per request"),
        );
        return Err(errs.0);
    }
    for (i, v) in raw.iter().enumerate() {
        check::store(v, &store_path(i), &mut errs);
    }
    if !errs.is_empty() {
        return Err(errs.0);
    }
    let mut out = Vec::with_capacity(raw.len());
    for (i, v) in raw.iter().enumerate() {
        match serde_json::from_value::<StoreInput>(v.clone()) {
            Ok(s) => out.push(s),
            // The checker accepted something serde does not: say so rather than guess.
            Err(e) => errs.add(
                &store_path(i),
                code::INVALID,
                format!("Store is invalid: {e}"),
            ),
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs.0)
    }
}

/// Creates or updates `raw` stores (the Fire spark JSON elements) for `merchant_id`, scoped to
/// the brand `brand_header` when given. One transaction; see the module documentation.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    brand_header: Option<&str>,
    raw: Vec<Value>,
) -> Result<UpsertOutcome, UpsertError> {
    let inputs = parse(brand_header, &raw).map_err(UpsertError::Validation)?;
    if inputs.is_empty() {
        return Ok(UpsertOutcome::default());
    }
    let header = brand_header.map(str::to_owned);
    conn.transaction(async move |conn| write(conn, merchant_id, header.as_deref(), inputs).await)
        .await
}

#[cfg(test)]
mod tests {
    use super::rows::overlaps;
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_name_the_store_by_index_and_the_field_in_snake_case() {
        let raw = vec![json!({"id": "a", "name": "A", "location": {
            "latitude": 0, "longitude": 0, "address_line_1": "Main 1", "city": "X",
            "country": "Y", "postal_code": "09A1", "business_name": "B"}})];
        let errs = parse(None, &raw).err().unwrap_or_default();
        assert_eq!(
            errs[0].path,
            Path::input().index(0).key("location").key("postal_code")
        );
        assert_eq!(errs[0].code, code::INVALID);
        assert_eq!(errs[0].message, "Postal code must be numbers only");
    }

    #[test]
    fn override_overlap() {
        assert!(overlaps("channels.APP", "channels"));
        assert!(overlaps("contact", "contact"));
        assert!(overlaps("contact.email", "contact"));
        assert!(!overlaps("channelsX", "channels"));
        assert!(!overlaps("status", "name"));
    }
}
