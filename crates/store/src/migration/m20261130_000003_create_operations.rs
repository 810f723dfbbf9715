use sea_orm_migration::{prelude::*, schema::*};

use super::m20261120_000001_create_users::Users;
use super::m20261120_000003_create_deployments::Deployments;
use super::{OPERATIONS_ONE_UNFINISHED, create_index, drop_table, foreign_key};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Deploy and delete operations. The intent (target revision, inventory) is written before the
/// cluster is touched, so a replica that finds an unfinished operation with an expired lease can
/// resume it after a crash.
#[derive(DeriveIden)]
enum Operations {
    Table,
    Id,
    DeploymentId,
    /// deploy | delete
    Kind,
    TargetRevision,
    /// The objects the operation may touch (old ∪ new), widened before applying.
    Inventory,
    /// applying | deleting | succeeded | failed | superseded
    State,
    /// Per-object outcome.
    Result,
    /// Why a failed operation failed, in words.
    Error,
    StartedBy,
    StartedAt,
    UpdatedAt,
    FinishedAt,
    /// The replica running the operation, and until when its claim holds without renewal.
    LeaseHolder,
    LeaseExpiresAt,
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
                    .table(Operations::Table)
                    .col(pk_uuid(Operations::Id))
                    .col(uuid(Operations::DeploymentId))
                    .col(string_len(Operations::Kind, 16))
                    .col(integer_null(Operations::TargetRevision))
                    .col(json_binary(Operations::Inventory))
                    .col(string_len(Operations::State, 16))
                    .col(json_binary(Operations::Result))
                    .col(text_null(Operations::Error))
                    .col(uuid_null(Operations::StartedBy))
                    .col(timestamp_with_time_zone(Operations::StartedAt))
                    .col(timestamp_with_time_zone(Operations::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Operations::FinishedAt))
                    .col(string_len_null(Operations::LeaseHolder, 253))
                    .col(timestamp_with_time_zone_null(Operations::LeaseExpiresAt))
                    .foreign_key(&mut foreign_key(
                        "fk_operations_deployment",
                        (Operations::Table, Operations::DeploymentId),
                        (Deployments::Table, Deployments::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_operations_started_by",
                        (Operations::Table, Operations::StartedBy),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // The database itself guarantees one running operation per deployment, whatever
        // replica starts it.
        manager
            .create_index(
                Index::create()
                    .name(OPERATIONS_ONE_UNFINISHED)
                    .table(Operations::Table)
                    .col(Operations::DeploymentId)
                    .unique()
                    .and_where(Expr::col(Operations::FinishedAt).is_null())
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "idx_operations_deployment_started",
            Operations::Table,
            [Operations::DeploymentId, Operations::StartedAt],
            false,
        )
        .await?;
        // Finding operations to resume after a crash.
        manager
            .create_index(
                Index::create()
                    .name("idx_operations_unfinished_lease")
                    .table(Operations::Table)
                    .col(Operations::LeaseExpiresAt)
                    .and_where(Expr::col(Operations::FinishedAt).is_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, Operations::Table).await
    }
}
