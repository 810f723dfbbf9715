use sea_orm_migration::{prelude::*, schema::*};

use super::{create_index, drop_table, foreign_key};

use super::m20261120_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    ActorId,
    Action,
    Target,
    Detail,
    At,
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
                    .table(AuditEvents::Table)
                    .col(pk_uuid(AuditEvents::Id))
                    .col(uuid_null(AuditEvents::ActorId))
                    .col(string_len(AuditEvents::Action, 64))
                    .col(text(AuditEvents::Target))
                    .col(json_binary(AuditEvents::Detail))
                    .col(timestamp_with_time_zone(AuditEvents::At))
                    // The trail outlives the account that acted.
                    .foreign_key(&mut foreign_key(
                        "fk_audit_events_actor",
                        (AuditEvents::Table, AuditEvents::ActorId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_audit_events_at", AuditEvents::At),
            ("idx_audit_events_actor", AuditEvents::ActorId),
        ] {
            create_index(manager, name, AuditEvents::Table, [column], false).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, AuditEvents::Table).await
    }
}
