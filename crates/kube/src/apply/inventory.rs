//! The caller's record of which objects belong to an app. The engine widens it to old ∪ new before
//! applying and narrows it only after prune, so whatever happens in between, every object it may
//! have created is still listed.

use super::ApplyError;
use crate::ObjectRef;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use kubechart_manifest::{
    APPLYSET_GROUP_KINDS_ANNOTATION, APPLYSET_ID_LABEL, APPLYSET_NAMESPACES_ANNOTATION,
    APPLYSET_TOOLING_ANNOTATION, ApplySet, MANAGED_BY_LABEL, MANAGER,
};
use serde_json::json;
use std::collections::BTreeSet;
use std::future::Future;

/// Where the objects of one app are listed.
pub trait Inventory: Send + Sync {
    /// The objects recorded so far (empty for a new app).
    fn load(&self) -> impl Future<Output = Result<BTreeSet<ObjectRef>, ApplyError>> + Send;
    /// Records exactly these objects.
    fn save(
        &self,
        objects: &BTreeSet<ObjectRef>,
    ) -> impl Future<Output = Result<(), ApplyError>> + Send;
    /// Forgets the app after everything was deleted.
    fn clear(&self) -> impl Future<Output = Result<(), ApplyError>> + Send;
}

/// Annotation on the parent Secret with the exact member list (ApplySet's own annotations only
/// name kinds and namespaces; the list lets prune look objects up by name instead of listing).
pub const INVENTORY_ANNOTATION: &str = "kubechart.io/inventory";

/// The field manager of the parent, as kubectl names its own (`kubectl-applyset`).
const PARENT_MANAGER: &str = "kubechart-applyset";

/// The inventory kept in the cluster: the ApplySet parent Secret in the app's namespace, as
/// KEP-3659 describes it, so `kubectl` sees the same set and the CLI needs no database.
pub struct ParentSecretInventory {
    api: Api<Secret>,
    set: ApplySet,
}

impl ParentSecretInventory {
    /// The parent of `set` through `client`.
    pub fn new(client: kube::Client, set: ApplySet) -> Self {
        Self {
            api: Api::namespaced(client, &set.namespace),
            set,
        }
    }
}

fn tooling() -> String {
    format!("kubechart/v{}", env!("CARGO_PKG_VERSION"))
}

fn unavailable(error: kube::Error, set: &ApplySet, verb: &str) -> ApplyError {
    match &error {
        kube::Error::Api(status) if status.is_forbidden() => ApplyError::Forbidden(format!(
            "the cluster credentials may not {verb} secrets in namespace {} (the app's inventory, Secret {})",
            set.namespace, set.parent_name
        )),
        kube::Error::Api(status) => ApplyError::Inventory(format!(
            "the inventory Secret {}/{} cannot be used: {}",
            set.namespace, set.parent_name, status.message
        )),
        other => ApplyError::Unavailable(super::failure::transport_message(other)),
    }
}

impl Inventory for ParentSecretInventory {
    async fn load(&self) -> Result<BTreeSet<ObjectRef>, ApplyError> {
        let Some(parent) = self
            .api
            .get_opt(&self.set.parent_name)
            .await
            .map_err(|e| unavailable(e, &self.set, "get"))?
        else {
            return Ok(BTreeSet::new());
        };
        let annotations = parent.metadata.annotations.unwrap_or_default();
        if let Some(tool) = annotations.get(APPLYSET_TOOLING_ANNOTATION)
            && !tool.starts_with("kubechart/")
        {
            return Err(ApplyError::Inventory(format!(
                "Secret {}/{} is the ApplySet parent of another tool ({tool}); KubeChart will not change its set",
                self.set.namespace, self.set.parent_name
            )));
        }
        let listed = annotations
            .get(INVENTORY_ANNOTATION)
            .map(String::as_str)
            .unwrap_or("[]");
        serde_json::from_str(listed).map_err(|e| {
            ApplyError::Inventory(format!(
                "the member list of Secret {}/{} is unreadable: {e}",
                self.set.namespace, self.set.parent_name
            ))
        })
    }

    async fn save(&self, objects: &BTreeSet<ObjectRef>) -> Result<(), ApplyError> {
        let group_kinds: BTreeSet<String> = objects.iter().map(ObjectRef::group_kind).collect();
        let namespaces: BTreeSet<&str> = objects
            .iter()
            .filter_map(|o| o.namespace.as_deref())
            .filter(|ns| *ns != self.set.namespace)
            .collect();
        let listed = serde_json::to_string(objects)
            .map_err(|e| ApplyError::Inventory(format!("cannot encode the member list: {e}")))?;
        let parent = json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": self.set.parent_name,
                "namespace": self.set.namespace,
                "labels": {
                    APPLYSET_ID_LABEL: self.set.id,
                    MANAGED_BY_LABEL: MANAGER,
                },
                "annotations": {
                    APPLYSET_TOOLING_ANNOTATION: tooling(),
                    APPLYSET_GROUP_KINDS_ANNOTATION: group_kinds.into_iter().collect::<Vec<_>>().join(","),
                    APPLYSET_NAMESPACES_ANNOTATION: namespaces.into_iter().collect::<Vec<_>>().join(","),
                    INVENTORY_ANNOTATION: listed,
                },
            },
        });
        self.api
            .patch(
                &self.set.parent_name,
                &PatchParams::apply(PARENT_MANAGER).force(),
                &Patch::Apply(parent),
            )
            .await
            .map_err(|e| unavailable(e, &self.set, "patch"))?;
        Ok(())
    }

    async fn clear(&self) -> Result<(), ApplyError> {
        match self
            .api
            .delete(&self.set.parent_name, &DeleteParams::default())
            .await
        {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(status)) if status.is_not_found() => Ok(()),
            Err(error) => Err(unavailable(error, &self.set, "delete")),
        }
    }
}
