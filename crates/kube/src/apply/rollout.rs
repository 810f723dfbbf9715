//! Whether applying a workload replaces its running pods. Read from the pod template of the live
//! object and of the API server's dry-run result, never from the manifest: the server fills in
//! defaults the manifest leaves out, which would look like changes. This is what a user adopting
//! objects made with kubectl needs to know before the first deploy (KubeChart's labels may reach
//! a pod template, and a changed template means new pods).

use serde::Serialize;
use serde_json::Value;

/// What an apply does to a workload's running pods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodRollout {
    /// The workload's running pods are replaced by new ones.
    pub rolls_pods: bool,
    /// Why, in one sentence: which template fields change, or why the pods stay.
    pub reason: String,
}

/// The most changed fields named in a reason; the diff has them all.
const NAMED_FIELDS: usize = 3;

/// The rollout of an existing workload of `kind`, from its live state and the dry-run result;
/// `None` for kinds without a pod template.
pub(super) fn pod_rollout(kind: &str, live: &Value, after: &Value) -> Option<PodRollout> {
    let pointer = match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => "/spec/template",
        "CronJob" => "/spec/jobTemplate/spec/template",
        _ => return None,
    };
    let mut changed = Vec::new();
    changed_fields(
        live.pointer(pointer).unwrap_or(&Value::Null),
        after.pointer(pointer).unwrap_or(&Value::Null),
        "",
        &mut changed,
    );
    if changed.is_empty() {
        return Some(PodRollout {
            rolls_pods: false,
            reason: "the pod template does not change: running pods are kept".into(),
        });
    }
    let fields = named(&changed);
    let on_delete = after.pointer("/spec/updateStrategy/type") == Some(&Value::from("OnDelete"));
    let (rolls_pods, consequence) = match kind {
        "Deployment" if after.pointer("/spec/paused") == Some(&Value::Bool(true)) => (
            false,
            "the Deployment is paused: its pods are replaced when it is resumed".to_owned(),
        ),
        "StatefulSet" | "DaemonSet" if on_delete => (
            false,
            format!(
                "the {kind}'s updateStrategy is OnDelete: each pod takes the new template when it is deleted"
            ),
        ),
        "Deployment" | "StatefulSet" | "DaemonSet" => {
            (true, format!("the {kind} replaces its running pods"))
        }
        "CronJob" => (
            false,
            "Jobs started from now on use it; running Jobs keep their pods".to_owned(),
        ),
        _ => (
            false,
            format!("a {kind} does not replace running pods; pods it creates from now on use it"),
        ),
    };
    Some(PodRollout {
        rolls_pods,
        reason: format!("the pod template changes ({fields}): {consequence}"),
    })
}

/// `a, b, c and 2 more`.
fn named(changed: &[String]) -> String {
    let shown = changed
        .iter()
        .take(NAMED_FIELDS)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    match changed.len().saturating_sub(NAMED_FIELDS) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// The paths under the template where `before` and `after` differ: the deepest differing field of
/// maps, the list itself for lists (a changed container list is one change, not one per field).
fn changed_fields(before: &Value, after: &Value, path: &str, changed: &mut Vec<String>) {
    if before == after {
        return;
    }
    match (before, after) {
        (Value::Object(old), Value::Object(new)) => {
            let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let null = Value::Null;
                let child = if key.contains(['.', '/']) {
                    format!("{path}[{key}]")
                } else if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                changed_fields(
                    old.get(key).unwrap_or(&null),
                    new.get(key).unwrap_or(&null),
                    &child,
                    changed,
                );
            }
        }
        _ => changed.push(path.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(labels: Value, strategy: Option<&str>) -> Value {
        let mut object = json!({"spec": {"template": {"metadata": {"labels": labels},
            "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}});
        if let Some(strategy) = strategy {
            object["spec"]["updateStrategy"] = json!({"type": strategy});
        }
        object
    }

    #[test]
    fn a_label_reaching_the_template_rolls_the_pods() {
        let live = deployment(json!({"app": "web"}), None);
        let after = deployment(
            json!({"app": "web", "app.kubernetes.io/managed-by": "kubechart"}),
            None,
        );
        let rollout = pod_rollout("Deployment", &live, &after);
        assert_eq!(
            rollout,
            Some(PodRollout {
                rolls_pods: true,
                reason: "the pod template changes (metadata.labels[app.kubernetes.io/managed-by]): the Deployment replaces its running pods".into(),
            })
        );
    }

    #[test]
    fn an_unchanged_template_keeps_the_pods() {
        let live = deployment(json!({"app": "web"}), None);
        let rollout = pod_rollout("StatefulSet", &live, &live);
        assert!(rollout.is_some_and(|r| !r.rolls_pods && r.reason.contains("does not change")));
    }

    #[test]
    fn some_workloads_do_not_replace_running_pods() {
        let live = deployment(json!({"app": "web"}), Some("OnDelete"));
        let after = deployment(json!({"app": "web", "tier": "front"}), Some("OnDelete"));
        for kind in ["DaemonSet", "ReplicaSet"] {
            let rollout = pod_rollout(kind, &live, &after);
            assert!(
                rollout.is_some_and(|r| !r.rolls_pods && r.reason.contains("metadata.labels.tier")),
                "{kind}"
            );
        }
        let cron = |image: &str| json!({"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"image": image}]}}}}}});
        let rollout = pod_rollout("CronJob", &cron("a"), &cron("b"));
        assert!(rollout.is_some_and(|r| !r.rolls_pods && r.reason.contains("spec.containers")));
        assert_eq!(pod_rollout("Service", &live, &after), None);
    }

    #[test]
    fn many_changes_are_counted() {
        let live = deployment(json!({}), None);
        let after = deployment(
            json!({"a": "1", "b": "2", "c": "3", "d": "4", "e": "5"}),
            None,
        );
        let rollout = pod_rollout("Deployment", &live, &after);
        assert!(
            rollout.is_some_and(|r| r.reason.contains("and 2 more")),
            "five labels"
        );
    }
}
