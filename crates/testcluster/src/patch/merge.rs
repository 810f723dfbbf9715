//! JSON merge patch (RFC 7386).

use serde_json::Value;

/// Applies a merge patch: objects merge key by key, `null` deletes, everything else replaces.
pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    let Value::Object(patch_map) = patch else {
        return patch.clone();
    };
    let mut result = match target {
        Value::Object(m) => m.clone(),
        _ => serde_json::Map::new(),
    };
    for (k, v) in patch_map {
        if v.is_null() {
            result.remove(k);
        } else {
            let merged = merge_patch(result.get(k).unwrap_or(&Value::Null), v);
            result.insert(k.clone(), merged);
        }
    }
    Value::Object(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn null_removes_and_objects_merge() {
        let out = merge_patch(
            &json!({"a": 1, "b": {"c": 2, "d": 3}, "l": [1, 2]}),
            &json!({"a": null, "b": {"c": 5}, "l": [3]}),
        );
        assert_eq!(out, json!({"b": {"c": 5, "d": 3}, "l": [3]}));
    }
}
