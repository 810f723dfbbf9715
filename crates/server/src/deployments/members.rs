//! The delete preview: the objects of an app as the cluster holds them. The candidates are the
//! recorded object set and what the last applied revision renders (the same as a delete's); each
//! is listed when the cluster has it labelled as a member of the app's ApplySet, read with one
//! labelled LIST per kind and namespace. That is exactly what a delete would remove: it leaves
//! alone whatever is gone or no longer labelled.

use super::inventory;
use super::operation_views::{DeletePreviewView, PreviewObjectView};
use super::{DeploymentError, Deployments, was_applied};
use crate::clusters::ClusterError;
use kube::api::{Api, DynamicObject, ListParams};
use kube::core::GroupVersionKind;
use kube::discovery::Scope;
use kubechart_kube::ObjectRef;
use kubechart_kube::apply::{ApplyError, Desired};
use kubechart_kube::connect::{Connection, ResolveError};
use kubechart_manifest::APPLYSET_PART_OF_LABEL;
use kubechart_store::{DeploymentId, User, operations};
use std::collections::{BTreeMap, BTreeSet};

impl Deployments {
    /// The objects deleting the deployment would remove from its cluster.
    pub async fn delete_preview(
        &self,
        user: &User,
        id: DeploymentId,
    ) -> Result<DeletePreviewView, DeploymentError> {
        let deployment = self.visible(user, id).await?;
        if !was_applied(&deployment) {
            return Ok(DeletePreviewView {
                objects: Vec::new(),
            });
        }
        let cluster = self.bound_cluster(user, &deployment).await?;
        let revision = deployment.applied_revision.unwrap_or(deployment.revision);
        let (_, spec) = self.target(&deployment, Some(revision)).await?;
        let desired = Desired::from_spec(&spec)?;
        let mut candidates =
            inventory::parse(operations::recorded_inventory(self.store.connection(), id).await?)?;
        candidates.extend(desired.objects.iter().map(|o| o.reference.clone()));
        let connection = self.clusters.connection(&cluster).await?;
        let objects = labelled_members(&connection, &desired.set.id, &candidates).await?;
        Ok(DeletePreviewView { objects })
    }
}

/// Candidates of one kind in one namespace (`None`: cluster-wide), by name.
type Groups = BTreeMap<(String, String, Option<String>), BTreeSet<String>>;

/// The candidates the cluster has, labelled as members of `set_id`.
async fn labelled_members(
    connection: &Connection,
    set_id: &str,
    candidates: &BTreeSet<ObjectRef>,
) -> Result<Vec<PreviewObjectView>, DeploymentError> {
    let mut groups = Groups::new();
    for candidate in candidates {
        groups
            .entry((
                candidate.api_version.clone(),
                candidate.kind.clone(),
                candidate.namespace.clone(),
            ))
            .or_default()
            .insert(candidate.name.clone());
    }
    let params = ListParams::default().labels(&format!("{APPLYSET_PART_OF_LABEL}={set_id}"));
    let mut found = Vec::new();
    for ((api_version, kind, namespace), names) in groups {
        let probe = ObjectRef {
            api_version: api_version.clone(),
            kind: kind.clone(),
            namespace: namespace.clone(),
            name: String::new(),
        };
        let gvk = GroupVersionKind::gvk(probe.group(), probe.version(), &kind);
        let (resource, scope) = match connection.resolve(&gvk).await {
            Ok(resolved) => resolved,
            // A kind the cluster no longer serves has no objects left to delete.
            Err(ResolveError::NotInstalled { .. }) => continue,
            Err(ResolveError::Unreachable(unreachable)) => {
                return Err(ClusterError::Unreachable(unreachable).into());
            }
        };
        let client = connection.client().clone();
        let api: Api<DynamicObject> = match (&scope, &namespace) {
            (Scope::Namespaced, Some(namespace)) => {
                Api::namespaced_with(client, namespace, &resource)
            }
            _ => Api::all_with(client, &resource),
        };
        let listed = api
            .list(&params)
            .await
            .map_err(|error| list_failed(error, &resource.plural))?;
        let cluster_scoped = matches!(scope, Scope::Cluster);
        for item in listed.items {
            let Some(name) = item.metadata.name.filter(|name| names.contains(name)) else {
                continue;
            };
            found.push(PreviewObjectView {
                api_version: api_version.clone(),
                kind: kind.clone(),
                namespace: namespace.clone().filter(|_| !cluster_scoped),
                name,
                cluster_scoped,
            });
        }
    }
    Ok(found)
}

fn list_failed(error: kube::Error, plural: &str) -> DeploymentError {
    let error = match error {
        kube::Error::Api(status) if status.is_forbidden() => ApplyError::Forbidden(format!(
            "the cluster credentials may not list {plural}, so the objects a delete would remove cannot be shown"
        )),
        other => ApplyError::Unavailable(other.to_string()),
    };
    DeploymentError::Apply(error)
}
