//! Price rules: who a price list applies to. Each kind carries exactly its reference —
//! `customer_group` a customer group, `channel` a channel, `customer` a customer (all of this
//! merchant), `volume` a minimum quantity ≥ 1, `market` an ISO 3166-1 alpha-2 country code.
//! References of any number of rules are checked with one statement.

use std::collections::HashSet;

use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use crate::db::sql::{Bind, Sql};
use crate::domain::filter;
use crate::domain::pricing::{iso, PriceList, PriceRule};
use crate::domain::validate::{code, Errors, FieldError, Path};
use crate::error::Result;
use crate::ids::{self, Kind};

/// Most rules a price list holds.
pub const MAX_RULES: usize = 100;

/// A rule as given: `kind` plus the reference of that kind (public IDs undecoded).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleInput {
    /// customer_group, channel, customer, volume or market.
    pub kind: String,
    pub customer_group_id: Option<String>,
    pub channel_id: Option<String>,
    pub customer_id: Option<String>,
    pub min_quantity: Option<i32>,
    pub market_code: Option<String>,
}

/// A rule that passed the checks that need no database.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ValidRule {
    pub kind: &'static str,
    pub customer_group_id: Option<i64>,
    pub channel_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub min_quantity: Option<i32>,
    pub market_code: Option<String>,
}

impl ValidRule {
    pub fn same_as(&self, r: &PriceRule) -> bool {
        self.kind == r.kind
            && self.customer_group_id == r.customer_group_id
            && self.channel_id == r.channel_id
            && self.customer_id == r.customer_id
            && self.min_quantity == r.min_quantity
            && self.market_code == r.market_code
    }
}

const KINDS: [&str; 5] = ["customer_group", "channel", "customer", "volume", "market"];

/// The input field that holds the reference of each kind (its path key).
fn field_of(kind: &str) -> &'static str {
    match kind {
        "customer_group" => "customer_group_id",
        "channel" => "channel_id",
        "customer" => "customer_id",
        "volume" => "min_quantity",
        _ => "market_code",
    }
}

/// How messages name [`field_of`] (the API's spelling, which these messages have always used).
fn label_of(kind: &str) -> &'static str {
    match kind {
        "customer_group" => "customerGroupId",
        "channel" => "channelId",
        "customer" => "customerId",
        "volume" => "minQuantity",
        _ => "marketCode",
    }
}

fn decode(errors: &mut Errors, path: &Path, kind: Kind, id: &str) -> Option<i64> {
    ids::decode(kind, id)
        .map_err(|e| errors.add(path, code::INVALID, e.to_string()))
        .ok()
}

/// Checks one rule's shape: a known kind, its reference given and well-formed, no other.
pub fn check(errors: &mut Errors, path: &Path, input: &RuleInput) -> Option<ValidRule> {
    let Some(kind) = KINDS.into_iter().find(|k| *k == input.kind) else {
        errors.add(
            &path.key("kind"),
            code::INVALID,
            "must be one of customer_group, channel, customer, volume, market",
        );
        return None;
    };
    let before = errors.0.len();
    let given = [
        ("customer_group_id", input.customer_group_id.is_some()),
        ("channel_id", input.channel_id.is_some()),
        ("customer_id", input.customer_id.is_some()),
        ("min_quantity", input.min_quantity.is_some()),
        ("market_code", input.market_code.is_some()),
    ];
    let own = field_of(kind);
    let label = label_of(kind);
    for (field, present) in given {
        if present && field != own {
            errors.add(
                &path.key(field),
                code::INVALID,
                format!("a {kind} rule takes only {label}"),
            );
        }
    }
    let mut rule = ValidRule {
        kind,
        customer_group_id: None,
        channel_id: None,
        customer_id: None,
        min_quantity: None,
        market_code: None,
    };
    let p = path.key(own);
    let missing = |errors: &mut Errors| {
        errors.add(&p, code::REQUIRED, format!("a {kind} rule needs {label}"))
    };
    match kind {
        "customer_group" => match &input.customer_group_id {
            Some(id) => rule.customer_group_id = decode(errors, &p, Kind::CustomerGroup, id),
            None => missing(errors),
        },
        "channel" => match &input.channel_id {
            Some(id) => rule.channel_id = decode(errors, &p, Kind::Channel, id),
            None => missing(errors),
        },
        "customer" => match &input.customer_id {
            Some(id) => rule.customer_id = decode(errors, &p, Kind::Customer, id),
            None => missing(errors),
        },
        "volume" => match input.min_quantity {
            Some(q) if q >= 1 => rule.min_quantity = Some(q),
            Some(_) => errors.add(&p, code::OUT_OF_RANGE, "must be at least 1"),
            None => missing(errors),
        },
        _ => match &input.market_code {
            Some(m) if iso::is_country(m) => rule.market_code = Some(m.clone()),
            Some(_) => errors.add(
                &p,
                code::INVALID,
                "must be an ISO 3166-1 alpha-2 country code in upper case, such as EC",
            ),
            None => missing(errors),
        },
    }
    (errors.0.len() == before).then_some(rule)
}

