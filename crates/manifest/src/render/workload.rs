//! Deployment, StatefulSet, ReplicaSet, Job, CronJob and Pod.

use super::meta::{namespaced, non_empty_vec, selector};
use super::{Object, pod};
use crate::refs::Refs;
use crate::spec::{
    ConcurrencyPolicy, RestartPolicy, StrategyType, WorkloadKind, WorkloadSpec,
    access_modes_or_default,
};
use k8s_openapi::api::{apps::v1 as apps, batch::v1 as batch, core::v1 as core};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

pub(super) fn render(refs: &Refs, out: &mut Vec<Object>) {
    for workload in &refs.spec.workloads {
        out.push(object(refs, workload));
    }
}

fn object(refs: &Refs, w: &WorkloadSpec) -> Object {
    let metadata = namespaced(refs, &w.name);
    let selector = || selector(refs.selector_labels(w));
    let restart = w.restart_policy;
    match w.kind {
        WorkloadKind::Deployment => Object::Deployment(apps::Deployment {
            metadata,
            spec: Some(apps::DeploymentSpec {
                replicas: replicas(w),
                selector: selector(),
                strategy: w.strategy.as_ref().map(|s| apps::DeploymentStrategy {
                    type_: Some(strategy_name(s.strategy_type).to_owned()),
                    rolling_update: (s.strategy_type == StrategyType::RollingUpdate
                        && (s.max_surge.is_some() || s.max_unavailable.is_some()))
                    .then(|| apps::RollingUpdateDeployment {
                        max_surge: s.max_surge.as_deref().map(int_or_percent),
                        max_unavailable: s.max_unavailable.as_deref().map(int_or_percent),
                    }),
                }),
                template: pod::template(refs, w, RestartPolicy::Always),
                ..Default::default()
            }),
            status: None,
        }),
        WorkloadKind::StatefulSet => {
            let settings = w.stateful_set.clone().unwrap_or_default();
            Object::StatefulSet(apps::StatefulSet {
                metadata,
                spec: Some(apps::StatefulSetSpec {
                    replicas: replicas(w),
                    selector: selector(),
                    service_name: refs.governing_service(w),
                    pod_management_policy: Some(format!("{:?}", settings.pod_management_policy)),
                    update_strategy: w
                        .strategy
                        .as_ref()
                        .map(|s| apps::StatefulSetUpdateStrategy {
                            type_: Some(strategy_name(s.strategy_type).to_owned()),
                            rolling_update: (s.strategy_type == StrategyType::RollingUpdate
                                && s.max_unavailable.is_some())
                            .then(|| apps::RollingUpdateStatefulSetStrategy {
                                max_unavailable: s.max_unavailable.as_deref().map(int_or_percent),
                                partition: None,
                            }),
                        }),
                    template: pod::template(refs, w, RestartPolicy::Always),
                    volume_claim_templates: non_empty_vec(
                        settings
                            .volume_claim_templates
                            .iter()
                            .map(|t| core::PersistentVolumeClaim {
                                metadata: ObjectMeta {
                                    name: Some(t.name.clone()),
                                    labels: Some(refs.selector_labels(w)),
                                    ..Default::default()
                                },
                                spec: Some(core::PersistentVolumeClaimSpec {
                                    access_modes: Some(access_modes_or_default(&t.access_modes)),
                                    storage_class_name: t.storage_class_name.clone(),
                                    resources: Some(core::VolumeResourceRequirements {
                                        requests: Some(BTreeMap::from([(
                                            "storage".to_owned(),
                                            Quantity(t.size.clone()),
                                        )])),
                                        limits: None,
                                    }),
                                    ..Default::default()
                                }),
                                status: None,
                            })
                            .collect(),
                    ),
                    ..Default::default()
                }),
                status: None,
            })
        }
        WorkloadKind::DaemonSet => Object::DaemonSet(apps::DaemonSet {
            metadata,
            spec: Some(apps::DaemonSetSpec {
                selector: selector(),
                update_strategy: w.strategy.as_ref().map(|s| apps::DaemonSetUpdateStrategy {
                    type_: Some(strategy_name(s.strategy_type).to_owned()),
                    rolling_update: (s.strategy_type == StrategyType::RollingUpdate
                        && (s.max_surge.is_some() || s.max_unavailable.is_some()))
                    .then(|| apps::RollingUpdateDaemonSet {
                        max_surge: s.max_surge.as_deref().map(int_or_percent),
                        max_unavailable: s.max_unavailable.as_deref().map(int_or_percent),
                    }),
                }),
                template: pod::template(refs, w, RestartPolicy::Always),
                ..Default::default()
            }),
            status: None,
        }),
        WorkloadKind::ReplicaSet => Object::ReplicaSet(apps::ReplicaSet {
            metadata,
            spec: Some(apps::ReplicaSetSpec {
                replicas: w.replicas,
                selector: selector(),
                template: Some(pod::template(refs, w, RestartPolicy::Always)),
                ..Default::default()
            }),
            status: None,
        }),
        WorkloadKind::Job => Object::Job(batch::Job {
            metadata,
            spec: Some(job_spec(
                refs,
                w,
                restart.unwrap_or(RestartPolicy::OnFailure),
            )),
            status: None,
        }),
        WorkloadKind::CronJob => {
            let cron = w.cron_job.clone();
            Object::CronJob(batch::CronJob {
                metadata,
                spec: Some(batch::CronJobSpec {
                    schedule: cron
                        .as_ref()
                        .map(|c| c.schedule.clone())
                        .unwrap_or_default(),
                    time_zone: cron.as_ref().and_then(|c| c.time_zone.clone()),
                    concurrency_policy: Some(concurrency(
                        cron.as_ref()
                            .map(|c| c.concurrency_policy)
                            .unwrap_or_default(),
                    )),
                    successful_jobs_history_limit: cron
                        .as_ref()
                        .and_then(|c| c.successful_jobs_history_limit),
                    failed_jobs_history_limit: cron
                        .as_ref()
                        .and_then(|c| c.failed_jobs_history_limit),
                    starting_deadline_seconds: cron
                        .as_ref()
                        .and_then(|c| c.starting_deadline_seconds),
                    suspend: cron.as_ref().and_then(|c| c.suspend.then_some(true)),
                    job_template: batch::JobTemplateSpec {
                        metadata: Some(ObjectMeta {
                            labels: Some(refs.common_labels()),
                            ..Default::default()
                        }),
                        spec: Some(job_spec(
                            refs,
                            w,
                            restart.unwrap_or(RestartPolicy::OnFailure),
                        )),
                    },
                }),
                status: None,
            })
        }
        WorkloadKind::Pod => {
            let template = pod::template(refs, w, restart.unwrap_or(RestartPolicy::Always));
            Object::Pod(core::Pod {
                metadata: ObjectMeta {
                    labels: template.metadata.as_ref().and_then(|m| m.labels.clone()),
                    ..metadata
                },
                spec: template.spec,
                status: None,
            })
        }
    }
}

