//! The Fire spark integrations store upsert (`PUT /api/integrations/v1/stores`, GraphQL
//! `storesUpsert`): create or update a merchant's stores by their external `id`, in one
//! transaction — nothing is written when anything fails.
//!
//! Rules, beyond the field constraints of [`super::check`]:
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

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use super::check;
use super::config::ScheduledOverride;
use super::input::StoreInput;
use super::Store;
use crate::db::schema::{
    brands, cms_templates, store_channels, store_coverage_zones, store_fulfillment_fees,
    store_fulfillments, store_payment_methods, store_payment_providers, store_scheduled_overrides,
    stores,
};
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

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = sql_types::Text)]
    name: String,
}

async fn write(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    header: Option<&str>,
    inputs: Vec<StoreInput>,
) -> Result<UpsertOutcome, UpsertError> {
    // ---------------------------------------------------------------- 422: duplicates
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

    // ---------------------------------------------------------------- existing rows, locked
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

    // ---------------------------------------------------------------- 400 needing the database
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

    // ---------------------------------------------------------------- brands
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
    let brand_by_ext: HashMap<&str, i64> =
        brand_rows.iter().map(|(id, e)| (e.as_str(), *id)).collect();
    let brand_by_id: HashMap<i64, &str> =
        brand_rows.iter().map(|(id, e)| (*id, e.as_str())).collect();

    // ---------------------------------------------------------------- 422: brand scope, overrides
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
    // The brand each element ends up with (None = keep / none).
    let target_brand = |s: &StoreInput| -> Option<i64> {
        s.brand_id
            .clone()
            .flatten()
            .or_else(|| header.map(str::to_owned))
            .and_then(|b| brand_by_ext.get(b.as_str()).copied())
    };
    for (i, s) in inputs.iter().enumerate() {
        let Some(old) = existing.get(&s.id) else {
            continue;
        };
        if let Some(h) = header {
            let current = old.brand_id.and_then(|b| brand_by_id.get(&b).copied());
            if current != Some(h) {
                rule.add(
                    &store_path(i).key("id"),
                    code::BRAND_MISMATCH,
                    format!("Store {} does not belong to brand {h}", s.id),
                );
                continue;
            }
        }
        let changed = changed_fields(s, old, target_brand(s));
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

    // ---------------------------------------------------------------- stores
    let now = Utc::now();
    let mut key_of: HashMap<String, i64> = existing
        .values()
        .map(|s| (s.external_id.clone(), s.id))
        .collect();
    let new_rows: Vec<NewStore> = inputs
        .iter()
        .filter(|s| !existing.contains_key(&s.id))
        .map(|s| NewStore::from_input(merchant_id, s, target_brand(s)))
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
        let changes = StoreChanges::from_input(s, target_brand(s), now);
        diesel::update(stores::table)
            .filter(stores::merchant_id.eq(merchant_id))
            .filter(stores::external_id.eq(&s.id))
            .set(&changes)
            .execute(conn)
            .await?;
    }
    let key = |s: &StoreInput| key_of.get(&s.id).copied().ok_or(Error::Internal);

    // ---------------------------------------------------------------- channels
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

    // ---------------------------------------------------------------- payments
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

    Ok(UpsertOutcome {
        created,
        updated: inputs.len() - created,
    })
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Whether override field `a` and changed field `b` touch the same data.
fn overlaps(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}.")) || b.starts_with(&format!("{a}."))
}

/// The dotted fields an element changes on `old` (see the module documentation).
fn changed_fields(s: &StoreInput, old: &Store, brand: Option<i64>) -> Vec<String> {
    let mut out = Vec::new();
    let mut diff = |name: &str, changed: bool| {
        if changed {
            out.push(name.to_owned());
        }
    };
    diff("name", s.name.as_ref().is_some_and(|v| *v != old.name));
    diff(
        "status",
        s.status.as_ref().is_some_and(|v| *v != old.status),
    );
    diff(
        "timezone",
        s.timezone.as_ref().is_some_and(|v| *v != old.timezone),
    );
    diff("brand_id", brand.is_some_and(|b| Some(b) != old.brand_id));
    diff(
        "cms_template_id",
        s.cms_template_id.is_some_and(|v| v != old.cms_template_id),
    );
    diff(
        "contact",
        s.contact.as_ref().is_some_and(|c| {
            Some(&c.email) != old.contact_email.as_ref()
                || Some(&c.phone) != old.contact_phone.as_ref()
                || c.name != old.contact_name
        }),
    );
    diff(
        "location",
        s.location.as_ref().is_some_and(|l| {
            !same_decimal(l.latitude, old.latitude)
                || !same_decimal(l.longitude, old.longitude)
                || Some(&l.address_line_1) != old.address_line_1.as_ref()
                || l.address_line_2 != old.address_line_2
                || Some(&l.city) != old.city.as_ref()
                || Some(&l.country) != old.country.as_ref()
                || Some(&l.postal_code) != old.postal_code.as_ref()
                || Some(&l.business_name) != old.business_name.as_ref()
                || l.unit_number != old.unit_number
        }),
    );
    if let Some(chs) = &s.channels {
        diff("channels", true);
        let _ = chs;
    }
    if let Some(p) = &s.payments {
        diff(
            "payments.orderable",
            p.orderable.is_some_and(|o| o != old.orderable),
        );
        diff("payments.methods", p.methods.is_some());
    }
    out
}

