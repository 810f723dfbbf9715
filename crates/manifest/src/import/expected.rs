//! What an imported object looks like once KubeChart renders it: the object as read (cleaned),
//! in the app's namespace, with KubeChart's labels added where the object has none of its own
//! under the same key, and `app.kubernetes.io/managed-by: kubechart` in any case (the object
//! changes hands). Pod templates get them too where a change rolls pods but is allowed
//! (Deployments, StatefulSets, ReplicaSets, DaemonSets, CronJobs, bare Pods); a Job's template and a
//! StatefulSet's claim templates cannot change, so they stay as they are.

use super::identity::AppLabels;
use crate::membership::APPLYSET_PART_OF_LABEL;
use crate::refs::{MANAGED_BY_LABEL, MANAGER};
use crate::render::extra::is_namespaced_kind;
use crate::spec::StringMap;
use serde_json::{Map, Value};

pub(crate) fn expected(
    cleaned: &Value,
    app: &AppLabels,
    namespace: &str,
    set_id: &str,
    form_entry: bool,
) -> Value {
    let mut object = cleaned.clone();
    let kind = object["kind"].as_str().unwrap_or_default().to_owned();
    let name = object["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut own = app.common.clone();
    if form_entry && kind == "Pod" {
        own.extend(app.standard_selector(&name));
    }
    add_labels(&mut object, "/metadata", &own);
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        if is_namespaced_kind(&kind) {
            meta.insert("namespace".into(), Value::String(namespace.to_owned()));
        } else {
            meta.remove("namespace");
        }
        if let Some(labels) = meta.get_mut("labels").and_then(Value::as_object_mut) {
            labels.insert(
                APPLYSET_PART_OF_LABEL.into(),
                Value::String(set_id.to_owned()),
            );
            labels.insert(MANAGED_BY_LABEL.into(), Value::String(MANAGER.to_owned()));
        }
    }
    if !form_entry {
        return object;
    }
    match kind.as_str() {
        "Deployment" | "StatefulSet" | "ReplicaSet" | "DaemonSet" => {
            add_labels(&mut object, "/spec/template/metadata", &app.common);
        }
        "CronJob" => {
            add_labels(&mut object, "/spec/jobTemplate/metadata", &app.common);
            let mut pod = app.common.clone();
            pod.extend(app.standard_selector(&name));
            add_labels(
                &mut object,
                "/spec/jobTemplate/spec/template/metadata",
                &pod,
            );
        }
        _ => {}
    }
    object
}

/// Adds `labels` to the `labels` of the metadata at `pointer` (created if absent); existing keys win.
fn add_labels(object: &mut Value, pointer: &str, labels: &StringMap) {
    let (parent, field) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    let Some(parent) = (if parent.is_empty() {
        Some(&mut *object)
    } else {
        object.pointer_mut(parent)
    }) else {
        return;
    };
    let Some(parent) = parent.as_object_mut() else {
        return;
    };
    let meta = parent
        .entry(field)
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(meta) = meta.as_object_mut() else {
        return;
    };
    let existing = meta
        .entry("labels")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(existing) = existing.as_object_mut() {
        for (key, value) in labels {
            existing
                .entry(key.clone())
                .or_insert_with(|| Value::String(value.clone()));
        }
    }
}
