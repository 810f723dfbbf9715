//! `extraObjects`: each must say what it is (apiVersion, kind, a valid name), belong to the app's
//! namespace, and not collide with an object the form entries render.

use super::{Validator, labels, names};
use crate::error::Errors;
use crate::render::Object;
use crate::render::extra::{ExtraObject, is_namespaced_kind};
use crate::spec::AppSpec;

/// RBAC objects are named like paths (`system:metrics-reader`); everything else is a DNS subdomain.
const PATH_NAMED_KINDS: [&str; 4] = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

pub(super) fn check(v: &mut Validator) {
    let spec = v.refs.spec;
    for (i, value) in spec.extra_objects.iter().enumerate() {
        let at = format!("extraObjects[{i}]");
        let Some(fields) = value.as_object() else {
            v.error(at, "must be an object with apiVersion, kind and metadata");
            continue;
        };
        for field in ["apiVersion", "kind"] {
            match fields.get(field).and_then(|f| f.as_str()) {
                Some(text) if !text.trim().is_empty() => {}
                Some(_) | None => v.error(format!("{at}.{field}"), "is required"),
            }
        }
        if fields.get("metadata").and_then(|m| m.get("name")).is_none() {
            v.error(format!("{at}.metadata.name"), "is required");
            continue;
        }
        let object: ExtraObject = match serde_path_to_error::deserialize(value.clone()) {
            Ok(object) => object,
            Err(e) => {
                let path = e.path().to_string();
                v.error(format!("{at}.{path}"), e.into_inner().to_string());
                continue;
            }
        };
        if object.kind.trim().is_empty() || object.api_version.trim().is_empty() {
            continue;
        }
        let name = object.metadata.name.clone().unwrap_or_default();
        let name_rule = if PATH_NAMED_KINDS.contains(&object.kind.as_str()) {
            names::path_segment_name(&name)
        } else {
            names::dns1123_subdomain(&name)
        };
        v.check(format!("{at}.metadata.name"), name_rule);
        match (&object.metadata.namespace, is_namespaced_kind(&object.kind)) {
            (Some(namespace), true) if *namespace != spec.namespace => v.error(
                format!("{at}.metadata.namespace"),
                format!(
                    "'{namespace}' is not the app's namespace '{}'; leave it out",
                    spec.namespace
                ),
            ),
            (Some(_), false) => v.error(
                format!("{at}.metadata.namespace"),
                format!("a {} is not namespaced", object.kind),
            ),
            _ => {}
        }
        for (key, value) in object.metadata.labels.iter().flatten() {
            v.check(
                format!("{at}.metadata.labels.{key}"),
                labels::qualified_name(key).and_then(|()| labels::label_value(value)),
            );
        }
        for key in object.metadata.annotations.iter().flatten().map(|(k, _)| k) {
            v.check(
                format!("{at}.metadata.annotations.{key}"),
                labels::qualified_name(key),
            );
        }
    }
}

/// An extra object that is the same object (kind and name) as one rendered from a form entry or
/// from an earlier extra object; checked on the rendered objects, where the names are resolved.
pub(crate) fn collisions(spec: &AppSpec, objects: &[Object]) -> Errors {
    let mut errors = Errors::default();
    for (i, value) in spec.extra_objects.iter().enumerate() {
        let (kind, name) = (
            value["kind"].as_str().unwrap_or_default(),
            value["metadata"]["name"].as_str().unwrap_or_default(),
        );
        let earlier = spec.extra_objects[..i]
            .iter()
            .any(|o| o["kind"] == kind && o["metadata"]["name"] == name);
        let from_entries = objects
            .iter()
            .any(|o| !matches!(o, Object::Extra(_)) && o.kind() == kind && o.name() == name);
        if earlier {
            errors.push(
                format!("extraObjects[{i}].metadata.name"),
                format!("another extra object is already a {kind} named '{name}'"),
            );
        } else if from_entries {
            errors.push(
                format!("extraObjects[{i}].metadata.name"),
                format!("the form entries already render a {kind} named '{name}'"),
            );
        }
    }
    errors
}
