//! Price list writes: create (with nested rules), update (optimistic `expected_updated_at`),
//! delete, and the status transitions activate / deactivate / schedule.
//!
//! Lifecycle: a new list is `draft` (never applies). `activate` makes it `active` (it applies,
//! inside its window when starts/ends are set); `schedule(startsAt, endsAt?)` makes it
//! `scheduled` (it applies only inside that window); `deactivate` makes an active or scheduled
//! list `inactive`. Refusals have stable codes: INVALID_TRANSITION (e.g. activating an active
//! list), INVALID_WINDOW (endsAt not after startsAt), IN_THE_PAST (scheduling a start in the
//! past, or activating/scheduling a window that has already ended).

use chrono::{DateTime, Duration, Utc};
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamptz};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::list_products;
use super::prices::{self, PriceInput};
use super::rules::{self, RuleInput, ValidRule, MAX_RULES};
use super::rules_reconcile::{self, RuleChange};
use crate::db::sql::{Bind, Sql};
use crate::domain::pricing::PriceList;
use crate::domain::validate::{code, ErrorPolicy, Errors, FieldError, Patch, Path, Segment};
use crate::error::Result;
use crate::ids::{self, Kind};

/// How far in the past a schedule may start and still count as "now" (clock skew between the
/// caller and the server).
const SKEW: Duration = Duration::seconds(60);

/// Positions a list may take (lower wins).
const POSITIONS: std::ops::RangeInclusive<i32> = 0..=1_000_000;

/// A price list to create, or the changes to one (`Keep`/`None`: unchanged).
#[derive(Debug, Clone, Default)]
pub struct ListInput {
    pub name: Option<String>,
    pub description: Patch<String>,
    pub position: Option<i32>,
    /// `all` or `any`.
    pub match_policy: Option<String>,
    pub starts_at: Patch<DateTime<Utc>>,
    pub ends_at: Patch<DateTime<Utc>>,
    /// Rules created with the list (create only).
    pub rules: Vec<RuleInput>,
    /// Update only: the list's whole new rule set, reconciled by id (see
    /// [`rules_reconcile`]); `None`: the rules stay as they are.
    pub rule_set: Option<Vec<RuleChange>>,
    /// Products (`prod_…`) the list is set up for: added on create; on update they become the
    /// list's products (see [`list_products::set`]). `None`: unchanged.
    pub product_ids: Option<Vec<String>>,
    /// The list's prices, written after the list (and its products) in the same transaction
    /// by the price engine, upserted by variant + currency (`price_list_id` is this list's;
    /// the list's other prices stay). On update an empty list deletes every price of the
    /// list. `None`: unchanged.
    pub prices: Option<Vec<PriceInput>>,
    pub expected_updated_at: Option<DateTime<Utc>>,
}

/// Most prices a list is written with at once.
const MAX_LIST_PRICES: usize = prices::MAX_PRICES;

/// Refuses more than [`MAX_LIST_PRICES`] prices, and a price naming another list.
fn check_prices(errors: &mut Errors, root: &Path, list: Option<&[PriceInput]>) {
    let Some(list) = list else {
        return;
    };
    if list.len() > MAX_LIST_PRICES {
        errors.add(
            &root.key("prices"),
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_LIST_PRICES} prices"),
        );
    }
    for (i, p) in list.iter().enumerate() {
        if p.price_list_id.is_some() {
            errors.add(
                &root.key("prices").index(i).key("price_list_id"),
                code::INVALID,
                "is the list's own: leave it out",
            );
        }
    }
}

