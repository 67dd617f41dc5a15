//! Filters and keyset pages shared by every list query.
//!
//! Each aggregate's `queries` module declares what its lists can be filtered on ([`Field`]) and
//! sorted by ([`SortKey`]), each mapped there to its SQL. The API layers turn their inputs into
//! [`Predicate`]s on those fields (SQL text never comes from a client, nor from an API layer);
//! the domain then builds one SQL statement, always scoped by merchant first.

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use std::collections::HashMap;

use crate::db::sql::{like_escape, Bind, Count, Sql};
use crate::error::{Error, Result};

/// A filterable field of a listed row. Each aggregate's `queries` module declares its fields as
/// an enum and maps each one to its SQL (a column, an expression, or for [`Op::RelatedIn`] and
/// [`Op::NoRelated`] a correlated subquery); the API layers only pick among the variants.
pub trait Field: Copy + std::fmt::Debug + Send + Sync + 'static {
    /// The SQL expression the field compares.
    fn sql(self) -> &'static str;
}

/// One comparison on one field.
#[derive(Debug, Clone)]
pub struct Predicate<F> {
    pub field: F,
    pub op: Op,
}

/// A comparison; values are always bound.
#[derive(Debug, Clone)]
pub enum Op {
    Eq(Bind),
    Ne(Bind),
    /// `= ANY(array)`; the bind must be an array.
    In(Bind),
    /// None of the array's values; like [`Op::Ne`], a field without a value matches.
    NotIn(Bind),
    Gt(Bind),
    Gte(Bind),
    Lt(Bind),
    Lte(Bind),
    /// Case-insensitive substring.
    Contains(String),
    /// Case-insensitive prefix.
    StartsWith(String),
    /// Case-insensitive suffix.
    EndsWith(String),
    IsNull(bool),
    /// Array column holds all of these values.
    HasAll(Vec<String>),
    /// Array column holds at least one of these values.
    HasAny(Vec<String>),
    /// Equality ignoring case (emails).
    EqIgnoreCase(String),
    /// One of these values ignoring case, already lowered (see [`Op::in_ignore_case`]):
    /// `lower(field) = ANY(array)`, which the `lower(…)` unique indexes serve.
    InIgnoreCase(Vec<String>),
    /// None of these values ignoring case, already lowered.
    NotInIgnoreCase(Vec<String>),
    /// A related row exists whose key is one of these (the bind is an array): the field's SQL is
    /// a correlated subquery its domain wrote, ending with the compared key,
    /// `SELECT 1 FROM t WHERE t.merchant_id = x.merchant_id AND t.parent = x.id AND t.key`,
    /// written as `EXISTS (<field> = ANY(array))`.
    RelatedIn(Bind),
    /// No related row has one of these keys (`NOT EXISTS`); same field shape.
    RelatedNotIn(Bind),
    /// `true`: no related row at all (`NOT EXISTS`); `false`: at least one. Same field shape
    /// as [`Op::RelatedIn`].
    NoRelated(bool),
}

impl Op {
    /// [`Op::InIgnoreCase`] of `values`, lowered once here rather than per statement.
    pub fn in_ignore_case(values: &[String]) -> Op {
        Op::InIgnoreCase(values.iter().map(|s| s.to_lowercase()).collect())
    }
}

/// A conjunction of predicates on fields `F` plus an optional free-text search over the listed
/// row's search columns ([`Listable::SEARCH`]).
#[derive(Debug, Clone)]
pub struct Filter<F> {
    pub predicates: Vec<Predicate<F>>,
    pub search: Option<String>,
}

impl<F> Default for Filter<F> {
    fn default() -> Self {
        Self {
            predicates: Vec::new(),
            search: None,
        }
    }
}

