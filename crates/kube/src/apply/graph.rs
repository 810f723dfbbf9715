//! The dependency graph between an app's objects: each object waits only for what it needs to exist
//! (not to be ready), so independent objects go out together and nothing waits for a load balancer.
//!
//! Edges: Namespace → everything in it; PersistentVolume → claims; Role/ClusterRole → the bindings
//! that refer to them; ServiceAccount/ConfigMap/Secret/PVC/ResourceQuota → the workloads that use
//! them (quota first, so pods are counted); Services and workloads → Ingress/HTTPRoute/Certificate;
//! HTTPRoute → the BackendTrafficPolicy that targets it; a workload → the HorizontalPodAutoscaler
//! that scales it. A PodDisruptionBudget selects pods by label and needs nothing to exist first.

use crate::ObjectRef;
use serde_json::Value;

const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "ReplicaSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Pod",
];

/// For each object (by index), the indices of the objects it depends on.
pub(crate) fn dependencies(objects: &[(&ObjectRef, &Value)]) -> Vec<Vec<usize>> {
    objects
        .iter()
        .map(|(reference, manifest)| {
            objects
                .iter()
                .enumerate()
                .filter(|(_, (other, other_manifest))| {
                    other != reference && depends_on(reference, manifest, other, other_manifest)
                })
                .map(|(index, _)| index)
                .collect()
        })
        .collect()
}

fn depends_on(object: &ObjectRef, manifest: &Value, on: &ObjectRef, on_manifest: &Value) -> bool {
    let kind = object.kind.as_str();
    let same_namespace = object.namespace.is_some() && object.namespace == on.namespace;
    match on.kind.as_str() {
        "Namespace" => object.namespace.as_deref() == Some(on.name.as_str()),
        "PersistentVolume" => kind == "PersistentVolumeClaim",
        "Role" => kind == "RoleBinding" && same_namespace && refers_to_role(manifest, on),
        "ClusterRole" => {
            matches!(kind, "RoleBinding" | "ClusterRoleBinding") && refers_to_role(manifest, on)
        }
        "ServiceAccount" | "ConfigMap" | "Secret" | "PersistentVolumeClaim" => {
            WORKLOADS.contains(&kind) && same_namespace && mentions(manifest, &on.name)
        }
        "ResourceQuota" => WORKLOADS.contains(&kind) && same_namespace,
        "Service" => matches!(kind, "Ingress" | "HTTPRoute") && same_namespace,
        workload if WORKLOADS.contains(&workload) => {
            same_namespace
                && (matches!(kind, "Ingress" | "HTTPRoute" | "Certificate")
                    || (kind == "HorizontalPodAutoscaler" && scales(manifest, on)))
        }
        "HTTPRoute" => {
            kind == "BackendTrafficPolicy" && same_namespace && targets(manifest, on_manifest)
        }
        _ => false,
    }
}

fn refers_to_role(binding: &Value, role: &ObjectRef) -> bool {
    binding.pointer("/roleRef/kind").and_then(Value::as_str) == Some(role.kind.as_str())
        && binding.pointer("/roleRef/name").and_then(Value::as_str) == Some(role.name.as_str())
}

/// Whether the object's spec names `name` anywhere: a workload refers to its ServiceAccount,
/// ConfigMaps, Secrets and claims by name in many places (volumes, env, envFrom, pull secrets), and
/// an extra edge only delays an object, never breaks it.
fn mentions(manifest: &Value, name: &str) -> bool {
    fn walk(value: &Value, name: &str) -> bool {
        match value {
            Value::String(text) => text == name,
            Value::Array(items) => items.iter().any(|item| walk(item, name)),
            Value::Object(fields) => fields.values().any(|field| walk(field, name)),
            _ => false,
        }
    }
    manifest.get("spec").is_some_and(|spec| walk(spec, name))
}

/// Whether an autoscaler's `scaleTargetRef` is `workload`: before its target exists the
/// autoscaler only reports FailedGetScale.
fn scales(autoscaler: &Value, workload: &ObjectRef) -> bool {
    let target = autoscaler.pointer("/spec/scaleTargetRef");
    let field = |name: &str| target.and_then(|t| t.get(name)).and_then(Value::as_str);
    field("kind") == Some(workload.kind.as_str()) && field("name") == Some(workload.name.as_str())
}

