//! `upsert_many`: check every item, one batched lookup, one write statement.

use std::collections::{HashMap, HashSet};

use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Numeric, Text};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use super::{IfExists, PriceInput, UpsertOutcome, MAX_PRICES};
use crate::domain::pricing::iso;
use crate::domain::validate::{
    check_batch_size, code, ErrorPolicy, Errors, ItemResult, Patch, Path,
};
use crate::error::{Error, Result};
use crate::ids::{self, Kind};

/// Largest amount numeric(19,4) holds (exclusive).
fn max_amount() -> Decimal {
    Decimal::from(1_000_000_000_000_000i64)
}

/// The (variant, currency, price list) a price is unique on.
type Key = (i64, String, Option<i64>);

/// An item after the checks that need no database.
#[derive(Debug, Clone)]
struct Item {
    index: usize,
    id: Option<i64>,
    variant_id: Option<i64>,
    currency: Option<String>,
    price_list_id: Option<i64>,
    /// `None`: the stored amount.
    amount: Option<Decimal>,
}

/// Refuses an amount below 0, at or over 10^15, or with more than 4 decimal places.
pub(crate) fn check_money(errors: &mut Errors, path: &Path, d: Decimal) {
    if d.is_sign_negative() && !d.is_zero() {
        errors.add(path, code::OUT_OF_RANGE, "must be at least 0");
    } else if d >= max_amount() {
        errors.add(path, code::OUT_OF_RANGE, "must be below 10^15");
    } else if d.normalize().scale() > 4 {
        errors.add(path, code::INVALID, "must have at most 4 decimal places");
    }
}

fn decode(errors: &mut Errors, path: &Path, kind: Kind, id: &Option<String>) -> Option<i64> {
    let id = id.as_ref()?;
    ids::decode(kind, id)
        .map_err(|e| errors.add(path, code::INVALID, e.to_string()))
        .ok()
}

fn check_item(errors: &mut Errors, path: &Path, index: usize, input: &PriceInput) -> Item {
    let id = decode(errors, &path.key("id"), Kind::Price, &input.id);
    let variant_id = decode(
        errors,
        &path.key("variant_id"),
        Kind::Variant,
        &input.variant_id,
    );
    let price_list_id = decode(
        errors,
        &path.key("price_list_id"),
        Kind::PriceList,
        &input.price_list_id,
    );
    if input.id.is_none() {
        if input.variant_id.is_none() {
            errors.add(
                &path.key("variant_id"),
                code::REQUIRED,
                "is required when id is not given",
            );
        }
        if input.currency.is_none() {
            errors.add(
                &path.key("currency"),
                code::REQUIRED,
                "is required when id is not given",
            );
        }
    }
    if let Some(c) = &input.currency {
        if !iso::is_currency(c) {
            errors.add(
                &path.key("currency"),
                code::INVALID,
                "must be an ISO 4217 currency code in upper case, such as USD",
            );
        }
    }
    if let Some(a) = input.amount {
        check_money(errors, &path.key("amount"), a);
    }
    if let Patch::Set(c) = input.compare_at_amount {
        let before = errors.0.len();
        check_money(errors, &path.key("compare_at_amount"), c);
        // Against the stored amount when it is omitted: see `check_against`.
        if errors.0.len() == before && input.amount.is_some_and(|a| c < a) {
            errors.add(
                &path.key("compare_at_amount"),
                code::OUT_OF_RANGE,
                "must be at least amount",
            );
        }
    }
    Item {
        index,
        id,
        variant_id,
        currency: input.currency.clone(),
        price_list_id,
        amount: input.amount,
    }
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    variant_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    currency: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    price_list_id: Option<i64>,
    #[diesel(sql_type = Nullable<Numeric>)]
    amount: Option<Decimal>,
    #[diesel(sql_type = Nullable<Numeric>)]
    compare_at_amount: Option<Decimal>,
}

/// A stored price, as far as validation needs it.
#[derive(Clone, Copy)]
struct Stored {
    id: i64,
    amount: Decimal,
    compare_at_amount: Option<Decimal>,
}

/// What exists of everything the items refer to: ONE statement.
struct Lookup {
    variants: HashSet<i64>,
    lists: HashSet<i64>,
    by_id: HashMap<i64, (Key, Stored)>,
    by_key: HashMap<Key, Stored>,
}

