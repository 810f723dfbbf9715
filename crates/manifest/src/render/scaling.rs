//! What a workload brings along: its HorizontalPodAutoscaler (autoscaling/v2) and its
//! PodDisruptionBudget, named after it and pointing at it.

use super::Object;
use super::meta::{namespaced, non_empty_vec, selector};
use super::workload::int_or_percent;
use crate::refs::Refs;
use crate::spec::{ScalingPolicyType, ScalingRulesSpec, SelectPolicy, WorkloadSpec};
use k8s_openapi::api::{autoscaling::v2 as autoscaling, policy::v1 as policy};

pub(super) fn render(refs: &Refs, out: &mut Vec<Object>) {
    for workload in &refs.spec.workloads {
        if let Some(spec) = &workload.autoscaling {
            out.push(Object::HorizontalPodAutoscaler(
                autoscaling::HorizontalPodAutoscaler {
                    metadata: namespaced(refs, &workload.name),
                    spec: Some(autoscaling::HorizontalPodAutoscalerSpec {
                        scale_target_ref: autoscaling::CrossVersionObjectReference {
                            api_version: Some("apps/v1".to_owned()),
                            kind: workload.kind.as_str().to_owned(),
                            name: workload.name.clone(),
                        },
                        min_replicas: spec.min_replicas,
                        max_replicas: spec.max_replicas,
                        metrics: non_empty_vec(
                            [
                                ("cpu", spec.cpu_utilization),
                                ("memory", spec.memory_utilization),
                            ]
                            .into_iter()
                            .filter_map(|(name, target)| target.map(|t| utilization(name, t)))
                            .collect(),
                        ),
                        behavior: (spec.scale_up.is_some() || spec.scale_down.is_some()).then(
                            || autoscaling::HorizontalPodAutoscalerBehavior {
                                scale_up: spec.scale_up.as_ref().map(rules),
                                scale_down: spec.scale_down.as_ref().map(rules),
                            },
                        ),
                    }),
                    status: None,
                },
            ));
        }
        if let Some(budget) = &workload.disruption_budget {
            out.push(Object::PodDisruptionBudget(pod_disruption_budget(
                refs, workload, budget,
            )));
        }
    }
}

fn utilization(resource: &str, percent: i32) -> autoscaling::MetricSpec {
    autoscaling::MetricSpec {
        type_: "Resource".to_owned(),
        resource: Some(autoscaling::ResourceMetricSource {
            name: resource.to_owned(),
            target: autoscaling::MetricTarget {
                type_: "Utilization".to_owned(),
                average_utilization: Some(percent),
                ..Default::default()
            },
        }),
        ..Default::default()
    }
}

fn rules(spec: &ScalingRulesSpec) -> autoscaling::HPAScalingRules {
    autoscaling::HPAScalingRules {
        stabilization_window_seconds: spec.stabilization_window_seconds,
        select_policy: spec.select_policy.map(|p| {
            match p {
                SelectPolicy::Max => "Max",
                SelectPolicy::Min => "Min",
                SelectPolicy::Disabled => "Disabled",
            }
            .to_owned()
        }),
        policies: non_empty_vec(
            spec.policies
                .iter()
                .map(|p| autoscaling::HPAScalingPolicy {
                    type_: match p.policy_type {
                        ScalingPolicyType::Pods => "Pods",
                        ScalingPolicyType::Percent => "Percent",
                    }
                    .to_owned(),
                    value: p.value,
                    period_seconds: p.period_seconds,
                })
                .collect(),
        ),
        ..Default::default()
    }
}

fn pod_disruption_budget(
    refs: &Refs,
    workload: &WorkloadSpec,
    budget: &crate::spec::DisruptionBudgetSpec,
) -> policy::PodDisruptionBudget {
    policy::PodDisruptionBudget {
        metadata: namespaced(refs, &workload.name),
        spec: Some(policy::PodDisruptionBudgetSpec {
            selector: Some(selector(refs.selector_labels(workload))),
            min_available: budget.min_available.as_deref().map(int_or_percent),
            max_unavailable: budget.max_unavailable.as_deref().map(int_or_percent),
            ..Default::default()
        }),
        status: None,
    }
}
