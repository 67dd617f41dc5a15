//! The writing half of the upsert, run inside its transaction: the checks that need the database,
//! then the stores and their nested rows. [`write`] calls one function per step, in order; a step
//! that refuses the request returns before anything is written.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::input::StoreInput;
use super::rows::{changed_fields, overlaps, to_json, NewFulfillment, NewStore, StoreChanges};
use super::{store_path, UpsertError, UpsertOutcome, CHUNK};
use crate::db::schema::{
    brands, cms_templates, store_channels, store_coverage_zones, store_fulfillment_fees,
    store_fulfillments, store_payment_methods, store_payment_providers, store_scheduled_overrides,
    stores,
};
use crate::domain::stores::config::ScheduledOverride;
use crate::domain::stores::Store;
use crate::domain::validate::{code, Errors};
use crate::error::Error;

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = sql_types::Text)]
    name: String,
}

/// The brands an upsert touches, by external id and by key.
struct Brands {
    by_ext: HashMap<String, i64>,
    by_id: HashMap<i64, String>,
}

impl Brands {
    /// The brand an element ends up with (None = keep / none).
    fn target(&self, s: &StoreInput, header: Option<&str>) -> Option<i64> {
        s.brand_id
            .clone()
            .flatten()
            .or_else(|| header.map(str::to_owned))
            .and_then(|b| self.by_ext.get(b.as_str()).copied())
    }
}

/// Writes the parsed `inputs`, in order: request-level rules, lock the existing stores, checks
/// needing the database, brands, brand scope and scheduled overrides, then the stores, their
/// channels (with fulfillments, fees and coverage zones) and their payment methods (with
/// providers).
pub(super) async fn write(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    header: Option<&str>,
    inputs: Vec<StoreInput>,
) -> Result<UpsertOutcome, UpsertError> {
    check_request_rules(header, &inputs)?;
    let existing = lock_existing(conn, merchant_id, &inputs).await?;
    check_with_database(conn, merchant_id, &inputs, &existing).await?;
    let brands = ensure_brands(conn, merchant_id, header, &inputs, &existing).await?;
    check_scope_and_overrides(conn, merchant_id, header, &inputs, &existing, &brands).await?;
    let (key_of, created) =
        write_stores(conn, merchant_id, header, &inputs, &existing, &brands).await?;
    let key = |s: &StoreInput| key_of.get(&s.id).copied().ok_or(Error::Internal);
    let channel_id = replace_channels(conn, merchant_id, &inputs, &key).await?;
    let fulfillment_id = insert_fulfillments(conn, merchant_id, &inputs, &key, &channel_id).await?;
    insert_fees_and_zones(
        conn,
        merchant_id,
        &inputs,
        &key,
        &channel_id,
        &fulfillment_id,
    )
    .await?;
    let method_id = replace_payment_methods(conn, merchant_id, &inputs, &key).await?;
    insert_payment_providers(conn, merchant_id, &inputs, &key, &method_id).await?;

    Ok(UpsertOutcome {
        created,
        updated: inputs.len() - created,
    })
}

/// 422 rules within the request itself: the same `id` twice (DUPLICATE_IN_REQUEST) and a
/// `brand_id` differing from the `x-brand-id` header (BRAND_MISMATCH).
fn check_request_rules(header: Option<&str>, inputs: &[StoreInput]) -> Result<(), UpsertError> {
    let mut rule = Errors::default();
    let mut seen = HashSet::new();
    for (i, s) in inputs.iter().enumerate() {
        if !seen.insert(s.id.as_str()) {
            rule.add(
                &store_path(i).key("id"),
                code::DUPLICATE_IN_REQUEST,
                format!("ID {} appears more than once in this request", s.id),
            );
        }
        if let (Some(h), Some(Some(b))) = (header, &s.brand_id) {
            if h != b {
                rule.add(
                    &store_path(i).key("brand_id"),
                    code::BRAND_MISMATCH,
                    format!("Brand ID {b} does not match the x-brand-id header {h}"),
                );
            }
        }
    }
    if !rule.is_empty() {
        return Err(UpsertError::Rule(rule.0));
    }
    Ok(())
}

/// Loads the stores the request names that already exist, locked (`FOR UPDATE`), by external id.
async fn lock_existing(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    inputs: &[StoreInput],
) -> Result<HashMap<String, Store>, UpsertError> {
    let ids: Vec<&str> = inputs.iter().map(|s| s.id.as_str()).collect();
    let existing: HashMap<String, Store> = stores::table
        .filter(stores::merchant_id.eq(merchant_id))
        .filter(stores::external_id.eq_any(&ids))
        .for_update()
        .select(Store::as_select())
        .load::<Store>(conn)
        .await?
        .into_iter()
        .map(|s| (s.external_id.clone(), s))
        .collect();
    Ok(existing)
}

