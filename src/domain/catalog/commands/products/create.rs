//! Creating products (single or bulk), with their variants.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::checks::{existing_slugs, explicit_slug, options_text, sku, status, taken_skus};
use super::publications::{self, Wanted};
use super::{ProductInput, MAX_VARIANTS};
use crate::db::savepoint::{self};
use crate::db::sql::{Bind, Sql};
use crate::domain::catalog::commands::prices::{self, Pending, VariantPrice};
use crate::domain::catalog::slug;
use crate::domain::tags;
use crate::domain::validate::{
    check_batch_size, code, ErrorPolicy, Errors, ItemResult, Patch, Path, MAX_BULK,
};
use crate::domain::write::{self, IdText};
use crate::error::{Error, Result};
use rust_decimal::Decimal;

/// A validated variant of a new product.
#[derive(Debug, Clone)]
struct NewVariant {
    sku: Option<String>,
    sku_path: Path,
    options_text: String,
    prices: Vec<VariantPrice>,
    prices_path: Path,
    /// Its place among the product's variants (its index in the list unless given).
    position: i32,
    compare_at: Option<(Decimal, Path)>,
}

/// A validated new product.
#[derive(Debug, Clone)]
struct NewProduct {
    index: usize,
    path: Path,
    name: String,
    /// The slug the caller gave (validated), or `None` to generate one from `base`.
    slug: Option<String>,
    base: String,
    description: Option<String>,
    status: String,
    tags: Vec<String>,
    variants: Vec<NewVariant>,
    /// Channels to publish it on, each with its window and where the input named it.
    channels: Vec<Wanted>,
}

/// `default`: the merchant's default currency, when a variant has a `compare_at_price`.
fn validate_new(
    errors: &mut Errors,
    index: usize,
    path: Path,
    input: &ProductInput,
    default: Option<&str>,
) -> NewProduct {
    let name = write::required_text(errors, &path.key("name"), input.name.as_deref(), None, 255);
    let slug = input
        .slug
        .as_deref()
        .map(|s| explicit_slug(errors, &path.key("slug"), s));
    let description = write::optional_text(
        errors,
        &path.key("description"),
        &input.description,
        None,
        20_000,
    );
    let status = status(
        errors,
        &path.key("status"),
        input.status.as_deref(),
        "active",
    );
    let variants = match &input.variants {
        Some(list) if !list.is_empty() => {
            if input.sku.is_some() {
                errors.add(
                    &path.key("sku"),
                    code::INVALID,
                    "give the SKUs on the variants when variants are listed",
                );
            }
            if list.len() > MAX_VARIANTS {
                errors.add(
                    &path.key("variants"),
                    code::LIMIT_EXCEEDED,
                    format!("at most {MAX_VARIANTS} variants per product"),
                );
            }
            // Variants without a position follow their list index, or, when some give one,
            // go after the largest given, in list order.
            let given = list.iter().filter_map(|v| v.position).max();
            let mut next = given.map_or(0, |g| g.saturating_add(1));
            let mut positions: HashMap<i32, usize> = HashMap::new();
            list.iter()
                .enumerate()
                .map(|(j, v)| {
                    let vp = path.key("variants").index(j);
                    if v.is_master.is_some() || v.id.is_some() {
                        errors.add(
                            &vp,
                            code::INVALID,
                            "a new product's variants have no id; the first is the master",
                        );
                    }
                    let position = match (v.position, given) {
                        (Some(p), _) => p,
                        (None, None) => i32::try_from(j).unwrap_or(i32::MAX),
                        (None, Some(_)) => {
                            next = next.saturating_add(1);
                            next - 1
                        }
                    };
                    if !(0..=MAX_POSITION).contains(&position) {
                        errors.add(
                            &vp.key("position"),
                            code::OUT_OF_RANGE,
                            format!("must be between 0 and {MAX_POSITION}"),
                        );
                    } else if let Some(other) = positions.insert(position, j) {
                        errors.add(
                            &vp.key("position"),
                            code::DUPLICATE_IN_REQUEST,
                            format!("variant {other} of this product has this position"),
                        );
                    }
                    prices::check(errors, &vp.key("prices"), &v.prices);
                    prices::check_compare_at(
                        errors,
                        &vp.key("compare_at_price"),
                        v.compare_at_price,
                        &v.prices,
                        default,
                    );
                    NewVariant {
                        position,
                        compare_at: v.compare_at_price.map(|c| (c, vp.key("compare_at_price"))),
                        sku: sku(errors, &vp.key("sku"), &v.sku, None),
                        sku_path: vp.key("sku"),
                        options_text: options_text(
                            errors,
                            &vp.key("options_text"),
                            v.options_text.as_deref(),
                            "",
                        ),
                        prices: v.prices.clone(),
                        prices_path: vp.key("prices"),
                    }
                })
                .collect()
        }
        _ => {
            let sku_path = path.key("sku");
            let patch = input.sku.clone().map(Patch::Set).unwrap_or_default();
            vec![NewVariant {
                sku: sku(errors, &sku_path, &patch, None),
                sku_path,
                options_text: String::new(),
                prices: Vec::new(),
                prices_path: path.key("prices"),
                position: 0,
                compare_at: None,
            }]
        }
    };
    let tags = tags::normalize(
        errors,
        &path.key("tags"),
        input.tags.as_deref().unwrap_or(&[]),
    );
    let channels = publications::decode(
        errors,
        &path,
        input.channel_ids.as_deref(),
        input.publications.as_deref(),
        Utc::now(),
    );
    NewProduct {
        index,
        tags,
        channels,
        base: slug::from_name(&name),
        path,
        name,
        slug,
        description,
        status,
        variants,
    }
}

