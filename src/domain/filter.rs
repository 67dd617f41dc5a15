//! Filters and keyset pages shared by every list query.
//!
//! The GraphQL layer turns typed filter inputs into [`Predicate`]s on columns that each domain
//! module whitelists (a column name never comes from the client). The domain then builds one
//! SQL statement, always scoped by merchant first.

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::db::sql::{like_escape, Bind, Count, Sql};
use crate::error::{Error, Result};

/// One comparison on one whitelisted column (an SQL expression chosen by the domain).
#[derive(Debug, Clone)]
pub struct Predicate {
    pub column: &'static str,
    pub op: Op,
}

#[derive(Debug, Clone)]
pub enum Op {
    Eq(Bind),
    Ne(Bind),
    /// `= ANY(array)`; the bind must be an array.
    In(Bind),
    Gt(Bind),
    Gte(Bind),
    Lt(Bind),
    Lte(Bind),
    /// Case-insensitive substring.
    Contains(String),
    /// Case-insensitive prefix.
    StartsWith(String),
    IsNull(bool),
    /// Array column holds all of these values.
    HasAll(Vec<String>),
    /// Array column holds at least one of these values.
    HasAny(Vec<String>),
    /// Equality ignoring case (emails).
    EqIgnoreCase(String),
    /// A related row exists whose key is one of these (the bind is an array): the column is a
    /// correlated subquery the domain wrote, ending with the compared key,
    /// `SELECT 1 FROM t WHERE t.merchant_id = x.merchant_id AND t.parent = x.id AND t.key`,
    /// written as `EXISTS (<column> = ANY(array))`.
    RelatedIn(Bind),
    /// `true`: no related row at all (`NOT EXISTS`); `false`: at least one. Same column shape
    /// as [`Op::RelatedIn`].
    NoRelated(bool),
}

/// A conjunction of predicates plus an optional free-text search over `search_columns`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub predicates: Vec<Predicate>,
    pub search: Option<String>,
}

impl Filter {
    pub fn push(&mut self, column: &'static str, op: Op) {
        self.predicates.push(Predicate { column, op });
    }

    /// No predicate and no search: the statement's text then depends only on the sort and the
    /// cursor, a bounded set of shapes that connections can keep prepared.
    pub fn is_empty(&self) -> bool {
        self.predicates.is_empty() && self.search.is_none()
    }

    /// `sql` marked [`Sql::cached`] when this filter adds nothing to its text.
    pub fn cache(&self, sql: Sql) -> Sql {
        if self.is_empty() {
            sql.cached()
        } else {
            sql
        }
    }

    /// Appends ` AND …` for every predicate to `sql`.
    pub fn write(&self, sql: &mut Sql, search_columns: &[&str]) {
        for p in &self.predicates {
            sql.push(" AND ");
            let c = p.column;
            match &p.op {
                Op::Eq(v) => sql.push(&format!("{c} = ")).bind(v.clone()),
                Op::Ne(v) => sql.push(&format!("{c} IS DISTINCT FROM ")).bind(v.clone()),
                Op::In(v) => sql.push(&format!("{c} = ANY(")).bind(v.clone()).push(")"),
                Op::Gt(v) => sql.push(&format!("{c} > ")).bind(v.clone()),
                Op::Gte(v) => sql.push(&format!("{c} >= ")).bind(v.clone()),
                Op::Lt(v) => sql.push(&format!("{c} < ")).bind(v.clone()),
                Op::Lte(v) => sql.push(&format!("{c} <= ")).bind(v.clone()),
                Op::Contains(s) => sql
                    .push(&format!("{c} ILIKE "))
                    .bind(Bind::Text(format!("%{}%", like_escape(s)))),
                Op::StartsWith(s) => sql
                    .push(&format!("{c} ILIKE "))
                    .bind(Bind::Text(format!("{}%", like_escape(s)))),
                Op::IsNull(true) => sql.push(&format!("{c} IS NULL")),
                Op::IsNull(false) => sql.push(&format!("{c} IS NOT NULL")),
                Op::HasAll(v) => sql.push(&format!("{c} @> ")).bind(Bind::Texts(v.clone())),
                Op::HasAny(v) => sql.push(&format!("{c} && ")).bind(Bind::Texts(v.clone())),
                Op::EqIgnoreCase(s) => sql
                    .push(&format!("lower({c}) = lower("))
                    .bind(Bind::Text(s.clone()))
                    .push(")"),
                Op::RelatedIn(v) => sql
                    .push(&format!("EXISTS ({c} = ANY("))
                    .bind(v.clone())
                    .push("))"),
                // The key of a related row is never null: `IS NOT NULL` only closes the clause.
                Op::NoRelated(true) => sql.push(&format!("NOT EXISTS ({c} IS NOT NULL)")),
                Op::NoRelated(false) => sql.push(&format!("EXISTS ({c} IS NOT NULL)")),
            };
        }
        if let Some(term) = self
            .search
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let pattern = format!("%{}%", like_escape(term));
            sql.push(" AND (");
            for (i, col) in search_columns.iter().enumerate() {
                if i > 0 {
                    sql.push(" OR ");
                }
                sql.push(&format!("{col} ILIKE "))
                    .bind(Bind::Text(pattern.clone()));
            }
            sql.push(")");
        }
    }
}

