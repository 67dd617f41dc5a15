//! Price rules: who a price list applies to. Each kind carries exactly its references —
//! `customer_group` customer groups, `channel` channels, `customer` customers (1 to
//! [`MAX_REFERENCES`] distinct IDs of this merchant; the rule matches when the buyer is ANY of
//! them), `volume` a minimum quantity ≥ 1, `market` an ISO 3166-1 alpha-2 country code.
//! The references are given as a list (`customer_ids`) or, the older form, as one ID
//! (`customer_id`). References of any number of rules are checked with one statement.

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

/// Most IDs one rule names.
pub const MAX_REFERENCES: usize = 100;

/// A rule as given: `kind` plus the reference(s) of that kind (public IDs undecoded). A
/// reference kind takes its list (`customer_ids`) or its single ID (`customer_id`), not both.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleInput {
    /// customer_group, channel, customer, volume or market.
    pub kind: String,
    pub customer_group_id: Option<String>,
    pub channel_id: Option<String>,
    pub customer_id: Option<String>,
    pub customer_group_ids: Option<Vec<String>>,
    pub channel_ids: Option<Vec<String>>,
    pub customer_ids: Option<Vec<String>>,
    pub min_quantity: Option<i32>,
    pub market_code: Option<String>,
}

/// A rule that passed the checks that need no database.
#[derive(Debug, Clone)]
pub struct ValidRule {
    pub kind: &'static str,
    /// The references of a customer_group, channel or customer rule, in the order given.
    pub refs: Vec<i64>,
    /// Whether they were given as a list (errors then name `customer_ids.N`) or as the one ID
    /// (`customer_id`).
    pub listed: bool,
    pub min_quantity: Option<i32>,
    pub market_code: Option<String>,
}

fn sorted(ids: &[i64]) -> Vec<i64> {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v
}

impl ValidRule {
    /// The references of `kind`'s column (empty for the others).
    pub fn refs_of(&self, kind: &str) -> &[i64] {
        if self.kind == kind {
            &self.refs
        } else {
            &[]
        }
    }

    /// Whether two rules match the same buyers (references compared as sets).
    pub fn same_rule(&self, other: &ValidRule) -> bool {
        self.kind == other.kind
            && sorted(&self.refs) == sorted(&other.refs)
            && self.min_quantity == other.min_quantity
            && self.market_code == other.market_code
    }

    pub fn same_as(&self, r: &PriceRule) -> bool {
        self.kind == r.kind
            && sorted(&self.refs) == sorted(stored_refs(r))
            && self.min_quantity == r.min_quantity
            && self.market_code == r.market_code
    }

    /// Whether `self` changes nothing of `r`, the order of its references included.
    pub fn unchanged(&self, r: &PriceRule) -> bool {
        self.same_as(r)
            && self.refs_of("customer_group") == r.customer_group_ids.as_slice()
            && self.refs_of("channel") == r.channel_ids.as_slice()
            && self.refs_of("customer") == r.customer_ids.as_slice()
    }

    /// The path of reference `i` of this rule under the rule's `path`.
    fn ref_path(&self, path: &Path, i: usize) -> Path {
        match single_field(self.kind) {
            Some((_, many)) if self.listed => path.key(many).index(i),
            _ => path.key(field_of(self.kind)),
        }
    }
}

