//! Relay connections over keyset pages: argument checks, opaque cursors and a lazily computed
//! `totalCount` (one `count(*)` only when the client asks for it).

use async_graphql::connection::{Connection, CursorType, Edge};
use async_graphql::{Context, Object, OutputType};
use std::marker::PhantomData;
use std::sync::Arc;

use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};

use super::context::{conn, merchant_id};
use super::errors::{bad_input, GqlResult, IntoGql};
use crate::domain::filter::{
    self, Cursor, Filter, Listable, Page, PageRequest, Sort, SortColumn, SortKey, SortValue,
};
use crate::ids::{self, Kind};
use crate::keys::CursorKey;

/// Largest page a client may ask for.
pub const MAX_PAGE: i32 = 250;
pub const DEFAULT_PAGE: usize = 25;
/// Largest `offset` of a root list: deeper pages are read with cursors, which cost the same at
/// any depth (an offset still makes PostgreSQL read every row it skips).
pub const MAX_OFFSET: i32 = 10_000;

/// `first`/`after`/`last`/`before` as the client sent them.
#[derive(Debug, Default, Clone)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
    /// Rows to skip, forward only.
    pub offset: Option<i32>,
}

#[derive(Serialize, Deserialize)]
struct CursorData {
    /// Sort columns the cursor was made for, comma-separated.
    s: String,
    /// The first column's value in the row.
    v: String,
    /// The values of the other columns (absent for a one-key sort, so cursors issued before
    /// sorts had several keys still read).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    m: Vec<String>,
    /// The row's public ID.
    id: String,
}

/// `created_at,email`: the names of a sort's columns, as cursors carry them.
fn column_names(columns: &[SortColumn]) -> String {
    columns.iter().map(|c| c.name).collect::<Vec<_>>().join(",")
}

/// The cursor of one edge, signed only if the client selects it (`cursor`, `startCursor`,
/// `endCursor`): a page of 250 rows read without cursors costs no signature.
pub struct PageCursor {
    key: CursorKey,
    merchant_id: i64,
    columns: Arc<[SortColumn]>,
    values: Vec<SortValue>,
    id: i64,
    kind: Kind,
}

impl CursorType for PageCursor {
    type Error = &'static str;

    /// Cursors coming back are decoded by [`PageArgs`] (with the merchant and the sort), never
    /// through this.
    fn decode_cursor(_: &str) -> Result<Self, Self::Error> {
        Err("page cursors are decoded by PageArgs")
    }

    fn encode_cursor(&self) -> String {
        let mut values = self.values.iter().map(SortValue::to_raw);
        let data = CursorData {
            s: column_names(&self.columns),
            v: values.next().unwrap_or_default(),
            m: values.collect(),
            id: ids::encode(self.kind, self.id),
        };
        self.key.seal(
            self.merchant_id,
            &serde_json::to_vec(&data).unwrap_or_default(),
        )
    }
}

/// Where a cursor points, as the client gave it back.
struct CursorCheck<'a> {
    key: &'a CursorKey,
    merchant_id: i64,
    columns: &'a [SortColumn],
    kind: Kind,
}

impl CursorCheck<'_> {
    fn decode(&self, arg: &str, raw: &str) -> GqlResult<Cursor> {
        let bad = || {
            bad_input(
                arg,
                "the cursor is invalid: pass a cursor returned by this list, unchanged",
            )
        };
        // A cursor that was edited, truncated or issued to another merchant fails the tag.
        let bytes = self.key.open(self.merchant_id, raw).ok_or_else(bad)?;
        let data: CursorData = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        let names = column_names(self.columns);
        if data.s != names {
            return Err(bad_input(
                arg,
                format!(
                    "the cursor was made for sorting by `{}`, not `{}`",
                    data.s, names
                ),
            ));
        }
        let id = ids::decode(self.kind, &data.id).map_err(|_| bad())?;
        let raw = std::iter::once(&data.v).chain(data.m.iter());
        if data.m.len() + 1 != self.columns.len() {
            return Err(bad());
        }
        let values = self
            .columns
            .iter()
            .zip(raw)
            .map(|(c, v)| filter::parse_sort_value(c.kind, v).map_err(|_| bad()))
            .collect::<GqlResult<Vec<_>>>()?;
        Ok(Cursor { values, id })
    }
}

