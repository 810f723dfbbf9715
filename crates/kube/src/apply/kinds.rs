//! Kind resolution through discovery, cached per engine and refreshed on a miss, so a CRD installed
//! after the first plan is found without a restart. A kind the cluster does not serve is one clear
//! error that names the project to install.

use crate::ObjectRef;
use kube::api::{Api, ApiResource, DynamicObject};
use kube::core::GroupVersionKind;
use kube::discovery::{self, Scope};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// `(apiVersion, kind)` → the resource serving it.
type Resolved = HashMap<(String, String), (ApiResource, Scope)>;

/// Resolves `apiVersion` + `kind` to the REST resource and its scope.
#[derive(Clone)]
pub struct Kinds {
    client: kube::Client,
    cache: Arc<Mutex<Resolved>>,
}

/// Why a kind cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KindError {
    /// The cluster does not serve the kind (a CRD is not installed).
    #[error("{0}")]
    NotServed(String),
    /// Discovery itself failed (cluster unreachable).
    #[error("discovery failed: {0}")]
    Discovery(String),
}

impl Kinds {
    pub(crate) fn new(client: kube::Client) -> Self {
        Self {
            client,
            cache: Arc::default(),
        }
    }

    /// The resource of an object's kind.
    pub async fn resolve(&self, reference: &ObjectRef) -> Result<(ApiResource, Scope), KindError> {
        let key = (reference.api_version.clone(), reference.kind.clone());
        if let Some(found) = self.lock().get(&key) {
            return Ok(found.clone());
        }
        let gvk = GroupVersionKind::gvk(reference.group(), reference.version(), &reference.kind);
        match discovery::pinned_kind(&self.client, &gvk).await {
            Ok((resource, capabilities)) => {
                let found = (resource, capabilities.scope);
                self.lock().insert(key, found.clone());
                Ok(found)
            }
            Err(kube::Error::Api(status)) if status.is_not_found() => {
                Err(KindError::NotServed(missing_kind_message(reference)))
            }
            Err(kube::Error::Discovery(_)) => {
                Err(KindError::NotServed(missing_kind_message(reference)))
            }
            Err(other) => Err(KindError::Discovery(other.to_string())),
        }
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

    fn lock(&self) -> std::sync::MutexGuard<'_, Resolved> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
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