fn targets(policy: &Value, route: &Value) -> bool {
    let route_name = route.pointer("/metadata/name").and_then(Value::as_str);
    let named = |target: &Value| target.get("name").and_then(Value::as_str) == route_name;
    let spec = policy.get("spec");
    spec.and_then(|s| s.get("targetRef")).is_some_and(named)
        || spec
            .and_then(|s| s.get("targetRefs"))
            .and_then(Value::as_array)
            .is_some_and(|refs| refs.iter().any(named))
}

/// The objects in an order where every object comes after its dependencies (ties keep the given
/// order); objects caught in a cycle keep their given order at the end.
pub(crate) fn topological_order(dependencies: &[Vec<usize>]) -> Vec<usize> {
    let mut placed = vec![false; dependencies.len()];
    let mut order = Vec::with_capacity(dependencies.len());
    loop {
        let before = order.len();
        for (index, deps) in dependencies.iter().enumerate() {
            if !placed[index] && deps.iter().all(|&d| placed[d]) {
                placed[index] = true;
                order.push(index);
            }
        }
        if order.len() == before {
            break;
        }
    }
    order.extend((0..dependencies.len()).filter(|&i| !placed[i]));
    order
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn graph(objects: &[Value]) -> Vec<Vec<usize>> {
        let refs: Vec<ObjectRef> = objects.iter().map(|o| ObjectRef::of(o).unwrap()).collect();
        let pairs: Vec<(&ObjectRef, &Value)> = refs.iter().zip(objects).collect();
        dependencies(&pairs)
    }

    #[test]
    fn workloads_wait_for_what_they_use_and_routes_for_workloads() {
        let objects = [
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "unused", "namespace": "shop"}}),
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
                "spec": {"template": {"spec": {"containers": [{"envFrom": [{"secretRef": {"name": "db"}}]}]}}}}),
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "web", "namespace": "shop"}}),
            json!({"apiVersion": "gateway.envoyproxy.io/v1alpha1", "kind": "BackendTrafficPolicy",
                "metadata": {"name": "limit", "namespace": "shop"}, "spec": {"targetRefs": [{"kind": "HTTPRoute", "name": "web"}]}}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "reader"}}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "reader"},
                "roleRef": {"kind": "ClusterRole", "name": "reader"}}),
        ];
        let deps = graph(&objects);
        assert_eq!(deps[0], Vec::<usize>::new());
        assert_eq!(deps[1], vec![0]);
        assert_eq!(
            deps[3],
            vec![0, 1],
            "the Deployment waits for its namespace and Secret only"
        );
        assert_eq!(deps[4], vec![0, 3]);
        assert_eq!(deps[5], vec![0, 4]);
        assert_eq!(deps[6], Vec::<usize>::new());
        assert_eq!(deps[7], vec![6]);
        let order = topological_order(&deps);
        let position = |i: usize| order.iter().position(|&o| o == i).unwrap();
        for (index, deps) in deps.iter().enumerate() {
            for &dep in deps {
                assert!(position(dep) < position(index));
            }
        }
    }

    #[test]
    fn an_autoscaler_waits_for_its_target_and_a_disruption_budget_for_its_namespace_only() {
        let objects = [
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}}),
            json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "shop"}}),
            json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web", "namespace": "shop"},
                "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "maxReplicas": 3}}),
            json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web", "namespace": "shop"},
                "spec": {"selector": {"matchLabels": {"app": "web"}}, "minAvailable": 1}}),
            json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "other", "namespace": "shop"},
                "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web"}, "maxReplicas": 3}}),
        ];
        let deps = graph(&objects);
        assert_eq!(
            deps[3],
            vec![0, 1],
            "the autoscaler waits for the Deployment it scales"
        );
        assert_eq!(deps[4], vec![0], "the budget selects pods by label");
        assert_eq!(
            deps[5],
            vec![0],
            "a same-named workload of another kind is not the target"
        );
    }

    #[test]
    fn a_cycle_keeps_every_object() {
        let order = topological_order(&[vec![1], vec![0], vec![]]);
        assert_eq!(order, vec![2, 0, 1]);
    }
}
