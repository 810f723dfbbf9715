use sea_orm_migration::{prelude::*, schema::*};

use super::CLUSTERS_OWNER_NAME;
use super::m20261120_000001_create_users::Users;

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
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_clusters_owner")
                            .from(Clusters::Table, Clusters::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Also serves "clusters of this owner" lookups (leading column).
        manager
            .create_index(
                Index::create()
                    .name(CLUSTERS_OWNER_NAME)
                    .table(Clusters::Table)
                    .col(Clusters::OwnerId)
                    .col(Clusters::Name)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Clusters::Table).to_owned())
            .await
    }
}
