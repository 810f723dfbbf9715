//! Envoy Gateway `BackendTrafficPolicy` (gateway.envoyproxy.io/v1alpha1), for rate limiting.

use super::{Extra, HasSpec, custom_resource};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

/// A BackendTrafficPolicy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendTrafficPolicy {
    /// Always `gateway.envoyproxy.io/v1alpha1`.
    pub api_version: String,
    /// Always `BackendTrafficPolicy`.
    pub kind: String,
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// The policy.
    pub spec: BackendTrafficPolicySpec,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

impl HasSpec for BackendTrafficPolicy {
    type Spec = BackendTrafficPolicySpec;
}
custom_resource!(
    BackendTrafficPolicy,
    "gateway.envoyproxy.io",
    "v1alpha1",
    "BackendTrafficPolicy",
    "backendtrafficpolicies"
);

/// `spec` of a BackendTrafficPolicy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendTrafficPolicySpec {
    /// Routes or Gateways the policy applies to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_refs: Vec<PolicyTargetReference>,
    /// Rate limiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `spec.targetRefs[]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyTargetReference {
    /// Target group (`gateway.networking.k8s.io`).
    pub group: String,
    /// Target kind, e.g. `HTTPRoute`.
    pub kind: String,
    /// Target name.
    pub name: String,
    /// Listener or rule name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
}

/// `spec.rateLimit`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    /// `Local` or `Global`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub limit_type: Option<String>,
    /// Per-Envoy limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<RateLimitRules>,
    /// Limits shared through the rate limit service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<RateLimitRules>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `spec.rateLimit.local` / `.global`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitRules {
    /// Rules, each with its own budget.
    #[serde(default)]
    pub rules: Vec<RateLimitRule>,
}

/// One rate limit rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitRule {
    /// Which requests the rule counts; all when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub client_selectors: Vec<RateLimitSelectCondition>,
    /// The budget.
    pub limit: RateLimitValue,
    /// Fields not modelled here (cost, shadowMode, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `clientSelectors[]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitSelectCondition {
    /// Match by client address.
    #[serde(
        rename = "sourceCIDR",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub source_cidr: Option<SourceMatch>,
    /// Fields not modelled here (headers, methods, path, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `clientSelectors[].sourceCIDR`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceMatch {
    /// `Exact` (one shared budget for the block) or `Distinct` (one per address).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub match_type: Option<String>,
    /// CIDR block.
    pub value: String,
}

/// `limit`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitValue {
    /// Requests per unit.
    pub requests: u32,
    /// `Second`, `Minute`, `Hour`, …
    pub unit: String,
}
