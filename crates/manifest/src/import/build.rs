//! Candidates → an AppSpec without overrides: each object the form can hold becomes its entry
//! (workloads first, since Services, policies and routes refer to them), the rest extra objects.

use super::identity::{AppLabels, Known};
use super::{Candidate, access, config, gateway, network, storage, tls, value, workload};
use crate::render::Object;
use crate::render::extra::is_namespaced_kind;
use crate::spec::{AppSpec, WorkloadKind};
use serde_json::Value;
use std::collections::BTreeMap;

/// The spec and, for every candidate it holds, the entry path (`workloads[0]`, `extraObjects[1]`).
pub(super) struct Built {
    pub spec: AppSpec,
    pub entries: BTreeMap<usize, String>,
}

/// Why the form has no entry for a candidate's kind (or version), if it has none.
pub(super) fn no_entry_reason(candidate: &Candidate, namespace: &str) -> Option<String> {
    let kind = candidate.kind.as_str();
    if kind == "Namespace" && candidate.name != namespace {
        return Some(format!("the app's namespace is '{namespace}'"));
    }
    match Object::typed_api_version_of_kind(kind) {
        None => Some(format!("the form has no entry for {kind}")),
        Some(version) if version != candidate.api_version => Some(format!(
            "the form renders {kind} as {version}, not {}",
            candidate.api_version
        )),
        Some(_) => None,
    }
}

