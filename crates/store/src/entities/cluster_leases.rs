//! `cluster_leases`: the replica that writes each cluster's observed statuses (see
//! `crate::leadership`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cluster_leases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cluster_id: Uuid,
    pub holder: String,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
