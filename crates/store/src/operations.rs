//! Deploy and delete operations: the intent recorded before the cluster is touched, progress and
//! outcome, and the lease that keeps one operation per deployment running across replicas.
//!
//! A replica starts an operation holding a lease (`holder`, `lease_expires_at`) and renews it
//! while it works; writes of progress and outcome check that it still holds it. An operation
//! whose lease ran out unfinished belongs to a replica that died: another one takes it over and
//! resumes it (apply is idempotent), or a new start supersedes it. Lease times come from the
//! replicas' clocks, so leases should be long against clock skew (tens of seconds).

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait, QueryOrder};
use serde::Serialize;

use crate::deployments::{self, DeploymentStatus};
use crate::entities::{deployments as deployment_rows, operations};
use crate::{DeploymentId, NewAuditEvent, OperationId, Store, StoreError, UserId, audit};

/// Leases longer than this are cut to it, so a mistaken duration cannot park a deployment.
const MAX_LEASE: Duration = Duration::from_secs(24 * 60 * 60);

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OperationKind {
    /// Apply a revision (and prune what it no longer has).
    Deploy,
    /// Remove every object of the deployment from the cluster.
    Delete,
}

impl OperationKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::Deploy => "deploy",
            OperationKind::Delete => "delete",
        }
    }

    fn parse(stored: &str) -> Result<Self, StoreError> {
        match stored {
            "deploy" => Ok(OperationKind::Deploy),
            "delete" => Ok(OperationKind::Delete),
            other => Err(unknown("operation kind", other)),
        }
    }

    /// The state an operation of this kind runs in, and the deployment status it shows.
    fn running(self) -> (OperationState, DeploymentStatus) {
        match self {
            OperationKind::Deploy => (OperationState::Applying, DeploymentStatus::Applying),
            OperationKind::Delete => (OperationState::Deleting, DeploymentStatus::Deleting),
        }
    }
}

/// Where an operation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OperationState {
    /// A deploy is running.
    Applying,
    /// A delete is running.
    Deleting,
    /// Finished: every object reached its goal.
    Succeeded,
    /// Finished: the operation stopped on an error.
    Failed,
    /// Finished: its replica died and a newer operation replaced it.
    Superseded,
}

impl OperationState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OperationState::Applying => "applying",
            OperationState::Deleting => "deleting",
            OperationState::Succeeded => "succeeded",
            OperationState::Failed => "failed",
            OperationState::Superseded => "superseded",
        }
    }

    /// Whether the operation is over.
    pub fn is_finished(self) -> bool {
        !matches!(self, OperationState::Applying | OperationState::Deleting)
    }

    fn parse(stored: &str) -> Result<Self, StoreError> {
        [
            OperationState::Applying,
            OperationState::Deleting,
            OperationState::Succeeded,
            OperationState::Failed,
            OperationState::Superseded,
        ]
        .into_iter()
        .find(|state| state.as_str() == stored)
        .ok_or_else(|| unknown("operation state", stored))
    }
}

fn unknown(what: &str, stored: &str) -> StoreError {
    StoreError::Database(DbErr::Type(format!("unknown {what} `{stored}`")))
}

/// An operation as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub id: OperationId,
    pub deployment_id: DeploymentId,
    pub kind: OperationKind,
    /// The revision a deploy applies (for a delete: the revision whose objects it removes).
    pub target_revision: Option<i32>,
    /// The objects the operation may touch, widened (old ∪ new) before it starts.
    pub inventory: serde_json::Value,
    pub state: OperationState,
    /// Per-object outcome, written as the operation progresses.
    pub result: serde_json::Value,
    /// Why a failed operation failed.
    pub error: Option<String>,
    pub started_by: Option<UserId>,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The replica running (or that last ran) the operation.
    pub lease_holder: Option<String>,
    /// Until when the holder's claim stands without renewal; `None` once finished.
    pub lease_expires_at: Option<DateTime<Utc>>,
}

impl TryFrom<operations::Model> for Operation {
    type Error = StoreError;

