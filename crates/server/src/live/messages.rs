//! What travels over `/api/v1/ws`, as JSON text frames. The client sends [`ClientMessage`]s; the
//! server sends [`ServerMessage`]s, each with `seq`, a number that grows by one with every
//! message on the connection.

use crate::deployments::operation_views::{ObjectProgressView, ObjectRefView};
use crate::deployments::views::StatusView;
use kubechart_kube::health::HealthState;
use kubechart_kube::watch::{ObjectEvent, ObjectHealth};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A message from the client.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
#[schema(as = LiveClientMessage)]
pub enum ClientMessage {
    /// Follow one deployment: a `status` snapshot with every object first, then `status`,
    /// `progress` and `event` messages as things change.
    #[serde(rename_all = "camelCase")]
    Subscribe { deployment_id: String },
    /// Stop following a deployment.
    #[serde(rename_all = "camelCase")]
    Unsubscribe { deployment_id: String },
    /// Follow the status of all of the caller's deployments: a `statusList` snapshot first, then
    /// a `status` message (without `objects`) whenever one of them changes.
    SubscribeList,
    /// Stop following the list.
    UnsubscribeList,
}

/// A message from the server.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
#[schema(as = LiveServerMessage)]
pub enum ServerMessage {
    Status(StatusMessage),
    Progress(ProgressMessage),
    Event(EventMessage),
    StatusList(StatusListMessage),
    Error(ErrorMessage),
}

impl ServerMessage {
    /// Numbers the message; the connection does this as it sends.
    pub fn with_seq(mut self, seq: u64) -> Self {
        match &mut self {
            Self::Status(message) => message.seq = seq,
            Self::Progress(message) => message.seq = seq,
            Self::Event(message) => message.seq = seq,
            Self::StatusList(message) => message.seq = seq,
            Self::Error(message) => message.seq = seq,
        }
        self
    }
}

/// A deployment's status. Sent first on `subscribe` (a snapshot with every object), again after
/// the connection fell behind (a fresh snapshot), and whenever the status, its reason or an
/// object's health changes. For `subscribeList`, `objects` is absent.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = LiveStatusMessage)]
pub struct StatusMessage {
    pub seq: u64,
    pub deployment_id: String,
    pub status: StatusView,
    /// Why, in words from the health engine or the last operation.
    pub reason: Option<String>,
    /// Every object of the applied revision with its health, in apply order; empty until the
    /// deployment has been applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objects: Option<Vec<ObjectHealthView>>,
}

/// One object's health.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = LiveObjectHealth)]
pub struct ObjectHealthView {
    pub object: ObjectRefView,
    pub state: HealthStateView,
    pub reason: String,
}

impl From<&ObjectHealth> for ObjectHealthView {
    fn from(object: &ObjectHealth) -> Self {
        Self {
            object: (&object.object).into(),
            state: object.health.state.into(),
            reason: object.health.reason.clone(),
        }
    }
}

/// An object's health, in kstatus' words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = LiveHealthState)]
pub enum HealthStateView {
    Current,
    InProgress,
    Failed,
    Terminating,
    NotFound,
}

impl From<HealthState> for HealthStateView {
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

/// One object's progress in a running operation (the states of the operation's `objects`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = LiveProgressMessage)]
pub struct ProgressMessage {
    pub seq: u64,
    pub deployment_id: String,
    pub operation_id: String,
    pub object: ObjectRefView,
    /// `pending`, `applying`, `applied`, `unchanged`, `deleting`, `deleted`, `failed` or
    /// `notAttempted`.
    pub state: String,
    /// Why it failed or was not attempted.
    pub message: Option<String>,
}

impl ProgressMessage {
    pub fn new(deployment_id: String, operation_id: String, progress: &ObjectProgressView) -> Self {
        Self {
            seq: 0,
            deployment_id,
            operation_id,
            object: progress.object.clone(),
            state: progress.state.clone(),
            message: progress.message.clone(),
        }
    }
}

/// A Warning event about one of the app's objects or what they own (pods included).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = LiveEventMessage)]
pub struct EventMessage {
    pub seq: u64,
    pub deployment_id: String,
    pub object: ObjectRefView,
    /// The machine-readable reason, e.g. `BackOff`.
    pub reason: String,
    pub message: String,
    /// How many times it happened.
    pub count: i64,
    /// When it last happened (RFC 3339), when known.
    pub last_seen: Option<String>,
}

impl EventMessage {
    pub fn new(deployment_id: String, event: &ObjectEvent) -> Self {
        Self {
            seq: 0,
            deployment_id,
            object: (&event.object).into(),
            reason: event.reason.clone(),
            message: event.message.clone(),
            count: event.count,
            last_seen: event.last_seen.clone(),
        }
    }
}

/// Every deployment of the caller with its status: the snapshot of `subscribeList`, sent first
/// and again after the connection fell behind.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = LiveStatusListMessage)]
pub struct StatusListMessage {
    pub seq: u64,
    pub items: Vec<StatusItem>,
}

/// One deployment in a `statusList`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = LiveStatusItem)]
pub struct StatusItem {
    pub deployment_id: String,
    pub name: String,
    pub namespace: String,
    pub status: StatusView,
    pub reason: Option<String>,
}

/// A request the server could not follow; the connection stays open.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = LiveErrorMessage)]
pub struct ErrorMessage {
    pub seq: u64,
    /// `malformed` (not a message this protocol knows), `not_found` (no such deployment for
    /// the caller) or `unavailable` (the database could not be reached; try again).
    pub code: String,
    pub message: String,
    /// The deployment the failed request named, when it named one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
}

impl ErrorMessage {
    pub fn new(code: &str, message: impl Into<String>, deployment_id: Option<String>) -> Self {
        Self {
            seq: 0,
            code: code.to_owned(),
            message: message.into(),
            deployment_id,
        }
    }
}
