//! `extraObjects`: objects of any kind, carried as they are written, given the app's labels,
//! annotations and namespace, and placed in the apply order by what their kind usually depends on.

use super::Object;
use crate::refs::Refs;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An object of a kind the form has no entry for, kept field for field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtraObject {
    /// `apiVersion`
    pub api_version: String,
    /// `kind`
    pub kind: String,
    /// `metadata`
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Every other top-level field (`spec`, `data`, `rules`, …).
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

/// Kinds that live outside namespaces; every other kind is given the app's namespace.
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CSIDriver",
    "ClusterIssuer",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "GatewayClass",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "PersistentVolume",
    "PriorityClass",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeSnapshotClass",
];

/// Whether objects of `kind` are namespaced (unknown kinds are assumed to be, as most custom
/// resources are).
pub(crate) fn is_namespaced_kind(kind: &str) -> bool {
    !CLUSTER_SCOPED.contains(&kind)
}

/// The apply tier of a kind rendered as an extra object: the tier of the form entry for the same
/// kind, else by what such objects refer to. Custom resources (monitors, autoscalers, policies)
/// refer to workloads and Services, so they come last.
pub(crate) fn tier(kind: &str) -> u8 {
    if let Some(tier) = Object::typed_tier_of_kind(kind) {
        return tier;
    }
    match kind {
        "CustomResourceDefinition"
        | "PriorityClass"
        | "StorageClass"
        | "IngressClass"
        | "RuntimeClass"
        | "GatewayClass" => 0,
        "LimitRange" => 1,
        "Endpoints" | "EndpointSlice" => 4,
        "GRPCRoute" | "TCPRoute" | "TLSRoute" | "UDPRoute" => 6,
        _ => 8,
    }
}

pub(super) fn render(refs: &Refs, out: &mut Vec<Object>) {
    for value in &refs.spec.extra_objects {
        // Validation has already parsed every entry; one that does not parse cannot get here.
        let Ok(mut object) = serde_json::from_value::<ExtraObject>(value.clone()) else {
            continue;
        };
        let mut labels = refs.common_labels();
        labels.extend(object.metadata.labels.take().unwrap_or_default());
        object.metadata.labels = Some(labels);
        let mut annotations = refs.spec.annotations.clone();
        annotations.extend(object.metadata.annotations.take().unwrap_or_default());
        object.metadata.annotations = super::meta::non_empty(annotations);
        object.metadata.namespace =
            is_namespaced_kind(&object.kind).then(|| refs.spec.namespace.clone());
        out.push(Object::Extra(object));
    }
}
