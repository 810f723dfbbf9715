use sea_orm_migration::{prelude::*, schema::*};

use super::DEPLOYMENT_REVISIONS_PK;
use super::m20261120_000001_create_users::Users;
use super::m20261120_000003_create_deployments::Deployments;

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
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deployment_revisions_deployment")
                            .from(
                                DeploymentRevisions::Table,
                                DeploymentRevisions::DeploymentId,
                            )
                            .to(Deployments::Table, Deployments::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deployment_revisions_created_by")
                            .from(DeploymentRevisions::Table, DeploymentRevisions::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DeploymentRevisions::Table).to_owned())
            .await
    }
}
