//! Simulated controllers: they watch the store and move objects the way a cluster would
//! (Deployment → ReplicaSet → Pods, StatefulSets, Jobs, claims, certificates, routes, load
//! balancers), recording Events for each step.

pub mod events;
mod kubelet;
mod network;
mod storage;
mod workloads;

pub use workloads::trigger_cronjob;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::registry::def_of;
use crate::state::State;
use crate::store::{EventType, rid};

/// The resources the controllers react to.
const WATCHED: &[(&str, &str)] = &[
    ("apps", "deployments"),
    ("apps", "replicasets"),
    ("apps", "statefulsets"),
    ("batch", "jobs"),
    ("", "pods"),
    ("", "persistentvolumeclaims"),
    ("", "services"),
    ("networking.k8s.io", "ingresses"),
    ("cert-manager.io", "certificates"),
    ("cert-manager.io", "issuers"),
    ("cert-manager.io", "clusterissuers"),
    ("gateway.networking.k8s.io", "httproutes"),
    ("gateway.networking.k8s.io", "gateways"),
];

/// Controller-wide memory: pods whose start is already scheduled.
#[derive(Default)]
pub(crate) struct Memory {
    started: Mutex<HashSet<String>>,
}

/// Runs every controller until `shutdown`.
pub async fn run(st: Arc<State>, shutdown: CancellationToken) {
    let mut streams = Vec::new();
    for (group, plural) in WATCHED {
        let def = def_of(group, plural);
        if let Ok((backlog, rx)) = st.store.watch(rid(def), None, None) {
            let backlog = futures::stream::iter(backlog);
            let live = tokio_stream::wrappers::UnboundedReceiverStream::new(rx);
            streams.push(backlog.chain(live).boxed());
        }
    }
    let mut events = futures::stream::select_all(streams);
    let memory = Arc::new(Memory::default());
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            event = events.next() => {
                let Some(event) = event else { return };
                if event.kind == EventType::Deleted {
                    owner_changed(&st, &event.object);
                    continue;
                }
                reconcile(&st, &memory, event.resource.1, &event.object);
                owner_changed(&st, &event.object);
            }
        }
    }
}

fn reconcile(st: &Arc<State>, memory: &Arc<Memory>, plural: &str, obj: &Value) {
    if obj.pointer("/metadata/deletionTimestamp").is_some() {
        return;
    }
    match plural {
        "deployments" => workloads::deployment(st, obj),
        "replicasets" => workloads::replicaset(st, obj),
        "statefulsets" => workloads::statefulset(st, obj),
        "jobs" => workloads::job(st, obj),
        "pods" => kubelet::pod(st, memory, obj),
        "persistentvolumeclaims" => storage::claim(st, obj),
        "services" => network::service(st, obj),
        "ingresses" => network::ingress(st, obj),
        "certificates" => network::certificate(st, obj),
        "issuers" | "clusterissuers" => network::issuer(st, plural, obj),
        "httproutes" => network::httproute(st, obj),
        "gateways" => network::gateway(st, obj),
        _ => {}
    }
}

/// A change to a dependent re-runs its controller owner (pods → ReplicaSet/StatefulSet/Job,
/// ReplicaSets → Deployment).
fn owner_changed(st: &Arc<State>, obj: &Value) {
    let ns = obj
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default();
    for owner in obj
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if owner["controller"] != json!(true) {
            continue;
        }
        let name = owner["name"].as_str().unwrap_or_default();
        let (group, plural) = match owner["kind"].as_str() {
            Some("ReplicaSet") => ("apps", "replicasets"),
            Some("Deployment") => ("apps", "deployments"),
            Some("StatefulSet") => ("apps", "statefulsets"),
            Some("Job") => ("batch", "jobs"),
            _ => continue,
        };
        if let Some(owner_obj) = st
            .store
            .get((group, def_of(group, plural).plural), ns, name)
            && owner_obj.pointer("/metadata/deletionTimestamp").is_none()
        {
            reconcile(st, &Arc::new(Memory::default()), plural, &owner_obj);
        }
    }
}

/// Helpers shared by the controllers.
pub(crate) fn meta_str<'a>(obj: &'a Value, field: &str) -> &'a str {
    obj.pointer(&format!("/metadata/{field}"))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// An ownerReference to `owner` as its controller.
pub(crate) fn controller_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner.pointer("/metadata/name"),
        "uid": owner.pointer("/metadata/uid"),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// Objects of a resource in a namespace controlled by `owner`.
pub(crate) fn owned(
    st: &State,
    group: &'static str,
    plural: &'static str,
    owner: &Value,
) -> Vec<Value> {
    let uid = meta_str(owner, "uid");
    let ns = meta_str(owner, "namespace");
    st.store
        .list((group, plural), Some(ns))
        .0
        .into_iter()
        .filter(|o| {
            o.pointer("/metadata/ownerReferences")
                .and_then(Value::as_array)
                .is_some_and(|refs| {
                    refs.iter()
                        .any(|r| r["uid"].as_str() == Some(uid) && r["controller"] == json!(true))
                })
        })
        .collect()
}

/// A condition list entry, keeping the transition time when the status did not change.
pub(crate) fn condition(
    previous: Option<&Value>,
    ty: &str,
    status: bool,
    reason: &str,
    message: &str,
) -> Value {
    let status_str = if status { "True" } else { "False" };
    let prev = previous
        .and_then(|s| s.get("conditions"))
        .and_then(Value::as_array)
        .and_then(|c| c.iter().find(|c| c["type"].as_str() == Some(ty)));
    let transition = match prev {
        Some(p) if p["status"].as_str() == Some(status_str) => p["lastTransitionTime"].clone(),
        _ => json!(crate::ops::now()),
    };
    let mut c = json!({"type": ty, "status": status_str, "reason": reason, "message": message, "lastTransitionTime": transition});
    if let Some(p) = prev.filter(|p| {
        p["status"].as_str() == Some(status_str) && p["reason"].as_str() == Some(reason)
    }) && let Some(t) = p.get("lastUpdateTime")
    {
        c["lastUpdateTime"] = t.clone();
    }
    c
}

/// Whether a pod is Ready.
pub(crate) fn pod_ready(pod: &Value) -> bool {
    pod.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|c| {
            c.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}