impl<F: Field> Filter<F> {
    /// Adds the condition `op` on `field`.
    pub fn push(&mut self, field: F, op: Op) {
        self.predicates.push(Predicate { field, op });
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

    /// Appends ` AND …` for every predicate to `sql`, then the search over `search_columns`.
    pub fn write(&self, sql: &mut Sql, search_columns: &[&'static str]) {
        for p in &self.predicates {
            sql.push(" AND ");
            let c = p.field.sql();
            match &p.op {
                Op::Eq(v) => sql.push(c).push(" = ").bind(v.clone()),
                Op::Ne(v) => sql.push(c).push(" IS DISTINCT FROM ").bind(v.clone()),
                Op::In(v) => sql.push(c).push(" = ANY(").bind(v.clone()).push(")"),
                // `IS NOT TRUE` keeps rows without a value, as `IS DISTINCT FROM` does for `Ne`.
                Op::NotIn(v) => sql
                    .push("(")
                    .push(c)
                    .push(" = ANY(")
                    .bind(v.clone())
                    .push(")) IS NOT TRUE"),
                Op::Gt(v) => sql.push(c).push(" > ").bind(v.clone()),
                Op::Gte(v) => sql.push(c).push(" >= ").bind(v.clone()),
                Op::Lt(v) => sql.push(c).push(" < ").bind(v.clone()),
                Op::Lte(v) => sql.push(c).push(" <= ").bind(v.clone()),
                Op::Contains(s) => sql
                    .push(c)
                    .push(" ILIKE ")
                    .bind(Bind::Text(format!("%{}%", like_escape(s)))),
                Op::StartsWith(s) => sql
                    .push(c)
                    .push(" ILIKE ")
                    .bind(Bind::Text(format!("{}%", like_escape(s)))),
                Op::EndsWith(s) => sql
                    .push(c)
                    .push(" ILIKE ")
                    .bind(Bind::Text(format!("%{}", like_escape(s)))),
                Op::IsNull(true) => sql.push(c).push(" IS NULL"),
                Op::IsNull(false) => sql.push(c).push(" IS NOT NULL"),
                Op::HasAll(v) => sql.push(c).push(" @> ").bind(Bind::Texts(v.clone())),
                Op::HasAny(v) => sql.push(c).push(" && ").bind(Bind::Texts(v.clone())),
                Op::EqIgnoreCase(s) => sql
                    .push("lower(")
                    .push(c)
                    .push(") = lower(")
                    .bind(Bind::Text(s.clone()))
                    .push(")"),
                Op::InIgnoreCase(v) => sql
                    .push("lower(")
                    .push(c)
                    .push(") = ANY(")
                    .bind(Bind::Texts(v.clone()))
                    .push(")"),
                Op::NotInIgnoreCase(v) => sql
                    .push("(lower(")
                    .push(c)
                    .push(") = ANY(")
                    .bind(Bind::Texts(v.clone()))
                    .push(")) IS NOT TRUE"),
                Op::RelatedNotIn(v) => sql
                    .push("NOT EXISTS (")
                    .push(c)
                    .push(" = ANY(")
                    .bind(v.clone())
                    .push("))"),
                Op::RelatedIn(v) => sql
                    .push("EXISTS (")
                    .push(c)
                    .push(" = ANY(")
                    .bind(v.clone())
                    .push("))"),
                // The key of a related row is never null: `IS NOT NULL` only closes the clause.
                Op::NoRelated(true) => sql.push("NOT EXISTS (").push(c).push(" IS NOT NULL)"),
                Op::NoRelated(false) => sql.push("EXISTS (").push(c).push(" IS NOT NULL)"),
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
                sql.push(col)
                    .push(" ILIKE ")
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

/// A sortable column: its name in cursors, its SQL and the kind of value cursors hold for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortColumn {
    /// The name cursors carry (stable: cursors issued earlier name it).
    pub name: &'static str,
    pub sql: &'static str,
    pub kind: SortKind,
}

/// The kind of value a sort column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKind {
    Time,
    Text,
    Decimal,
}

/// A key a list can be sorted by. Each aggregate's `queries` module declares its keys as an
/// enum mapped to a [`SortColumn`] (and an index serving it); the API layers only pick among
/// the variants.
pub trait SortKey: Copy + std::fmt::Debug + Send + Sync + 'static {
    /// The key's column.
    fn column(self) -> SortColumn;
}

/// The order of a list: one or more keys, each ascending or descending, most significant
/// first; ties are broken by id in the direction of the last key.
#[derive(Debug, Clone)]
pub struct Sort<K> {
    terms: Vec<SortTerm<K>>,
}

/// Most keys a sort may have.
pub const MAX_SORT_TERMS: usize = 4;

/// One key of a [`Sort`] and its direction.
#[derive(Debug, Clone, Copy)]
pub struct SortTerm<K> {
    pub key: K,
    pub descending: bool,
}

/// Why a sort cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortError {
    /// No key at all.
    Empty,
    /// More than [`MAX_SORT_TERMS`] keys.
    TooMany,
    /// The same key twice (by its cursor name).
    Repeated(&'static str),
}

impl std::fmt::Display for SortError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SortError::Empty => f.write_str("give at least one sort key"),
            SortError::TooMany => write!(f, "at most {MAX_SORT_TERMS} sort keys"),
            SortError::Repeated(name) => write!(f, "the sort key `{name}` is given twice"),
        }
    }
}