    fn try_from(model: operations::Model) -> Result<Self, StoreError> {
        Ok(Operation {
            id: OperationId(model.id),
            deployment_id: DeploymentId(model.deployment_id),
            kind: OperationKind::parse(&model.kind)?,
            target_revision: model.target_revision,
            inventory: model.inventory,
            state: OperationState::parse(&model.state)?,
            result: model.result,
            error: model.error,
            started_by: model.started_by.map(UserId),
            started_at: model.started_at,
            updated_at: model.updated_at,
            finished_at: model.finished_at,
            lease_holder: model.lease_holder,
            lease_expires_at: model.lease_expires_at,
        })
    }
}

/// An operation to start. The id is the caller's so the audit event can name it.
#[derive(Debug, Clone)]
pub struct NewOperation {
    pub id: OperationId,
    pub deployment_id: DeploymentId,
    pub kind: OperationKind,
    pub target_revision: Option<i32>,
    pub inventory: serde_json::Value,
    pub started_by: Option<UserId>,
    /// Names the replica that will run it (unique per process).
    pub holder: String,
    /// How long the claim stands without renewal.
    pub lease: Duration,
}

impl Store {
    /// Starts an operation with its audit row in one transaction; see [`start`].
    pub async fn start_operation(
        &self,
        new: NewOperation,
        audit: NewAuditEvent,
    ) -> Result<Operation, StoreError> {
        self.transaction(async |tx| start(tx, new, audit).await)
            .await
    }

    /// The operation with this id.
    pub async fn operation(&self, id: OperationId) -> Result<Option<Operation>, StoreError> {
        find(&self.db, id).await
    }
}

/// The objects the deployment's cluster holds for it as far as the database knows: the object set
/// of its newest operation (each operation starts from its predecessor's set and keeps its own up
/// to date as it widens and narrows it), an empty array before the first.
pub async fn recorded_inventory(
    db: &impl ConnectionTrait,
    deployment: DeploymentId,
) -> Result<serde_json::Value, StoreError> {
    let newest = operations::Entity::find()
        .filter(operations::Column::DeploymentId.eq(deployment.0))
        .order_by_desc(operations::Column::StartedAt)
        .order_by_desc(operations::Column::Id)
        .one(db)
        .await?;
    Ok(newest.map_or_else(
        || serde_json::Value::Array(Vec::new()),
        |model| model.inventory,
    ))
}

/// Writes the object set of an operation held by `holder`. [`StoreError::LeaseLost`] when
/// `holder` no longer holds it.
pub async fn record_inventory(
    db: &impl ConnectionTrait,
    id: OperationId,
    holder: &str,
    inventory: serde_json::Value,
) -> Result<Operation, StoreError> {
    let mut changes = operations::ActiveModel::new();
    changes.inventory = Set(inventory);
    changes.updated_at = Set(crate::now());
    update_held(db, id, holder, changes).await
}

/// Records the intent of an operation before anything touches the cluster: the operation row
/// (state `applying` or `deleting`, lease held by `new.holder`), the deployment's status
/// (`applying` / `deleting`) and the audit row. Fails with [`StoreError::OperationInProgress`]
/// while another unfinished operation on the deployment holds an unexpired lease; one whose lease
/// expired is finished as `superseded` and replaced. [`StoreError::NotFound`] when the deployment
/// does not exist or is deleted. Run it in a transaction: the deployment row is locked first, so
/// concurrent starts on any replica are serialised (and the partial unique index on unfinished
/// operations backs this up).
pub async fn start(
    db: &impl ConnectionTrait,
    new: NewOperation,
    audit: NewAuditEvent,
) -> Result<Operation, StoreError> {
    lock_deployment(db, new.deployment_id).await?;
    let now = crate::now();
    if let Some(running) = unfinished(db, new.deployment_id).await? {
        match running.lease_expires_at {
            Some(expires) if expires > now => {
                return Err(StoreError::OperationInProgress {
                    operation: running.id,
                    holder: running.lease_holder.unwrap_or_default(),
                    lease_expires_at: expires,
                });
            }
            _ => supersede(db, &running, new.id, now).await?,
        }
    }
    let (state, status) = new.kind.running();
    let model = operations::ActiveModel {
        id: Set(new.id.0),
        deployment_id: Set(new.deployment_id.0),
        kind: Set(new.kind.as_str().to_owned()),
        target_revision: Set(new.target_revision),
        inventory: Set(new.inventory),
        state: Set(state.as_str().to_owned()),
        result: Set(serde_json::Value::Object(serde_json::Map::new())),
        error: Set(None),
        started_by: Set(new.started_by.map(|id| id.0)),
        started_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
        lease_holder: Set(Some(new.holder)),
        lease_expires_at: Set(Some(expiry(now, new.lease))),
    }
    .insert(db)
    .await?;
    deployments::set_status(db, new.deployment_id, status, None).await?;
    audit::record(db, audit).await?;
    Operation::try_from(model)
}

