use sea_orm_migration::{prelude::*, schema::*};

use super::DEPLOYMENTS_OWNER_NAME_NAMESPACE;
use super::m20261120_000001_create_users::Users;
use super::m20261120_000002_create_clusters::Clusters;

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
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deployments_owner")
                            .from(Deployments::Table, Deployments::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    // Removing a cluster keeps the deployment (and its history) as a draft.
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deployments_cluster")
                            .from(Deployments::Table, Deployments::ClusterId)
                            .to(Clusters::Table, Clusters::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(DEPLOYMENTS_OWNER_NAME_NAMESPACE)
                    .table(Deployments::Table)
                    .col(Deployments::OwnerId)
                    .col(Deployments::Name)
                    .col(Deployments::Namespace)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_deployments_cluster")
                    .table(Deployments::Table)
                    .col(Deployments::ClusterId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Deployments::Table).to_owned())
            .await
    }
}
