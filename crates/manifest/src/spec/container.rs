//! Containers: image, ports, environment, resources, probes, security and mounts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// # Container
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContainerSpec {
    /// Name (DNS-1123 label, unique in the pod).
    pub name: String,
    /// Image, e.g. `ghcr.io/acme/shop:1.4.2`.
    pub image: String,
    /// # Image pull policy
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<PullPolicy>,
    /// Command (replaces the image's entrypoint).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// # Arguments
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// # Working directory
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// # Ports
    ///
    /// Named ports; Services and probes refer to them by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PortSpec>,
    /// # Environment variables
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVarSpec>,
    /// # Environment from ConfigMaps and Secrets
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_from: Vec<EnvFromSpec>,
    /// # Resources
    #[serde(default, skip_serializing_if = "Resources::is_empty")]
    pub resources: Resources,
    /// # Liveness probe
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_probe: Option<ProbeSpec>,
    /// # Readiness probe
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_probe: Option<ProbeSpec>,
    /// # Startup probe
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup_probe: Option<ProbeSpec>,
    /// # Security context
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContextSpec>,
    /// # Volume mounts
    ///
    /// Each mount names its source; the pod's volumes are derived from the mounts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMountSpec>,
}

/// # Image pull policy
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PullPolicy {
    /// Pull on every start.
    Always,
    /// Pull when the node does not have the image.
    IfNotPresent,
    /// Never pull.
    Never,
}

impl PullPolicy {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "Always",
            Self::IfNotPresent => "IfNotPresent",
            Self::Never => "Never",
        }
    }
}

/// # Protocol
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, JsonSchema,
)]
pub enum Protocol {
    /// # TCP
    #[default]
    #[serde(rename = "TCP")]
    Tcp,
    /// # UDP
    #[serde(rename = "UDP")]
    Udp,
    /// # SCTP
    #[serde(rename = "SCTP")]
    Sctp,
}

impl Protocol {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "TCP",
            Self::Udp => "UDP",
            Self::Sctp => "SCTP",
        }
    }
}

/// # Container port
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortSpec {
    /// Name (IANA service name: at most 15 lowercase letters, digits and '-', at least one letter);
    /// needed only where a Service or probe refers to the port by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Port number (1-65535).
    pub container_port: i64,
    /// # Protocol
    #[serde(default)]
    pub protocol: Protocol,
}

/// # Environment variable
///
/// Exactly one of `value`, `configMapKey`, `secretKey` or `fieldPath`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvVarSpec {
    /// # Name
    pub name: String,
    /// # Literal value
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// # ConfigMap key
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map_key: Option<KeyRef>,
    /// # Secret key
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key: Option<KeyRef>,
    /// Pod field, e.g. `metadata.name` or `status.podIP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_path: Option<String>,
}

/// # Key reference
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyRef {
    /// ConfigMap or Secret name.
    pub name: String,
    /// Key inside it.
    pub key: String,
    /// Start the pod even when the key is missing.
    #[serde(default, skip_serializing_if = "super::is_false")]
    pub optional: bool,
}

/// # Environment from
///
/// All keys of one ConfigMap or Secret (exactly one of the two) as environment variables.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvFromSpec {
    /// # ConfigMap name
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map: Option<String>,
    /// # Secret name
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Prefix added to every variable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

/// # Resource amounts
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceSpec {
    /// CPU, e.g. `250m` or `1`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::number_or_text"
    )]
    #[schemars(schema_with = "super::number_or_text_schema")]
    pub cpu: Option<String>,
    /// Memory, e.g. `256Mi`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::number_or_text"
    )]
    #[schemars(schema_with = "super::number_or_text_schema")]
    pub memory: Option<String>,
    /// Ephemeral storage, e.g. `1Gi`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::number_or_text"
    )]
    #[schemars(schema_with = "super::number_or_text_schema")]
    pub ephemeral_storage: Option<String>,
}

impl ResourceSpec {
    /// The set amounts as (Kubernetes resource name, field name, quantity).
    pub fn entries(&self) -> Vec<(&'static str, &'static str, &str)> {
        [
            ("cpu", "cpu", &self.cpu),
            ("memory", "memory", &self.memory),
            (
                "ephemeral-storage",
                "ephemeralStorage",
                &self.ephemeral_storage,
            ),
        ]
        .into_iter()
        .filter_map(|(k8s, field, value)| value.as_deref().map(|v| (k8s, field, v)))
        .collect()
    }
}

