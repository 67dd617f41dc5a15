//! Coupon codes: the single code of a coupon promotion, and batches of generated codes
//! `<prefix><random>` for multi-code promotions.
//!
//! Uniqueness (per merchant, case-insensitive) is the unique index `coupon_codes_code` on
//! `(merchant_id, lower(code))`; a batch is one multi-row `INSERT … ON CONFLICT DO NOTHING`, and
//! the few codes that collided (with existing codes, or with each other) are topped up in a
//! bounded number of further rounds. The random part uses an upper-case alphabet without the
//! look-alikes 0/O and 1/I, so that codes read aloud or typed survive case-insensitive matching.

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rand::Rng;

use crate::db::sql::{Bind, Count, Sql};
use crate::error::{Error, Result};

/// Most codes one promotion may have (the `number_of_codes` CHECK).
pub const MAX_CODES: i64 = 100_000;
/// How many generated codes a payload shows.
pub const FIRST_PAGE: usize = 100;
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// 32^10 ≈ 1.1e15 possible suffixes: collisions within 100,000 codes are rare, not impossible.
const RANDOM_LEN: usize = 10;
/// Rounds of top-up after collisions before giving up.
const MAX_ROUNDS: usize = 8;

/// A code prefix: `[A-Za-z0-9_-]{1,32}` (the `code_prefix` CHECK).
pub fn is_prefix(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A coupon code: `[A-Za-z0-9_-]{1,64}` (the `code` CHECK).
pub fn is_code(s: &str) -> bool {
    crate::domain::validate::is_external_id(s)
}

/// `n` codes `<prefix><random>`.
pub fn random_codes(prefix: &str, n: usize) -> Vec<String> {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| {
            let mut s = String::with_capacity(prefix.len() + RANDOM_LEN);
            s.push_str(prefix);
            for _ in 0..RANDOM_LEN {
                s.push(ALPHABET[rng.random_range(0..ALPHABET.len())] as char);
            }
            s
        })
        .collect()
}

#[derive(QueryableByName)]
struct Inserted {
    #[diesel(sql_type = sql_types::BigInt)]
    count: i64,
    #[diesel(sql_type = sql_types::Array<sql_types::BigInt>)]
    first_ids: Vec<i64>,
}

/// What a generation wrote.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub count: i64,
    /// The first [`FIRST_PAGE`] codes written, by id.
    pub first_ids: Vec<i64>,
}

/// Inserts `codes` that are free, in one statement; returns how many were written.
async fn insert_batch(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: i64,
    codes: Vec<String>,
) -> Result<Inserted> {
    let rows: Vec<Inserted> = Sql::with_binds(
        "WITH ins AS (
             INSERT INTO coupon_codes (merchant_id, promotion_id, code)
             SELECT $1, $2, c FROM unnest($3::text[]) AS c
             ON CONFLICT DO NOTHING
             RETURNING id)
         SELECT count(*) AS count,
                coalesce((array_agg(id ORDER BY id))[1:100], '{}') AS first_ids
         FROM ins",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(promotion_id),
            Bind::Texts(codes),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().unwrap_or(Inserted {
        count: 0,
        first_ids: Vec::new(),
    }))
}

/// Generates exactly `n` new unique codes for a promotion: one statement per round, rounds
/// bounded. The caller has checked the promotion, the prefix and the total.
pub async fn generate(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: i64,
    prefix: &str,
    n: i64,
) -> Result<Generated> {
    let mut out = Generated::default();
    for _ in 0..MAX_ROUNDS {
        let left = n - out.count;
        if left <= 0 {
            break;
        }
        let codes = random_codes(prefix, usize::try_from(left).unwrap_or(0));
        let batch = insert_batch(conn, merchant_id, promotion_id, codes).await?;
        out.count += batch.count;
        let room = FIRST_PAGE.saturating_sub(out.first_ids.len());
        out.first_ids.extend(batch.first_ids.into_iter().take(room));
    }
    if out.count < n {
        // Practically unreachable; rolls the whole mutation back rather than write a short batch.
        return Err(Error::conflict(
            "code_prefix",
            "could not generate enough unique codes with this prefix; try another prefix",
        ));
    }
    Ok(out)
}

/// How many codes a promotion has.
pub async fn count(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: i64,
) -> Result<i64> {
    let rows: Vec<Count> = Sql::with_binds(
        "SELECT count(*) AS count FROM coupon_codes WHERE merchant_id = $1 AND promotion_id = $2",
        vec![Bind::I64(merchant_id), Bind::I64(promotion_id)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().map(|c| c.count).unwrap_or(0))
}

/// Whether a code is taken (case-insensitively) by another coupon code of the merchant.
pub async fn taken(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    code: &str,
    except_promotion: Option<i64>,
) -> Result<bool> {
    let rows: Vec<Count> = Sql::with_binds(
        "SELECT count(*) AS count FROM coupon_codes \
         WHERE merchant_id = $1 AND lower(code) = lower($2) AND promotion_id <> $3",
        vec![
            Bind::I64(merchant_id),
            Bind::Text(code.to_owned()),
            Bind::I64(except_promotion.unwrap_or(0)),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().is_some_and(|c| c.count > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_prefix_and_a_random_upper_case_suffix() {
        let codes = random_codes("SUMMER-", 1000);
        assert_eq!(codes.len(), 1000);
        for c in &codes {
            assert!(c.starts_with("SUMMER-"));
            assert_eq!(c.len(), 7 + RANDOM_LEN);
            assert!(is_code(c));
            assert!(!c[7..].contains(['0', 'O', '1', 'I']));
        }
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), 1000);
        assert!(is_prefix("a_B-9"));
        assert!(!is_prefix(""));
        assert!(!is_prefix("with space"));
        assert!(!is_prefix(&"x".repeat(33)));
    }
}