async fn lookup(conn: &mut AsyncPgConnection, merchant_id: i64, items: &[Item]) -> Result<Lookup> {
    let variants: Vec<i64> = items.iter().filter_map(|i| i.variant_id).collect();
    let lists: Vec<i64> = items.iter().filter_map(|i| i.price_list_id).collect();
    let prices: Vec<i64> = items.iter().filter_map(|i| i.id).collect();
    let keyed: Vec<&Item> = items
        .iter()
        .filter(|i| i.id.is_none() && i.variant_id.is_some() && i.currency.is_some())
        .collect();
    let rows: Vec<Found> = diesel::sql_query(include_str!("upsert_lookup.sql"))
        .bind::<BigInt, _>(merchant_id)
        .bind::<Array<BigInt>, _>(variants)
        .bind::<Array<BigInt>, _>(lists)
        .bind::<Array<BigInt>, _>(prices)
        .bind::<Array<BigInt>, _>(
            keyed
                .iter()
                .filter_map(|i| i.variant_id)
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Text>, _>(
            keyed
                .iter()
                .filter_map(|i| i.currency.clone())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<BigInt>>, _>(
            keyed.iter().map(|i| i.price_list_id).collect::<Vec<_>>(),
        )
        .load(conn)
        .await?;
    let mut out = Lookup {
        variants: HashSet::new(),
        lists: HashSet::new(),
        by_id: HashMap::new(),
        by_key: HashMap::new(),
    };
    for r in rows {
        match r.kind.as_str() {
            "variant" => {
                out.variants.insert(r.id);
            }
            "price_list" => {
                out.lists.insert(r.id);
            }
            _ => {
                let key = (
                    r.variant_id.unwrap_or_default(),
                    r.currency.unwrap_or_default(),
                    r.price_list_id,
                );
                let stored = Stored {
                    id: r.id,
                    amount: r.amount.unwrap_or_default(),
                    compare_at_amount: r.compare_at_amount,
                };
                out.by_key.insert(key.clone(), stored);
                out.by_id.insert(r.id, (key, stored));
            }
        }
    }
    Ok(out)
}

/// Checks an item against what exists; returns the key of the price it writes.
fn check_against(
    errors: &mut Errors,
    path: &Path,
    item: &Item,
    input: &PriceInput,
    found: &Lookup,
    if_exists: IfExists,
) -> Option<Key> {
    if let Some(v) = item.variant_id {
        if !found.variants.contains(&v) {
            errors.add(&path.key("variant_id"), code::NOT_FOUND, "no such variant");
        }
    }
    if let Some(l) = item.price_list_id {
        if !found.lists.contains(&l) {
            errors.add(
                &path.key("price_list_id"),
                code::NOT_FOUND,
                "no such price list",
            );
        }
    }
    let (key, stored) = match item.id {
        Some(id) => {
            let Some((key, stored)) = found.by_id.get(&id) else {
                errors.add(&path.key("id"), code::NOT_FOUND, "no such price");
                return None;
            };
            let (v, c, l) = key;
            let changed = [
                ("variant_id", item.variant_id.is_some_and(|x| x != *v)),
                ("currency", item.currency.as_ref().is_some_and(|x| x != c)),
                (
                    "price_list_id",
                    item.price_list_id.is_some_and(|x| Some(x) != *l),
                ),
            ];
            for (field, differs) in changed {
                if differs {
                    errors.add(
                        &path.key(field),
                        code::IMMUTABLE,
                        "a price's variant, currency and price list cannot change; write the other price by its key instead",
                    );
                }
            }
            (key.clone(), Some(*stored))
        }
        None => {
            let key = (item.variant_id?, item.currency.clone()?, item.price_list_id);
            let stored = found.by_key.get(&key).copied();
            if let (Some(s), IfExists::Refuse) = (stored, if_exists) {
                let of = match key.2 {
                    Some(_) => "this variant on this price list",
                    None => "this variant's base prices",
                };
                errors.add(
                    &path.key("currency"),
                    code::TAKEN,
                    format!(
                        "{of} already has a price in {} ({}): update that one",
                        key.1,
                        ids::encode(Kind::Price, s.id)
                    ),
                );
                return Some(key);
            }
            (key, stored)
        }
    };
    let amount = match (item.amount, stored) {
        (Some(a), _) => a,
        (None, Some(s)) => s.amount,
        (None, None) => {
            errors.add(
                &path.key("amount"),
                code::REQUIRED,
                "is required for a new price (a price without an amount is not kept; a price \
                 list's products are its productIds)",
            );
            return Some(key);
        }
    };
    if let (Patch::Set(c), None) = (&input.compare_at_amount, item.amount) {
        if *c < amount {
            errors.add(
                &path.key("compare_at_amount"),
                code::OUT_OF_RANGE,
                format!("must be at least the stored amount {}", amount.normalize()),
            );
        }
    }
    let stored_compare_at = stored.and_then(|s| s.compare_at_amount);
    if let (Patch::Keep, Some(c), Some(_)) =
        (&input.compare_at_amount, stored_compare_at, item.amount)
    {
        if amount > c {
            errors.add(
                &path.key("amount"),
                code::OUT_OF_RANGE,
                format!(
                    "exceeds the stored compareAtAmount {}; give compareAtAmount too (null clears it)",
                    c.normalize()
                ),
            );
        }
    }
    Some(key)
}

#[derive(QueryableByName)]
struct Written {
    #[diesel(sql_type = Integer)]
    idx: i32,
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Bool)]
    created: bool,
}

/// Creates or updates prices. Must run inside a transaction.
pub async fn upsert_many(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    inputs: &[PriceInput],
    policy: ErrorPolicy,
) -> Result<UpsertOutcome> {
    write_many(conn, merchant_id, inputs, policy, IfExists::Update).await
}

