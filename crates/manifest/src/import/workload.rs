//! Deployment, StatefulSet, ReplicaSet, DaemonSet, Job, CronJob and Pod → a workload entry, with
//! the HorizontalPodAutoscaler and PodDisruptionBudget that belong to it.

use super::identity::AppLabels;
use super::pod;
use super::value::{
    choice, choices, flag, int, int_or_string, int32, items, name, string_map, text,
};
use crate::spec::{
    AutoscalingSpec, CronJobSettings, DisruptionBudgetSpec, JobSettings, ScalingPolicySpec,
    ScalingRulesSpec, StatefulSetSettings, StrategySpec, StrategyType, VolumeClaimTemplateSpec,
    WorkloadKind, WorkloadSpec,
};
use serde_json::Value;

/// The workload entry of an object of one of the seven workload kinds.
pub(super) fn workload(kind: WorkloadKind, object: &Value, app: &AppLabels) -> WorkloadSpec {
    let standard_selector = app.standard_selector(&name(object));
    let template = match kind {
        WorkloadKind::Pod => object.clone(),
        WorkloadKind::CronJob => object
            .pointer("/spec/jobTemplate/spec/template")
            .cloned()
            .unwrap_or_default(),
        _ => object
            .pointer("/spec/template")
            .cloned()
            .unwrap_or_default(),
    };
    let pod = template.get("spec").cloned().unwrap_or_default();
    let stateful_set = (kind == WorkloadKind::StatefulSet).then(|| stateful_set(object));
    let claim_names: Vec<String> = stateful_set
        .iter()
        .flat_map(|s| s.volume_claim_templates.iter().map(|t| t.name.clone()))
        .collect();
    // A selector of only matchLabels is the form's; expressions stay in the override.
    let selector =
        if kind.has_selector() && object.pointer("/spec/selector/matchExpressions").is_none() {
            string_map(object, "/spec/selector/matchLabels")
        } else {
            Default::default()
        };
    let selector = if selector == standard_selector {
        Default::default()
    } else {
        selector
    };
    // Labels the renderer adds anyway are not repeated in the form.
    let mut pod_labels = string_map(&template, "/metadata/labels");
    pod_labels.retain(|key, value| {
        selector.get(key) != Some(value)
            && standard_selector.get(key) != Some(value)
            && app.common.get(key) != Some(value)
    });
    let job_spec = match kind {
        WorkloadKind::Job => object.get("spec").cloned(),
        WorkloadKind::CronJob => object.pointer("/spec/jobTemplate/spec").cloned(),
        _ => None,
    };
    WorkloadSpec {
        name: name(object),
        kind,
        containers: pod::containers(&pod, "containers", &claim_names),
        init_containers: pod::containers(&pod, "initContainers", &claim_names),
        replicas: if kind.is_replicated() {
            int32(object, "/spec/replicas")
        } else {
            None
        },
        strategy: strategy(kind, object),
        restart_policy: match kind {
            WorkloadKind::Pod | WorkloadKind::Job | WorkloadKind::CronJob => {
                choice(&pod, "/restartPolicy")
            }
            _ => None,
        },
        node_selector: pod::node_selector(&pod),
        tolerations: pod::tolerations(&pod),
        service_account: text(&pod, "/serviceAccountName")
            .or_else(|| text(&pod, "/serviceAccount")),
        pod_annotations: string_map(&template, "/metadata/annotations"),
        pod_labels,
        selector,
        job: job_spec.as_ref().and_then(job),
        cron_job: (kind == WorkloadKind::CronJob).then(|| cron_job(object)),
        stateful_set,
        autoscaling: None,
        disruption_budget: None,
    }
}

fn strategy(kind: WorkloadKind, object: &Value) -> Option<StrategySpec> {
    let at = match kind {
        WorkloadKind::Deployment => "/spec/strategy",
        WorkloadKind::StatefulSet | WorkloadKind::DaemonSet => "/spec/updateStrategy",
        _ => return None,
    };
    let strategy = object.pointer(at)?;
    Some(StrategySpec {
        strategy_type: choice::<StrategyType>(strategy, "/type").unwrap_or_default(),
        max_surge: int_or_string(strategy, "/rollingUpdate/maxSurge"),
        max_unavailable: int_or_string(strategy, "/rollingUpdate/maxUnavailable"),
    })
}