impl<K: SortKey> Sort<K> {
    /// Sorted by `key`, descending or not.
    pub fn new(key: K, descending: bool) -> Self {
        Sort {
            terms: vec![SortTerm { key, descending }],
        }
    }

    /// Sorted by `terms`, most significant first: 1 to [`MAX_SORT_TERMS`] distinct keys.
    pub fn of(terms: Vec<SortTerm<K>>) -> Result<Self, SortError> {
        if terms.is_empty() {
            return Err(SortError::Empty);
        }
        if terms.len() > MAX_SORT_TERMS {
            return Err(SortError::TooMany);
        }
        for (i, t) in terms.iter().enumerate() {
            let name = t.key.column().name;
            if terms[..i].iter().any(|o| o.key.column().name == name) {
                return Err(SortError::Repeated(name));
            }
        }
        Ok(Sort { terms })
    }

    /// The sort's terms, most significant first.
    pub fn terms(&self) -> &[SortTerm<K>] {
        &self.terms
    }

    /// The most significant key.
    pub fn key(&self) -> K {
        self.terms[0].key
    }

    /// Whether the most significant key is descending.
    pub fn descending(&self) -> bool {
        self.terms[0].descending
    }

    /// The direction of the id that breaks ties: the last key's.
    fn id_descending(&self) -> bool {
        self.terms.last().is_some_and(|t| t.descending)
    }
}

/// Position after/before which a page starts: the row's value of each sort term, and its key.
#[derive(Debug, Clone)]
pub struct Cursor {
    pub values: Vec<SortValue>,
    pub id: i64,
}

/// Which page to read. `first` and `last` are validated (1..=max) by the caller.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub first: Option<usize>,
    pub after: Option<Cursor>,
    pub last: Option<usize>,
    pub before: Option<Cursor>,
    /// Rows skipped before the page (page-numbered clients; bounded by the caller). The
    /// skipped rows are still read by PostgreSQL: cursors are the fast path.
    pub offset: usize,
}

#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    /// For each sort term, the items' values by key when the rows do not hold them (see
    /// [`Listable::holds_sort_value`]); empty otherwise.
    pub sort_values: Vec<HashMap<i64, SortValue>>,
}

/// A row of a merchant-scoped table, loadable by key.
pub trait Row: QueryableByName<Pg> + Send + 'static {
    /// The table (or view) the rows come from.
    const TABLE: &'static str;
    fn id(&self) -> i64;
}

/// A row that can be listed with keyset pagination, filtered on its [`Field`]s and sorted by
/// its [`SortKey`]s.
pub trait Listable: Row {
    /// What the list can be filtered on.
    type Field: Field;
    /// What the list can be sorted by.
    type SortKey: SortKey;
    /// Columns the free-text `search` looks in.
    const SEARCH: &'static [&'static str] = &[];
    /// The row's value of `key`, as cursors hold it.
    fn sort_value(&self, key: Self::SortKey) -> SortValue;
    /// Whether the row holds the value of `key`. A key computed from other tables (a price's
    /// product name) does not: [`fetch_page`] then reads the page's values with one more
    /// statement, into [`Page::sort_values`].
    fn holds_sort_value(_key: Self::SortKey) -> bool {
        true
    }
}

