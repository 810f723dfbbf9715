//! Simulated controllers: they watch the store and move objects the way a cluster would
//! (Deployment → ReplicaSet → Pods, StatefulSets, DaemonSets, Jobs, autoscalers, disruption
//! budgets, quotas, claims, certificates,
//! routes, Envoy Gateway policies, load balancers), recording Events for each step.

mod autoscaling;
mod disruption;
pub mod events;
mod kubelet;
mod network;
mod progress;
mod storage;
mod workloads;

pub use network::assign_load_balancers;
pub use workloads::trigger_cronjob;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::registry::{self, ResourceDef};
use crate::state::State;
use crate::status::ApiError;
use crate::store::{EventType, rid};

/// The resources the controllers react to.
const WATCHED: &[&ResourceDef] = &[
    &registry::DEPLOYMENTS,
    &registry::REPLICASETS,
    &registry::STATEFULSETS,
    &registry::DAEMONSETS,
    &registry::JOBS,
    &registry::HORIZONTALPODAUTOSCALERS,
    &registry::PODDISRUPTIONBUDGETS,
    &registry::PODS,
    &registry::PERSISTENTVOLUMECLAIMS,
    &registry::PERSISTENTVOLUMES,
    &registry::SECRETS,
    &registry::CONFIGMAPS,
    &registry::RESOURCEQUOTAS,
    &registry::SERVICES,
    &registry::INGRESSES,
    &registry::CERTIFICATES,
    &registry::ISSUERS,
    &registry::CLUSTERISSUERS,
    &registry::HTTPROUTES,
    &registry::BACKENDTRAFFICPOLICIES,
    &registry::GATEWAYS,
];

/// Controller-wide memory: pods whose start, or stop, is already scheduled.
#[derive(Default)]
pub(crate) struct Memory {
    started: Mutex<HashSet<String>>,
    stopping: Mutex<HashSet<String>>,
}

/// Runs every controller until `shutdown`.
pub async fn run(st: Arc<State>, shutdown: CancellationToken) {
    let mut streams = Vec::new();
    for def in WATCHED {
        let (backlog, rx) = st.store.watch_internal(rid(def));
        let backlog = futures::stream::iter(backlog);
        let live = tokio_stream::wrappers::UnboundedReceiverStream::new(rx);
        streams.push(backlog.chain(live).boxed());
    }
    let mut events = futures::stream::select_all(streams);
    let memory = Arc::new(Memory::default());
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            event = events.next() => {
                let Some(event) = event else { return };
                // Controllers act on the object as it is now, not as the (possibly stale) event
                // saw it: a ReplicaSet deleted since must not create pods any more.
                let name = meta_str(&event.object, "name");
                if event.kind != EventType::Deleted
                    && let Some(current) = st.store.get(event.resource, &event.namespace, name)
                {
                    reconcile(&st, &memory, event.resource.1, &current);
                }
                neighbours_changed(&st, &memory, event.resource.1, &event.object);
            }
        }
    }
}

fn reconcile(st: &Arc<State>, memory: &Arc<Memory>, plural: &str, obj: &Value) {
    if obj.pointer("/metadata/deletionTimestamp").is_some() {
        if plural == "pods" {
            kubelet::stop(st, memory, obj);
        }
        return;
    }
    match plural {
        "deployments" => workloads::deployment(st, obj),
        "replicasets" => workloads::replicaset(st, obj),
        "statefulsets" => workloads::statefulset(st, obj),
        "daemonsets" => workloads::daemonset(st, obj),
        "jobs" => workloads::job(st, obj),
        "horizontalpodautoscalers" => autoscaling::hpa(st, obj),
        "poddisruptionbudgets" => disruption::pdb(st, obj),
        "pods" => kubelet::pod(st, memory, obj),
        "persistentvolumeclaims" => storage::claim(st, obj),
        "persistentvolumes" => storage::volume(st, obj),
        "resourcequotas" => crate::quota::refresh(st, meta_str(obj, "namespace")),
        "services" => network::service(st, obj),
        "ingresses" => network::ingress(st, obj),
        "certificates" => network::certificate(st, obj),
        "issuers" | "clusterissuers" => network::issuer(st, plural, obj),
        "httproutes" => network::httproute(st, obj),
        "backendtrafficpolicies" => network::backend_traffic_policy(st, obj),
        "gateways" => network::gateway(st, obj),
        _ => {}
    }
}

