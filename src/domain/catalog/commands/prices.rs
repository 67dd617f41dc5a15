//! Base prices given with a variant, nested in product and variant writes (`prices` of
//! `productCreate`, `productUpdate`, `variantCreate`, `variantUpdate`): checked with the
//! variant, then written after it in the same transaction by the price engine
//! ([`prices::upsert_many`], the engine of `pricesUpsert`), upserted by currency. A price
//! without a currency is in the merchant's default currency (its setting). A variant's
//! `compare_at_price` (Spree's scalar) is the compare-at amount of its price in that currency
//! among the ones given.

use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::domain::merchants::settings;
use crate::domain::pricing::commands::prices::{self, check_money, PriceInput};
use crate::domain::pricing::iso;
use crate::domain::validate::{code, ErrorPolicy, Errors, Patch, Path, Segment};
use crate::error::{Error, Result};
use crate::ids::{self, Kind};

/// Most prices one variant is given at once.
pub const MAX_PER_VARIANT: usize = 50;

/// A base price of a variant in one currency.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VariantPrice {
    /// ISO 4217 in upper case; `None`: the merchant's default currency.
    pub currency: Option<String>,
    pub amount: Decimal,
    /// `None` keeps the stored one (none for a new price).
    pub compare_at_amount: Option<Decimal>,
}

/// Checks a variant's prices (at `path`, the list): currencies, amounts, one per currency.
pub fn check(errors: &mut Errors, path: &Path, list: &[VariantPrice]) {
    if list.len() > MAX_PER_VARIANT {
        errors.add(
            path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_PER_VARIANT} prices per variant"),
        );
    }
    let mut seen: Vec<Option<&str>> = Vec::new();
    for (k, p) in list.iter().enumerate() {
        let at = path.index(k);
        if let Some(c) = &p.currency {
            if !iso::is_currency(c) {
                errors.add(
                    &at.key("currency"),
                    code::INVALID,
                    "must be an ISO 4217 currency code in upper case, such as USD",
                );
            }
        }
        if seen.contains(&p.currency.as_deref()) {
            errors.add(
                &at.key("currency"),
                code::DUPLICATE_IN_REQUEST,
                "another price of this variant has this currency",
            );
        }
        seen.push(p.currency.as_deref());
        check_money(errors, &at.key("amount"), p.amount);
        if let Some(c) = p.compare_at_amount {
            let before = errors.0.len();
            check_money(errors, &at.key("compare_at_amount"), c);
            if errors.0.len() == before && c < p.amount {
                errors.add(
                    &at.key("compare_at_amount"),
                    code::OUT_OF_RANGE,
                    "must be at least amount",
                );
            }
        }
    }
}

/// The merchant's default currency when `needed` (a variant of the command has a
/// `compare_at_price`): one statement then, none otherwise.
pub async fn default_currency_if(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    needed: bool,
) -> Result<Option<String>> {
    if needed {
        Ok(Some(settings::default_currency(conn, merchant_id).await?))
    } else {
        Ok(None)
    }
}

/// Checks a variant's `compare_at_price` (at `path`) against its `prices`: its amount, and
/// that it applies to one of them in `default` (the merchant's default currency; a price
/// without a currency is in it), with no other compare-at amount and not below its amount.
pub fn check_compare_at(
    errors: &mut Errors,
    path: &Path,
    compare_at: Option<Decimal>,
    list: &[VariantPrice],
    default: Option<&str>,
) {
    let Some(c) = compare_at else {
        return;
    };
    if !check_money_ok(errors, path, c) {
        return;
    }
    if list.is_empty() {
        errors.add(
            path,
            code::REQUIRED,
            "applies to the price in the shop's default currency among prices: give prices",
        );
        return;
    }
    let Some(default) = default else {
        return;
    };
    if let Err(Error::BadInput {
        path,
        message,
        code,
    }) = with_compare_at(list, &Some((c, path.clone())), Some(default))
    {
        errors.add(&path, code, message);
    }
}

