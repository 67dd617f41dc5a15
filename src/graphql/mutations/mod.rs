//! Mutations: one object per aggregate, merged into `Mutation`. Conventions (issue #4):
//! payloads carry `userErrors { field code message }` with the field as a path; bulk mutations
//! take up to 1,000 items, run in one transaction and report per-item results with the item's
//! index; `errorPolicy` chooses between all-or-nothing and writing the valid rows; an optional
//! `idempotencyKey` makes a retry return the first result without writing twice.

pub mod addresses;
pub mod catalog;
pub mod channels;
pub mod customer_groups;
pub mod customers;
pub mod fields;
pub mod migrations;
pub mod orders;
pub mod price_lists;
pub mod prices;
pub mod products_bulk;
pub mod promotions;
pub mod publications;
pub mod shop;
mod single;
pub mod stores;

use async_graphql::{Context, Enum, SimpleObject};
use chrono::{DateTime, Utc};
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, TransactionManager};
use futures_util::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::context::{conn, merchant_id};
use super::errors::{GqlResult, IntoGql};
use crate::domain::idempotency;
use crate::domain::validate::{self, code, FieldError, ItemResult, Path};
use crate::error::{Error, Result};
use crate::graphql::guards::EdgeScope;
pub use fields::Arguments;

/// A problem with the input of a mutation.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct UserError {
    /// Path to the offending input field, e.g. `["input", "3", "email"]`.
    pub field: Vec<String>,
    /// Stable machine-readable code (REQUIRED, INVALID, TAKEN, NOT_FOUND, CONFLICT…).
    pub code: String,
    /// Human-readable explanation in English, for staff and logs; branch on `code`, not on this text.
    pub message: String,
    /// Whether `code` reports a malformed input (VALIDATION) or a business rule or the records'
    /// state refusing a well-formed one (RULE); the REST dialects answer 400 and 422 from it.
    pub kind: UserErrorKind,
}

/// The class of a user error's code (`UserError.kind`), fixed per code.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum UserErrorKind {
    /// A field is missing, malformed, out of range or names nothing (REST: 400).
    Validation,
    /// The input is well-formed but a business rule or the current state of the records
    /// refuses it (REST: 422).
    Rule,
}

impl From<validate::Code> for UserErrorKind {
    fn from(code: validate::Code) -> Self {
        match code.kind() {
            validate::ErrorKind::Validation => UserErrorKind::Validation,
            validate::ErrorKind::Rule => UserErrorKind::Rule,
        }
    }
}

/// What a bulk mutation does when some items are invalid.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum ErrorPolicy {
    /// Nothing is written if any item fails (default).
    #[default]
    RejectEverything,
    /// Valid items are written; failed ones are reported.
    RejectFailedRows,
}

impl From<ErrorPolicy> for validate::ErrorPolicy {
    fn from(p: ErrorPolicy) -> Self {
        match p {
            ErrorPolicy::RejectEverything => validate::ErrorPolicy::RejectEverything,
            ErrorPolicy::RejectFailedRows => validate::ErrorPolicy::RejectFailedRows,
        }
    }
}

/// The stored outcome of a mutation: per-item results and request-level errors.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Outcome {
    pub items: Vec<ItemResult>,
    pub errors: Vec<FieldError>,
    /// A refusal of the whole request, already named for GraphQL (see [`rejected`]); never
    /// stored: a refused request writes nothing, its idempotency key included.
    #[serde(skip)]
    pub refusals: Vec<UserError>,
}

impl Outcome {
    /// Every error, item errors first, as `userErrors` of the mutation taking `args`.
    pub fn user_errors(&self, args: &Arguments) -> Vec<UserError> {
        let mut out = args.user_errors(self.items.iter().flat_map(|i| &i.errors));
        out.extend(args.user_errors(&self.errors));
        out.extend(self.refusals.iter().cloned());
        out
    }

    /// Whether the request as a whole was refused or its command reported errors beyond the
    /// items' own.
    pub fn has_request_errors(&self) -> bool {
        !self.errors.is_empty() || !self.refusals.is_empty()
    }

    /// Keys of the rows written, in input order.
    pub fn written(&self) -> Vec<i64> {
        self.items.iter().filter_map(|i| i.id).collect()
    }
}

/// A mutation result `run` stores for idempotent replay, which can also carry a request-level
/// refusal (bad size, reused key, a unique value taken by a concurrent write).
pub trait Stored: Serialize + DeserializeOwned + Send + 'static {
    /// The result of a request refused as a whole with `errors`.
    fn refused(errors: Vec<UserError>) -> Self;
}

impl Stored for Outcome {
    fn refused(refusals: Vec<UserError>) -> Self {
        Outcome {
            refusals,
            ..Outcome::default()
        }
    }
}

