//! Deployments: one AppSpec per record, its rendered manifest, the revision history and the last
//! known status. Every change that has an audit row records it on the same connection, so inside
//! [`Store::transaction`] both commit or neither does; the `Store` methods are one-transaction
//! shorthands.

mod list;
mod observed;
mod revisions;

use std::fmt;

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, Condition, ConnectionTrait};
use serde::Serialize;

use crate::entities::deployments;
use crate::lock::{self, LockName};
use crate::{ClusterId, DeploymentId, NewAuditEvent, Store, StoreError, UserId, audit};

pub use list::{Cursor, DeploymentFilter, DeploymentPage, DeploymentSummary, MAX_PAGE_SIZE, list};
pub use observed::set_observed_status;
pub use revisions::{Revision, revision, revisions};

/// Where a deployment stands, as shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeploymentStatus {
    /// Saved, never deployed.
    Draft,
    /// An apply is running.
    Applying,
    /// Applied; some objects are not ready yet.
    Progressing,
    /// Applied and every object is healthy.
    Ready,
    /// Applied, and something that was healthy is not any more.
    Degraded,
    /// The last operation failed, or an object cannot become ready.
    Failed,
    /// A delete is running.
    Deleting,
}

impl DeploymentStatus {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeploymentStatus::Draft => "draft",
            DeploymentStatus::Applying => "applying",
            DeploymentStatus::Progressing => "progressing",
            DeploymentStatus::Ready => "ready",
            DeploymentStatus::Degraded => "degraded",
            DeploymentStatus::Failed => "failed",
            DeploymentStatus::Deleting => "deleting",
        }
    }

    /// The status with this stored name.
    pub fn parse(stored: &str) -> Option<Self> {
        [
            DeploymentStatus::Draft,
            DeploymentStatus::Applying,
            DeploymentStatus::Progressing,
            DeploymentStatus::Ready,
            DeploymentStatus::Degraded,
            DeploymentStatus::Failed,
            DeploymentStatus::Deleting,
        ]
        .into_iter()
        .find(|status| status.as_str() == stored)
    }

    pub(crate) fn from_stored(stored: &str) -> Result<Self, StoreError> {
        Self::parse(stored).ok_or_else(|| {
            StoreError::Database(DbErr::Type(format!("unknown deployment status `{stored}`")))
        })
    }
}

impl fmt::Display for DeploymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A deployment as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    pub id: DeploymentId,
    pub owner_id: UserId,
    /// `None` for a draft not bound to a cluster (or whose cluster was removed).
    pub cluster_id: Option<ClusterId>,
    pub name: String,
    pub namespace: String,
    /// The AppSpec (form input) of the current revision.
    pub spec: serde_json::Value,
    /// The rendered multi-document YAML of the current revision.
    pub manifest: String,
    pub status: DeploymentStatus,
    pub status_reason: Option<String>,
    pub resource_count: i32,
    /// The current revision, counted from 1.
    pub revision: i32,
    /// The revision whose apply last succeeded.
    pub applied_revision: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When an apply last succeeded.
    pub applied_at: Option<DateTime<Utc>>,
    /// Set once the deployment is deleted.
    pub deleted_at: Option<DateTime<Utc>>,
    /// Imported from objects running in its cluster: until an apply succeeds, deploying takes
    /// them over without being asked to adopt.
    pub adopt_existing: bool,
}

impl Deployment {
    /// Whether deploying it takes over objects that exist without being asked to adopt them:
    /// it was imported from them and has not been applied yet.
    pub fn adopts_on_deploy(&self) -> bool {
        self.adopt_existing && self.applied_revision.is_none()
    }
}

impl TryFrom<deployments::Model> for Deployment {
    type Error = StoreError;

    fn try_from(model: deployments::Model) -> Result<Self, StoreError> {
        Ok(Deployment {
            id: DeploymentId(model.id),
            owner_id: UserId(model.owner_id),
            cluster_id: model.cluster_id.map(ClusterId),
            name: model.name,
            namespace: model.namespace,
            spec: model.spec,
            manifest: model.manifest,
            status: DeploymentStatus::from_stored(&model.status)?,
            status_reason: model.status_reason,
            resource_count: model.resource_count,
            revision: model.revision,
            applied_revision: model.applied_revision,
            created_at: model.created_at,
            updated_at: model.updated_at,
            applied_at: model.applied_at,
            deleted_at: model.deleted_at,
            adopt_existing: model.adopt_existing,
        })
    }
}

