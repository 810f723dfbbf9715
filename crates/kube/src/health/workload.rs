//! Deployment, ReplicaSet, StatefulSet and DaemonSet: counts, rollout conditions and creation
//! failures (quota, admission), which for StatefulSets and DaemonSets are only told in events.

use serde_json::Value;

use super::fields::{condition, count_at, int_at, join_reason, str_at};
use super::{Assessment, Warning};

/// Spec replicas: absent means one, as the API server defaults it.
fn desired_replicas(object: &Value) -> i64 {
    int_at(object, "/spec/replicas").unwrap_or(1)
}

/// A `FailedCreate` warning about a controller: pods refused by quota, admission or PSA.
fn failed_create(warnings: &[Warning]) -> Option<Assessment> {
    warnings
        .iter()
        .find(|w| w.reason == "FailedCreate")
        .map(|w| Assessment::failing(join_reason(&w.reason, &w.message)))
}

/// A `ReplicaFailure` condition (copied by the Deployment from its ReplicaSet).
fn replica_failure(object: &Value, progress: &str) -> Option<Assessment> {
    condition(object, "ReplicaFailure")
        .filter(|c| c.is_true())
        .map(|c| Assessment::failing(format!("{progress}; {}", c.explain())))
}

/// Deployment: the rollout's deadline, replica failures, then updated / old / available counts.
pub(crate) fn deployment(object: &Value) -> Assessment {
    let desired = desired_replicas(object);
    let updated = count_at(object, "/status/updatedReplicas");
    let total = count_at(object, "/status/replicas");
    let available = count_at(object, "/status/availableReplicas");
    let progress = format!("{available}/{desired} available");
    if let Some(progressing) = condition(object, "Progressing")
        && progressing.reason == "ProgressDeadlineExceeded"
    {
        return Assessment::failed(format!(
            "{progress}; rollout stuck: {}",
            if progressing.message.is_empty() {
                "progress deadline exceeded"
            } else {
                progressing.message
            }
        ));
    }
    if let Some(failure) = replica_failure(object, &progress) {
        return failure;
    }
    if object.pointer("/spec/paused") == Some(&Value::Bool(true)) {
        return Assessment::current(format!("rollout paused; {progress}"));
    }
    if updated < desired {
        return Assessment::in_progress(format!("rolling out: {updated}/{desired} updated"));
    }
    if total > updated {
        let old = total - updated;
        let noun = if old == 1 { "replica" } else { "replicas" };
        return Assessment::in_progress(format!("rolling out: {old} old {noun} terminating"));
    }
    if available < desired {
        return Assessment::in_progress(progress);
    }
    Assessment::current(progress)
}

/// ReplicaSet: kstatus never fails it, but a `ReplicaFailure` is how quota and admission denials
/// show up, so it is a (recoverable) failure here.
pub(crate) fn replica_set(object: &Value) -> Assessment {
    let desired = desired_replicas(object);
    let ready = count_at(object, "/status/readyReplicas");
    let available = count_at(object, "/status/availableReplicas");
    let progress = format!("{ready}/{desired} ready");
    if let Some(failure) = replica_failure(object, &progress) {
        return failure;
    }
    if ready < desired || available < desired {
        return Assessment::in_progress(progress);
    }
    Assessment::current(progress)
}

/// StatefulSet: ready and updated replicas (respecting a partition), revisions, `OnDelete`; a
/// StatefulSet has no ReplicaFailure condition, so creation failures come from its events.
pub(crate) fn stateful_set(object: &Value, warnings: &[Warning]) -> Assessment {
    let desired = desired_replicas(object);
    let ready = count_at(object, "/status/readyReplicas");
    let updated = count_at(object, "/status/updatedReplicas");
    let progress = format!("{ready}/{desired} ready");
    if ready >= desired {
        if str_at(object, "/spec/updateStrategy/type") == Some("OnDelete") {
            return Assessment::current(progress);
        }
        let partition = count_at(object, "/spec/updateStrategy/rollingUpdate/partition");
        let expected_updated = (desired - partition).max(0);
        if updated < expected_updated {
            return Assessment::in_progress(format!(
                "rolling out: {updated}/{expected_updated} updated"
            ));
        }
        let current = str_at(object, "/status/currentRevision");
        let update = str_at(object, "/status/updateRevision");
        if partition == 0 && current.is_some() && current != update {
            return Assessment::in_progress("rolling out: waiting for the new revision");
        }
        return Assessment::current(progress);
    }
    failed_create(warnings)
        .map(|failure| prefix(progress.as_str(), failure))
        .unwrap_or_else(|| Assessment::in_progress(progress))
}

/// DaemonSet: scheduled, updated, ready and available on every node it should run on.
pub(crate) fn daemon_set(object: &Value, warnings: &[Warning]) -> Assessment {
    if int_at(object, "/status/observedGeneration").is_none() {
        return Assessment::in_progress("waiting for the controller");
    }
    let desired = count_at(object, "/status/desiredNumberScheduled");
    let scheduled = count_at(object, "/status/currentNumberScheduled");
    let updated = count_at(object, "/status/updatedNumberScheduled");
    let ready = count_at(object, "/status/numberReady");
    let available = count_at(object, "/status/numberAvailable");
    let progress = format!("{available}/{desired} nodes available");
    if scheduled >= desired && updated >= desired && ready >= desired && available >= desired {
        return Assessment::current(progress);
    }
    if let Some(failure) = failed_create(warnings) {
        return prefix(&progress, failure);
    }
    if updated < desired {
        return Assessment::in_progress(format!("rolling out: {updated}/{desired} nodes updated"));
    }
    Assessment::in_progress(progress)
}

/// Puts the progress figure in front of a failure's reason.
fn prefix(progress: &str, failure: Assessment) -> Assessment {
    Assessment {
        reason: format!("{progress}; {}", failure.reason),
        ..failure
    }
}