/// Largest position a variant takes.
const MAX_POSITION: i32 = 100_000;

/// Marks duplicates within the request: explicit slugs, and SKUs across every product.
fn check_duplicates(rows: &[NewProduct], errors: &mut [Errors]) {
    let mut slugs = HashSet::new();
    let mut skus = HashSet::new();
    for r in rows {
        if let Some(s) = &r.slug {
            if !slugs.insert(s.clone()) {
                errors[r.index].add(
                    &r.path.key("slug"),
                    code::DUPLICATE_IN_REQUEST,
                    "another product of this request has this slug",
                );
            }
        }
        for v in &r.variants {
            if let Some(s) = &v.sku {
                if !skus.insert(s.clone()) {
                    errors[r.index].add(
                        &v.sku_path,
                        code::DUPLICATE_IN_REQUEST,
                        "another variant of this request has this SKU",
                    );
                }
            }
        }
    }
}

/// Marks explicit slugs and SKUs that the merchant's existing products and variants hold, and
/// returns the slugs generated ones must avoid. Only `rows` still free of errors are checked
/// when `only_clean`.
async fn check_taken(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    rows: &[NewProduct],
    errors: &mut [Errors],
    only_clean: bool,
) -> Result<HashSet<String>> {
    let checked: Vec<&NewProduct> = rows
        .iter()
        .filter(|r| !only_clean || errors[r.index].is_empty())
        .collect();
    let explicit: Vec<String> = checked.iter().filter_map(|r| r.slug.clone()).collect();
    let bases: Vec<String> = checked
        .iter()
        .filter(|r| r.slug.is_none())
        .map(|r| r.base.clone())
        .collect();
    let mut used = existing_slugs(conn, merchant_id, explicit, bases).await?;
    let skus: Vec<String> = checked
        .iter()
        .flat_map(|r| r.variants.iter().filter_map(|v| v.sku.clone()))
        .collect();
    let taken = taken_skus(conn, merchant_id, skus, 0).await?;
    for r in checked {
        if let Some(s) = &r.slug {
            if used.contains(s) {
                errors[r.index].add(
                    &r.path.key("slug"),
                    code::TAKEN,
                    "another product has this slug",
                );
            }
        }
        for v in &r.variants {
            if v.sku.as_ref().is_some_and(|s| taken.contains(s)) {
                errors[r.index].add(&v.sku_path, code::TAKEN, "another variant has this SKU");
            }
        }
    }
    // Generated slugs must not take one another's, nor an explicit one of this request.
    used.extend(rows.iter().filter_map(|r| r.slug.clone()));
    Ok(used)
}

#[derive(diesel::QueryableByName)]
struct NewVariantRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    product_id: i64,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    position: i32,
}

/// New product ids in the order of the rows, and each new variant's id by (product, position).
type Inserted = (Vec<i64>, HashMap<(i64, i32), i64>);