/// The stored references of a rule of a reference kind (empty for the others).
pub fn stored_refs(r: &PriceRule) -> &[i64] {
    match r.kind.as_str() {
        "customer_group" => &r.customer_group_ids,
        "channel" => &r.channel_ids,
        "customer" => &r.customer_ids,
        _ => &[],
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

/// The single and list fields of a reference kind.
fn single_field(kind: &str) -> Option<(&'static str, &'static str)> {
    match kind {
        "customer_group" => Some(("customer_group_id", "customer_group_ids")),
        "channel" => Some(("channel_id", "channel_ids")),
        "customer" => Some(("customer_id", "customer_ids")),
        _ => None,
    }
}

/// How messages name [`field_of`] (the API's spelling, which these messages have always used).
fn label_of(kind: &str) -> &'static str {
    match kind {
        "customer_group" => "customerGroupIds (or customerGroupId)",
        "channel" => "channelIds (or channelId)",
        "customer" => "customerIds (or customerId)",
        "volume" => "minQuantity",
        _ => "marketCode",
    }
}

fn id_kind(kind: &str) -> Kind {
    match kind {
        "customer_group" => Kind::CustomerGroup,
        "channel" => Kind::Channel,
        _ => Kind::Customer,
    }
}

fn decode(errors: &mut Errors, path: &Path, kind: Kind, id: &str) -> Option<i64> {
    ids::decode(kind, id)
        .map_err(|e| errors.add(path, code::INVALID, e.to_string()))
        .ok()
}

/// Decodes a list of references: 1 to [`MAX_REFERENCES`] distinct well-formed IDs.
fn decode_list(errors: &mut Errors, path: &Path, kind: Kind, list: &[String]) -> Vec<i64> {
    if list.is_empty() {
        errors.add(path, code::REQUIRED, "give at least one ID");
    } else if list.len() > MAX_REFERENCES {
        errors.add(
            path,
            code::LIMIT_EXCEEDED,
            format!("a rule names at most {MAX_REFERENCES} IDs"),
        );
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, id) in list.iter().enumerate() {
        let Some(k) = decode(errors, &path.index(i), kind, id) else {
            continue;
        };
        if seen.insert(k) {
            out.push(k);
        } else {
            errors.add(
                &path.index(i),
                code::DUPLICATE_IN_REQUEST,
                "the same ID is given twice",
            );
        }
    }
    out
}

/// Checks one rule's shape: a known kind, its reference(s) given and well-formed, no other.
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
        (
            "customer_group",
            "customer_group_id",
            input.customer_group_id.is_some(),
        ),
        (
            "customer_group",
            "customer_group_ids",
            input.customer_group_ids.is_some(),
        ),
        ("channel", "channel_id", input.channel_id.is_some()),
        ("channel", "channel_ids", input.channel_ids.is_some()),
        ("customer", "customer_id", input.customer_id.is_some()),
        ("customer", "customer_ids", input.customer_ids.is_some()),
        ("volume", "min_quantity", input.min_quantity.is_some()),
        ("market", "market_code", input.market_code.is_some()),
    ];
    let label = label_of(kind);
    for (owner, field, present) in given {
        if present && owner != kind {
            errors.add(
                &path.key(field),
                code::INVALID,
                format!("a {kind} rule takes only {label}"),
            );
        }
    }
    let mut rule = ValidRule {
        kind,
        refs: Vec::new(),
        listed: false,
        min_quantity: None,
        market_code: None,
    };
    let p = path.key(field_of(kind));
    let missing = |errors: &mut Errors| {
        errors.add(&p, code::REQUIRED, format!("a {kind} rule needs {label}"))
    };
    let (one, many) = match kind {
        "customer_group" => (&input.customer_group_id, &input.customer_group_ids),
        "channel" => (&input.channel_id, &input.channel_ids),
        _ => (&input.customer_id, &input.customer_ids),
    };
    match kind {
        "customer_group" | "channel" | "customer" => match (one, many) {
            (Some(_), Some(_)) => {
                let many_field = single_field(kind).map_or("", |f| f.1);
                errors.add(
                    &path.key(many_field),
                    code::INVALID,
                    format!("give {label}, not both"),
                );
            }
            (Some(id), None) => {
                rule.refs = decode(errors, &p, id_kind(kind), id).into_iter().collect();
            }
            (None, Some(list)) => {
                let many_field = single_field(kind).map_or("", |f| f.1);
                rule.listed = true;
                rule.refs = decode_list(errors, &path.key(many_field), id_kind(kind), list);
            }
            (None, None) => missing(errors),
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
/// merchant, is NOT_FOUND on that reference (`customer_ids.1`, or `customer_id`).
pub async fn check_references(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    rules: &[(Path, &ValidRule)],
    errors: &mut Errors,
) -> Result<()> {
    let keys = |kind: &str| -> Vec<i64> {
        rules
            .iter()
            .flat_map(|(_, r)| r.refs_of(kind).iter().copied())
            .collect()
    };
    let (groups, channels, customers) = (keys("customer_group"), keys("channel"), keys("customer"));
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
        for (i, k) in r.refs.iter().enumerate() {
            if !found.contains(&(r.kind.to_owned(), *k)) {
                let noun = match r.kind {
                    "customer_group" => "customer group",
                    other => other,
                };
                errors.add(
                    &r.ref_path(path, i),
                    code::NOT_FOUND,
                    format!("no such {noun}"),
                );
            }
        }
    }
    Ok(())
}

/// The path key of a rule's reference field, as it was given.
fn given_field(r: &ValidRule) -> &'static str {
    match single_field(r.kind) {
        Some((_, many)) if r.listed => many,
        _ => field_of(r.kind),
    }
}

/// Flags rules given twice in `rules`, or already on the list (`existing`).
pub fn check_duplicates(rules: &[(Path, &ValidRule)], existing: &[PriceRule], errors: &mut Errors) {
    let mut seen: Vec<&ValidRule> = Vec::new();
    for (path, r) in rules {
        if seen.iter().any(|s| s.same_rule(r)) {
            errors.add(
                &path.key(given_field(r)),
                code::DUPLICATE_IN_REQUEST,
                "the same rule is given twice",
            );
        } else if existing.iter().any(|e| r.same_as(e)) {
            errors.add(
                &path.key(given_field(r)),
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
        "INSERT INTO price_rules (merchant_id, price_list_id, kind, customer_group_ids, channel_ids, customer_ids, min_quantity, market_code) \
         SELECT $1, $2, r.kind, r.g::bigint[], r.ch::bigint[], r.cu::bigint[], r.q, r.m \
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[]) WITH ORDINALITY AS r(kind, g, ch, cu, q, m, n) \
         ORDER BY r.n RETURNING id",
    )
    .bind::<BigInt, _>(merchant_id)
    .bind::<BigInt, _>(list_id)
    .bind::<Array<Text>, _>(kinds)
    .bind::<Array<Text>, _>(groups)
    .bind::<Array<Text>, _>(channels)
    .bind::<Array<Text>, _>(customers)
    .bind::<Array<Nullable<Integer>>, _>(quantities)
    .bind::<Array<Nullable<Text>>, _>(markets)
    .load(conn)
    .await?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

/// The rules as one array per column. PostgreSQL arrays cannot hold lists of different
/// lengths, so each rule's references travel as an array literal (`{4,9}`, `{}`) that the
/// statement casts (`g::bigint[]`); they are numbers we format, never client text.
type Columns = (
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Vec<Option<i32>>,
    Vec<Option<String>>,
);

fn literal(ids: &[i64]) -> String {
    let inner: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("{{{}}}", inner.join(","))
}

/// The rules as one array per column.
pub fn columns(rules: &[&ValidRule]) -> Columns {
    (
        rules.iter().map(|r| r.kind.to_owned()).collect(),
        rules
            .iter()
            .map(|r| literal(r.refs_of("customer_group")))
            .collect(),
        rules
            .iter()
            .map(|r| literal(r.refs_of("channel")))
            .collect(),
        rules
            .iter()
            .map(|r| literal(r.refs_of("customer")))
            .collect(),
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