#[derive(QueryableByName)]
struct Ref {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Checks the references of `rules` (each with the path of its rule) against the merchant's
/// customer groups, channels and customers in ONE statement: an unknown ID, or one of another
/// merchant, is NOT_FOUND on the rule's reference field.
pub async fn check_references(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    rules: &[(Path, &ValidRule)],
    errors: &mut Errors,
) -> Result<()> {
    let keys = |f: fn(&ValidRule) -> Option<i64>| -> Vec<i64> {
        rules.iter().filter_map(|(_, r)| f(r)).collect()
    };
    let (groups, channels, customers) = (
        keys(|r| r.customer_group_id),
        keys(|r| r.channel_id),
        keys(|r| r.customer_id),
    );
    if groups.is_empty() && channels.is_empty() && customers.is_empty() {
        return Ok(());
    }
    let found: HashSet<(String, i64)> = Sql::with_binds(
        "SELECT 'customer_group' AS kind, id FROM customer_groups WHERE merchant_id = $1 AND id = ANY($2) \
         UNION ALL SELECT 'channel', id FROM channels WHERE merchant_id = $1 AND id = ANY($3) \
         UNION ALL SELECT 'customer', id FROM customers WHERE merchant_id = $1 AND id = ANY($4)",
        vec![
            Bind::I64(merchant_id),
            Bind::I64s(groups),
            Bind::I64s(channels),
            Bind::I64s(customers),
        ],
    )
    .into_query()
    .load::<Ref>(conn)
    .await?
    .into_iter()
    .map(|r| (r.kind, r.id))
    .collect();
    for (path, r) in rules {
        let key = r.customer_group_id.or(r.channel_id).or(r.customer_id);
        if let Some(k) = key {
            if !found.contains(&(r.kind.to_owned(), k)) {
                let noun = match r.kind {
                    "customer_group" => "customer group",
                    other => other,
                };
                errors.add(
                    &path.key(field_of(r.kind)),
                    code::NOT_FOUND,
                    format!("no such {noun}"),
                );
            }
        }
    }
    Ok(())
}

/// Flags rules given twice in `rules`, or already on the list (`existing`).
pub fn check_duplicates(rules: &[(Path, &ValidRule)], existing: &[PriceRule], errors: &mut Errors) {
    let mut seen: Vec<&ValidRule> = Vec::new();
    for (path, r) in rules {
        if seen.contains(r) {
            errors.add(
                &path.key(field_of(r.kind)),
                code::DUPLICATE_IN_REQUEST,
                "the same rule is given twice",
            );
        } else if existing.iter().any(|e| r.same_as(e)) {
            errors.add(
                &path.key(field_of(r.kind)),
                code::TAKEN,
                "the price list already has this rule",
            );
        }
        seen.push(r);
    }
}

/// Inserts `rules` into price list `list_id` with one statement; returns the new rule keys.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    list_id: i64,
    rules: &[&ValidRule],
) -> Result<Vec<i64>> {
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let (kinds, groups, channels, customers, quantities, markets) = columns(rules);
    let ids: Vec<Id> = diesel::sql_query(
        "INSERT INTO price_rules (merchant_id, price_list_id, kind, customer_group_id, channel_id, customer_id, min_quantity, market_code) \
         SELECT $1, $2, r.kind, r.g, r.ch, r.cu, r.q, r.m \
         FROM unnest($3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::int[], $8::text[]) WITH ORDINALITY AS r(kind, g, ch, cu, q, m, n) \
         ORDER BY r.n RETURNING id",
    )
    .bind::<BigInt, _>(merchant_id)
    .bind::<BigInt, _>(list_id)
    .bind::<Array<Text>, _>(kinds)
    .bind::<Array<Nullable<BigInt>>, _>(groups)
    .bind::<Array<Nullable<BigInt>>, _>(channels)
    .bind::<Array<Nullable<BigInt>>, _>(customers)
    .bind::<Array<Nullable<Integer>>, _>(quantities)
    .bind::<Array<Nullable<Text>>, _>(markets)
    .load(conn)
    .await?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

type Columns = (
    Vec<String>,
    Vec<Option<i64>>,
    Vec<Option<i64>>,
    Vec<Option<i64>>,
    Vec<Option<i32>>,
    Vec<Option<String>>,
);

/// The rules as one array per column.
pub fn columns(rules: &[&ValidRule]) -> Columns {
    (
        rules.iter().map(|r| r.kind.to_owned()).collect(),
        rules.iter().map(|r| r.customer_group_id).collect(),
        rules.iter().map(|r| r.channel_id).collect(),
        rules.iter().map(|r| r.customer_id).collect(),
        rules.iter().map(|r| r.min_quantity).collect(),
        rules.iter().map(|r| r.market_code.clone()).collect(),
    )
}

/// Finds a price list of the merchant by public ID, locked for the rest of the transaction.
pub async fn find_list(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    path: &Path,
) -> Result<std::result::Result<PriceList, FieldError>> {
    let key = match ids::decode(Kind::PriceList, id) {
        Ok(k) => k,
        Err(e) => return Ok(Err(FieldError::new(path, code::INVALID, e.to_string()))),
    };
    let rows: Vec<PriceList> = Sql::with_binds(
        "SELECT * FROM price_lists WHERE merchant_id = $1 AND id = $2 FOR UPDATE",
        vec![Bind::I64(merchant_id), Bind::I64(key)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .next()
        .ok_or_else(|| FieldError::new(path, code::NOT_FOUND, "no such price list")))
}

/// Adds one rule to a price list; returns the rule key, or the field errors.
pub async fn add(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    price_list_id: &str,
    input: &RuleInput,
) -> Result<std::result::Result<i64, Vec<FieldError>>> {
    let list = match find_list(
        conn,
        merchant_id,
        price_list_id,
        &Path::field("price_list_id"),
    )
    .await?
    {
        Ok(l) => l,
        Err(e) => return Ok(Err(vec![e])),
    };
    let root = Path::input();
    let mut errors = Errors::default();
    let Some(rule) = check(&mut errors, &root, input) else {
        return Ok(Err(errors.0));
    };
    let existing: Vec<PriceRule> = filter::by_parents(conn, merchant_id, &[list.id]).await?;
    if existing.len() >= MAX_RULES {
        errors.add(
            &Path::field("price_list_id"),
            code::LIMIT_EXCEEDED,
            format!("a price list holds at most {MAX_RULES} rules"),
        );
    }
    let pair = [(root, &rule)];
    check_duplicates(&pair, &existing, &mut errors);
    check_references(conn, merchant_id, &pair, &mut errors).await?;
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let ids = insert(conn, merchant_id, list.id, &[&rule]).await?;
    touch_list(conn, merchant_id, list.id).await?;
    Ok(Ok(ids.into_iter().next().unwrap_or_default()))
}

/// Removes a rule; returns (rule key, its list key).
pub async fn remove(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
) -> Result<std::result::Result<(i64, i64), Vec<FieldError>>> {
    let path = Path::field("id");
    let key = match ids::decode(Kind::PriceRule, id) {
        Ok(k) => k,
        Err(e) => {
            return Ok(Err(vec![FieldError::new(
                &path,
                code::INVALID,
                e.to_string(),
            )]))
        }
    };
    #[derive(QueryableByName)]
    struct Removed {
        #[diesel(sql_type = BigInt)]
        price_list_id: i64,
    }
    let removed: Vec<Removed> = Sql::with_binds(
        "DELETE FROM price_rules WHERE merchant_id = $1 AND id = $2 RETURNING price_list_id",
        vec![Bind::I64(merchant_id), Bind::I64(key)],
    )
    .into_query()
    .load(conn)
    .await?;
    match removed.into_iter().next() {
        Some(r) => {
            touch_list(conn, merchant_id, r.price_list_id).await?;
            Ok(Ok((key, r.price_list_id)))
        }
        None => Ok(Err(vec![FieldError::new(
            &path,
            code::NOT_FOUND,
            "no such price rule",
        )])),
    }
}

/// A change of a list's rules is a change of the list (its `updatedAt` moves, so an update
/// based on the old rules gets CONFLICT).
async fn touch_list(conn: &mut AsyncPgConnection, merchant_id: i64, list_id: i64) -> Result<()> {
    Sql::with_binds(
        "UPDATE price_lists SET updated_at = now() WHERE merchant_id = $1 AND id = $2",
        vec![Bind::I64(merchant_id), Bind::I64(list_id)],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}
