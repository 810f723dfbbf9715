//! AppSpec → typed Kubernetes objects, one module per kind family, in apply-tier order.

mod access;
pub(crate) mod config;
pub mod extra;
mod gateway;
mod meta;
mod network;
mod pod;
mod scaling;
mod storage;
mod tls;
mod workload;

use crate::crd;
use crate::refs::Refs;
use crate::spec::AppSpec;
use extra::ExtraObject;
use k8s_openapi::api::{
    apps::v1 as apps, autoscaling::v2 as autoscaling, batch::v1 as batch, core::v1 as core,
    networking::v1 as net, policy::v1 as policy, rbac::v1 as rbac,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;

/// Declares [`Object`] with one variant per kind, its apply tier and its scope.
macro_rules! objects {
    ($($variant:ident($type:ty) tier $tier:literal $scope:ident),+ $(,)?) => {
        /// A rendered Kubernetes object of one of the kinds KubeChart produces.
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum Object {
            $(
                #[doc = concat!("A ", stringify!($variant), ".")]
                $variant($type),
            )+
            /// An object from `extraObjects`, of any kind.
            Extra(ExtraObject),
        }

        impl Object {
            /// The object's `kind`.
            pub fn kind(&self) -> &str {
                match self {
                    $(Self::$variant(_) => <$type as k8s_openapi::Resource>::KIND,)+
                    Self::Extra(o) => &o.kind,
                }
            }

            /// The object's `apiVersion`.
            pub fn api_version(&self) -> &str {
                match self {
                    $(Self::$variant(_) => <$type as k8s_openapi::Resource>::API_VERSION,)+
                    Self::Extra(o) => &o.api_version,
                }
            }

            /// Apply tier (DESIGN.md): lower tiers are applied first.
            pub fn tier(&self) -> u8 {
                match self { $(Self::$variant(_) => $tier,)+ Self::Extra(o) => extra::tier(&o.kind) }
            }

            /// Whether the kind lives in a namespace.
            pub fn is_namespaced(&self) -> bool {
                match self {
                    $(Self::$variant(_) => stringify!($scope) == "namespaced",)+
                    Self::Extra(o) => extra::is_namespaced_kind(&o.kind),
                }
            }

            /// Position of the kind in the declaration, which orders kinds within a tier.
            fn kind_rank(&self) -> usize {
                if let Self::Extra(o) = self {
                    return Self::KINDS.iter().position(|k| *k == o.kind).unwrap_or(Self::KINDS.len());
                }
                let mut rank = 0;
                $(
                    if matches!(self, Self::$variant(_)) { return rank; }
                    rank += 1;
                )+
                rank
            }

            /// The object's metadata.
            pub fn metadata(&self) -> &ObjectMeta {
                match self { $(Self::$variant(o) => k8s_openapi::Metadata::metadata(o),)+ Self::Extra(o) => &o.metadata }
            }

            /// The object's metadata, mutably.
            pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
                match self { $(Self::$variant(o) => k8s_openapi::Metadata::metadata_mut(o),)+ Self::Extra(o) => &mut o.metadata }
            }

            /// The object as JSON (with `apiVersion` and `kind`).
            pub fn to_value(&self) -> Result<Value, serde_json::Error> {
                match self { $(Self::$variant(o) => serde_json::to_value(o),)+ Self::Extra(o) => serde_json::to_value(o) }
            }

            /// Parses JSON as an object of the same kind as `self`.
            pub fn same_kind_from_value(&self, value: Value) -> Result<Self, serde_json::Error> {
                match self { $(Self::$variant(_) => serde_path_to_error::deserialize(value).map(Self::$variant).map_err(|e| {
                    let path = e.path().to_string();
                    let inner = e.into_inner();
                    if path == "." { inner } else { serde::de::Error::custom(format!("{path}: {inner}")) }
                }),)+ Self::Extra(_) => serde_json::from_value(value).map(Self::Extra) }
            }

            /// The kind names, in declaration order.
            pub const KINDS: &'static [&'static str] = &[$(<$type as k8s_openapi::Resource>::KIND),+];

            /// Apply tier of a kind by name, for objects known only by reference (prune, delete).
            /// Every kind has one, since `extraObjects` may carry any kind.
            pub fn tier_of_kind(kind: &str) -> Option<u8> {
                Some(extra::tier(kind))
            }

            /// The `apiVersion` the form entries render a kind with (what an import from a
            /// cluster lists each kind as).
            pub fn typed_api_version_of_kind(kind: &str) -> Option<&'static str> {
                $(
                    if kind == <$type as k8s_openapi::Resource>::KIND {
                        return Some(<$type as k8s_openapi::Resource>::API_VERSION);
                    }
                )+
                None
            }

            /// Apply tier of a kind the form renders from its own entries.
            pub(crate) fn typed_tier_of_kind(kind: &str) -> Option<u8> {
                $(
                    if kind == <$type as k8s_openapi::Resource>::KIND { return Some($tier); }
                )+
                None
            }
        }
    };
}

