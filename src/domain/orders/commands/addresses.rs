//! An order's billing and shipping addresses: checked by the rules of a customer's address book
//! (`customers::commands::addresses::validate_new`), written by the order's create or update in
//! its transaction, both kinds in one statement (`addresses.sql`). An order's address is a copy:
//! given whole, or copied from the customer's default billing / shipping address.

use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use crate::db::sql::{Bind, Sql};
use crate::domain::customers::commands::addresses::{validate_new, AddressInput, Fields};
use crate::domain::validate::{Errors, Patch, Path};
use crate::error::Result;

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

/// What to write of an order's addresses.
pub(super) struct Write<'a> {
    pub(super) billing: &'a Patch<Fields>,
    pub(super) shipping: &'a Patch<Fields>,
    /// The customer whose default addresses fill the kinds left `Keep` (a new order with
    /// `use_customer_default_addresses`).
    pub(super) copy_defaults_of: Option<i64>,
}

impl Write<'_> {
    fn is_empty(&self) -> bool {
        matches!(self.billing, Patch::Keep)
            && matches!(self.shipping, Patch::Keep)
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
    for (kind, p) in [(BILLING, w.billing), (SHIPPING, w.shipping)] {
        match p {
            Patch::Keep => copy.push(kind.to_owned()),
            Patch::Clear => {
                kinds.push(kind.to_owned());
                keep.push(false);
                rows.push(None);
            }
            Patch::Set(f) => {
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
    ];
    Sql::with_binds(include_str!("addresses.sql"), binds)
        .into_query()
        .execute(conn)
        .await?;
    Ok(())
}
