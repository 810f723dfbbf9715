//! One-time tickets that open a WebSocket: browsers cannot send an `Authorization` header with
//! a WebSocket, so a signed-in client first trades its bearer token for a ticket and puts that
//! in the socket's URL. A ticket is 256 random bits, valid for 30 seconds and for one use; only
//! its SHA-256 is stored, in the database, so any replica can redeem it.

use chrono::{DateTime, TimeDelta, Utc};
use kubechart_store::{Store, StoreError, User, tickets};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use std::fmt::Write as _;
use std::time::Duration;

/// How long a ticket stays valid.
pub const TICKET_TTL: TimeDelta = TimeDelta::seconds(30);
/// How often expired tickets are deleted.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Issues and redeems tickets.
#[derive(Clone)]
pub struct Tickets {
    store: Store,
}

impl Tickets {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// A new ticket for `user` and when it expires.
    pub async fn issue(&self, user: &User) -> Result<(String, DateTime<Utc>), StoreError> {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let ticket =
            base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes);
        let expires_at = Utc::now() + TICKET_TTL;
        tickets::issue(self.store.connection(), &hash(&ticket), user.id, expires_at).await?;
        Ok((ticket, expires_at))
    }

    /// The enabled user a ticket was issued to, when it is valid; it cannot be used again.
    pub async fn redeem(&self, ticket: &str) -> Result<Option<User>, StoreError> {
        let Some(user) =
            tickets::redeem(self.store.connection(), &hash(ticket), Utc::now()).await?
        else {
            return Ok(None);
        };
        Ok(self.store.user(user).await?.filter(|user| !user.disabled))
    }

    /// Deletes expired tickets.
    pub async fn sweep(&self) -> Result<u64, StoreError> {
        tickets::sweep(self.store.connection(), Utc::now()).await
    }
}

/// The stored form of a ticket: its SHA-256 in hex.
pub fn hash(ticket: &str) -> String {
    Sha256::digest(ticket.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_stored_as_their_sha256() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(hash("abc"), hash("abd"));
    }
}
