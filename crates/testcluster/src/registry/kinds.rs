//! The resources this server serves, one named definition each, so code that means a built-in
//! resource names it instead of looking it up.

use super::{CrdGroup, ResourceDef};

const CRUD: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const CREATE_ONLY: &[&str] = &["create"];
const ALL: &[&str] = &["all"];

macro_rules! def {
    ($group:expr, $version:expr, $kind:expr, $plural:expr, $singular:expr, $short:expr, $ns:expr, $verbs:expr, $sub:expr, $cat:expr, $crd:expr) => {
        ResourceDef {
            group: $group,
            version: $version,
            kind: $kind,
            plural: $plural,
            singular: $singular,
            short_names: $short,
            namespaced: $ns,
            verbs: $verbs,
            subresources: $sub,
            categories: $cat,
            crd: $crd,
        }
    };
}

/// Namespace.
pub static NAMESPACES: ResourceDef = def!(
    "",
    "v1",
    "Namespace",
    "namespaces",
    "namespace",
    &["ns"],
    false,
    &[
        "create", "delete", "get", "list", "patch", "update", "watch"
    ],
    &["status"],
    &[],
    None
);

/// ConfigMap.
pub static CONFIGMAPS: ResourceDef = def!(
    "",
    "v1",
    "ConfigMap",
    "configmaps",
    "configmap",
    &["cm"],
    true,
    CRUD,
    &[],
    &[],
    None
);

/// Secret.
pub static SECRETS: ResourceDef = def!(
    "",
    "v1",
    "Secret",
    "secrets",
    "secret",
    &[],
    true,
    CRUD,
    &[],
    &[],
    None
);

/// Service.
pub static SERVICES: ResourceDef = def!(
    "",
    "v1",
    "Service",
    "services",
    "service",
    &["svc"],
    true,
    &[
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch"
    ],
    &["status"],
    ALL,
    None
);

/// ServiceAccount.
pub static SERVICEACCOUNTS: ResourceDef = def!(
    "",
    "v1",
    "ServiceAccount",
    "serviceaccounts",
    "serviceaccount",
    &["sa"],
    true,
    CRUD,
    &[],
    &[],
    None
);

/// PersistentVolume.
pub static PERSISTENTVOLUMES: ResourceDef = def!(
    "",
    "v1",
    "PersistentVolume",
    "persistentvolumes",
    "persistentvolume",
    &["pv"],
    false,
    CRUD,
    &["status"],
    &[],
    None
);

/// PersistentVolumeClaim.
pub static PERSISTENTVOLUMECLAIMS: ResourceDef = def!(
    "",
    "v1",
    "PersistentVolumeClaim",
    "persistentvolumeclaims",
    "persistentvolumeclaim",
    &["pvc"],
    true,
    CRUD,
    &["status"],
    &[],
    None
);

/// Pod.
pub static PODS: ResourceDef = def!(
    "",
    "v1",
    "Pod",
    "pods",
    "pod",
    &["po"],
    true,
    CRUD,
    &["status", "log"],
    ALL,
    None
);

/// Event.
pub static EVENTS: ResourceDef = def!(
    "",
    "v1",
    "Event",
    "events",
    "event",
    &["ev"],
    true,
    CRUD,
    &[],
    &[],
    None
);

/// ResourceQuota.
pub static RESOURCEQUOTAS: ResourceDef = def!(
    "",
    "v1",
    "ResourceQuota",
    "resourcequotas",
    "resourcequota",
    &["quota"],
    true,
    CRUD,
    &["status"],
    &[],
    None
);

/// Deployment.
pub static DEPLOYMENTS: ResourceDef = def!(
    "apps",
    "v1",
    "Deployment",
    "deployments",
    "deployment",
    &["deploy"],
    true,
    CRUD,
    &["status", "scale"],
    ALL,
    None
);

