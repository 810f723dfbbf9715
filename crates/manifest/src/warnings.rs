//! Advice that does not block rendering but that a platform team would flag in review.

use crate::refs::Refs;
use crate::spec::{AppSpec, WorkloadKind};

pub(crate) fn collect(spec: &AppSpec) -> Vec<String> {
    let refs = Refs::new(spec);
    let mut warnings = Vec::new();
    for (w, workload) in spec.workloads.iter().enumerate() {
        for (c, container) in workload.containers.iter().enumerate() {
            let at = format!("workloads[{w}].containers[{c}]");
            let image = container.image.rsplit('/').next().unwrap_or_default();
            if !image.contains(':') && !image.contains('@') || image.ends_with(":latest") {
                warnings.push(format!("{at}.image: '{}' has no fixed tag; pin a version or digest for repeatable rollouts", container.image));
            }
            if container.resources.limits.memory.is_none() {
                warnings.push(format!(
                    "{at}.resources.limits.memory: no memory limit; one pod can starve its node"
                ));
            }
            let serves = spec.services.iter().any(|s| {
                refs.service_workload(s)
                    .is_some_and(|sw| sw.name == workload.name)
            });
            if serves
                && !workload.kind.runs_to_completion()
                && container.readiness_probe.is_none()
                && !container.ports.is_empty()
            {
                warnings.push(format!("{at}.readinessProbe: behind a Service without a readiness probe, traffic arrives before the app is ready"));
            }
        }
        if matches!(
            workload.kind,
            WorkloadKind::Deployment | WorkloadKind::StatefulSet
        ) && workload.replicas == Some(1)
        {
            warnings.push(format!("workloads[{w}].replicas: a single replica is unavailable during updates and node drains"));
        }
    }
    for (r, route) in spec.http_routes.iter().enumerate() {
        if let Some(certificate) = route
            .certificate
            .as_deref()
            .and_then(|c| refs.certificate(c))
        {
            warnings.push(format!(
                "httpRoutes[{r}].certificate: the Gateway listener must reference Secret '{}' in namespace '{}' (certificateRefs)",
                certificate.secret(),
                spec.namespace
            ));
        }
    }
    warnings
}
