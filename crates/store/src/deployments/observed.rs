//! The status the cluster shows, written by whoever follows a deployment's objects. It never
//! replaces the status of a running operation (`applying`, `deleting`): the operation's end sets
//! the status, and the observers take over from there.

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, Condition, ConnectionTrait};

use super::DeploymentStatus;
use crate::entities::deployments;
use crate::{DeploymentId, StoreError};

/// Writes an observed `status` and `reason` unless an operation is running on the deployment or
/// they are already stored. Returns whether it wrote; a missing or deleted deployment is never
/// written.
pub async fn set_observed_status(
    db: &impl ConnectionTrait,
    id: DeploymentId,
    status: DeploymentStatus,
    reason: &str,
) -> Result<bool, StoreError> {
    let mut changes = deployments::ActiveModel::new();
    changes.status = Set(status.as_str().to_owned());
    changes.status_reason = Set(Some(reason.to_owned()));
    changes.updated_at = Set(crate::now());
    let result = deployments::Entity::update_many()
        .set(changes)
        .filter(deployments::Column::Id.eq(id.0))
        .filter(deployments::Column::DeletedAt.is_null())
        .filter(deployments::Column::Status.is_not_in([
            DeploymentStatus::Applying.as_str(),
            DeploymentStatus::Deleting.as_str(),
        ]))
        .filter(
            Condition::any()
                .add(deployments::Column::Status.ne(status.as_str()))
                .add(deployments::Column::StatusReason.is_null())
                .add(deployments::Column::StatusReason.ne(reason)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}
