use sea_orm_migration::{prelude::*, schema::*};

use super::drop_table;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Named rows that transactions write first to serialise a critical section on both backends:
/// the row lock on PostgreSQL, the database write lock on SQLite.
#[derive(DeriveIden)]
enum StoreLocks {
    Table,
    Name,
    AcquiredAt,
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
                    .table(StoreLocks::Table)
                    .col(string_len(StoreLocks::Name, 64).primary_key())
                    .col(timestamp_with_time_zone(StoreLocks::AcquiredAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, StoreLocks::Table).await
    }
}
