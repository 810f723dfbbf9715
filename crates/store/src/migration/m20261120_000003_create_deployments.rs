use sea_orm_migration::{prelude::*, schema::*};

use super::m20261120_000001_create_users::Users;
use super::m20261120_000002_create_clusters::Clusters;
use super::{DEPLOYMENTS_OWNER_NAME_NAMESPACE, create_index, drop_table, foreign_key};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(super) enum Deployments {
    Table,
    Id,
    OwnerId,
    ClusterId,
    Name,
    Namespace,
    /// The AppSpec form input.
    Spec,
    /// The rendered multi-document YAML.
    Manifest,
    Status,
    StatusReason,
    ResourceCount,
    Revision,
    CreatedAt,
    UpdatedAt,
    AppliedAt,
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
                    .table(Deployments::Table)
                    .col(pk_uuid(Deployments::Id))
                    .col(uuid(Deployments::OwnerId))
                    .col(uuid_null(Deployments::ClusterId))
                    .col(string_len(Deployments::Name, 253))
                    .col(string_len(Deployments::Namespace, 63))
                    .col(json_binary(Deployments::Spec))
                    .col(text(Deployments::Manifest))
                    .col(string_len(Deployments::Status, 32))
                    .col(text_null(Deployments::StatusReason))
                    .col(integer(Deployments::ResourceCount).default(0))
                    .col(integer(Deployments::Revision).default(0))
                    .col(timestamp_with_time_zone(Deployments::CreatedAt))
                    .col(timestamp_with_time_zone(Deployments::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Deployments::AppliedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_deployments_owner",
                        (Deployments::Table, Deployments::OwnerId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    // Removing a cluster keeps the deployment (and its history) as a draft.
                    .foreign_key(&mut foreign_key(
                        "fk_deployments_cluster",
                        (Deployments::Table, Deployments::ClusterId),
                        (Clusters::Table, Clusters::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            DEPLOYMENTS_OWNER_NAME_NAMESPACE,
            Deployments::Table,
            [
                Deployments::OwnerId,
                Deployments::Name,
                Deployments::Namespace,
            ],
            true,
        )
        .await?;
        create_index(
            manager,
            "idx_deployments_cluster",
            Deployments::Table,
            [Deployments::ClusterId],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, Deployments::Table).await
    }
}
