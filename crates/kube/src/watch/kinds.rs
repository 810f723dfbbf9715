//! The kinds watched per cluster: those whose health can be other than Current. Kinds that are
//! always Current (ConfigMap, Secret, RBAC, ServiceAccount, NetworkPolicy, ResourceQuota) are not
//! watched; their health is Current once applied.

use kube::api::{ApiResource, GroupVersionKind};

/// One watched kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WatchedKind {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    /// Served by a CRD that may not be installed: checked by discovery before watching.
    pub optional: bool,
}

impl WatchedKind {
    const fn builtin(
        group: &'static str,
        version: &'static str,
        kind: &'static str,
        plural: &'static str,
    ) -> Self {
        Self {
            group,
            version,
            kind,
            plural,
            optional: false,
        }
    }

    const fn custom(
        group: &'static str,
        version: &'static str,
        kind: &'static str,
        plural: &'static str,
    ) -> Self {
        Self {
            group,
            version,
            kind,
            plural,
            optional: true,
        }
    }

    /// `apps/v1`, `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_owned()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The resource for a dynamic `Api`.
    pub fn api_resource(&self) -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(self.group, self.version, self.kind),
            self.plural,
        )
    }
}

/// Every watched kind. Pods and ReplicaSets carry the managed-by label through the pod template.
pub(crate) const WATCHED_KINDS: &[WatchedKind] = &[
    WatchedKind::builtin("", "v1", "Namespace", "namespaces"),
    WatchedKind::builtin("", "v1", "PersistentVolume", "persistentvolumes"),
    WatchedKind::builtin("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
    WatchedKind::builtin("", "v1", "Service", "services"),
    WatchedKind::builtin("", "v1", "Pod", "pods"),
    WatchedKind::builtin("apps", "v1", "Deployment", "deployments"),
    WatchedKind::builtin("apps", "v1", "StatefulSet", "statefulsets"),
    WatchedKind::builtin("apps", "v1", "ReplicaSet", "replicasets"),
    WatchedKind::builtin("apps", "v1", "DaemonSet", "daemonsets"),
    WatchedKind::builtin("batch", "v1", "Job", "jobs"),
    WatchedKind::builtin("batch", "v1", "CronJob", "cronjobs"),
    WatchedKind::builtin("networking.k8s.io", "v1", "Ingress", "ingresses"),
    WatchedKind::custom("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes"),
    WatchedKind::custom("cert-manager.io", "v1", "Certificate", "certificates"),
    WatchedKind::custom(
        "gateway.envoyproxy.io",
        "v1alpha1",
        "BackendTrafficPolicy",
        "backendtrafficpolicies",
    ),
];

/// The watched kind of a group and kind name, if it is watched.
pub(crate) fn watched(group: &str, kind: &str) -> Option<&'static WatchedKind> {
    WATCHED_KINDS
        .iter()
        .find(|k| k.group == group && k.kind == kind)
}
