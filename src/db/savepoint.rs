//! Writes that may still hit a unique or foreign-key constraint although the command checked it
//! first (a concurrent transaction committed in between). Running them in a savepoint keeps the
//! surrounding transaction usable, so the command can name the field (TAKEN, IN_USE…) instead of
//! failing the whole request with INTERNAL.

use std::future::Future;

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::error::Error;

/// A constraint the database refused the write for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// A unique constraint or index, by name.
    Unique(String),
    /// A foreign key, by name.
    ForeignKey(String),
}

impl Violation {
    /// The name of the constraint.
    pub fn constraint(&self) -> &str {
        match self {
            Violation::Unique(c) | Violation::ForeignKey(c) => c,
        }
    }
}

/// Why a guarded write failed: a constraint (recoverable) or anything else.
#[derive(Debug)]
pub enum Failure {
    Violation(Violation),
    Error(Error),
}

impl From<DieselError> for Failure {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, ref info) => {
                Failure::Violation(Violation::Unique(
                    info.constraint_name().unwrap_or_default().to_owned(),
                ))
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, ref info) => {
                Failure::Violation(Violation::ForeignKey(
                    info.constraint_name().unwrap_or_default().to_owned(),
                ))
            }
            other => Failure::Error(other.into()),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Error(e)
    }
}

/// The body of an [`attempt`]: an async closure over the connection whose future is `Send`.
/// `AsyncConnection::transaction` requires that, and stable Rust cannot name an async
/// closure's future type to bound it otherwise (diesel-async states its own bound the same way,
/// in a trait it does not export). Every `async |conn| { … }` whose body is `Send` is one.
pub trait Body<'r, T>:
    AsyncFnOnce(&'r mut AsyncPgConnection) -> Result<T, Failure>
    + FnOnce(&'r mut AsyncPgConnection) -> <Self as Body<'r, T>>::Fut
{
    /// The future the closure returns.
    type Fut: Future<Output = Result<T, Failure>> + Send;
}

impl<'r, T, F, Fut> Body<'r, T> for F
where
    F: AsyncFnOnce(&'r mut AsyncPgConnection) -> Result<T, Failure>
        + FnOnce(&'r mut AsyncPgConnection) -> Fut,
    Fut: Future<Output = Result<T, Failure>> + Send,
{
    type Fut = Fut;
}

/// Runs `body` in a savepoint of the current transaction (diesel's nested
/// [`AsyncConnection::transaction`]): released when it succeeds, rolled back when it fails. A
/// constraint violation comes back as `Ok(Err(violation))` with nothing of `body` written; any
/// other failure is an error.
pub async fn attempt<T, F>(
    conn: &mut AsyncPgConnection,
    body: F,
) -> crate::error::Result<Result<T, Violation>>
where
    F: for<'r> Body<'r, T> + Send,
    T: Send,
{
    match conn.transaction(body).await {
        Ok(v) => Ok(Ok(v)),
        Err(Failure::Violation(v)) => Ok(Err(v)),
        Err(Failure::Error(e)) => Err(e),
    }
}
