//! The revision history of a deployment: every saved spec with its manifest, kept after deletion.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait, QueryOrder};

use crate::entities::deployment_revisions;
use crate::{DeploymentId, Store, StoreError, UserId};

/// One saved revision of a deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub deployment_id: DeploymentId,
    /// Counted from 1, never reused.
    pub revision: i32,
    pub spec: serde_json::Value,
    pub manifest: String,
    /// `None` once the author's account is gone.
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

impl From<deployment_revisions::Model> for Revision {
    fn from(model: deployment_revisions::Model) -> Self {
        Revision {
            deployment_id: DeploymentId(model.deployment_id),
            revision: model.revision,
            spec: model.spec,
            manifest: model.manifest,
            created_by: model.created_by.map(UserId),
            created_at: model.created_at,
        }
    }
}

impl Store {
    /// Every revision of a deployment (deleted ones included), newest first.
    pub async fn deployment_revisions(
        &self,
        id: DeploymentId,
    ) -> Result<Vec<Revision>, StoreError> {
        revisions(&self.db, id).await
    }

    /// One revision of a deployment.
    pub async fn deployment_revision(
        &self,
        id: DeploymentId,
        revision_number: i32,
    ) -> Result<Option<Revision>, StoreError> {
        revision(&self.db, id, revision_number).await
    }
}

/// Every revision of a deployment (deleted ones included), newest first.
pub async fn revisions(
    db: &impl ConnectionTrait,
    id: DeploymentId,
) -> Result<Vec<Revision>, StoreError> {
    let models = deployment_revisions::Entity::find()
        .filter(deployment_revisions::Column::DeploymentId.eq(id.0))
        .order_by_desc(deployment_revisions::Column::Revision)
        .all(db)
        .await?;
    Ok(models.into_iter().map(Revision::from).collect())
}

/// One revision of a deployment.
pub async fn revision(
    db: &impl ConnectionTrait,
    id: DeploymentId,
    revision: i32,
) -> Result<Option<Revision>, StoreError> {
    let model = deployment_revisions::Entity::find_by_id((id.0, revision))
        .one(db)
        .await?;
    Ok(model.map(Revision::from))
}

pub(super) async fn insert(
    db: &impl ConnectionTrait,
    id: DeploymentId,
    revision: i32,
    spec: serde_json::Value,
    manifest: String,
    author: UserId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    deployment_revisions::ActiveModel {
        deployment_id: Set(id.0),
        revision: Set(revision),
        spec: Set(spec),
        manifest: Set(manifest),
        created_by: Set(Some(author.0)),
        created_at: Set(at),
    }
    .insert(db)
    .await?;
    Ok(())
}
