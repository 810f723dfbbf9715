//! The AppSpec: what a user fills in on the form. Every field is camelCase JSON, documented for the
//! JSON Schema the web form is built from, and defaulted so that a minimal spec is short.

mod access;
mod config;
mod container;
mod network;
mod storage;
mod tls;
mod workload;

pub use access::{
    BindingSpec, PolicyRuleSpec, ResourceQuotaSpec, RoleRef, RoleSpec, ServiceAccountSpec,
    SubjectKind, SubjectSpec,
};
pub use config::{ConfigMapSpec, RegistryCredentials, SecretSpec, SecretType, TlsKeyPair};
pub use container::{
    ContainerSpec, EnvFromSpec, EnvVarSpec, HttpGetSpec, KeyRef, MountSource, PortRef, PortSpec,
    ProbeSpec, Protocol, PullPolicy, ResourceSpec, Resources, SecurityContextSpec, VolumeMountSpec,
};
pub use network::{
    BackendSpec, HttpRouteRuleSpec, HttpRouteSpec, IngressPathSpec, IngressRuleSpec, IngressSpec,
    IngressTlsSpec, NetworkPeerSpec, NetworkPolicyRuleSpec, NetworkPolicySpec, ParentGatewaySpec,
    PathMatchType, PathType, PolicyPortSpec, RateLimitKind, RateLimitSpec, RateLimitUnit,
    ServicePortSpec, ServiceSpec, ServiceType,
};
pub(crate) use storage::access_modes_or_default;
pub use storage::{
    AccessMode, PersistentVolumeClaimSpec, PersistentVolumeSpec, PvSource, ReclaimPolicy,
    VolumeMode,
};
pub use tls::{CertificateSpec, IssuerKind, IssuerRefSpec};
pub use workload::{
    AutoscalingSpec, ConcurrencyPolicy, CronJobSettings, DisruptionBudgetSpec, JobSettings,
    PodManagementPolicy, RestartPolicy, ScalingPolicySpec, ScalingPolicyType, ScalingRulesSpec,
    SelectPolicy, StatefulSetSettings, StrategySpec, StrategyType, TaintEffect, TolerationOperator,
    TolerationSpec, VolumeClaimTemplateSpec, WorkloadKind, WorkloadSpec,
};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// String-to-string map used for labels, annotations and key/values.
pub type StringMap = BTreeMap<String, String>;

pub(crate) fn default_namespace() -> String {
    "default".to_owned()
}

pub(crate) fn is_false(value: &bool) -> bool {
    !*value
}

/// A value written as a number or as text (`cpu: 1`, `maxUnavailable: 25%`), kept as text.
pub(crate) fn number_or_text<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Integer(i64),
        Decimal(f64),
        Text(String),
    }
    Ok(
        Option::<Written>::deserialize(deserializer)?.map(|written| match written {
            Written::Integer(number) => number.to_string(),
            Written::Decimal(number) => number.to_string(),
            Written::Text(text) => text,
        }),
    )
}

/// The schema of a [`number_or_text`] field: what it reads, not only the text it keeps, so that a
/// client checking a spec against the schema accepts `cpu: 1` as the server does.
pub(crate) fn number_or_text_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": ["string", "number", "null"] })
}

/// # Application
///
/// One application: its workloads and everything they need, rendered into Kubernetes objects that
/// all carry the app's standard labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "Application")]
pub struct AppSpec {
    /// # Application name
    ///
    /// DNS-1123 label; becomes `app.kubernetes.io/name` and the default name of generated objects.
    pub name: String,
    /// # Namespace
    ///
    /// Namespace every namespaced object is created in.
    #[serde(default = "default_namespace")]
    pub namespace: String,
    /// # Create the namespace
    ///
    /// Render a Namespace object (with `namespaceLabels`) before everything else.
    #[serde(default, skip_serializing_if = "is_false")]
    pub create_namespace: bool,
    /// # Namespace labels
    ///
    /// Labels of the created Namespace, e.g. Pod Security Admission levels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub namespace_labels: StringMap,
    /// # Instance
    ///
    /// `app.kubernetes.io/instance`; defaults to the application name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// # Part of
    ///
    /// `app.kubernetes.io/part-of`: the larger system this application belongs to; defaults to the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_of: Option<String>,
    /// # Labels
    ///
    /// Extra labels put on every generated object (and pod template).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: StringMap,
    /// # Annotations
    ///
    /// Extra annotations put on every generated object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: StringMap,
    /// # Workloads
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<WorkloadSpec>,
    /// # ConfigMaps
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config_maps: Vec<ConfigMapSpec>,
    /// # Secrets
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretSpec>,
    /// # PersistentVolumeClaims
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persistent_volume_claims: Vec<PersistentVolumeClaimSpec>,
    /// # PersistentVolumes
    ///
    /// Cluster-scoped volumes, e.g. pre-provisioned NFS or hostPath storage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persistent_volumes: Vec<PersistentVolumeSpec>,
    /// # Services
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceSpec>,
    /// # Ingresses
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingresses: Vec<IngressSpec>,
    /// HTTPRoutes (Gateway API)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub http_routes: Vec<HttpRouteSpec>,
    /// # Rate limits (Envoy Gateway)
    ///
    /// Each becomes a BackendTrafficPolicy targeting an HTTPRoute of this application.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rate_limits: Vec<RateLimitSpec>,
    /// # NetworkPolicies
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_policies: Vec<NetworkPolicySpec>,
    /// Certificates (cert-manager)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<CertificateSpec>,
    /// # ResourceQuota
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_quota: Option<ResourceQuotaSpec>,
    /// # ServiceAccounts
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_accounts: Vec<ServiceAccountSpec>,
    /// # Roles
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleSpec>,
    /// # ClusterRoles
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cluster_roles: Vec<RoleSpec>,
    /// # RoleBindings
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role_bindings: Vec<BindingSpec>,
    /// # ClusterRoleBindings
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cluster_role_bindings: Vec<BindingSpec>,
    /// # Extra objects
    ///
    /// Any other Kubernetes object (e.g. a ServiceMonitor or a KEDA ScaledObject) as raw YAML/JSON:
    /// it needs `apiVersion`, `kind` and `metadata.name`, gets the app's labels, annotations and
    /// namespace, and is applied after the objects it may refer to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_objects: Vec<serde_json::Value>,
    /// # Overrides
    ///
    /// Extra fields the form does not model, merged (JSON merge patch) onto a generated object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<OverrideSpec>,
}

/// # Override
///
/// A JSON merge patch applied to one generated object, identified by kind and name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OverrideSpec {
    /// Kind of the generated object, e.g. `Deployment`.
    pub kind: String,
    /// Name of the generated object.
    pub name: String,
    /// # Patch
    ///
    /// Merged onto the object: objects merge key by key, `null` removes a field, anything else replaces.
    pub patch: serde_json::Value,
}