/// The operation with this id.
pub async fn find(
    db: &impl ConnectionTrait,
    id: OperationId,
) -> Result<Option<Operation>, StoreError> {
    operations::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(Operation::try_from)
        .transpose()
}

/// A deployment's operations, newest first.
pub async fn of_deployment(
    db: &impl ConnectionTrait,
    deployment: DeploymentId,
) -> Result<Vec<Operation>, StoreError> {
    operations::Entity::find()
        .filter(operations::Column::DeploymentId.eq(deployment.0))
        .order_by_desc(operations::Column::StartedAt)
        .order_by_desc(operations::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Operation::try_from)
        .collect()
}

/// The deployment's unfinished operation, if any (there is at most one), expired lease or not.
pub async fn unfinished(
    db: &impl ConnectionTrait,
    deployment: DeploymentId,
) -> Result<Option<Operation>, StoreError> {
    operations::Entity::find()
        .filter(operations::Column::DeploymentId.eq(deployment.0))
        .filter(operations::Column::FinishedAt.is_null())
        .one(db)
        .await?
        .map(Operation::try_from)
        .transpose()
}

/// Writes the per-object `result` so far. [`StoreError::LeaseLost`] when `holder` no longer holds
/// the operation (finished, or taken over).
pub async fn record_progress(
    db: &impl ConnectionTrait,
    id: OperationId,
    holder: &str,
    result: serde_json::Value,
) -> Result<Operation, StoreError> {
    let mut changes = operations::ActiveModel::new();
    changes.result = Set(result);
    changes.updated_at = Set(crate::now());
    update_held(db, id, holder, changes).await
}

/// Extends the lease to `lease` from now. [`StoreError::LeaseLost`] when `holder` no longer holds
/// the operation.
pub async fn renew_lease(
    db: &impl ConnectionTrait,
    id: OperationId,
    holder: &str,
    lease: Duration,
) -> Result<Operation, StoreError> {
    let mut changes = operations::ActiveModel::new();
    changes.lease_expires_at = Set(Some(expiry(crate::now(), lease)));
    update_held(db, id, holder, changes).await
}

/// Ends the operation with a finished `state`, the final per-object `result` and, for a failure,
/// its cause; the lease is released. The deployment's status and applied revision are the
/// caller's to write in the same transaction. [`StoreError::LeaseLost`] when `holder` no longer
/// holds the operation; a running state (`applying`, `deleting`) is refused as a database error
/// because no caller should ask for it.
pub async fn finish(
    db: &impl ConnectionTrait,
    id: OperationId,
    holder: &str,
    state: OperationState,
    result: serde_json::Value,
    error: Option<String>,
) -> Result<Operation, StoreError> {
    if !state.is_finished() {
        return Err(StoreError::Database(DbErr::Custom(format!(
            "operation {id} cannot finish in the running state `{}`",
            state.as_str()
        ))));
    }
    let now = crate::now();
    let mut changes = operations::ActiveModel::new();
    changes.state = Set(state.as_str().to_owned());
    changes.result = Set(result);
    changes.error = Set(error);
    changes.updated_at = Set(now);
    changes.finished_at = Set(Some(now));
    changes.lease_expires_at = Set(None);
    update_held(db, id, holder, changes).await
}

