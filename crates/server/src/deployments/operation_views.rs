//! The JSON shapes of diff, deploy and operations: the engine's plan and per-object progress, in
//! the API's own types so that the OpenAPI document describes them.

use chrono::{DateTime, Utc};
use kubechart_kube::ObjectRef;
use kubechart_kube::apply::{
    Action, AppliedObject, DeletedObject, DeletionOutcome, ObjectFailure, Outcome, Plan,
    PlannedObject, Progress,
};
use kubechart_store::Operation;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /api/v1/deployments/{id}/diff`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiffRequest {
    /// The revision to compare with the cluster; absent: the latest.
    #[serde(default, deserialize_with = "crate::http::json::some_whole_number")]
    pub revision: Option<i32>,
}

/// `POST /api/v1/deployments/{id}/deploy`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeployRequest {
    /// The revision to apply; absent: the latest.
    #[serde(default, deserialize_with = "crate::http::json::some_whole_number")]
    pub revision: Option<i32>,
    /// Take over objects that exist but belong to another app or to none.
    #[serde(default)]
    pub adopt: bool,
    /// Delete and re-create objects whose immutable fields changed.
    #[serde(default)]
    pub recreate: bool,
}

/// `POST /api/v1/deployments/{id}/rollback`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RollbackRequest {
    /// The revision whose spec becomes the newest revision and is deployed.
    #[serde(deserialize_with = "crate::http::json::whole_number")]
    pub revision: i32,
}

/// The answer to a deploy or rollback: the operation that carries it out.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeployAcceptedView {
    pub operation_id: String,
    /// The revision it applies (for a rollback: the new revision with the chosen spec, or the
    /// latest when it already had that spec).
    pub revision: i32,
}

/// The answer to a delete that removes the objects from the cluster.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeleteAcceptedView {
    pub operation_id: String,
}

/// One object a delete would remove, as the cluster holds it.
#[derive(Serialize, ToSchema, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PreviewObjectView {
    pub api_version: String,
    pub kind: String,
    /// Absent for cluster-scoped objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
    pub cluster_scoped: bool,
}

/// `GET /api/v1/deployments/{id}/delete-preview`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeletePreviewView {
    /// Every object of the app found in the cluster; empty for a deployment never applied.
    pub objects: Vec<PreviewObjectView>,
}

/// Which object.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRefView {
    pub api_version: String,
    pub kind: String,
    /// Absent for cluster-scoped objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

impl From<&ObjectRef> for ObjectRefView {
    fn from(reference: &ObjectRef) -> Self {
        Self {
            api_version: reference.api_version.clone(),
            kind: reference.kind.clone(),
            namespace: reference.namespace.clone(),
            name: reference.name.clone(),
        }
    }
}

/// What applying does to one object.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ActionView {
    Create,
    Update,
    Unchanged,
    /// Exists but belongs to another app or to none: taken over only with `adopt`.
    Adopt,
    /// The revision no longer has it: deleted after the apply.
    Prune,
    /// No longer labelled as a member: dropped from the set and left in the cluster.
    Release,
}

impl From<Action> for ActionView {
    fn from(action: Action) -> Self {
        match action {
            Action::Create => Self::Create,
            Action::Update => Self::Update,
            Action::Unchanged => Self::Unchanged,
            Action::Adopt => Self::Adopt,
            Action::Prune => Self::Prune,
            Action::Release => Self::Release,
        }
    }
}

/// Why an object cannot be applied, at its AppSpec path.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FailureView {
    /// The AppSpec path, e.g. `workloads[0].containers[0].image`; empty when none fits.
    pub path: String,
    pub message: String,
}

impl From<&ObjectFailure> for FailureView {
    fn from(failure: &ObjectFailure) -> Self {
        Self {
            path: failure.path.clone(),
            message: failure.message.clone(),
        }
    }
}

/// A field another field manager owns, which applying takes over.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConflictView {
    pub field: String,
    pub manager: String,
}

/// One object in the plan.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlannedObjectView {
    pub object: ObjectRefView,
    /// The AppSpec entry it comes from; empty for objects only the inventory knows.
    pub spec_path: String,
    pub action: ActionView,
    /// Unified YAML diff, live → desired (Secret values masked).
    pub diff: String,
    /// For `adopt`: who the object belongs to now.
    pub owner: Option<String>,
    pub conflicts: Vec<ConflictView>,
    pub failure: Option<FailureView>,
    pub note: Option<String>,
    /// Whether applying replaces the running pods of this workload (its pod template changes,
    /// e.g. because KubeChart's labels reach it), as the API server's dry run shows.
    pub rolls_pods: bool,
    /// For a workload that exists: why its pods roll or stay, in one sentence.
    pub rolls_pods_reason: Option<String>,
}

impl From<&PlannedObject> for PlannedObjectView {
    fn from(object: &PlannedObject) -> Self {
        Self {
            object: (&object.reference).into(),
            spec_path: object.spec_path.clone(),
            action: object.action.into(),
            diff: object.diff.clone(),
            owner: object.owner.clone(),
            conflicts: object
                .conflicts
                .iter()
                .map(|c| ConflictView {
                    field: c.field.clone(),
                    manager: c.manager.clone(),
                })
                .collect(),
            failure: object.failure.as_ref().map(Into::into),
            note: object.note.clone(),
            rolls_pods: object.pods.as_ref().is_some_and(|pods| pods.rolls_pods),
            rolls_pods_reason: object.pods.as_ref().map(|pods| pods.reason.clone()),
        }
    }
}

/// The plan of one revision against the live cluster.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanView {
    /// The revision planned.
    pub revision: i32,
    /// Whether applying would change anything in the cluster.
    pub has_changes: bool,
    /// The desired objects in apply order, then the objects to prune.
    pub objects: Vec<PlannedObjectView>,
}

impl PlanView {
    pub fn new(revision: i32, plan: &Plan) -> Self {
        Self {
            revision,
            has_changes: plan.has_changes(),
            objects: plan.objects.iter().map(Into::into).collect(),
        }
    }
}

/// Where one object is in an operation. While it runs: `pending`, `applying`, `applied`,
/// `unchanged`, `deleting`, `deleted`, `failed`, `notAttempted`; once a deploy finished:
/// `created`, `updated`, `unchanged`, `recreated`, `pruned`, `leftAlone`, `failed`,
/// `notAttempted`; once a delete finished: `deleted`, `requested`, `stuck`, `leftAlone`, `failed`.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ObjectProgressView {
    pub object: ObjectRefView,
    /// The AppSpec entry it comes from, when known.
    #[serde(default)]
    pub spec_path: String,
    pub state: String,
    /// Why it failed or was not attempted.
    #[serde(default)]
    pub message: Option<String>,
    /// The AppSpec path of a failure.
    #[serde(default)]
    pub path: Option<String>,
}

impl ObjectProgressView {
    pub fn of_progress(reference: &ObjectRef, progress: &Progress) -> Self {
        let (state, message) = match progress {
            Progress::Pending => ("pending", None),
            Progress::Applying => ("applying", None),
            Progress::Applied => ("applied", None),
            Progress::Unchanged => ("unchanged", None),
            Progress::Deleting => ("deleting", None),
            Progress::Deleted => ("deleted", None),
            Progress::Failed(reason) => ("failed", Some(reason.clone())),
            Progress::NotAttempted(reason) => ("notAttempted", Some(reason.clone())),
        };
        Self {
            object: reference.into(),
            spec_path: String::new(),
            state: state.to_owned(),
            message,
            path: None,
        }
    }

    pub fn of_outcome(applied: &AppliedObject) -> Self {
        let (state, message, path) = match &applied.outcome {
            Outcome::Created => ("created", None, None),
            Outcome::Updated => ("updated", None, None),
            Outcome::Unchanged => ("unchanged", None, None),
            Outcome::Recreated => ("recreated", None, None),
            Outcome::Pruned => ("pruned", None, None),
            Outcome::LeftAlone => ("leftAlone", None, None),
            Outcome::Failed(failure) => (
                "failed",
                Some(failure.message.clone()),
                Some(failure.path.clone()),
            ),
            Outcome::NotAttempted(reason) => ("notAttempted", Some(reason.clone()), None),
        };
        Self {
            object: (&applied.reference).into(),
            spec_path: applied.spec_path.clone(),
            state: state.to_owned(),
            message,
            path,
        }
    }

    pub fn of_deletion(deleted: &DeletedObject) -> Self {
        let (state, message, path) = match &deleted.outcome {
            DeletionOutcome::Deleted => ("deleted", None, None),
            DeletionOutcome::Requested => ("requested", None, None),
            DeletionOutcome::Stuck(why) => ("stuck", Some(why.clone()), None),
            DeletionOutcome::LeftAlone => ("leftAlone", None, None),
            DeletionOutcome::Failed(failure) => (
                "failed",
                Some(failure.message.clone()),
                Some(failure.path.clone()),
            ),
        };
        Self {
            object: (&deleted.reference).into(),
            spec_path: String::new(),
            state: state.to_owned(),
            message,
            path,
        }
    }
}

/// The per-object record an operation keeps in its `result`.
#[derive(Serialize, Deserialize, Default)]
pub(super) struct StoredResult {
    #[serde(default)]
    pub objects: Vec<ObjectProgressView>,
}

/// Where an operation stands.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OperationStateView {
    Applying,
    Deleting,
    Succeeded,
    Failed,
    /// Its server stopped and a newer operation replaced it.
    Superseded,
}

/// What an operation does.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OperationKindView {
    Deploy,
    Delete,
}

/// `GET /api/v1/deployments/{id}/operations/{operationId}`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperationView {
    pub id: String,
    pub deployment_id: String,
    pub kind: OperationKindView,
    pub state: OperationStateView,
    pub target_revision: Option<i32>,
    /// Per object: progress while it runs, the outcome once finished.
    pub objects: Vec<ObjectProgressView>,
    /// Why a failed operation failed.
    pub error: Option<String>,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<Operation> for OperationView {
    fn from(operation: Operation) -> Self {
        use kubechart_store::{OperationKind, OperationState};
        // A result this server did not write (none yet) reads as no objects.
        let stored: StoredResult = serde_json::from_value(operation.result).unwrap_or_default();
        Self {
            id: operation.id.to_string(),
            deployment_id: operation.deployment_id.to_string(),
            kind: match operation.kind {
                OperationKind::Deploy => OperationKindView::Deploy,
                OperationKind::Delete => OperationKindView::Delete,
            },
            state: match operation.state {
                OperationState::Applying => OperationStateView::Applying,
                OperationState::Deleting => OperationStateView::Deleting,
                OperationState::Succeeded => OperationStateView::Succeeded,
                OperationState::Failed => OperationStateView::Failed,
                OperationState::Superseded => OperationStateView::Superseded,
            },
            target_revision: operation.target_revision,
            objects: stored.objects,
            error: operation.error,
            started_at: operation.started_at,
            updated_at: operation.updated_at,
            finished_at: operation.finished_at,
        }
    }
}
