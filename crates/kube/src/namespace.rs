//! What a namespace holds, read for an import: the cluster's namespaces, and a namespace's objects
//! of every kind the form has an entry for. Objects an import must leave alone are set aside with
//! the reason: those a controller made (they come back with their controller), those of another
//! app (taking them would fight its owner), and those Kubernetes makes in every namespace by
//! itself (an app that adopted them would delete them with it).

use crate::ObjectRef;
use crate::apply::set_owner;
use crate::connect::{Connection, ResolveError, Scope, Unreachable};
use crate::object_ref::typed_item;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DynamicObject, GroupVersionKind, ListParams};
use kubechart_manifest::Object;
use serde_json::Value;

/// A namespace's importable objects and what was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct NamespaceObjects {
    /// The objects to import, typed like a GET returns them, in the form's kind order and by name.
    pub objects: Vec<Value>,
    /// Objects read but left out, each with the reason.
    pub skipped: Vec<Skipped>,
    /// Kinds the credentials may not list, each with the reason. Kinds the cluster does not serve
    /// are not here: it holds nothing of them to import.
    pub unlisted: Vec<Unlisted>,
}

/// An object left out of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub reference: ObjectRef,
    pub reason: String,
}

/// A kind that could not be listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlisted {
    pub api_version: String,
    pub kind: String,
    pub reason: String,
}

/// Why a namespace could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NamespaceError {
    /// The namespace does not exist.
    #[error("namespace {0} does not exist on the cluster")]
    Missing(String),
    /// The cluster did not answer, or refused a request the whole read depends on.
    #[error("{0}")]
    Unreachable(Unreachable),
}

/// The names of the cluster's namespaces, sorted.
pub async fn namespaces(connection: &Connection) -> Result<Vec<String>, Unreachable> {
    let api: Api<Namespace> = Api::all(connection.client().clone());
    let list = api
        .list_metadata(&ListParams::default())
        .await
        .map_err(|error| Unreachable::classify(&error))?;
    let mut names: Vec<String> = list
        .items
        .into_iter()
        .filter_map(|namespace| namespace.metadata.name)
        .collect();
    names.sort();
    Ok(names)
}

/// The objects of `namespace` an import can take, of the kinds the form renders (namespaced ones
/// only: an app does not own its namespace or anything cluster-wide), restricted to `selector`
/// (a label selector, already validated) when given.
pub async fn read_for_import(
    connection: &Connection,
    namespace: &str,
    selector: Option<&str>,
) -> Result<NamespaceObjects, NamespaceError> {
    let namespaces: Api<Namespace> = Api::all(connection.client().clone());
    match namespaces.get_metadata_opt(namespace).await {
        Ok(Some(_)) => {}
        Ok(None) => return Err(NamespaceError::Missing(namespace.to_owned())),
        // Credentials limited to their namespaces may not read namespaces; the lists tell.
        Err(kube::Error::Api(status)) if status.is_forbidden() => {}
        Err(error) => return Err(NamespaceError::Unreachable(Unreachable::classify(&error))),
    }
    let params = match selector {
        Some(selector) => ListParams::default().labels(selector),
        None => ListParams::default(),
    };
    let params = &params;
    let listing = Object::KINDS.iter().filter_map(|kind| {
        let api_version = Object::typed_api_version_of_kind(kind)?;
        Some(async move {
            let listed = list_kind(connection, namespace, api_version, kind, params).await;
            (api_version, *kind, listed)
        })
    });
    let mut read = NamespaceObjects {
        objects: Vec::new(),
        skipped: Vec::new(),
        unlisted: Vec::new(),
    };
    for (api_version, kind, listed) in futures::future::join_all(listing).await {
        let items = match listed {
            Ok(items) => items,
            Err(ListFailure::Forbidden(reason)) => {
                read.unlisted.push(Unlisted {
                    api_version: api_version.to_owned(),
                    kind: kind.to_owned(),
                    reason,
                });
                continue;
            }
            Err(ListFailure::Failed(unreachable)) => {
                return Err(NamespaceError::Unreachable(unreachable));
            }
        };
        let mut items: Vec<Value> = items
            .iter()
            .map(|item| typed_item(api_version, kind, item))
            .collect();
        items.sort_by(|a, b| {
            a["metadata"]["name"]
                .as_str()
                .cmp(&b["metadata"]["name"].as_str())
        });
        for object in items {
            match left_out(&object) {
                Some(reason) => read.skipped.push(Skipped {
                    reference: ObjectRef::of(&object).unwrap_or_else(|| ObjectRef {
                        api_version: api_version.to_owned(),
                        kind: kind.to_owned(),
                        namespace: Some(namespace.to_owned()),
                        name: String::new(),
                    }),
                    reason,
                }),
                None => read.objects.push(object),
            }
        }
    }
    Ok(read)
}

/// Why one kind could not be listed.
enum ListFailure {
    Forbidden(String),
    Failed(Unreachable),
}

