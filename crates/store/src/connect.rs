//! Opening the connection pool for the backend the URL names.
//!
//! The sqlx pools are built here rather than by SeaORM's URL dispatch so that every libpq URL
//! parameter (`sslmode` above all) reaches sqlx, `postgresql://` is accepted like `postgres://`,
//! and SQLite gets the pragmas the application relies on.

use std::str::FromStr;
use std::time::Duration;

use sea_orm::sqlx::{
    self,
    pool::PoolOptions,
    postgres::PgConnectOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
};
use sea_orm::{DbErr, RuntimeErr};

use crate::{ConnectOptions, Pool, StoreError};

/// How long a SQLite writer waits for another writer's lock before failing.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub(crate) async fn open_pool(url: &str, options: &ConnectOptions) -> Result<Pool, StoreError> {
    let Some((scheme, _)) = url.split_once(':') else {
        return Err(StoreError::InvalidUrl {
            reason: "expected a URL such as sqlite://data/kubechart.db or postgres://host/db"
                .into(),
        });
    };
    match scheme.to_ascii_lowercase().as_str() {
        "sqlite" => open_sqlite(url, options).await.map(Pool::Sqlite),
        "postgres" | "postgresql" => open_postgres(url, options).await.map(Pool::Postgres),
        _ => Err(StoreError::UnsupportedUrl {
            scheme: scheme.to_owned(),
        }),
    }
}

fn pool_options<DB: sqlx::Database>(options: &ConnectOptions) -> PoolOptions<DB> {
    PoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
}

async fn open_sqlite(url: &str, options: &ConnectOptions) -> Result<sqlx::SqlitePool, StoreError> {
    let connect_options = SqliteConnectOptions::from_str(url)
        .map_err(invalid_url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // NORMAL is durable in WAL mode except for the last commits on power loss.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT);
    if let Some(parent) = connect_options.get_filename().parent()
        && !parent.as_os_str().is_empty()
    {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|err| StoreError::InvalidUrl {
                reason: format!("cannot create directory {}: {err}", parent.display()),
            })?;
    }
    pool_options(options)
        .connect_with(connect_options)
        .await
        .map_err(connect_error)
}

async fn open_postgres(url: &str, options: &ConnectOptions) -> Result<sqlx::PgPool, StoreError> {
    let connect_options = PgConnectOptions::from_str(url).map_err(invalid_url)?;
    pool_options(options)
        .connect_with(connect_options)
        .await
        .map_err(connect_error)
}

fn invalid_url(err: sqlx::Error) -> StoreError {
    StoreError::InvalidUrl {
        reason: err.to_string(),
    }
}

fn connect_error(err: sqlx::Error) -> StoreError {
    StoreError::from(DbErr::Conn(RuntimeErr::SqlxError(err.into())))
}
