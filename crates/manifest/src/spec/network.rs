//! Services, Ingresses, HTTPRoutes, rate limits and NetworkPolicies.

use super::{PortRef, Protocol, StringMap};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// # Service type
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum ServiceType {
    /// A virtual IP inside the cluster.
    #[default]
    ClusterIP,
    /// ClusterIP plus a port on every node.
    NodePort,
    /// NodePort plus an external load balancer.
    LoadBalancer,
    /// No virtual IP: DNS returns the pod IPs (StatefulSets).
    Headless,
}

/// # Service
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceSpec {
    /// Name (DNS-1123 label); defaults to the workload's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// # Type
    #[serde(default, rename = "type")]
    pub service_type: ServiceType,
    /// # Workload
    ///
    /// The workload whose pods receive the traffic; may be omitted when the app has one workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    /// # Ports
    pub ports: Vec<ServicePortSpec>,
    /// Annotations, e.g. for the cloud load balancer.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: StringMap,
}

/// # Service port
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServicePortSpec {
    /// Port name; defaults to the target container port's name. A Service with one port may
    /// leave it unnamed (a port targeted by number has no name unless given one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Port the Service listens on.
    pub port: i64,
    /// # Target container port
    ///
    /// Name of a container port of the workload, or its number written as text (`"8080"`); the
    /// protocol comes from the container port.
    pub target_port: String,
    /// Node port (NodePort, LoadBalancer): 30000-32767, allocated when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_port: Option<i64>,
}

impl ServicePortSpec {
    /// The Service port's name: its own, or the target container port's; `None` for an unnamed
    /// port that targets a container port by number.
    pub fn port_name(&self) -> Option<&str> {
        match &self.name {
            Some(name) => Some(name),
            None if self.target_number().is_some() => None,
            None => Some(&self.target_port),
        }
    }

    /// The target container port's number, when it is given by number.
    pub fn target_number(&self) -> Option<i64> {
        self.target_port.parse().ok()
    }

    /// Whether a container port is this port's target (by name, or by number).
    pub fn targets(&self, port: &crate::spec::PortSpec) -> bool {
        match self.target_number() {
            Some(number) => port.container_port == number,
            None => port.name.as_deref() == Some(self.target_port.as_str()),
        }
    }

    /// Whether a reference means this port: its name, or its number (also written as text,
    /// `"80"`, since a port without a name of its own is known by its number).
    pub fn is(&self, reference: &PortRef) -> bool {
        match reference {
            PortRef::Number(number) => self.port == *number,
            PortRef::Name(name) => {
                self.port_name() == Some(name.as_str())
                    || name.parse::<i64>().is_ok_and(|n| n == self.port)
            }
        }
    }
}

/// # Ingress path type
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum PathType {
    /// Matches the path and everything below it, element by element.
    #[default]
    Prefix,
    /// Matches the path exactly.
    Exact,
    /// Up to the ingress controller.
    ImplementationSpecific,
}

impl PathType {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prefix => "Prefix",
            Self::Exact => "Exact",
            Self::ImplementationSpecific => "ImplementationSpecific",
        }
    }
}

/// # Ingress
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IngressSpec {
    /// Name (DNS-1123 subdomain); defaults to the application name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Ingress class, e.g. `nginx`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// # Rules
    pub rules: Vec<IngressRuleSpec>,
    /// # TLS
    ///
    /// Terminate TLS for every host of the rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<IngressTlsSpec>,
    /// Annotations for the ingress controller.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: StringMap,
}

/// # Ingress rule
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IngressRuleSpec {
    /// Host, e.g. `shop.example.com` or `*.example.com`; all hosts when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// # Paths
    pub paths: Vec<IngressPathSpec>,
}

/// # Ingress path
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IngressPathSpec {
    /// Path, starting with '/'.
    #[serde(default = "root_path")]
    pub path: String,
    /// # Path type
    #[serde(default)]
    pub path_type: PathType,
    /// Service of this application; may be omitted when the app has one Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Service port: its name or its number; defaults to the Service's first port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortRef>,
}

fn root_path() -> String {
    "/".to_owned()
}

/// # Ingress TLS
///
/// Either a `certificate` of this application (its secret is used) or an existing `secretName`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IngressTlsSpec {
    /// Certificate name (from `certificates`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// Existing TLS secret name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
}

/// # Parent Gateway
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParentGatewaySpec {
    /// # Gateway name
    pub name: String,
    /// Gateway namespace; the app's namespace when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Listener name on the Gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
}

