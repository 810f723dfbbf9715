//! Cross-references between parts of an AppSpec, resolved in one place so that the renderer and
//! the validator agree on what every omitted name defaults to.

use crate::spec::{
    AppSpec, CertificateSpec, HttpRouteSpec, IngressSpec, ServiceSpec, ServiceType, StringMap,
    WorkloadSpec,
};

/// Standard label keys.
pub const NAME_LABEL: &str = "app.kubernetes.io/name";
/// Standard label keys.
pub const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";
/// Standard label keys.
pub const COMPONENT_LABEL: &str = "app.kubernetes.io/component";
/// Standard label keys.
pub const PART_OF_LABEL: &str = "app.kubernetes.io/part-of";
/// Standard label keys.
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// The value of `app.kubernetes.io/managed-by` on everything we render.
pub const MANAGER: &str = "kubechart";

/// Read-only view of an AppSpec that answers "which object does this name (or its absence) mean?".
#[derive(Clone, Copy)]
pub(crate) struct Refs<'a> {
    pub spec: &'a AppSpec,
}

/// Picks the named item, or the only item when no name is given.
fn named_or_only<'a, T>(
    items: &'a [T],
    wanted: Option<&str>,
    name_of: impl Fn(&'a T) -> String,
) -> Option<&'a T> {
    match wanted {
        Some(wanted) => items.iter().find(|item| name_of(item) == wanted),
        None if items.len() == 1 => items.first(),
        None => None,
    }
}

impl<'a> Refs<'a> {
    pub fn new(spec: &'a AppSpec) -> Self {
        Self { spec }
    }

    pub fn instance(&self) -> &'a str {
        self.spec.instance.as_deref().unwrap_or(&self.spec.name)
    }

    /// Labels on every object: the user's, then the standard ones (which win).
    pub fn common_labels(&self) -> StringMap {
        let mut labels = self.spec.labels.clone();
        labels.insert(NAME_LABEL.into(), self.spec.name.clone());
        labels.insert(INSTANCE_LABEL.into(), self.instance().to_owned());
        labels.insert(
            PART_OF_LABEL.into(),
            self.spec
                .part_of
                .clone()
                .unwrap_or_else(|| self.spec.name.clone()),
        );
        labels.insert(MANAGED_BY_LABEL.into(), MANAGER.into());
        labels
    }

    /// The labels a workload's selector uses; they identify its pods and nothing else.
    pub fn selector_labels(&self, workload: &WorkloadSpec) -> StringMap {
        if !workload.selector.is_empty() {
            return workload.selector.clone();
        }
        StringMap::from([
            (NAME_LABEL.to_owned(), self.spec.name.clone()),
            (INSTANCE_LABEL.to_owned(), self.instance().to_owned()),
            (COMPONENT_LABEL.to_owned(), workload.name.clone()),
        ])
    }

    /// Pod template labels: common labels, the workload's own pod labels, then the selector labels.
    pub fn pod_labels(&self, workload: &WorkloadSpec) -> StringMap {
        let mut labels = self.common_labels();
        labels.extend(workload.pod_labels.clone());
        labels.extend(self.selector_labels(workload));
        labels
    }

    pub fn workload(&self, name: Option<&str>) -> Option<&'a WorkloadSpec> {
        named_or_only(&self.spec.workloads, name, |w| w.name.clone())
    }

    /// The workload a Service sends traffic to.
    pub fn service_workload(&self, service: &ServiceSpec) -> Option<&'a WorkloadSpec> {
        self.workload(service.workload.as_deref())
    }

    /// A Service's name: its own, else its workload's, else the app's.
    pub fn service_name(&self, service: &ServiceSpec) -> String {
        service
            .name
            .clone()
            .or_else(|| self.service_workload(service).map(|w| w.name.clone()))
            .unwrap_or_else(|| self.spec.name.clone())
    }

    pub fn service(&self, name: Option<&str>) -> Option<&'a ServiceSpec> {
        named_or_only(&self.spec.services, name, |s| self.service_name(s))
    }

    /// The headless Service that governs a StatefulSet: the named one, else the headless Service selecting it.
    pub fn governing_service(&self, workload: &WorkloadSpec) -> Option<String> {
        if let Some(name) = workload
            .stateful_set
            .as_ref()
            .and_then(|s| s.service_name.clone())
        {
            return Some(name);
        }
        self.spec
            .services
            .iter()
            .find(|s| {
                s.service_type == ServiceType::Headless
                    && self
                        .service_workload(s)
                        .is_some_and(|w| w.name == workload.name)
            })
            .map(|s| self.service_name(s))
    }

    pub fn ingress_name(&self, ingress: &IngressSpec) -> String {
        ingress
            .name
            .clone()
            .unwrap_or_else(|| self.spec.name.clone())
    }

    pub fn route_name(&self, route: &HttpRouteSpec) -> String {
        route.name.clone().unwrap_or_else(|| self.spec.name.clone())
    }

    pub fn route(&self, name: Option<&str>) -> Option<&'a HttpRouteSpec> {
        named_or_only(&self.spec.http_routes, name, |r| self.route_name(r))
    }

    pub fn certificate(&self, name: &str) -> Option<&'a CertificateSpec> {
        self.spec.certificates.iter().find(|c| c.name == name)
    }

    /// DNS names of a certificate: its own, else every host of the Ingresses and HTTPRoutes using it.
    pub fn certificate_dns_names(&self, certificate: &CertificateSpec) -> Vec<String> {
        if !certificate.dns_names.is_empty() {
            return certificate.dns_names.clone();
        }
        let mut names: Vec<String> = Vec::new();
        for ingress in &self.spec.ingresses {
            if ingress.tls.as_ref().and_then(|t| t.certificate.as_deref())
                == Some(certificate.name.as_str())
            {
                names.extend(ingress.rules.iter().filter_map(|r| r.host.clone()));
            }
        }
        for route in &self.spec.http_routes {
            if route.certificate.as_deref() == Some(certificate.name.as_str()) {
                names.extend(route.hostnames.iter().cloned());
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        names.retain(|n| seen.insert(n.clone()));
        names
    }

    /// Secret names of registry credentials: the pull secrets of every pod.
    pub fn pull_secrets(&self) -> Vec<String> {
        self.spec
            .secrets
            .iter()
            .filter(|s| s.secret_type == crate::spec::SecretType::DockerConfigJson)
            .map(|s| s.name.clone())
            .collect()
    }

    pub fn rate_limit_name(&self, limit: &crate::spec::RateLimitSpec) -> String {
        limit.name.clone().unwrap_or_else(|| {
            let route = self
                .route(limit.route.as_deref())
                .map(|r| self.route_name(r));
            format!(
                "{}-ratelimit",
                route.unwrap_or_else(|| self.spec.name.clone())
            )
        })
    }

    pub fn quota_name(&self) -> String {
        self.spec
            .resource_quota
            .as_ref()
            .and_then(|q| q.name.clone())
            .unwrap_or_else(|| format!("{}-quota", self.spec.name))
    }
}
