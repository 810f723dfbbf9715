//! Carrying a child's problem up to its owner (pod → ReplicaSet → Deployment, pod → Job, pod →
//! StatefulSet/DaemonSet, Job → CronJob), so the owner's reason says what actually goes wrong.

use super::{Assessment, HealthState};

/// A child of an object, found through its ownerReferences, with its own (already propagated)
/// assessment.
#[derive(Debug, Clone, Copy)]
pub struct Child<'a> {
    /// The child's kind, e.g. `Pod`.
    pub kind: &'a str,
    /// The child's name.
    pub name: &'a str,
    /// The child's `creationTimestamp` (RFC 3339): the newest Job of a CronJob is its last run.
    pub created: Option<&'a str>,
    /// The child's assessment.
    pub assessment: &'a Assessment,
}

impl Child<'_> {
    /// The child's problem in the words carried up: its own carried cause if it has one (so a
    /// Deployment names the pod, not the ReplicaSet in between), else `pod web-x: <reason>`.
    fn as_cause(&self) -> String {
        self.assessment.cause.clone().unwrap_or_else(|| {
            format!(
                "{} {}: {}",
                self.kind.to_lowercase(),
                self.name,
                self.assessment.reason
            )
        })
    }

    /// A problem going on now. A pod that ended badly is history: its controller replaces it
    /// (ReplicaSet) or counts it against its retries (Job), and says so in its own status.
    fn is_ongoing_failure(&self) -> bool {
        self.assessment.state == HealthState::Failed
            && (self.kind != "Pod" || self.assessment.recoverable)
    }
}

/// The owner's assessment with its children's problems carried up. Children are taken in the
/// order given; pass them sorted (by name) for stable reasons.
pub fn propagate(parent_kind: &str, own: Assessment, children: &[Child<'_>]) -> Assessment {
    match parent_kind {
        "CronJob" => last_run(own, children),
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" => {
            carry_up(own, children)
        }
        _ => own,
    }
}

