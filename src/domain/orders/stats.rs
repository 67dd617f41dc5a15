//! Dashboard aggregates over orders: counts and sums grouped by channel, store, status, currency
//! and calendar period, computed by one `GROUP BY` statement (DESIGN §6: aggregates are SQL, never
//! paging through rows).

use std::collections::HashSet;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Nullable, Numeric, Text, Timestamptz};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::db::sql::{Bind, Count, Sql};
use crate::domain::filter::{Filter, Listable, Row};
use crate::domain::orders::queries::OrderField;
use crate::domain::orders::Order;
use crate::error::{Error, Result};

/// A calendar period, truncated in a timezone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Week,
    Month,
}

impl Period {
    /// The `date_trunc` field (a fixed literal, never client text).
    pub fn sql(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
        }
    }
}

/// A key orders can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKey {
    Channel,
    Store,
    Status,
    Currency,
    Period(Period),
}

/// Which timestamp places an order in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateField {
    /// `created_at`.
    Created,
    /// `completed_at`; drafts (never completed) fall back to `created_at`.
    #[default]
    Completed,
}

impl DateField {
    fn sql(self) -> &'static str {
        match self {
            DateField::Created => "created_at",
            DateField::Completed => "coalesce(completed_at, created_at)",
        }
    }

    /// Its name in `order_daily_rollups.date_field`.
    fn rollup(self) -> &'static str {
        match self {
            DateField::Created => "created",
            DateField::Completed => "completed",
        }
    }
}

/// What to aggregate: which orders (`filter`), grouped how, periods cut in which timezone.
#[derive(Debug, Clone)]
pub struct StatsQuery {
    pub filter: Filter<OrderField>,
    pub group_by: Vec<GroupKey>,
    /// An IANA name, already checked with [`check_timezone`].
    pub timezone: String,
    pub date_field: DateField,
}

/// One group: its keys (NULL for keys not grouped by) and its figures.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct OrderStatsBucket {
    #[diesel(sql_type = Nullable<BigInt>)]
    pub channel_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub store_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub status: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub currency: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub period: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    #[diesel(sql_type = BigInt)]
    pub item_count: i64,
    #[diesel(sql_type = Numeric)]
    pub total: Decimal,
    #[diesel(sql_type = Numeric)]
    pub average_total: Decimal,
}

/// The whitelisted output columns: (alias, SQL type for the NULL placeholder).
const KEYS: [(&str, &str); 5] = [
    ("channel_id", "bigint"),
    ("store_id", "bigint"),
    ("status", "text"),
    ("currency", "text"),
    ("period", "timestamptz"),
];

fn key_alias(k: GroupKey) -> &'static str {
    match k {
        GroupKey::Channel => "channel_id",
        GroupKey::Store => "store_id",
        GroupKey::Status => "status",
        GroupKey::Currency => "currency",
        GroupKey::Period(_) => "period",
    }
}

/// The group keys of `q`, each once, in the order asked; at most one period.
fn group_keys(q: &StatsQuery) -> Result<Vec<GroupKey>> {
    let mut keys: Vec<GroupKey> = Vec::new();
    for k in &q.group_by {
        if matches!(k, GroupKey::Period(_))
            && keys
                .iter()
                .any(|x| matches!(x, GroupKey::Period(_)) && x != k)
        {
            return Err(Error::bad_input(
                "group_by",
                "group by at most one of DAY, WEEK and MONTH",
            ));
        }
        if !keys.contains(k) {
            keys.push(*k);
        }
    }
    Ok(keys)
}

