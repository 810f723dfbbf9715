//! Kind resolution through the cluster's discovery cache (refreshed on a miss, so a CRD installed
//! after the first plan is found without a restart). A kind the cluster does not serve is one
//! clear error that names the project to install.

use crate::ObjectRef;
use crate::connect::{Discovery, ResolveError};
use kube::api::{Api, ApiResource, DynamicObject};
use kube::core::GroupVersionKind;
use kube::discovery::Scope;
use std::sync::Arc;

/// Resolves an object's kind to its REST resource through the cluster's discovery cache.
#[derive(Clone)]
pub struct Kinds {
    client: kube::Client,
    discovery: Arc<Discovery>,
}

/// Why a kind cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KindError {
    /// The cluster does not serve the kind (a CRD is not installed).
    #[error("{0}")]
    NotServed(String),
    /// Discovery itself failed (cluster unreachable).
    #[error("{0}")]
    Discovery(String),
}

impl Kinds {
    pub(crate) fn new(client: kube::Client, discovery: Arc<Discovery>) -> Self {
        Self { client, discovery }
    }

    /// The resource of an object's kind.
    pub async fn resolve(&self, reference: &ObjectRef) -> Result<(ApiResource, Scope), KindError> {
        let gvk = GroupVersionKind::gvk(reference.group(), reference.version(), &reference.kind);
        self.discovery
            .resolve(&gvk)
            .await
            .map_err(|error| match error {
                ResolveError::NotInstalled { .. } => {
                    KindError::NotServed(missing_kind_message(reference))
                }
                ResolveError::Unreachable(unreachable) => {
                    KindError::Discovery(unreachable.to_string())
                }
            })
    }

    /// The API of an object: namespaced in its namespace, or cluster-wide.
    pub async fn api(&self, reference: &ObjectRef) -> Result<Api<DynamicObject>, KindError> {
        let (resource, scope) = self.resolve(reference).await?;
        Ok(match (scope, &reference.namespace) {
            (Scope::Namespaced, Some(namespace)) => {
                Api::namespaced_with(self.client.clone(), namespace, &resource)
            }
            _ => Api::all_with(self.client.clone(), &resource),
        })
    }

    /// The plural resource name (`deployments.apps`), for messages about permissions.
    pub async fn resource_name(&self, reference: &ObjectRef) -> String {
        match self.resolve(reference).await {
            Ok((resource, _)) if resource.group.is_empty() => resource.plural,
            Ok((resource, _)) => format!("{}.{}", resource.plural, resource.group),
            Err(_) => reference.kind.to_lowercase(),
        }
    }
}

/// `HTTPRoute needs the Gateway API CRDs (gateway.networking.k8s.io) on this cluster`.
fn missing_kind_message(reference: &ObjectRef) -> String {
    let project = match reference.group() {
        "gateway.networking.k8s.io" => "the Gateway API CRDs (gateway.networking.k8s.io)".into(),
        "cert-manager.io" => "cert-manager (cert-manager.io)".into(),
        "gateway.envoyproxy.io" => "Envoy Gateway (gateway.envoyproxy.io)".into(),
        "" => format!("the core API {}", reference.api_version),
        group => format!("the CRD of {group}"),
    };
    format!(
        "{} needs {project} on this cluster ({} is not served)",
        reference.kind, reference.api_version
    )
}