/// kstatus' reader rule, refined: an owner that is not there yet fails when a child fails now
/// (after the child's own grace when that failure is recoverable); otherwise the first child
/// still on its way explains the wait.
fn carry_up(own: Assessment, children: &[Child<'_>]) -> Assessment {
    let open = matches!(own.state, HealthState::InProgress | HealthState::Failed);
    if !open || own.cause.is_some() {
        return own;
    }
    let failing: Vec<&Child<'_>> = children.iter().filter(|c| c.is_ongoing_failure()).collect();
    if let Some(first) = failing.first() {
        let mut cause = first.as_cause();
        if failing.len() > 1 {
            cause.push_str(&format!(" (and {} more)", failing.len() - 1));
        }
        return if own.state == HealthState::Failed {
            Assessment {
                cause: Some(cause),
                ..own
            }
        } else {
            Assessment {
                state: HealthState::Failed,
                recoverable: first.assessment.recoverable,
                cause: Some(cause),
                ..own
            }
        };
    }
    if own.state == HealthState::InProgress
        && let Some(waiting) = children
            .iter()
            .find(|c| c.assessment.state == HealthState::InProgress)
    {
        return Assessment {
            cause: Some(waiting.as_cause()),
            ..own
        };
    }
    own
}

/// A CronJob reads as its last run: the newest Job's failure is the CronJob's.
fn last_run(own: Assessment, children: &[Child<'_>]) -> Assessment {
    let Some(newest) = children
        .iter()
        .filter(|c| c.kind == "Job")
        .max_by(|a, b| (a.created, a.name).cmp(&(b.created, b.name)))
    else {
        return own;
    };
    match newest.assessment.state {
        HealthState::Failed => Assessment {
            state: HealthState::Failed,
            recoverable: newest.assessment.recoverable,
            cause: Some(format!(
                "last Job {}: {}",
                newest.name,
                newest.assessment.full_reason()
            )),
            ..own
        },
        HealthState::InProgress => Assessment {
            cause: Some(format!(
                "Job {}: {}",
                newest.name,
                newest.assessment.full_reason()
            )),
            ..own
        },
        _ => own,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::{FailureGrace, assess};
    use serde_json::json;
    use std::time::{Duration, Instant};

    fn child<'a>(kind: &'a str, name: &'a str, assessment: &'a Assessment) -> Child<'a> {
        Child {
            kind,
            name,
            created: None,
            assessment,
        }
    }

    #[test]
    fn a_pods_image_failure_reaches_the_deployment_through_its_replica_set() {
        let pod = Assessment::failing("ImagePullBackOff: ghcr.io/acme/shop:1.4.3 not found");
        let replica_set = propagate(
            "ReplicaSet",
            Assessment::in_progress("0/3 ready"),
            &[child("Pod", "web-7c9f8d6b5-x2x9k", &pod)],
        );
        let deployment = propagate(
            "Deployment",
            Assessment::in_progress("1/3 available"),
            &[child("ReplicaSet", "web-7c9f8d6b5", &replica_set)],
        );
        assert_eq!(deployment.state, HealthState::Failed);
        assert!(deployment.recoverable);
        assert_eq!(
            deployment.full_reason(),
            "1/3 available — pod web-7c9f8d6b5-x2x9k: ImagePullBackOff: ghcr.io/acme/shop:1.4.3 not found"
        );
        let mut grace = FailureGrace::new(Duration::from_secs(10));
        let now = Instant::now();
        assert_eq!(
            grace.settle(&"web", &deployment, now).state,
            HealthState::InProgress
        );
        assert_eq!(
            grace
                .settle(&"web", &deployment, now + Duration::from_secs(10))
                .state,
            HealthState::Failed
        );
    }

    #[test]
    fn several_failing_pods_are_counted_and_the_first_named() {
        let crash = Assessment::failing("CrashLoopBackOff: container web exited with code 1");
        let replica_set = propagate(
            "ReplicaSet",
            Assessment::in_progress("0/3 ready"),
            &[
                child("Pod", "web-a", &crash),
                child("Pod", "web-b", &crash),
                child("Pod", "web-c", &crash),
            ],
        );
        assert_eq!(
            replica_set.full_reason(),
            "0/3 ready — pod web-a: CrashLoopBackOff: container web exited with code 1 (and 2 more)"
        );
    }

    #[test]
    fn a_current_owner_ignores_its_children() {
        let crash = Assessment::failing("CrashLoopBackOff");
        let deployment = propagate(
            "Deployment",
            Assessment::current("3/3 available"),
            &[child("Pod", "web-a", &crash)],
        );
        assert_eq!(deployment, Assessment::current("3/3 available"));
    }

    #[test]
    fn a_finished_failed_pod_is_history_for_its_job() {
        let failed_pod = Assessment::failed("container migrate exited with code 1 (Error)");
        let job = propagate(
            "Job",
            Assessment::in_progress("running: 0/1 succeeded, 1 active, 1 failed"),
            &[child("Pod", "migrate-a", &failed_pod)],
        );
        assert_eq!(job.state, HealthState::InProgress);
        let stuck_pod = Assessment::failing("ImagePullBackOff: migrate:nope");
        let job = propagate(
            "Job",
            Assessment::in_progress("running: 0/1 succeeded, 1 active"),
            &[child("Pod", "migrate-b", &stuck_pod)],
        );
        assert_eq!(job.state, HealthState::Failed);
        assert_eq!(
            job.full_reason(),
            "running: 0/1 succeeded, 1 active — pod migrate-b: ImagePullBackOff: migrate:nope"
        );
    }

    #[test]
    fn a_waiting_child_explains_the_wait() {
        let pod = Assessment::in_progress(
            "waiting for PersistentVolumeClaim data-postgres-0 to be bound",
        );
        let sts = propagate(
            "StatefulSet",
            Assessment::in_progress("0/1 ready"),
            &[child("Pod", "postgres-0", &pod)],
        );
        assert_eq!(sts.state, HealthState::InProgress);
        assert_eq!(
            sts.full_reason(),
            "0/1 ready — pod postgres-0: waiting for PersistentVolumeClaim data-postgres-0 to be bound"
        );
    }

    #[test]
    fn a_final_owner_failure_keeps_its_state_and_gains_the_cause() {
        let pod = Assessment::failing("ImagePullBackOff: nginx:nope");
        let deployment = propagate(
            "Deployment",
            Assessment::failed("1/3 available; rollout stuck"),
            &[child("Pod", "web-a", &pod)],
        );
        assert_eq!(deployment.state, HealthState::Failed);
        assert!(!deployment.recoverable);
        assert_eq!(
            deployment.full_reason(),
            "1/3 available; rollout stuck — pod web-a: ImagePullBackOff: nginx:nope"
        );
    }

    #[test]
    fn a_cron_job_reads_as_its_newest_job() {
        let cron = assess(
            &json!({"apiVersion": "batch/v1", "kind": "CronJob",
                "metadata": {"name": "nightly-backup", "namespace": "shop"},
                "spec": {"schedule": "0 3 * * *"},
                "status": {"lastScheduleTime": "2026-11-30T03:00:00Z"}}),
            &[],
        );
        let old = Assessment::current("completed (1/1 succeeded)");
        let newest =
            Assessment::failed("BackoffLimitExceeded: Job has reached the specified backoff limit");
        let jobs = [
            Child {
                kind: "Job",
                name: "nightly-backup-29407380",
                created: Some("2026-11-29T03:00:00Z"),
                assessment: &old,
            },
            Child {
                kind: "Job",
                name: "nightly-backup-29408820",
                created: Some("2026-11-30T03:00:00Z"),
                assessment: &newest,
            },
        ];
        let failed = propagate("CronJob", cron.clone(), &jobs);
        assert_eq!(failed.state, HealthState::Failed);
        assert_eq!(
            failed.full_reason(),
            "last run scheduled at 2026-11-30T03:00:00Z — last Job nightly-backup-29408820: \
             BackoffLimitExceeded: Job has reached the specified backoff limit"
        );
        let recovered = propagate("CronJob", cron, &jobs[..1]);
        assert_eq!(recovered.state, HealthState::Current);
    }

    #[test]
    fn kinds_without_children_rules_are_left_alone() {
        let pod = Assessment::failing("CrashLoopBackOff");
        let service = propagate(
            "Service",
            Assessment::in_progress("waiting"),
            &[child("Pod", "x", &pod)],
        );
        assert_eq!(service, Assessment::in_progress("waiting"));
    }
}
