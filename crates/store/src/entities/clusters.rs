//! `clusters`: Kubernetes clusters a user registered, with their credentials encrypted at rest.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "clusters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    /// `in_cluster`, `kubeconfig_path`, `kubeconfig` or `token`.
    pub source: String,
    /// Ciphertext only; the key never lives in the database.
    pub encrypted_credentials: Option<Vec<u8>>,
    pub context: Option<String>,
    pub default_namespace: Option<String>,
    /// Every user may deploy to a shared cluster; only its owner and admins may change it.
    pub shared: bool,
    /// The API server URL, kept in clear for lists.
    pub server_url: Option<String>,
    /// The host kubeconfig file of a `kubeconfig_path` cluster.
    pub kubeconfig_path: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::OwnerId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    Owner,
    #[sea_orm(has_many = "super::deployments::Entity")]
    Deployments,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl Related<super::deployments::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deployments.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
