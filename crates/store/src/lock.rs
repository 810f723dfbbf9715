//! Serialising critical sections across connections and processes, the same way on both backends.
//!
//! A transaction that starts by upserting a named row in `store_locks` holds the row lock on
//! PostgreSQL and the database write lock on SQLite until it ends, so a second transaction doing
//! the same waits for the first to commit and then sees its writes. Writing first also keeps SQLite
//! from failing with SQLITE_BUSY when a read transaction tries to upgrade to a write.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::entities::store_locks;

/// The critical sections that need a lock.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LockName {
    /// Deciding whether a new account is the first one (and so becomes admin).
    UserRegistration,
    /// Deciding whether a role or enabled change leaves at least one enabled admin.
    Admins,
    /// Deciding whether a (cluster, namespace, name) is free for a live deployment.
    DeploymentNames,
}

impl LockName {
    fn as_str(self) -> &'static str {
        match self {
            LockName::UserRegistration => "user_registration",
            LockName::Admins => "admins",
            LockName::DeploymentNames => "deployment_names",
        }
    }
}

/// Takes the named lock for the rest of the transaction `txn` runs in; on a bare pool connection
/// it serialises nothing, so callers run inside a transaction.
pub(crate) async fn acquire(txn: &impl ConnectionTrait, name: LockName) -> Result<(), DbErr> {
    let row = store_locks::ActiveModel {
        name: Set(name.as_str().to_owned()),
        acquired_at: Set(crate::now()),
    };
    store_locks::Entity::insert(row)
        .on_conflict(
            OnConflict::column(store_locks::Column::Name)
                .update_column(store_locks::Column::AcquiredAt)
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(())
}
