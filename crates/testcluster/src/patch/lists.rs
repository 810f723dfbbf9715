//! How the lists of the kinds we serve merge: by key (associative), as sets, or atomically.
//! This is the part of the OpenAPI schema (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`,
//! `x-kubernetes-patch-merge-key`) that strategic merge and server-side apply need.

use serde_json::{Map, Value};

/// A list's merge behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListType {
    /// Replaced as a whole.
    Atomic,
    /// Scalars merged as a set.
    Set,
    /// Objects merged by these key fields.
    Map(&'static [&'static str]),
}

/// The list type of the list at `path` (field names from the object root).
pub fn list_type(path: &[&str]) -> ListType {
    let Some(last) = path.last() else {
        return ListType::Atomic;
    };
    let under_containers = path
        .iter()
        .any(|p| matches!(*p, "containers" | "initContainers" | "ephemeralContainers"));
    match *last {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => ListType::Map(&["name"]),
        "volumeMounts" => ListType::Map(&["mountPath"]),
        "ports" if under_containers => ListType::Map(&["containerPort", "protocol"]),
        "ports" if path == ["spec", "ports"] => ListType::Map(&["port", "protocol"]),
        "conditions" => ListType::Map(&["type"]),
        "ownerReferences" => ListType::Map(&["uid"]),
        "finalizers" => ListType::Set,
        "topologySpreadConstraints" => ListType::Map(&["topologyKey", "whenUnsatisfiable"]),
        "hostAliases" => ListType::Map(&["ip"]),
        _ => ListType::Atomic,
    }
}

/// The key of an item in an associative list, with kube-apiserver's defaults filled in
/// (`protocol: TCP`), as a map sorted by key name.
pub fn item_key(item: &Value, keys: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    let mut sorted: Vec<&str> = keys.to_vec();
    sorted.sort_unstable();
    for k in sorted {
        let v = match item.get(k) {
            Some(v) => v.clone(),
            None if k == "protocol" => Value::String("TCP".into()),
            None => continue,
        };
        out.insert(k.to_string(), v);
    }
    out
}