impl PageArgs {
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        Self {
            first,
            after,
            last,
            before,
            offset: None,
        }
    }

    /// With `offset` rows skipped (root lists only).
    pub fn with_offset(mut self, offset: Option<i32>) -> Self {
        self.offset = offset;
        self
    }

    /// Validates the arguments and decodes the cursors.
    fn to_request(&self, cursors: &CursorCheck<'_>) -> GqlResult<PageRequest> {
        if self.first.is_some() && self.last.is_some() {
            return Err(bad_input(
                "first",
                "pass either `first` or `last`, not both",
            ));
        }
        let size = |arg: &str, v: Option<i32>| -> GqlResult<Option<usize>> {
            match v {
                None => Ok(None),
                Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(Some(n as usize)),
                Some(n) => Err(bad_input(
                    arg,
                    format!("`{arg}` must be between 1 and {MAX_PAGE}, got {n}"),
                )),
            }
        };
        let first = size("first", self.first)?;
        let last = size("last", self.last)?;
        let after = self
            .after
            .as_deref()
            .map(|c| cursors.decode("after", c))
            .transpose()?;
        let before = self
            .before
            .as_deref()
            .map(|c| cursors.decode("before", c))
            .transpose()?;
        let offset = match self.offset {
            None | Some(0) => 0,
            Some(n) if !(0..=MAX_OFFSET).contains(&n) => {
                return Err(bad_input(
                    "offset",
                    format!("`offset` must be between 0 and {MAX_OFFSET}, got {n}: page deeper with `after` cursors"),
                ))
            }
            Some(_) if self.last.is_some() || self.before.is_some() => {
                return Err(bad_input(
                    "offset",
                    "`offset` pages forward only: use it with `first`, not `last` or `before`",
                ))
            }
            Some(n) => n as usize,
        };
        let first = if first.is_none() && last.is_none() {
            Some(DEFAULT_PAGE)
        } else {
            first
        };
        Ok(PageRequest {
            first,
            after,
            last,
            before,
            offset,
        })
    }
}

/// The `count(*)` behind a connection's `totalCount`, whatever the listed row: one GraphQL type
/// (`ConnectionTotals`) serves every connection, so the row type is erased here.
trait Counter: Send + Sync {
    fn count<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        merchant_id: i64,
    ) -> BoxFuture<'a, crate::error::Result<i64>>;
}

/// The rows of `T` a filter matches.
struct CountOf<T: Listable>(Filter<T::Field>, PhantomData<fn() -> T>);

impl<T: Listable> Counter for CountOf<T> {
    fn count<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        merchant_id: i64,
    ) -> BoxFuture<'a, crate::error::Result<i64>> {
        Box::pin(filter::count::<T>(conn, merchant_id, &self.0))
    }
}

/// Fields every connection has besides edges, nodes and pageInfo.
pub struct ConnectionTotals {
    merchant_id: i64,
    count: Box<dyn Counter>,
}

#[Object]
impl ConnectionTotals {
    /// Number of items matching the filter, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> GqlResult<i64> {
        let mut conn = conn(ctx).await?;
        self.count.count(&mut conn, self.merchant_id).await.gql()
    }
}

pub type GqlConnection<N> = Connection<PageCursor, N, ConnectionTotals>;

/// Runs a keyset list and wraps it as a connection of `N` built from each row.
pub async fn list<T, N>(
    ctx: &Context<'_>,
    kind: Kind,
    filter: Filter<T::Field>,
    sort: Sort<T::SortKey>,
    args: &PageArgs,
    wrap: fn(T) -> N,
) -> GqlResult<GqlConnection<N>>
where
    T: Listable,
    N: OutputType,
{
    let merchant_id = merchant_id(ctx)?;
    let key = ctx.data::<CursorKey>()?;
    let columns: Arc<[SortColumn]> = sort.terms().iter().map(|t| t.key.column()).collect();
    let request = args.to_request(&CursorCheck {
        key,
        merchant_id,
        columns: &columns,
        kind,
    })?;
    let page: Page<T> = {
        let mut conn = conn(ctx).await?;
        filter::fetch_page::<T>(&mut conn, merchant_id, &filter, &sort, &request)
            .await
            .gql()?
    };
    let totals = ConnectionTotals {
        merchant_id,
        count: Box::new(CountOf::<T>(filter, PhantomData)),
    };
    let mut connection =
        Connection::with_additional_fields(page.has_previous_page, page.has_next_page, totals);
    let mut sort_values = page.sort_values;
    connection.edges = page
        .items
        .into_iter()
        .map(|row| {
            let values = sort
                .terms()
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    sort_values
                        .get_mut(i)
                        .and_then(|m| m.remove(&row.id()))
                        .unwrap_or_else(|| row.sort_value(t.key))
                })
                .collect();
            let cursor = PageCursor {
                key: key.clone(),
                merchant_id,
                columns: columns.clone(),
                values,
                id: row.id(),
                kind,
            };
            Edge::new(cursor, wrap(row))
        })
        .collect();
    Ok(connection)
}