/// What a change means for other objects: pods and ReplicaSets re-run their controller owner,
/// pods and quotas re-count the namespace's quotas (a raised quota lets failed creates retry),
/// pods re-count the namespace's disruption budgets, a scalable object re-runs the autoscalers
/// targeting it, and claims, Secrets and ConfigMaps let waiting pods go on.
fn neighbours_changed(st: &Arc<State>, memory: &Arc<Memory>, plural: &str, obj: &Value) {
    let ns = meta_str(obj, "namespace");
    let scalable = obj["apiVersion"]
        .as_str()
        .zip(obj["kind"].as_str())
        .and_then(|(v, k)| registry::def_by_kind(v, k))
        .is_some_and(|d| d.subresources.contains(&"scale"));
    if scalable {
        let hpas = st
            .store
            .list(rid(&registry::HORIZONTALPODAUTOSCALERS), Some(ns))
            .0;
        for hpa in autoscaling::targeting(&hpas, obj) {
            autoscaling::hpa(st, hpa);
        }
    }
    match plural {
        "pods" => {
            crate::quota::refresh(st, ns);
            for pdb in st
                .store
                .list(rid(&registry::PODDISRUPTIONBUDGETS), Some(ns))
                .0
            {
                disruption::pdb(st, &pdb);
            }
        }
        "resourcequotas" => {
            for def in [&registry::REPLICASETS, &registry::JOBS] {
                for owner in st.store.list(rid(def), Some(ns)).0 {
                    reconcile(st, memory, def.plural, &owner);
                }
            }
        }
        "persistentvolumeclaims" | "secrets" | "configmaps" => {
            kubelet::dependency_changed(st, memory, ns);
        }
        // A policy written before its route is accepted once the route is there.
        "httproutes" => {
            for policy in st
                .store
                .list(rid(&registry::BACKENDTRAFFICPOLICIES), Some(ns))
                .0
            {
                network::backend_traffic_policy(st, &policy);
            }
        }
        _ => {}
    }
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
        let Some(def) = owner["apiVersion"]
            .as_str()
            .zip(owner["kind"].as_str())
            .and_then(|(v, k)| registry::def_by_kind(v, k))
        else {
            continue;
        };
        if let Some(owner_obj) = st.store.get(rid(def), ns, name)
            && owner_obj.pointer("/metadata/deletionTimestamp").is_none()
        {
            reconcile(st, memory, def.plural, &owner_obj);
        }
    }
}

/// Helpers shared by the controllers.
pub(crate) fn meta_str<'a>(obj: &'a Value, field: &str) -> &'a str {
    obj.pointer(&format!("/metadata/{field}"))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `Kind namespace/name`, how the controllers' log lines name an object.
pub(crate) fn describe(obj: &Value) -> String {
    let kind = obj["kind"].as_str().unwrap_or("object");
    match meta_str(obj, "namespace") {
        "" => format!("{kind} {}", meta_str(obj, "name")),
        ns => format!("{kind} {ns}/{}", meta_str(obj, "name")),
    }
}

/// A controller step that failed is logged with its object and error, never dropped: the next
/// event about the object retries it, as a controller's work queue would.
pub(crate) trait Logged<T> {
    /// The value, or `None` after logging what failed.
    fn logged(self, step: &str, object: &str) -> Option<T>;
}

impl<T> Logged<T> for Result<T, ApiError> {
    fn logged(self, step: &str, object: &str) -> Option<T> {
        match self {
            Ok(v) => Some(v),
            Err(error) => {
                tracing::warn!(object, %error, "controller step failed: {step}");
                None
            }
        }
    }
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
pub(crate) fn owned(st: &State, def: &'static ResourceDef, owner: &Value) -> Vec<Value> {
    let uid = meta_str(owner, "uid");
    let ns = meta_str(owner, "namespace");
    st.store
        .list(rid(def), Some(ns))
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
