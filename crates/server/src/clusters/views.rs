//! The JSON shapes of the cluster endpoints. Request types deliberately do not derive `Debug`, so
//! a token or kubeconfig can never reach a log line through `{:?}`; responses never carry
//! credentials, only whether some are stored.

use chrono::{DateTime, Utc};
use kubechart_kube::connect;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `POST /api/v1/clusters`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateClusterRequest {
    /// 1–128 characters, unique among the owner's clusters.
    pub name: String,
    pub source: SourceRequest,
    /// The namespace deployments go to unless they name one; default: the context's namespace.
    pub default_namespace: Option<String>,
    /// Every user may deploy to a shared cluster (administrators only).
    #[serde(default)]
    pub shared: bool,
}

/// Where the credentials come from.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SourceRequest {
    /// A kubeconfig with inline credentials only (no `exec`, `auth-provider`, file paths or
    /// `insecure-skip-tls-verify`).
    Kubeconfig(KubeconfigSourceRequest),
    /// An API server URL and a bearer token.
    Token(TokenSourceRequest),
    /// A source detected on the server's host (administrators only).
    Detected(DetectedSourceRequest),
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KubeconfigSourceRequest {
    /// The kubeconfig YAML.
    pub kubeconfig: String,
    /// The context to use; default: the kubeconfig's current context.
    pub context: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenSourceRequest {
    /// `https://host:port` of the API server.
    pub server: String,
    pub token: String,
    /// PEM bundle of the CAs that sign the API server's certificate; default: the system roots.
    pub certificate_authority_data: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DetectedSourceRequest {
    /// One of the detected kubeconfig files (`GET /api/v1/clusters/detected`); absent for the
    /// in-cluster service account.
    pub path: Option<String>,
    /// A context of that file; absent for the in-cluster service account.
    pub context: Option<String>,
}

/// `PATCH /api/v1/clusters/{id}`: absent fields are left as they are.
#[derive(Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateClusterRequest {
    pub name: Option<String>,
    /// `null` returns to the context's namespace.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub default_namespace: Option<Option<String>>,
    /// Administrators only.
    pub shared: Option<bool>,
    /// New credentials (rebuilds the cluster's client).
    pub source: Option<SourceRequest>,
}

/// A field that is present (even as `null`) becomes `Some`.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// `DELETE /api/v1/clusters/{id}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    /// Delete even when deployments are applied to the cluster (they keep running there).
    #[serde(default)]
    pub force: bool,
}

/// `GET /api/v1/clusters/{id}/status`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// The namespace to check permissions in; default: the cluster's default namespace.
    pub namespace: Option<String>,
}

/// The source types as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceType {
    InCluster,
    KubeconfigPath,
    Kubeconfig,
    Token,
}

/// The account that registered a cluster.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OwnerView {
    pub id: String,
    pub username: String,
}

