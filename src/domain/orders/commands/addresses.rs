//! An order's billing and shipping addresses: checked by the rules of a customer's address book
//! (`customers::commands::addresses::validate_new`), written by the order's create or update in
//! its transaction, both kinds in one statement (`addresses.sql`). An order's address is a copy:
//! given whole, copied from one of the customer's saved addresses named by its ID, or copied
//! from the customer's default billing / shipping address.

use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use crate::db::sql::{Bind, Sql};
use crate::domain::customers::commands::addresses::{validate_new, AddressInput, Fields};
use crate::domain::validate::{code, Errors, Patch, Path};
use crate::domain::write::IdRow;
use crate::error::Result;
use crate::ids::{self, Kind};

/// A whole address for an order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OrderAddressInput {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address1: String,
    pub address2: Option<String>,
    pub city: String,
    pub zipcode: Option<String>,
    /// Free-text state or province (Spree's `state_abbr` or `state_name`).
    pub state_name: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country_code: String,
    pub phone: Option<String>,
}

/// The two kinds, as stored.
pub const BILLING: &str = "billing";
pub const SHIPPING: &str = "shipping";

/// Checks `input` at `path` (`billing_address`); the columns to write.
pub(super) fn check(errors: &mut Errors, path: &Path, input: &OrderAddressInput) -> Fields {
    let set = |v: &Option<String>| v.clone().map(Patch::Set).unwrap_or_default();
    validate_new(
        errors,
        path,
        &AddressInput {
            first_name: set(&input.first_name),
            last_name: set(&input.last_name),
            company: set(&input.company),
            address1: Some(input.address1.clone()),
            address2: set(&input.address2),
            city: Some(input.city.clone()),
            zipcode: set(&input.zipcode),
            state_name: set(&input.state_name),
            country_code: Some(input.country_code.clone()),
            phone: set(&input.phone),
            is_default_billing: None,
            is_default_shipping: None,
        },
    )
}

/// Checks a patched address (`Keep`, `Clear`, or `Set` a whole new one).
pub(super) fn check_patch(
    errors: &mut Errors,
    path: &Path,
    p: &Patch<OrderAddressInput>,
) -> Patch<Fields> {
    match p {
        Patch::Keep => Patch::Keep,
        Patch::Clear => Patch::Clear,
        Patch::Set(a) => Patch::Set(check(errors, path, a)),
    }
}

/// The saved address (`addr_…`) a new order's `field` (`billing_address_id`) names, decoded;
/// INVALID when the address itself (`whole`, `billing_address`) is given too.
pub(super) fn pick(
    errors: &mut Errors,
    root: &Path,
    field: &'static str,
    id: Option<&str>,
    whole_given: bool,
) -> Option<i64> {
    let id = id?;
    let path = root.key(field);
    if whole_given {
        let whole = field.trim_end_matches("_id");
        errors.add(
            &path,
            code::INVALID,
            format!("give either {whole} or {field}, not both"),
        );
        return None;
    }
    ids::decode(Kind::Address, id)
        .map_err(|e| errors.add(&path, code::INVALID, e.to_string()))
        .ok()
}

/// Checks that each picked address (`(field, id)`) is one of `customer`'s saved addresses
/// (NOT_FOUND otherwise: another customer's, another merchant's, or deleted) and locks them
/// until the transaction ends, so the copy reads what was checked. One statement.
pub(super) async fn check_saved(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    customer: i64,
    errors: &mut Errors,
    root: &Path,
    picks: &[(&'static str, i64)],
) -> Result<()> {
    let found: Vec<IdRow> = Sql::with_binds(
        "SELECT id FROM addresses WHERE merchant_id = $1 AND customer_id = $2 AND id = ANY($3) \
         FOR SHARE",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(customer),
            Bind::I64s(picks.iter().map(|(_, id)| *id).collect()),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    for &(field, id) in picks {
        if !found.iter().any(|r| r.id == id) {
            errors.add(
                &root.key(field),
                code::NOT_FOUND,
                "is not one of the customer's saved addresses",
            );
        }
    }
    Ok(())
}

/// What to write of an order's addresses.
pub(super) struct Write<'a> {
    pub(super) billing: &'a Patch<Fields>,
    pub(super) shipping: &'a Patch<Fields>,
    /// A saved address (checked with [`check_saved`]) copied as the billing address.
    pub(super) billing_saved: Option<i64>,
    /// A saved address copied as the shipping address.
    pub(super) shipping_saved: Option<i64>,
    /// The customer whose default addresses fill the kinds left `Keep` and not picked (a new
    /// order with `use_customer_default_addresses`).
    pub(super) copy_defaults_of: Option<i64>,
}

impl Write<'_> {
    fn is_empty(&self) -> bool {
        matches!(self.billing, Patch::Keep)
            && matches!(self.shipping, Patch::Keep)
            && self.billing_saved.is_none()
            && self.shipping_saved.is_none()
            && self.copy_defaults_of.is_none()
    }
}

/// Writes the order's addresses (one statement; nothing when there is nothing to write).
pub(super) async fn save(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: i64,
    w: &Write<'_>,
) -> Result<()> {
    if w.is_empty() {
        return Ok(());
    }
    let mut kinds = Vec::new();
    let mut keep = Vec::new();
    let mut rows: Vec<Option<&Fields>> = Vec::new();
    let mut copy = Vec::new();
    let mut picked_kinds = Vec::new();
    let mut picked = Vec::new();
    for (kind, p, saved) in [
        (BILLING, w.billing, w.billing_saved),
        (SHIPPING, w.shipping, w.shipping_saved),
    ] {
        match (p, saved) {
            (Patch::Keep, Some(address)) => {
                picked_kinds.push(kind.to_owned());
                picked.push(address);
            }
            (Patch::Keep, None) => copy.push(kind.to_owned()),
            (Patch::Clear, _) => {
                kinds.push(kind.to_owned());
                keep.push(false);
                rows.push(None);
            }
            (Patch::Set(f), _) => {
                kinds.push(kind.to_owned());
                keep.push(true);
                rows.push(Some(f));
            }
        }
    }
    let col = |get: fn(&Fields) -> Option<String>| -> Bind {
        Bind::OptTexts(rows.iter().map(|r| r.and_then(get)).collect())
    };
    let binds = vec![
        Bind::I64(merchant_id),
        Bind::I64(order_id),
        Bind::Texts(kinds.clone()),
        Bind::Bools(keep.clone()),
        col(|f| f.first_name.clone()),
        col(|f| f.last_name.clone()),
        col(|f| f.company.clone()),
        col(|f| Some(f.address1.clone())),
        col(|f| f.address2.clone()),
        col(|f| Some(f.city.clone())),
        col(|f| f.zipcode.clone()),
        col(|f| f.state_name.clone()),
        col(|f| Some(f.country_code.clone())),
        col(|f| f.phone.clone()),
        Bind::I64(w.copy_defaults_of.unwrap_or(0)),
        Bind::Texts(if w.copy_defaults_of.is_some() {
            copy
        } else {
            Vec::new()
        }),
        Bind::Texts(picked_kinds),
        Bind::I64s(picked),
    ];
    Sql::with_binds(include_str!("addresses.sql"), binds)
        .into_query()
        .execute(conn)
        .await?;
    Ok(())
}
