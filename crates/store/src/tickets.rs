//! One-time WebSocket tickets. The caller hashes the ticket; only the hash is stored. A ticket is
//! redeemed by deleting its row, so of two replicas redeeming the same ticket at once exactly one
//! gets it; expired rows are swept.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait};

use crate::entities::socket_tickets;
use crate::{StoreError, UserId};

/// Stores a ticket's hash for `user` until `expires_at`.
pub async fn issue(
    db: &impl ConnectionTrait,
    ticket_hash: &str,
    user: UserId,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    socket_tickets::ActiveModel {
        ticket_hash: Set(ticket_hash.to_owned()),
        user_id: Set(user.0),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Uses up the ticket with this hash: its user when it existed and had not expired at `now`,
/// `None` otherwise. Either way it cannot be used again.
pub async fn redeem(
    db: &impl ConnectionTrait,
    ticket_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, StoreError> {
    let deleted = socket_tickets::Entity::delete_many()
        .filter(socket_tickets::Column::TicketHash.eq(ticket_hash))
        .exec_with_returning(db)
        .await?;
    Ok(deleted
        .into_iter()
        .find(|ticket| ticket.expires_at > now)
        .map(|ticket| UserId(ticket.user_id)))
}

/// Deletes the tickets that expired before `now`; returns how many.
pub async fn sweep(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let result = socket_tickets::Entity::delete_many()
        .filter(socket_tickets::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
