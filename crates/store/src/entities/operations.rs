//! `operations`: deploy and delete runs of a deployment, their intent, progress and lease.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "operations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub deployment_id: Uuid,
    pub kind: String,
    pub target_revision: Option<i32>,
    #[sea_orm(column_type = "JsonBinary")]
    pub inventory: Json,
    pub state: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub result: Json,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    pub started_by: Option<Uuid>,
    pub started_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    pub lease_holder: Option<String>,
    pub lease_expires_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::deployments::Entity",
        from = "Column::DeploymentId",
        to = "super::deployments::Column::Id",
        on_delete = "Cascade"
    )]
    Deployment,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::StartedBy",
        to = "super::users::Column::Id",
        on_delete = "SetNull"
    )]
    StartedBy,
}

impl Related<super::deployments::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deployment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