/// 400 checks needing the database: timezones PostgreSQL knows, CMS templates of this merchant
/// with entity STORES, and `name` on every store to create.
async fn check_with_database(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    inputs: &[StoreInput],
    existing: &HashMap<String, Store>,
) -> Result<(), UpsertError> {
    let mut invalid = Errors::default();
    let timezones: BTreeSet<&str> = inputs
        .iter()
        .filter_map(|s| s.timezone.as_deref())
        .collect();
    if !timezones.is_empty() {
        let list: Vec<String> = timezones.iter().map(|s| s.to_string()).collect();
        let known: HashSet<String> =
            diesel::sql_query("SELECT name FROM pg_timezone_names WHERE name = ANY($1)")
                .bind::<sql_types::Array<sql_types::Text>, _>(&list)
                .load::<Name>(conn)
                .await?
                .into_iter()
                .map(|n| n.name)
                .collect();
        for (i, s) in inputs.iter().enumerate() {
            if let Some(tz) = &s.timezone {
                if !known.contains(tz) {
                    invalid.add(
                        &store_path(i).key("timezone"),
                        code::INVALID,
                        "Timezone must be an IANA timezone such as America/Guayaquil",
                    );
                }
            }
        }
    }
    let templates: Vec<Uuid> = inputs
        .iter()
        .filter_map(|s| s.cms_template_id.flatten())
        .collect();
    let known_templates: HashSet<Uuid> = if templates.is_empty() {
        HashSet::new()
    } else {
        cms_templates::table
            .filter(cms_templates::merchant_id.eq(merchant_id))
            .filter(cms_templates::entity.eq("STORES"))
            .filter(cms_templates::id.eq_any(&templates))
            .select(cms_templates::id)
            .load::<Uuid>(conn)
            .await?
            .into_iter()
            .collect()
    };
    for (i, s) in inputs.iter().enumerate() {
        if let Some(Some(t)) = s.cms_template_id {
            if !known_templates.contains(&t) {
                invalid.add(
                    &store_path(i).key("cms_template_id"),
                    code::NOT_FOUND,
                    "CMS template must reference an existing template with entity STORES",
                );
            }
        }
        if !existing.contains_key(&s.id) && s.name.is_none() {
            invalid.add(
                &store_path(i).key("name"),
                code::REQUIRED,
                "Name is required when a store is created",
            );
        }
    }
    if !invalid.is_empty() {
        return Err(UpsertError::Validation(invalid.0));
    }
    Ok(())
}

/// Creates the brands named by the elements or the header that do not exist yet, and loads
/// those and the brands of the existing stores.
async fn ensure_brands(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    header: Option<&str>,
    inputs: &[StoreInput],
    existing: &HashMap<String, Store>,
) -> Result<Brands, UpsertError> {
    let existing_brand_ids: Vec<i64> = existing.values().filter_map(|s| s.brand_id).collect();
    let mut wanted: BTreeSet<String> = inputs
        .iter()
        .filter_map(|s| s.brand_id.clone().flatten())
        .collect();
    if let Some(h) = header {
        wanted.insert(h.to_owned());
    }
    if !wanted.is_empty() {
        let rows: Vec<_> = wanted
            .iter()
            .map(|b| {
                (
                    brands::merchant_id.eq(merchant_id),
                    brands::external_id.eq(b),
                )
            })
            .collect();
        diesel::insert_into(brands::table)
            .values(&rows)
            .on_conflict((brands::merchant_id, brands::external_id))
            .do_nothing()
            .execute(conn)
            .await?;
    }
    let wanted_list: Vec<&String> = wanted.iter().collect();
    let brand_rows: Vec<(i64, String)> = brands::table
        .filter(brands::merchant_id.eq(merchant_id))
        .filter(
            brands::external_id
                .eq_any(&wanted_list)
                .or(brands::id.eq_any(&existing_brand_ids)),
        )
        .select((brands::id, brands::external_id))
        .load(conn)
        .await?;
    Ok(Brands {
        by_ext: brand_rows.iter().map(|(id, e)| (e.clone(), *id)).collect(),
        by_id: brand_rows.into_iter().collect(),
    })
}