/// The kind's objects in the namespace; none when the cluster does not serve the kind (a CRD
/// that is not installed) or it is cluster-scoped.
async fn list_kind(
    connection: &Connection,
    namespace: &str,
    api_version: &str,
    kind: &str,
    params: &ListParams,
) -> Result<Vec<DynamicObject>, ListFailure> {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let gvk = GroupVersionKind::gvk(group, version, kind);
    let resource = match connection.resolve(&gvk).await {
        Ok((resource, Scope::Namespaced)) => resource,
        Ok((_, Scope::Cluster)) | Err(ResolveError::NotInstalled { .. }) => return Ok(Vec::new()),
        Err(ResolveError::Unreachable(unreachable)) => {
            return Err(ListFailure::Failed(unreachable));
        }
    };
    let api: Api<DynamicObject> =
        Api::namespaced_with(connection.client().clone(), namespace, &resource);
    match api.list(params).await {
        Ok(list) => Ok(list.items),
        Err(kube::Error::Api(status)) if status.is_forbidden() => {
            Err(ListFailure::Forbidden(format!(
                "the credentials may not list {}: {}",
                resource.plural, status.message
            )))
        }
        Err(error) => Err(ListFailure::Failed(Unreachable::classify(&error))),
    }
}

/// Why an import leaves a live object alone, if it does.
fn left_out(object: &Value) -> Option<String> {
    let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str);
    let controller = object
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .and_then(|owners| owners.iter().find(|o| o["controller"] == true));
    if let Some(owner) = controller {
        return Some(format!(
            "made by {} {}: it comes back with its controller",
            owner["kind"].as_str().unwrap_or_default(),
            owner["name"].as_str().unwrap_or_default()
        ));
    }
    if let Some(owner) = set_owner(object) {
        return Some(owner);
    }
    match (
        text("/kind").unwrap_or_default(),
        text("/metadata/name").unwrap_or_default(),
        text("/type"),
    ) {
        ("ServiceAccount", "default", _) => {
            Some("made by Kubernetes in every namespace".to_owned())
        }
        ("ConfigMap", "kube-root-ca.crt", _) => {
            Some("published by Kubernetes in every namespace (the cluster's CA)".to_owned())
        }
        ("Secret", _, Some("kubernetes.io/service-account-token")) => {
            Some("a service account token: Kubernetes fills it in".to_owned())
        }
        ("Secret", _, Some("helm.sh/release.v1")) => {
            Some("Helm's record of a release: it belongs to Helm, not to the app".to_owned())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubechart_manifest::{APPLYSET_PART_OF_LABEL, INSTANCE_LABEL, MANAGED_BY_LABEL, MANAGER};
    use serde_json::json;

    fn object(kind: &str, name: &str, extra: Value) -> Value {
        let mut object = json!({"apiVersion": "v1", "kind": kind,
            "metadata": {"name": name, "namespace": "shop"}});
        if let (Value::Object(fields), Value::Object(extra)) = (&mut object, extra) {
            fields.extend(extra);
        }
        object
    }

    #[test]
    fn what_an_import_leaves_alone() {
        let pod = object(
            "Pod",
            "web-1",
            json!({"metadata": {"name": "web-1", "ownerReferences": [
                {"kind": "ReplicaSet", "name": "web-abc", "controller": true}]}}),
        );
        assert_eq!(
            left_out(&pod).as_deref(),
            Some("made by ReplicaSet web-abc: it comes back with its controller")
        );
        let other_app = object(
            "Service",
            "web",
            json!({"metadata": {"name": "web", "labels": {MANAGED_BY_LABEL: MANAGER,
                INSTANCE_LABEL: "blog", APPLYSET_PART_OF_LABEL: "applyset-x-v1"}}}),
        );
        assert_eq!(
            left_out(&other_app).as_deref(),
            Some("belongs to the KubeChart app blog (another deployment)")
        );
        let kubectl_set = object(
            "ConfigMap",
            "c",
            json!({"metadata": {"name": "c", "labels": {APPLYSET_PART_OF_LABEL: "applyset-y-v1"}}}),
        );
        assert_eq!(
            left_out(&kubectl_set).as_deref(),
            Some("belongs to ApplySet applyset-y-v1")
        );
        for made_by_kubernetes in [
            object("ServiceAccount", "default", json!({})),
            object("ConfigMap", "kube-root-ca.crt", json!({})),
            object(
                "Secret",
                "t",
                json!({"type": "kubernetes.io/service-account-token"}),
            ),
            object(
                "Secret",
                "sh.helm.release.v1.shop.v1",
                json!({"type": "helm.sh/release.v1"}),
            ),
        ] {
            assert!(
                left_out(&made_by_kubernetes).is_some(),
                "{made_by_kubernetes}"
            );
        }
        for kept in [
            object("ServiceAccount", "web", json!({})),
            object("Secret", "db", json!({"type": "Opaque"})),
            object(
                "ConfigMap",
                "settings",
                json!({"metadata": {"name": "settings", "ownerReferences": [
                    {"kind": "Certificate", "name": "c"}]}}),
            ),
        ] {
            assert_eq!(left_out(&kept), None, "{kept}");
        }
    }
}