/// # Resources
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resources {
    /// Requests: what the scheduler reserves.
    #[serde(default)]
    pub requests: ResourceSpec,
    /// Limits: the most the container may use.
    #[serde(default)]
    pub limits: ResourceSpec,
}

impl Resources {
    /// No request and no limit set.
    pub fn is_empty(&self) -> bool {
        self.requests.entries().is_empty() && self.limits.entries().is_empty()
    }
}

/// # Port reference
///
/// A container port name or a port number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PortRef {
    /// # Port number
    Number(i64),
    /// # Container port name
    Name(String),
}

/// # Probe
///
/// Exactly one of `httpGet`, `tcpSocket` or `exec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProbeSpec {
    /// # HTTP GET
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_get: Option<HttpGetSpec>,
    /// TCP socket: the port to connect to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_socket: Option<PortRef>,
    /// Exec: the command to run; exit 0 is healthy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<Vec<String>>,
    /// Seconds before the first probe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<i32>,
    /// Seconds between probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<i32>,
    /// Seconds before a probe times out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
    /// Failures in a row that count as failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<i32>,
    /// Successes in a row that count as healthy (must be 1 for liveness and startup).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_threshold: Option<i32>,
}

/// # HTTP GET probe
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HttpGetSpec {
    /// Path, e.g. `/healthz`.
    #[serde(default = "default_probe_path")]
    pub path: String,
    /// Port name or number.
    pub port: PortRef,
    /// Use HTTPS.
    #[serde(default, skip_serializing_if = "super::is_false")]
    pub https: bool,
}

fn default_probe_path() -> String {
    "/".to_owned()
}

/// # Security context
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecurityContextSpec {
    /// Refuse to start as root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_non_root: Option<bool>,
    /// User id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
    /// Group id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<i64>,
    /// Mount the root filesystem read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only_root_filesystem: Option<bool>,
    /// Allow privilege escalation (setuid binaries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_privilege_escalation: Option<bool>,
    /// Run privileged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    /// Capabilities added, e.g. `NET_BIND_SERVICE`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities_add: Vec<String>,
    /// Capabilities dropped, e.g. `ALL`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities_drop: Vec<String>,
}

/// # Mount source
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum MountSource {
    /// A PersistentVolumeClaim of this application (`persistentVolumeClaims`).
    PersistentVolumeClaim,
    /// A StatefulSet volume claim template of this workload.
    ClaimTemplate,
    /// A ConfigMap of this application (or an existing one).
    ConfigMap,
    /// A Secret of this application (or an existing one).
    Secret,
    /// A scratch directory that lives as long as the pod.
    EmptyDir,
}

/// # Volume mount
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VolumeMountSpec {
    /// # Source kind
    pub source: MountSource,
    /// Source name: the claim, template, ConfigMap or Secret name, or the emptyDir volume name.
    pub name: String,
    /// Absolute path in the container.
    pub mount_path: String,
    /// Sub path inside the volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<String>,
    /// Mount read-only.
    #[serde(default, skip_serializing_if = "super::is_false")]
    pub read_only: bool,
    /// # Volume name
    ///
    /// Name of the pod volume (DNS-1123 label); defaults to the source name, with `cm-` for
    /// ConfigMaps and `secret-` for Secrets. Claim templates always use the template's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
}

impl VolumeMountSpec {
    /// The pod volume name this mount uses; by default ConfigMaps and Secrets get a prefix so that
    /// they never collide with a claim of the same name.
    pub fn volume_name(&self) -> String {
        if let Some(volume) = &self.volume
            && self.source != MountSource::ClaimTemplate
        {
            return volume.clone();
        }
        match self.source {
            MountSource::ConfigMap => format!("cm-{}", self.name),
            MountSource::Secret => format!("secret-{}", self.name),
            MountSource::PersistentVolumeClaim
            | MountSource::ClaimTemplate
            | MountSource::EmptyDir => self.name.clone(),
        }
    }
}