/// A deployment to create. The id is the caller's so the audit event can name it up front.
#[derive(Debug, Clone)]
pub struct NewDeployment {
    pub id: DeploymentId,
    pub owner_id: UserId,
    pub cluster_id: Option<ClusterId>,
    pub name: String,
    pub namespace: String,
    pub spec: serde_json::Value,
    pub manifest: String,
    pub resource_count: i32,
    /// Imported from objects running in the cluster, which its first deploy adopts.
    pub adopt_existing: bool,
}

/// A saved edit: the whole new spec, based on the revision the editor started from.
#[derive(Debug, Clone)]
pub struct DeploymentChange {
    /// The revision the edit is based on; anything else is a stale edit.
    pub expected_revision: i32,
    /// Who saved it (recorded on the new revision).
    pub author: UserId,
    pub cluster_id: Option<ClusterId>,
    pub name: String,
    pub namespace: String,
    pub spec: serde_json::Value,
    pub manifest: String,
    pub resource_count: i32,
}

/// What saving an edit did.
#[derive(Debug, Clone, PartialEq)]
pub enum SpecUpdate {
    /// Same spec and cluster: nothing written, no audit row.
    Unchanged(Deployment),
    /// Written with its audit row; `new_revision` is false when only the cluster changed.
    Updated {
        deployment: Deployment,
        new_revision: bool,
    },
}

impl Store {
    /// Creates a draft deployment at revision 1 with its revision row and `audit`, in one
    /// transaction.
    pub async fn create_deployment(
        &self,
        new: NewDeployment,
        audit: NewAuditEvent,
    ) -> Result<Deployment, StoreError> {
        self.transaction(async |tx| create(tx, new, audit).await)
            .await
    }

    /// The live (not deleted) deployment with this id.
    pub async fn deployment(&self, id: DeploymentId) -> Result<Option<Deployment>, StoreError> {
        find(&self.db, id).await
    }

    /// Saves an edit (see [`update_spec`]) in one transaction.
    pub async fn update_deployment_spec(
        &self,
        id: DeploymentId,
        change: DeploymentChange,
        audit: NewAuditEvent,
    ) -> Result<SpecUpdate, StoreError> {
        self.transaction(async |tx| update_spec(tx, id, change, audit).await)
            .await
    }

    /// Writes the status when it differs from the stored one; see [`set_status`].
    pub async fn set_deployment_status(
        &self,
        id: DeploymentId,
        status: DeploymentStatus,
        reason: Option<&str>,
    ) -> Result<bool, StoreError> {
        set_status(&self.db, id, status, reason).await
    }

    /// Soft-deletes a deployment with its audit row; see [`mark_deleted`].
    pub async fn mark_deployment_deleted(
        &self,
        id: DeploymentId,
        audit: NewAuditEvent,
    ) -> Result<(), StoreError> {
        self.transaction(async |tx| mark_deleted(tx, id, audit).await)
            .await
    }

    /// Removes a deployment's record with its audit row; see [`forget`].
    pub async fn forget_deployment(
        &self,
        id: DeploymentId,
        audit: NewAuditEvent,
    ) -> Result<(), StoreError> {
        self.transaction(async |tx| forget(tx, id, audit).await)
            .await
    }
}

/// Creates a draft deployment at revision 1, its revision row and the audit row. Fails with
/// [`StoreError::DeploymentExists`] when a live deployment already has the same cluster,
/// namespace and name (for a draft without a cluster: the same owner, namespace and name). Run it
/// in a transaction: the name check holds a lock until the end.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewDeployment,
    audit: NewAuditEvent,
) -> Result<Deployment, StoreError> {
    ensure_name_free(
        db,
        new.owner_id,
        new.cluster_id,
        &new.namespace,
        &new.name,
        None,
    )
    .await?;
    let now = crate::now();
    let model = deployments::ActiveModel {
        id: Set(new.id.0),
        owner_id: Set(new.owner_id.0),
        cluster_id: Set(new.cluster_id.map(|id| id.0)),
        name: Set(new.name),
        namespace: Set(new.namespace),
        spec: Set(new.spec.clone()),
        manifest: Set(new.manifest.clone()),
        status: Set(DeploymentStatus::Draft.as_str().to_owned()),
        status_reason: Set(None),
        resource_count: Set(new.resource_count),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        applied_at: Set(None),
        deleted_at: Set(None),
        applied_revision: Set(None),
        adopt_existing: Set(new.adopt_existing),
    }
    .insert(db)
    .await?;
    revisions::insert(db, new.id, 1, new.spec, new.manifest, new.owner_id, now).await?;
    audit::record(db, audit).await?;
    Deployment::try_from(model)
}

