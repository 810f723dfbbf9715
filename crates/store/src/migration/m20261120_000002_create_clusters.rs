use sea_orm_migration::{prelude::*, schema::*};

use super::m20261120_000001_create_users::Users;
use super::{CLUSTERS_OWNER_NAME, create_index, drop_table, foreign_key};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(super) enum Clusters {
    Table,
    Id,
    OwnerId,
    Name,
    /// in_cluster | kubeconfig_path | kubeconfig | token
    Source,
    /// XChaCha20-Poly1305 ciphertext (nonce included); NULL for in-cluster access.
    EncryptedCredentials,
    Context,
    DefaultNamespace,
    CreatedAt,
    UpdatedAt,
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
                    .table(Clusters::Table)
                    .col(pk_uuid(Clusters::Id))
                    .col(uuid(Clusters::OwnerId))
                    .col(string_len(Clusters::Name, 128))
                    .col(string_len(Clusters::Source, 32))
                    .col(blob_null(Clusters::EncryptedCredentials))
                    .col(string_len_null(Clusters::Context, 253))
                    .col(string_len_null(Clusters::DefaultNamespace, 63))
                    .col(timestamp_with_time_zone(Clusters::CreatedAt))
                    .col(timestamp_with_time_zone(Clusters::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_clusters_owner",
                        (Clusters::Table, Clusters::OwnerId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // Also serves "clusters of this owner" lookups (leading column).
        create_index(
            manager,
            CLUSTERS_OWNER_NAME,
            Clusters::Table,
            [Clusters::OwnerId, Clusters::Name],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, Clusters::Table).await
    }
}