/// Writes the list's `prices` (see [`ListInput::prices`]) through [`prices::upsert_many`];
/// the prices it refuses, named below `input.prices` (`prices.3.amount`). Must run inside
/// [`PRICES_SAVEPOINT`], rolled back when prices are refused.
async fn write_prices(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    list_id: i64,
    list: &[PriceInput],
    root: &Path,
    replace_when_empty: bool,
) -> Result<std::result::Result<(), Vec<FieldError>>> {
    if list.is_empty() {
        if replace_when_empty {
            diesel::sql_query("DELETE FROM prices WHERE merchant_id = $1 AND price_list_id = $2")
                .bind::<BigInt, _>(merchant_id)
                .bind::<BigInt, _>(list_id)
                .execute(conn)
                .await?;
        }
        return Ok(Ok(()));
    }
    let own = ids::encode(Kind::PriceList, list_id);
    let inputs: Vec<PriceInput> = list
        .iter()
        .map(|p| PriceInput {
            price_list_id: Some(own.clone()),
            ..p.clone()
        })
        .collect();
    let outcome =
        prices::upsert_many(conn, merchant_id, &inputs, ErrorPolicy::RejectEverything).await?;
    // `[3, "amount"]` of the engine → `["prices", 3, "amount"]`.
    let under = |e: &FieldError| {
        let path = e
            .path
            .segments()
            .iter()
            .fold(root.key("prices"), |p, s| match s {
                Segment::Key(k) => p.key(k.clone()),
                Segment::Index(n) => p.index(*n),
            });
        FieldError::new(&path, e.code, e.message.clone())
    };
    let refused: Vec<FieldError> = outcome
        .errors
        .iter()
        .chain(outcome.items.iter().flat_map(|i| i.errors.iter()))
        .map(under)
        .collect();
    Ok(if refused.is_empty() {
        Ok(())
    } else {
        Err(refused)
    })
}

/// The savepoint a list write with prices runs in: the price engine checks the prices against
/// the written list, and a refusal rolls the list back to it.
const PRICES_SAVEPOINT: &str = "price_list_prices";

async fn savepoint(conn: &mut AsyncPgConnection, statement: &str) -> Result<()> {
    diesel::sql_query(format!("{statement} {PRICES_SAVEPOINT}"))
        .execute(conn)
        .await?;
    Ok(())
}

/// Opens [`PRICES_SAVEPOINT`] when the write has prices to check.
async fn open_savepoint(conn: &mut AsyncPgConnection, input: &ListInput) -> Result<bool> {
    let open = input.prices.as_ref().is_some_and(|p| !p.is_empty());
    if open {
        savepoint(conn, "SAVEPOINT").await?;
    }
    Ok(open)
}

/// Writes the prices of a list written after [`open_savepoint`]; refused prices roll back
/// everything since the savepoint.
async fn finish_with_prices(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    list_id: i64,
    input: &ListInput,
    root: &Path,
    opened: bool,
    updating: bool,
) -> Result<std::result::Result<i64, Vec<FieldError>>> {
    let written = match &input.prices {
        Some(list) => write_prices(conn, merchant_id, list_id, list, root, updating).await?,
        None => Ok(()),
    };
    if opened {
        if written.is_err() {
            savepoint(conn, "ROLLBACK TO SAVEPOINT").await?;
        }
        savepoint(conn, "RELEASE SAVEPOINT").await?;
    }
    Ok(written.map(|()| list_id))
}

/// Field checks shared by create and update; returns the normalised name.
fn check_fields(errors: &mut Errors, root: &Path, input: &ListInput) -> Option<String> {
    let name = input.name.as_ref().map(|n| n.trim().to_owned());
    if let Some(n) = &name {
        errors.length(&root.key("name"), n, 1, 100);
    }
    if let Patch::Set(d) = &input.description {
        errors.length(&root.key("description"), d, 0, 1000);
    }
    if let Some(p) = input.position {
        if !POSITIONS.contains(&p) {
            errors.add(
                &root.key("position"),
                code::OUT_OF_RANGE,
                format!(
                    "must be between {} and {}",
                    POSITIONS.start(),
                    POSITIONS.end()
                ),
            );
        }
    }
    if let Some(m) = &input.match_policy {
        if m != "all" && m != "any" {
            errors.add(
                &root.key("match_policy"),
                code::INVALID,
                "must be all or any",
            );
        }
    }
    name
}