/// Inserts the products and all their variants: two statements whatever the number of rows.
async fn insert(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    rows: &[(&NewProduct, String)],
) -> std::result::Result<Inserted, savepoint::Failure> {
    let returned: Vec<IdText> = Sql::with_binds(
        include_str!("insert_products.sql"),
        vec![
            Bind::I64(merchant_id),
            Bind::Texts(rows.iter().map(|(r, _)| r.name.clone()).collect()),
            Bind::Texts(rows.iter().map(|(_, s)| s.clone()).collect()),
            Bind::OptTexts(rows.iter().map(|(r, _)| r.description.clone()).collect()),
            Bind::Texts(rows.iter().map(|(r, _)| r.status.clone()).collect()),
            Bind::Texts(
                rows.iter()
                    .map(|(r, _)| serde_json::Value::from(r.tags.clone()).to_string())
                    .collect(),
            ),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let by_slug: HashMap<String, i64> = returned.into_iter().map(|r| (r.value, r.id)).collect();
    let ids = rows
        .iter()
        .map(|(_, s)| {
            by_slug
                .get(s)
                .copied()
                .ok_or_else(|| Error::internal("inserted product not returned"))
        })
        .collect::<Result<Vec<i64>>>()?;
    let (mut product, mut sku, mut options, mut position, mut master) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((r, _), id) in rows.iter().zip(&ids) {
        for (j, v) in r.variants.iter().enumerate() {
            product.push(*id);
            sku.push(v.sku.clone());
            options.push(v.options_text.clone());
            position.push(i64::from(v.position));
            master.push(j == 0);
        }
    }
    let variants: Vec<NewVariantRow> = Sql::with_binds(
        include_str!("insert_variants.sql"),
        vec![
            Bind::I64(merchant_id),
            Bind::I64s(product),
            Bind::OptTexts(sku),
            Bind::Texts(options),
            Bind::I64s(position),
            Bind::Bools(master),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok((
        ids,
        variants
            .into_iter()
            .map(|v| ((v.product_id, v.position), v.id))
            .collect(),
    ))
}

/// Creates products with their variants. `single` names fields `["name"]` (the input is one
/// product) instead of `[3, "name"]`. Under `RejectEverything` nothing is written when any item fails.
/// Must run inside a transaction.
pub async fn create_many(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    inputs: &[ProductInput],
    policy: ErrorPolicy,
    single: bool,
) -> Result<Vec<ItemResult>> {
    check_batch_size(inputs.len(), MAX_BULK, "products")?;
    let root = Path::input();
    let mut errors: Vec<Errors> = inputs.iter().map(|_| Errors::default()).collect();
    let needed = inputs
        .iter()
        .flat_map(|i| i.variants.iter().flatten())
        .any(|v| v.compare_at_price.is_some());
    let default = prices::default_currency_if(conn, merchant_id, needed).await?;
    let rows: Vec<NewProduct> = inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let path = if single { root.clone() } else { root.index(i) };
            validate_new(&mut errors[i], i, path, input, default.as_deref())
        })
        .collect();
    check_duplicates(&rows, &mut errors);
    let wanted: Vec<(usize, &Wanted)> = rows
        .iter()
        .flat_map(|r| r.channels.iter().map(move |w| (r.index, w)))
        .collect();
    publications::check_channels(conn, merchant_id, &wanted, &mut errors).await?;
    let mut written: HashMap<usize, i64> = HashMap::new();
    let mut variant_ids: HashMap<(i64, i32), i64> = HashMap::new();
    // A concurrent writer may take a slug or SKU between our check and our insert; the check
    // then runs again and names it. Three rounds settle any realistic race.
    for round in 0..3 {
        let mut used = check_taken(conn, merchant_id, &rows, &mut errors, round > 0).await?;
        let all_clean = errors.iter().all(Errors::is_empty);
        if !(all_clean || policy == ErrorPolicy::RejectFailedRows) {
            break;
        }
        let ok: Vec<(&NewProduct, String)> = rows
            .iter()
            .filter(|r| errors[r.index].is_empty())
            .map(|r| {
                let s = match &r.slug {
                    Some(s) => s.clone(),
                    None => slug::unique(&r.base, &mut used),
                };
                (r, s)
            })
            .collect();
        if ok.is_empty() {
            break;
        }
        match savepoint::attempt(conn, async |c| insert(c, merchant_id, &ok).await).await? {
            Ok((ids, variants)) => {
                written.extend(ok.iter().map(|(r, _)| r.index).zip(ids));
                variant_ids = variants;
                break;
            }
            Err(v) if round == 2 => {
                for (r, _) in &ok {
                    errors[r.index].add(
                        &r.path,
                        code::CONFLICT,
                        format!("concurrent writes collided ({}); retry", v.constraint()),
                    );
                }
            }
            Err(_) => {}
        }
    }
    let pending: Vec<Pending> = rows
        .iter()
        .filter_map(|r| written.get(&r.index).map(|id| (r, *id)))
        .flat_map(|(r, product)| r.variants.iter().map(move |v| (product, v)))
        .filter(|(_, v)| !v.prices.is_empty() || v.compare_at.is_some())
        .map(|(product, v)| {
            variant_ids
                .get(&(product, v.position))
                .map(|id| Pending {
                    variant_id: *id,
                    path: v.prices_path.clone(),
                    prices: &v.prices,
                    compare_at: v.compare_at.clone(),
                })
                .ok_or_else(|| Error::internal("inserted variant not returned"))
        })
        .collect::<Result<_>>()?;
    prices::write(conn, merchant_id, &pending).await?;
    let published: Vec<(i64, &[Wanted])> = rows
        .iter()
        .filter_map(|r| written.get(&r.index).map(|id| (*id, r.channels.as_slice())))
        .collect();
    publications::insert(conn, merchant_id, &published).await?;
    Ok(errors
        .into_iter()
        .enumerate()
        .map(|(index, e)| ItemResult {
            index,
            id: written.get(&index).copied(),
            errors: e.0,
        })
        .collect())
}
