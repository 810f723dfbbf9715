//! Object metadata: names, namespace, standard labels and annotations.

use crate::refs::Refs;
use crate::spec::StringMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

/// Metadata of a namespaced object in the app's namespace.
pub(super) fn namespaced(refs: &Refs, name: &str) -> ObjectMeta {
    ObjectMeta {
        namespace: Some(refs.spec.namespace.clone()),
        ..cluster(refs, name)
    }
}

/// Metadata of a cluster-scoped object.
pub(super) fn cluster(refs: &Refs, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        labels: Some(refs.common_labels()),
        annotations: non_empty(refs.spec.annotations.clone()),
        ..ObjectMeta::default()
    }
}

/// Adds object-specific annotations to the app-wide ones.
pub(super) fn with_annotations(mut meta: ObjectMeta, extra: &StringMap) -> ObjectMeta {
    if !extra.is_empty() {
        let mut annotations = meta.annotations.take().unwrap_or_default();
        annotations.extend(extra.clone());
        meta.annotations = Some(annotations);
    }
    meta
}

/// `None` for an empty map, so empty maps are not rendered.
pub(super) fn non_empty(map: StringMap) -> Option<StringMap> {
    if map.is_empty() { None } else { Some(map) }
}

/// `None` for an empty list.
pub(super) fn non_empty_vec<T>(items: Vec<T>) -> Option<Vec<T>> {
    if items.is_empty() { None } else { Some(items) }
}

/// A selector matching exactly these labels.
pub(super) fn selector(labels: StringMap) -> LabelSelector {
    LabelSelector {
        match_labels: Some(labels),
        ..LabelSelector::default()
    }
}
