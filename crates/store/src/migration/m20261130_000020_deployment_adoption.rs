use sea_orm_migration::{prelude::*, schema::*};

use super::m20261120_000003_create_deployments::Deployments;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A deployment imported from objects already running in its cluster: its first deploy takes
/// those objects over (adopts them) without the caller asking, since taking them over is what the
/// import was for. Existing deployments adopt nothing unasked.
#[derive(DeriveIden)]
enum NewColumns {
    AdoptExisting,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Deployments::Table)
                    .add_column(boolean(NewColumns::AdoptExisting).default(false).to_owned())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Deployments::Table)
                    .drop_column(NewColumns::AdoptExisting)
                    .to_owned(),
            )
            .await
    }
}
