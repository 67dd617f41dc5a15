//! Generating a batch of coupon codes for a multi-code promotion.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::codes::{self, Generated, MAX_CODES};
use super::lock::find_for_update;
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, Errors, FieldError, Path};
use crate::error::Result;

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
