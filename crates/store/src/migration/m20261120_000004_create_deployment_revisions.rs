use sea_orm_migration::{prelude::*, schema::*};

use super::m20261120_000001_create_users::Users;
use super::m20261120_000003_create_deployments::Deployments;
use super::{DEPLOYMENT_REVISIONS_PK, drop_table, foreign_key};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeploymentRevisions {
    Table,
    DeploymentId,
    Revision,
    Spec,
    Manifest,
    CreatedBy,
    CreatedAt,
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
                    .table(DeploymentRevisions::Table)
                    .col(uuid(DeploymentRevisions::DeploymentId))
                    .col(integer(DeploymentRevisions::Revision))
                    .col(json_binary(DeploymentRevisions::Spec))
                    .col(text(DeploymentRevisions::Manifest))
                    .col(uuid_null(DeploymentRevisions::CreatedBy))
                    .col(timestamp_with_time_zone(DeploymentRevisions::CreatedAt))
                    .primary_key(
                        Index::create()
                            .name(DEPLOYMENT_REVISIONS_PK)
                            .col(DeploymentRevisions::DeploymentId)
                            .col(DeploymentRevisions::Revision),
                    )
                    .foreign_key(&mut foreign_key(
                        "fk_deployment_revisions_deployment",
                        (
                            DeploymentRevisions::Table,
                            DeploymentRevisions::DeploymentId,
                        ),
                        (Deployments::Table, Deployments::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_deployment_revisions_created_by",
                        (DeploymentRevisions::Table, DeploymentRevisions::CreatedBy),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, DeploymentRevisions::Table).await
    }
}
