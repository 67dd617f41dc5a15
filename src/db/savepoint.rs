//! Writes that may still hit a unique or foreign-key constraint although the command checked it
//! first (a concurrent transaction committed in between). Running them in a savepoint keeps the
//! surrounding transaction usable, so the command can name the field (TAKEN, IN_USE…) instead of
//! failing the whole request with INTERNAL.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, TransactionManager};

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

/// Runs `body` in a savepoint of the current transaction: released when it succeeds, rolled back
/// when it fails. A constraint violation comes back as `Ok(Err(violation))` with nothing of
/// `body` written; any other failure is an error.
pub async fn attempt<T>(
    conn: &mut AsyncPgConnection,
    body: impl AsyncFnOnce(&mut AsyncPgConnection) -> Result<T, Failure>,
) -> crate::error::Result<Result<T, Violation>> {
    AnsiTransactionManager::begin_transaction(conn).await?;
    match body(conn).await {
        Ok(v) => {
            AnsiTransactionManager::commit_transaction(conn).await?;
            Ok(Ok(v))
        }
        Err(f) => {
            AnsiTransactionManager::rollback_transaction(conn).await?;
            match f {
                Failure::Violation(v) => Ok(Err(v)),
                Failure::Error(e) => Err(e),
            }
        }
    }
}
