//! The JSON shapes of the deployment and audit endpoints. Every spec in a response has its Secret
//! values masked and every YAML is rendered with Secret values redacted.

use chrono::{DateTime, Utc};
use kubechart_store::{AuditEvent, DeploymentStatus, DeploymentSummary};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `POST /api/v1/deployments`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDeploymentRequest {
    /// The cluster to deploy to: one of the caller's, a shared one, or (administrators) any.
    pub cluster_id: Option<String>,
    /// The AppSpec; its `name` and `namespace` name the deployment.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub spec: serde_json::Value,
}

/// `PUT /api/v1/deployments/{id}`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateDeploymentRequest {
    /// The whole new AppSpec. A Secret value sent back as `***` (as responses mask it) keeps the
    /// stored value of the same Secret and key.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub spec: serde_json::Value,
    /// Move a never-applied deployment to this cluster; absent: keep the current one.
    pub cluster_id: Option<String>,
    /// The revision the edit is based on; a stale one is refused with 409.
    #[serde(deserialize_with = "crate::http::json::whole_number")]
    pub revision: i32,
}

/// `GET /api/v1/deployments` query. Every parameter is optional; the values are read by the
/// service so that a wrong one is answered with its name.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only deployments to this cluster (id).
    pub cluster: Option<String>,
    /// Only deployments in this namespace.
    pub namespace: Option<String>,
    /// Only deployments with this status.
    #[param(value_type = Option<StatusView>)]
    pub status: Option<String>,
    /// A case-insensitive substring of the name.
    pub q: Option<String>,
    /// Page size, 1–500; default 50.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// `nextCursor` of the previous page.
    #[param(
        pattern = r"^[0-9]{1,16}\.([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
    )]
    pub cursor: Option<String>,
    /// Every user's deployments (administrators only).
    #[param(value_type = Option<bool>)]
    pub all: Option<String>,
}

/// `DELETE /api/v1/deployments/{id}` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteQuery {
    /// Forget the record and leave the objects running in the cluster.
    #[serde(default)]
    pub keep_resources: bool,
}

/// `GET /api/v1/audit` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only events about this target, e.g. `deployment:<id>`.
    pub target: Option<String>,
    /// Page size, 1–500; default 50.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// `nextCursor` of the previous page.
    #[param(
        pattern = r"^[0-9]{1,16}\.([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
    )]
    pub cursor: Option<String>,
}

/// Where a deployment stands.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = DeploymentStatus)]
pub enum StatusView {
    Draft,
    Applying,
    Progressing,
    Ready,
    Degraded,
    Failed,
    Deleting,
}

impl From<DeploymentStatus> for StatusView {
    fn from(status: DeploymentStatus) -> Self {
        match status {
            DeploymentStatus::Draft => Self::Draft,
            DeploymentStatus::Applying => Self::Applying,
            DeploymentStatus::Progressing => Self::Progressing,
            DeploymentStatus::Ready => Self::Ready,
            DeploymentStatus::Degraded => Self::Degraded,
            DeploymentStatus::Failed => Self::Failed,
            DeploymentStatus::Deleting => Self::Deleting,
        }
    }
}

/// A user named in a response. Absent when the account no longer exists.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = UserRef)]
pub struct UserRefView {
    pub id: String,
    pub username: String,
}

