//! Typed serde structs for the three custom resources we render, following the upstream CRD
//! schemas for the fields we use. Every struct keeps unknown fields in a flattened map, so an
//! override (or a newer CRD field) survives a round trip through the typed object.

pub mod backend_traffic_policy;
pub mod certificate;
pub mod httproute;

pub use backend_traffic_policy::BackendTrafficPolicy;
pub use certificate::Certificate;
pub use httproute::HttpRoute;

use serde_json::Value;
use std::collections::BTreeMap;

/// Fields a struct does not model, kept verbatim.
pub type Extra = BTreeMap<String, Value>;

/// Implements `k8s_openapi::Resource` and `Metadata` for a namespaced custom resource, so the kube
/// layer can use these types with `Api<T>` like the built-in kinds.
macro_rules! custom_resource {
    ($type:ident, $group:literal, $version:literal, $kind:literal, $plural:literal) => {
        impl k8s_openapi::Resource for $type {
            const API_VERSION: &'static str = concat!($group, "/", $version);
            const GROUP: &'static str = $group;
            const KIND: &'static str = $kind;
            const VERSION: &'static str = $version;
            const URL_PATH_SEGMENT: &'static str = $plural;
            type Scope = k8s_openapi::NamespaceResourceScope;
        }

        impl k8s_openapi::Metadata for $type {
            type Ty = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

            fn metadata(&self) -> &Self::Ty {
                &self.metadata
            }

            fn metadata_mut(&mut self) -> &mut Self::Ty {
                &mut self.metadata
            }
        }

        impl $type {
            /// A new object with the given metadata and spec.
            pub fn new(
                metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
                spec: <$type as $crate::crd::HasSpec>::Spec,
            ) -> Self {
                Self {
                    api_version: <$type as k8s_openapi::Resource>::API_VERSION.to_owned(),
                    kind: <$type as k8s_openapi::Resource>::KIND.to_owned(),
                    metadata,
                    spec,
                    extra: Default::default(),
                }
            }
        }
    };
}
pub(crate) use custom_resource;

/// Links a custom resource to its spec type (used by the `new` constructor).
pub trait HasSpec {
    /// The `.spec` type.
    type Spec;
}