/// DaemonSet.
pub static DAEMONSETS: ResourceDef = def!(
    "apps",
    "v1",
    "DaemonSet",
    "daemonsets",
    "daemonset",
    &["ds"],
    true,
    CRUD,
    &["status"],
    ALL,
    None
);

/// StatefulSet.
pub static STATEFULSETS: ResourceDef = def!(
    "apps",
    "v1",
    "StatefulSet",
    "statefulsets",
    "statefulset",
    &["sts"],
    true,
    CRUD,
    &["status", "scale"],
    ALL,
    None
);

/// ReplicaSet.
pub static REPLICASETS: ResourceDef = def!(
    "apps",
    "v1",
    "ReplicaSet",
    "replicasets",
    "replicaset",
    &["rs"],
    true,
    CRUD,
    &["status", "scale"],
    ALL,
    None
);

/// Job.
pub static JOBS: ResourceDef = def!(
    "batch",
    "v1",
    "Job",
    "jobs",
    "job",
    &[],
    true,
    CRUD,
    &["status"],
    ALL,
    None
);

/// CronJob.
pub static CRONJOBS: ResourceDef = def!(
    "batch",
    "v1",
    "CronJob",
    "cronjobs",
    "cronjob",
    &["cj"],
    true,
    CRUD,
    &["status"],
    ALL,
    None
);

/// HorizontalPodAutoscaler.
pub static HORIZONTALPODAUTOSCALERS: ResourceDef = def!(
    "autoscaling",
    "v2",
    "HorizontalPodAutoscaler",
    "horizontalpodautoscalers",
    "horizontalpodautoscaler",
    &["hpa"],
    true,
    CRUD,
    &["status"],
    ALL,
    None
);

/// PodDisruptionBudget.
pub static PODDISRUPTIONBUDGETS: ResourceDef = def!(
    "policy",
    "v1",
    "PodDisruptionBudget",
    "poddisruptionbudgets",
    "poddisruptionbudget",
    &["pdb"],
    true,
    CRUD,
    &["status"],
    &[],
    None
);

/// Ingress.
pub static INGRESSES: ResourceDef = def!(
    "networking.k8s.io",
    "v1",
    "Ingress",
    "ingresses",
    "ingress",
    &["ing"],
    true,
    CRUD,
    &["status"],
    &[],
    None
);

/// NetworkPolicy.
pub static NETWORKPOLICIES: ResourceDef = def!(
    "networking.k8s.io",
    "v1",
    "NetworkPolicy",
    "networkpolicies",
    "networkpolicy",
    &["netpol"],
    true,
    CRUD,
    &[],
    &[],
    None
);

/// Role.
pub static ROLES: ResourceDef = def!(
    "rbac.authorization.k8s.io",
    "v1",
    "Role",
    "roles",
    "role",
    &[],
    true,
    CRUD,
    &[],
    &[],
    None
);

/// RoleBinding.
pub static ROLEBINDINGS: ResourceDef = def!(
    "rbac.authorization.k8s.io",
    "v1",
    "RoleBinding",
    "rolebindings",
    "rolebinding",
    &[],
    true,
    CRUD,
    &[],
    &[],
    None
);

/// ClusterRole.
pub static CLUSTERROLES: ResourceDef = def!(
    "rbac.authorization.k8s.io",
    "v1",
    "ClusterRole",
    "clusterroles",
    "clusterrole",
    &[],
    false,
    CRUD,
    &[],
    &[],
    None
);

/// ClusterRoleBinding.
pub static CLUSTERROLEBINDINGS: ResourceDef = def!(
    "rbac.authorization.k8s.io",
    "v1",
    "ClusterRoleBinding",
    "clusterrolebindings",
    "clusterrolebinding",
    &[],
    false,
    CRUD,
    &[],
    &[],
    None
);

/// SelfSubjectAccessReview.
pub static SELFSUBJECTACCESSREVIEWS: ResourceDef = def!(
    "authorization.k8s.io",
    "v1",
    "SelfSubjectAccessReview",
    "selfsubjectaccessreviews",
    "selfsubjectaccessreview",
    &[],
    false,
    CREATE_ONLY,
    &[],
    &[],
    None
);

