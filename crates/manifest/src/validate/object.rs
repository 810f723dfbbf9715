//! Checks on a rendered object after an override was merged onto it: what the override could break.

use super::{labels, names};
use crate::render::Object;

/// Problems as (object field path, message).
pub(crate) fn object(object: &Object) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let meta = object.metadata();
    for (key, value) in meta.labels.iter().flatten() {
        if let Err(e) = labels::qualified_name(key).and_then(|()| labels::label_value(value)) {
            problems.push((format!("metadata.labels.{key}"), e));
        }
    }
    for key in meta.annotations.iter().flatten().map(|(k, _)| k) {
        if let Err(e) = labels::qualified_name(key) {
            problems.push((format!("metadata.annotations.{key}"), e));
        }
    }
    let template = match object {
        Object::Deployment(o) => o
            .spec
            .as_ref()
            .map(|s| (Some(&s.selector), Some(&s.template))),
        Object::StatefulSet(o) => o
            .spec
            .as_ref()
            .map(|s| (Some(&s.selector), Some(&s.template))),
        Object::ReplicaSet(o) => o
            .spec
            .as_ref()
            .map(|s| (Some(&s.selector), s.template.as_ref())),
        Object::Job(o) => o.spec.as_ref().map(|s| (None, Some(&s.template))),
        _ => None,
    };
    if let Some((selector, Some(template))) = template {
        let template_labels = template
            .metadata
            .as_ref()
            .and_then(|m| m.labels.clone())
            .unwrap_or_default();
        for (key, value) in selector
            .and_then(|s| s.match_labels.as_ref())
            .into_iter()
            .flatten()
        {
            if template_labels.get(key) != Some(value) {
                problems.push((
                    format!("spec.selector.matchLabels.{key}"),
                    "does not match the pod template labels".to_owned(),
                ));
            }
        }
        for (i, container) in template.spec.iter().flat_map(|s| &s.containers).enumerate() {
            if let Err(e) = names::dns1123_label(&container.name) {
                problems.push((format!("spec.template.spec.containers[{i}].name"), e));
            }
            if container
                .image
                .as_deref()
                .unwrap_or_default()
                .trim()
                .is_empty()
            {
                problems.push((
                    format!("spec.template.spec.containers[{i}].image"),
                    "must not be empty".to_owned(),
                ));
            }
        }
    }
    problems
}
