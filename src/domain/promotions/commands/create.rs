//! Creating a promotion (with its rules, actions and single coupon code), and the field checks
//! `update` shares.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::codes::{self, MAX_CODES};
use super::input::{self, ActionInput, Refs, RuleInput};
use super::lock::Id;
use super::update::{opt_i32, opt_time};
use super::Written;
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, Errors, Patch, Path};
use crate::error::Result;

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

pub(super) fn name(errors: &mut Errors, path: &Path, raw: &str) -> String {
    let n = raw.trim().to_owned();
    errors.length(path, &n, 1, 255);
    n
}

pub(super) fn match_policy(errors: &mut Errors, path: &Path, raw: &str) -> String {
    let p = raw.trim().to_lowercase();
    if p != "all" && p != "any" {
        errors.add(path, code::INVALID, "must be all or any");
    }
    p
}

/// The window and usage limit after the changes.
pub(super) fn window_and_limit(
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
pub(super) async fn single_code(
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
    let given_rules = input.rules.as_deref().unwrap_or_default();
    let given_actions = input.actions.as_deref().unwrap_or_default();
    input::no_ids(
        &mut errors,
        &root.key("rules"),
        given_rules.iter().map(|r| &r.id),
    );
    input::no_ids(
        &mut errors,
        &root.key("actions"),
        given_actions.iter().map(|a| &a.id),
    );
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