/// The value of the sort column of one row, as stored in a cursor.
#[derive(Debug, Clone, PartialEq)]
pub enum SortValue {
    Time(DateTime<Utc>),
    Text(String),
    Decimal(Decimal),
}

impl SortValue {
    fn bind(&self) -> Bind {
        match self {
            SortValue::Time(t) => Bind::Time(*t),
            SortValue::Text(s) => Bind::Text(s.clone()),
            SortValue::Decimal(d) => Bind::Decimal(*d),
        }
    }
}

/// The sort value of a missing start (`starts_at` unset: since always), 0001-01-01T00:00:00Z;
/// SQL: `coalesce(col, timestamptz '0001-01-01 00:00:00+00')`.
pub fn time_before_all() -> DateTime<Utc> {
    chrono::NaiveDate::from_ymd_opt(1, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The sort value of a missing end (`expires_at`/`ends_at` unset: never), 9999-12-31T23:59:59Z;
/// SQL: `coalesce(col, timestamptz '9999-12-31 23:59:59+00')`.
pub fn time_after_all() -> DateTime<Utc> {
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .map(|n| n.and_utc())
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// A sortable column: its SQL and the kind of value cursors hold for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortColumn {
    pub name: &'static str,
    pub sql: &'static str,
    pub kind: SortKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKind {
    Time,
    Text,
    Decimal,
}

#[derive(Debug, Clone, Copy)]
pub struct Sort {
    pub column: SortColumn,
    pub descending: bool,
}

impl Sort {
    /// The sort a client asked for (`field`, descending?) or the default, with each field
    /// mapped to its whitelisted column.
    pub fn by<F, D: IsDescending>(
        asked: Option<(F, D)>,
        default: (F, D),
        column: impl Fn(F) -> SortColumn,
    ) -> Sort {
        let (field, direction) = asked.unwrap_or(default);
        Sort {
            column: column(field),
            descending: direction.is_descending(),
        }
    }
}

/// A direction enum of the API layer.
pub trait IsDescending {
    fn is_descending(&self) -> bool;
}

/// Position after/before which a page starts: the sort value and key of a row.
#[derive(Debug, Clone)]
pub struct Cursor {
    pub value: SortValue,
    pub id: i64,
}

/// Which page to read. `first` and `last` are validated (1..=max) by the caller.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub first: Option<usize>,
    pub after: Option<Cursor>,
    pub last: Option<usize>,
    pub before: Option<Cursor>,
}

#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
}

/// A row of a merchant-scoped table, loadable by key.
pub trait Row: QueryableByName<Pg> + Send + 'static {
    /// The table (or view) the rows come from.
    const TABLE: &'static str;
    fn id(&self) -> i64;
}

/// A row that can be listed with keyset pagination.
pub trait Listable: Row {
    /// Columns the free-text `search` looks in.
    const SEARCH: &'static [&'static str] = &[];
    fn sort_value(&self, column: SortColumn) -> SortValue;
}

/// Reads one keyset page: `WHERE merchant AND filter AND (sort, id) beyond the cursor
/// ORDER BY sort, id LIMIT n+1`. The extra row tells whether another page exists.
pub async fn fetch_page<T: Listable>(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    filter: &Filter,
    sort: Sort,
    page: &PageRequest,
) -> Result<Page<T>> {
    let backward = page.last.is_some() && page.first.is_none();
    let limit = if backward { page.last } else { page.first }.unwrap_or(25);
    // Reading backwards walks the index the other way and flips the rows afterwards.
    let descending = sort.descending != backward;
    let mut sql = Sql::new(&format!("SELECT * FROM {} WHERE merchant_id = ", T::TABLE));
    sql.bind(Bind::I64(merchant_id));
    filter.write(&mut sql, T::SEARCH);
    let cmp = |desc: bool| if desc { "<" } else { ">" };
    let col = sort.column.sql;
    if let Some(c) = &page.after {
        sql.push(&format!(" AND ({col}, id) {} (", cmp(sort.descending)))
            .bind(c.value.bind())
            .push(", ")
            .bind(Bind::I64(c.id))
            .push(")");
    }
    if let Some(c) = &page.before {
        sql.push(&format!(" AND ({col}, id) {} (", cmp(!sort.descending)))
            .bind(c.value.bind())
            .push(", ")
            .bind(Bind::I64(c.id))
            .push(")");
    }
    let dir = if descending { "DESC" } else { "ASC" };
    sql.push(&format!(" ORDER BY {col} {dir}, id {dir} LIMIT "))
        .bind(Bind::I64(limit as i64 + 1));
    let mut items: Vec<T> = filter.cache(sql).into_query().load(conn).await?;
    let more = items.len() > limit;
    items.truncate(limit);
    if backward {
        items.reverse();
        Ok(Page {
            items,
            has_next_page: page.before.is_some(),
            has_previous_page: more,
        })
    } else {
        Ok(Page {
            items,
            has_next_page: more,
            has_previous_page: page.after.is_some(),
        })
    }
}