fn job(spec: &Value) -> Option<JobSettings> {
    let settings = JobSettings {
        completions: int32(spec, "/completions"),
        parallelism: int32(spec, "/parallelism"),
        backoff_limit: int32(spec, "/backoffLimit"),
        active_deadline_seconds: int(spec, "/activeDeadlineSeconds"),
        ttl_seconds_after_finished: int32(spec, "/ttlSecondsAfterFinished"),
    };
    (settings != JobSettings::default()).then_some(settings)
}

fn cron_job(object: &Value) -> CronJobSettings {
    CronJobSettings {
        schedule: text(object, "/spec/schedule").unwrap_or_default(),
        time_zone: text(object, "/spec/timeZone"),
        concurrency_policy: choice(object, "/spec/concurrencyPolicy").unwrap_or_default(),
        successful_jobs_history_limit: int32(object, "/spec/successfulJobsHistoryLimit"),
        failed_jobs_history_limit: int32(object, "/spec/failedJobsHistoryLimit"),
        starting_deadline_seconds: int(object, "/spec/startingDeadlineSeconds"),
        suspend: flag(object, "/spec/suspend").unwrap_or_default(),
    }
}

fn stateful_set(object: &Value) -> StatefulSetSettings {
    StatefulSetSettings {
        service_name: text(object, "/spec/serviceName"),
        pod_management_policy: choice(object, "/spec/podManagementPolicy").unwrap_or_default(),
        volume_claim_templates: items(object, "/spec/volumeClaimTemplates")
            .iter()
            .map(|claim| VolumeClaimTemplateSpec {
                name: name(claim),
                size: text(claim, "/spec/resources/requests/storage").unwrap_or_default(),
                access_modes: choices(claim, "/spec/accessModes"),
                storage_class_name: text(claim, "/spec/storageClassName"),
            })
            .collect(),
    }
}

/// A HorizontalPodAutoscaler of a workload; metrics other than CPU and memory utilization, and
/// anything else the form does not model, stay in its override.
pub(super) fn autoscaling(object: &Value) -> AutoscalingSpec {
    let target = |resource: &str| {
        items(object, "/spec/metrics").iter().find_map(|metric| {
            (text(metric, "/type").as_deref() == Some("Resource")
                && text(metric, "/resource/name").as_deref() == Some(resource)
                && text(metric, "/resource/target/type").as_deref() == Some("Utilization"))
            .then(|| int32(metric, "/resource/target/averageUtilization"))
            .flatten()
        })
    };
    let rules = |direction: &str| {
        object
            .pointer(&format!("/spec/behavior/{direction}"))
            .map(|rules| ScalingRulesSpec {
                stabilization_window_seconds: int32(rules, "/stabilizationWindowSeconds"),
                select_policy: choice(rules, "/selectPolicy"),
                policies: items(rules, "/policies")
                    .iter()
                    .filter_map(|policy| {
                        Some(ScalingPolicySpec {
                            policy_type: choice(policy, "/type")?,
                            value: int32(policy, "/value")?,
                            period_seconds: int32(policy, "/periodSeconds")?,
                        })
                    })
                    .collect(),
            })
    };
    AutoscalingSpec {
        min_replicas: int32(object, "/spec/minReplicas"),
        max_replicas: int32(object, "/spec/maxReplicas").unwrap_or_default(),
        cpu_utilization: target("cpu"),
        memory_utilization: target("memory"),
        scale_up: rules("scaleUp"),
        scale_down: rules("scaleDown"),
    }
}

pub(super) fn disruption_budget(object: &Value) -> DisruptionBudgetSpec {
    DisruptionBudgetSpec {
        min_available: int_or_string(object, "/spec/minAvailable"),
        max_unavailable: int_or_string(object, "/spec/maxUnavailable"),
    }
}
