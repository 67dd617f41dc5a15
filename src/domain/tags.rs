//! Tags of customers and products: the shared checks of a tag list, adding and removing tags
//! on many records at once, and the distinct tags a merchant uses per kind of record.

use std::collections::{HashMap, HashSet};

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::sql::{like_escape, Bind, Sql};
use crate::domain::validate::{
    check_batch_size, code, Errors, FieldError, ItemResult, Path, MAX_BULK,
};
use crate::error::Result;
use crate::ids::{self, Kind};

/// Most tags one record carries.
pub const MAX_TAGS: usize = 250;

/// Most tags [`distinct`] returns.
pub const MAX_LISTED: i64 = 1000;

/// The kinds of records that carry tags, each with the table that holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taggable {
    Customer,
    Product,
}

impl Taggable {
    fn table(self) -> &'static str {
        match self {
            Taggable::Customer => "customers",
            Taggable::Product => "products",
        }
    }

    fn kind(self) -> Kind {
        match self {
            Taggable::Customer => Kind::Customer,
            Taggable::Product => Kind::Product,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Taggable::Customer => "customer",
            Taggable::Product => "product",
        }
    }
}

/// Trims each tag, checks its length (1–64) and drops duplicates; at most [`MAX_TAGS`].
pub fn normalize(errors: &mut Errors, path: &Path, tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, t) in tags.iter().enumerate() {
        let t = t.trim();
        if errors.length(&path.index(i), t, 1, 64) && !out.iter().any(|x| x == t) {
            out.push(t.to_owned());
        }
    }
    if out.len() > MAX_TAGS {
        errors.add(
            path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_TAGS} tags"),
        );
    }
    out
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
}

/// Adds (or removes) `tags` on the records `public_ids` of kind `of` in one statement; the
/// tag arrays stay sorted and distinct. Unknown IDs (or another merchant's) are item errors
/// (NOT_FOUND at `[i]`); errors of the tags themselves come second. Nothing is written when
/// either has an error, so the caller's transaction may commit whatever is returned.
pub async fn change(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    of: Taggable,
    public_ids: &[String],
    tags: &[String],
    add: bool,
) -> Result<(Vec<ItemResult>, Vec<FieldError>)> {
    check_batch_size(public_ids.len(), MAX_BULK, &format!("{}s", of.noun()))?;
    let mut tag_errors = Errors::default();
    let tags = normalize(&mut tag_errors, &Path::field("tags"), tags);
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
            ids::decode(of.kind(), id)
                .map_err(|e| errors[i].add(&root.index(i), code::INVALID, e.to_string()))
                .ok()
        })
        .collect();
    if !tag_errors.is_empty() || errors.iter().any(|e| !e.is_empty()) {
        return Ok((results(errors, &HashMap::new()), tag_errors.0));
    }
    let set = if add {
        " SET tags = ARRAY(SELECT DISTINCT unnest(tags || $3::text[]) ORDER BY 1), updated_at = now()"
    } else {
        " SET tags = ARRAY(SELECT t FROM unnest(tags) AS t WHERE NOT t = ANY($3::text[])), updated_at = now()"
    };
    let mut sql = Sql::with_binds(
        "UPDATE ",
        vec![
            Bind::I64(merchant_id),
            Bind::I64s(keys.iter().flatten().copied().collect()),
            Bind::Texts(tags),
        ],
    );
    sql.push(of.table())
        .push(set)
        .push(" WHERE merchant_id = $1 AND id = ANY($2) RETURNING id");
    let changed: HashSet<i64> = sql
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
            _ => errors[i].add(
                &root.index(i),
                code::NOT_FOUND,
                format!("no such {}", of.noun()),
            ),
        }
    }
    // An unknown ID refuses the whole call: undo the others.
    if errors.iter().any(|e| !e.is_empty()) {
        return Err(crate::error::Error::BadInput {
            path: errors
                .iter()
                .flat_map(|e| e.0.iter())
                .next()
                .map(|e| e.path.clone())
                .unwrap_or_default(),
            message: format!("no such {}", of.noun()),
            code: code::NOT_FOUND,
        });
    }
    Ok((results(errors, &written), Vec::new()))
}

fn results(errors: Vec<Errors>, written: &HashMap<usize, i64>) -> Vec<ItemResult> {
    errors
        .into_iter()
        .enumerate()
        .map(|(index, e)| ItemResult {
            index,
            id: written.get(&index).copied(),
            errors: e.0,
        })
        .collect()
}

#[derive(QueryableByName)]
struct Tag {
    #[diesel(sql_type = sql_types::Text)]
    tag: String,
}

/// The distinct tags the merchant's records of kind `of` carry, A to Z, at most `limit`
/// (capped at [`MAX_LISTED`]); `search` keeps those containing it, ignoring case.
pub async fn distinct(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    of: Taggable,
    search: Option<&str>,
    limit: i64,
) -> Result<Vec<String>> {
    let pattern = search
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| format!("%{}%", like_escape(s)));
    let mut sql = Sql::with_binds(
        "SELECT DISTINCT t AS tag FROM ",
        vec![
            Bind::I64(merchant_id),
            Bind::OptText(pattern),
            Bind::I64(limit.clamp(1, MAX_LISTED)),
        ],
    );
    sql.push(of.table()).push(
        " CROSS JOIN LATERAL unnest(tags) AS t WHERE merchant_id = $1 \
         AND ($2::text IS NULL OR t ILIKE $2) ORDER BY 1 LIMIT $3",
    );
    Ok(sql
        .into_query()
        .load::<Tag>(conn)
        .await?
        .into_iter()
        .map(|t| t.tag)
        .collect())
}
