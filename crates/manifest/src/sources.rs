//! From a rendered object back to the form entry it came from, so that what a cluster says about an
//! object (a dry-run refusal, an immutable field, a missing CRD) is shown at the AppSpec field the
//! user can change.

use crate::refs::Refs;
use crate::spec::AppSpec;

/// The AppSpec path of the entry that renders the object `kind`/`name`, refined by the object's
/// own field path when it is known (`spec.template.spec.containers[0].image` of a Deployment →
/// `workloads[1].containers[0].image`). `None` when no entry of the spec renders that object.
pub fn spec_path(spec: &AppSpec, kind: &str, name: &str, field: Option<&str>) -> Option<String> {
    let entry = entry_path(spec, kind, name).or_else(|| extra_path(spec, kind, name))?;
    let nested = field.and_then(|field| nested_workload_path(kind, field));
    Some(match nested {
        Some(nested) => format!("{entry}.{nested}"),
        None => entry,
    })
}

fn entry_path(spec: &AppSpec, kind: &str, name: &str) -> Option<String> {
    let refs = Refs::new(spec);
    let indexed = |list: &str, position: Option<usize>| position.map(|i| format!("{list}[{i}]"));
    match kind {
        "Namespace" if spec.create_namespace && spec.namespace == name => {
            Some("createNamespace".into())
        }
        "ResourceQuota" if spec.resource_quota.is_some() && refs.quota_name() == name => {
            Some("resourceQuota".into())
        }
        "ServiceAccount" => indexed(
            "serviceAccounts",
            spec.service_accounts.iter().position(|a| a.name == name),
        ),
        "Role" => indexed("roles", spec.roles.iter().position(|r| r.name == name)),
        "ClusterRole" => indexed(
            "clusterRoles",
            spec.cluster_roles.iter().position(|r| r.name == name),
        ),
        "RoleBinding" => indexed(
            "roleBindings",
            spec.role_bindings.iter().position(|b| b.name == name),
        ),
        "ClusterRoleBinding" => indexed(
            "clusterRoleBindings",
            spec.cluster_role_bindings
                .iter()
                .position(|b| b.name == name),
        ),
        "ConfigMap" => indexed(
            "configMaps",
            spec.config_maps.iter().position(|c| c.name == name),
        ),
        "Secret" => indexed("secrets", spec.secrets.iter().position(|s| s.name == name)),
        "PersistentVolumeClaim" => indexed(
            "persistentVolumeClaims",
            spec.persistent_volume_claims
                .iter()
                .position(|c| c.name == name),
        ),
        "PersistentVolume" => indexed(
            "persistentVolumes",
            spec.persistent_volumes.iter().position(|v| v.name == name),
        ),
        "Service" => indexed(
            "services",
            spec.services
                .iter()
                .position(|s| refs.service_name(s) == name),
        ),
        "Deployment" | "StatefulSet" | "ReplicaSet" | "DaemonSet" | "Job" | "CronJob" | "Pod" => {
            indexed(
                "workloads",
                spec.workloads
                    .iter()
                    .position(|w| w.name == name && w.kind.as_str() == kind),
            )
        }
        "HorizontalPodAutoscaler" => indexed(
            "workloads",
            spec.workloads
                .iter()
                .position(|w| w.name == name && w.autoscaling.is_some()),
        )
        .map(|entry| format!("{entry}.autoscaling")),
        "PodDisruptionBudget" => indexed(
            "workloads",
            spec.workloads
                .iter()
                .position(|w| w.name == name && w.disruption_budget.is_some()),
        )
        .map(|entry| format!("{entry}.disruptionBudget")),
        "Ingress" => indexed(
            "ingresses",
            spec.ingresses
                .iter()
                .position(|i| refs.ingress_name(i) == name),
        ),
        "HTTPRoute" => indexed(
            "httpRoutes",
            spec.http_routes
                .iter()
                .position(|r| refs.route_name(r) == name),
        ),
        "Certificate" => indexed(
            "certificates",
            spec.certificates.iter().position(|c| c.name == name),
        ),
        "BackendTrafficPolicy" => indexed(
            "rateLimits",
            spec.rate_limits
                .iter()
                .position(|l| refs.rate_limit_name(l) == name),
        ),
        "NetworkPolicy" => indexed(
            "networkPolicies",
            spec.network_policies.iter().position(|p| p.name == name),
        ),
        _ => None,
    }
}

/// `extraObjects[i]` for an object carried as it is written.
fn extra_path(spec: &AppSpec, kind: &str, name: &str) -> Option<String> {
    spec.extra_objects
        .iter()
        .position(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .map(|i| format!("extraObjects[{i}]"))
}

/// The part of a workload's field path that the form models with the same shape: containers
/// (`containers[0].image`), init containers and replicas.
fn nested_workload_path(kind: &str, field: &str) -> Option<String> {
    let pod = match kind {
        "Pod" => field.strip_prefix("spec."),
        "CronJob" => field.strip_prefix("spec.jobTemplate.spec.template.spec."),
        "Deployment" | "StatefulSet" | "ReplicaSet" | "DaemonSet" | "Job" => {
            if field == "spec.replicas" {
                return Some("replicas".into());
            }
            field.strip_prefix("spec.template.spec.")
        }
        _ => None,
    }?;
    let container = pod
        .strip_prefix("containers[")
        .map(|rest| format!("containers[{rest}"))
        .or_else(|| {
            pod.strip_prefix("initContainers[")
                .map(|rest| format!("initContainers[{rest}"))
        })?;
    Some(container)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn spec() -> AppSpec {
        crate::parse_spec(
            r#"
name: shop
namespace: prod
createNamespace: true
workloads:
  - name: web
    containers: [{name: web, image: "nginx:1.27"}]
  - name: worker
    kind: CronJob
    cronJob: {schedule: "*/5 * * * *"}
    containers: [{name: run, image: "busybox:1.36"}]
services:
  - workload: worker
    ports: [{port: 80, targetPort: http}]
configMaps:
  - name: settings
    data: {a: b}
"#,
        )
        .unwrap()
    }

    #[test]
    fn objects_map_back_to_their_entries() {
        let spec = spec();
        let path = |kind, name| spec_path(&spec, kind, name, None);
        assert_eq!(path("Deployment", "web").as_deref(), Some("workloads[0]"));
        assert_eq!(path("Service", "worker").as_deref(), Some("services[0]"));
        assert_eq!(
            path("ConfigMap", "settings").as_deref(),
            Some("configMaps[0]")
        );
        assert_eq!(
            path("Namespace", "prod").as_deref(),
            Some("createNamespace")
        );
        assert_eq!(path("ConfigMap", "other"), None);
        assert_eq!(path("Widget", "web"), None);
    }

    #[test]
    fn container_fields_land_on_the_container() {
        let spec = spec();
        assert_eq!(
            spec_path(
                &spec,
                "Deployment",
                "web",
                Some("spec.template.spec.containers[0].image")
            )
            .as_deref(),
            Some("workloads[0].containers[0].image")
        );
        assert_eq!(
            spec_path(
                &spec,
                "CronJob",
                "worker",
                Some("spec.jobTemplate.spec.template.spec.containers[0].image")
            )
            .as_deref(),
            Some("workloads[1].containers[0].image")
        );
        assert_eq!(
            spec_path(&spec, "Deployment", "web", Some("spec.selector")).as_deref(),
            Some("workloads[0]")
        );
        assert_eq!(
            spec_path(&spec, "Deployment", "web", Some("spec.replicas")).as_deref(),
            Some("workloads[0].replicas")
        );
    }
}
