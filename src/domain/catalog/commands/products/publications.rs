//! A product's channel publications in product writes: a new product is published on the
//! channels its input names (`channel_ids`, or `publications` with a window each); an update's
//! `publications` is the whole set, reconciled in one statement: channels listed are published
//! with their window (one already published keeps an earlier start when none is given),
//! channels not listed are unpublished. At most [`MAX_CHANNELS`]; another merchant's channel
//! is NOT_FOUND; a channel listed twice in `publications` is DUPLICATE_IN_REQUEST.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use crate::db::savepoint;
use crate::db::sql::{Bind, Sql};
use crate::domain::channels::window::Window;
use crate::domain::validate::{code, Errors, Path};
use crate::domain::write::{self, IdRow};
use crate::error::{Error, Result};
use crate::ids::Kind;

/// Most channels one product is published on by one write.
pub const MAX_CHANNELS: usize = 100;

/// A channel to publish a product on, within a window.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PublicationInput {
    /// `ch_…`
    pub channel_id: String,
    pub window: Window,
}

/// A checked publication: the channel, its window and where the input named it.
#[derive(Debug, Clone)]
pub(super) struct Wanted {
    pub(super) channel: i64,
    pub(super) window: Window,
    pub(super) path: Path,
}

/// Decodes the publications an input names at `root` (`channel_ids`: published now, a
/// repeated channel once; or `publications`, each with its window): no database.
pub(super) fn decode(
    errors: &mut Errors,
    root: &Path,
    channel_ids: Option<&[String]>,
    publications: Option<&[PublicationInput]>,
    now: DateTime<Utc>,
) -> Vec<Wanted> {
    let (given, path) = match (channel_ids, publications) {
        (Some(_), Some(_)) => {
            errors.add(
                &root.key("publications"),
                code::INVALID,
                "give channel_ids or publications, not both",
            );
            return Vec::new();
        }
        (Some(ids), None) => (ids.len(), root.key("channel_ids")),
        (None, Some(list)) => (list.len(), root.key("publications")),
        (None, None) => return Vec::new(),
    };
    if given > MAX_CHANNELS {
        errors.add(
            &path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_CHANNELS} channels"),
        );
        return Vec::new();
    }
    let mut out: Vec<Wanted> = Vec::with_capacity(given);
    if let Some(ids) = channel_ids {
        for (k, id) in ids.iter().enumerate() {
            let at = path.index(k);
            if let Some(channel) = write::decode(errors, &at, Kind::Channel, id) {
                if !out.iter().any(|w| w.channel == channel) {
                    out.push(Wanted {
                        channel,
                        window: Window::default(),
                        path: at,
                    });
                }
            }
        }
    }
    for (k, p) in publications.unwrap_or_default().iter().enumerate() {
        let item = path.index(k);
        let at = item.key("channel_id");
        p.window.check(errors, &item, now);
        let Some(channel) = write::decode(errors, &at, Kind::Channel, &p.channel_id) else {
            continue;
        };
        if let Some(first) = out.iter().position(|w| w.channel == channel) {
            errors.add(
                &at,
                code::DUPLICATE_IN_REQUEST,
                format!("the same channel is listed at index {first}"),
            );
            continue;
        }
        out.push(Wanted {
            channel,
            window: p.window,
            path: at,
        });
    }
    out
}

/// Marks the channels that are not the merchant's (another merchant's included) NOT_FOUND in
/// the errors of their item (`(item, wanted)`): one statement for all of them, none when no
/// channel is named.
pub(super) async fn check_channels(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    wanted: &[(usize, &Wanted)],
    errors: &mut [Errors],
) -> Result<()> {
    let mut keys: Vec<i64> = wanted.iter().map(|(_, w)| w.channel).collect();
    if keys.is_empty() {
        return Ok(());
    }
    keys.sort_unstable();
    keys.dedup();
    let found: Vec<IdRow> = Sql::with_binds(
        "SELECT id FROM channels WHERE merchant_id = $1 AND id = ANY($2)",
        vec![Bind::I64(merchant_id), Bind::I64s(keys)],
    )
    .into_query()
    .load(conn)
    .await?;
    let found: HashSet<i64> = found.into_iter().map(|r| r.id).collect();
    for &(item, w) in wanted {
        if !found.contains(&w.channel) {
            errors[item]
                .0
                .push(write::not_found(&w.path, Kind::Channel));
        }
    }
    Ok(())
}

/// Runs `sql` with `binds` in a savepoint; a channel deleted since [`check_channels`] fails
/// the whole write on `path` (the transaction rolls back).
async fn attempt(
    conn: &mut AsyncPgConnection,
    sql: &'static str,
    binds: Vec<Bind>,
    path: Path,
) -> Result<()> {
    let done = savepoint::attempt(conn, async |c| {
        Sql::with_binds(sql, binds).into_query().execute(c).await?;
        Ok(())
    })
    .await?;
    done.map_err(|_| Error::BadInput {
        path,
        message: "a channel was deleted meanwhile; retry".into(),
        code: code::NOT_FOUND,
    })
}

/// Publishes new products (`(product, its publications)`): one statement for all of them.
pub(super) async fn insert(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    written: &[(i64, &[Wanted])],
) -> Result<()> {
    let mut rows: Vec<(i64, &Wanted)> = Vec::new();
    for (product, list) in written {
        rows.extend(list.iter().map(|w| (*product, w)));
    }
    let Some(first) = <[_]>::first(&rows).map(|(_, w)| w.path.clone()) else {
        return Ok(());
    };
    let binds = vec![
        Bind::I64(merchant_id),
        Bind::I64s(rows.iter().map(|(_, w)| w.channel).collect()),
        Bind::I64s(rows.iter().map(|(p, _)| *p).collect()),
        Bind::OptTimes(rows.iter().map(|(_, w)| w.window.published_at).collect()),
        Bind::OptTimes(rows.iter().map(|(_, w)| w.window.unpublished_at).collect()),
    ];
    attempt(
        conn,
        "INSERT INTO product_publications \
         (merchant_id, channel_id, product_id, published_at, unpublished_at) \
         SELECT $1, x.c, x.p, coalesce(x.s, now()), x.e \
         FROM unnest($2::bigint[], $3::bigint[], $4::timestamptz[], $5::timestamptz[]) \
              AS x(c, p, s, e) \
         ON CONFLICT DO NOTHING",
        binds,
        first,
    )
    .await
}

/// Makes `wanted` the whole set of `product`'s publications (`path`: the input's list, named
/// when a channel vanished meanwhile): one statement.
pub(super) async fn reconcile(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    product: i64,
    wanted: &[Wanted],
    path: &Path,
) -> Result<()> {
    let binds = vec![
        Bind::I64(merchant_id),
        Bind::I64(product),
        Bind::I64s(wanted.iter().map(|w| w.channel).collect()),
        Bind::OptTimes(wanted.iter().map(|w| w.window.published_at).collect()),
        Bind::OptTimes(wanted.iter().map(|w| w.window.unpublished_at).collect()),
    ];
    let at = wanted
        .first()
        .map_or_else(|| path.clone(), |w| w.path.clone());
    attempt(conn, include_str!("publications.sql"), binds, at).await
}
