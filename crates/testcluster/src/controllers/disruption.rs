//! PodDisruptionBudget controller: counts the selected pods that are healthy against what the
//! budget requires, as kube-controller-manager's disruption controller does.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::{Logged, describe, meta_str, pod_ready};
use crate::ops;
use crate::registry;
use crate::selectors::LabelSelector;
use crate::state::State;
use crate::store::rid;

const MANAGER: &str = "kube-controller-manager";

/// An intOrString value scaled against `total` (percentages round up, as upstream's
/// `GetScaledValueFromIntOrPercent(_, _, true)`).
fn scaled(value: &Value, total: i64) -> i64 {
    match value {
        Value::String(s) => {
            let pct = s.trim_end_matches('%').parse::<i64>().unwrap_or(0);
            (pct * total + 99) / 100
        }
        v => v.as_i64().unwrap_or(0),
    }
}

/// The replicas of the pod's top controller (a Deployment over its ReplicaSet), keyed by uid so
/// several pods of one controller count it once.
fn controller_scale(st: &State, pod: &Value) -> Option<(String, i64)> {
    let ns = meta_str(pod, "namespace");
    let mut owner = pod.clone();
    let mut found = None;
    while let Some(r) = owner
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .and_then(|refs| refs.iter().find(|r| r["controller"] == json!(true)))
        .cloned()
    {
        let def = registry::def_by_kind(r["apiVersion"].as_str()?, r["kind"].as_str()?)?;
        let next = st.store.get(rid(def), ns, r["name"].as_str()?)?;
        if def.subresources.contains(&"scale") {
            let replicas = next
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            found = Some((meta_str(&next, "uid").to_string(), replicas));
        }
        owner = next;
    }
    found
}

/// (expectedPods, desiredHealthy) as upstream's `getExpectedPodCount`: an integer minAvailable
/// counts the selected pods; percentages and maxUnavailable count the controllers' replicas.
fn expected_and_desired(st: &State, pdb: &Value, pods: &[Value]) -> (i64, i64) {
    let spec = &pdb["spec"];
    let controllers_scale = || {
        let scales: BTreeMap<String, i64> = pods
            .iter()
            .filter_map(|p| controller_scale(st, p))
            .collect();
        scales.values().sum::<i64>()
    };
    if let Some(max_unavailable) = spec.get("maxUnavailable") {
        let expected = controllers_scale();
        let desired = (expected - scaled(max_unavailable, expected)).max(0);
        (expected, desired)
    } else if let Some(min_available) = spec.get("minAvailable") {
        if min_available.is_string() {
            let expected = controllers_scale();
            (expected, scaled(min_available, expected))
        } else {
            (pods.len() as i64, scaled(min_available, 0))
        }
    } else {
        (0, 0)
    }
}

/// One reconcile of a PodDisruptionBudget.
pub fn pdb(st: &Arc<State>, pdb: &Value) {
    let ns = meta_str(pdb, "namespace");
    let name = meta_str(pdb, "name");
    // policy/v1: a missing selector selects no pods, an empty one every pod of the namespace.
    let pods: Vec<Value> = match pdb
        .pointer("/spec/selector")
        .map(LabelSelector::from_object)
    {
        Some(Ok(selector)) => st
            .store
            .list(rid(&registry::PODS), Some(ns))
            .0
            .into_iter()
            .filter(|p| {
                selector.matches_object(p) && p.pointer("/metadata/deletionTimestamp").is_none()
            })
            .collect(),
        _ => Vec::new(),
    };
    let healthy = pods.iter().filter(|p| pod_ready(p)).count() as i64;
    let (expected, desired) = expected_and_desired(st, pdb, &pods);
    let allowed = (healthy - desired).max(0);
    let generation = pdb.pointer("/metadata/generation").cloned();
    ops::write_status(
        st,
        &registry::PODDISRUPTIONBUDGETS,
        ns,
        name,
        MANAGER,
        |cur| {
            let prev = cur.get("status");
            let (ok, reason) = if allowed > 0 {
                (true, "SufficientPods")
            } else {
                (false, "InsufficientPods")
            };
            let mut disruption = super::condition(prev, "DisruptionAllowed", ok, reason, "");
            disruption["observedGeneration"] = json!(generation);
            Some(json!({
                "observedGeneration": generation,
                "currentHealthy": healthy,
                "desiredHealthy": desired,
                "expectedPods": expected,
                "disruptionsAllowed": allowed,
                "conditions": [disruption],
            }))
        },
    )
    .logged("update status", &describe(pdb));
}
