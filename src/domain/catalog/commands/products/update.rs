//! Updating a product.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::checks::{existing_slugs, explicit_slug, lock, status};
use super::ProductInput;
use crate::db::savepoint::{self};
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, Errors, FieldError, Path};
use crate::domain::write::{self, Single};
use crate::error::Result;

/// Changes a product; omitted fields keep their values (the slug stays when the name changes,
/// so links keep working). Must run inside a transaction.
pub async fn update(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    input: &ProductInput,
    expected_updated_at: Option<DateTime<Utc>>,
) -> Result<Single> {
    let root = Path::input();
    let current = match lock(conn, merchant_id, id, &Path::field("id"), false).await? {
        Ok(p) => p,
        Err(e) => return Ok(Err(vec![e])),
    };
    let mut errors = Errors::default();
    write::check_unchanged(
        &mut errors,
        &Path::field("expected_updated_at"),
        "product",
        expected_updated_at,
        current.updated_at,
    );
    let name = write::required_text(
        &mut errors,
        &root.key("name"),
        input.name.as_deref(),
        Some(&current.name),
        255,
    );
    let new_slug = match &input.slug {
        Some(s) => explicit_slug(&mut errors, &root.key("slug"), s),
        None => current.slug.clone(),
    };
    let description = write::optional_text(
        &mut errors,
        &root.key("description"),
        &input.description,
        current.description.clone(),
        20_000,
    );
    let status = status(
        &mut errors,
        &root.key("status"),
        input.status.as_deref(),
        &current.status,
    );
    if input.sku.is_some() || input.variants.is_some() {
        errors.add(
            &root,
            code::INVALID,
            "change variants with variantCreate, variantUpdate and variantDelete",
        );
    }
    if errors.is_empty()
        && new_slug != current.slug
        && !existing_slugs(conn, merchant_id, vec![new_slug.clone()], Vec::new())
            .await?
            .is_empty()
    {
        errors.add(
            &root.key("slug"),
            code::TAKEN,
            "another product has this slug",
        );
    }
    if let Err(e) = write::finish(errors) {
        return Ok(Err(e));
    }
    let written = savepoint::attempt(conn, async |c| {
        Sql::with_binds(
            "UPDATE products SET name = $3, slug = $4, description = $5, status = $6, updated_at = now() \
             WHERE merchant_id = $1 AND id = $2",
            vec![
                Bind::I64(merchant_id),
                Bind::I64(current.id),
                Bind::Text(name),
                Bind::Text(new_slug),
                Bind::OptText(description),
                Bind::Text(status),
            ],
        )
        .into_query()
        .execute(c)
        .await?;
        Ok(())
    })
    .await?;
    Ok(match written {
        Ok(()) => Ok(current.id),
        Err(_) => Err(vec![FieldError::new(
            &root.key("slug"),
            code::TAKEN,
            "another product has this slug",
        )]),
    })
}