fn check_money_ok(errors: &mut Errors, path: &Path, d: Decimal) -> bool {
    let before = errors.0.len();
    check_money(errors, path, d);
    errors.0.len() == before
}

/// The prices of one written variant, and where its input named them.
pub struct Pending<'a> {
    pub variant_id: i64,
    pub path: Path,
    pub prices: &'a [VariantPrice],
    /// The variant's `compare_at_price`, and where its input named it.
    pub compare_at: Option<(Decimal, Path)>,
}

/// `prices` with `compare_at` applied to the one in `default` currency (a price without a
/// currency is in it), or the refusal naming `compare_at`'s path.
fn with_compare_at(
    prices: &[VariantPrice],
    compare_at: &Option<(Decimal, Path)>,
    default: Option<&str>,
) -> Result<Vec<VariantPrice>> {
    let mut list = prices.to_vec();
    let Some((c, path)) = compare_at else {
        return Ok(list);
    };
    let default = default.unwrap_or_default();
    let Some(p) = list
        .iter_mut()
        .find(|p| p.currency.as_deref().unwrap_or(default) == default)
    else {
        return Err(Error::BadInput {
            path: path.clone(),
            message: format!(
                "applies to the price in the shop's default currency ({default}): none of prices is in it"
            ),
            code: code::REQUIRED,
        });
    };
    if p.compare_at_amount.is_some_and(|x| x != *c) {
        return Err(Error::BadInput {
            path: path.clone(),
            message: format!(
                "differs from the compare_at_amount of the {default} price among prices"
            ),
            code: code::INVALID,
        });
    }
    if *c < p.amount {
        return Err(Error::BadInput {
            path: path.clone(),
            message: format!("must be at least the {default} price's amount"),
            code: code::OUT_OF_RANGE,
        });
    }
    p.compare_at_amount = Some(*c);
    Ok(list)
}

/// Writes the checked prices of written variants (two statements for any number, none when
/// there is no price). A price the engine still refuses (a stored compare-at amount below a
/// new amount) fails the whole write as BAD_INPUT on that price's field, so the surrounding
/// transaction rolls back. Must run inside a transaction.
pub async fn write(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    pending: &[Pending<'_>],
) -> Result<()> {
    let mut inputs = Vec::new();
    let mut paths = Vec::new();
    let default = if pending
        .iter()
        .any(|p| p.compare_at.is_some() || p.prices.iter().any(|x| x.currency.is_none()))
    {
        Some(settings::default_currency(conn, merchant_id).await?)
    } else {
        None
    };
    for p in pending {
        let prices = with_compare_at(p.prices, &p.compare_at, default.as_deref())?;
        for (k, price) in prices.iter().enumerate() {
            inputs.push(PriceInput {
                id: None,
                variant_id: Some(ids::encode(Kind::Variant, p.variant_id)),
                currency: price.currency.clone().or_else(|| default.clone()),
                price_list_id: None,
                amount: Some(price.amount),
                compare_at_amount: price.compare_at_amount.map_or(Patch::Keep, Patch::Set),
            });
            paths.push(p.path.index(k));
        }
    }
    if inputs.is_empty() {
        return Ok(());
    }
    let outcome =
        prices::upsert_many(conn, merchant_id, &inputs, ErrorPolicy::RejectEverything).await?;
    let first = <[_]>::first(&outcome.errors).map(|e| (0, e)).or_else(|| {
        outcome
            .items
            .iter()
            .find_map(|i| <[_]>::first(&i.errors).map(|e| (i.index, e)))
    });
    match first {
        None => Ok(()),
        Some((i, e)) => {
            // `[i, field]` of the engine → the nested price's field.
            let mut path = paths.get(i).cloned().unwrap_or_default();
            for s in e.path.skip(1).segments() {
                path = match s {
                    Segment::Key(k) if k == "variant_id" => path,
                    Segment::Key(k) => path.key(k.clone()),
                    Segment::Index(n) => path.index(*n),
                };
            }
            Err(Error::BadInput {
                path,
                message: e.message.clone(),
                code: e.code,
            })
        }
    }
}
