//! Health of live objects: kstatus rules plus what they miss, with a human reason.
//!
//! The rules are pure: [`assess`] reads one live object (and the Warning events recorded about it)
//! and returns an [`Assessment`]. Failures that often clear by themselves (image pulls, crash
//! loops, controllers' conditions) are marked `recoverable`; [`FailureGrace`] is the stateful
//! layer that reports them as `Failed` only once they stayed for a grace period, with the time
//! passed in. [`propagate`] carries child failures up (pod → ReplicaSet → Deployment, pod → Job,
//! Job → CronJob) and [`app_health`] reduces an app's objects to one state whose reason names the
//! worst object.

mod app;
mod batch;
mod custom;
mod fields;
mod generic;
mod grace;
mod network;
mod pod;
mod propagate;
mod storage;
mod workload;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

pub use app::app_health;
pub use grace::{DEFAULT_FAILURE_GRACE, FailureGrace};
pub use propagate::{Child, propagate};

/// The health of one object, in kstatus' words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HealthState {
    /// The object is what was asked for (rolled out, bound, accepted, completed).
    Current,
    /// Still getting there.
    InProgress,
    /// It will not get there without help.
    Failed,
    /// Being deleted.
    Terminating,
    /// Expected but not present on the cluster.
    NotFound,
}

impl HealthState {
    /// How bad a state is when an app's objects are reduced to one: the worst wins.
    ///
    /// Failed > Terminating > InProgress > NotFound > Current. Terminating outranks InProgress so an
    /// app being deleted reads as such; NotFound ranks below InProgress because right after an apply
    /// it usually means the watch has not seen a new object yet, yet above Current because the app
    /// is not complete without it.
    pub fn severity(self) -> u8 {
        match self {
            HealthState::Current => 0,
            HealthState::NotFound => 1,
            HealthState::InProgress => 2,
            HealthState::Terminating => 3,
            HealthState::Failed => 4,
        }
    }
}

impl fmt::Display for HealthState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HealthState::Current => "Current",
            HealthState::InProgress => "InProgress",
            HealthState::Failed => "Failed",
            HealthState::Terminating => "Terminating",
            HealthState::NotFound => "NotFound",
        })
    }
}

/// A settled health: what is shown to people and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// The state.
    pub state: HealthState,
    /// Why, in a few plain words.
    pub reason: String,
}

impl Health {
    /// A health from its parts.
    pub fn new(state: HealthState, reason: impl Into<String>) -> Self {
        Self {
            state,
            reason: reason.into(),
        }
    }

    /// The health of an object that is expected but absent.
    pub fn not_found() -> Self {
        Self::new(HealthState::NotFound, "not found on the cluster")
    }
}

/// What the rules conclude from one observation of an object, before the failure grace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The state the object is in now.
    pub state: HealthState,
    /// The object's own reason, e.g. `1/3 available`.
    pub reason: String,
    /// A child's problem carried up, e.g. `pod web-7c9f-x2x: ImagePullBackOff: nginx:nope not found`.
    pub cause: Option<String>,
    /// The failure may clear by itself (image pull, crash loop, a controller's condition): it
    /// becomes `Failed` only after the grace period. Meaningless for other states.
    pub recoverable: bool,
}

impl Assessment {
    /// A state with a reason, no cause, not recoverable.
    pub fn new(state: HealthState, reason: impl Into<String>) -> Self {
        Self {
            state,
            reason: reason.into(),
            cause: None,
            recoverable: false,
        }
    }

    /// `Current` with a reason.
    pub fn current(reason: impl Into<String>) -> Self {
        Self::new(HealthState::Current, reason)
    }

    /// `InProgress` with a reason.
    pub fn in_progress(reason: impl Into<String>) -> Self {
        Self::new(HealthState::InProgress, reason)
    }

    /// A final failure (a Job out of retries, a lost volume, a rollout past its deadline).
    pub fn failed(reason: impl Into<String>) -> Self {
        Self::new(HealthState::Failed, reason)
    }

    /// A failure that may still clear by itself; `Failed` only after the grace period.
    pub fn failing(reason: impl Into<String>) -> Self {
        Self {
            recoverable: true,
            ..Self::new(HealthState::Failed, reason)
        }
    }

    /// The reason with the carried-up cause: `1/3 available — pod web-x: ImagePullBackOff: …`.
    pub fn full_reason(&self) -> String {
        match &self.cause {
            Some(cause) if self.reason.is_empty() => cause.clone(),
            Some(cause) => format!("{} — {cause}", self.reason),
            None => self.reason.clone(),
        }
    }

    /// The health as it stands with no grace at all.
    pub fn health(&self) -> Health {
        Health::new(self.state, self.full_reason())
    }
}

/// A Warning event recorded about an object: some causes are only told there (PVC provisioning,
/// FailedCreate on StatefulSets, Jobs and DaemonSets, mount and probe failures).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// The event's machine-readable reason, e.g. `ProvisioningFailed`.
    pub reason: String,
    /// The event's message.
    pub message: String,
}

/// The health of one live object (as the API server returns it, `managedFields` or not), from the
/// kstatus order of checks plus the kind's own rule. `warnings` are the Warning events recorded
/// about this object, newest first; they only add detail to an object that is not Current.
pub fn assess(object: &Value, warnings: &[Warning]) -> Assessment {
    if let Some(terminating) = generic::terminating(object) {
        return terminating;
    }
    if let Some(stale) = generic::generation_not_observed(object) {
        return stale;
    }
    let api_version = fields::str_at(object, "/apiVersion").unwrap_or("");
    let group = api_version.split_once('/').map_or("", |(group, _)| group);
    let kind = fields::str_at(object, "/kind").unwrap_or("");
    match (group, kind) {
        ("apps", "Deployment") => workload::deployment(object),
        ("apps", "ReplicaSet") => workload::replica_set(object),
        ("apps", "StatefulSet") => workload::stateful_set(object, warnings),
        ("apps", "DaemonSet") => workload::daemon_set(object, warnings),
        ("", "Pod") => pod::pod(object, warnings),
        ("batch", "Job") => batch::job(object, warnings),
        ("batch", "CronJob") => batch::cron_job(object),
        ("", "PersistentVolumeClaim") => storage::claim(object, warnings),
        ("", "PersistentVolume") => storage::volume(object),
        ("", "Service") => network::service(object, warnings),
        ("networking.k8s.io", "Ingress") => network::ingress(object),
        ("gateway.networking.k8s.io", "HTTPRoute") => network::http_route(object),
        ("gateway.envoyproxy.io", "BackendTrafficPolicy") => network::policy_ancestors(object),
        ("cert-manager.io", "Certificate") => custom::certificate(object),
        ("", "Namespace") => custom::namespace(object),
        _ => generic::conditions(object).unwrap_or_else(generic::exists),
    }
}
