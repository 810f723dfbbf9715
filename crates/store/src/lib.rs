//! Persistence for KubeChart: entities, repositories and migrations with one code path for SQLite
//! and PostgreSQL. The backend is chosen from the database URL; everything above this crate sees
//! only [`Store`], the domain types and [`StoreError`].
//!
//! Writes compose: the repository functions in [`users`], [`audit`], [`deployments`] and
//! [`operations`] take any [`ConnectionTrait`], so a caller runs several of them in one
//! [`Store::transaction`] and an audit row commits (or rolls back) with the change it describes.
//!
//! The test suite runs every repository test on a temporary SQLite file and on a fresh PostgreSQL
//! database created on the server named by `KUBECHART_TEST_POSTGRES_URL` (see the `testing`
//! module, behind the `test-util` feature, which the server's tests use too).

pub mod audit;
mod clusters;
mod connect;
pub mod deployments;
pub mod entities;
mod error;
mod ids;
pub mod leadership;
mod lock;
pub mod migration;
pub mod notifications;
pub mod operations;
#[cfg(feature = "test-util")]
pub mod testing;
pub mod tickets;
mod transaction;
pub mod users;

use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{DbErr, sqlx};
use sea_orm_migration::MigratorTrait;

pub use audit::{AuditEvent, AuditFilter, NewAuditEvent};
pub use clusters::{
    Cluster, ClusterDeletion, ClusterSource, ClusterUpdate, ClusterVisibility, NewCluster,
};
pub use deployments::{
    Cursor, Deployment, DeploymentChange, DeploymentFilter, DeploymentPage, DeploymentStatus,
    DeploymentSummary, NewDeployment, Revision, SpecUpdate,
};
pub use error::StoreError;
pub use ids::{AuditEventId, ClusterId, DeploymentId, OperationId, UserId};
pub use notifications::{Listener, Notifications, Received};
pub use operations::{NewOperation, Operation, OperationKind, OperationState};
/// The connection and transaction types repository functions accept, so callers can write their
/// own helpers over them without depending on SeaORM.
pub use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};
pub use users::{AdminUserUpdate, NewUser, ProfileUpdate, Role, User};

/// Which database the store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Pool settings.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Upper bound of open connections in the pool.
    pub max_connections: u32,
    /// How long a query waits for a connection (including connecting) before failing as
    /// `StoreError::Unavailable`; also bounds [`Store::ping`].
    pub acquire_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

/// Connection pool occupancy, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Open connections (idle and in use).
    pub size: u32,
    /// Open connections not in use.
    pub idle: u32,
}

/// The sqlx pool under the SeaORM connection, kept typed for its statistics.
#[derive(Clone, Debug)]
enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Handle to the database. Cloning is cheap and shares the pool.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    pool: Pool,
    ping_timeout: Duration,
}

impl Store {
    /// Opens a pool for `url`: `sqlite://PATH` (the file and its parent directory are created when
    /// missing; WAL journal, foreign keys on) or `postgres://` / `postgresql://` (all libpq URL
    /// parameters, `sslmode` included, are honoured). No migration runs here: see [`Store::migrate`].
    pub async fn connect(url: &str, options: ConnectOptions) -> Result<Store, StoreError> {
        let pool = connect::open_pool(url, &options).await?;
        let db = match &pool {
            Pool::Sqlite(pool) => DatabaseConnection::from(pool.clone()),
            Pool::Postgres(pool) => DatabaseConnection::from(pool.clone()),
        };
        Ok(Store {
            db,
            pool,
            ping_timeout: options.acquire_timeout,
        })
    }

    /// Applies every pending migration; a no-op when the schema is current.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migration::Migrator::up(&self.db, None)
            .await
            .map_err(StoreError::from_migration)
    }

    /// Checks that the database answers, within the acquire timeout. Broken pooled connections are
    /// replaced on the way, so this recovers by itself once the database is back.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match tokio::time::timeout(self.ping_timeout, self.db.ping()).await {
            Ok(result) => result.map_err(StoreError::from),
            Err(_elapsed) => Err(StoreError::Unavailable(DbErr::ConnectionAcquire(
                sea_orm::ConnAcquireErr::Timeout,
            ))),
        }
    }

    /// Current pool occupancy.
    pub fn pool_stats(&self) -> PoolStats {
        let (size, idle) = match &self.pool {
            Pool::Sqlite(pool) => (pool.size(), pool.num_idle()),
            Pool::Postgres(pool) => (pool.size(), pool.num_idle()),
        };
        PoolStats {
            size,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
        }
    }

    /// Closes every connection of the pool (shared by all clones), waiting for checked-out ones.
    pub async fn close(self) {
        if let Err(err) = self.db.close().await {
            tracing::warn!(error = %err, "closing the database pool failed");
        }
    }

    /// The backend behind this store.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }
}

/// The current time at the precision both backends store (PostgreSQL keeps microseconds), so a
/// value returned from a write equals the value read back later.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
