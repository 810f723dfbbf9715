//! Overrides: JSON merge patches (RFC 7386) onto generated objects, re-read into the typed object
//! and re-validated, so that whatever the form does not model can still be expressed losslessly.

use crate::error::{Errors, RenderError};
use crate::render::Object;
use crate::spec::AppSpec;
use crate::validate;
use serde_json::Value;

pub(crate) fn apply(spec: &AppSpec, objects: &mut [Object]) -> Result<(), RenderError> {
    let mut errors = Errors::default();
    for (index, patch) in spec.overrides.iter().enumerate() {
        let at = format!("overrides[{index}]");
        let Some(object) = objects
            .iter_mut()
            .find(|o| o.kind() == patch.kind && o.name() == patch.name)
        else {
            if Object::KINDS.contains(&patch.kind.as_str()) {
                errors.push(
                    format!("{at}.name"),
                    format!(
                        "this application renders no {} named '{}'",
                        patch.kind, patch.name
                    ),
                );
            } else {
                errors.push(
                    format!("{at}.kind"),
                    format!(
                        "'{}' is not a kind this application renders (one of {})",
                        patch.kind,
                        Object::KINDS.join(", ")
                    ),
                );
            }
            continue;
        };
        match patched(object, &patch.patch) {
            Ok(updated) => {
                let problems = validate::object(&updated);
                if problems.is_empty() {
                    *object = updated;
                }
                errors.extend(problems.into_iter().map(|(path, message)| {
                    crate::FieldError::new(format!("{at}.patch"), format!("{path}: {message}"))
                }));
            }
            Err(message) => errors.push(format!("{at}.patch"), message),
        }
    }
    errors.into_result()
}

fn patched(object: &Object, patch: &Value) -> Result<Object, String> {
    if !patch.is_object() {
        return Err("must be an object (a JSON merge patch)".into());
    }
    let original = object.to_value().map_err(|e| e.to_string())?;
    let mut merged = original.clone();
    merge(&mut merged, patch);
    for field in [
        "/apiVersion",
        "/kind",
        "/metadata/name",
        "/metadata/namespace",
    ] {
        if original.pointer(field) != merged.pointer(field) {
            return Err(format!(
                "may not change {}; rename it in the form instead",
                &field[1..].replace('/', ".")
            ));
        }
    }
    let typed = object
        .same_kind_from_value(merged.clone())
        .map_err(|e| format!("does not fit a {}: {e}", object.kind()))?;
    // The typed structs drop fields they do not know; a difference means the patch named one.
    let round_trip = typed.to_value().map_err(|e| e.to_string())?;
    if let Some(path) = first_difference(&merged, &round_trip, String::new()) {
        return Err(format!("{} has no field {path}", object.kind()));
    }
    Ok(typed)
}

/// RFC 7386: objects merge key by key, `null` deletes, anything else replaces.
pub(crate) fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(target_map) = target {
        for (key, value) in patch_map {
            if value.is_null() {
                target_map.remove(key);
            } else {
                merge(target_map.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

fn first_difference(wanted: &Value, got: &Value, path: String) -> Option<String> {
    match (wanted, got) {
        (Value::Object(a), Value::Object(b)) => {
            a.iter().find_map(|(key, value)| match b.get(key) {
                Some(other) => first_difference(value, other, format!("{path}.{key}")),
                None if value.is_null()
                    || value.as_object().is_some_and(|o| o.is_empty())
                    || value.as_array().is_some_and(|a| a.is_empty()) =>
                {
                    None
                }
                None => Some(format!("{path}.{key}")),
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, format!("{path}[{i}]"))),
        _ if wanted == got => None,
        // Numbers may change representation (1 vs 1.0) without changing meaning.
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => None,
        _ => Some(if path.is_empty() { ".".into() } else { path }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}, "l": [1, 2]});
        merge(
            &mut target,
            &json!({"a": "z", "c": {"f": null}, "l": [3], "n": {"x": 1}}),
        );
        assert_eq!(
            target,
            json!({"a": "z", "c": {"d": "e"}, "l": [3], "n": {"x": 1}})
        );
    }
}
