use sea_orm_migration::{prelude::*, schema::*};

use super::m20261120_000003_create_deployments::Deployments;
use super::{DEPLOYMENTS_LIVE_NAME, DEPLOYMENTS_OWNER_NAME_NAMESPACE, create_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// What the deployment lifecycle adds to the first schema: soft deletion (history and audit stay
/// readable), the revision last applied, and name uniqueness per cluster among live deployments
/// instead of per owner.
#[derive(DeriveIden)]
enum NewColumns {
    DeletedAt,
    AppliedRevision,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Target,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for column in [
            timestamp_with_time_zone_null(NewColumns::DeletedAt),
            integer_null(NewColumns::AppliedRevision),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Deployments::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // Two owners deploying the same name into the same namespace of one cluster would fight
        // over the same objects, so the name is unique per cluster whoever owns it. Deleted
        // deployments are out of the way; drafts without a cluster are checked per owner by the
        // repository (a NULL cluster never collides in a unique index).
        manager
            .drop_index(
                Index::drop()
                    .name(DEPLOYMENTS_OWNER_NAME_NAMESPACE)
                    .table(Deployments::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(DEPLOYMENTS_LIVE_NAME)
                    .table(Deployments::Table)
                    .col(Deployments::ClusterId)
                    .col(Deployments::Namespace)
                    .col(Deployments::Name)
                    .unique()
                    .and_where(Expr::col(NewColumns::DeletedAt).is_null())
                    .and_where(Expr::col(Deployments::ClusterId).is_not_null())
                    .to_owned(),
            )
            .await?;
        // Keyset pagination of lists, all and per owner.
        create_index(
            manager,
            "idx_deployments_created",
            Deployments::Table,
            [Deployments::CreatedAt, Deployments::Id],
            false,
        )
        .await?;
        create_index(
            manager,
            "idx_deployments_owner_created",
            Deployments::Table,
            [
                Deployments::OwnerId,
                Deployments::CreatedAt,
                Deployments::Id,
            ],
            false,
        )
        .await?;
        create_index(
            manager,
            "idx_audit_events_target_at",
            AuditEvents::Table,
            [AuditEvents::Target, AuditEvents::At],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_audit_events_target_at", AuditEvents::Table.into_iden()),
            (
                "idx_deployments_owner_created",
                Deployments::Table.into_iden(),
            ),
            ("idx_deployments_created", Deployments::Table.into_iden()),
            (DEPLOYMENTS_LIVE_NAME, Deployments::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
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
        for column in [NewColumns::AppliedRevision, NewColumns::DeletedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Deployments::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