/// 422 rules against the existing stores: an existing store outside the header's brand
/// (BRAND_MISMATCH), and a change to a field with a scheduled override whose window has not
/// ended (SCHEDULED_OVERRIDE_CONFLICT).
async fn check_scope_and_overrides(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    header: Option<&str>,
    inputs: &[StoreInput],
    existing: &HashMap<String, Store>,
    brands: &Brands,
) -> Result<(), UpsertError> {
    let mut rule = Errors::default();
    let existing_keys: Vec<i64> = existing.values().map(|s| s.id).collect();
    let overrides: Vec<ScheduledOverride> = if existing_keys.is_empty() {
        Vec::new()
    } else {
        store_scheduled_overrides::table
            .filter(store_scheduled_overrides::merchant_id.eq(merchant_id))
            .filter(store_scheduled_overrides::store_id.eq_any(&existing_keys))
            .filter(store_scheduled_overrides::ends_at.gt(diesel::dsl::now))
            .select(ScheduledOverride::as_select())
            .load(conn)
            .await?
    };
    for (i, s) in inputs.iter().enumerate() {
        let Some(old) = existing.get(&s.id) else {
            continue;
        };
        if let Some(h) = header {
            let current = old
                .brand_id
                .and_then(|b| brands.by_id.get(&b).map(String::as_str));
            if current != Some(h) {
                rule.add(
                    &store_path(i).key("id"),
                    code::BRAND_MISMATCH,
                    format!("Store {} does not belong to brand {h}", s.id),
                );
                continue;
            }
        }
        let changed = changed_fields(s, old, brands.target(s, header));
        for o in overrides.iter().filter(|o| o.store_id == old.id) {
            if let Some(f) = changed.iter().find(|f| overlaps(&o.field, f)) {
                rule.add(
                    &store_path(i).key(f.split('.').next().unwrap_or(f).to_owned()),
                    code::SCHEDULED_OVERRIDE_CONFLICT,
                    format!(
                        "A scheduled override of {} until {} conflicts with this change",
                        o.field,
                        o.ends_at.to_rfc3339()
                    ),
                );
            }
        }
    }
    if !rule.is_empty() {
        return Err(UpsertError::Rule(rule.0));
    }
    Ok(())
}

/// Inserts the new stores and updates the existing ones. Returns every store's key by external
/// id, and how many were created.
async fn write_stores(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    header: Option<&str>,
    inputs: &[StoreInput],
    existing: &HashMap<String, Store>,
    brands: &Brands,
) -> Result<(HashMap<String, i64>, usize), UpsertError> {
    let now = Utc::now();
    let mut key_of: HashMap<String, i64> = existing
        .values()
        .map(|s| (s.external_id.clone(), s.id))
        .collect();
    let new_rows: Vec<NewStore> = inputs
        .iter()
        .filter(|s| !existing.contains_key(&s.id))
        .map(|s| NewStore::from_input(merchant_id, s, brands.target(s, header)))
        .collect();
    let created = new_rows.len();
    for chunk in new_rows.chunks(CHUNK) {
        let keys: Vec<(String, i64)> = diesel::insert_into(stores::table)
            .values(chunk)
            .returning((stores::external_id, stores::id))
            .get_results(conn)
            .await?;
        key_of.extend(keys);
    }
    for s in inputs.iter().filter(|s| existing.contains_key(&s.id)) {
        let changes = StoreChanges::from_input(s, brands.target(s, header), now);
        diesel::update(stores::table)
            .filter(stores::merchant_id.eq(merchant_id))
            .filter(stores::external_id.eq(&s.id))
            .set(&changes)
            .execute(conn)
            .await?;
    }
    Ok((key_of, created))
}

/// Replaces the channels of every element that sends `channels` (delete + insert). Returns the
/// new channel rows' keys by (store key, channel code).
async fn replace_channels(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    inputs: &[StoreInput],
    key: &impl Fn(&StoreInput) -> Result<i64, Error>,
) -> Result<HashMap<(i64, String), i64>, UpsertError> {
    let mut replaced = Vec::new();
    let mut channel_rows = Vec::new();
    for s in inputs.iter() {
        let Some(chs) = &s.channels else { continue };
        let store_id = key(s)?;
        replaced.push(store_id);
        for (code_key, ch) in chs {
            channel_rows.push((
                store_channels::merchant_id.eq(merchant_id),
                store_channels::store_id.eq(store_id),
                store_channels::channel_code.eq(code_key.clone()),
                store_channels::external_id.eq(ch.id.clone()),
                store_channels::uid.eq(ch.uid),
                store_channels::name.eq(ch.name.clone()),
            ));
        }
    }
    if !replaced.is_empty() {
        diesel::delete(store_channels::table)
            .filter(store_channels::merchant_id.eq(merchant_id))
            .filter(store_channels::store_id.eq_any(&replaced))
            .execute(conn)
            .await?;
    }
    let mut channel_id: HashMap<(i64, String), i64> = HashMap::new();
    for chunk in channel_rows.chunks(CHUNK) {
        let rows: Vec<(i64, String, i64)> = diesel::insert_into(store_channels::table)
            .values(chunk)
            .returning((
                store_channels::store_id,
                store_channels::channel_code,
                store_channels::id,
            ))
            .get_results(conn)
            .await?;
        channel_id.extend(rows.into_iter().map(|(s, c, id)| ((s, c), id)));
    }
    Ok(channel_id)
}