/// A request-level error as a result with a user error instead of a GraphQL error, named for
/// the mutation taking `args` ([`Arguments::refusal_field`]).
fn rejected<T: Stored>(args: &Arguments, e: Error) -> GqlResult<T> {
    let (path, code, message) = match e {
        Error::BadInput {
            path,
            message,
            code,
        } => (path, code, message),
        Error::Conflict { path, message } if path == Path::field(IDEMPOTENCY_KEY) => {
            (path, code::IDEMPOTENCY_KEY_REUSED, message)
        }
        Error::Conflict { path, message } => (path, code::TAKEN, message),
        other => return Err(other).gql(),
    };
    Ok(T::refused(vec![UserError {
        field: args.refusal_field(&path),
        code: code.as_str().to_owned(),
        message,
        kind: code.into(),
    }]))
}

/// The argument `run` takes an idempotency key from, as the domain names it.
const IDEMPOTENCY_KEY: &str = crate::domain::idempotency::KEY_FIELD;

/// The `expectedUpdatedAt` of an update that takes it both as an argument (like every
/// single-row update) and, for compatibility, inside its input: either place works; two
/// different values are refused. Errors on it are reported where the caller put it: give the
/// mutation's [`Arguments`] `.from_input_if(EXPECTED_UPDATED_AT, argument.is_none())`.
pub fn expected_at_once(
    argument: Option<DateTime<Utc>>,
    in_input: Option<DateTime<Utc>>,
) -> Result<Option<DateTime<Utc>>> {
    match (argument, in_input) {
        (Some(a), Some(b)) if a != b => Err(Error::bad_input(
            Path::field(EXPECTED_UPDATED_AT),
            "given twice with different values (argument and input.expectedUpdatedAt); give one",
        )),
        (a, b) => Ok(a.or(b)),
    }
}

/// The optimistic-concurrency argument, as the domain names it.
pub const EXPECTED_UPDATED_AT: &str = "expected_updated_at";

/// After a bulk write of about `rows` rows: keeps the planner's statistics of `tables` fresh
/// (see [`crate::db::stats`]). Runs in the background; the response does not wait for it.
pub fn after_bulk_write(ctx: &Context<'_>, tables: &[&'static str], rows: usize) {
    if let Ok(r) = super::context::request(ctx) {
        for table in tables {
            crate::db::stats::wrote(&r.db, table, rows as u64);
        }
    }
}

/// How long an idempotency key is honoured (`Config::idempotency_ttl`), in the schema's data.
#[derive(Clone, Copy, Debug)]
pub struct IdempotencyTtl(pub std::time::Duration);

/// Runs a write in one transaction, honouring an idempotency key: a retry returns the stored
/// outcome; two concurrent requests with one key cannot both write. A key older than the
/// configured [`IdempotencyTtl`] is not honoured (the request runs again and takes the key).
pub async fn run<T, F>(
    ctx: &Context<'_>,
    args: &Arguments,
    operation: &str,
    key: Option<&str>,
    input: &impl Serialize,
    write: F,
) -> GqlResult<T>
where
    T: Stored,
    F: for<'r> FnOnce(&'r mut AsyncPgConnection) -> BoxFuture<'r, Result<T>> + Send + 'static,
{
    let merchant = merchant_id(ctx)?;
    let mut conn = conn(ctx).await?;
    let hash = idempotency::request_hash(input);
    let ttl = ctx
        .data_opt::<IdempotencyTtl>()
        .map(|t| t.0)
        .unwrap_or(crate::config::DEFAULT_IDEMPOTENCY_TTL);
    if let Some(k) = key {
        if let Err(e) = idempotency::validate_key(k) {
            return rejected(args, e);
        }
        match idempotency::lookup(&mut conn, merchant, k, operation, &hash, ttl).await {
            Ok(Some(stored)) => {
                return serde_json::from_value(stored)
                    .map_err(Error::internal)
                    .gql()
            }
            Ok(None) => {}
            Err(e) => return rejected(args, e),
        }
    }
    let result = in_transaction(&mut conn, async |c| {
        let outcome = write(c).await?;
        if let Some(k) = key {
            let value = serde_json::to_value(&outcome).map_err(Error::internal)?;
            if !idempotency::record(c, merchant, k, operation, &hash, &value, ttl).await? {
                return Err(Error::conflict(Path::field(IDEMPOTENCY_KEY), "raced"));
            }
        }
        Ok(outcome)
    })
    .await;
    match (result, key) {
        (Ok(o), _) => Ok(o),
        // A concurrent request with the same key may have committed first; its writes then
        // collide with ours (on the key, or on a unique value it created). Replay its outcome.
        (Err(e), Some(k)) => {
            match idempotency::lookup(&mut conn, merchant, k, operation, &hash, ttl).await {
                Ok(Some(stored)) => serde_json::from_value(stored)
                    .map_err(Error::internal)
                    .gql(),
                _ => rejected(args, e),
            }
        }
        (Err(e), None) => rejected(args, e),
    }
}

/// Runs `body` in a transaction: committed when it succeeds, rolled back otherwise.
async fn in_transaction<T>(
    conn: &mut AsyncPgConnection,
    body: impl AsyncFnOnce(&mut AsyncPgConnection) -> Result<T>,
) -> Result<T> {
    AnsiTransactionManager::begin_transaction(conn).await?;
    match body(conn).await {
        Ok(v) => {
            AnsiTransactionManager::commit_transaction(conn).await?;
            Ok(v)
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(conn).await?;
            Err(e)
        }
    }
}