/// Unfinished operations whose lease has expired: their replica died, so they wait to be taken
/// over and resumed. Oldest first.
pub async fn expired(db: &impl ConnectionTrait) -> Result<Vec<Operation>, StoreError> {
    operations::Entity::find()
        .filter(operations::Column::FinishedAt.is_null())
        .filter(operations::Column::LeaseExpiresAt.lt(crate::now()))
        .order_by_asc(operations::Column::StartedAt)
        .order_by_asc(operations::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Operation::try_from)
        .collect()
}

/// Claims an unfinished operation whose lease has expired for `holder`, to resume it. `None`
/// when it is finished or its lease is current (another replica renewed or claimed it first):
/// the claim is one conditional write, so only one replica wins.
pub async fn take_over(
    db: &impl ConnectionTrait,
    id: OperationId,
    holder: &str,
    lease: Duration,
) -> Result<Option<Operation>, StoreError> {
    let now = crate::now();
    let mut changes = operations::ActiveModel::new();
    changes.lease_holder = Set(Some(holder.to_owned()));
    changes.lease_expires_at = Set(Some(expiry(now, lease)));
    changes.updated_at = Set(now);
    let updated = operations::Entity::update_many()
        .set(changes)
        .filter(operations::Column::Id.eq(id.0))
        .filter(operations::Column::FinishedAt.is_null())
        .filter(operations::Column::LeaseExpiresAt.lt(now))
        .exec_with_returning(db)
        .await?;
    updated
        .into_iter()
        .next()
        .map(Operation::try_from)
        .transpose()
}

/// Writes `changes` to an unfinished operation held by `holder`.
async fn update_held(
    db: &impl ConnectionTrait,
    id: OperationId,
    holder: &str,
    changes: operations::ActiveModel,
) -> Result<Operation, StoreError> {
    let updated = operations::Entity::update_many()
        .set(changes)
        .filter(operations::Column::Id.eq(id.0))
        .filter(operations::Column::FinishedAt.is_null())
        .filter(operations::Column::LeaseHolder.eq(holder))
        .exec_with_returning(db)
        .await?;
    updated
        .into_iter()
        .next()
        .ok_or(StoreError::LeaseLost { operation: id })
        .and_then(Operation::try_from)
}

/// Finishes an abandoned operation so a new one can start.
async fn supersede(
    db: &impl ConnectionTrait,
    abandoned: &Operation,
    by: OperationId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut changes = operations::ActiveModel::new();
    changes.state = Set(OperationState::Superseded.as_str().to_owned());
    changes.error = Set(Some(format!(
        "its lease expired unfinished; superseded by operation {by}"
    )));
    changes.updated_at = Set(now);
    changes.finished_at = Set(Some(now));
    changes.lease_expires_at = Set(None);
    operations::Entity::update_many()
        .set(changes)
        .filter(operations::Column::Id.eq(abandoned.id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Locks the live deployment's row for the rest of the transaction with a write that changes
/// nothing: a row lock on PostgreSQL, the database write lock on SQLite.
async fn lock_deployment(db: &impl ConnectionTrait, id: DeploymentId) -> Result<(), StoreError> {
    let result = deployment_rows::Entity::update_many()
        .col_expr(
            deployment_rows::Column::Id,
            Expr::col(deployment_rows::Column::Id),
        )
        .filter(deployment_rows::Column::Id.eq(id.0))
        .filter(deployment_rows::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::NotFound {
            entity: "deployment",
        });
    }
    Ok(())
}

pub(crate) fn expiry(now: DateTime<Utc>, lease: Duration) -> DateTime<Utc> {
    let lease = TimeDelta::from_std(lease.min(MAX_LEASE)).unwrap_or(TimeDelta::zero());
    now + lease
}
