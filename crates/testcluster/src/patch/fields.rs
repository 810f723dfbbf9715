//! Field sets in the `FieldsV1` shape of `managedFields`: a tree whose keys are path elements
//! (`f:name`, `k:{"name":"web"}`, `v:"x"`) and whose `"."` entry marks a list item as owned itself.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::lists::{ListType, item_key, list_type};

/// A set of field paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSet(pub BTreeMap<String, FieldSet>);

/// Fields the field manager never tracks.
const IGNORED_TOP: &[&str] = &["apiVersion", "kind"];
const IGNORED_META: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
];

/// Which part of an object a request manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The main resource: everything but `status`.
    Main,
    /// The status subresource: `status` only.
    Status,
    /// The scale subresource: `spec.replicas` of the main resource, recorded under its own
    /// managedFields entry (`subresource: scale`).
    Scale,
}

impl Scope {
    /// Whether the scope writes `status` (the status subresource) rather than the rest.
    pub fn is_status(self) -> bool {
        self == Scope::Status
    }

    /// The `subresource` of the managedFields entries this scope writes.
    pub fn subresource(self) -> Option<&'static str> {
        match self {
            Scope::Main => None,
            Scope::Status => Some("status"),
            Scope::Scale => Some("scale"),
        }
    }
}

impl FieldSet {
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The fields present in an object (what an applier or updater sets).
    pub fn of_object(obj: &Value, scope: Scope) -> Self {
        let mut set = FieldSet::default();
        let Some(map) = obj.as_object() else {
            return set;
        };
        for (k, v) in map {
            if IGNORED_TOP.contains(&k.as_str()) || ((k == "status") != scope.is_status()) {
                continue;
            }
            if k == "metadata" {
                let mut meta = FieldSet::default();
                for (mk, mv) in v.as_object().into_iter().flatten() {
                    if !IGNORED_META.contains(&mk.as_str()) {
                        let mut path = vec!["metadata".to_string(), mk.clone()];
                        meta.0.insert(format!("f:{mk}"), of_value(mv, &mut path));
                    }
                }
                if !meta.is_empty() {
                    set.0.insert("f:metadata".into(), meta);
                }
                continue;
            }
            let mut path = vec![k.clone()];
            set.0.insert(format!("f:{k}"), of_value(v, &mut path));
        }
        set
    }

    /// Parses a `fieldsV1` value.
    pub fn from_json(v: &Value) -> Self {
        FieldSet(
            v.as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), FieldSet::from_json(v)))
                .collect(),
        )
    }

    /// Renders as `fieldsV1`.
    pub fn to_json(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect::<Map<_, _>>(),
        )
    }

    /// Set union.
    pub fn union(&self, other: &FieldSet) -> FieldSet {
        let mut out = self.clone();
        for (k, v) in &other.0 {
            let merged = match out.0.get(k) {
                Some(mine) => mine.union(v),
                None => v.clone(),
            };
            out.0.insert(k.clone(), merged);
        }
        out
    }

    /// The paths of `self` that `other` does not contain. A leaf of `self` is kept unless `other`
    /// has the same element at all.
    pub fn difference(&self, other: &FieldSet) -> FieldSet {
        let mut out = FieldSet::default();
        for (k, v) in &self.0 {
            match other.0.get(k) {
                None => {
                    out.0.insert(k.clone(), v.clone());
                }
                Some(o) if !v.is_empty() => {
                    let d = v.difference(o);
                    if !d.is_empty() {
                        out.0.insert(k.clone(), d);
                    }
                }
                Some(_) => {}
            }
        }
        out
    }

    /// The leaf paths (list-item `"."` markers excluded).
    pub fn leaves(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        self.collect_leaves(&mut Vec::new(), &mut out);
        out
    }

    fn collect_leaves(&self, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        for (k, v) in &self.0 {
            if k == "." {
                continue;
            }
            prefix.push(k.clone());
            if v.is_empty() {
                out.push(prefix.clone());
            } else {
                v.collect_leaves(prefix, out);
            }
            prefix.pop();
        }
    }

    /// Whether `path` is a leaf of this set.
    pub fn has_leaf(&self, path: &[String]) -> bool {
        match path.split_first() {
            None => self.is_empty(),
            Some((first, rest)) => self.0.get(first).is_some_and(|c| c.has_leaf(rest)),
        }
    }

    /// Removes a leaf path (and parents left empty).
    pub fn remove_leaf(&mut self, path: &[String]) {
        if let Some((first, rest)) = path.split_first() {
            if rest.is_empty() {
                self.0.remove(first);
            } else if let Some(child) = self.0.get_mut(first) {
                child.remove_leaf(rest);
                if child.0.keys().all(|k| k == ".") {
                    self.0.remove(first);
                }
            }
        }
    }
}

fn of_value(v: &Value, path: &mut Vec<String>) -> FieldSet {
    match v {
        Value::Object(m) if !m.is_empty() => {
            let mut set = FieldSet::default();
            for (k, child) in m {
                path.push(k.clone());
                set.0.insert(format!("f:{k}"), of_value(child, path));
                path.pop();
            }
            set
        }
        Value::Array(items) => {
            let names: Vec<&str> = path.iter().map(String::as_str).collect();
            match list_type(&names) {
                ListType::Atomic => FieldSet::default(),
                ListType::Set => FieldSet(
                    items
                        .iter()
                        .map(|i| (format!("v:{}", i), FieldSet::default()))
                        .collect(),
                ),
                ListType::Map(keys) => {
                    let mut set = FieldSet::default();
                    for item in items {
                        let mut child = of_value(item, path);
                        child.0.insert(".".into(), FieldSet::default());
                        set.0
                            .insert(format!("k:{}", Value::Object(item_key(item, keys))), child);
                    }
                    set
                }
            }
        }
        _ => FieldSet::default(),
    }
}

