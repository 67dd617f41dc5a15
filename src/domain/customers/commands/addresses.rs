//! Customer address writes: create, update, delete. The rules mirror the `addresses` table
//! (lengths, required address1/city/country, ISO 3166-1 alpha-2 upper-case country code). A
//! customer has at most one default billing and one default shipping address: setting the flag
//! on one clears it on the others in the same transaction. Every write to a customer's addresses
//! first locks the customer row, so two concurrent default changes cannot both win.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::savepoint::{self, Violation};
use crate::db::sql::{Bind, Sql};
use crate::domain::customers::models::Address;
use crate::domain::validate::{code, Errors, Patch, Path};
use crate::domain::write::{self, IdRow, Single};
use crate::error::Result;
use crate::ids::Kind;

/// The fields of an address to create or change. For an update, `None`/`Keep` leave a field.
#[derive(Debug, Clone, Default)]
pub struct AddressInput {
    pub first_name: Patch<String>,
    pub last_name: Patch<String>,
    pub company: Patch<String>,
    pub address1: Option<String>,
    pub address2: Patch<String>,
    pub city: Option<String>,
    pub zipcode: Patch<String>,
    pub state_name: Patch<String>,
    pub country_code: Option<String>,
    pub phone: Patch<String>,
    pub is_default_billing: Option<bool>,
    pub is_default_shipping: Option<bool>,
}

/// A validated address, the full new value of every column.
#[derive(Debug, Clone)]
pub struct Fields {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address1: String,
    pub address2: Option<String>,
    pub city: String,
    pub zipcode: Option<String>,
    pub state_name: Option<String>,
    pub country_code: String,
    pub phone: Option<String>,
    pub is_default_billing: bool,
    pub is_default_shipping: bool,
}

/// Two ASCII upper-case letters, as the table's CHECK wants (`EC`, `US`).
pub fn is_country_code(s: &str) -> bool {
    s.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase())
}

fn validate(
    errors: &mut Errors,
    root: &Path,
    input: &AddressInput,
    current: Option<&Address>,
) -> Fields {
    let opt = |errors: &mut Errors,
               name: &'static str,
               p: &Patch<String>,
               cur: Option<&Option<String>>,
               max| {
        write::optional_text(errors, &root.key(name), p, cur.cloned().flatten(), max)
    };
    let country_path = root.key("country_code");
    let country_code = match (&input.country_code, current) {
        (Some(c), _) => {
            let c = c.trim();
            if c.is_empty() {
                errors.add(&country_path, code::REQUIRED, "is required");
            } else if !is_country_code(c) {
                errors.add(
                    &country_path,
                    code::INVALID,
                    "must be an ISO 3166-1 alpha-2 code in upper case, such as EC",
                );
            }
            c.to_owned()
        }
        (None, Some(a)) => a.country_code.clone(),
        (None, None) => {
            errors.add(&country_path, code::REQUIRED, "is required");
            String::new()
        }
    };
    Fields {
        first_name: opt(
            errors,
            "first_name",
            &input.first_name,
            current.map(|a| &a.first_name),
            100,
        ),
        last_name: opt(
            errors,
            "last_name",
            &input.last_name,
            current.map(|a| &a.last_name),
            100,
        ),
        company: opt(
            errors,
            "company",
            &input.company,
            current.map(|a| &a.company),
            100,
        ),
        address1: write::required_text(
            errors,
            &root.key("address1"),
            input.address1.as_deref(),
            current.map(|a| a.address1.as_str()),
            255,
        ),
        address2: opt(
            errors,
            "address2",
            &input.address2,
            current.map(|a| &a.address2),
            255,
        ),
        city: write::required_text(
            errors,
            &root.key("city"),
            input.city.as_deref(),
            current.map(|a| a.city.as_str()),
            100,
        ),
        zipcode: opt(
            errors,
            "zipcode",
            &input.zipcode,
            current.map(|a| &a.zipcode),
            20,
        ),
        state_name: opt(
            errors,
            "state_name",
            &input.state_name,
            current.map(|a| &a.state_name),
            100,
        ),
        country_code,
        phone: opt(errors, "phone", &input.phone, current.map(|a| &a.phone), 32),
        is_default_billing: input
            .is_default_billing
            .unwrap_or(current.is_some_and(|a| a.is_default_billing)),
        is_default_shipping: input
            .is_default_shipping
            .unwrap_or(current.is_some_and(|a| a.is_default_shipping)),
    }
}

