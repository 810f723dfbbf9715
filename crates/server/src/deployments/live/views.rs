//! The JSON shapes of a deployment's live state: its objects with their health and pods, the
//! events about them, and the query strings of those endpoints and of pod logs.

use crate::deployments::views::StatusView;
use chrono::{DateTime, Utc};
use kubechart_kube::ObjectRef;
use kubechart_kube::health::{Health, HealthState};
use kubechart_kube::watch::ObjectEvent;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `GET /api/v1/deployments/{id}/resources`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = DeploymentResources)]
pub struct ResourcesView {
    pub status: StatusView,
    #[schema(required = true)]
    pub status_reason: Option<String>,
    /// The revision the objects come from; absent while nothing was applied.
    #[schema(required = true)]
    pub applied_revision: Option<i32>,
    /// The app as a whole, its worst object named; absent while nothing was applied.
    #[schema(required = true)]
    pub health: Option<HealthView>,
    /// Every object of the app in apply order; empty while nothing was applied.
    pub objects: Vec<ResourceView>,
}

/// One object of the app and how it is doing.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = LiveObject)]
pub struct ResourceView {
    #[serde(flatten)]
    pub object: ObjectRefView,
    pub health: HealthView,
    /// The pods the workload runs now (a bare Pod lists itself); absent for other kinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pods: Option<Vec<PodView>>,
}

/// Which object.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = LiveObjectRef)]
pub struct ObjectRefView {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// Absent for cluster-scoped objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl From<ObjectRef> for ObjectRefView {
    fn from(object: ObjectRef) -> Self {
        Self {
            api_version: object.api_version,
            kind: object.kind,
            name: object.name,
            namespace: object.namespace,
        }
    }
}

/// A health state and why, in a few plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = LiveHealth)]
pub struct HealthView {
    pub state: LiveState,
    pub reason: String,
}

impl From<Health> for HealthView {
    fn from(health: Health) -> Self {
        Self {
            state: health.state.into(),
            reason: health.reason,
        }
    }
}

/// kstatus' states, and `Untracked` for kinds that have no live status (ConfigMap, Secret,
/// RBAC…): they are as applied and nothing about them changes on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum LiveState {
    Current,
    InProgress,
    Failed,
    Terminating,
    NotFound,
    Untracked,
}

impl From<HealthState> for LiveState {
    fn from(state: HealthState) -> Self {
        match state {
            HealthState::Current => Self::Current,
            HealthState::InProgress => Self::InProgress,
            HealthState::Failed => Self::Failed,
            HealthState::Terminating => Self::Terminating,
            HealthState::NotFound => Self::NotFound,
        }
    }
}

/// One pod of a workload.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = LivePod)]
pub struct PodView {
    pub name: String,
    pub namespace: String,
    /// `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`.
    pub phase: String,
    /// Containers ready, of `containerCount` (init containers not counted).
    pub ready_containers: u32,
    pub container_count: u32,
    /// Restarts of every container together.
    pub restarts: i32,
    #[schema(required = true)]
    pub created_at: Option<DateTime<Utc>>,
    /// Seconds since the pod was created.
    #[schema(required = true)]
    pub age_seconds: Option<i64>,
    /// The node it was scheduled to; absent while unscheduled.
    #[schema(required = true)]
    pub node: Option<String>,
    /// Its health, with the reason of a container that does not start.
    pub health: HealthView,
    pub containers: Vec<ContainerView>,
}

/// One container of a pod, init containers included.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = LiveContainer)]
pub struct ContainerView {
    pub name: String,
    pub image: String,
    /// An init container (runs to completion before the others start).
    pub init: bool,
    pub ready: bool,
    pub restarts: i32,
    pub state: ContainerState,
    /// Why it waits or ended, e.g. `ImagePullBackOff`, `CrashLoopBackOff`, `Completed`.
    #[schema(required = true)]
    pub reason: Option<String>,
    #[schema(required = true)]
    pub message: Option<String>,
}

/// What a container is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContainerState {
    Waiting,
    Running,
    Terminated,
    /// The kubelet has not reported it yet.
    Unknown,
}

/// `GET /api/v1/deployments/{id}/events`: Warnings first, then newest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = LiveEvent)]
pub struct EventView {
    /// `Warning` or `Normal`.
    #[serde(rename = "type")]
    pub event_type: String,
    pub reason: String,
    pub message: String,
    /// The object the event is about (one of the app's, or a pod or ReplicaSet it owns).
    pub object: ObjectRefView,
    /// How many times it happened.
    pub count: i64,
    /// When it last happened (RFC 3339), when the cluster says.
    #[schema(required = true)]
    pub last_seen: Option<String>,
}

impl From<ObjectEvent> for EventView {
    fn from(event: ObjectEvent) -> Self {
        Self {
            event_type: event.event_type,
            reason: event.reason,
            message: event.message,
            object: event.object.into(),
            count: event.count,
            last_seen: event.last_seen,
        }
    }
}

/// `GET /api/v1/deployments/{id}/events` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// At most this many events, 1–1000; default 100.
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

/// `GET /api/v1/deployments/{id}/logs` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LogsQuery {
    /// One of the app's pods (see `resources`).
    pub pod: Option<String>,
    /// The container; required when the pod has more than one.
    pub container: Option<String>,
    /// Only the last lines, 1–10000; default 1000.
    #[param(value_type = Option<u32>)]
    pub tail: Option<String>,
    /// The log of the previous (crashed) instance of the container.
    #[param(value_type = Option<bool>)]
    pub previous: Option<String>,
    /// Keep the answer open and stream new lines until the container stops.
    #[param(value_type = Option<bool>)]
    pub follow: Option<String>,
}
