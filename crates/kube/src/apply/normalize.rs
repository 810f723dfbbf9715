//! Objects as users compare them: server bookkeeping removed, Secret values masked, and a YAML
//! diff between what is live and what applying would make of it.

use serde_json::{Map, Value};

/// Metadata the server writes and users never set.
const SERVER_METADATA: &[&str] = &[
    "managedFields",
    "resourceVersion",
    "uid",
    "creationTimestamp",
    "generation",
    "selfLink",
];

/// The annotation client-side apply leaves; it duplicates the whole object.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The object without status and server bookkeeping: what the user's fields amount to.
pub(crate) fn strip(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(fields) = object.as_object_mut() {
        fields.remove("status");
        if let Some(metadata) = fields.get_mut("metadata").and_then(Value::as_object_mut) {
            for key in SERVER_METADATA {
                metadata.remove(*key);
            }
            if let Some(annotations) = metadata
                .get_mut("annotations")
                .and_then(Value::as_object_mut)
            {
                annotations.remove(LAST_APPLIED);
                if annotations.is_empty() {
                    metadata.remove("annotations");
                }
            }
        }
    }
    object
}

/// Masks the values of a Secret pair so a diff shows which keys change without showing values.
pub(crate) fn mask_secrets(before: &mut Value, after: &mut Value) {
    let is_secret = |v: &Value| v.get("kind").and_then(Value::as_str) == Some("Secret");
    if !is_secret(before) && !is_secret(after) {
        return;
    }
    for field in ["data", "stringData"] {
        let old = before.get(field).and_then(Value::as_object).cloned();
        let new = after.get(field).and_then(Value::as_object).cloned();
        if let Some(old) = &old {
            let masked = mask_map(old, new.as_ref(), "before");
            before[field] = Value::Object(masked);
        }
        if let Some(new) = &new {
            let masked = mask_map(new, old.as_ref(), "after");
            after[field] = Value::Object(masked);
        }
    }
}

fn mask_map(
    values: &Map<String, Value>,
    other: Option<&Map<String, Value>>,
    side: &str,
) -> Map<String, Value> {
    values
        .iter()
        .map(|(key, value)| {
            let same = other.and_then(|o| o.get(key)) == Some(value);
            let shown = if same {
                "*** (unchanged)".to_owned()
            } else {
                format!("*** ({side})")
            };
            (key.clone(), Value::String(shown))
        })
        .collect()
}

/// `before` with its keys, at every level, in the order `after` has them (keys only in `before`
/// last): servers and list responses order keys differently, and a text diff must show changes
/// of values, not of key order.
pub(crate) fn align_keys(before: &Value, after: &Value) -> Value {
    match (before, after) {
        (Value::Object(old), Value::Object(new)) => {
            let mut aligned = Map::with_capacity(old.len());
            for (key, value) in new {
                if let Some(previous) = old.get(key) {
                    aligned.insert(key.clone(), align_keys(previous, value));
                }
            }
            for (key, value) in old {
                if !aligned.contains_key(key) {
                    aligned.insert(key.clone(), value.clone());
                }
            }
            Value::Object(aligned)
        }
        (Value::Array(old), Value::Array(new)) => Value::Array(
            old.iter()
                .enumerate()
                .map(|(i, item)| {
                    new.get(i)
                        .map_or_else(|| item.clone(), |n| align_keys(item, n))
                })
                .collect(),
        ),
        _ => before.clone(),
    }
}

/// A unified diff of two objects as YAML; empty when they are equal.
pub(crate) fn yaml_diff(before: Option<&Value>, after: Option<&Value>) -> String {
    let text = |value: Option<&Value>| {
        value
            .map(|v| serde_saphyr::to_string(v).unwrap_or_else(|e| format!("# {e}\n")))
            .unwrap_or_default()
    };
    let (old, new) = (text(before), text(after));
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header("live", "desired")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strips_bookkeeping_and_keeps_user_fields() {
        let live = json!({"kind": "ConfigMap", "metadata": {"name": "c", "uid": "1", "resourceVersion": "5",
            "managedFields": [], "annotations": {LAST_APPLIED: "{}"}}, "data": {"a": "b"}, "status": {}});
        assert_eq!(
            strip(&live),
            json!({"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "b"}})
        );
    }

    #[test]
    fn secret_values_never_reach_the_diff() {
        let mut before = json!({"kind": "Secret", "data": {"same": "c2VjcmV0", "changed": "b2xk"}});
        let mut after = json!({"kind": "Secret", "data": {"same": "c2VjcmV0", "changed": "bmV3", "added": "eA=="}});
        mask_secrets(&mut before, &mut after);
        let diff = yaml_diff(Some(&before), Some(&after));
        for value in ["c2VjcmV0", "b2xk", "bmV3", "eA=="] {
            assert!(!diff.contains(value), "{diff}");
        }
        assert!(
            diff.contains("-  changed: '*** (before)'")
                || diff.contains("-  changed: \"*** (before)\""),
            "{diff}"
        );
        assert!(diff.contains("added"), "{diff}");
        assert!(!diff.contains("-  same"), "{diff}");
    }

    #[test]
    fn key_order_is_not_a_change() {
        let live = json!({"kind": "Secret", "type": "Opaque", "data": {"b": "1", "a": "2"}});
        let desired = json!({"kind": "Secret", "data": {"a": "2", "b": "1"}, "type": "Opaque"});
        let aligned = align_keys(&live, &desired);
        assert_eq!(yaml_diff(Some(&aligned), Some(&desired)), "");
        let changed = json!({"kind": "Secret", "data": {"a": "3", "b": "1"}, "type": "Opaque", "immutable": true});
        let diff = yaml_diff(Some(&align_keys(&live, &changed)), Some(&changed));
        assert!(
            diff.contains("-  a: '2'") || diff.contains("-  a: \"2\""),
            "{diff}"
        );
        assert!(diff.contains("+immutable: true"), "{diff}");
    }

    #[test]
    fn equal_objects_have_no_diff() {
        let object = json!({"kind": "Service", "spec": {"ports": [{"port": 80}]}});
        assert_eq!(yaml_diff(Some(&object), Some(&object)), "");
        assert!(yaml_diff(None, Some(&object)).contains("+kind: Service"));
    }
}