/// A row that belongs to a parent through a foreign key column (a loader reads all children
/// of many parents in one statement).
pub trait ChildOf: Row {
    /// The foreign key column naming the parent.
    const PARENT_COLUMN: &'static str;
    /// The row's parent key.
    fn parent_id(&self) -> i64;
}

/// A row listed "first N per parent" (collections too large to load whole: a price list's
/// prices, a promotion's codes), and the column naming its parent.
pub trait TopChild: Row {
    /// The foreign key column naming the parent.
    const TOP_PARENT_COLUMN: &'static str;
}

/// Reads one keyset page: `WHERE merchant AND filter AND (sort, id) beyond the cursor
/// ORDER BY sort, id LIMIT n+1`. The extra row tells whether another page exists.
pub async fn fetch_page<T: Listable>(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    filter: &Filter<T::Field>,
    sort: &Sort<T::SortKey>,
    page: &PageRequest,
) -> Result<Page<T>> {
    let backward = page.last.is_some() && page.first.is_none();
    let limit = if backward { page.last } else { page.first }.unwrap_or(25);
    // Each ordered column with its direction; the id breaks ties last.
    let mut columns: Vec<(&'static str, bool)> = sort
        .terms()
        .iter()
        .map(|t| (t.key.column().sql, t.descending))
        .collect();
    columns.push(("id", sort.id_descending()));
    let mut sql = Sql::new("SELECT * FROM ");
    sql.push(T::TABLE)
        .push(" WHERE merchant_id = ")
        .bind(Bind::I64(merchant_id));
    filter.write(&mut sql, T::SEARCH);
    for (cursor, flip) in [(&page.after, false), (&page.before, true)] {
        if let Some(c) = cursor {
            if c.values.len() + 1 != columns.len() {
                return Err(crate::error::Error::bad_input(
                    crate::domain::validate::Path::field(if flip { "before" } else { "after" }),
                    "the cursor was made for another sort",
                ));
            }
            let mut values: Vec<Bind> = c.values.iter().map(SortValue::bind).collect();
            values.push(Bind::I64(c.id));
            beyond(&mut sql, &columns, values, flip);
        }
    }
    // Reading backwards walks the order the other way and flips the rows afterwards.
    sql.push(" ORDER BY ");
    for (i, (col, desc)) in columns.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push(col)
            .push(if *desc != backward { " DESC" } else { " ASC" });
    }
    sql.push(" LIMIT ").bind(Bind::I64(limit as i64 + 1));
    if page.offset > 0 {
        sql.push(" OFFSET ").bind(Bind::I64(page.offset as i64));
    }
    let mut items: Vec<T> = filter.cache(sql).into_query().load(conn).await?;
    let more = items.len() > limit;
    items.truncate(limit);
    let mut sort_values = Vec::with_capacity(sort.terms().len());
    for t in sort.terms() {
        sort_values.push(if T::holds_sort_value(t.key) || items.is_empty() {
            HashMap::new()
        } else {
            let ids: Vec<i64> = items.iter().map(Row::id).collect();
            derived_sort_values::<T>(conn, merchant_id, t.key.column(), ids).await?
        });
    }
    if backward {
        items.reverse();
        Ok(Page {
            items,
            has_next_page: page.before.is_some(),
            has_previous_page: more,
            sort_values,
        })
    } else {
        Ok(Page {
            items,
            has_next_page: more,
            has_previous_page: page.after.is_some() || page.offset > 0,
            sort_values,
        })
    }
}