/// endsAt must come after startsAt.
fn check_window(
    errors: &mut Errors,
    root: &Path,
    starts: Option<DateTime<Utc>>,
    ends: Option<DateTime<Utc>>,
) {
    if let (Some(s), Some(e)) = (starts, ends) {
        if e <= s {
            errors.add(
                &root.key("ends_at"),
                code::INVALID_WINDOW,
                "must be after startsAt",
            );
        }
    }
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Creates a draft price list with its rules; returns its key, or the field errors.
pub async fn create(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    input: &ListInput,
) -> Result<std::result::Result<i64, Vec<FieldError>>> {
    let root = Path::input();
    let mut errors = Errors::default();
    let name = check_fields(&mut errors, &root, input);
    if name.is_none() {
        errors.add(&root.key("name"), code::REQUIRED, "is required");
    }
    let (starts, ends) = (input.starts_at.apply(None), input.ends_at.apply(None));
    check_window(&mut errors, &root, starts, ends);
    if input.rules.len() > MAX_RULES {
        errors.add(
            &root.key("rules"),
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_RULES} rules"),
        );
    }
    let checked: Vec<(Path, ValidRule)> = input
        .rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let path = root.key("rules").index(i);
            rules::check(&mut errors, &path, r).map(|v| (path, v))
        })
        .collect();
    let pairs: Vec<(Path, &ValidRule)> = checked.iter().map(|(p, r)| (p.clone(), r)).collect();
    rules::check_duplicates(&pairs, &[], &mut errors);
    rules::check_references(conn, merchant_id, &pairs, &mut errors).await?;
    check_prices(&mut errors, &root, input.prices.as_deref());
    let products = match &input.product_ids {
        Some(ids) => {
            list_products::check(
                conn,
                merchant_id,
                ids,
                &root.key("product_ids"),
                &mut errors,
            )
            .await?
        }
        None => Vec::new(),
    };
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let opened = open_savepoint(conn, input).await?;
    // The list and its rules in one statement.
    let valid: Vec<&ValidRule> = checked.iter().map(|(_, r)| r).collect();
    let (kinds, groups, channels, customers, quantities, markets) = rules::columns(&valid);
    let ids: Vec<Id> = diesel::sql_query(
        "WITH l AS ( \
             INSERT INTO price_lists (merchant_id, name, description, position, match_policy, starts_at, ends_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id), \
         r AS ( \
             INSERT INTO price_rules (merchant_id, price_list_id, kind, customer_group_ids, channel_ids, customer_ids, min_quantity, market_code) \
             SELECT $1, l.id, r.kind, r.g::bigint[], r.ch::bigint[], r.cu::bigint[], r.q, r.m \
             FROM l, unnest($8::text[], $9::text[], $10::text[], $11::text[], $12::int[], $13::text[]) WITH ORDINALITY AS r(kind, g, ch, cu, q, m, n) \
             ORDER BY r.n) \
         SELECT id FROM l",
    )
    .bind::<BigInt, _>(merchant_id)
    .bind::<Text, _>(name.unwrap_or_default())
    .bind::<Nullable<Text>, _>(input.description.apply(None))
    .bind::<Integer, _>(input.position.unwrap_or(0))
    .bind::<Text, _>(input.match_policy.clone().unwrap_or_else(|| "all".into()))
    .bind::<Nullable<Timestamptz>, _>(starts)
    .bind::<Nullable<Timestamptz>, _>(ends)
    .bind::<Array<Text>, _>(kinds)
    .bind::<Array<Text>, _>(groups)
    .bind::<Array<Text>, _>(channels)
    .bind::<Array<Text>, _>(customers)
    .bind::<Array<Nullable<Integer>>, _>(quantities)
    .bind::<Array<Nullable<Text>>, _>(markets)
    .load(conn)
    .await?;
    let id = ids.into_iter().next().map(|i| i.id).unwrap_or_default();
    list_products::add(conn, merchant_id, id, &products).await?;
    finish_with_prices(conn, merchant_id, id, input, &root, opened, false).await
}

