//! Channel writes: create, update, delete, and publishing products on a channel in bulk.
//!
//! Rules: the code follows the table's CHECK (`[A-Z0-9_]{1,32}`) and is unique per merchant
//! (TAKEN); a merchant has at most one default channel, and making one default un-defaults the
//! previous one in the same transaction (serialized per merchant by an advisory lock, so two
//! concurrent requests cannot both leave a default); a channel that orders reference cannot be
//! deleted (IN_USE: the orders' foreign key has no cascade, and their attribution must stay).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::window::{self, Window};
use super::Channel;
use crate::db::savepoint::{self, Failure, Violation};
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, ErrorPolicy, Errors, FieldError, ItemResult, Path, MAX_BULK};
use crate::domain::write::{self, Flag, IdRow, Single};
use crate::error::Result;
use crate::ids::Kind;

/// Fields of a channel to create or change; `None` keeps a field (or takes its default).
#[derive(Debug, Clone, Default)]
pub struct ChannelInput {
    pub code: Option<String>,
    pub name: Option<String>,
    pub active: Option<bool>,
    pub is_default: Option<bool>,
}

/// `[A-Z0-9_]{1,32}`, as the table's CHECK wants (APP, WEB, KIOSK, POS_2).
pub fn is_code(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

struct Fields {
    code: String,
    name: String,
    active: bool,
    is_default: bool,
}

fn validate(
    errors: &mut Errors,
    root: &Path,
    input: &ChannelInput,
    current: Option<&Channel>,
) -> Fields {
    let code_path = root.key("code");
    let code = match (&input.code, current) {
        (Some(c), _) => {
            let c = c.trim();
            if c.is_empty() {
                errors.add(&code_path, code::REQUIRED, "is required");
            } else if !is_code(c) {
                errors.add(
                    &code_path,
                    code::INVALID,
                    "must be 1-32 upper-case letters, digits or underscores, such as WEB",
                );
            }
            c.to_owned()
        }
        (None, Some(ch)) => ch.code.clone(),
        (None, None) => {
            errors.add(&code_path, code::REQUIRED, "is required");
            String::new()
        }
    };
    Fields {
        code,
        name: write::required_text(
            errors,
            &root.key("name"),
            input.name.as_deref(),
            current.map(|c| c.name.as_str()),
            100,
        ),
        active: input.active.unwrap_or(current.is_none_or(|c| c.active)),
        is_default: input
            .is_default
            .unwrap_or(current.is_some_and(|c| c.is_default)),
    }
}

async fn code_taken(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    code: &str,
    except: i64,
) -> Result<bool> {
    let rows: Vec<IdRow> = Sql::with_binds(
        "SELECT id FROM channels WHERE merchant_id = $1 AND code = $2 AND id <> $3",
        vec![
            Bind::I64(merchant_id),
            Bind::Text(code.to_owned()),
            Bind::I64(except),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(!rows.is_empty())
}

/// Un-defaults the merchant's default channel (other than `except`), holding the merchant's
/// channel-default lock until the transaction ends.
async fn take_default(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    except: i64,
) -> std::result::Result<(), Failure> {
    Sql::with_binds(
        "SELECT pg_advisory_xact_lock(hashtextextended('channels.default/' || $1::text, 0))",
        vec![Bind::I64(merchant_id)],
    )
    .into_query()
    .execute(conn)
    .await?;
    Sql::with_binds(
        "UPDATE channels SET is_default = false, updated_at = now() \
         WHERE merchant_id = $1 AND is_default AND id <> $2",
        vec![Bind::I64(merchant_id), Bind::I64(except)],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}

fn violation(root: &Path, v: &Violation) -> Vec<FieldError> {
    let mut errors = Errors::default();
    match v {
        Violation::Unique(c) if c == "channels_one_default" => errors.add(
            &root.key("is_default"),
            code::CONFLICT,
            "another channel became the default meanwhile; retry",
        ),
        Violation::Unique(_) => errors.add(
            &root.key("code"),
            code::TAKEN,
            "another channel has this code",
        ),
        Violation::ForeignKey(_) => errors.add(
            &Path::field("id"),
            code::IN_USE,
            "orders reference this channel; deactivate it instead (active: false)",
        ),
    }
    errors.0
}

/// Creates a channel. Must run inside a transaction.
pub async fn create(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    input: &ChannelInput,
) -> Result<Single> {
    let root = Path::input();
    let mut errors = Errors::default();
    let f = validate(&mut errors, &root, input, None);
    if errors.is_empty() && code_taken(conn, merchant_id, &f.code, 0).await? {
        errors.add(
            &root.key("code"),
            code::TAKEN,
            "another channel has this code",
        );
    }
    if let Err(e) = write::finish(errors) {
        return Ok(Err(e));
    }
    let written = savepoint::attempt(conn, async |c| {
        if f.is_default {
            take_default(c, merchant_id, 0).await?;
        }
        let ids: Vec<IdRow> = Sql::with_binds(
            "INSERT INTO channels (merchant_id, code, name, active, is_default) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            vec![
                Bind::I64(merchant_id),
                Bind::Text(f.code.clone()),
                Bind::Text(f.name.clone()),
                Bind::Bool(f.active),
                Bind::Bool(f.is_default),
            ],
        )
        .into_query()
        .load(c)
        .await?;
        Ok(ids.into_iter().next().map(|r| r.id))
    })
    .await?;
    match written {
        Ok(Some(id)) => Ok(Ok(id)),
        Ok(None) => Err(crate::error::Error::internal(
            "inserted channel not returned",
        )),
        Err(v) => Ok(Err(violation(&root, &v))),
    }
}

/// Finds and locks a channel of the merchant by public ID.
async fn find(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    path: &Path,
) -> Result<std::result::Result<Channel, FieldError>> {
    let mut errors = Errors::default();
    let Some(key) = write::decode(&mut errors, path, Kind::Channel, id) else {
        return Ok(Err(errors.0.remove(0)));
    };
    let rows: Vec<Channel> = Sql::with_binds(
        "SELECT * FROM channels WHERE merchant_id = $1 AND id = $2 FOR UPDATE",
        vec![Bind::I64(merchant_id), Bind::I64(key)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .next()
        .ok_or_else(|| write::not_found(path, Kind::Channel)))
}

/// Whether any store of the merchant has a channel configuration under `code`.
async fn store_configs_under(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    code: &str,
) -> Result<bool> {
    let rows: Vec<IdRow> = Sql::with_binds(
        "SELECT id FROM store_channels WHERE merchant_id = $1 AND channel_code = $2 LIMIT 1",
        vec![Bind::I64(merchant_id), Bind::Text(code.to_owned())],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(!rows.is_empty())
}

/// Changes a channel; omitted fields keep their values. A new code carries the stores'
/// configurations for the channel (`channels.<CODE>` of the store upsert) along with it.
/// Must run inside a transaction.
pub async fn update(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    input: &ChannelInput,
    expected_updated_at: Option<DateTime<Utc>>,
) -> Result<Single> {
    let root = Path::input();
    let mut errors = Errors::default();
    let current = match find(conn, merchant_id, id, &Path::field("id")).await? {
        Ok(c) => c,
        Err(e) => return Ok(Err(vec![e])),
    };
    write::check_unchanged(
        &mut errors,
        &Path::field("expected_updated_at"),
        "channel",
        expected_updated_at,
        current.updated_at,
    );
    let f = validate(&mut errors, &root, input, Some(&current));
    if errors.is_empty()
        && f.code != current.code
        && code_taken(conn, merchant_id, &f.code, current.id).await?
    {
        errors.add(
            &root.key("code"),
            code::TAKEN,
            "another channel has this code",
        );
    }
    let renamed = f.code != current.code;
    if errors.is_empty() && renamed && store_configs_under(conn, merchant_id, &f.code).await? {
        // Store configurations follow their channel's code; a store configured under the new
        // code already would end up with two configurations for one channel.
        errors.add(
            &root.key("code"),
            code::TAKEN,
            "stores already have a channel configuration under this code",
        );
    }
    if let Err(e) = write::finish(errors) {
        return Ok(Err(e));
    }
    let written = savepoint::attempt(conn, async |c| {
        if renamed {
            Sql::with_binds(
                "UPDATE store_channels SET channel_code = $3 WHERE merchant_id = $1 AND channel_code = $2",
                vec![
                    Bind::I64(merchant_id),
                    Bind::Text(current.code.clone()),
                    Bind::Text(f.code.clone()),
                ],
            )
            .into_query()
            .execute(c)
            .await?;
        }
        if f.is_default && !current.is_default {
            take_default(c, merchant_id, current.id).await?;
        }
        Sql::with_binds(
            "UPDATE channels SET code = $3, name = $4, active = $5, is_default = $6, updated_at = now() \
             WHERE merchant_id = $1 AND id = $2",
            vec![
                Bind::I64(merchant_id),
                Bind::I64(current.id),
                Bind::Text(f.code.clone()),
                Bind::Text(f.name.clone()),
                Bind::Bool(f.active),
                Bind::Bool(f.is_default),
            ],
        )
        .into_query()
        .execute(c)
        .await?;
        Ok(())
    })
    .await?;
    Ok(match written {
        Ok(()) => Ok(current.id),
        Err(v) => Err(violation(&root, &v)),
    })
}

/// Deletes a channel, with its publications and the price rules on it. Refused with IN_USE when
/// orders reference it. Must run inside a transaction.
pub async fn delete(conn: &mut AsyncPgConnection, merchant_id: i64, id: &str) -> Result<Single> {
    let id_path = Path::field("id");
    // The row lock makes a concurrent order insert (its foreign-key check) wait for us.
    let channel = match find(conn, merchant_id, id, &id_path).await? {
        Ok(c) => c,
        Err(e) => return Ok(Err(vec![e])),
    };
    let used: Vec<Flag> = Sql::with_binds(
        "SELECT EXISTS (SELECT 1 FROM orders WHERE merchant_id = $1 AND channel_id = $2) AS flag",
        vec![Bind::I64(merchant_id), Bind::I64(channel.id)],
    )
    .into_query()
    .load(conn)
    .await?;
    if used.into_iter().next().is_some_and(|f| f.flag) {
        return Ok(Err(vec![FieldError::new(
            &id_path,
            code::IN_USE,
            "orders reference this channel; deactivate it instead (active: false)",
        )]));
    }
    let written = savepoint::attempt(conn, async |c| {
        Sql::with_binds(
            "DELETE FROM channels WHERE merchant_id = $1 AND id = $2",
            vec![Bind::I64(merchant_id), Bind::I64(channel.id)],
        )
        .into_query()
        .execute(c)
        .await?;
        Ok(())
    })
    .await?;
    Ok(match written {
        Ok(()) => Ok(channel.id),
        Err(v) => Err(violation(&Path::input(), &v)),
    })
}

/// Publishes (with `Some(window)`) or unpublishes (`None`) up to 1,000 products on a channel:
/// one statement to find the products, one multi-row statement to write, whatever the number
/// of products. Publishing a published product sets its window (a start left to now keeps an
/// earlier start: see [`window::UPSERT_SQL`]); unpublishing one that is not published is no
/// error. Malformed, unknown and other merchants' product IDs are item errors with the item's
/// index; a window that ends before it starts is INVALID at `unpublished_at`. Must run inside
/// a transaction.
pub async fn publish(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    channel_id: &str,
    product_ids: &[String],
    publish: Option<Window>,
    policy: ErrorPolicy,
) -> Result<(Vec<ItemResult>, Vec<FieldError>)> {
    let root = Path::input();
    if product_ids.len() > MAX_BULK {
        return Ok((
            Vec::new(),
            vec![FieldError::new(
                &root,
                code::LIMIT_EXCEEDED,
                format!(
                    "at most {MAX_BULK} products per request, got {}",
                    product_ids.len()
                ),
            )],
        ));
    }
    let channel_path = Path::field("channel_id");
    let mut request_errors = Errors::default();
    if let Some(w) = &publish {
        w.check(&mut request_errors, &Path::input(), Utc::now());
    }
    let channel = write::decode(
        &mut request_errors,
        &channel_path,
        Kind::Channel,
        channel_id,
    );
    let mut items: Vec<Errors> = product_ids.iter().map(|_| Errors::default()).collect();
    let keys: Vec<Option<i64>> = product_ids
        .iter()
        .enumerate()
        .map(|(i, id)| write::decode(&mut items[i], &root.index(i), Kind::Product, id))
        .collect();
    // One statement answers both questions: is the channel the merchant's, and which of the
    // products are.
    let wanted: Vec<i64> = keys.iter().flatten().copied().collect();
    let found: Vec<IdRow> = Sql::with_binds(
        "SELECT id FROM products WHERE merchant_id = $1 AND id = ANY($2) AND deleted_at IS NULL \
         UNION ALL SELECT -id FROM channels WHERE merchant_id = $1 AND id = $3",
        vec![
            Bind::I64(merchant_id),
            Bind::I64s(wanted),
            Bind::I64(channel.unwrap_or(0)),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let found: HashSet<i64> = found.into_iter().map(|r| r.id).collect();
    if let Some(ch) = channel {
        if !found.contains(&-ch) {
            request_errors
                .0
                .push(write::not_found(&channel_path, Kind::Channel));
        }
    }
    for (i, k) in keys.iter().enumerate() {
        if let Some(k) = k {
            if !found.contains(k) {
                items[i]
                    .0
                    .push(write::not_found(&root.index(i), Kind::Product));
            }
        }
    }
    let any_item_error = items.iter().any(|e| !e.is_empty());
    let mut ok: Vec<i64> = keys
        .iter()
        .zip(&items)
        .filter(|(_, e)| e.is_empty())
        .filter_map(|(k, _)| *k)
        .collect();
    ok.sort_unstable();
    ok.dedup();
    let write_allowed = request_errors.is_empty()
        && (policy == ErrorPolicy::RejectFailedRows || !any_item_error)
        && !ok.is_empty();
    let mut written = false;
    if let (true, Some(ch)) = (write_allowed, channel) {
        let mut binds = vec![Bind::I64(merchant_id), Bind::I64(ch), Bind::I64s(ok)];
        let sql = match publish {
            Some(w) => {
                binds.push(Bind::OptTime(w.published_at));
                binds.push(Bind::OptTime(w.unpublished_at));
                window::UPSERT_SQL
            }
            None => {
                "DELETE FROM product_publications \
                 WHERE merchant_id = $1 AND channel_id = $2 AND product_id = ANY($3)"
            }
        };
        let result = savepoint::attempt(conn, async |c| {
            Sql::with_binds(sql, binds).into_query().execute(c).await?;
            Ok(())
        })
        .await?;
        match result {
            Ok(()) => written = true,
            // The channel or a product was deleted by a concurrent request after we looked.
            Err(_) => request_errors.add(
                &root,
                code::CONFLICT,
                "the channel or a product was deleted meanwhile; retry",
            ),
        }
    }
    let results = items
        .into_iter()
        .zip(keys)
        .enumerate()
        .map(|(index, (e, k))| ItemResult {
            index,
            id: if written && e.is_empty() { k } else { None },
            errors: e.0,
        })
        .collect();
    Ok((results, request_errors.0))
}
