//! Product writes: create (single or bulk, with nested variants), update, delete.
//!
//! A product always has exactly one master variant, as the seed builds them: when the input
//! lists variants, the first is the master (position 0) and the others follow in order; when it
//! lists none, a master variant is created with the product's `sku` (if any) and no options.
//! Slugs are validated against the table's format, generated from the name when absent (with a
//! `-2`, `-3`… suffix when taken) and unique per merchant (TAKEN). SKUs are unique per merchant
//! (TAKEN), also within one request (DUPLICATE_IN_REQUEST). A product whose variants line items
//! reference cannot be deleted (IN_USE). Unique and foreign-key violations that concurrent
//! writers still cause are reported on the field, never as INTERNAL.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{slug, Product};
use crate::db::savepoint::{self, Violation};
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{
    check_batch_size, code, ErrorPolicy, Errors, FieldError, ItemResult, Patch, Path, MAX_BULK,
};
use crate::domain::write::{self, Flag, IdText, Single, TextRow};
use crate::error::{Error, Result};
use crate::ids::Kind;

/// Most variants one product can be created with.
pub const MAX_VARIANTS: usize = 100;
pub const STATUSES: [&str; 3] = ["draft", "active", "archived"];

/// A variant given with a new product, or created / changed on its own.
#[derive(Debug, Clone, Default)]
pub struct VariantInput {
    /// Unique per merchant; `Clear` removes it.
    pub sku: Patch<String>,
    pub options_text: Option<String>,
    /// Only for `variantCreate` / `variantUpdate`; nested variants take their list position.
    pub position: Option<i32>,
    /// Only for `variantUpdate`: `true` makes the variant its product's master.
    pub is_master: Option<bool>,
}

/// A product to create, or changes to one (`variants` and `sku` only on create).
#[derive(Debug, Clone, Default)]
pub struct ProductInput {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Patch<String>,
    pub status: Option<String>,
    /// SKU of the master variant when no variants are listed.
    pub sku: Option<String>,
    pub variants: Option<Vec<VariantInput>>,
}

/// A validated variant of a new product.
#[derive(Debug, Clone)]
struct NewVariant {
    sku: Option<String>,
    sku_path: Path,
    options_text: String,
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
    variants: Vec<NewVariant>,
}

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

fn status(errors: &mut Errors, path: &Path, value: Option<&str>, current: &str) -> String {
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

fn explicit_slug(errors: &mut Errors, path: &Path, value: &str) -> String {
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

fn validate_new(errors: &mut Errors, index: usize, path: Path, input: &ProductInput) -> NewProduct {
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
            list.iter()
                .enumerate()
                .map(|(j, v)| {
                    let vp = path.key("variants").index(j);
                    if v.position.is_some() || v.is_master.is_some() {
                        errors.add(
                            &vp,
                            code::INVALID,
                            "nested variants take their list position; the first is the master",
                        );
                    }
                    NewVariant {
                        sku: sku(errors, &vp.key("sku"), &v.sku, None),
                        sku_path: vp.key("sku"),
                        options_text: options_text(
                            errors,
                            &vp.key("options_text"),
                            v.options_text.as_deref(),
                            "",
                        ),
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
            }]
        }
    };
    NewProduct {
        index,
        base: slug::from_name(&name),
        path,
        name,
        slug,
        description,
        status,
        variants,
    }
}

/// Existing slugs of the merchant that equal one of `slugs` or are `base-N` of one of `bases`.
async fn existing_slugs(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    slugs: Vec<String>,
    bases: Vec<String>,
) -> Result<HashSet<String>> {
    if slugs.is_empty() && bases.is_empty() {
        return Ok(HashSet::new());
    }
    let rows: Vec<TextRow> = Sql::with_binds(
        "SELECT slug AS value FROM products WHERE merchant_id = $1 \
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
        "SELECT sku AS value FROM variants WHERE merchant_id = $1 AND sku = ANY($2) AND id <> $3",
        vec![Bind::I64(merchant_id), Bind::Texts(skus), Bind::I64(except)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.value).collect())
}

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

/// Inserts the products and all their variants: two statements whatever the number of rows.
/// Returns the new product ids in the order of `rows`.
async fn insert(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    rows: &[(&NewProduct, String)],
) -> std::result::Result<Vec<i64>, savepoint::Failure> {
    let returned: Vec<IdText> = Sql::with_binds(
        include_str!("insert_products.sql"),
        vec![
            Bind::I64(merchant_id),
            Bind::Texts(rows.iter().map(|(r, _)| r.name.clone()).collect()),
            Bind::Texts(rows.iter().map(|(_, s)| s.clone()).collect()),
            Bind::OptTexts(rows.iter().map(|(r, _)| r.description.clone()).collect()),
            Bind::Texts(rows.iter().map(|(r, _)| r.status.clone()).collect()),
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
            position.push(j as i64);
            master.push(j == 0);
        }
    }
    Sql::with_binds(
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
    .execute(conn)
    .await?;
    Ok(ids)
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
    let rows: Vec<NewProduct> = inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let path = if single { root.clone() } else { root.index(i) };
            validate_new(&mut errors[i], i, path, input)
        })
        .collect();
    check_duplicates(&rows, &mut errors);
    let mut written: HashMap<usize, i64> = HashMap::new();
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
            Ok(ids) => {
                written.extend(ok.iter().map(|(r, _)| r.index).zip(ids));
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

/// Finds a product of the merchant by public ID and locks it (`FOR UPDATE` to delete it,
/// `FOR NO KEY UPDATE` to change it or its variants).
pub(super) async fn lock(
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
            "SELECT * FROM products WHERE merchant_id = $1 AND id = $2 FOR ",
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

/// Whether line items reference any of the variants (of the product, when `product` is set).
pub(super) async fn referenced(
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

/// IN_USE at `path`: line items reference the variant(s).
pub(super) fn in_use(path: &Path, what: &str) -> Vec<FieldError> {
    vec![FieldError::new(
        path,
        code::IN_USE,
        format!("order line items reference {what}; archive it instead"),
    )]
}

/// Deletes a product with its variants, prices and publications. Refused with IN_USE when line
/// items reference one of its variants. Must run inside a transaction.
pub async fn delete(conn: &mut AsyncPgConnection, merchant_id: i64, id: &str) -> Result<Single> {
    let path = Path::field("id");
    let product = match lock(conn, merchant_id, id, &path, true).await? {
        Ok(p) => p,
        Err(e) => return Ok(Err(vec![e])),
    };
    if referenced(conn, merchant_id, Some(product.id), None).await? {
        return Ok(Err(in_use(&path, "its variants")));
    }
    let written = savepoint::attempt(conn, async |c| {
        Sql::with_binds(
            "DELETE FROM products WHERE merchant_id = $1 AND id = $2",
            vec![Bind::I64(merchant_id), Bind::I64(product.id)],
        )
        .into_query()
        .execute(c)
        .await?;
        Ok(())
    })
    .await?;
    Ok(match written {
        Ok(()) => Ok(product.id),
        // A line item added meanwhile for one of its variants (the foreign key has no cascade).
        Err(Violation::ForeignKey(_)) | Err(Violation::Unique(_)) => {
            Err(in_use(&path, "its variants"))
        }
    })
}