/// The list, or why it cannot be changed (unknown, or changed since `expected`).
async fn find_for_change(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    expected: Option<DateTime<Utc>>,
    root: &Path,
) -> Result<std::result::Result<PriceList, Vec<FieldError>>> {
    let list = match rules::find_list(conn, merchant_id, id, &Path::field("id")).await? {
        Ok(l) => l,
        Err(e) => return Ok(Err(vec![e])),
    };
    if let Some(at) = expected {
        if at.timestamp_micros() != list.updated_at.timestamp_micros() {
            return Ok(Err(vec![FieldError::new(
                &root.key("expected_updated_at"),
                code::CONFLICT,
                format!(
                    "the price list changed at {}; reload it and retry",
                    list.updated_at.to_rfc3339()
                ),
            )]));
        }
    }
    Ok(Ok(list))
}

/// Writes every column of a list (after the caller merged and checked them).
async fn write(conn: &mut AsyncPgConnection, l: &PriceList) -> Result<()> {
    diesel::sql_query(
        "UPDATE price_lists SET name = $3, description = $4, position = $5, match_policy = $6, \
         starts_at = $7, ends_at = $8, status = $9, updated_at = now() \
         WHERE merchant_id = $1 AND id = $2",
    )
    .bind::<BigInt, _>(l.merchant_id)
    .bind::<BigInt, _>(l.id)
    .bind::<Text, _>(&l.name)
    .bind::<Nullable<Text>, _>(&l.description)
    .bind::<Integer, _>(l.position)
    .bind::<Text, _>(&l.match_policy)
    .bind::<Nullable<Timestamptz>, _>(l.starts_at)
    .bind::<Nullable<Timestamptz>, _>(l.ends_at)
    .bind::<Text, _>(&l.status)
    .execute(conn)
    .await?;
    Ok(())
}

/// Updates a list's fields; omitted ones keep their values. The window is checked on the
/// result; a scheduled list keeps needing a start, and its end may not move into the past.
pub async fn update(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    input: &ListInput,
    now: DateTime<Utc>,
) -> Result<std::result::Result<i64, Vec<FieldError>>> {
    let root = Path::input();
    let mut list =
        match find_for_change(conn, merchant_id, id, input.expected_updated_at, &root).await? {
            Ok(l) => l,
            Err(e) => return Ok(Err(e)),
        };
    let mut errors = Errors::default();
    let name = check_fields(&mut errors, &root, input);
    list.name = name.unwrap_or(list.name);
    list.description = input.description.apply(list.description);
    list.position = input.position.unwrap_or(list.position);
    list.match_policy = input.match_policy.clone().unwrap_or(list.match_policy);
    list.starts_at = input.starts_at.apply(list.starts_at);
    list.ends_at = input.ends_at.apply(list.ends_at);
    check_window(&mut errors, &root, list.starts_at, list.ends_at);
    if list.status == "scheduled" {
        if list.starts_at.is_none() {
            errors.add(
                &root.key("starts_at"),
                code::REQUIRED,
                "a scheduled price list needs startsAt; deactivate or activate it instead",
            );
        }
        if matches!(input.ends_at, Patch::Set(e) if e <= now) {
            errors.add(
                &root.key("ends_at"),
                code::IN_THE_PAST,
                "a scheduled price list cannot end in the past",
            );
        }
    }
    let rule_plan = match &input.rule_set {
        Some(set) => Some(
            rules_reconcile::check(
                conn,
                merchant_id,
                list.id,
                set,
                &root.key("rules"),
                &mut errors,
            )
            .await?,
        ),
        None => None,
    };
    let products = match &input.product_ids {
        Some(ids) => Some(
            list_products::check(
                conn,
                merchant_id,
                ids,
                &root.key("product_ids"),
                &mut errors,
            )
            .await?,
        ),
        None => None,
    };
    check_prices(&mut errors, &root, input.prices.as_deref());
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let opened = open_savepoint(conn, input).await?;
    if let Some(plan) = &rule_plan {
        rules_reconcile::apply(conn, merchant_id, list.id, plan).await?;
    }
    if let Some(products) = &products {
        list_products::set(conn, merchant_id, list.id, products).await?;
    }
    write(conn, &list).await?;
    finish_with_prices(conn, merchant_id, list.id, input, &root, opened, true).await
}

