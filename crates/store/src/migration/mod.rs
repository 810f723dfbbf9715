//! Schema migrations, written once and run unchanged on SQLite and PostgreSQL.
//!
//! Migration names are part of the deployed schema's history (`seaql_migrations`): never rename
//! or edit a released migration, add a new one.

use sea_orm_migration::prelude::*;

mod m20261120_000001_create_users;
mod m20261120_000002_create_clusters;
mod m20261120_000003_create_deployments;
mod m20261120_000004_create_deployment_revisions;
mod m20261120_000005_create_audit_events;
mod m20261120_000006_create_store_locks;
mod m20261130_000001_add_cluster_sharing;
mod m20261130_000002_deployment_lifecycle;
mod m20261130_000003_create_operations;
mod m20261130_000010_create_socket_tickets;
mod m20261130_000020_deployment_adoption;
mod m20261130_000030_create_cluster_leases;

/// All migrations in the order they apply.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261120_000001_create_users::Migration),
            Box::new(m20261120_000002_create_clusters::Migration),
            Box::new(m20261120_000003_create_deployments::Migration),
            Box::new(m20261120_000004_create_deployment_revisions::Migration),
            Box::new(m20261120_000005_create_audit_events::Migration),
            Box::new(m20261120_000006_create_store_locks::Migration),
            Box::new(m20261130_000001_add_cluster_sharing::Migration),
            Box::new(m20261130_000002_deployment_lifecycle::Migration),
            Box::new(m20261130_000003_create_operations::Migration),
            Box::new(m20261130_000010_create_socket_tickets::Migration),
            Box::new(m20261130_000020_deployment_adoption::Migration),
            Box::new(m20261130_000030_create_cluster_leases::Migration),
        ]
    }
}

/// A unique index or key, and the input field a violation of it is reported against.
pub(crate) struct UniqueConstraint {
    /// The constraint / index name (what PostgreSQL reports).
    pub name: &'static str,
    /// The columns as SQLite lists them in "UNIQUE constraint failed: ...".
    pub sqlite_columns: &'static str,
    /// The field named in `StoreError::Conflict`.
    pub field: &'static str,
}

pub(crate) const USERS_USERNAME: &str = "idx_users_username";
pub(crate) const USERS_EMAIL: &str = "idx_users_email";
pub(crate) const CLUSTERS_OWNER_NAME: &str = "idx_clusters_owner_name";
pub(crate) const DEPLOYMENTS_OWNER_NAME_NAMESPACE: &str = "idx_deployments_owner_name_namespace";
pub(crate) const DEPLOYMENT_REVISIONS_PK: &str = "pk_deployment_revisions";
pub(crate) const DEPLOYMENTS_LIVE_NAME: &str = "idx_deployments_live_cluster_namespace_name";
pub(crate) const OPERATIONS_ONE_UNFINISHED: &str = "idx_operations_one_unfinished";

/// Every unique constraint in the schema that user input can violate.
pub(crate) const UNIQUE_CONSTRAINTS: &[UniqueConstraint] = &[
    UniqueConstraint {
        name: USERS_USERNAME,
        sqlite_columns: "users.username",
        field: "username",
    },
    UniqueConstraint {
        name: USERS_EMAIL,
        sqlite_columns: "users.email",
        field: "email",
    },
    UniqueConstraint {
        name: CLUSTERS_OWNER_NAME,
        sqlite_columns: "clusters.owner_id, clusters.name",
        field: "name",
    },
    UniqueConstraint {
        name: DEPLOYMENTS_LIVE_NAME,
        sqlite_columns: "deployments.cluster_id, deployments.namespace, deployments.name",
        field: "name",
    },
    UniqueConstraint {
        name: OPERATIONS_ONE_UNFINISHED,
        sqlite_columns: "operations.deployment_id",
        field: "operation",
    },
    UniqueConstraint {
        name: DEPLOYMENT_REVISIONS_PK,
        sqlite_columns: "deployment_revisions.deployment_id, deployment_revisions.revision",
        field: "revision",
    },
];

/// A named foreign key from `from.0.from.1` to `to.0.to.1`.
fn foreign_key(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

/// Creates a named index, unique or not, over `columns` in order.
async fn create_index<C: IntoIndexColumn>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    columns: impl IntoIterator<Item = C>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create().name(name).table(table).to_owned();
    for column in columns {
        index.col(column);
    }
    if unique {
        index.unique();
    }
    manager.create_index(index).await
}

/// Drops a table (every `down` migration).
async fn drop_table(manager: &SchemaManager<'_>, table: impl IntoIden) -> Result<(), DbErr> {
    manager
        .drop_table(Table::drop().table(table).to_owned())
        .await
}

#[cfg(test)]
mod tests;