/// Inserts the fulfillments of the replaced channels. Returns their keys by (channel key,
/// fulfillment type).
async fn insert_fulfillments(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    inputs: &[StoreInput],
    key: &impl Fn(&StoreInput) -> Result<i64, Error>,
    channel_id: &HashMap<(i64, String), i64>,
) -> Result<HashMap<(i64, String), i64>, UpsertError> {
    let mut fulfillment_rows = Vec::new();
    for s in inputs.iter() {
        let Some(chs) = &s.channels else { continue };
        let store_id = key(s)?;
        for (code_key, ch) in chs {
            let parent = channel_id
                .get(&(store_id, code_key.clone()))
                .copied()
                .ok_or(Error::Internal)?;
            for (kind, f) in &ch.fulfillment {
                let a = &f.availability;
                fulfillment_rows.push(NewFulfillment {
                    merchant_id,
                    store_channel_id: parent,
                    fulfillment_type: kind.clone(),
                    external_id: f.id.clone(),
                    uid: f.uid,
                    name: f.name.clone(),
                    instructions: f.instructions.as_ref().map(to_json),
                    is_tax_inclusive: f.pricing.is_tax_inclusive.unwrap_or(false),
                    minimum_order_value: f.pricing.minimum_order_value,
                    maximum_order_value: f.pricing.maximum_order_value,
                    tax_rate: f.pricing.tax_rate,
                    availability_status: a.status.clone(),
                    schedules: a.schedules.as_ref().map(to_json),
                    temporary_closed_reason: a.temporary_closed_reason.as_ref().map(to_json),
                    temporary_closed_until: a.temporary_closed_until.map(|t| t.with_timezone(&Utc)),
                });
            }
        }
    }
    let mut fulfillment_id: HashMap<(i64, String), i64> = HashMap::new();
    for chunk in fulfillment_rows.chunks(CHUNK) {
        let rows: Vec<(i64, String, i64)> = diesel::insert_into(store_fulfillments::table)
            .values(chunk)
            .returning((
                store_fulfillments::store_channel_id,
                store_fulfillments::fulfillment_type,
                store_fulfillments::id,
            ))
            .get_results(conn)
            .await?;
        fulfillment_id.extend(rows.into_iter().map(|(c, t, id)| ((c, t), id)));
    }
    Ok(fulfillment_id)
}

