//! Cached discovery per cluster: which kinds the API server serves, one group version at a time.
//!
//! A group version is fetched on first use and kept. A kind that is not in the cached list (or a
//! group version the server did not serve) triggers exactly one fresh fetch before the answer is
//! "not installed", so a CRD installed after start is seen without a restart, and a missing one
//! costs one request per question rather than a full rediscovery.

use kube::api::GroupVersionKind;
use kube::core::GroupVersion;
use kube::discovery::{ApiCapabilities, ApiResource, Scope};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::cause::Unreachable;

type Resources = Arc<Vec<(ApiResource, ApiCapabilities)>>;

/// Why a kind could not be resolved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResolveError {
    /// The cluster does not serve this kind (for a custom resource: its CRD is not installed).
    #[error("{kind} ({api_version}) is not served by this cluster")]
    NotInstalled { api_version: String, kind: String },
    /// Discovery itself failed.
    #[error("{0}")]
    Unreachable(Unreachable),
}

/// The discovery cache of one cluster.
pub struct Discovery {
    client: kube::Client,
    served: RwLock<HashMap<String, Resources>>,
}

impl Discovery {
    /// An empty cache for `client`'s cluster.
    pub fn new(client: kube::Client) -> Self {
        Self {
            client,
            served: RwLock::new(HashMap::new()),
        }
    }

    /// The resource and scope of `gvk`: from the cache, else after one refresh of its group
    /// version.
    pub async fn resolve(
        &self,
        gvk: &GroupVersionKind,
    ) -> Result<(ApiResource, Scope), ResolveError> {
        self.resolve_with_capabilities(gvk)
            .await
            .map(|(resource, capabilities)| (resource, capabilities.scope))
    }

    /// Like [`Discovery::resolve`], with the verbs and subresources the server lists.
    pub async fn resolve_with_capabilities(
        &self,
        gvk: &GroupVersionKind,
    ) -> Result<(ApiResource, ApiCapabilities), ResolveError> {
        let api_version = gvk.api_version();
        if let Some(found) = self
            .cached(&api_version)
            .and_then(|list| find(&list, &gvk.kind))
        {
            return Ok(found);
        }
        let list = self.refresh(gvk).await?;
        find(&list, &gvk.kind).ok_or_else(|| ResolveError::NotInstalled {
            api_version,
            kind: gvk.kind.clone(),
        })
    }

    /// Whether `gvk` is served (after at most one refresh).
    pub async fn is_served(&self, gvk: &GroupVersionKind) -> Result<bool, Unreachable> {
        match self.resolve_with_capabilities(gvk).await {
            Ok(_) => Ok(true),
            Err(ResolveError::NotInstalled { .. }) => Ok(false),
            Err(ResolveError::Unreachable(unreachable)) => Err(unreachable),
        }
    }

    /// Forgets everything; the next questions fetch again.
    pub fn invalidate(&self) {
        self.served
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    fn cached(&self, api_version: &str) -> Option<Resources> {
        self.served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(api_version)
            .cloned()
    }

    async fn refresh(&self, gvk: &GroupVersionKind) -> Result<Resources, ResolveError> {
        let gv = GroupVersion::gv(&gvk.group, &gvk.version);
        let list = match kube::discovery::pinned_group(&self.client, &gv).await {
            Ok(group) => group.versioned_resources(&gvk.version),
            // The group version is not served at all: cached as empty, asked again on the next miss.
            Err(kube::Error::Api(status)) if status.code == 404 => Vec::new(),
            Err(error) => return Err(ResolveError::Unreachable(Unreachable::classify(&error))),
        };
        let list = Arc::new(list);
        self.served
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(gvk.api_version(), list.clone());
        Ok(list)
    }
}

fn find(
    list: &[(ApiResource, ApiCapabilities)],
    kind: &str,
) -> Option<(ApiResource, ApiCapabilities)> {
    list.iter()
        .find(|(resource, _)| resource.kind == kind)
        .cloned()
}
