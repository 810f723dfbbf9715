//! `deployments`: one AppSpec, its rendered manifest and its last known status.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deployments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    pub cluster_id: Option<Uuid>,
    pub name: String,
    pub namespace: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub spec: Json,
    #[sea_orm(column_type = "Text")]
    pub manifest: String,
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub status_reason: Option<String>,
    pub resource_count: i32,
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub applied_at: Option<DateTimeUtc>,
    /// Set when the deployment is deleted: hidden from lists, history kept.
    pub deleted_at: Option<DateTimeUtc>,
    /// The revision whose apply last succeeded.
    pub applied_revision: Option<i32>,
    /// Imported from objects running in the cluster: the first deploy adopts them.
    pub adopt_existing: bool,
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
    #[sea_orm(
        belongs_to = "super::clusters::Entity",
        from = "Column::ClusterId",
        to = "super::clusters::Column::Id",
        on_delete = "SetNull"
    )]
    Cluster,
    #[sea_orm(has_many = "super::deployment_revisions::Entity")]
    Revisions,
    #[sea_orm(has_many = "super::operations::Entity")]
    Operations,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl Related<super::clusters::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Cluster.def()
    }
}

impl Related<super::deployment_revisions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Revisions.def()
    }
}

impl Related<super::operations::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Operations.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
