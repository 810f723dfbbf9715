use sea_orm_migration::{prelude::*, schema::*};

use super::{USERS_EMAIL, USERS_USERNAME, create_index, drop_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(super) enum Users {
    Table,
    Id,
    Username,
    Email,
    PasswordHash,
    DisplayName,
    Role,
    Disabled,
    Preferences,
    PasswordChangedAt,
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
                    .table(Users::Table)
                    .col(pk_uuid(Users::Id))
                    // Stored lowercase (usernames and emails compare case-insensitively), so a
                    // plain unique index is enough on both backends.
                    .col(string_len(Users::Username, 64))
                    .col(string_len(Users::Email, 320))
                    .col(text(Users::PasswordHash))
                    .col(string_len_null(Users::DisplayName, 200))
                    .col(string_len(Users::Role, 16))
                    .col(boolean(Users::Disabled).default(false))
                    .col(json_binary(Users::Preferences))
                    .col(timestamp_with_time_zone(Users::PasswordChangedAt))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            (USERS_USERNAME, Users::Username),
            (USERS_EMAIL, Users::Email),
        ] {
            create_index(manager, name, Users::Table, [column], true).await?;
        }
        create_index(
            manager,
            "idx_users_created_at",
            Users::Table,
            [Users::CreatedAt],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, Users::Table).await
    }
}