/// SelfSubjectRulesReview.
pub static SELFSUBJECTRULESREVIEWS: ResourceDef = def!(
    "authorization.k8s.io",
    "v1",
    "SelfSubjectRulesReview",
    "selfsubjectrulesreviews",
    "selfsubjectrulesreview",
    &[],
    false,
    CREATE_ONLY,
    &[],
    &[],
    None
);

/// Gateway.
pub static GATEWAYS: ResourceDef = def!(
    "gateway.networking.k8s.io",
    "v1",
    "Gateway",
    "gateways",
    "gateway",
    &["gtw"],
    true,
    CRUD,
    &["status"],
    &["gateway-api"],
    Some(CrdGroup::GatewayApi)
);

/// HTTPRoute.
pub static HTTPROUTES: ResourceDef = def!(
    "gateway.networking.k8s.io",
    "v1",
    "HTTPRoute",
    "httproutes",
    "httproute",
    &[],
    true,
    CRUD,
    &["status"],
    &["gateway-api"],
    Some(CrdGroup::GatewayApi)
);

/// Certificate.
pub static CERTIFICATES: ResourceDef = def!(
    "cert-manager.io",
    "v1",
    "Certificate",
    "certificates",
    "certificate",
    &["cert", "certs"],
    true,
    CRUD,
    &["status"],
    &["cert-manager"],
    Some(CrdGroup::CertManager)
);

/// Issuer.
pub static ISSUERS: ResourceDef = def!(
    "cert-manager.io",
    "v1",
    "Issuer",
    "issuers",
    "issuer",
    &[],
    true,
    CRUD,
    &["status"],
    &["cert-manager"],
    Some(CrdGroup::CertManager)
);

/// ClusterIssuer.
pub static CLUSTERISSUERS: ResourceDef = def!(
    "cert-manager.io",
    "v1",
    "ClusterIssuer",
    "clusterissuers",
    "clusterissuer",
    &[],
    false,
    CRUD,
    &["status"],
    &["cert-manager"],
    Some(CrdGroup::CertManager)
);

/// BackendTrafficPolicy.
pub static BACKENDTRAFFICPOLICIES: ResourceDef = def!(
    "gateway.envoyproxy.io",
    "v1alpha1",
    "BackendTrafficPolicy",
    "backendtrafficpolicies",
    "backendtrafficpolicy",
    &["btp"],
    true,
    CRUD,
    &["status"],
    &["envoy-gateway"],
    Some(CrdGroup::EnvoyGateway)
);

/// Every resource the server knows, in discovery order.
pub static RESOURCES: &[&ResourceDef] = &[
    &NAMESPACES,
    &CONFIGMAPS,
    &SECRETS,
    &SERVICES,
    &SERVICEACCOUNTS,
    &PERSISTENTVOLUMES,
    &PERSISTENTVOLUMECLAIMS,
    &PODS,
    &EVENTS,
    &RESOURCEQUOTAS,
    &DAEMONSETS,
    &DEPLOYMENTS,
    &STATEFULSETS,
    &REPLICASETS,
    &JOBS,
    &CRONJOBS,
    &HORIZONTALPODAUTOSCALERS,
    &PODDISRUPTIONBUDGETS,
    &INGRESSES,
    &NETWORKPOLICIES,
    &ROLES,
    &ROLEBINDINGS,
    &CLUSTERROLES,
    &CLUSTERROLEBINDINGS,
    &SELFSUBJECTACCESSREVIEWS,
    &SELFSUBJECTRULESREVIEWS,
    &GATEWAYS,
    &HTTPROUTES,
    &CERTIFICATES,
    &ISSUERS,
    &CLUSTERISSUERS,
    &BACKENDTRAFFICPOLICIES,
];
