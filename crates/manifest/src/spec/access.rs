//! Namespace quota, ServiceAccounts and RBAC.

use super::StringMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// # ResourceQuota
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceQuotaSpec {
    /// Name; defaults to `<app>-quota`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Hard limits, e.g. `requests.cpu: "4"`, `limits.memory: 8Gi`, `pods: "20"`.
    pub hard: StringMap,
}

/// # ServiceAccount
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceAccountSpec {
    /// Name (DNS-1123 subdomain).
    pub name: String,
    /// Mount the API token into pods (Kubernetes default: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automount_token: Option<bool>,
    /// Annotations, e.g. a cloud IAM role.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: StringMap,
}

/// # Policy rule
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyRuleSpec {
    /// API groups; `""` is the core group.
    #[serde(default)]
    pub api_groups: Vec<String>,
    /// Resources, e.g. `pods`, `deployments`, `pods/log`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// Only these object names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_names: Vec<String>,
    /// Non-resource URLs (ClusterRole only), e.g. `/healthz`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub non_resource_urls: Vec<String>,
    /// Verbs, e.g. `get`, `list`, `watch`.
    pub verbs: Vec<String>,
}

/// # Role or ClusterRole
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleSpec {
    /// # Name
    pub name: String,
    /// # Rules
    pub rules: Vec<PolicyRuleSpec>,
}

/// # Role reference
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleRef {
    /// `Role` (RoleBinding only) or `ClusterRole`.
    pub kind: String,
    /// # Role name
    pub name: String,
}

/// # Subject kind
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum SubjectKind {
    /// A ServiceAccount.
    #[default]
    ServiceAccount,
    /// A user known to the authenticator.
    User,
    /// A group known to the authenticator.
    Group,
}

/// # Subject
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubjectSpec {
    /// # Kind
    #[serde(default)]
    pub kind: SubjectKind,
    /// # Name
    pub name: String,
    /// ServiceAccount namespace; the app's namespace when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// # RoleBinding or ClusterRoleBinding
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BindingSpec {
    /// # Name
    pub name: String,
    /// # Role granted
    pub role: RoleRef,
    /// # Subjects
    pub subjects: Vec<SubjectSpec>,
}