/// # HTTPRoute path match type
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum PathMatchType {
    /// Matches the path and everything below it.
    #[default]
    PathPrefix,
    /// Matches the path exactly.
    Exact,
    /// Regular expression (implementation-specific dialect).
    RegularExpression,
}

impl PathMatchType {
    /// The Gateway API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PathPrefix => "PathPrefix",
            Self::Exact => "Exact",
            Self::RegularExpression => "RegularExpression",
        }
    }
}

/// # HTTPRoute
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HttpRouteSpec {
    /// Name (DNS-1123 subdomain); defaults to the application name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// # Parent Gateways
    pub parents: Vec<ParentGatewaySpec>,
    /// Hostnames, e.g. `api.example.com` or `*.example.com`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hostnames: Vec<String>,
    /// # Rules
    pub rules: Vec<HttpRouteRuleSpec>,
    /// # Certificate
    ///
    /// A certificate of this application covering the hostnames; its secret is what the Gateway listener must reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
}

/// # HTTPRoute rule
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HttpRouteRuleSpec {
    /// # Path
    #[serde(default = "root_path")]
    pub path: String,
    /// # Path match type
    #[serde(default)]
    pub path_type: PathMatchType,
    /// Backends (traffic is split by weight).
    pub backends: Vec<BackendSpec>,
}

/// # Backend
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackendSpec {
    /// Service of this application; may be omitted when the app has one Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Service port: its name or its number; defaults to the Service's first port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortRef>,
    /// Weight (0-1000000), relative to the other backends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
}

/// # Rate limit kind
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum RateLimitKind {
    /// Counted per Envoy instance.
    #[default]
    Local,
    /// Counted across all instances by the rate limit service.
    Global,
}

/// # Rate limit unit
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum RateLimitUnit {
    /// # Per second
    #[default]
    Second,
    /// # Per minute
    Minute,
    /// # Per hour
    Hour,
}

impl RateLimitUnit {
    /// The Envoy Gateway spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Second => "Second",
            Self::Minute => "Minute",
            Self::Hour => "Hour",
        }
    }
}

/// # Rate limit
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateLimitSpec {
    /// Name of the BackendTrafficPolicy; defaults to `<route>-ratelimit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// HTTPRoute it applies to; may be omitted when the app has one HTTPRoute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// # Kind
    #[serde(default, rename = "type")]
    pub kind: RateLimitKind,
    /// Requests allowed per unit.
    pub requests: i64,
    /// # Unit
    #[serde(default)]
    pub unit: RateLimitUnit,
    /// Count per client IP (Global only): each source address gets its own budget.
    #[serde(default, skip_serializing_if = "super::is_false")]
    pub per_client_ip: bool,
}

/// # NetworkPolicy
///
/// A policy type listed with no rules denies all traffic in that direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkPolicySpec {
    /// Name (DNS-1123 subdomain).
    pub name: String,
    /// Workload whose pods the policy protects; every pod in the namespace when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    /// Restrict incoming traffic (to the `ingress` rules; none means deny all).
    #[serde(default = "default_true")]
    pub restrict_ingress: bool,
    /// Restrict outgoing traffic (to the `egress` rules; none means deny all).
    #[serde(default, skip_serializing_if = "super::is_false")]
    pub restrict_egress: bool,
    /// # Allowed incoming traffic
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<NetworkPolicyRuleSpec>,
    /// # Allowed outgoing traffic
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<NetworkPolicyRuleSpec>,
}

fn default_true() -> bool {
    true
}

/// # NetworkPolicy rule
///
/// Traffic from (ingress) or to (egress) any of the peers, on any of the ports; empty lists mean all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkPolicyRuleSpec {
    /// # Peers
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peers: Vec<NetworkPeerSpec>,
    /// # Ports
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PolicyPortSpec>,
}

/// # Peer
///
/// Pods (by workload of this app or labels), optionally in other namespaces (by labels), or an IP block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkPeerSpec {
    /// Pods of this workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    /// Pods with these labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pod_labels: StringMap,
    /// Namespaces with these labels (e.g. `kubernetes.io/metadata.name: ingress-nginx`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub namespace_labels: StringMap,
    /// Any namespace (with `workload` or `podLabels`: those pods in every namespace).
    #[serde(default, skip_serializing_if = "super::is_false")]
    pub all_namespaces: bool,
    /// IP block in CIDR notation, e.g. `10.0.0.0/8`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// CIDRs excluded from `cidr`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<String>,
}

/// # Policy port
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyPortSpec {
    /// Port number or named container port.
    pub port: super::PortRef,
    /// # Protocol
    #[serde(default)]
    pub protocol: Protocol,
}
