//! Merchants: the tenants. Created on first mention by slug (CLI), never through the API; their
//! settings (default currency, supported currencies, locale, timezone, URL) are read and changed
//! in [`settings`].

pub mod settings;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::merchants;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = merchants, check_for_backend(diesel::pg::Pg))]
pub struct Merchant {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

pub fn validate_slug(slug: &str) -> Result<()> {
    let ok = !slug.is_empty()
        && slug.len() <= 64
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && slug
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(Error::bad_input(
            "merchant",
            "a merchant slug is 1–64 of a-z, 0-9, '-' and '_'",
        ))
    }
}

/// Finds the merchant with `slug`, creating it when it does not exist.
pub async fn find_or_create(conn: &mut AsyncPgConnection, slug: &str) -> Result<Merchant> {
    validate_slug(slug)?;
    diesel::insert_into(merchants::table)
        .values((merchants::slug.eq(slug), merchants::name.eq(slug)))
        .on_conflict(merchants::slug)
        .do_nothing()
        .execute(conn)
        .await?;
    find_by_slug(conn, slug).await
}

pub async fn find_by_slug(conn: &mut AsyncPgConnection, slug: &str) -> Result<Merchant> {
    merchants::table
        .filter(merchants::slug.eq(slug))
        .select(Merchant::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| Error::not_found(format!("merchant `{slug}` not found")))
}

pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> Result<Merchant> {
    merchants::table
        .find(id)
        .select(Merchant::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| Error::not_found("merchant not found"))
}
