//! Adding and removing tags on many customers.

use std::collections::{HashMap, HashSet};

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::checks::results;
use super::create::Id;
use super::input::normalize_tags;
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{
    check_batch_size, code, Errors, FieldError, ItemResult, Path, MAX_BULK,
};
use crate::error::Result;
use crate::ids::{self, Kind};

/// Adds (or removes) tags on customers in one statement. Unknown IDs are item errors.
pub async fn change_tags(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    public_ids: &[String],
    tags: &[String],
    add: bool,
) -> Result<(Vec<ItemResult>, Vec<FieldError>)> {
    check_batch_size(public_ids.len(), MAX_BULK, "customers")?;
    let mut tag_errors = Errors::default();
    let tags = normalize_tags(&mut tag_errors, &Path::field("tags"), tags);
    if tags.is_empty() && tag_errors.is_empty() {
        tag_errors.add(
            &Path::field("tags"),
            code::REQUIRED,
            "give at least one tag",
        );
    }
    let root = Path::input();
    let mut errors: Vec<Errors> = public_ids.iter().map(|_| Errors::default()).collect();
    let keys: Vec<Option<i64>> = public_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            ids::decode(Kind::Customer, id)
                .map_err(|e| errors[i].add(&root.index(i), code::INVALID, e.to_string()))
                .ok()
        })
        .collect();
    if !tag_errors.is_empty() || errors.iter().any(|e| !e.is_empty()) {
        return Ok((results(errors, &HashMap::new()), tag_errors.0));
    }
    let sql = if add {
        "UPDATE customers SET tags = ARRAY(SELECT DISTINCT unnest(tags || $3::text[]) ORDER BY 1), updated_at = now() \
         WHERE merchant_id = $1 AND id = ANY($2) RETURNING id"
    } else {
        "UPDATE customers SET tags = ARRAY(SELECT t FROM unnest(tags) AS t WHERE NOT t = ANY($3::text[])), updated_at = now() \
         WHERE merchant_id = $1 AND id = ANY($2) RETURNING id"
    };
    let changed: HashSet<i64> = Sql::with_binds(
        sql,
        vec![
            Bind::I64(merchant_id),
            Bind::I64s(keys.iter().flatten().copied().collect()),
            Bind::Texts(tags),
        ],
    )
    .into_query()
    .load::<Id>(conn)
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect();
    let mut written = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        match k {
            Some(k) if changed.contains(k) => {
                written.insert(i, *k);
            }
            _ => errors[i].add(&root.index(i), code::NOT_FOUND, "no such customer"),
        }
    }
    Ok((results(errors, &written), Vec::new()))
}