/// Validates a whole new address (fields under `root`) by the rules of a customer's address
/// book: what an order's billing and shipping addresses are checked with too.
pub fn validate_new(errors: &mut Errors, root: &Path, input: &AddressInput) -> Fields {
    validate(errors, root, input, None)
}

fn binds(f: Fields) -> Vec<Bind> {
    vec![
        Bind::OptText(f.first_name),
        Bind::OptText(f.last_name),
        Bind::OptText(f.company),
        Bind::Text(f.address1),
        Bind::OptText(f.address2),
        Bind::Text(f.city),
        Bind::OptText(f.zipcode),
        Bind::OptText(f.state_name),
        Bind::Text(f.country_code),
        Bind::OptText(f.phone),
        Bind::Bool(f.is_default_billing),
        Bind::Bool(f.is_default_shipping),
    ]
}

/// Clears the default flags that `address` (0 for a new one) takes over on the customer's other
/// addresses.
async fn clear_defaults(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    customer_id: i64,
    address: i64,
    billing: bool,
    shipping: bool,
) -> std::result::Result<(), savepoint::Failure> {
    if !billing && !shipping {
        return Ok(());
    }
    Sql::with_binds(
        "UPDATE addresses SET is_default_billing = is_default_billing AND NOT $3, \
                is_default_shipping = is_default_shipping AND NOT $4, updated_at = now() \
         WHERE merchant_id = $1 AND customer_id = $2 AND id <> $5 \
           AND (($3 AND is_default_billing) OR ($4 AND is_default_shipping))",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(customer_id),
            Bind::Bool(billing),
            Bind::Bool(shipping),
            Bind::I64(address),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}

/// The field error for a constraint the database still refused (a race the locks should
/// prevent; never an INTERNAL).
fn violation(root: &Path, v: &Violation) -> Vec<crate::domain::validate::FieldError> {
    let mut errors = Errors::default();
    match v.constraint() {
        "addresses_one_default_billing" => errors.add(
            &root.key("is_default_billing"),
            code::CONFLICT,
            "another address became the default meanwhile; retry",
        ),
        "addresses_one_default_shipping" => errors.add(
            &root.key("is_default_shipping"),
            code::CONFLICT,
            "another address became the default meanwhile; retry",
        ),
        _ => errors.add(
            &Path::field("customer_id"),
            code::NOT_FOUND,
            "no such customer",
        ),
    }
    errors.0
}

/// Creates an address for a customer of the merchant. Must run inside a transaction.
pub async fn create(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    customer_id: &str,
    input: &AddressInput,
) -> Result<Single> {
    let root = Path::input();
    let mut errors = Errors::default();
    let customer_path = Path::field("customer_id");
    let customer = write::decode(&mut errors, &customer_path, Kind::Customer, customer_id);
    let fields = validate(&mut errors, &root, input, None);
    let Some(customer) = customer else {
        return Ok(Err(errors.0));
    };
    // Locks the customer: address writes of one customer run one at a time.
    let found: Vec<IdRow> = Sql::with_binds(
        "SELECT id FROM customers WHERE merchant_id = $1 AND id = $2 FOR NO KEY UPDATE",
        vec![Bind::I64(merchant_id), Bind::I64(customer)],
    )
    .into_query()
    .load(conn)
    .await?;
    if found.is_empty() {
        errors
            .0
            .push(write::not_found(&customer_path, Kind::Customer));
    }
    if let Err(e) = write::finish(errors) {
        return Ok(Err(e));
    }
    let (billing, shipping) = (fields.is_default_billing, fields.is_default_shipping);
    let mut all = vec![Bind::I64(merchant_id), Bind::I64(customer)];
    all.extend(binds(fields));
    let written = savepoint::attempt(conn, async |c| {
        clear_defaults(c, merchant_id, customer, 0, billing, shipping).await?;
        let ids: Vec<IdRow> = Sql::with_binds(
            "INSERT INTO addresses (merchant_id, customer_id, first_name, last_name, company, address1, \
                 address2, city, zipcode, state_name, country_code, phone, is_default_billing, is_default_shipping) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            all,
        )
        .into_query()
        .load(c)
        .await?;
        Ok(ids.into_iter().next().map(|r| r.id))
    })
    .await?;
    match written {
        Ok(Some(id)) => Ok(Ok(id)),
        Ok(None) => Err(crate::error::Error::internal(
            "inserted address not returned",
        )),
        Err(v) => Ok(Err(violation(&root, &v))),
    }
}

/// Loads an address of the merchant and locks it together with its customer.
async fn lock(conn: &mut AsyncPgConnection, merchant_id: i64, id: i64) -> Result<Option<Address>> {
    let rows: Vec<Address> = Sql::with_binds(
        "SELECT a.* FROM addresses a \
         JOIN customers c ON c.merchant_id = a.merchant_id AND c.id = a.customer_id \
         WHERE a.merchant_id = $1 AND a.id = $2 FOR NO KEY UPDATE OF a, c",
        vec![Bind::I64(merchant_id), Bind::I64(id)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next())
}

/// The customer key an `owner` ID names; `None` for an ID that is not a customer's (no address
/// belongs to it).
fn owner_key(owner: &str) -> Option<i64> {
    crate::ids::decode(Kind::Customer, owner).ok()
}

/// Changes an address; omitted fields keep their values. `expected_updated_at` refuses the change
/// with CONFLICT when the address changed since. With `owner` (a customer's ID), an address of
/// another customer is NOT_FOUND. Must run inside a transaction.
pub async fn update(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    owner: Option<&str>,
    input: &AddressInput,
    expected_updated_at: Option<DateTime<Utc>>,
) -> Result<Single> {
    let root = Path::input();
    let id_path = Path::field("id");
    let mut errors = Errors::default();
    let Some(key) = write::decode(&mut errors, &id_path, Kind::Address, id) else {
        return Ok(Err(errors.0));
    };
    let Some(current) = lock(conn, merchant_id, key).await? else {
        return Ok(Err(vec![write::not_found(&id_path, Kind::Address)]));
    };
    if owner.is_some_and(|o| owner_key(o) != Some(current.customer_id)) {
        return Ok(Err(vec![write::not_found(&id_path, Kind::Address)]));
    }
    write::check_unchanged(
        &mut errors,
        &Path::field("expected_updated_at"),
        "address",
        expected_updated_at,
        current.updated_at,
    );
    let fields = validate(&mut errors, &root, input, Some(&current));
    if let Err(e) = write::finish(errors) {
        return Ok(Err(e));
    }
    // Only a flag turned on takes it away from the other addresses.
    let billing = fields.is_default_billing && !current.is_default_billing;
    let shipping = fields.is_default_shipping && !current.is_default_shipping;
    let mut all = vec![Bind::I64(merchant_id), Bind::I64(key)];
    all.extend(binds(fields));
    let written = savepoint::attempt(conn, async |c| {
        clear_defaults(c, merchant_id, current.customer_id, key, billing, shipping).await?;
        Sql::with_binds(
            "UPDATE addresses SET first_name = $3, last_name = $4, company = $5, address1 = $6, \
                 address2 = $7, city = $8, zipcode = $9, state_name = $10, country_code = $11, phone = $12, \
                 is_default_billing = $13, is_default_shipping = $14, updated_at = now() \
             WHERE merchant_id = $1 AND id = $2",
            all,
        )
        .into_query()
        .execute(c)
        .await?;
        Ok(())
    })
    .await?;
    Ok(match written {
        Ok(()) => Ok(key),
        Err(v) => Err(violation(&root, &v)),
    })
}

/// Deletes an address. A default address leaves the customer without that default. With
/// `owner` (a customer's ID), an address of another customer is NOT_FOUND.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    owner: Option<&str>,
) -> Result<Single> {
    let id_path = Path::field("id");
    let mut errors = Errors::default();
    let Some(key) = write::decode(&mut errors, &id_path, Kind::Address, id) else {
        return Ok(Err(errors.0));
    };
    let sql = match owner {
        None => Sql::with_binds(
            "DELETE FROM addresses WHERE merchant_id = $1 AND id = $2 RETURNING id",
            vec![Bind::I64(merchant_id), Bind::I64(key)],
        ),
        // -1 matches no customer: an owner ID that is not a customer's owns nothing.
        Some(o) => Sql::with_binds(
            "DELETE FROM addresses WHERE merchant_id = $1 AND id = $2 AND customer_id = $3 RETURNING id",
            vec![
                Bind::I64(merchant_id),
                Bind::I64(key),
                Bind::I64(owner_key(o).unwrap_or(-1)),
            ],
        ),
    };
    let deleted: Vec<IdRow> = sql.into_query().load(conn).await?;
    Ok(if deleted.is_empty() {
        Err(vec![write::not_found(&id_path, Kind::Address)])
    } else {
        Ok(key)
    })
}
