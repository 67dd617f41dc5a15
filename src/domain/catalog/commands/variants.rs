//! Variant writes: create, update, delete.
//!
//! A product keeps exactly one master variant. `variantUpdate(isMaster: true)` moves the master
//! flag to another variant (the previous master loses it in the same transaction); the master
//! itself cannot be deleted — neither while other variants exist (make another one the master
//! first) nor when it is the last one (delete the product instead) — and is refused with
//! MASTER_VARIANT. A variant that line items reference is retired instead of deleted. Every write
//! locks the product row, so concurrent changes of one product's variants run one at a time.
//! `prices` (base prices by currency, see [`super::prices`]) are written with the variant.

use chrono::{DateTime, Utc};
use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::prices::{self, Pending, VariantPrice};
use super::products::{self, VariantInput};
use crate::db::savepoint::{self, Violation};
use crate::db::sql::{Bind, Sql};
use crate::domain::catalog::Variant;
use crate::domain::validate::{code, Errors, FieldError, Path};
use crate::domain::write::{self, IdRow, Single};
use crate::error::{Error, Result};
use crate::ids::{self, Kind};

fn position(errors: &mut Errors, path: &Path, value: Option<i32>) {
    if let Some(p) = value {
        if !(0..=100_000).contains(&p) {
            errors.add(path, code::OUT_OF_RANGE, "must be between 0 and 100000");
        }
    }
}

fn sku_taken(root: &Path) -> Vec<FieldError> {
    vec![FieldError::new(
        &root.key("sku"),
        code::TAKEN,
        "another variant has this SKU",
    )]
}

/// Adds a variant to a product of the merchant. It goes last unless `position` is given; it
/// becomes the master only if the product has none. Must run inside a transaction.
pub async fn create(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    product_id: &str,
    input: &VariantInput,
) -> Result<Single> {
    let root = Path::input();
    let mut errors = Errors::default();
    let sku = products::sku(&mut errors, &root.key("sku"), &input.sku, None);
    let options = products::options_text(
        &mut errors,
        &root.key("options_text"),
        input.options_text.as_deref(),
        "",
    );
    position(&mut errors, &root.key("position"), input.position);
    prices::check(&mut errors, &root.key("prices"), &input.prices);
    let default =
        prices::default_currency_if(conn, merchant_id, input.compare_at_price.is_some()).await?;
    prices::check_compare_at(
        &mut errors,
        &root.key("compare_at_price"),
        input.compare_at_price,
        &input.prices,
        default.as_deref(),
    );
    if input.is_master.is_some() {
        errors.add(
            &root.key("is_master"),
            code::INVALID,
            "a new variant is not the master; use variantUpdate(isMaster: true) afterwards",
        );
    }
    let product = match products::lock(
        conn,
        merchant_id,
        product_id,
        &Path::field("product_id"),
        false,
    )
    .await?
    {
        Ok(p) => Some(p),
        Err(e) => {
            errors.0.insert(0, e);
            None
        }
    };
    if let (true, Some(s)) = (errors.is_empty(), &sku) {
        if !products::taken_skus(conn, merchant_id, vec![s.clone()], 0)
            .await?
            .is_empty()
        {
            errors.0.extend(sku_taken(&root));
        }
    }
    let Some(product) = product.filter(|_| errors.is_empty()) else {
        return Ok(Err(errors.0));
    };
    let written = savepoint::attempt(conn, async |c| {
        let ids: Vec<IdRow> = Sql::with_binds(
            "INSERT INTO variants (merchant_id, product_id, sku, options_text, position, is_master) \
             SELECT $1, $2, $3, $4, \
                    CASE WHEN $6 THEN $5 ELSE (SELECT coalesce(max(position) + 1, 0) FROM variants \
                                               WHERE merchant_id = $1 AND product_id = $2) END, \
                    NOT EXISTS (SELECT 1 FROM variants WHERE merchant_id = $1 AND product_id = $2 AND is_master) \
             RETURNING id",
            vec![
                Bind::I64(merchant_id),
                Bind::I64(product.id),
                Bind::OptText(sku),
                Bind::Text(options),
                Bind::I32(input.position.unwrap_or(0)),
                Bind::Bool(input.position.is_some()),
            ],
        )
        .into_query()
        .load(c)
        .await?;
        Ok(ids.into_iter().next().map(|r| r.id))
    })
    .await?;
    match written {
        Ok(Some(id)) => {
            write_prices(conn, merchant_id, id, &root, input, &input.prices).await?;
            Ok(Ok(id))
        }
        Ok(None) => Err(Error::internal("inserted variant not returned")),
        Err(Violation::Unique(_)) => Ok(Err(sku_taken(&root))),
        Err(Violation::ForeignKey(_)) => Ok(Err(vec![write::not_found(
            &Path::field("product_id"),
            Kind::Product,
        )])),
    }
}