/// Creates prices, and updates those addressed by `id` or (with [`IfExists::Update`]) by an
/// existing key. Must run inside a transaction.
pub async fn write_many(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    inputs: &[PriceInput],
    policy: ErrorPolicy,
    if_exists: IfExists,
) -> Result<UpsertOutcome> {
    check_batch_size(inputs.len(), MAX_PRICES, "prices")?;
    let root = Path::input();
    let mut errors: Vec<Errors> = inputs.iter().map(|_| Errors::default()).collect();
    let items: Vec<Item> = inputs
        .iter()
        .enumerate()
        .map(|(i, input)| check_item(&mut errors[i], &root.index(i), i, input))
        .collect();
    let found = lookup(conn, merchant_id, &items).await?;
    let mut seen_keys: HashMap<Key, usize> = HashMap::new();
    let mut keys: Vec<Option<Key>> = Vec::with_capacity(items.len());
    for item in &items {
        let path = root.index(item.index);
        let key = check_against(
            &mut errors[item.index],
            &path,
            item,
            &inputs[item.index],
            &found,
            if_exists,
        );
        // Only items valid so far claim their key: an invalid item is never written, so it
        // cannot collide with a valid one.
        if let Some(k) = key.as_ref().filter(|_| errors[item.index].is_empty()) {
            if let Some(first) = seen_keys.get(k) {
                let field = if item.id.is_some() {
                    "id"
                } else {
                    "variant_id"
                };
                errors[item.index].add(
                    &path.key(field),
                    code::DUPLICATE_IN_REQUEST,
                    format!("the same price is also written at index {first}"),
                );
            } else {
                seen_keys.insert(k.clone(), item.index);
            }
        }
        keys.push(key);
    }
    let mut outcome = UpsertOutcome::default();
    let mut written: HashMap<usize, i64> = HashMap::new();
    let all_ok = errors.iter().all(Errors::is_empty);
    if all_ok || policy == ErrorPolicy::RejectFailedRows {
        let ok: Vec<(&Item, &Key)> = items
            .iter()
            .zip(&keys)
            .filter(|(i, _)| errors[i.index].is_empty())
            .filter_map(|(i, k)| Some((i, k.as_ref()?)))
            .collect();
        if !ok.is_empty() {
            let rows = write(conn, merchant_id, &ok, inputs, &found).await?;
            if rows.len() != ok.len() {
                // A price addressed by id was deleted meanwhile: nothing is written.
                return Err(Error::conflict(
                    "input",
                    "prices changed while writing; retry",
                ));
            }
            // A key created by a concurrent request after the lookup ends as an update in the
            // write: refused here, which rolls the whole write back.
            if if_exists == IfExists::Refuse
                && rows
                    .iter()
                    .any(|r| !r.created && items[r.idx as usize].id.is_none())
            {
                return Err(Error::conflict(
                    "input",
                    "a price with the same variant, currency and list was created meanwhile",
                ));
            }
            for r in rows {
                written.insert(r.idx as usize, r.id);
                if r.created {
                    outcome.created += 1;
                } else {
                    outcome.updated += 1;
                }
            }
        }
    }
    outcome.items = errors
        .into_iter()
        .enumerate()
        .map(|(index, e)| ItemResult {
            index,
            id: written.get(&index).copied(),
            errors: e.0,
        })
        .collect();
    Ok(outcome)
}

/// The one write statement for all valid items. Items addressed by a key that already exists
/// (per the lookup) are written by that price's id: an UPDATE costs less than an INSERT that
/// conflicts. New keys go through INSERT … ON CONFLICT, so a concurrent insert of the same key
/// still ends as an update.
async fn write(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    ok: &[(&Item, &Key)],
    inputs: &[PriceInput],
    found: &Lookup,
) -> Result<Vec<Written>> {
    let compare = |i: &Item| &inputs[i.index].compare_at_amount;
    let id = |i: &Item, k: &Key| i.id.or_else(|| found.by_key.get(k).map(|s| s.id));
    Ok(diesel::sql_query(include_str!("upsert.sql"))
        .bind::<BigInt, _>(merchant_id)
        .bind::<Array<Integer>, _>(ok.iter().map(|(i, _)| i.index as i32).collect::<Vec<_>>())
        .bind::<Array<Nullable<BigInt>>, _>(ok.iter().map(|(i, k)| id(i, k)).collect::<Vec<_>>())
        .bind::<Array<BigInt>, _>(ok.iter().map(|(_, k)| k.0).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(ok.iter().map(|(_, k)| k.1.clone()).collect::<Vec<_>>())
        .bind::<Array<Nullable<BigInt>>, _>(ok.iter().map(|(_, k)| k.2).collect::<Vec<_>>())
        .bind::<Array<Nullable<Numeric>>, _>(ok.iter().map(|(i, _)| i.amount).collect::<Vec<_>>())
        .bind::<Array<Nullable<Numeric>>, _>(
            ok.iter()
                .map(|(i, _)| compare(i).as_set().copied())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Bool>, _>(
            ok.iter()
                .map(|(i, _)| matches!(compare(i), Patch::Keep))
                .collect::<Vec<_>>(),
        )
        .load(conn)
        .await?)
}