/// ` AND <the row comes after the cursor's values>` in the order of `columns` (or before
/// them when `flip`). One direction for all: a row comparison `(a, b, id) > ($1, $2, $3)`,
/// which an index on `(merchant_id, a, b, id)` serves. Mixed: `a > $1 OR (a = $1 AND b < $2)
/// OR (a = $1 AND b = $2 AND id < $3)`.
fn beyond(sql: &mut Sql, columns: &[(&'static str, bool)], values: Vec<Bind>, flip: bool) {
    let after = |desc: bool| if desc != flip { " < " } else { " > " };
    let same = columns.iter().all(|(_, d)| *d == columns[0].1);
    if same {
        sql.push(" AND (");
        for (i, (col, _)) in columns.iter().enumerate() {
            sql.push(if i > 0 { ", " } else { "" }).push(col);
        }
        sql.push(")").push(after(columns[0].1)).push("(");
        for (i, v) in values.into_iter().enumerate() {
            sql.push(if i > 0 { ", " } else { "" }).bind(v);
        }
        sql.push(")");
        return;
    }
    sql.push(" AND (");
    for i in 0..columns.len() {
        sql.push(if i > 0 { " OR (" } else { "(" });
        for (j, (col, _)) in columns[..i].iter().enumerate() {
            sql.push(col)
                .push(" = ")
                .bind(values[j].clone())
                .push(" AND ");
        }
        sql.push(columns[i].0)
            .push(after(columns[i].1))
            .bind(values[i].clone())
            .push(")");
    }
    sql.push(")");
}

/// The values of a sort column the rows do not hold, for the page's rows: one statement.
async fn derived_sort_values<T: Listable>(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    column: SortColumn,
    ids: Vec<i64>,
) -> Result<HashMap<i64, SortValue>> {
    #[derive(QueryableByName)]
    struct Value {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        v: Option<String>,
    }
    let mut sql = Sql::new("SELECT id, (");
    sql.push(column.sql)
        .push(")::text AS v FROM ")
        .push(T::TABLE)
        .push(" WHERE merchant_id = ")
        .bind(Bind::I64(merchant_id))
        .push(" AND id = ANY(")
        .bind(Bind::I64s(ids))
        .push(")");
    let rows: Vec<Value> = sql.cached().into_query().load(conn).await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        if let Some(v) = r.v {
            out.insert(r.id, parse_sort_value(column.kind, &v)?);
        }
    }
    Ok(out)
}

/// `count(*)` of the rows a filter matches.
pub async fn count<T: Listable>(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    filter: &Filter<T::Field>,
) -> Result<i64> {
    let mut sql = Sql::new("SELECT count(*) AS count FROM ");
    sql.push(T::TABLE)
        .push(" WHERE merchant_id = ")
        .bind(Bind::I64(merchant_id));
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

/// The children of each of `parents`, in id order.
pub async fn by_parents<T: ChildOf>(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    parents: &[i64],
) -> Result<Vec<T>> {
    by_column(conn, merchant_id, T::PARENT_COLUMN, parents).await
}

/// The rows whose `column` (the key or a foreign key its module declared) is one of `keys`.
async fn by_column<T: Row>(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    column: &'static str,
    keys: &[i64],
) -> Result<Vec<T>> {
    let mut sql = Sql::new("SELECT * FROM ");
    sql.push(T::TABLE)
        .push(" WHERE merchant_id = ")
        .bind(Bind::I64(merchant_id));
    match keys {
        // One key (a lookup by id, one parent) gets its own statement with a scalar parameter.
        // A prepared `= ANY($2)` is costed for an array of unknown length, so for a single key
        // the custom plan always looks cheaper and PostgreSQL plans it again on every execution
        // (btcostestimate and friends were most of the backend's CPU of an `order(id:)`); with
        // `= $2` the generic plan costs the same and is kept after five executions.
        [key] => sql
            .push(" AND ")
            .push(column)
            .push(" = ")
            .bind(Bind::I64(*key)),
        _ => sql
            .push(" AND ")
            .push(column)
            .push(" = ANY(")
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
    let mut sql = Sql::new("SELECT count(*) AS count FROM ");
    sql.push(table)
        .push(" WHERE merchant_id = ")
        .bind(Bind::I64(merchant_id));
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
