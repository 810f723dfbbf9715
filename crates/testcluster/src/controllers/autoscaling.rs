//! HorizontalPodAutoscaler controller as kube-controller-manager runs it on a cluster without a
//! metrics server: it reads the target's scale, keeps the replica count within min/max, and
//! reports that it cannot compute a replica count from metrics.

use std::sync::Arc;

use serde_json::{Value, json};

use super::events::{record, reference};
use super::{Logged, condition, describe, meta_str};
use crate::ops;
use crate::registry::{self, ResourceDef};
use crate::state::State;
use crate::store::rid;

const MANAGER: &str = "kube-controller-manager";

/// The target's resource, when it is served with a scale subresource.
fn target_def(hpa: &Value) -> Option<&'static ResourceDef> {
    let target = hpa.pointer("/spec/scaleTargetRef")?;
    registry::def_by_kind(target["apiVersion"].as_str()?, target["kind"].as_str()?)
        .filter(|d| d.subresources.contains(&"scale"))
}

/// The condition reason kube-controller-manager reports when the first metric cannot be read;
/// an HPA without metrics defaults to 80% CPU utilisation, a resource metric.
fn failed_metric(hpa: &Value) -> (&'static str, String) {
    let first = hpa.pointer("/spec/metrics/0");
    let ty = first.and_then(|m| m["type"].as_str()).unwrap_or("Resource");
    let resource = |key: &str| {
        first
            .and_then(|m| m[key]["name"].as_str())
            .unwrap_or("cpu")
            .to_string()
    };
    match ty {
        "Pods" => (
            "FailedGetPodsMetric",
            "unable to get metric: no custom metrics API (custom.metrics.k8s.io) registered"
                .to_string(),
        ),
        "Object" => (
            "FailedGetObjectMetric",
            "unable to get metric: no custom metrics API (custom.metrics.k8s.io) registered"
                .to_string(),
        ),
        "External" => (
            "FailedGetExternalMetric",
            "unable to get external metric: no external metrics API (external.metrics.k8s.io) registered"
                .to_string(),
        ),
        "ContainerResource" => {
            let name = resource("containerResource");
            (
                "FailedGetContainerResourceMetric",
                format!(
                    "failed to get {name} utilization: unable to get metrics for resource {name}: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)"
                ),
            )
        }
        _ => {
            let name = resource("resource");
            (
                "FailedGetResourceMetric",
                format!(
                    "failed to get {name} utilization: unable to get metrics for resource {name}: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)"
                ),
            )
        }
    }
}

/// One reconcile of an HPA, following kube-controller-manager's `reconcileAutoscaler`.
pub fn hpa(st: &Arc<State>, hpa: &Value) {
    let ns = meta_str(hpa, "namespace");
    let name = meta_str(hpa, "name");
    let who = describe(hpa);
    let generation = hpa.pointer("/metadata/generation").cloned();
    let target_name = hpa
        .pointer("/spec/scaleTargetRef/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let target = target_def(hpa).and_then(|d| Some((d, st.store.get(rid(d), ns, target_name)?)));
    let Some((def, target)) = target else {
        let kind = hpa
            .pointer("/spec/scaleTargetRef/kind")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_lowercase();
        let message = format!(
            "the HPA controller was unable to get the target's current scale: {kind}s.scale \"{target_name}\" not found"
        );
        ops::write_status(
            st,
            &registry::HORIZONTALPODAUTOSCALERS,
            ns,
            name,
            MANAGER,
            |cur| {
                let prev = cur.get("status");
                let mut status = prev.cloned().unwrap_or(json!({"desiredReplicas": 0}));
                status["observedGeneration"] = json!(generation);
                status["conditions"] = json!([condition(
                    prev,
                    "AbleToScale",
                    false,
                    "FailedGetScale",
                    &message
                )]);
                Some(status)
            },
        )
        .logged("update status", &who);
        return;
    };
    let spec_replicas = target
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let current = target
        .pointer("/status/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let min = hpa
        .pointer("/spec/minReplicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let max = hpa
        .pointer("/spec/maxReplicas")
        .and_then(Value::as_i64)
        .unwrap_or(min);
    // Outside min/max the controller rescales without metrics (leaving ScalingActive as it
    // was); within them it needs metrics, and with none it keeps the desired count it had
    // (zero at first).
    let got_scale = (
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale".to_string(),
    );
    let (able, active, rescale_to) = if spec_replicas == 0 && min != 0 {
        let disabled = "scaling is disabled since the replica count of the target is zero";
        (
            got_scale,
            Some((false, "ScalingDisabled", disabled.to_string())),
            None,
        )
    } else if current > max || current < min {
        let desired = current.clamp(min, max);
        let message =
            format!("the HPA controller was able to update the target scale to {desired}");
        (("SucceededRescale", message), None, Some(desired))
    } else {
        let (reason, message) = failed_metric(hpa);
        let message = format!("the HPA was unable to compute the replica count: {message}");
        (got_scale, Some((false, reason, message)), None)
    };
    if let Some(desired) = rescale_to.filter(|d| *d != spec_replicas) {
        let rescaled = ops::write_main(st, def, ns, target_name, MANAGER, |o| {
            o["spec"]["replicas"] = json!(desired)
        })
        .logged("rescale the target", &who);
        if rescaled.is_some() {
            record(
                st,
                ns,
                &reference(hpa),
                "Normal",
                "SuccessfulRescale",
                &format!(
                    "New size: {desired}; reason: Current number of replicas {} Spec.{}Replicas",
                    if current > max { "above" } else { "below" },
                    if current > max { "Max" } else { "Min" },
                ),
            );
        }
    }
    ops::write_status(
        st,
        &registry::HORIZONTALPODAUTOSCALERS,
        ns,
        name,
        MANAGER,
        |cur| {
            let prev = cur.get("status");
            let previous_desired = prev
                .and_then(|s| s.get("desiredReplicas"))
                .cloned()
                .unwrap_or(json!(0));
            let mut status = json!({
                "observedGeneration": generation,
                "currentReplicas": current,
                "desiredReplicas": rescale_to.map_or(previous_desired, |d| json!(d)),
            });
            let active = match &active {
                Some((ok, reason, message)) => {
                    Some(condition(prev, "ScalingActive", *ok, reason, message))
                }
                None => prev
                    .and_then(|s| s["conditions"].as_array())
                    .and_then(|c| c.iter().find(|c| c["type"] == "ScalingActive"))
                    .cloned(),
            };
            let able = condition(prev, "AbleToScale", true, able.0, &able.1);
            status["conditions"] = json!(
                [Some(able), active]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
            );
            let last_scale = match rescale_to {
                Some(d) if d != spec_replicas => Some(json!(ops::now())),
                _ => prev.and_then(|s| s.get("lastScaleTime")).cloned(),
            };
            if let Some(t) = last_scale {
                status["lastScaleTime"] = t;
            }
            Some(status)
        },
    )
    .logged("update status", &who);
}

/// HPAs of a namespace whose target is `obj`, re-run when the target's scale moves.
pub fn targeting<'a>(hpas: &'a [Value], obj: &'a Value) -> impl Iterator<Item = &'a Value> {
    hpas.iter().filter(move |h| {
        let t = &h["spec"]["scaleTargetRef"];
        t["kind"] == obj["kind"]
            && t["apiVersion"] == obj["apiVersion"]
            && t["name"].as_str() == Some(meta_str(obj, "name"))
    })
}