pub(super) fn build(
    candidates: &[Candidate],
    raw: &BTreeMap<usize, String>,
    app: &AppLabels,
    namespace: &str,
) -> Built {
    let mut spec = empty_spec(app, namespace);
    let mut entries = BTreeMap::new();
    let in_form = |kinds: &[&str]| {
        candidates
            .iter()
            .enumerate()
            .filter(move |(i, c)| {
                c.refused.is_none() && !raw.contains_key(i) && kinds.contains(&c.kind.as_str())
            })
            .collect::<Vec<_>>()
    };
    for (i, c) in in_form(&[
        "Deployment",
        "StatefulSet",
        "ReplicaSet",
        "Job",
        "CronJob",
        "Pod",
        "DaemonSet",
    ]) {
        let kind = match c.kind.as_str() {
            "StatefulSet" => WorkloadKind::StatefulSet,
            "ReplicaSet" => WorkloadKind::ReplicaSet,
            "DaemonSet" => WorkloadKind::DaemonSet,
            "Job" => WorkloadKind::Job,
            "CronJob" => WorkloadKind::CronJob,
            "Pod" => WorkloadKind::Pod,
            _ => WorkloadKind::Deployment,
        };
        entries.insert(i, format!("workloads[{}]", spec.workloads.len()));
        spec.workloads
            .push(workload::workload(kind, &c.written, app));
    }
    // An autoscaler or budget named after a workload of the app and pointing at it is part of it.
    for (i, c) in in_form(&["HorizontalPodAutoscaler", "PodDisruptionBudget"]) {
        let Some(w) = spec.workloads.iter().position(|w| w.name == c.name) else {
            continue;
        };
        let workload = &mut spec.workloads[w];
        if c.kind == "HorizontalPodAutoscaler" {
            let target = (
                value::text(&c.written, "/spec/scaleTargetRef/kind"),
                value::text(&c.written, "/spec/scaleTargetRef/name"),
            );
            if target
                == (
                    Some(workload.kind.as_str().to_owned()),
                    Some(workload.name.clone()),
                )
                && workload.autoscaling.is_none()
            {
                workload.autoscaling = Some(workload::autoscaling(&c.written));
                // The autoscaler owns the count; the Deployment's own stays in its override.
                workload.replicas = None;
                entries.insert(i, format!("workloads[{w}].autoscaling"));
            }
        } else if workload.disruption_budget.is_none()
            && value::string_map(&c.written, "/spec/selector/matchLabels")
                == app.selector_of(workload)
        {
            workload.disruption_budget = Some(workload::disruption_budget(&c.written));
            entries.insert(i, format!("workloads[{w}].disruptionBudget"));
        }
    }
    for (i, c) in in_form(&["Certificate"]) {
        entries.insert(i, format!("certificates[{}]", spec.certificates.len()));
        spec.certificates.push(tls::certificate(&c.written));
    }
    for (i, c) in in_form(&["Service"]) {
        let known = Known {
            app,
            workloads: &spec.workloads,
            certificates: &spec.certificates,
        };
        if let Some(service) = network::service(&c.written, &known) {
            entries.insert(i, format!("services[{}]", spec.services.len()));
            spec.services.push(service);
        }
    }
    for (i, c) in in_form(&["Ingress", "HTTPRoute", "NetworkPolicy"]) {
        let known = Known {
            app,
            workloads: &spec.workloads,
            certificates: &spec.certificates,
        };
        match c.kind.as_str() {
            "Ingress" => {
                let ingress = network::ingress(&c.written, &known);
                entries.insert(i, format!("ingresses[{}]", spec.ingresses.len()));
                spec.ingresses.push(ingress);
            }
            "HTTPRoute" => {
                let route = gateway::http_route(&c.written);
                entries.insert(i, format!("httpRoutes[{}]", spec.http_routes.len()));
                spec.http_routes.push(route);
            }
            _ => {
                let policy = network::network_policy(&c.written, &known, app);
                entries.insert(
                    i,
                    format!("networkPolicies[{}]", spec.network_policies.len()),
                );
                spec.network_policies.push(policy);
            }
        }
    }
    for (i, c) in in_form(&[
        "ConfigMap",
        "Secret",
        "PersistentVolumeClaim",
        "PersistentVolume",
        "ServiceAccount",
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
        "ResourceQuota",
        "Namespace",
        "BackendTrafficPolicy",
    ]) {
        let object = &c.written;
        match c.kind.as_str() {
            "ConfigMap" => {
                entries.insert(i, format!("configMaps[{}]", spec.config_maps.len()));
                spec.config_maps.push(config::config_map(object));
            }
            "Secret" => {
                entries.insert(i, format!("secrets[{}]", spec.secrets.len()));
                spec.secrets.push(config::secret(object));
            }
            "PersistentVolumeClaim" => {
                entries.insert(
                    i,
                    format!(
                        "persistentVolumeClaims[{}]",
                        spec.persistent_volume_claims.len()
                    ),
                );
                spec.persistent_volume_claims.push(storage::claim(object));
            }
            "PersistentVolume" => {
                if let Some(volume) = storage::volume(object, namespace) {
                    entries.insert(
                        i,
                        format!("persistentVolumes[{}]", spec.persistent_volumes.len()),
                    );
                    spec.persistent_volumes.push(volume);
                }
            }
            "ServiceAccount" => {
                entries.insert(
                    i,
                    format!("serviceAccounts[{}]", spec.service_accounts.len()),
                );
                spec.service_accounts.push(access::service_account(object));
            }
            "Role" => {
                entries.insert(i, format!("roles[{}]", spec.roles.len()));
                spec.roles.push(access::role(object));
            }
            "ClusterRole" => {
                entries.insert(i, format!("clusterRoles[{}]", spec.cluster_roles.len()));
                spec.cluster_roles.push(access::role(object));
            }
            "RoleBinding" => {
                entries.insert(i, format!("roleBindings[{}]", spec.role_bindings.len()));
                spec.role_bindings.push(access::binding(object));
            }
            "ClusterRoleBinding" => {
                entries.insert(
                    i,
                    format!("clusterRoleBindings[{}]", spec.cluster_role_bindings.len()),
                );
                spec.cluster_role_bindings.push(access::binding(object));
            }
            "BackendTrafficPolicy" => {
                entries.insert(i, format!("rateLimits[{}]", spec.rate_limits.len()));
                spec.rate_limits.push(gateway::rate_limit(object));
            }
            "ResourceQuota" if spec.resource_quota.is_none() => {
                entries.insert(i, "resourceQuota".to_owned());
                spec.resource_quota = Some(access::quota(object));
            }
            "Namespace" => {
                entries.insert(i, "createNamespace".to_owned());
                spec.create_namespace = true;
                let mut labels = super::value::string_map(object, "/metadata/labels");
                labels.retain(|k, v| app.common.get(k) != Some(v));
                spec.namespace_labels = labels;
            }
            _ => {}
        }
    }
    // Whatever found no entry above (an ExternalName Service, a second quota, …) is kept raw.
    for (i, c) in candidates.iter().enumerate() {
        if c.refused.is_some() || entries.contains_key(&i) {
            continue;
        }
        let mut object = c.written.clone();
        if is_namespaced_kind(&c.kind)
            && let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut)
        {
            meta.remove("namespace");
        }
        entries.insert(i, format!("extraObjects[{}]", spec.extra_objects.len()));
        spec.extra_objects.push(object);
    }
    Built { spec, entries }
}

fn empty_spec(app: &AppLabels, namespace: &str) -> AppSpec {
    AppSpec {
        name: app.name.clone(),
        namespace: namespace.to_owned(),
        create_namespace: false,
        namespace_labels: Default::default(),
        instance: app.instance.clone(),
        part_of: app.part_of.clone(),
        labels: Default::default(),
        annotations: Default::default(),
        workloads: Vec::new(),
        config_maps: Vec::new(),
        secrets: Vec::new(),
        persistent_volume_claims: Vec::new(),
        persistent_volumes: Vec::new(),
        services: Vec::new(),
        ingresses: Vec::new(),
        http_routes: Vec::new(),
        rate_limits: Vec::new(),
        network_policies: Vec::new(),
        certificates: Vec::new(),
        resource_quota: None,
        service_accounts: Vec::new(),
        roles: Vec::new(),
        cluster_roles: Vec::new(),
        role_bindings: Vec::new(),
        cluster_role_bindings: Vec::new(),
        extra_objects: Vec::new(),
        overrides: Vec::new(),
    }
}
