//! The identity of one Kubernetes object, shared by the apply engine, the inventory and the watches.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Which object: API version, kind, namespace (none for cluster-scoped kinds) and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    /// `apiVersion`, e.g. `apps/v1` or `v1`.
    pub api_version: String,
    /// `kind`, e.g. `Deployment`.
    pub kind: String,
    /// `metadata.namespace`; `None` for cluster-scoped objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
}

impl ObjectRef {
    /// The reference of a JSON object (`apiVersion`, `kind`, `metadata.namespace`, `metadata.name`).
    pub fn of(object: &serde_json::Value) -> Option<Self> {
        let text = |pointer: &str| object.pointer(pointer).and_then(|v| v.as_str());
        Some(Self {
            api_version: text("/apiVersion")?.to_owned(),
            kind: text("/kind")?.to_owned(),
            namespace: text("/metadata/namespace")
                .filter(|ns| !ns.is_empty())
                .map(str::to_owned),
            name: text("/metadata/name")?.to_owned(),
        })
    }

    /// The API group: `apps` for `apps/v1`, empty for the core group (`v1`).
    pub fn group(&self) -> &str {
        self.api_version
            .split_once('/')
            .map(|(group, _)| group)
            .unwrap_or("")
    }

    /// The API version without the group: `v1` for `apps/v1`.
    pub fn version(&self) -> &str {
        self.api_version
            .split_once('/')
            .map(|(_, version)| version)
            .unwrap_or(&self.api_version)
    }

    /// `Kind.group` as ApplySet's `contains-group-kinds` writes it (`Deployment.apps`, `Secret`).
    pub fn group_kind(&self) -> String {
        match self.group() {
            "" => self.kind.clone(),
            group => format!("{}.{group}", self.kind),
        }
    }
}

/// `Deployment shop/web`, `ClusterRole reader`: how objects are named in messages.
impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(namespace) => write!(f, "{} {namespace}/{}", self.kind, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// A list item as a GET returns it: list items come without `apiVersion` and `kind`, which go
/// first, where a GET has them.
pub(crate) fn typed_item(
    api_version: &str,
    kind: &str,
    item: &kube::api::DynamicObject,
) -> serde_json::Value {
    let mut typed = serde_json::Map::new();
    typed.insert("apiVersion".into(), api_version.into());
    typed.insert("kind".into(), kind.into());
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(item) {
        typed.extend(
            fields
                .into_iter()
                .filter(|(key, _)| key != "apiVersion" && key != "kind"),
        );
    }
    serde_json::Value::Object(typed)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_identity_and_names_it() {
        let deployment = ObjectRef::of(&json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop"}}))
        .unwrap();
        assert_eq!(deployment.group(), "apps");
        assert_eq!(deployment.version(), "v1");
        assert_eq!(deployment.group_kind(), "Deployment.apps");
        assert_eq!(deployment.to_string(), "Deployment shop/web");
        let role = ObjectRef::of(&json!({"apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole", "metadata": {"name": "reader"}}))
        .unwrap();
        assert_eq!(role.namespace, None);
        assert_eq!(role.to_string(), "ClusterRole reader");
        let secret = ObjectRef::of(&json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "s", "namespace": "shop"}}))
        .unwrap();
        assert_eq!(
            (secret.group(), secret.group_kind().as_str()),
            ("", "Secret")
        );
        assert_eq!(ObjectRef::of(&json!({"kind": "Secret"})), None);
    }
}
