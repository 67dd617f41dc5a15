//! A small builder for dynamic SQL with positional binds, for the queries whose shape depends on
//! the request (filters, keyset pages, aggregates). Values are always bound, never interpolated.

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
pub enum Bind {
    I64(i64),
    I64s(Vec<i64>),
    I32(i32),
    Text(String),
    Texts(Vec<String>),
    Time(DateTime<Utc>),
    Decimal(Decimal),
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
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            binds: Vec::new(),
        }
    }

    /// A statement whose text already holds `$1…$n` for `binds` (a sibling `.sql` file).
    pub fn with_binds(text: &str, binds: Vec<Bind>) -> Self {
        Self {
            text: text.to_owned(),
            binds,
        }
    }

    /// Appends literal SQL. Never pass user input here.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.text.push_str(&format!("${}", self.binds.len()));
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn into_query(self) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
        let mut q = diesel::sql_query(self.text).into_boxed::<Pg>();
        for b in self.binds {
            q = match b {
                Bind::I64(v) => q.bind::<sql_types::BigInt, _>(v),
                Bind::I64s(v) => q.bind::<sql_types::Array<sql_types::BigInt>, _>(v),
                Bind::I32(v) => q.bind::<sql_types::Integer, _>(v),
                Bind::Text(v) => q.bind::<sql_types::Text, _>(v),
                Bind::Texts(v) => q.bind::<sql_types::Array<sql_types::Text>, _>(v),
                Bind::Time(v) => q.bind::<sql_types::Timestamptz, _>(v),
                Bind::Decimal(v) => q.bind::<sql_types::Numeric, _>(v),
                Bind::Bool(v) => q.bind::<sql_types::Bool, _>(v),
                Bind::OptText(v) => q.bind::<sql_types::Nullable<sql_types::Text>, _>(v),
                Bind::OptTexts(v) => {
                    q.bind::<sql_types::Array<sql_types::Nullable<sql_types::Text>>, _>(v)
                }
                Bind::Bools(v) => q.bind::<sql_types::Array<sql_types::Bool>, _>(v),
                Bind::Json(v) => q.bind::<sql_types::Jsonb, _>(v),
            };
        }
        q
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