/// Inserts the fees and coverage zones of the new fulfillments, in the order sent.
async fn insert_fees_and_zones(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    inputs: &[StoreInput],
    key: &impl Fn(&StoreInput) -> Result<i64, Error>,
    channel_id: &HashMap<(i64, String), i64>,
    fulfillment_id: &HashMap<(i64, String), i64>,
) -> Result<(), UpsertError> {
    let mut fee_rows = Vec::new();
    let mut zone_rows = Vec::new();
    for s in inputs.iter() {
        let Some(chs) = &s.channels else { continue };
        let store_id = key(s)?;
        for (code_key, ch) in chs {
            let parent = channel_id
                .get(&(store_id, code_key.clone()))
                .copied()
                .ok_or(Error::Internal)?;
            for (kind, f) in &ch.fulfillment {
                let fid = fulfillment_id
                    .get(&(parent, kind.clone()))
                    .copied()
                    .ok_or(Error::Internal)?;
                for (pos, fee) in f.pricing.fees.iter().enumerate() {
                    fee_rows.push((
                        store_fulfillment_fees::merchant_id.eq(merchant_id),
                        store_fulfillment_fees::fulfillment_id.eq(fid),
                        store_fulfillment_fees::position.eq(pos as i32),
                        store_fulfillment_fees::external_id.eq(fee.id.clone()),
                        store_fulfillment_fees::fee_type.eq(fee.kind.clone()),
                        store_fulfillment_fees::tax_inclusive.eq(fee.tax_inclusive),
                        store_fulfillment_fees::name.eq(to_json(&fee.name)),
                        store_fulfillment_fees::amount.eq(fee.amount),
                        store_fulfillment_fees::percentage.eq(fee.percentage),
                    ));
                }
                for (pos, z) in f.coverage_zones.iter().enumerate() {
                    let r = z.radius_info.as_ref().filter(|_| z.kind == "RADIUS");
                    let poly = z.polygon_info.as_ref().filter(|_| z.kind == "POLYGON");
                    zone_rows.push((
                        store_coverage_zones::merchant_id.eq(merchant_id),
                        store_coverage_zones::fulfillment_id.eq(fid),
                        store_coverage_zones::position.eq(pos as i32),
                        store_coverage_zones::name.eq(z.name.clone()),
                        store_coverage_zones::zone_type.eq(z.kind.clone()),
                        store_coverage_zones::center_latitude.eq(r.map(|r| r.latitude)),
                        store_coverage_zones::center_longitude.eq(r.map(|r| r.longitude)),
                        store_coverage_zones::radius_meters.eq(r.map(|r| r.radius)),
                        store_coverage_zones::polygon.eq(poly.map(|p| to_json(&p.polygon))),
                    ));
                }
            }
        }
    }
    for chunk in fee_rows.chunks(CHUNK) {
        diesel::insert_into(store_fulfillment_fees::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    for chunk in zone_rows.chunks(CHUNK) {
        diesel::insert_into(store_coverage_zones::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Replaces the payment methods of every element that sends `payments.methods` (delete +
/// insert). Returns the new methods' keys by (store key, position).
async fn replace_payment_methods(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    inputs: &[StoreInput],
    key: &impl Fn(&StoreInput) -> Result<i64, Error>,
) -> Result<HashMap<(i64, i32), i64>, UpsertError> {
    let mut replaced = Vec::new();
    let mut method_rows = Vec::new();
    for s in inputs.iter() {
        let Some(methods) = s.payments.as_ref().and_then(|p| p.methods.as_ref()) else {
            continue;
        };
        let store_id = key(s)?;
        replaced.push(store_id);
        for (pos, m) in methods.iter().enumerate() {
            method_rows.push((
                store_payment_methods::merchant_id.eq(merchant_id),
                store_payment_methods::store_id.eq(store_id),
                store_payment_methods::position.eq(pos as i32),
                store_payment_methods::method.eq(m.method.clone()),
                store_payment_methods::minimum_order_value.eq(m.minimum_order_value),
                store_payment_methods::maximum_order_value.eq(m.maximum_order_value),
            ));
        }
    }
    if !replaced.is_empty() {
        diesel::delete(store_payment_methods::table)
            .filter(store_payment_methods::merchant_id.eq(merchant_id))
            .filter(store_payment_methods::store_id.eq_any(&replaced))
            .execute(conn)
            .await?;
    }
    let mut method_id: HashMap<(i64, i32), i64> = HashMap::new();
    for chunk in method_rows.chunks(CHUNK) {
        let rows: Vec<(i64, i32, i64)> = diesel::insert_into(store_payment_methods::table)
            .values(chunk)
            .returning((
                store_payment_methods::store_id,
                store_payment_methods::position,
                store_payment_methods::id,
            ))
            .get_results(conn)
            .await?;
        method_id.extend(rows.into_iter().map(|(s, p, id)| ((s, p), id)));
    }
    Ok(method_id)
}

/// Inserts the providers of the new payment methods, in the order sent.
async fn insert_payment_providers(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    inputs: &[StoreInput],
    key: &impl Fn(&StoreInput) -> Result<i64, Error>,
    method_id: &HashMap<(i64, i32), i64>,
) -> Result<(), UpsertError> {
    let mut provider_rows = Vec::new();
    for s in inputs.iter() {
        let Some(methods) = s.payments.as_ref().and_then(|p| p.methods.as_ref()) else {
            continue;
        };
        let store_id = key(s)?;
        for (pos, m) in methods.iter().enumerate() {
            let mid = method_id
                .get(&(store_id, pos as i32))
                .copied()
                .ok_or(Error::Internal)?;
            for (ppos, p) in m.providers.iter().enumerate() {
                provider_rows.push((
                    store_payment_providers::merchant_id.eq(merchant_id),
                    store_payment_providers::payment_method_id.eq(mid),
                    store_payment_providers::position.eq(ppos as i32),
                    store_payment_providers::provider_uid.eq(p.id),
                    store_payment_providers::name.eq(p.name.clone()),
                    store_payment_providers::status.eq(p.status.clone()),
                ));
            }
        }
    }
    for chunk in provider_rows.chunks(CHUNK) {
        diesel::insert_into(store_payment_providers::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    Ok(())
}