objects! {
    Namespace(core::Namespace) tier 0 cluster,
    ResourceQuota(core::ResourceQuota) tier 1 namespaced,
    ServiceAccount(core::ServiceAccount) tier 1 namespaced,
    ClusterRole(rbac::ClusterRole) tier 1 cluster,
    Role(rbac::Role) tier 1 namespaced,
    RoleBinding(rbac::RoleBinding) tier 2 namespaced,
    ClusterRoleBinding(rbac::ClusterRoleBinding) tier 2 cluster,
    ConfigMap(core::ConfigMap) tier 3 namespaced,
    Secret(core::Secret) tier 3 namespaced,
    PersistentVolume(core::PersistentVolume) tier 3 cluster,
    PersistentVolumeClaim(core::PersistentVolumeClaim) tier 3 namespaced,
    Service(core::Service) tier 4 namespaced,
    Deployment(apps::Deployment) tier 5 namespaced,
    StatefulSet(apps::StatefulSet) tier 5 namespaced,
    ReplicaSet(apps::ReplicaSet) tier 5 namespaced,
    Job(batch::Job) tier 5 namespaced,
    CronJob(batch::CronJob) tier 5 namespaced,
    Pod(core::Pod) tier 5 namespaced,
    DaemonSet(apps::DaemonSet) tier 5 namespaced,
    HorizontalPodAutoscaler(autoscaling::HorizontalPodAutoscaler) tier 6 namespaced,
    PodDisruptionBudget(policy::PodDisruptionBudget) tier 6 namespaced,
    Ingress(net::Ingress) tier 6 namespaced,
    HttpRoute(crd::HttpRoute) tier 6 namespaced,
    Certificate(crd::Certificate) tier 7 namespaced,
    BackendTrafficPolicy(crd::BackendTrafficPolicy) tier 8 namespaced,
    NetworkPolicy(net::NetworkPolicy) tier 8 namespaced,
}

impl Object {
    /// The object's name.
    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or_default()
    }

    /// Sort key: tier, kind, namespace, name — the byte-stable output order.
    fn order_key(&self) -> (u8, usize, String, String, String) {
        let extra_kind = match self {
            Self::Extra(o) => o.kind.clone(),
            _ => String::new(),
        };
        (
            self.tier(),
            self.kind_rank(),
            extra_kind,
            self.metadata().namespace.clone().unwrap_or_default(),
            self.name().to_owned(),
        )
    }
}

/// Renders every object of a (validated) spec, sorted into apply order.
pub(crate) fn objects(spec: &AppSpec) -> Vec<Object> {
    let refs = Refs::new(spec);
    let mut out = Vec::new();
    access::render(&refs, &mut out);
    config::render(&refs, &mut out);
    storage::render(&refs, &mut out);
    network::render(&refs, &mut out);
    workload::render(&refs, &mut out);
    scaling::render(&refs, &mut out);
    gateway::render(&refs, &mut out);
    tls::render(&refs, &mut out);
    extra::render(&refs, &mut out);
    out.sort_by_cached_key(Object::order_key);
    out
}
