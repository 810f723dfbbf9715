use sea_orm_migration::{prelude::*, schema::*};

use super::m20261120_000001_create_users::Users;
use super::{create_index, drop_table, foreign_key};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One-time tickets that open a WebSocket. Only a hash of each ticket is kept, in the database
/// rather than in a replica's memory, so whichever replica the socket reaches can redeem it.
#[derive(DeriveIden)]
enum SocketTickets {
    Table,
    /// SHA-256 of the ticket, hex.
    TicketHash,
    UserId,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SocketTickets::Table)
                    .col(string_len(SocketTickets::TicketHash, 64).primary_key())
                    .col(uuid(SocketTickets::UserId))
                    .col(timestamp_with_time_zone(SocketTickets::ExpiresAt))
                    .foreign_key(&mut foreign_key(
                        "fk_socket_tickets_user",
                        (SocketTickets::Table, SocketTickets::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // The sweeper deletes by expiry.
        create_index(
            manager,
            "idx_socket_tickets_expires_at",
            SocketTickets::Table,
            [SocketTickets::ExpiresAt],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, SocketTickets::Table).await
    }
}
