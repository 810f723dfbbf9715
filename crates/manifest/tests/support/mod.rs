//! Helpers shared by the integration tests: the example AppSpecs, what an imported object must
//! render back as, and where the upstream schemas are and which kinds they describe.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use kubechart_manifest::import::{Imported, Outcome, without_server_fields};
use kubechart_manifest::{
    APPLYSET_PART_OF_LABEL, ApplySet, COMPONENT_LABEL, INSTANCE_LABEL, MANAGED_BY_LABEL,
    NAME_LABEL, PART_OF_LABEL,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

pub fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// (name, AppSpec text) of every example, sorted by name.
pub fn examples() -> Vec<(String, String)> {
    let mut out: Vec<_> = yaml_files(&examples_dir())
        .into_iter()
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The golden rendering of the example `name`.
pub fn golden_path(name: &str) -> PathBuf {
    examples_dir().join("golden").join(format!("{name}.yaml"))
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("the folder exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect()
}

const CLUSTER_SCOPED: [&str; 4] = [
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "PersistentVolume",
];

/// What an input object must look like after import and render: without server-managed fields,
/// in the app's namespace, with KubeChart's labels wherever it has no label of the same key, and
/// (for form entries) on the pod templates that may change.
pub fn oracle(object: &Value, outcome: Outcome, imported: &Imported) -> Value {
    let spec = &imported.spec;
    let mut object = without_server_fields(object);
    let kind = object["kind"].as_str().unwrap().to_owned();
    let name = object["metadata"]["name"].as_str().unwrap().to_owned();
    let instance = spec.instance.clone().unwrap_or_else(|| spec.name.clone());
    let common = json!({
        NAME_LABEL: spec.name, INSTANCE_LABEL: instance,
        PART_OF_LABEL: spec.part_of.clone().unwrap_or_else(|| spec.name.clone()),
        MANAGED_BY_LABEL: "kubechart",
    });
    let mut with_component = common.clone();
    with_component[COMPONENT_LABEL] = json!(name);
    let add = |object: &mut Value, pointer: &str, labels: &Value| {
        let meta = object.pointer_mut(pointer).unwrap();
        if meta.get("labels").is_none() {
            meta["labels"] = json!({});
        }
        for (key, value) in labels.as_object().unwrap() {
            if meta["labels"].get(key).is_none() {
                meta["labels"][key] = value.clone();
            }
        }
    };
    let form = outcome == Outcome::Form;
    add(
        &mut object,
        "/metadata",
        if form && kind == "Pod" {
            &with_component
        } else {
            &common
        },
    );
    object["metadata"]["labels"][APPLYSET_PART_OF_LABEL] =
        json!(ApplySet::of_app(&spec.name, &spec.namespace).id);
    // The object changes hands whoever managed it before.
    object["metadata"]["labels"][MANAGED_BY_LABEL] = json!("kubechart");
    if CLUSTER_SCOPED.contains(&kind.as_str()) {
        object["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("namespace");
    } else {
        object["metadata"]["namespace"] = json!(spec.namespace);
    }
    if form {
        match kind.as_str() {
            "Deployment" | "StatefulSet" | "ReplicaSet" | "DaemonSet" => {
                ensure(&mut object, "/spec/template", "metadata");
                add(&mut object, "/spec/template/metadata", &common);
            }
            "CronJob" => {
                ensure(&mut object, "/spec/jobTemplate", "metadata");
                add(&mut object, "/spec/jobTemplate/metadata", &common);
                ensure(&mut object, "/spec/jobTemplate/spec/template", "metadata");
                add(
                    &mut object,
                    "/spec/jobTemplate/spec/template/metadata",
                    &with_component,
                );
            }
            _ => {}
        }
    }
    object
}

fn ensure(object: &mut Value, pointer: &str, field: &str) {
    let parent = object.pointer_mut(pointer).unwrap();
    if parent.get(field).is_none() {
        parent[field] = json!({});
    }
}

/// The upstream schemas (`../shared/k8s-schemas`, or `KUBECHART_SCHEMAS_DIR`) when every one of
/// `parts` is there; otherwise `None` after a notice that `test` is skipped.
pub fn schemas_dir(test: &str, parts: &[&str]) -> Option<PathBuf> {
    let dir = std::env::var_os("KUBECHART_SCHEMAS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/k8s-schemas")
        });
    if parts.iter().all(|part| dir.join(part).is_dir()) {
        Some(dir)
    } else {
        println!(
            "{test} skipped: {} not found (set KUBECHART_SCHEMAS_DIR)",
            dir.display()
        );
        None
    }
}

/// The "apiVersion/kind" keys an OpenAPI component schema stands for.
pub fn kinds_of(schema: &Value) -> Vec<String> {
    schema["x-kubernetes-group-version-kind"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|gvk| {
            let group = gvk["group"].as_str().unwrap_or_default();
            let version = gvk["version"].as_str().unwrap_or_default();
            let kind = gvk["kind"].as_str().unwrap_or_default();
            if group.is_empty() {
                format!("{version}/{kind}")
            } else {
                format!("{group}/{version}/{kind}")
            }
        })
        .collect()
}