/// A deployment in a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = DeploymentSummary)]
pub struct SummaryView {
    pub id: String,
    pub owner_id: String,
    pub name: String,
    pub namespace: String,
    #[schema(required = true)]
    pub cluster_id: Option<String>,
    pub status: StatusView,
    #[schema(required = true)]
    pub status_reason: Option<String>,
    pub revision: i32,
    /// The revision whose apply last succeeded; null until one did.
    #[schema(required = true)]
    pub applied_revision: Option<i32>,
    pub resource_count: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<DeploymentSummary> for SummaryView {
    fn from(summary: DeploymentSummary) -> Self {
        Self {
            id: summary.id.to_string(),
            owner_id: summary.owner_id.to_string(),
            name: summary.name,
            namespace: summary.namespace,
            cluster_id: summary.cluster_id.map(|id| id.to_string()),
            status: summary.status.into(),
            status_reason: summary.status_reason,
            revision: summary.revision,
            applied_revision: summary.applied_revision,
            resource_count: summary.resource_count,
            updated_at: summary.updated_at,
        }
    }
}

/// A page of deployments, newest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = DeploymentPage)]
pub struct DeploymentPageView {
    pub items: Vec<SummaryView>,
    /// Pass it as `cursor` for the next page; null on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// The whole deployment record.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Deployment)]
pub struct DeploymentView {
    pub id: String,
    pub owner: UserRefView,
    pub name: String,
    pub namespace: String,
    #[schema(required = true)]
    pub cluster_id: Option<String>,
    /// The AppSpec of the current revision, Secret values masked as `***`.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub spec: serde_json::Value,
    /// The rendered manifests of the current revision, Secret values redacted.
    pub yaml: String,
    pub status: StatusView,
    #[schema(required = true)]
    pub status_reason: Option<String>,
    pub revision: i32,
    #[schema(required = true)]
    pub applied_revision: Option<i32>,
    /// Imported from objects running in its cluster and not applied yet: deploying takes those
    /// objects over without `adopt`.
    pub adopts_on_deploy: bool,
    pub resource_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(required = true)]
    pub applied_at: Option<DateTime<Utc>>,
}

/// A revision in the history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = RevisionSummary)]
pub struct RevisionSummaryView {
    pub number: i32,
    #[schema(required = true)]
    pub created_by: Option<UserRefView>,
    pub created_at: DateTime<Utc>,
}

/// One revision with its spec and manifests.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Revision)]
pub struct RevisionView {
    pub number: i32,
    /// Secret values masked as `***`.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub spec: serde_json::Value,
    /// Secret values redacted.
    pub yaml: String,
    #[schema(required = true)]
    pub created_by: Option<UserRefView>,
    pub created_at: DateTime<Utc>,
}

/// One AppSpec field that differs between two revisions.
#[derive(Debug, PartialEq, Serialize, ToSchema)]
#[schema(as = FieldChange)]
pub struct FieldChangeView {
    /// AppSpec path, e.g. `workloads[0].containers[0].image`.
    pub path: String,
    /// Null when the field is absent in the older revision; Secret values are `***`.
    #[schema(value_type = Value, required = true)]
    pub before: serde_json::Value,
    /// Null when the field is absent in the newer revision; Secret values are `***`.
    #[schema(value_type = Value, required = true)]
    pub after: serde_json::Value,
}

/// What changed from one revision to another.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = RevisionDiff)]
pub struct RevisionDiffView {
    pub from: i32,
    pub to: i32,
    pub fields: Vec<FieldChangeView>,
    /// Unified diff of the rendered manifests (Secret values redacted); empty when equal.
    pub yaml: String,
}

/// A recorded action.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AuditEvent)]
pub struct AuditEventView {
    pub id: String,
    /// Null for actions without a signed-in actor or whose account is gone.
    #[schema(required = true)]
    pub actor: Option<UserRefView>,
    /// Dotted verb, e.g. `deployment.update`.
    pub action: String,
    /// What was acted on, e.g. `deployment:<id>`.
    pub target: String,
    #[schema(value_type = Value)]
    pub detail: serde_json::Value,
    pub at: DateTime<Utc>,
}

impl AuditEventView {
    pub fn new(event: AuditEvent, actor: Option<UserRefView>) -> Self {
        Self {
            id: event.id.to_string(),
            actor,
            action: event.action,
            target: event.target,
            detail: event.detail,
            at: event.at,
        }
    }
}

/// A page of audit events, newest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AuditPage)]
pub struct AuditPageView {
    pub items: Vec<AuditEventView>,
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}
