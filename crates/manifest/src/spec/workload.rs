//! Workloads: the six pod-running kinds and their per-kind settings.

use super::{ContainerSpec, StringMap, is_false};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// # Workload kind
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum WorkloadKind {
    /// Long-running, replicated, rolling updates.
    #[default]
    Deployment,
    /// Stable identities and per-replica volumes.
    StatefulSet,
    /// Runs to completion.
    Job,
    /// A Job on a schedule.
    CronJob,
    /// A single bare Pod.
    Pod,
    /// A replicated set of pods without rollouts.
    ReplicaSet,
    /// One pod on every node (or every node the selector and tolerations allow).
    DaemonSet,
}

impl WorkloadKind {
    /// The Kubernetes kind name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deployment => "Deployment",
            Self::StatefulSet => "StatefulSet",
            Self::Job => "Job",
            Self::CronJob => "CronJob",
            Self::Pod => "Pod",
            Self::ReplicaSet => "ReplicaSet",
            Self::DaemonSet => "DaemonSet",
        }
    }

    /// Whether the kind keeps a replica count.
    pub fn is_replicated(self) -> bool {
        matches!(
            self,
            Self::Deployment | Self::StatefulSet | Self::ReplicaSet
        )
    }

    /// Whether the kind selects its pods by labels of its own choosing.
    pub fn has_selector(self) -> bool {
        self.is_replicated() || self == Self::DaemonSet
    }

    /// Whether pods of this kind run to completion.
    pub fn runs_to_completion(self) -> bool {
        matches!(self, Self::Job | Self::CronJob)
    }
}

/// # Workload
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkloadSpec {
    /// # Name
    ///
    /// DNS-1123 label; also the `app.kubernetes.io/component` label of its pods.
    pub name: String,
    /// # Kind
    #[serde(default)]
    pub kind: WorkloadKind,
    /// # Containers
    #[serde(default)]
    pub containers: Vec<ContainerSpec>,
    /// # Init containers
    ///
    /// Run in order, each to completion, before the containers start.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<ContainerSpec>,
    /// # Replicas
    ///
    /// Deployment, StatefulSet and ReplicaSet only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub replicas: Option<i32>,
    /// # Update strategy
    ///
    /// Deployment (RollingUpdate, Recreate), StatefulSet and DaemonSet (RollingUpdate, OnDelete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<StrategySpec>,
    /// # Restart policy
    ///
    /// Pods: any; Jobs and CronJobs: OnFailure (default) or Never; others always Always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<RestartPolicy>,
    /// # Node selector
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: StringMap,
    /// # Tolerations
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<TolerationSpec>,
    /// # Service account
    ///
    /// Name of the ServiceAccount the pods run as (one of `serviceAccounts` or an existing one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
    /// # Pod annotations
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pod_annotations: StringMap,
    /// # Pod labels
    ///
    /// Extra labels on the pods (the app's labels and the selector labels are always added).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pod_labels: StringMap,
    /// # Selector labels
    ///
    /// The labels that identify this workload's pods (Deployment, StatefulSet, ReplicaSet). Empty:
    /// the app's name and instance and the workload's name as component. Set when importing a
    /// workload that already runs, because a selector cannot change once the workload exists.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub selector: StringMap,
    /// # Job settings
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<JobSettings>,
    /// # CronJob settings
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron_job: Option<CronJobSettings>,
    /// # StatefulSet settings
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stateful_set: Option<StatefulSetSettings>,
    /// # Autoscaling
    ///
    /// A HorizontalPodAutoscaler (autoscaling/v2) for a Deployment or StatefulSet; it owns the
    /// replica count, so `replicas` stays empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<AutoscalingSpec>,
    /// # Disruption budget
    ///
    /// A PodDisruptionBudget for the workload's pods: how many may be evicted at once (drains,
    /// upgrades).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disruption_budget: Option<DisruptionBudgetSpec>,
}

/// # Autoscaling
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutoscalingSpec {
    /// # Minimum replicas
    ///
    /// Defaults to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub min_replicas: Option<i32>,
    /// # Maximum replicas
    #[schemars(range(min = 1))]
    pub max_replicas: i32,
    /// # CPU target
    ///
    /// Average CPU use the autoscaler aims for, in percent of the pods' CPU requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub cpu_utilization: Option<i32>,
    /// # Memory target
    ///
    /// Average memory use the autoscaler aims for, in percent of the pods' memory requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub memory_utilization: Option<i32>,
    /// # Scaling up
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up: Option<ScalingRulesSpec>,
    /// # Scaling down
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down: Option<ScalingRulesSpec>,
}

/// # Scaling behaviour
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScalingRulesSpec {
    /// # Stabilization window
    ///
    /// Seconds of past recommendations considered, so that replicas do not flap (0-3600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stabilization_window_seconds: Option<i32>,
    /// # Policy choice
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_policy: Option<SelectPolicy>,
    /// # Policies
    ///
    /// The most pods (or percent of pods) added or removed per period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<ScalingPolicySpec>,
}

/// # Policy choice
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SelectPolicy {
    /// The policy allowing the biggest change.
    Max,
    /// The policy allowing the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

/// # Scaling policy
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScalingPolicySpec {
    /// # Unit
    #[serde(rename = "type")]
    pub policy_type: ScalingPolicyType,
    /// # Amount
    ///
    /// Pods or percent per period (at least 1).
    pub value: i32,
    /// # Period
    ///
    /// Seconds (1-1800).
    pub period_seconds: i32,
}

/// # Scaling policy unit
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ScalingPolicyType {
    /// A number of pods.
    Pods,
    /// A percentage of the current pods.
    Percent,
}

/// # Disruption budget
///
/// Exactly one of the two, each a number of pods or a percentage (`50%`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DisruptionBudgetSpec {
    /// # Minimum available
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::number_or_text"
    )]
    #[schemars(schema_with = "super::number_or_text_schema")]
    pub min_available: Option<String>,
    /// # Maximum unavailable
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::number_or_text"
    )]
    #[schemars(schema_with = "super::number_or_text_schema")]
    pub max_unavailable: Option<String>,
}