/// `GROUP BY … ORDER BY …` over the grouped aliases of the inner projection `o`.
fn push_grouping(sql: &mut Sql, grouped: &[&'static str], having: Option<&'static str>) {
    if grouped.is_empty() {
        return;
    }
    sql.push(" GROUP BY ");
    for (i, alias) in grouped.iter().enumerate() {
        sql.push(if i == 0 { "o." } else { ", o." }).push(alias);
    }
    if let Some(h) = having {
        sql.push(" HAVING ").push(h);
    }
    sql.push(" ORDER BY ");
    for (i, alias) in grouped.iter().enumerate() {
        sql.push(if i == 0 { "o." } else { ", o." })
            .push(alias)
            .push(" NULLS LAST");
    }
}

/// The output columns: the grouped keys of `o`, NULL for the others.
fn push_keys(sql: &mut Sql, grouped: &[&'static str]) {
    for (alias, ty) in KEYS {
        if grouped.contains(&alias) {
            sql.push("o.").push(alias).push(", ");
        } else {
            sql.push("NULL::")
                .push(ty)
                .push(" AS ")
                .push(alias)
                .push(", ");
        }
    }
}

/// Whether the daily rollups can answer `q` exactly: no search, filters only on the rollups'
/// dimensions (columns of `order_daily_rollups` named as on `orders`), and periods no finer
/// than a day (always true). The timezone is checked apart.
pub fn rollups_can_answer(q: &StatsQuery) -> bool {
    q.filter.search.is_none()
        && q.filter.predicates.iter().all(|p| {
            matches!(
                p.field,
                OrderField::ChannelId
                    | OrderField::StoreId
                    | OrderField::Status
                    | OrderField::Currency
            )
        })
}

/// The statement of [`order_stats`] over `order_daily_rollups`: the same buckets as
/// [`order_stats_sql`], from one row per (day, channel, store, status, currency).
pub fn order_stats_rollup_sql(merchant_id: i64, q: &StatsQuery) -> Result<Sql> {
    let keys = group_keys(q)?;
    let grouped: Vec<&'static str> = keys.iter().map(|k| key_alias(*k)).collect();
    let mut sql = Sql::new("SELECT ");
    push_keys(&mut sql, &grouped);
    sql.push(
        "coalesce(sum(o.orders), 0)::bigint AS count, \
         coalesce(sum(o.item_count), 0)::bigint AS item_count, \
         coalesce(sum(o.total), 0) AS total, \
         coalesce(round(sum(o.total) / nullif(sum(o.orders), 0), 4), 0) AS average_total \
         FROM (SELECT orders, item_count, total",
    );
    for k in &keys {
        match k {
            GroupKey::Period(p) => {
                // A local calendar day starts at its local midnight; `AT TIME ZONE` turns that
                // wall-clock time into the instant, as the orders path does.
                sql.push(", date_trunc('")
                    .push(p.sql())
                    .push("', day::timestamp) AT TIME ZONE ")
                    .bind(Bind::Text(q.timezone.clone()))
                    .push(" AS period");
            }
            other => {
                sql.push(", ").push(key_alias(*other));
            }
        }
    }
    sql.push(" FROM order_daily_rollups WHERE merchant_id = ")
        .bind(Bind::I64(merchant_id))
        .push(" AND timezone = ")
        .bind(Bind::Text(q.timezone.clone()))
        .push(" AND date_field = '")
        .push(q.date_field.rollup())
        .push("'");
    q.filter.write(&mut sql, &[]);
    sql.push(") AS o");
    // Figures that went back to zero (every order of a bucket deleted) leave rows behind.
    push_grouping(&mut sql, &grouped, Some("sum(o.orders) <> 0"));
    Ok(sql)
}

/// Builds the single statement of [`order_stats`] over the orders themselves: an inner
/// projection of the matching orders (keys computed once, `merchant_id` first) grouped by the
/// requested keys outside.
pub fn order_stats_sql(merchant_id: i64, q: &StatsQuery) -> Result<Sql> {
    let keys = group_keys(q)?;
    let grouped: Vec<&'static str> = keys.iter().map(|k| key_alias(*k)).collect();

    let mut sql = Sql::new("SELECT ");
    push_keys(&mut sql, &grouped);
    sql.push(
        "count(*) AS count, \
         coalesce(sum(o.item_count), 0)::bigint AS item_count, \
         coalesce(sum(o.total), 0) AS total, \
         coalesce(round(avg(o.total), 4), 0) AS average_total \
         FROM (SELECT item_count, total",
    );
    for k in &keys {
        match k {
            GroupKey::Period(p) => {
                // Truncate the local wall-clock time, then turn the local start back into an
                // instant: `AT TIME ZONE` both ways keeps DST days 23 or 25 hours long.
                sql.push(", date_trunc('")
                    .push(p.sql())
                    .push("', ")
                    .push(q.date_field.sql())
                    .push(" AT TIME ZONE ")
                    .bind(Bind::Text(q.timezone.clone()))
                    .push(") AT TIME ZONE ")
                    .bind(Bind::Text(q.timezone.clone()))
                    .push(" AS period");
            }
            other => {
                sql.push(", ").push(key_alias(*other));
            }
        }
    }
    sql.push(" FROM ")
        .push(Order::TABLE)
        .push(" WHERE merchant_id = ")
        .bind(Bind::I64(merchant_id));
    q.filter.write(&mut sql, Order::SEARCH);
    // OFFSET 0 keeps the projection a subquery: the planner then estimates a computed period at
    // a few hundred groups (instead of one per order from the timestamps' statistics) and hashes
    // the groups instead of sorting every order (~2x faster over a million orders).
    sql.push(" OFFSET 0) AS o");
    push_grouping(&mut sql, &grouped, None);
    Ok(sql)
}

/// Whether the merchant keeps daily rollups in `timezone` (always for UTC; others once
/// registered with the SQL function `order_rollups_add_timezone`).
async fn rollups_kept_in(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    timezone: &str,
) -> Result<bool> {
    if timezone == "UTC" {
        return Ok(true);
    }
    let rows: Vec<Count> = Sql::with_binds(
        "SELECT count(*) AS count FROM order_rollup_timezones WHERE merchant_id = $1 AND timezone = $2",
        vec![Bind::I64(merchant_id), Bind::Text(timezone.to_owned())],
    )
    .cached()
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().is_some_and(|c| c.count > 0))
}

/// Counts, item counts, sums and averages of a merchant's orders, grouped as asked, in one
/// statement. Buckets come ordered by their keys (in `group_by` order, NULL keys last). The
/// daily rollups answer when they can (thousands of rows instead of every order); the orders
/// themselves otherwise. Both give the same buckets.
pub async fn order_stats(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    q: &StatsQuery,
) -> Result<Vec<OrderStatsBucket>> {
    let sql = if rollups_can_answer(q) && rollups_kept_in(conn, merchant_id, &q.timezone).await? {
        order_stats_rollup_sql(merchant_id, q)?
    } else {
        order_stats_sql(merchant_id, q)?
    };
    Ok(sql.into_query().load(conn).await?)
}

/// Timezone names PostgreSQL already confirmed: a name checked once costs no further
/// statement. Owned by the application (one per schema), never process-wide, so two apps in one
/// process (the tests) do not see each other's checks in their statement counts.
/// Clones share the set (a write command takes one into its transaction).
#[derive(Debug, Default, Clone)]
pub struct KnownTimezones(std::sync::Arc<Mutex<HashSet<String>>>);

impl KnownTimezones {
    fn contains(&self, tz: &str) -> bool {
        self.0.lock().map(|set| set.contains(tz)).unwrap_or(false)
    }

    fn insert(&self, tz: &str) {
        if let Ok(mut set) = self.0.lock() {
            set.insert(tz.to_owned());
        }
    }
}

/// Refuses a timezone PostgreSQL does not know by name (`pg_timezone_names`), with BAD_USER_INPUT
/// naming `field`. Abbreviations and POSIX offsets are refused too: only IANA names.
pub async fn check_timezone(
    conn: &mut AsyncPgConnection,
    known: &KnownTimezones,
    field: &'static str,
    tz: &str,
) -> Result<()> {
    let bad = || {
        Error::bad_input(
            field,
            format!("unknown timezone {tz:?}: use an IANA name such as \"Europe/Madrid\""),
        )
    };
    if is_known_timezone(conn, known, tz).await? {
        Ok(())
    } else {
        Err(bad())
    }
}

/// Whether PostgreSQL knows `tz` by its IANA name (`pg_timezone_names`); a name confirmed once
/// costs no further statement.
pub async fn is_known_timezone(
    conn: &mut AsyncPgConnection,
    known: &KnownTimezones,
    tz: &str,
) -> Result<bool> {
    if tz.is_empty() || tz.len() > 64 {
        return Ok(false);
    }
    if known.contains(tz) {
        return Ok(true);
    }
    let mut sql = Sql::new("SELECT count(*) AS count FROM pg_timezone_names WHERE name = ");
    sql.bind(Bind::Text(tz.to_owned()));
    let rows: Vec<Count> = sql.into_query().load(conn).await?;
    if rows.into_iter().next().map(|c| c.count).unwrap_or(0) == 0 {
        return Ok(false);
    }
    known.insert(tz);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::sql::Bind;
    use crate::domain::filter::Op;

    fn q(group_by: Vec<GroupKey>) -> StatsQuery {
        StatsQuery {
            filter: Filter::default(),
            group_by,
            timezone: "UTC".into(),
            date_field: DateField::Completed,
        }
    }

    #[test]
    fn no_group_is_one_overall_row() {
        let sql = order_stats_sql(1, &q(vec![])).unwrap();
        assert!(!sql.text().contains("GROUP BY"), "{}", sql.text());
        assert!(sql.text().contains("NULL::bigint AS channel_id"));
    }

    #[test]
    fn groups_by_whitelisted_keys_in_request_order_and_binds_the_timezone() {
        let mut query = q(vec![
            GroupKey::Period(Period::Week),
            GroupKey::Channel,
            GroupKey::Channel,
        ]);
        query
            .filter
            .push(OrderField::Status, Op::Eq(Bind::Text("complete".into())));
        let sql = order_stats_sql(1, &query).unwrap();
        let text = sql.text();
        assert!(text.contains("date_trunc('week', coalesce(completed_at, created_at) AT TIME ZONE $1) AT TIME ZONE $2"), "{text}");
        assert!(text.contains("merchant_id = $3 AND status = $4"), "{text}");
        assert!(
            text.ends_with("GROUP BY o.period, o.channel_id ORDER BY o.period NULLS LAST, o.channel_id NULLS LAST"),
            "{text}"
        );
    }

    #[test]
    fn two_periods_are_refused() {
        let e = order_stats_sql(
            1,
            &q(vec![
                GroupKey::Period(Period::Day),
                GroupKey::Period(Period::Month),
            ]),
        )
        .unwrap_err();
        assert_eq!(e.code(), "BAD_USER_INPUT");
    }
}