/// The live (not deleted) deployment with this id.
pub async fn find(
    db: &impl ConnectionTrait,
    id: DeploymentId,
) -> Result<Option<Deployment>, StoreError> {
    deployments::Entity::find_by_id(id.0)
        .filter(deployments::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .map(Deployment::try_from)
        .transpose()
}

/// The deployment with this id, deleted or not: what its operations and audit trail belong to.
pub async fn find_any(
    db: &impl ConnectionTrait,
    id: DeploymentId,
) -> Result<Option<Deployment>, StoreError> {
    deployments::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(Deployment::try_from)
        .transpose()
}

/// Saves an edit. A changed spec becomes the next revision (with its revision row); a changed
/// cluster alone updates the record; an identical spec and cluster write nothing. The audit row
/// is recorded only when something was written. Fails with [`StoreError::StaleRevision`] when the
/// deployment is no longer at `change.expected_revision` (checked again by the write itself, so
/// two concurrent saves of the same revision cannot both succeed), [`StoreError::NotFound`] when
/// it does not exist or is deleted, and [`StoreError::DeploymentExists`] when the new cluster,
/// namespace or name is taken.
pub async fn update_spec(
    db: &impl ConnectionTrait,
    id: DeploymentId,
    change: DeploymentChange,
    audit: NewAuditEvent,
) -> Result<SpecUpdate, StoreError> {
    let current = find(db, id).await?.ok_or(StoreError::NotFound {
        entity: "deployment",
    })?;
    if current.revision != change.expected_revision {
        return Err(StoreError::StaleRevision {
            expected: change.expected_revision,
            current: current.revision,
        });
    }
    let spec_changed = current.spec != change.spec;
    let placement_changed = current.cluster_id != change.cluster_id
        || current.namespace != change.namespace
        || current.name != change.name;
    if !spec_changed && !placement_changed {
        return Ok(SpecUpdate::Unchanged(current));
    }
    if placement_changed {
        ensure_name_free(
            db,
            current.owner_id,
            change.cluster_id,
            &change.namespace,
            &change.name,
            Some(id),
        )
        .await?;
    }
    let now = crate::now();
    let revision = if spec_changed {
        change.expected_revision + 1
    } else {
        change.expected_revision
    };
    let mut changes = deployments::ActiveModel::new();
    changes.cluster_id = Set(change.cluster_id.map(|id| id.0));
    changes.name = Set(change.name);
    changes.namespace = Set(change.namespace);
    changes.spec = Set(change.spec.clone());
    changes.manifest = Set(change.manifest.clone());
    changes.resource_count = Set(change.resource_count);
    changes.revision = Set(revision);
    changes.updated_at = Set(now);
    let updated = deployments::Entity::update_many()
        .set(changes)
        .filter(deployments::Column::Id.eq(id.0))
        .filter(deployments::Column::Revision.eq(change.expected_revision))
        .filter(deployments::Column::DeletedAt.is_null())
        .exec_with_returning(db)
        .await?;
    let Some(model) = updated.into_iter().next() else {
        // Another save moved the revision between the read above and this write.
        let current = find(db, id).await?.ok_or(StoreError::NotFound {
            entity: "deployment",
        })?;
        return Err(StoreError::StaleRevision {
            expected: change.expected_revision,
            current: current.revision,
        });
    };
    if spec_changed {
        revisions::insert(
            db,
            id,
            revision,
            change.spec,
            change.manifest,
            change.author,
            now,
        )
        .await?;
    }
    audit::record(db, audit).await?;
    Ok(SpecUpdate::Updated {
        deployment: Deployment::try_from(model)?,
        new_revision: spec_changed,
    })
}

/// Writes `status` and `reason` when they differ from the stored ones (a status change moves
/// `updated_at`; an unchanged one writes nothing). Returns whether it wrote; a missing or
/// deleted deployment is never written.
pub async fn set_status(
    db: &impl ConnectionTrait,
    id: DeploymentId,
    status: DeploymentStatus,
    reason: Option<&str>,
) -> Result<bool, StoreError> {
    let reason_differs = match reason {
        Some(reason) => Condition::any()
            .add(deployments::Column::StatusReason.is_null())
            .add(deployments::Column::StatusReason.ne(reason)),
        None => Condition::all().add(deployments::Column::StatusReason.is_not_null()),
    };
    let mut changes = deployments::ActiveModel::new();
    changes.status = Set(status.as_str().to_owned());
    changes.status_reason = Set(reason.map(str::to_owned));
    changes.updated_at = Set(crate::now());
    let result = deployments::Entity::update_many()
        .set(changes)
        .filter(deployments::Column::Id.eq(id.0))
        .filter(deployments::Column::DeletedAt.is_null())
        .filter(
            Condition::any()
                .add(deployments::Column::Status.ne(status.as_str()))
                .add(reason_differs),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Records that applying `revision` succeeded: `applied_revision` and `applied_at`.
pub async fn record_applied(
    db: &impl ConnectionTrait,
    id: DeploymentId,
    revision: i32,
) -> Result<Deployment, StoreError> {
    let now = crate::now();
    let mut changes = deployments::ActiveModel::new();
    changes.applied_revision = Set(Some(revision));
    changes.applied_at = Set(Some(now));
    changes.updated_at = Set(now);
    let updated = deployments::Entity::update_many()
        .set(changes)
        .filter(deployments::Column::Id.eq(id.0))
        .filter(deployments::Column::DeletedAt.is_null())
        .exec_with_returning(db)
        .await?;
    updated
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound {
            entity: "deployment",
        })
        .and_then(Deployment::try_from)
}

/// Soft-deletes a deployment and records `audit`: it disappears from lists and lookups and frees
/// its name, while its revisions, operations and audit trail stay. [`StoreError::NotFound`] when
/// it does not exist or is already deleted.
pub async fn mark_deleted(
    db: &impl ConnectionTrait,
    id: DeploymentId,
    audit: NewAuditEvent,
) -> Result<(), StoreError> {
    hide(db, id).await?;
    audit::record(db, audit).await
}

/// Soft-deletes a deployment without an audit row of its own: for the end of a delete operation,
/// whose request was audited when it started. [`StoreError::NotFound`] when it does not exist or
/// is already deleted.
pub async fn hide(db: &impl ConnectionTrait, id: DeploymentId) -> Result<(), StoreError> {
    let now = crate::now();
    let mut changes = deployments::ActiveModel::new();
    changes.deleted_at = Set(Some(now));
    changes.updated_at = Set(now);
    let result = deployments::Entity::update_many()
        .set(changes)
        .filter(deployments::Column::Id.eq(id.0))
        .filter(deployments::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::NotFound {
            entity: "deployment",
        });
    }
    Ok(())
}

/// Removes a deployment's record for good (its revisions and operations go with it; the audit
/// trail stays) and records `audit`: the objects it applied are left running, unmanaged.
/// [`StoreError::NotFound`] when there is no such record, live or deleted.
pub async fn forget(
    db: &impl ConnectionTrait,
    id: DeploymentId,
    audit: NewAuditEvent,
) -> Result<(), StoreError> {
    let result = deployments::Entity::delete_by_id(id.0).exec(db).await?;
    if result.rows_affected == 0 {
        return Err(StoreError::NotFound {
            entity: "deployment",
        });
    }
    audit::record(db, audit).await
}

/// Fails with [`StoreError::DeploymentExists`] when another live deployment has this placement.
/// The lock serialises every check with the insert or update that follows it in the same
/// transaction, which also covers drafts without a cluster (no unique index can: NULLs never
/// collide); the partial unique index is the backstop for clustered ones.
async fn ensure_name_free(
    db: &impl ConnectionTrait,
    owner: UserId,
    cluster: Option<ClusterId>,
    namespace: &str,
    name: &str,
    except: Option<DeploymentId>,
) -> Result<(), StoreError> {
    lock::acquire(db, LockName::DeploymentNames).await?;
    let placement = match cluster {
        Some(cluster) => Condition::all().add(deployments::Column::ClusterId.eq(cluster.0)),
        None => Condition::all()
            .add(deployments::Column::ClusterId.is_null())
            .add(deployments::Column::OwnerId.eq(owner.0)),
    };
    let mut query = deployments::Entity::find()
        .filter(placement)
        .filter(deployments::Column::Namespace.eq(namespace))
        .filter(deployments::Column::Name.eq(name))
        .filter(deployments::Column::DeletedAt.is_null());
    if let Some(except) = except {
        query = query.filter(deployments::Column::Id.ne(except.0));
    }
    match query.one(db).await? {
        Some(existing) => Err(StoreError::DeploymentExists {
            existing: DeploymentId(existing.id),
            owner: UserId(existing.owner_id),
        }),
        None => Ok(()),
    }
}
