//! JSON merge patches (RFC 7386) between two objects, and the field paths they touch: what an
//! override must say so that a rendered object becomes the imported one.

use serde_json::{Map, Value};

/// The merge patch that turns `from` into `to`; `None` when they are equal. `to` must not contain
/// `null` (a merge patch cannot write one), which cleaned objects never do.
pub(crate) fn diff(from: &Value, to: &Value) -> Option<Value> {
    match (from, to) {
        (Value::Object(a), Value::Object(b)) => {
            let mut patch = Map::new();
            for (key, wanted) in b {
                match a.get(key) {
                    Some(had) => {
                        if let Some(change) = diff(had, wanted) {
                            patch.insert(key.clone(), change);
                        }
                    }
                    None => {
                        patch.insert(key.clone(), wanted.clone());
                    }
                }
            }
            for key in a.keys().filter(|k| !b.contains_key(*k)) {
                patch.insert(key.clone(), Value::Null);
            }
            (!patch.is_empty()).then_some(Value::Object(patch))
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => None,
        _ if from == to => None,
        _ => Some(to.clone()),
    }
}

/// Whether two objects are equal, numbers compared by value (`1` and `1.0` are the same).
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    diff(a, b).is_none() && diff(b, a).is_none()
}

/// The first path at which two objects differ, for messages.
pub(crate) fn first_difference(from: &Value, to: &Value) -> Option<String> {
    let patch = diff(from, to).or_else(|| diff(to, from))?;
    leaves(&patch).into_iter().next().map(|(path, _)| path)
}

/// Every leaf of a value with its dotted path (`spec.ports[0].port`); an empty object or list is
/// a leaf of its own.
pub(crate) fn leaves(value: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    collect(value, String::new(), &mut out);
    out
}

fn collect<'v>(value: &'v Value, path: String, out: &mut Vec<(String, &'v Value)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, item) in map {
                let next = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                collect(item, next, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                collect(item, format!("{path}[{i}]"), out);
            }
        }
        _ => out.push((path, value)),
    }
}

/// Whether `path` is `prefix` or lies below it.
pub(crate) fn is_under(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::overrides::merge;
    use serde_json::json;

    #[test]
    fn the_patch_turns_one_object_into_the_other() {
        let from = json!({"a": 1, "b": {"c": [1, 2], "d": "x"}, "gone": true});
        let to = json!({"a": 1.0, "b": {"c": [1], "e": {}}, "new": {"f": 1}});
        let patch = diff(&from, &to).unwrap();
        let mut merged = from.clone();
        merge(&mut merged, &patch);
        assert!(same(&merged, &to), "{merged}");
        assert_eq!(
            leaves(&patch)
                .into_iter()
                .map(|(p, _)| p)
                .collect::<Vec<_>>(),
            ["b.c[0]", "b.e", "b.d", "new.f", "gone"]
        );
        assert!(diff(&to, &to).is_none());
        assert!(is_under("spec.ports[0].port", "spec.ports"));
        assert!(!is_under("spec.portsx", "spec.ports"));
    }
}
