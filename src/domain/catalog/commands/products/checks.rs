//! Field checks and lookups shared by the product and variant writes.

use std::collections::HashSet;

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::STATUSES;
use crate::db::sql::{Bind, Sql};
use crate::domain::catalog::{slug, Product};
use crate::domain::validate::{code, Errors, FieldError, Patch, Path};
use crate::domain::write::{self, Flag, TextRow};
use crate::error::Result;
use crate::ids::Kind;

/// Validates a SKU: trimmed, 1–100 characters; blank is refused (send null for no SKU).
pub fn sku(
    errors: &mut Errors,
    path: &Path,
    value: &Patch<String>,
    current: Option<String>,
) -> Option<String> {
    match value {
        Patch::Keep => current,
        Patch::Clear => None,
        Patch::Set(v) => {
            let v = v.trim();
            if v.is_empty() {
                errors.add(
                    path,
                    code::INVALID,
                    "must not be blank; send null for no SKU",
                );
            } else {
                errors.length(path, v, 1, 100);
            }
            Some(v.to_owned())
        }
    }
}

/// Validates the free-text option values ("Size: M"): at most 255 characters.
pub fn options_text(
    errors: &mut Errors,
    path: &Path,
    value: Option<&str>,
    current: &str,
) -> String {
    match value {
        Some(v) => {
            let v = v.trim();
            errors.length(path, v, 0, 255);
            v.to_owned()
        }
        None => current.to_owned(),
    }
}

pub(super) fn status(
    errors: &mut Errors,
    path: &Path,
    value: Option<&str>,
    current: &str,
) -> String {
    match value {
        Some(v) => {
            let v = v.trim().to_lowercase();
            if !STATUSES.contains(&v.as_str()) {
                errors.add(path, code::INVALID, "must be draft, active or archived");
            }
            v
        }
        None => current.to_owned(),
    }
}

pub(super) fn explicit_slug(errors: &mut Errors, path: &Path, value: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.add(
            path,
            code::REQUIRED,
            "is required (omit it to generate one)",
        );
    } else if !slug::is_valid(v) {
        errors.add(
            path,
            code::INVALID,
            "must be lower-case letters, digits and dashes, starting with a letter or digit, at most 255 characters",
        );
    }
    v.to_owned()
}

/// The SKUs among `skus` that variants of the merchant (other than `except`) already have.
pub async fn taken_skus(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    skus: Vec<String>,
    except: i64,
) -> Result<HashSet<String>> {
    if skus.is_empty() {
        return Ok(HashSet::new());
    }
    let rows: Vec<TextRow> = Sql::with_binds(
        "SELECT sku AS value FROM variants WHERE merchant_id = $1 AND sku = ANY($2) AND id <> $3 \
         AND deleted_at IS NULL",
        vec![Bind::I64(merchant_id), Bind::Texts(skus), Bind::I64(except)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.value).collect())
}

/// Finds a product of the merchant by public ID and locks it (`FOR UPDATE` to delete it,
/// `FOR NO KEY UPDATE` to change it or its variants).
pub(in crate::domain::catalog) async fn lock(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    path: &Path,
    for_delete: bool,
) -> Result<std::result::Result<Product, FieldError>> {
    let mut errors = Errors::default();
    let Some(key) = write::decode(&mut errors, path, Kind::Product, id) else {
        return Ok(Err(errors.0.remove(0)));
    };
    let strength = if for_delete {
        "UPDATE"
    } else {
        "NO KEY UPDATE"
    };
    let rows: Vec<Product> = Sql::from_parts(
        &[
            "SELECT * FROM products WHERE merchant_id = $1 AND id = $2 AND deleted_at IS NULL FOR ",
            strength,
        ],
        vec![Bind::I64(merchant_id), Bind::I64(key)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .next()
        .ok_or_else(|| write::not_found(path, Kind::Product)))
}

/// Whether line items reference any of the variants (of the product, when `product` is set).
pub(in crate::domain::catalog) async fn referenced(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    product: Option<i64>,
    variant: Option<i64>,
) -> Result<bool> {
    let rows: Vec<Flag> = Sql::with_binds(
        "SELECT EXISTS (SELECT 1 FROM line_items WHERE merchant_id = $1 AND variant_id IN \
             (SELECT id FROM variants WHERE merchant_id = $1 AND (product_id = $2 OR id = $3))) AS flag",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(product.unwrap_or(0)),
            Bind::I64(variant.unwrap_or(0)),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().is_some_and(|f| f.flag))
}

/// Existing slugs of the merchant that equal one of `slugs` or are `base-N` of one of `bases`.
pub(super) async fn existing_slugs(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    slugs: Vec<String>,
    bases: Vec<String>,
) -> Result<HashSet<String>> {
    if slugs.is_empty() && bases.is_empty() {
        return Ok(HashSet::new());
    }
    let rows: Vec<TextRow> = Sql::with_binds(
        "SELECT slug AS value FROM products WHERE merchant_id = $1 AND deleted_at IS NULL \
         AND (slug = ANY($2) OR slug = ANY($3) OR substring(slug FROM '^(.*)-[0-9]+$') = ANY($3))",
        vec![
            Bind::I64(merchant_id),
            Bind::Texts(slugs),
            Bind::Texts(bases),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.value).collect())
}