/// Writes the variant's `prices` after it.
async fn write_prices(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    variant_id: i64,
    root: &Path,
    input: &VariantInput,
    list: &[VariantPrice],
) -> Result<()> {
    prices::write(
        conn,
        merchant_id,
        &[Pending {
            variant_id,
            path: root.key("prices"),
            prices: list,
            compare_at: input
                .compare_at_price
                .map(|c| (c, root.key("compare_at_price"))),
        }],
    )
    .await
}

/// [`lock`]s the variant `id`; with `product_id`, one of another product is NOT_FOUND (an
/// unknown or malformed product too).
async fn lock_of(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    product_id: Option<&str>,
    for_delete: bool,
) -> Result<std::result::Result<Variant, FieldError>> {
    let path = Path::field("id");
    let found = lock(conn, merchant_id, id, &path, for_delete).await?;
    let Some(product) = product_id else {
        return Ok(found);
    };
    Ok(found.and_then(|v| {
        if ids::decode(Kind::Product, product).ok() == Some(v.product_id) {
            Ok(v)
        } else {
            Err(write::not_found(&path, Kind::Variant))
        }
    }))
}

/// Finds a variant of the merchant by public ID, locking it and its product.
async fn lock(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    path: &Path,
    for_delete: bool,
) -> Result<std::result::Result<Variant, FieldError>> {
    let mut errors = Errors::default();
    let Some(key) = write::decode(&mut errors, path, Kind::Variant, id) else {
        return Ok(Err(errors.0.remove(0)));
    };
    let strength = if for_delete {
        "UPDATE"
    } else {
        "NO KEY UPDATE"
    };
    let rows: Vec<Variant> = Sql::from_parts(
        &[
            "SELECT v.* FROM variants v \
             JOIN products p ON p.merchant_id = v.merchant_id AND p.id = v.product_id \
             WHERE v.merchant_id = $1 AND v.id = $2 AND v.deleted_at IS NULL FOR ",
            strength,
            " OF v FOR NO KEY UPDATE OF p",
        ],
        vec![Bind::I64(merchant_id), Bind::I64(key)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .next()
        .ok_or_else(|| write::not_found(path, Kind::Variant)))
}

/// Changes a variant; omitted fields keep their values, a null `sku` removes it. `is_master:
/// true` makes it the product's master. With `product_id`, a variant of another product is
/// NOT_FOUND. Must run inside a transaction.
pub async fn update(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    product_id: Option<&str>,
    input: &VariantInput,
    expected_updated_at: Option<DateTime<Utc>>,
) -> Result<Single> {
    let root = Path::input();
    let current = match lock_of(conn, merchant_id, id, product_id, false).await? {
        Ok(v) => v,
        Err(e) => return Ok(Err(vec![e])),
    };
    let mut errors = Errors::default();
    write::check_unchanged(
        &mut errors,
        &Path::field("expected_updated_at"),
        "variant",
        expected_updated_at,
        current.updated_at,
    );
    let sku = products::sku(
        &mut errors,
        &root.key("sku"),
        &input.sku,
        current.sku.clone(),
    );
    let options = products::options_text(
        &mut errors,
        &root.key("options_text"),
        input.options_text.as_deref(),
        &current.options_text,
    );
    position(&mut errors, &root.key("position"), input.position);
    prices::check(&mut errors, &root.key("prices"), &input.prices);
    let default =
        prices::default_currency_if(conn, merchant_id, input.compare_at_price.is_some()).await?;
    // A `compare_at_price` sent without `prices` goes with the variant's stored base price in
    // the default currency (its amount kept), as Spree's variant update takes it alone.
    let list = match (
        &default,
        input.prices.is_empty() && input.compare_at_price.is_some(),
    ) {
        (Some(d), true) => stored_base_price(conn, merchant_id, current.id, d)
            .await?
            .map(|amount| {
                vec![VariantPrice {
                    currency: Some(d.clone()),
                    amount,
                    compare_at_amount: None,
                }]
            })
            .unwrap_or_default(),
        _ => input.prices.clone(),
    };
    prices::check_compare_at(
        &mut errors,
        &root.key("compare_at_price"),
        input.compare_at_price,
        &list,
        default.as_deref(),
    );
    let make_master = match input.is_master {
        Some(false) if current.is_master => {
            errors.add(
                &root.key("is_master"),
                code::MASTER_VARIANT,
                "a product keeps one master; make another variant the master instead",
            );
            false
        }
        Some(m) => m && !current.is_master,
        None => false,
    };
    if let (true, Some(s)) = (errors.is_empty(), &sku) {
        if current.sku.as_ref() != Some(s)
            && !products::taken_skus(conn, merchant_id, vec![s.clone()], current.id)
                .await?
                .is_empty()
        {
            errors.0.extend(sku_taken(&root));
        }
    }
    if let Err(e) = write::finish(errors) {
        return Ok(Err(e));
    }
    let written = savepoint::attempt(conn, async |c| {
        if make_master {
            Sql::with_binds(
                "UPDATE variants SET is_master = false, updated_at = now() \
                 WHERE merchant_id = $1 AND product_id = $2 AND is_master AND id <> $3",
                vec![
                    Bind::I64(merchant_id),
                    Bind::I64(current.product_id),
                    Bind::I64(current.id),
                ],
            )
            .into_query()
            .execute(c)
            .await?;
        }
        Sql::with_binds(
            "UPDATE variants SET sku = $3, options_text = $4, position = $5, \
                 is_master = is_master OR $6, updated_at = now() \
             WHERE merchant_id = $1 AND id = $2",
            vec![
                Bind::I64(merchant_id),
                Bind::I64(current.id),
                Bind::OptText(sku),
                Bind::Text(options),
                Bind::I32(input.position.unwrap_or(current.position)),
                Bind::Bool(make_master),
            ],
        )
        .into_query()
        .execute(c)
        .await?;
        Ok(())
    })
    .await?;
    if written.is_ok() {
        write_prices(conn, merchant_id, current.id, &root, input, &list).await?;
    }
    Ok(match written {
        Ok(()) => Ok(current.id),
        Err(Violation::Unique(c)) if c == "variants_one_master" => Err(vec![FieldError::new(
            &root.key("is_master"),
            code::CONFLICT,
            "another variant became the master meanwhile; retry",
        )]),
        Err(_) => Err(sku_taken(&root)),
    })
}

#[derive(QueryableByName)]
struct Siblings {
    #[diesel(sql_type = sql_types::BigInt)]
    count: i64,
}

/// Deletes a variant with its prices, or retires it (see [`products::retire`]) when line items
/// reference it. Refused for the master (MASTER_VARIANT); with `product_id`, a variant of another product is NOT_FOUND.
/// Must run inside a transaction.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    product_id: Option<&str>,
) -> Result<Single> {
    let path = Path::field("id");
    let variant = match lock_of(conn, merchant_id, id, product_id, true).await? {
        Ok(v) => v,
        Err(e) => return Ok(Err(vec![e])),
    };
    if variant.is_master {
        let others: Vec<Siblings> = Sql::with_binds(
            "SELECT count(*) AS count FROM variants WHERE merchant_id = $1 AND product_id = $2 AND id <> $3 \
             AND deleted_at IS NULL",
            vec![
                Bind::I64(merchant_id),
                Bind::I64(variant.product_id),
                Bind::I64(variant.id),
            ],
        )
        .into_query()
        .load(conn)
        .await?;
        let message = if others.into_iter().next().is_some_and(|s| s.count > 0) {
            "the master variant cannot be deleted; make another variant the master first \
             (variantUpdate with isMaster: true)"
        } else {
            "the master variant is the product's last variant; delete the product instead"
        };
        return Ok(Err(vec![FieldError::new(
            &path,
            code::MASTER_VARIANT,
            message,
        )]));
    }
    if products::referenced(conn, merchant_id, None, Some(variant.id)).await? {
        products::retire::variant(conn, merchant_id, variant.id).await?;
        return Ok(Ok(variant.id));
    }
    let written = savepoint::attempt(conn, async |c| {
        Sql::with_binds(
            "DELETE FROM variants WHERE merchant_id = $1 AND id = $2",
            vec![Bind::I64(merchant_id), Bind::I64(variant.id)],
        )
        .into_query()
        .execute(c)
        .await?;
        Ok(())
    })
    .await?;
    if written.is_err() {
        // A line item added meanwhile (the foreign key has no cascade).
        products::retire::variant(conn, merchant_id, variant.id).await?;
    }
    Ok(Ok(variant.id))
}

#[derive(QueryableByName)]
struct Amount {
    #[diesel(sql_type = sql_types::Numeric)]
    amount: rust_decimal::Decimal,
}

/// The variant's base price (no price list) in `currency`, if it has one.
async fn stored_base_price(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    variant_id: i64,
    currency: &str,
) -> Result<Option<rust_decimal::Decimal>> {
    let rows: Vec<Amount> = Sql::with_binds(
        "SELECT amount FROM prices WHERE merchant_id = $1 AND variant_id = $2 \
         AND currency = $3 AND price_list_id IS NULL",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(variant_id),
            Bind::Text(currency.to_owned()),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().map(|r| r.amount))
}
