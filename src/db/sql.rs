//! A small builder for dynamic SQL with positional binds, for the queries whose shape depends on
//! the request (filters, keyset pages, aggregates). Values are always bound, never interpolated.
//!
//! Every piece of SQL text the builder takes is a `&'static str`: a literal, an `include_str!`
//! file, or a constant a domain module chose (a column of a typed sort key or filter field).
//! Text made at run time (`format!`, a client's string) is not `'static`, so the compiler, not a
//! review, refuses it: a value can only reach a statement through [`Sql::bind`].

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types;
use diesel::QueryResult;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
pub enum Bind {
    I64(i64),
    I64s(Vec<i64>),
    I32(i32),
    I32s(Vec<i32>),
    Text(String),
    Texts(Vec<String>),
    Time(DateTime<Utc>),
    Times(Vec<DateTime<Utc>>),
    /// A nullable time.
    OptTime(Option<DateTime<Utc>>),
    /// Nullable times, one per row of an `unnest`.
    OptTimes(Vec<Option<DateTime<Utc>>>),
    Decimal(Decimal),
    Decimals(Vec<Decimal>),
    Bool(bool),
    /// A nullable text.
    OptText(Option<String>),
    /// Nullable texts, one per row of an `unnest`.
    OptTexts(Vec<Option<String>>),
    Bools(Vec<bool>),
    Json(serde_json::Value),
}

#[derive(Debug, Default, Clone)]
pub struct Sql {
    text: String,
    binds: Vec<Bind>,
    /// Whether the connection may keep the statement prepared (see [`Sql::cached`]).
    cached: bool,
}

impl Sql {
    /// A statement starting with `text`.
    pub fn new(text: &'static str) -> Self {
        Self {
            text: text.to_owned(),
            binds: Vec::new(),
            cached: false,
        }
    }

    /// A statement whose text already holds `$1…$n` for `binds` (a sibling `.sql` file).
    pub fn with_binds(text: &'static str, binds: Vec<Bind>) -> Self {
        Self {
            text: text.to_owned(),
            binds,
            cached: false,
        }
    }

    /// A statement whose text is `parts` joined (each `'static`: literals and constants a
    /// module chose, such as a table name or a lock strength) and already holds `$1…$n` for
    /// `binds`.
    pub fn from_parts(parts: &[&'static str], binds: Vec<Bind>) -> Self {
        Self {
            text: parts.concat(),
            binds,
            cached: false,
        }
    }

    /// Lets each connection prepare this statement once and reuse it. An unprepared statement
    /// costs two round trips (Parse/Describe, then Bind/Execute) and a fresh parse and plan in
    /// PostgreSQL; a prepared one costs one round trip. Only for statements whose text comes
    /// from a bounded set of shapes (loaders, lookups by id, unfiltered pages): every distinct
    /// text stays prepared for the life of the connection.
    pub fn cached(mut self) -> Self {
        self.cached = true;
        self
    }

    /// Appends SQL text: only `'static` text (see the module doc), never a value.
    pub fn push(&mut self, text: &'static str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        use std::fmt::Write as _;
        self.binds.push(value);
        // Writing into the text directly: no temporary string per placeholder.
        let _ = write!(self.text, "${}", self.binds.len());
        self
    }

    /// The statement's text so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The statement, ready for diesel-async's `load`/`execute`.
    pub fn into_query(self) -> Statement {
        Statement(self)
    }
}

/// A built [`Sql`] ready to run with diesel-async's `load`/`execute`: rows come back by name
/// (`QueryableByName`), like `diesel::sql_query`, but the statement can be kept prepared.
#[derive(Debug, Clone)]
pub struct Statement(Sql);

impl QueryId for Statement {
    type QueryId = ();
    // The text varies at run time: diesel keys its statement cache by the SQL text instead.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Statement {
    type SqlType = sql_types::Untyped;
}

impl QueryFragment<Pg> for Statement {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        if !self.0.cached {
            out.unsafe_to_cache_prepared();
        }
        out.push_sql(&self.0.text);
        // The text already holds `$1…$n`; only the values are passed (as `sql_query` does).
        for b in &self.0.binds {
            match b {
                Bind::I64(v) => out.push_bind_param_value_only::<sql_types::BigInt, _>(v)?,
                Bind::I64s(v) => out.push_bind_param_value_only::<sql_types::Array<sql_types::BigInt>, _>(v)?,
                Bind::I32(v) => out.push_bind_param_value_only::<sql_types::Integer, _>(v)?,
                Bind::I32s(v) => out.push_bind_param_value_only::<sql_types::Array<sql_types::Integer>, _>(v)?,
                Bind::Text(v) => out.push_bind_param_value_only::<sql_types::Text, _>(v)?,
                Bind::Texts(v) => out.push_bind_param_value_only::<sql_types::Array<sql_types::Text>, _>(v)?,
                Bind::Time(v) => out.push_bind_param_value_only::<sql_types::Timestamptz, _>(v)?,
                Bind::Times(v) => out.push_bind_param_value_only::<sql_types::Array<sql_types::Timestamptz>, _>(v)?,
                Bind::OptTime(v) => out
                    .push_bind_param_value_only::<sql_types::Nullable<sql_types::Timestamptz>, _>(v)?,
                Bind::OptTimes(v) => out.push_bind_param_value_only::<
                    sql_types::Array<sql_types::Nullable<sql_types::Timestamptz>>,
                    _,
                >(v)?,
                Bind::Decimal(v) => out.push_bind_param_value_only::<sql_types::Numeric, _>(v)?,
                Bind::Decimals(v) => out.push_bind_param_value_only::<sql_types::Array<sql_types::Numeric>, _>(v)?,
                Bind::Bool(v) => out.push_bind_param_value_only::<sql_types::Bool, _>(v)?,
                Bind::OptText(v) => {
                    out.push_bind_param_value_only::<sql_types::Nullable<sql_types::Text>, _>(v)?
                }
                Bind::OptTexts(v) => out.push_bind_param_value_only::<
                    sql_types::Array<sql_types::Nullable<sql_types::Text>>,
                    _,
                >(v)?,
                Bind::Bools(v) => out.push_bind_param_value_only::<sql_types::Array<sql_types::Bool>, _>(v)?,
                Bind::Json(v) => out.push_bind_param_value_only::<sql_types::Jsonb, _>(v)?,
            }
        }
        Ok(())
    }
}

/// `count(*)` rows.
#[derive(diesel::QueryableByName, Debug)]
pub struct Count {
    #[diesel(sql_type = sql_types::BigInt)]
    pub count: i64,
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
