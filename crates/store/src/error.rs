//! The store's one error type and the classification of driver errors into it.

use std::ops::Deref;

use chrono::{DateTime, Utc};
use sea_orm::sqlx::{self, error::ErrorKind};
use sea_orm::{DbErr, RuntimeErr};

use crate::migration::UNIQUE_CONSTRAINTS;
use crate::{DeploymentId, OperationId, UserId};

/// Everything the store can fail with. Each variant's doc says how the server reports it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Start-up configuration error (no HTTP status): the database URL names a backend we do not support.
    #[error(
        "unsupported database URL scheme `{scheme}`: use sqlite:// (SQLite file) or postgres:// / postgresql:// (PostgreSQL)"
    )]
    UnsupportedUrl { scheme: String },

    /// Start-up configuration error (no HTTP status): the database URL could not be parsed.
    #[error("invalid database URL: {reason}")]
    InvalidUrl { reason: String },

    /// HTTP 409: a unique constraint was violated; `field` names the input field that clashed
    /// (`username`, `email`, `name`, `revision`).
    #[error("a record with this {field} already exists")]
    Conflict { field: &'static str },

    /// HTTP 404: the record a change names does not exist (a deleted deployment included).
    #[error("{entity} not found")]
    NotFound { entity: &'static str },

    /// HTTP 409: the change would leave no enabled administrator.
    #[error("the last enabled administrator cannot be demoted or disabled")]
    LastAdmin,

    /// HTTP 409: a live deployment already has this cluster, namespace and name (whoever owns it).
    #[error("deployment {existing} (owner {owner}) already uses this cluster, namespace and name")]
    DeploymentExists {
        existing: DeploymentId,
        owner: UserId,
    },

    /// HTTP 409: the deployment moved past the revision the change was based on (another editor
    /// saved first).
    #[error("revision {expected} is stale: the deployment is at revision {current}")]
    StaleRevision { expected: i32, current: i32 },

    /// HTTP 409 (`operation_in_progress`): another operation holds the deployment's lease.
    #[error(
        "operation {operation} is in progress on this deployment (held by {holder} until {lease_expires_at})"
    )]
    OperationInProgress {
        operation: OperationId,
        holder: String,
        lease_expires_at: DateTime<Utc>,
    },

    /// HTTP 500 when it reaches a handler; for the replica running the operation it means stop:
    /// the operation is finished or another replica took it over after the lease expired.
    #[error("operation {operation} is no longer held by this replica")]
    LeaseLost { operation: OperationId },

    /// HTTP 400: a pagination cursor this store did not issue.
    #[error("invalid cursor")]
    InvalidCursor,

    /// HTTP 503: the database cannot be reached (connection refused, pool timeout, TLS failure,
    /// server shutting down).
    #[error("database unavailable: {0}")]
    Unavailable(#[source] DbErr),

    /// HTTP 500: any other database failure.
    #[error("database error: {0}")]
    Database(#[source] DbErr),

    /// Start-up error (no HTTP status): a migration failed for a reason other than connectivity.
    #[error("database migration failed: {0}")]
    Migration(#[source] DbErr),
}

impl StoreError {
    /// Classifies a migration failure: connectivity stays `Unavailable`, the rest is `Migration`.
    pub(crate) fn from_migration(err: DbErr) -> Self {
        match Self::from(err) {
            StoreError::Database(err) => StoreError::Migration(err),
            other => other,
        }
    }
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        if let Some(field) = conflict_field(&err) {
            return StoreError::Conflict { field };
        }
        if is_unavailable(&err) {
            StoreError::Unavailable(err)
        } else {
            StoreError::Database(err)
        }
    }
}

fn sqlx_error(err: &DbErr) -> Option<&sqlx::Error> {
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => Some(e.deref()),
        _ => None,
    }
}

/// Maps a unique violation to the input field it concerns. PostgreSQL names the violated
/// constraint; SQLite only names the columns in its message ("UNIQUE constraint failed: users.email"),
/// so both spellings are looked up in the one table the migrations also use.
fn conflict_field(err: &DbErr) -> Option<&'static str> {
    let sqlx::Error::Database(db_err) = sqlx_error(err)? else {
        return None;
    };
    if db_err.kind() != ErrorKind::UniqueViolation {
        return None;
    }
    let constraint = db_err.constraint();
    let message = db_err.message();
    UNIQUE_CONSTRAINTS
        .iter()
        .find(|c| match constraint {
            Some(name) => name == c.name,
            None => message
                .rsplit_once(": ")
                .is_some_and(|(_, columns)| columns == c.sqlite_columns),
        })
        .map(|c| c.field)
}

/// Whether the failure is about reaching the database rather than about the statement.
fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        _ => match sqlx_error(err) {
            Some(
                sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed,
            ) => true,
            // SQLSTATE class 08 is "connection exception"; 57P01-57P03 are shutdown / not yet
            // accepting connections: all go away once the server is back.
            Some(sqlx::Error::Database(db_err)) => db_err
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P0")),
            _ => false,
        },
    }
}
