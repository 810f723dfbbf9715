use sea_orm_migration::{prelude::*, schema::*};

use super::m20261120_000002_create_clusters::Clusters;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns cluster connections need beyond the first schema: whether every user may deploy to
/// the cluster, the API server URL shown in lists (no decryption needed), and the host kubeconfig
/// file of a `kubeconfig_path` cluster.
#[derive(DeriveIden)]
enum NewColumns {
    Shared,
    ServerUrl,
    KubeconfigPath,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for column in [
            boolean(NewColumns::Shared).default(false).to_owned(),
            string_len_null(NewColumns::ServerUrl, 2048),
            string_len_null(NewColumns::KubeconfigPath, 4096),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Clusters::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            NewColumns::KubeconfigPath,
            NewColumns::ServerUrl,
            NewColumns::Shared,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Clusters::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