fn job_spec(refs: &Refs, w: &WorkloadSpec, restart: RestartPolicy) -> batch::JobSpec {
    let job = w.job.clone().unwrap_or_default();
    batch::JobSpec {
        completions: job.completions,
        parallelism: job.parallelism,
        backoff_limit: job.backoff_limit,
        active_deadline_seconds: job.active_deadline_seconds,
        ttl_seconds_after_finished: job.ttl_seconds_after_finished,
        // The Job controller generates its own unique selector; a hand-written one would be rejected.
        template: pod::template(refs, w, restart),
        ..Default::default()
    }
}

fn strategy_name(strategy: StrategyType) -> &'static str {
    match strategy {
        StrategyType::RollingUpdate => "RollingUpdate",
        StrategyType::Recreate => "Recreate",
        StrategyType::OnDelete => "OnDelete",
    }
}

fn concurrency(policy: ConcurrencyPolicy) -> String {
    format!("{policy:?}")
}

/// The replica count, unless an autoscaler owns it (a count in the manifest would reset its
/// scaling on every apply).
fn replicas(w: &WorkloadSpec) -> Option<i32> {
    if w.autoscaling.is_some() {
        None
    } else {
        w.replicas
    }
}

/// `25%` stays a string, `1` becomes a number, as the API expects for IntOrString.
pub(super) fn int_or_percent(value: &str) -> IntOrString {
    value
        .parse::<i32>()
        .map(IntOrString::Int)
        .unwrap_or_else(|_| IntOrString::String(value.to_owned()))
}