/// A registered cluster, without its credentials.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Cluster)]
pub struct ClusterView {
    pub id: String,
    pub name: String,
    pub source: SourceType,
    #[schema(required = true)]
    pub server_url: Option<String>,
    #[schema(required = true)]
    pub context: Option<String>,
    /// The host kubeconfig file of a `kubeconfig_path` cluster.
    #[schema(required = true)]
    pub kubeconfig_path: Option<String>,
    #[schema(required = true)]
    pub default_namespace: Option<String>,
    pub shared: bool,
    /// Whether credentials are stored (sealed) for this cluster; they are never returned.
    pub has_credentials: bool,
    pub owner: OwnerView,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What the server's host offers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DetectedView {
    /// The pod's service account, when KubeChart runs in a cluster.
    #[schema(required = true)]
    pub in_cluster: Option<DetectedInClusterView>,
    /// Kubeconfig files in detection order: `$KUBECONFIG`, `~/.kube/config`, rke2, kubeadm.
    pub files: Vec<DetectedFileView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DetectedInClusterView {
    pub server: String,
    #[schema(required = true)]
    pub namespace: Option<String>,
    /// The cluster registered from it, if any.
    #[schema(required = true)]
    pub registered_as: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DetectedFileView {
    pub path: String,
    #[schema(required = true)]
    pub current_context: Option<String>,
    pub contexts: Vec<DetectedContextView>,
    /// Why the file could not be read.
    #[schema(required = true)]
    pub problem: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DetectedContextView {
    pub name: String,
    pub cluster: String,
    #[schema(required = true)]
    pub user: Option<String>,
    #[schema(required = true)]
    pub namespace: Option<String>,
    #[schema(required = true)]
    pub server: Option<String>,
    /// The cluster registered from this context, if any.
    #[schema(required = true)]
    pub registered_as: Option<String>,
}

/// The live state of a cluster.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ClusterStatus)]
pub struct StatusView {
    pub reachable: bool,
    pub server: String,
    /// e.g. `v1.33.1`.
    pub version: String,
    pub latency_ms: u64,
    /// Who the credentials authenticate as, when the cluster says.
    #[schema(required = true)]
    pub identity: Option<IdentityView>,
    pub optional_apis: Vec<OptionalApiView>,
    pub permissions: PermissionsView,
    pub pickers: PickersView,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdentityView {
    pub username: String,
    pub groups: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OptionalApiView {
    /// `Gateway API`, `cert-manager`, `Envoy Gateway`.
    pub name: String,
    pub group: String,
    pub kinds: Vec<String>,
    pub installed: bool,
    /// How to install it, when missing.
    #[schema(required = true)]
    pub install_hint: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PermissionsView {
    pub namespace: String,
    pub kinds: Vec<KindPermissionView>,
    /// One line per missing permission, e.g. `create deployments.apps in namespace shop`.
    pub missing: Vec<String>,
    /// The cluster could not answer completely: denied verbs may still be allowed.
    pub incomplete: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KindPermissionView {
    pub kind: String,
    pub group: String,
    pub resource: String,
    pub namespaced: bool,
    pub allowed: Vec<String>,
    pub denied: Vec<String>,
}

/// The lists the deployment form offers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PickersView {
    pub namespaces: PickerView,
    pub ingress_classes: PickerView,
    pub storage_classes: PickerView,
    pub gateways: PickerView,
    pub issuers: PickerView,
    pub cluster_issuers: PickerView,
}

/// One list; empty with a reason when it could not be read.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PickerView {
    pub items: Vec<PickerItemView>,
    #[schema(required = true)]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PickerItemView {
    pub name: String,
    #[schema(required = true)]
    pub namespace: Option<String>,
    pub is_default: bool,
}

impl From<connect::ClusterStatus> for StatusView {
    fn from(status: connect::ClusterStatus) -> Self {
        Self {
            reachable: status.reachable,
            server: status.server,
            version: status.version,
            latency_ms: status.latency_ms,
            identity: status.identity.map(|identity| IdentityView {
                username: identity.username,
                groups: identity.groups,
            }),
            optional_apis: status
                .optional_apis
                .into_iter()
                .map(|api| OptionalApiView {
                    name: api.name,
                    group: api.group,
                    kinds: api.kinds,
                    installed: api.installed,
                    install_hint: api.install_hint,
                })
                .collect(),
            permissions: PermissionsView {
                namespace: status.permissions.namespace,
                kinds: status
                    .permissions
                    .kinds
                    .into_iter()
                    .map(|kind| KindPermissionView {
                        kind: kind.kind,
                        group: kind.group,
                        resource: kind.resource,
                        namespaced: kind.namespaced,
                        allowed: kind.allowed,
                        denied: kind.denied,
                    })
                    .collect(),
                missing: status.permissions.missing,
                incomplete: status.permissions.incomplete,
            },
            pickers: PickersView {
                namespaces: status.pickers.namespaces.into(),
                ingress_classes: status.pickers.ingress_classes.into(),
                storage_classes: status.pickers.storage_classes.into(),
                gateways: status.pickers.gateways.into(),
                issuers: status.pickers.issuers.into(),
                cluster_issuers: status.pickers.cluster_issuers.into(),
            },
        }
    }
}

impl From<connect::Picker> for PickerView {
    fn from(picker: connect::Picker) -> Self {
        Self {
            items: picker
                .items
                .into_iter()
                .map(|item| PickerItemView {
                    name: item.name,
                    namespace: item.namespace,
                    is_default: item.is_default,
                })
                .collect(),
            reason: picker.reason,
        }
    }
}

/// `GET /api/v1/clusters/{id}/namespaces`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = NamespaceList)]
pub struct NamespaceListView {
    /// The cluster's namespace names, sorted.
    pub namespaces: Vec<String>,
}
