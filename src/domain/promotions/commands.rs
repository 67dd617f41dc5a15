//! Promotion writes: create / update / delete, rules and actions added or removed one at a time,
//! and coupon code batches. All validation happens before the first write, so a refused command
//! writes nothing; each command runs inside the mutation's transaction.

use chrono::{DateTime, Utc};
use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::codes::{self, Generated, MAX_CODES};
use super::input::{self, ActionInput, Refs, RuleInput, MAX_PER_PROMOTION};
use super::Promotion;
use crate::db::sql::{Bind, Count, Sql};
use crate::domain::validate::{code, Errors, FieldError, Patch, Path};
use crate::error::Result;
use crate::ids::{self, Kind};

/// The key written, or the field errors that refused the command.
pub type Written = std::result::Result<i64, Vec<FieldError>>;

/// A promotion to create, or changes to one (`None` / `Patch::Keep`: unchanged).
#[derive(Debug, Clone, Default)]
pub struct PromotionInput {
    /// 1–255 characters; required on create.
    pub name: Option<String>,
    pub description: Patch<String>,
    /// coupon_code or automatic; required on create, immutable afterwards.
    pub kind: Option<String>,
    /// The single code of a coupon_code promotion.
    pub code: Option<String>,
    pub starts_at: Patch<DateTime<Utc>>,
    pub expires_at: Patch<DateTime<Utc>>,
    pub usage_limit: Patch<i32>,
    /// all or any (default all).
    pub match_policy: Option<String>,
    /// Create only: generate `number_of_codes` codes `<code_prefix><random>`.
    pub multi_codes: Option<bool>,
    pub code_prefix: Option<String>,
    pub number_of_codes: Option<i32>,
    /// Replaces the rules when given.
    pub rules: Option<Vec<RuleInput>>,
    /// Replaces the actions when given.
    pub actions: Option<Vec<ActionInput>>,
    /// Update only: refuse with CONFLICT when the promotion changed after this time.
    pub expected_updated_at: Option<DateTime<Utc>>,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct PromotionOf {
    #[diesel(sql_type = sql_types::BigInt)]
    promotion_id: i64,
}

/// The merchant's promotion with this public ID, locked for the rest of the transaction (so
/// concurrent writes to it serialize and `expected_updated_at` holds).
async fn find_for_update(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    raw: &str,
    path: &Path,
) -> Result<std::result::Result<Promotion, FieldError>> {
    let key = match ids::decode(Kind::Promotion, raw) {
        Ok(k) => k,
        Err(e) => return Ok(Err(FieldError::new(path, code::INVALID, e.to_string()))),
    };
    let rows: Vec<Promotion> = Sql::with_binds(
        "SELECT * FROM promotions WHERE merchant_id = $1 AND id = $2 FOR UPDATE",
        vec![Bind::I64(merchant_id), Bind::I64(key)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .next()
        .ok_or_else(|| FieldError::new(path, code::NOT_FOUND, "no such promotion")))
}

fn name(errors: &mut Errors, path: &Path, raw: &str) -> String {
    let n = raw.trim().to_owned();
    errors.length(path, &n, 1, 255);
    n
}

fn match_policy(errors: &mut Errors, path: &Path, raw: &str) -> String {
    let p = raw.trim().to_lowercase();
    if p != "all" && p != "any" {
        errors.add(path, code::INVALID, "must be all or any");
    }
    p
}

/// The window and usage limit after the changes.
fn window_and_limit(
    errors: &mut Errors,
    root: &Path,
    starts_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    usage_limit: Option<i32>,
) {
    if let (Some(s), Some(e)) = (starts_at, expires_at) {
        if e <= s {
            errors.add(
                &root.key("expires_at"),
                code::INVALID,
                "must be after startsAt",
            );
        }
    }
    if usage_limit.is_some_and(|l| l <= 0) {
        errors.add(
            &root.key("usage_limit"),
            code::OUT_OF_RANGE,
            "must be greater than 0",
        );
    }
}

/// Validates a single code's format and that no other promotion's code has it.
async fn single_code(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    errors: &mut Errors,
    path: &Path,
    raw: &str,
    promotion: Option<i64>,
) -> Result<String> {
    let c = raw.trim().to_owned();
    if c.is_empty() {
        errors.add(path, code::REQUIRED, "is required");
    } else if !codes::is_code(&c) {
        errors.add(
            path,
            code::INVALID,
            "must be 1–64 letters, digits, '_' or '-'",
        );
    } else if codes::taken(conn, merchant_id, &c, promotion).await? {
        errors.add(
            path,
            code::TAKEN,
            "another coupon code is the same (case-insensitively)",
        );
    }
    Ok(c)
}

/// Creates a promotion with its rules, actions and code(s).
pub async fn create(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    input: &PromotionInput,
) -> Result<Written> {
    let root = Path::input();
    let mut errors = Errors::default();
    let n = name(
        &mut errors,
        &root.key("name"),
        input.name.as_deref().unwrap_or_default(),
    );
    let description = input.description.apply(None);
    if let Some(d) = &description {
        errors.length(&root.key("description"), d, 0, 1000);
    }
    let kind = input
        .kind
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let coupon = kind == "coupon_code";
    if !coupon && kind != "automatic" {
        errors.add(
            &root.key("kind"),
            code::INVALID,
            "must be coupon_code or automatic",
        );
    }
    let policy = match_policy(
        &mut errors,
        &root.key("match_policy"),
        input.match_policy.as_deref().unwrap_or("all"),
    );
    let (starts_at, expires_at, usage_limit) = (
        input.starts_at.apply(None),
        input.expires_at.apply(None),
        input.usage_limit.apply(None),
    );
    window_and_limit(&mut errors, &root, starts_at, expires_at, usage_limit);

    // Codes: a coupon_code promotion has either one `code` or a generated batch.
    let multi = input.multi_codes.unwrap_or(false);
    let mut single = None;
    let mut prefix = None;
    let mut number = None;
    if kind == "automatic" {
        for (field, present) in [
            ("code", input.code.is_some()),
            ("multi_codes", multi),
            ("code_prefix", input.code_prefix.is_some()),
            ("number_of_codes", input.number_of_codes.is_some()),
        ] {
            if present {
                errors.add(
                    &root.key(field),
                    code::INVALID,
                    "an automatic promotion has no coupon codes",
                );
            }
        }
    } else if coupon && multi {
        if input.code.is_some() {
            errors.add(
                &root.key("code"),
                code::INVALID,
                "a multi-code promotion has generated codes, not a single code",
            );
        }
        match input.code_prefix.as_deref().map(str::trim) {
            None | Some("") => errors.add(
                &root.key("code_prefix"),
                code::REQUIRED,
                "a multi-code promotion needs a code prefix",
            ),
            Some(p) if !codes::is_prefix(p) => errors.add(
                &root.key("code_prefix"),
                code::INVALID,
                "must be 1–32 letters, digits, '_' or '-'",
            ),
            Some(p) => prefix = Some(p.to_owned()),
        }
        match input.number_of_codes {
            None => errors.add(
                &root.key("number_of_codes"),
                code::REQUIRED,
                "a multi-code promotion needs a number of codes",
            ),
            Some(x) if x < 1 => errors.add(
                &root.key("number_of_codes"),
                code::OUT_OF_RANGE,
                format!("must be between 1 and {MAX_CODES}"),
            ),
            Some(x) if i64::from(x) > MAX_CODES => errors.add(
                &root.key("number_of_codes"),
                code::LIMIT_EXCEEDED,
                format!("at most {MAX_CODES} codes per promotion, got {x}"),
            ),
            Some(x) => number = Some(x),
        }
    } else if coupon {
        for (field, present) in [
            ("code_prefix", input.code_prefix.is_some()),
            ("number_of_codes", input.number_of_codes.is_some()),
        ] {
            if present {
                errors.add(&root.key(field), code::INVALID, "needs multiCodes: true");
            }
        }
        match input.code.as_deref() {
            None => errors.add(
                &root.key("code"),
                code::REQUIRED,
                "a coupon_code promotion needs a code (or multiCodes)",
            ),
            Some(raw) => {
                single = Some(
                    single_code(conn, merchant_id, &mut errors, &root.key("code"), raw, None)
                        .await?,
                )
            }
        }
    }

    let mut refs = Refs::default();
    let rules = input::rules(
        &mut errors,
        &mut refs,
        &root.key("rules"),
        input.rules.as_deref().unwrap_or_default(),
    );
    let actions = input::actions(
        &mut errors,
        &mut refs,
        &root.key("actions"),
        input.actions.as_deref().unwrap_or_default(),
    );
    refs.check(conn, merchant_id, &mut errors).await?;
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }

    let rows: Vec<Id> = Sql::with_binds(
        "INSERT INTO promotions (merchant_id, name, description, kind, starts_at, expires_at, \
                                 usage_limit, match_policy, multi_codes, code_prefix, number_of_codes) \
         VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7::integer, $8, $9, $10, $11::integer) \
         RETURNING id",
        vec![
            Bind::I64(merchant_id),
            Bind::Text(n),
            Bind::OptText(description),
            Bind::Text(kind),
            opt_time(starts_at),
            opt_time(expires_at),
            opt_i32(usage_limit),
            Bind::Text(policy),
            Bind::Bool(multi),
            Bind::OptText(prefix.clone()),
            opt_i32(number),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let id = rows.into_iter().next().map(|r| r.id).unwrap_or_default();
    input::insert_rules(conn, merchant_id, id, &rules).await?;
    input::insert_actions(conn, merchant_id, id, &actions).await?;
    if let Some(c) = single {
        Sql::with_binds(
            "INSERT INTO coupon_codes (merchant_id, promotion_id, code) VALUES ($1, $2, $3)",
            vec![Bind::I64(merchant_id), Bind::I64(id), Bind::Text(c)],
        )
        .into_query()
        .execute(conn)
        .await?;
    }
    if let (Some(p), Some(x)) = (prefix, number) {
        codes::generate(conn, merchant_id, id, &p, i64::from(x)).await?;
    }
    Ok(Ok(id))
}

/// A nullable timestamp bind (the builder has none, so NULL is cast from text).
fn opt_time(t: Option<DateTime<Utc>>) -> Bind {
    Bind::OptText(t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)))
}

fn opt_i32(v: Option<i32>) -> Bind {
    Bind::OptText(v.map(|v| v.to_string()))
}

/// Changes a promotion; `rules` / `actions`, when given, replace the current ones.
pub async fn update(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    input: &PromotionInput,
) -> Result<Written> {
    let root = Path::input();
    let p = match find_for_update(conn, merchant_id, id, &Path::field("id")).await? {
        Ok(p) => p,
        Err(e) => return Ok(Err(vec![e])),
    };
    let mut errors = Errors::default();
    if let Some(at) = input.expected_updated_at {
        if at.timestamp_micros() != p.updated_at.timestamp_micros() {
            errors.add(
                &root.key("expected_updated_at"),
                code::CONFLICT,
                "the promotion changed since; reload it and retry",
            );
            return Ok(Err(errors.0));
        }
    }
    if input
        .kind
        .as_deref()
        .is_some_and(|k| k.trim().to_lowercase() != p.kind)
    {
        errors.add(
            &root.key("kind"),
            code::IMMUTABLE,
            "the kind of a promotion cannot change",
        );
    }
    for (field, present) in [
        ("multi_codes", input.multi_codes.is_some()),
        ("code_prefix", input.code_prefix.is_some()),
        ("number_of_codes", input.number_of_codes.is_some()),
    ] {
        if present {
            errors.add(
                &root.key(field),
                code::INVALID,
                "generate codes with couponCodesGenerate",
            );
        }
    }
    let n = match &input.name {
        Some(raw) => name(&mut errors, &root.key("name"), raw),
        None => p.name.clone(),
    };
    let description = input.description.apply(p.description.clone());
    if let Some(d) = input.description.as_set() {
        errors.length(&root.key("description"), d, 0, 1000);
    }
    let policy = match &input.match_policy {
        Some(raw) => match_policy(&mut errors, &root.key("match_policy"), raw),
        None => p.match_policy.clone(),
    };
    let starts_at = input.starts_at.apply(p.starts_at);
    let expires_at = input.expires_at.apply(p.expires_at);
    let usage_limit = input.usage_limit.apply(p.usage_limit);
    window_and_limit(&mut errors, &root, starts_at, expires_at, usage_limit);
    let mut new_code = None;
    if let Some(raw) = &input.code {
        if p.kind != "coupon_code" || p.multi_codes {
            errors.add(
                &root.key("code"),
                code::INVALID,
                "only a single-code coupon promotion has a code",
            );
        } else {
            new_code = Some(
                single_code(
                    conn,
                    merchant_id,
                    &mut errors,
                    &root.key("code"),
                    raw,
                    Some(p.id),
                )
                .await?,
            );
        }
    }
    let mut refs = Refs::default();
    let rules = input
        .rules
        .as_ref()
        .map(|r| input::rules(&mut errors, &mut refs, &root.key("rules"), r));
    let actions = input
        .actions
        .as_ref()
        .map(|a| input::actions(&mut errors, &mut refs, &root.key("actions"), a));
    refs.check(conn, merchant_id, &mut errors).await?;
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }

    Sql::with_binds(
        "UPDATE promotions SET name = $3, description = $4, starts_at = $5::timestamptz, \
             expires_at = $6::timestamptz, usage_limit = $7::integer, match_policy = $8, \
             updated_at = now() \
         WHERE merchant_id = $1 AND id = $2",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(p.id),
            Bind::Text(n),
            Bind::OptText(description),
            opt_time(starts_at),
            opt_time(expires_at),
            opt_i32(usage_limit),
            Bind::Text(policy),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    if let Some(rules) = rules {
        Sql::with_binds(
            "DELETE FROM promotion_rules WHERE merchant_id = $1 AND promotion_id = $2",
            vec![Bind::I64(merchant_id), Bind::I64(p.id)],
        )
        .into_query()
        .execute(conn)
        .await?;
        input::insert_rules(conn, merchant_id, p.id, &rules).await?;
    }
    if let Some(actions) = actions {
        Sql::with_binds(
            "DELETE FROM promotion_actions WHERE merchant_id = $1 AND promotion_id = $2",
            vec![Bind::I64(merchant_id), Bind::I64(p.id)],
        )
        .into_query()
        .execute(conn)
        .await?;
        input::insert_actions(conn, merchant_id, p.id, &actions).await?;
    }
    if let Some(c) = new_code {
        // A single-code promotion has one code row: rename it (orders keep pointing at it).
        Sql::with_binds(
            "WITH upd AS (UPDATE coupon_codes SET code = $3 \
                          WHERE merchant_id = $1 AND promotion_id = $2 RETURNING id) \
             INSERT INTO coupon_codes (merchant_id, promotion_id, code) \
             SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM upd)",
            vec![Bind::I64(merchant_id), Bind::I64(p.id), Bind::Text(c)],
        )
        .into_query()
        .execute(conn)
        .await?;
    }
    Ok(Ok(p.id))
}

/// Deletes a promotion with its rules, actions and codes. Refused (IN_USE) while an order holds
/// one of its codes; adjustments of past orders keep their label and amount.
pub async fn delete(conn: &mut AsyncPgConnection, merchant_id: i64, id: &str) -> Result<Written> {
    let p = match find_for_update(conn, merchant_id, id, &Path::field("id")).await? {
        Ok(p) => p,
        Err(e) => return Ok(Err(vec![e])),
    };
    let used: Vec<Count> = Sql::with_binds(
        "SELECT count(*) AS count FROM orders o \
         JOIN coupon_codes cc ON cc.merchant_id = o.merchant_id AND cc.id = o.coupon_code_id \
         WHERE o.merchant_id = $1 AND cc.promotion_id = $2",
        vec![Bind::I64(merchant_id), Bind::I64(p.id)],
    )
    .into_query()
    .load(conn)
    .await?;
    let orders = used.into_iter().next().map(|c| c.count).unwrap_or(0);
    if orders > 0 {
        return Ok(Err(vec![FieldError::new(
            &Path::field("id"),
            code::IN_USE,
            format!("{orders} order(s) hold one of its coupon codes; let it expire instead"),
        )]));
    }
    Sql::with_binds(
        "DELETE FROM promotions WHERE merchant_id = $1 AND id = $2",
        vec![Bind::I64(merchant_id), Bind::I64(p.id)],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(Ok(p.id))
}

async fn touch(conn: &mut AsyncPgConnection, merchant_id: i64, promotion_id: i64) -> Result<()> {
    Sql::with_binds(
        "UPDATE promotions SET updated_at = now() WHERE merchant_id = $1 AND id = $2",
        vec![Bind::I64(merchant_id), Bind::I64(promotion_id)],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}

async fn children_count(
    conn: &mut AsyncPgConnection,
    table: &'static str,
    merchant_id: i64,
    promotion_id: i64,
) -> Result<i64> {
    let rows: Vec<Count> = Sql::from_parts(
        &[
            "SELECT count(*) AS count FROM ",
            table,
            " WHERE merchant_id = $1 AND promotion_id = $2",
        ],
        vec![Bind::I64(merchant_id), Bind::I64(promotion_id)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().map(|c| c.count).unwrap_or(0))
}

/// Adds one rule to a promotion (field paths under `input`).
pub async fn add_rule(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: &str,
    rule: &RuleInput,
) -> Result<Written> {
    let p = match find_for_update(
        conn,
        merchant_id,
        promotion_id,
        &Path::field("promotion_id"),
    )
    .await?
    {
        Ok(p) => p,
        Err(e) => return Ok(Err(vec![e])),
    };
    let root = Path::input();
    let mut errors = Errors::default();
    if children_count(conn, "promotion_rules", merchant_id, p.id).await? >= MAX_PER_PROMOTION as i64
    {
        errors.add(
            &Path::field("promotion_id"),
            code::LIMIT_EXCEEDED,
            format!("a promotion has at most {MAX_PER_PROMOTION} rules"),
        );
        return Ok(Err(errors.0));
    }
    let mut refs = Refs::default();
    let new = input::rule(&mut errors, &mut refs, &root, rule);
    refs.check(conn, merchant_id, &mut errors).await?;
    match new {
        Some(r) if errors.is_empty() => {
            input::insert_rules(conn, merchant_id, p.id, &[r]).await?;
            touch(conn, merchant_id, p.id).await?;
            Ok(Ok(p.id))
        }
        _ => Ok(Err(errors.0)),
    }
}

/// Adds one action to a promotion (field paths under `input`).
pub async fn add_action(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: &str,
    action: &ActionInput,
) -> Result<Written> {
    let p = match find_for_update(
        conn,
        merchant_id,
        promotion_id,
        &Path::field("promotion_id"),
    )
    .await?
    {
        Ok(p) => p,
        Err(e) => return Ok(Err(vec![e])),
    };
    let root = Path::input();
    let mut errors = Errors::default();
    if children_count(conn, "promotion_actions", merchant_id, p.id).await?
        >= MAX_PER_PROMOTION as i64
    {
        errors.add(
            &Path::field("promotion_id"),
            code::LIMIT_EXCEEDED,
            format!("a promotion has at most {MAX_PER_PROMOTION} actions"),
        );
        return Ok(Err(errors.0));
    }
    let mut refs = Refs::default();
    let new = input::action(&mut errors, &mut refs, &root, action);
    refs.check(conn, merchant_id, &mut errors).await?;
    match new {
        Some(a) if errors.is_empty() => {
            input::insert_actions(conn, merchant_id, p.id, &[a]).await?;
            touch(conn, merchant_id, p.id).await?;
            Ok(Ok(p.id))
        }
        _ => Ok(Err(errors.0)),
    }
}

/// Removes a rule (`prr_…`) or an action (`pra_…`); returns its promotion.
pub async fn remove_child(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    kind: Kind,
    id: &str,
) -> Result<Written> {
    let path = Path::field("id");
    let key = match ids::decode(kind, id) {
        Ok(k) => k,
        Err(e) => {
            return Ok(Err(vec![FieldError::new(
                &path,
                code::INVALID,
                e.to_string(),
            )]))
        }
    };
    let table = if kind == Kind::PromotionRule {
        "promotion_rules"
    } else {
        "promotion_actions"
    };
    let rows: Vec<PromotionOf> = Sql::from_parts(
        &[
            "DELETE FROM ",
            table,
            " WHERE merchant_id = $1 AND id = $2 RETURNING promotion_id",
        ],
        vec![Bind::I64(merchant_id), Bind::I64(key)],
    )
    .into_query()
    .load(conn)
    .await?;
    match rows.into_iter().next() {
        Some(r) => {
            touch(conn, merchant_id, r.promotion_id).await?;
            Ok(Ok(r.promotion_id))
        }
        None => Ok(Err(vec![FieldError::new(
            &path,
            code::NOT_FOUND,
            format!("no such {}", kind.noun()),
        )])),
    }
}

/// Generates `number_of_codes` new codes `<prefix><random>` for a coupon_code promotion, which
/// becomes (or stays) a multi-code promotion: its `code_prefix` is the last prefix used and its
/// `number_of_codes` the number of codes it has.
pub async fn generate_codes(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: &str,
    number_of_codes: i32,
    code_prefix: Option<&str>,
) -> Result<std::result::Result<(i64, Generated), Vec<FieldError>>> {
    let p = match find_for_update(
        conn,
        merchant_id,
        promotion_id,
        &Path::field("promotion_id"),
    )
    .await?
    {
        Ok(p) => p,
        Err(e) => return Ok(Err(vec![e])),
    };
    let mut errors = Errors::default();
    if p.kind != "coupon_code" {
        errors.add(
            &Path::field("promotion_id"),
            code::INVALID,
            "only coupon_code promotions have coupon codes",
        );
    }
    let n = i64::from(number_of_codes);
    if n < 1 {
        errors.add(
            &Path::field("number_of_codes"),
            code::OUT_OF_RANGE,
            format!("must be between 1 and {MAX_CODES}"),
        );
    } else if n > MAX_CODES {
        // A request over a size limit is LIMIT_EXCEEDED (README), like a total over it below.
        errors.add(
            &Path::field("number_of_codes"),
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_CODES} codes per promotion, got {n}"),
        );
    }
    let prefix = code_prefix
        .map(|s| s.trim().to_owned())
        .or(p.code_prefix.clone())
        .unwrap_or_default();
    if prefix.is_empty() {
        errors.add(&Path::field("code_prefix"), code::REQUIRED, "is required");
    } else if !codes::is_prefix(&prefix) {
        errors.add(
            &Path::field("code_prefix"),
            code::INVALID,
            "must be 1–32 letters, digits, '_' or '-'",
        );
    }
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let existing = codes::count(conn, merchant_id, p.id).await?;
    if existing + n > MAX_CODES {
        return Ok(Err(vec![FieldError::new(
            &Path::field("number_of_codes"),
            code::LIMIT_EXCEEDED,
            format!(
                "the promotion has {existing} codes; at most {MAX_CODES} in total, so at most {} more",
                MAX_CODES - existing
            ),
        )]));
    }
    let generated = codes::generate(conn, merchant_id, p.id, &prefix, n).await?;
    Sql::with_binds(
        "UPDATE promotions SET multi_codes = true, code_prefix = $3, number_of_codes = $4, \
             updated_at = now() \
         WHERE merchant_id = $1 AND id = $2",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(p.id),
            Bind::Text(prefix),
            Bind::I32(i32::try_from(existing + generated.count).unwrap_or(i32::MAX)),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(Ok((p.id, generated)))
}
