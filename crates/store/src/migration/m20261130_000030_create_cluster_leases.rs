use sea_orm_migration::{prelude::*, schema::*};

use super::m20261120_000002_create_clusters::Clusters;
use super::{drop_table, foreign_key};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Which replica writes the observed status of each cluster's deployments, and until when its
/// claim stands without renewal (see `crate::leadership`).
#[derive(DeriveIden)]
enum ClusterLeases {
    Table,
    ClusterId,
    Holder,
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
                    .table(ClusterLeases::Table)
                    .col(uuid(ClusterLeases::ClusterId).primary_key())
                    .col(string_len(ClusterLeases::Holder, 64))
                    .col(timestamp_with_time_zone(ClusterLeases::ExpiresAt))
                    .foreign_key(&mut foreign_key(
                        "fk_cluster_leases_cluster",
                        (ClusterLeases::Table, ClusterLeases::ClusterId),
                        (Clusters::Table, Clusters::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, ClusterLeases::Table).await
    }
}