/// # Restart policy
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum RestartPolicy {
    /// Always restart.
    Always,
    /// Restart failed containers only.
    OnFailure,
    /// Never restart.
    Never,
}

impl RestartPolicy {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "Always",
            Self::OnFailure => "OnFailure",
            Self::Never => "Never",
        }
    }
}

/// # Update strategy type
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum StrategyType {
    /// Replace pods gradually.
    #[default]
    RollingUpdate,
    /// Stop all pods, then start new ones (Deployment).
    Recreate,
    /// Replace pods only when deleted by hand (StatefulSet).
    OnDelete,
}

/// # Update strategy
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StrategySpec {
    /// # Type
    #[serde(default, rename = "type")]
    pub strategy_type: StrategyType,
    /// # Max surge
    ///
    /// RollingUpdate (Deployment, DaemonSet): extra pods allowed during a rollout, a number or a
    /// percentage.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::number_or_text"
    )]
    #[schemars(schema_with = "super::number_or_text_schema")]
    pub max_surge: Option<String>,
    /// # Max unavailable
    ///
    /// RollingUpdate: pods that may be unavailable during a rollout, a number or a percentage.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::number_or_text"
    )]
    #[schemars(schema_with = "super::number_or_text_schema")]
    pub max_unavailable: Option<String>,
}

/// # Toleration
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TolerationSpec {
    /// Taint key; empty with operator Exists tolerates everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// # Operator
    ///
    /// Equal (the default) or Exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<TolerationOperator>,
    /// Taint value (operator Equal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// # Effect
    ///
    /// The taint effect tolerated; empty matches all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<TaintEffect>,
    /// Seconds a NoExecute toleration keeps the pod bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

/// # Toleration operator
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TolerationOperator {
    /// The taint's value must equal `value`.
    Equal,
    /// Any value (and, with an empty key, any taint).
    Exists,
}

/// # Taint effect
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TaintEffect {
    /// New pods are not scheduled on the node.
    NoSchedule,
    /// The scheduler avoids the node.
    PreferNoSchedule,
    /// Running pods are evicted too.
    NoExecute,
}

impl TolerationOperator {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equal => "Equal",
            Self::Exists => "Exists",
        }
    }
}

impl TaintEffect {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoSchedule => "NoSchedule",
            Self::PreferNoSchedule => "PreferNoSchedule",
            Self::NoExecute => "NoExecute",
        }
    }
}

/// # Job settings
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobSettings {
    /// Successful pods needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completions: Option<i32>,
    /// Pods running at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<i32>,
    /// Retries before the Job is marked failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff_limit: Option<i32>,
    /// Seconds the Job may run before it is terminated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
    /// Seconds a finished Job is kept before it is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds_after_finished: Option<i32>,
}

/// # Concurrency policy
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum ConcurrencyPolicy {
    /// Runs may overlap.
    #[default]
    Allow,
    /// Skip a run while the previous one is still running.
    Forbid,
    /// Replace the running Job with the new one.
    Replace,
}

/// # CronJob settings
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CronJobSettings {
    /// # Schedule
    ///
    /// Five-field cron expression (minute hour day-of-month month day-of-week) or a macro like `@daily`.
    pub schedule: String,
    /// Time zone, e.g. `Europe/Berlin`; the controller's zone when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// # Concurrency policy
    #[serde(default)]
    pub concurrency_policy: ConcurrencyPolicy,
    /// Successful Jobs kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successful_jobs_history_limit: Option<i32>,
    /// Failed Jobs kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_jobs_history_limit: Option<i32>,
    /// Seconds after the scheduled time a missed run may still start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starting_deadline_seconds: Option<i64>,
    /// Suspend future runs.
    #[serde(default, skip_serializing_if = "is_false")]
    pub suspend: bool,
}

/// # Pod management policy
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum PodManagementPolicy {
    /// One pod at a time, in order.
    #[default]
    OrderedReady,
    /// All pods at once.
    Parallel,
}

/// # StatefulSet settings
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatefulSetSettings {
    /// # Governing Service
    ///
    /// Headless Service giving pods their DNS names; defaults to the headless Service that selects this workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// # Pod management policy
    #[serde(default)]
    pub pod_management_policy: PodManagementPolicy,
    /// # Volume claim templates
    ///
    /// One PersistentVolumeClaim per replica; mount with source `claimTemplate`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_claim_templates: Vec<VolumeClaimTemplateSpec>,
}

/// # Volume claim template
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VolumeClaimTemplateSpec {
    /// Name (DNS-1123 label), also the volume name.
    pub name: String,
    /// Size, e.g. `10Gi`.
    pub size: String,
    /// Access modes; defaults to ReadWriteOnce.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_modes: Vec<super::AccessMode>,
    /// Storage class; the cluster default when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class_name: Option<String>,
}

impl WorkloadSpec {
    /// The StatefulSet's volume claim templates (empty for other kinds).
    pub fn volume_claim_templates(&self) -> &[VolumeClaimTemplateSpec] {
        self.stateful_set
            .as_ref()
            .map(|s| s.volume_claim_templates.as_slice())
            .unwrap_or_default()
    }

    /// The workload's containers followed by its init containers.
    pub fn all_containers(&self) -> impl Iterator<Item = &ContainerSpec> {
        self.containers.iter().chain(self.init_containers.iter())
    }
}
