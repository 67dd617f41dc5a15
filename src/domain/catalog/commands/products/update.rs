//! Updating a product.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::checks::{existing_slugs, explicit_slug, lock, status};
use super::publications;
use super::{ProductInput, VariantInput, MAX_VARIANTS};
use crate::db::savepoint::{self};
use crate::db::sql::{Bind, Sql};
use crate::domain::catalog::commands::{prices, variants};
use crate::domain::tags;
use crate::domain::validate::{code, Errors, FieldError, Path, Segment};
use crate::domain::write::{self, IdRow, Single};
use crate::error::{Error, Result};
use crate::ids::{self, Kind};

/// `path` of a nested command's error below `at`.
fn below(at: &Path, path: &Path) -> Path {
    path.segments().iter().fold(at.clone(), |p, s| match s {
        Segment::Key(k) => p.key(k.clone()),
        Segment::Index(i) => p.index(*i),
    })
}

/// Checks the nested variants of an update: prices, and that a given `id` is a variant of
/// this product.
async fn check_variants(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    product_id: i64,
    errors: &mut Errors,
    path: &Path,
    list: &[VariantInput],
) -> Result<()> {
    if list.len() > MAX_VARIANTS {
        errors.add(
            path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_VARIANTS} variants per request"),
        );
    }
    let own: Vec<IdRow> = if list.iter().any(|v| v.id.is_some()) {
        Sql::with_binds(
            "SELECT id FROM variants WHERE merchant_id = $1 AND product_id = $2 AND deleted_at IS NULL",
            vec![Bind::I64(merchant_id), Bind::I64(product_id)],
        )
        .into_query()
        .load(conn)
        .await?
    } else {
        Vec::new()
    };
    let needed = list.iter().any(|v| v.compare_at_price.is_some());
    let default = prices::default_currency_if(conn, merchant_id, needed).await?;
    for (j, v) in list.iter().enumerate() {
        let vp = path.index(j);
        prices::check(errors, &vp.key("prices"), &v.prices);
        prices::check_compare_at(
            errors,
            &vp.key("compare_at_price"),
            v.compare_at_price,
            &v.prices,
            default.as_deref(),
        );
        if let Some(id) = &v.id {
            let Some(key) = write::decode(errors, &vp.key("id"), Kind::Variant, id) else {
                continue;
            };
            if !own.iter().any(|r| r.id == key) {
                errors
                    .0
                    .push(write::not_found(&vp.key("id"), Kind::Variant));
            }
        }
    }
    Ok(())
}

/// Writes the nested variants (changed when they have an `id`, added otherwise); the first
/// refusal fails the whole update, so the transaction rolls back.
async fn write_variants(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    product_id: i64,
    path: &Path,
    list: &[VariantInput],
) -> Result<()> {
    let product = ids::encode(Kind::Product, product_id);
    for (j, v) in list.iter().enumerate() {
        let written = match &v.id {
            Some(id) => variants::update(conn, merchant_id, id, None, v, None).await?,
            None => variants::create(conn, merchant_id, &product, v).await?,
        };
        if let Err(errors) = written {
            if let Some(e) = errors.into_iter().next() {
                return Err(Error::BadInput {
                    path: below(&path.index(j), &e.path),
                    message: e.message,
                    code: e.code,
                });
            }
        }
    }
    Ok(())
}

/// Changes a product; omitted fields keep their values (the slug stays when the name changes,
/// so links keep working). `publications`, when given, becomes the product's whole set of
/// publications. Must run inside a transaction.
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
    if input.sku.is_some() {
        errors.add(
            &root.key("sku"),
            code::INVALID,
            "give the master's SKU in `variants` (with its id)",
        );
    }
    let new_tags = input
        .tags
        .as_ref()
        .map(|t| tags::normalize(&mut errors, &root.key("tags"), t));
    if input.channel_ids.is_some() {
        errors.add(
            &root.key("channel_ids"),
            code::INVALID,
            "give the product's channels as publications (the whole set)",
        );
    }
    let wanted = input
        .publications
        .as_deref()
        .map(|list| publications::decode(&mut errors, &root, None, Some(list), Utc::now()));
    if let Some(w) = &wanted {
        let items: Vec<(usize, &publications::Wanted)> = w.iter().map(|w| (0, w)).collect();
        publications::check_channels(conn, merchant_id, &items, std::slice::from_mut(&mut errors))
            .await?;
    }
    let nested = input.variants.as_deref().unwrap_or(&[]);
    check_variants(
        conn,
        merchant_id,
        current.id,
        &mut errors,
        &root.key("variants"),
        nested,
    )
    .await?;
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
            "UPDATE products SET name = $3, slug = $4, description = $5, status = $6, \
                 tags = CASE WHEN $8 THEN ARRAY(SELECT DISTINCT unnest($7::text[]) ORDER BY 1) \
                             ELSE tags END, \
                 updated_at = now() \
             WHERE merchant_id = $1 AND id = $2",
            vec![
                Bind::I64(merchant_id),
                Bind::I64(current.id),
                Bind::Text(name),
                Bind::Text(new_slug),
                Bind::OptText(description),
                Bind::Text(status),
                Bind::Texts(new_tags.clone().unwrap_or_default()),
                Bind::Bool(new_tags.is_some()),
            ],
        )
        .into_query()
        .execute(c)
        .await?;
        Ok(())
    })
    .await?;
    if written.is_ok() {
        write_variants(conn, merchant_id, current.id, &root.key("variants"), nested).await?;
        if let Some(w) = &wanted {
            let path = root.key("publications");
            publications::reconcile(conn, merchant_id, current.id, w, &path).await?;
        }
    }
    Ok(match written {
        Ok(()) => Ok(current.id),
        Err(_) => Err(vec![FieldError::new(
            &root.key("slug"),
            code::TAKEN,
            "another product has this slug",
        )]),
    })
}