/// Deletes a list with its rules and prices (orders keep their line prices).
pub async fn delete(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
) -> Result<std::result::Result<i64, Vec<FieldError>>> {
    let list = match rules::find_list(conn, merchant_id, id, &Path::field("id")).await? {
        Ok(l) => l,
        Err(e) => return Ok(Err(vec![e])),
    };
    Sql::with_binds(
        "DELETE FROM price_lists WHERE merchant_id = $1 AND id = $2",
        vec![Bind::I64(merchant_id), Bind::I64(list.id)],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(Ok(list.id))
}

/// A status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// → active (from draft, scheduled or inactive). Its window, if set, still applies; a
    /// window that has already ended is refused.
    Activate,
    /// As `Activate`, except that a list whose `starts_at` is still ahead becomes `scheduled`
    /// for its window instead (Spree's activate).
    ActivateOrSchedule,
    /// → inactive (from active or scheduled).
    Deactivate,
    /// → scheduled in `[starts_at, ends_at)` (from any status; rescheduling is allowed).
    Schedule {
        starts_at: DateTime<Utc>,
        ends_at: Option<DateTime<Utc>>,
    },
}

/// Applies a status transition at `now`.
pub async fn transition(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    change: Transition,
    now: DateTime<Utc>,
) -> Result<std::result::Result<i64, Vec<FieldError>>> {
    let mut list = match rules::find_list(conn, merchant_id, id, &Path::field("id")).await? {
        Ok(l) => l,
        Err(e) => return Ok(Err(vec![e])),
    };
    let mut errors = Errors::default();
    let id_path = Path::field("id");
    let refuse = |errors: &mut Errors, action: &str, status: &str| {
        errors.add(
            &id_path,
            code::INVALID_TRANSITION,
            format!("a {status} price list cannot be {action}"),
        )
    };
    let change = match change {
        Transition::ActivateOrSchedule => match list.starts_at.filter(|s| *s > now) {
            Some(starts_at) if list.status != "scheduled" => Transition::Schedule {
                starts_at,
                ends_at: list.ends_at,
            },
            _ => Transition::Activate,
        },
        other => other,
    };
    match change {
        Transition::Activate | Transition::ActivateOrSchedule => {
            if list.status == "active" {
                refuse(&mut errors, "activated", "active");
            } else if let Some(e) = list.ends_at.filter(|e| *e <= now) {
                errors.add(
                    &id_path,
                    code::IN_THE_PAST,
                    format!(
                        "the price list's window ended at {}; move or clear endsAt first",
                        e.to_rfc3339()
                    ),
                );
            }
            list.status = "active".into();
        }
        Transition::Deactivate => {
            if list.status != "active" && list.status != "scheduled" {
                let status = list.status.clone();
                refuse(&mut errors, "deactivated", &status);
            }
            list.status = "inactive".into();
        }
        Transition::Schedule { starts_at, ends_at } => {
            if starts_at < now - SKEW {
                errors.add(
                    &Path::field("starts_at"),
                    code::IN_THE_PAST,
                    "cannot schedule a start in the past; activate the price list instead",
                );
            }
            check_window(&mut errors, &Path::input(), Some(starts_at), ends_at);
            list.status = "scheduled".into();
            list.starts_at = Some(starts_at);
            list.ends_at = ends_at;
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    write(conn, &list).await?;
    Ok(Ok(list.id))
}