/// Finds the value at a field path.
pub fn get_at<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    let Some((first, rest)) = path.split_first() else {
        return Some(v);
    };
    let child = if let Some(name) = first.strip_prefix("f:") {
        v.get(name)?
    } else if let Some(key) = first.strip_prefix("k:") {
        let key: Map<String, Value> = serde_json::from_str(key).ok()?;
        let keys: Vec<&str> = key.keys().map(String::as_str).collect();
        v.as_array()?
            .iter()
            .find(|item| item_key(item, &keys) == key)?
    } else if let Some(val) = first.strip_prefix("v:") {
        let val: Value = serde_json::from_str(val).ok()?;
        v.as_array()?.iter().find(|item| **item == val)?
    } else {
        return None;
    };
    get_at(child, rest)
}

/// Renders a path the way structured-merge-diff prints it (`.spec.containers[name="web"].image`).
pub fn display_path(path: &[String]) -> String {
    let mut out = String::new();
    for el in path {
        if let Some(name) = el.strip_prefix("f:") {
            out.push('.');
            out.push_str(name);
        } else if let Some(key) = el.strip_prefix("k:") {
            let key: Map<String, Value> = serde_json::from_str(key).unwrap_or_default();
            let parts: Vec<String> = key.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push_str(&format!("[{}]", parts.join(",")));
        } else if let Some(val) = el.strip_prefix("v:") {
            out.push_str(&format!("[={val}]"));
        }
    }
    out
}

/// Removes from `obj` the fields in `set`: leaves go; list items whose `"."` is in the set go
/// whole; maps left empty by the removal go too.
pub fn remove_fields(obj: &mut Value, set: &FieldSet) {
    for (el, child) in &set.0 {
        if el == "." {
            continue;
        }
        if let Some(name) = el.strip_prefix("f:") {
            let Some(map) = obj.as_object_mut() else {
                continue;
            };
            if child.is_empty() {
                map.remove(name);
            } else if let Some(inner) = map.get_mut(name) {
                remove_fields(inner, child);
                if inner.as_object().is_some_and(Map::is_empty) {
                    map.remove(name);
                }
            }
        } else if let Some(items) = obj.as_array_mut() {
            let idx = items
                .iter()
                .position(|item| get_at(item, &[]).is_some() && matches_element(item, el));
            if let Some(i) = idx {
                if child.is_empty() || child.0.contains_key(".") {
                    items.remove(i);
                } else {
                    remove_fields(&mut items[i], child);
                }
            }
        }
    }
}

fn matches_element(item: &Value, el: &str) -> bool {
    if let Some(key) = el.strip_prefix("k:") {
        let key: Map<String, Value> = serde_json::from_str(key).unwrap_or_default();
        let keys: Vec<&str> = key.keys().map(String::as_str).collect();
        item_key(item, &keys) == key
    } else if let Some(val) = el.strip_prefix("v:") {
        serde_json::from_str::<Value>(val).is_ok_and(|v| v == *item)
    } else {
        false
    }
}

/// Merges an applied configuration into a live object: maps by key, associative lists by item
/// key, sets as unions, everything else replaced.
pub fn merge_applied(live: &Value, applied: &Value, path: &mut Vec<String>) -> Value {
    match (live, applied) {
        (Value::Object(l), Value::Object(a)) => {
            let mut out = l.clone();
            for (k, v) in a {
                if v.is_null() {
                    out.remove(k);
                    continue;
                }
                path.push(k.clone());
                let merged = merge_applied(l.get(k).unwrap_or(&Value::Null), v, path);
                path.pop();
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (Value::Array(l), Value::Array(a)) => {
            let names: Vec<&str> = path.iter().map(String::as_str).collect();
            match list_type(&names) {
                ListType::Atomic => applied.clone(),
                ListType::Set => {
                    let mut out = l.clone();
                    out.extend(a.iter().filter(|x| !l.contains(x)).cloned());
                    Value::Array(out)
                }
                ListType::Map(keys) => {
                    let mut out = l.clone();
                    for item in a {
                        let key = item_key(item, keys);
                        match out.iter().position(|c| item_key(c, keys) == key) {
                            Some(p) => out[p] = merge_applied(&out[p], item, path),
                            None => out.push(item.clone()),
                        }
                    }
                    Value::Array(out)
                }
            }
        }
        _ => applied.clone(),
    }
}

/// An empty `fieldsV1` value.
pub fn empty() -> Value {
    json!({})
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn containers_are_keyed_by_name_in_fields_v1() {
        let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "web", "image": "nginx", "args": ["a"]}]}}}});
        let set = FieldSet::of_object(&obj, Scope::Main);
        let j = set.to_json();
        assert_eq!(j["f:metadata"], json!({"f:labels": {"f:app": {}}}));
        assert_eq!(
            j["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"web\"}"],
            json!({".": {}, "f:name": {}, "f:image": {}, "f:args": {}})
        );
        let leaves = set.leaves();
        let image = leaves
            .iter()
            .find(|p| p.last().is_some_and(|l| l == "f:image"))
            .unwrap();
        assert_eq!(
            display_path(image),
            ".spec.template.spec.containers[name=\"web\"].image"
        );
        assert_eq!(get_at(&obj, image), Some(&json!("nginx")));
    }

    #[test]
    fn removing_an_owned_list_item_removes_it_whole() {
        let mut obj = json!({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}});
        let owned = FieldSet::of_object(
            &json!({"spec": {"containers": [{"name": "b", "image": "y"}]}}),
            Scope::Main,
        );
        remove_fields(&mut obj, &owned);
        assert_eq!(
            obj,
            json!({"spec": {"containers": [{"name": "a", "image": "x"}]}})
        );
    }
}