/// Compares at the column's scale (6 decimals).
fn same_decimal(new: Decimal, old: Option<Decimal>) -> bool {
    old.is_some_and(|o| new.round_dp(6) == o.round_dp(6))
}

#[derive(Insertable)]
#[diesel(table_name = stores)]
struct NewStore {
    merchant_id: i64,
    external_id: String,
    brand_id: Option<i64>,
    name: String,
    status: Option<String>,
    timezone: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    contact_name: Option<String>,
    latitude: Option<Decimal>,
    longitude: Option<Decimal>,
    address_line_1: Option<String>,
    address_line_2: Option<String>,
    city: Option<String>,
    country: Option<String>,
    postal_code: Option<String>,
    business_name: Option<String>,
    unit_number: Option<String>,
    orderable: Option<bool>,
    cms_template_id: Option<Uuid>,
}

impl NewStore {
    fn from_input(merchant_id: i64, s: &StoreInput, brand_id: Option<i64>) -> Self {
        let c = s.contact.as_ref();
        let l = s.location.as_ref();
        Self {
            merchant_id,
            external_id: s.id.clone(),
            brand_id,
            name: s.name.clone().unwrap_or_default(),
            status: s.status.clone(),
            timezone: s.timezone.clone(),
            contact_email: c.map(|c| c.email.clone()),
            contact_phone: c.map(|c| c.phone.clone()),
            contact_name: c.and_then(|c| c.name.clone()),
            latitude: l.map(|l| l.latitude),
            longitude: l.map(|l| l.longitude),
            address_line_1: l.map(|l| l.address_line_1.clone()),
            address_line_2: l.and_then(|l| l.address_line_2.clone()),
            city: l.map(|l| l.city.clone()),
            country: l.map(|l| l.country.clone()),
            postal_code: l.map(|l| l.postal_code.clone()),
            business_name: l.map(|l| l.business_name.clone()),
            unit_number: l.and_then(|l| l.unit_number.clone()),
            orderable: s.payments.as_ref().and_then(|p| p.orderable),
            cms_template_id: s.cms_template_id.flatten(),
        }
    }
}

/// `None` = keep the column; `Some(None)` = set it to NULL.
#[derive(AsChangeset)]
#[diesel(table_name = stores)]
struct StoreChanges {
    brand_id: Option<Option<i64>>,
    name: Option<String>,
    status: Option<String>,
    timezone: Option<String>,
    contact_email: Option<Option<String>>,
    contact_phone: Option<Option<String>>,
    contact_name: Option<Option<String>>,
    latitude: Option<Option<Decimal>>,
    longitude: Option<Option<Decimal>>,
    address_line_1: Option<Option<String>>,
    address_line_2: Option<Option<String>>,
    city: Option<Option<String>>,
    country: Option<Option<String>>,
    postal_code: Option<Option<String>>,
    business_name: Option<Option<String>>,
    unit_number: Option<Option<String>>,
    orderable: Option<bool>,
    cms_template_id: Option<Option<Uuid>>,
    updated_at: DateTime<Utc>,
}

impl StoreChanges {
    fn from_input(s: &StoreInput, brand_id: Option<i64>, now: DateTime<Utc>) -> Self {
        let c = s.contact.as_ref();
        let l = s.location.as_ref();
        Self {
            brand_id: brand_id.map(Some),
            name: s.name.clone(),
            status: s.status.clone(),
            timezone: s.timezone.clone(),
            contact_email: c.map(|c| Some(c.email.clone())),
            contact_phone: c.map(|c| Some(c.phone.clone())),
            contact_name: c.map(|c| c.name.clone()),
            latitude: l.map(|l| Some(l.latitude)),
            longitude: l.map(|l| Some(l.longitude)),
            address_line_1: l.map(|l| Some(l.address_line_1.clone())),
            address_line_2: l.map(|l| l.address_line_2.clone()),
            city: l.map(|l| Some(l.city.clone())),
            country: l.map(|l| Some(l.country.clone())),
            postal_code: l.map(|l| Some(l.postal_code.clone())),
            business_name: l.map(|l| Some(l.business_name.clone())),
            unit_number: l.map(|l| l.unit_number.clone()),
            orderable: s.payments.as_ref().and_then(|p| p.orderable),
            cms_template_id: s.cms_template_id,
            updated_at: now,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = store_fulfillments)]
struct NewFulfillment {
    merchant_id: i64,
    store_channel_id: i64,
    fulfillment_type: String,
    external_id: String,
    uid: Uuid,
    name: String,
    instructions: Option<Value>,
    is_tax_inclusive: bool,
    minimum_order_value: Option<Decimal>,
    maximum_order_value: Option<Decimal>,
    tax_rate: Option<Decimal>,
    availability_status: String,
    schedules: Option<Value>,
    temporary_closed_reason: Option<Value>,
    temporary_closed_until: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
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
