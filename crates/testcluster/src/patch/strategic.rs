//! Strategic merge patch for the core kinds: lists with merge keys merge by key, `$patch`
//! directives delete or replace, kubectl's `$setElementOrder` hints are accepted.

use serde_json::{Map, Value};

use super::lists::{ListType, item_key, list_type};
use crate::status::ApiError;

/// Applies a strategic merge patch.
pub fn strategic_merge(target: &Value, patch: &Value) -> Result<Value, ApiError> {
    let mut path = Vec::new();
    merge_value(target, patch, &mut path)
}

fn merge_value(target: &Value, patch: &Value, path: &mut Vec<String>) -> Result<Value, ApiError> {
    let Value::Object(patch_map) = patch else {
        return Ok(patch.clone());
    };
    if patch_map.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut m = patch_map.clone();
        m.remove("$patch");
        return Ok(Value::Object(m));
    }
    let mut result = match target {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    for (k, v) in patch_map {
        if k.starts_with("$setElementOrder/") || k == "$retainKeys" || k == "$patch" {
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(cur)), Value::Array(del)) = (result.get_mut(field), v) {
                cur.retain(|x| !del.contains(x));
            }
            continue;
        }
        if v.is_null() {
            result.remove(k);
            continue;
        }
        path.push(k.clone());
        let merged = match (result.get(k), v) {
            (Some(Value::Array(cur)), Value::Array(items)) => merge_list(cur, items, path)?,
            (_, Value::Array(items)) => Value::Array(
                items
                    .iter()
                    .filter(|i| !is_delete_directive(i))
                    .cloned()
                    .collect(),
            ),
            (cur, _) => merge_value(cur.unwrap_or(&Value::Null), v, path)?,
        };
        path.pop();
        result.insert(k.clone(), merged);
    }
    Ok(Value::Object(result))
}

fn is_delete_directive(item: &Value) -> bool {
    item.get("$patch").and_then(Value::as_str) == Some("delete")
}

fn merge_list(cur: &[Value], items: &[Value], path: &mut Vec<String>) -> Result<Value, ApiError> {
    let names: Vec<&str> = path.iter().map(String::as_str).collect();
    match list_type(&names) {
        ListType::Atomic => Ok(Value::Array(items.to_vec())),
        ListType::Set => {
            let mut out = cur.to_vec();
            for i in items {
                if !out.contains(i) {
                    out.push(i.clone());
                }
            }
            Ok(Value::Array(out))
        }
        ListType::Map(keys) => {
            let mut out = cur.to_vec();
            for item in items {
                let key = item_key(item, keys);
                if key.is_empty() {
                    return Err(ApiError::bad_request(format!(
                        "map: {item} does not contain declared merge key: {}",
                        keys.first().copied().unwrap_or_default()
                    )));
                }
                let pos = out.iter().position(|c| item_key(c, keys) == key);
                match (pos, is_delete_directive(item)) {
                    (Some(p), true) => {
                        out.remove(p);
                    }
                    (None, true) => {}
                    (Some(p), false) => out[p] = merge_value(&out[p], item, path)?,
                    (None, false) => out.push(item.clone()),
                }
            }
            Ok(Value::Array(out))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn containers_merge_by_name_and_delete_directive_removes() {
        let target = json!({"spec": {"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]}});
        let patch = json!({"spec": {"containers": [{"name": "a", "image": "a:2"}, {"name": "b", "$patch": "delete"}, {"name": "c", "image": "c:1"}]}});
        let out = strategic_merge(&target, &patch).unwrap();
        assert_eq!(
            out,
            json!({"spec": {"containers": [{"name": "a", "image": "a:2"}, {"name": "c", "image": "c:1"}]}})
        );
    }

    #[test]
    fn atomic_lists_replace() {
        let out = strategic_merge(&json!({"args": ["a", "b"]}), &json!({"args": ["c"]})).unwrap();
        assert_eq!(out, json!({"args": ["c"]}));
    }
}