/// `count(*)` of the rows a filter matches.
pub async fn count<T: Listable>(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    filter: &Filter,
) -> Result<i64> {
    let mut sql = Sql::new(&format!(
        "SELECT count(*) AS count FROM {} WHERE merchant_id = ",
        T::TABLE
    ));
    sql.bind(Bind::I64(merchant_id));
    filter.write(&mut sql, T::SEARCH);
    let rows: Vec<Count> = filter.cache(sql).into_query().load(conn).await?;
    Ok(rows.into_iter().next().map(|c| c.count).unwrap_or(0))
}

/// The rows of `ids` that belong to the merchant, in no particular order.
pub async fn by_ids<T: Row>(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    ids: &[i64],
) -> Result<Vec<T>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    by_column(conn, merchant_id, "id", ids).await
}

/// The rows whose `column` (a whitelisted foreign key) is one of `keys`.
pub async fn by_column<T: Row>(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    column: &'static str,
    keys: &[i64],
) -> Result<Vec<T>> {
    let mut sql = Sql::new(&format!("SELECT * FROM {} WHERE merchant_id = ", T::TABLE));
    sql.bind(Bind::I64(merchant_id));
    match keys {
        // One key (a lookup by id, one parent) gets its own statement with a scalar parameter.
        // A prepared `= ANY($2)` is costed for an array of unknown length, so for a single key
        // the custom plan always looks cheaper and PostgreSQL plans it again on every execution
        // (btcostestimate and friends were most of the backend's CPU of an `order(id:)`); with
        // `= $2` the generic plan costs the same and is kept after five executions.
        [key] => sql.push(&format!(" AND {column} = ")).bind(Bind::I64(*key)),
        _ => sql
            .push(&format!(" AND {column} = ANY("))
            .bind(Bind::I64s(keys.to_vec()))
            .push(")"),
    };
    sql.push(" ORDER BY id");
    Ok(sql.cached().into_query().load(conn).await?)
}

/// Parses the text form of a cursor value of a column of `kind`.
pub fn parse_sort_value(kind: SortKind, raw: &str) -> Result<SortValue> {
    let bad = || Error::bad_input("cursor", "the cursor is invalid");
    Ok(match kind {
        SortKind::Time => SortValue::Time(
            DateTime::parse_from_rfc3339(raw)
                .map_err(|_| bad())?
                .with_timezone(&Utc),
        ),
        SortKind::Text => SortValue::Text(raw.to_owned()),
        SortKind::Decimal => SortValue::Decimal(raw.parse().map_err(|_| bad())?),
    })
}

impl SortValue {
    pub fn to_raw(&self) -> String {
        match self {
            SortValue::Time(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            SortValue::Text(s) => s.clone(),
            SortValue::Decimal(d) => d.to_string(),
        }
    }
}

/// `count(*)` of a merchant's rows in a whitelisted table.
pub async fn count_table(
    conn: &mut AsyncPgConnection,
    table: &'static str,
    merchant_id: i64,
) -> Result<i64> {
    let mut sql = Sql::new(&format!(
        "SELECT count(*) AS count FROM {table} WHERE merchant_id = "
    ));
    sql.bind(Bind::I64(merchant_id));
    let rows: Vec<Count> = sql.into_query().load(conn).await?;
    Ok(rows.into_iter().next().map(|c| c.count).unwrap_or(0))
}

/// Implements [`Row`] for a model whose key field is `id`.
#[macro_export]
macro_rules! impl_row {
    ($t:ty, $table:literal) => {
        impl $crate::domain::filter::Row for $t {
            const TABLE: &'static str = $table;
            fn id(&self) -> i64 {
                self.id
            }
        }
    };
}
