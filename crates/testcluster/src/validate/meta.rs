//! ObjectMeta validation: name, labels, annotations, ownerReferences.

use serde_json::Value;

use super::names::{label_value_errors, name_errors, qualified_name_errors};
use crate::registry::ResourceDef;
use crate::status::Cause;

/// Validates `metadata`.
pub fn object_meta(def: &ResourceDef, obj: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    for e in name_errors(def.kind, name) {
        causes.push(Cause::invalid(
            "metadata.name",
            &Value::String(name.into()),
            e,
        ));
    }
    causes.extend(labels(obj.pointer("/metadata/labels"), "metadata.labels"));
    if let Some(ann) = obj
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
    {
        let mut total = 0;
        for (k, v) in ann {
            for e in qualified_name_errors(&k.to_lowercase()) {
                causes.push(Cause::invalid(
                    "metadata.annotations",
                    &Value::String(k.clone()),
                    e,
                ));
            }
            total += k.len() + v.as_str().map_or(0, str::len);
        }
        if total > 256 * 1024 {
            causes.push(Cause {
                reason: "FieldValueTooLong",
                field: "metadata.annotations".into(),
                message: format!("Too long: may not be more than {} bytes", 256 * 1024),
            });
        }
    }
    for (i, r) in obj
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        for field in ["apiVersion", "kind", "name", "uid"] {
            if r.get(field)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                causes.push(Cause::invalid(
                    format!("metadata.ownerReferences[{i}].{field}"),
                    &Value::String(String::new()),
                    format!("{field} must not be empty"),
                ));
            }
        }
    }
    causes
}

/// Validates a label map at `field`.
pub fn labels(labels: Option<&Value>, field: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    for (k, v) in labels.and_then(Value::as_object).into_iter().flatten() {
        for e in qualified_name_errors(k) {
            causes.push(Cause::invalid(field, &Value::String(k.clone()), e));
        }
        let value = v.as_str().unwrap_or_default();
        for e in label_value_errors(value) {
            causes.push(Cause::invalid(field, &Value::String(value.into()), e));
        }
    }
    causes
}
