//! PostgreSQL `LISTEN`/`NOTIFY`: short messages from one replica to every other replica on the same
//! database, delivered after the sending statement commits and in the order one sender sent them.
//! Nothing is stored: a listener that is not connected when a message is sent never gets it, and
//! says so (see [`Received::Reconnected`]). SQLite has no such thing and serves one replica.

use sea_orm::sqlx::{
    self,
    postgres::{PgListener, PgPoolOptions},
};
use sea_orm::{DbErr, RuntimeErr};

use crate::{Pool, Store, StoreError};

/// Sends and listens on the database's notification channels.
#[derive(Clone, Debug)]
pub struct Notifications {
    pool: sqlx::PgPool,
}

/// What a listener heard.
#[derive(Debug)]
pub enum Received {
    /// A message's payload.
    Message(String),
    /// The connection was lost and is listening again: messages sent in between are lost.
    Reconnected,
}

/// Listens on one channel.
pub struct Listener {
    inner: PgListener,
}

impl Store {
    /// The notification channels of a PostgreSQL database; `None` on SQLite.
    pub fn notifications(&self) -> Option<Notifications> {
        match &self.pool {
            Pool::Postgres(pool) => Some(Notifications { pool: pool.clone() }),
            Pool::Sqlite(_) => None,
        }
    }
}

impl Notifications {
    /// Sends `payload` (under 8000 bytes, PostgreSQL's limit) to every listener of `channel`.
    pub async fn send(&self, channel: &str, payload: &str) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(&self.pool)
            .await
            .map_err(sqlx_error)?;
        Ok(())
    }

    /// Connects and starts listening on `channel`, over a connection of its own that queries do
    /// not wait for, with the store's connection settings.
    pub async fn listen(&self, channel: &str) -> Result<Listener, StoreError> {
        let own = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(self.pool.options().get_acquire_timeout())
            .connect_lazy_with((*self.pool.connect_options()).clone());
        let mut inner = PgListener::connect_with(&own).await.map_err(sqlx_error)?;
        inner.listen(channel).await.map_err(sqlx_error)?;
        Ok(Listener { inner })
    }
}

impl Listener {
    /// The next message, or word that some may have been lost. An error means the connection is
    /// gone and could not be made again: drop this listener and [`Notifications::listen`] anew.
    pub async fn recv(&mut self) -> Result<Received, StoreError> {
        // PgListener reconnects (and listens again) before it reports a lost connection.
        match self.inner.try_recv().await.map_err(sqlx_error)? {
            Some(notification) => Ok(Received::Message(notification.payload().to_owned())),
            None => Ok(Received::Reconnected),
        }
    }
}

fn sqlx_error(err: sqlx::Error) -> StoreError {
    StoreError::from(DbErr::Conn(RuntimeErr::SqlxError(err.into())))
}
