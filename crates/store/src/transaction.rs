//! One transaction around several repository calls, committed only when all of them succeed.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

use crate::{Store, StoreError};

impl Store {
    /// The pool, for calling repository functions outside a transaction (single reads and
    /// single-statement writes).
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Runs `work` in one transaction: committed when it returns `Ok`, rolled back when it returns
    /// `Err` (or panics, or its future is dropped). The error type is the caller's, so a service can
    /// fail with its own error from inside.
    ///
    /// ```no_run
    /// # use kubechart_store::{audit, users, NewAuditEvent, NewUser, Store, StoreError};
    /// # async fn example(store: &Store, new: NewUser) -> Result<(), StoreError> {
    /// let user = store
    ///     .transaction(async |tx| {
    ///         let user = users::register(tx, new).await?;
    ///         audit::record(tx, NewAuditEvent::user(Some(user.id), "user.register", user.id,
    ///             serde_json::json!({}))).await?;
    ///         Ok::<_, StoreError>(user)
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn transaction<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: AsyncFnOnce(&DatabaseTransaction) -> Result<T, E>,
        E: From<StoreError>,
    {
        let txn = begin_write(&self.db).await.map_err(StoreError::from)?;
        let value = work(&txn).await?;
        txn.commit().await.map_err(StoreError::from)?;
        Ok(value)
    }
}

/// Begins a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`BEGIN IMMEDIATE`): a transaction that read first and then wrote would fail with SQLITE_BUSY
/// if another writer committed in between, and waiting for the lock up front is what makes a
/// read-check-write sequence (the last-admin rule, the name rule) race-free. PostgreSQL ignores the
/// mode; there the critical sections take row locks (see `crate::lock`).
pub(crate) async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}
