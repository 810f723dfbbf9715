//! Server-side apply and field ownership: `managedFields` entries, conflicts between managers,
//! forced takeovers, removal of fields a manager stops applying, and ownership for plain updates.

use serde_json::{Value, json};

use super::fields::{FieldSet, Scope, display_path, get_at, merge_applied, remove_fields};
use crate::registry::ResourceDef;
use crate::status::ApiError;

/// One `managedFields` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagerEntry {
    /// The field manager name.
    pub manager: String,
    /// `Apply` or `Update`.
    pub operation: String,
    /// The API version the manager used.
    pub api_version: String,
    /// When the entry last changed.
    pub time: String,
    /// `status` for status-subresource writes.
    pub subresource: Option<String>,
    /// The owned fields.
    pub fields: FieldSet,
}

impl ManagerEntry {
    fn scope(&self) -> Scope {
        match self.subresource.as_deref() {
            Some("status") => Scope::Status,
            Some("scale") => Scope::Scale,
            _ => Scope::Main,
        }
    }

    /// Whether the entry owns fields in the same part of the object (status or the rest) as a
    /// write in `scope`: the scale subresource's `spec.replicas` competes with main-resource
    /// managers.
    fn same_part(&self, scope: Scope) -> bool {
        self.scope().is_status() == scope.is_status()
    }

    /// How kube-apiserver names the manager in conflict messages.
    fn display(&self) -> String {
        let mut s = format!("{:?}", self.manager);
        if let Some(sub) = &self.subresource {
            s.push_str(&format!(" with subresource {sub:?}"));
        }
        if self.operation == "Update" {
            s.push_str(&format!(" using {}", self.api_version));
        }
        s
    }

    fn to_json(&self) -> Value {
        let mut v = json!({
            "manager": self.manager,
            "operation": self.operation,
            "apiVersion": self.api_version,
            "time": self.time,
            "fieldsType": "FieldsV1",
            "fieldsV1": self.fields.to_json(),
        });
        if let Some(sub) = &self.subresource {
            v["subresource"] = json!(sub);
        }
        v
    }
}

/// Reads `metadata.managedFields`.
pub fn parse_managed(obj: &Value) -> Vec<ManagerEntry> {
    obj.pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| ManagerEntry {
            manager: e["manager"].as_str().unwrap_or_default().to_string(),
            operation: e["operation"].as_str().unwrap_or("Update").to_string(),
            api_version: e["apiVersion"].as_str().unwrap_or_default().to_string(),
            time: e["time"].as_str().unwrap_or_default().to_string(),
            subresource: e["subresource"].as_str().map(str::to_string),
            fields: FieldSet::from_json(&e["fieldsV1"]),
        })
        .collect()
}

fn store_managed(obj: &mut Value, mut entries: Vec<ManagerEntry>) {
    entries.retain(|e| !e.fields.is_empty());
    let rendered: Vec<Value> = entries.iter().map(ManagerEntry::to_json).collect();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        if rendered.is_empty() {
            meta.remove("managedFields");
        } else {
            meta.insert("managedFields".into(), Value::Array(rendered));
        }
    }
}

/// Who writes, how, and when.
#[derive(Debug, Clone)]
pub struct Writer<'a> {
    /// The field manager.
    pub manager: &'a str,
    /// The API version of the request.
    pub api_version: &'a str,
    /// Main resource or status subresource.
    pub scope: Scope,
    /// RFC 3339 timestamp for the entry.
    pub now: &'a str,
}

impl Writer<'_> {
    fn subresource(&self) -> Option<String> {
        self.scope.subresource().map(str::to_string)
    }
}

/// A field another manager owns with a different value.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The other manager, as kube-apiserver prints it.
    pub manager: String,
    /// The conflicting path.
    pub path: Vec<String>,
    entry: usize,
}

/// The part of an applied configuration the scope manages (the status subresource manages only
/// `status`; the main resource ignores it).
fn scoped(applied: &Value, scope: Scope) -> Value {
    let mut out = applied.clone();
    if let Some(map) = out.as_object_mut() {
        match scope {
            Scope::Main | Scope::Scale => {
                map.remove("status");
            }
            Scope::Status => map
                .retain(|k, _| matches!(k.as_str(), "apiVersion" | "kind" | "metadata" | "status")),
        }
        if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
            meta.remove("resourceVersion");
            meta.remove("uid");
            meta.remove("creationTimestamp");
        }
    }
    out
}

/// Server-side apply: merges `applied` into `live` (or creates it), records the manager's
/// ownership, removes fields it no longer applies, and reports conflicts unless `force`.
pub fn server_side_apply(
    live: Option<&Value>,
    applied: &Value,
    writer: &Writer<'_>,
    force: bool,
) -> Result<Value, Vec<Conflict>> {
    let applied = scoped(applied, writer.scope);
    let base = live.cloned().unwrap_or_else(|| json!({}));
    let mut entries = live.map(parse_managed).unwrap_or_default();
    let applied_set = FieldSet::of_object(&applied, writer.scope);
    let own = entries.iter().position(|e| {
        e.manager == writer.manager && e.operation == "Apply" && e.scope() == writer.scope
    });

    let mut conflicts = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if Some(i) == own || !entry.same_part(writer.scope) {
            continue;
        }
        for leaf in applied_set.leaves() {
            if entry.fields.has_leaf(&leaf) && get_at(&applied, &leaf) != get_at(&base, &leaf) {
                conflicts.push(Conflict {
                    manager: entry.display(),
                    path: leaf,
                    entry: i,
                });
            }
        }
    }
    if !conflicts.is_empty() && !force {
        return Err(conflicts);
    }
    for c in &conflicts {
        entries[c.entry].fields.remove_leaf(&c.path);
    }

    let previously = own.map(|i| entries[i].fields.clone()).unwrap_or_default();
    let others = entries
        .iter()
        .enumerate()
        .filter(|(i, e)| Some(*i) != own && e.same_part(writer.scope))
        .fold(FieldSet::default(), |acc, (_, e)| acc.union(&e.fields));
    let abandoned = previously.difference(&applied_set).difference(&others);

    let mut merged = merge_applied(&base, &applied, &mut Vec::new());
    remove_fields(&mut merged, &abandoned);

    let entry = ManagerEntry {
        manager: writer.manager.to_string(),
        operation: "Apply".into(),
        api_version: writer.api_version.to_string(),
        time: writer.now.to_string(),
        subresource: writer.subresource(),
        fields: applied_set,
    };
    match own {
        Some(i) => entries[i] = entry,
        None => entries.push(entry),
    }
    store_managed(&mut merged, entries);
    Ok(merged)
}

fn insert_path(set: &mut FieldSet, path: &[String]) {
    if let Some((first, rest)) = path.split_first() {
        let child = set.0.entry(first.clone()).or_default();
        if (first.starts_with("k:") || first.starts_with("v:")) && !rest.is_empty() {
            child.0.entry(".".into()).or_default();
        }
        insert_path(child, rest);
    }
}

/// Records ownership for a non-apply write (create, update, patch): the manager takes the fields
/// whose values it changed; fields it removed leave every manager.
pub fn track_update(old: Option<&Value>, new: &mut Value, writer: &Writer<'_>) {
    let mut entries = old.map(parse_managed).unwrap_or_default();
    let new_set = FieldSet::of_object(new, writer.scope);
    let changed = match old {
        None => new_set.clone(),
        Some(old) => {
            let mut changed = FieldSet::default();
            for leaf in new_set.leaves() {
                if get_at(old, &leaf) != get_at(new, &leaf) {
                    insert_path(&mut changed, &leaf);
                }
            }
            changed
        }
    };
    let removed = old
        .map(|o| FieldSet::of_object(o, writer.scope).difference(&new_set))
        .unwrap_or_default();
    for entry in entries.iter_mut().filter(|e| e.same_part(writer.scope)) {
        for leaf in changed.leaves().into_iter().chain(removed.leaves()) {
            entry.fields.remove_leaf(&leaf);
        }
    }
    if !changed.is_empty() {
        let own = entries.iter().position(|e| {
            e.manager == writer.manager && e.operation == "Update" && e.scope() == writer.scope
        });
        match own {
            Some(i) => {
                entries[i].fields = entries[i].fields.union(&changed);
                entries[i].time = writer.now.to_string();
                entries[i].api_version = writer.api_version.to_string();
            }
            None => entries.push(ManagerEntry {
                manager: writer.manager.to_string(),
                operation: "Update".into(),
                api_version: writer.api_version.to_string(),
                time: writer.now.to_string(),
                subresource: writer.subresource(),
                fields: changed,
            }),
        }
    }
    store_managed(new, entries);
}

/// The 409 kube-apiserver answers for apply conflicts.
pub fn conflict_error(def: &ResourceDef, name: &str, conflicts: &[Conflict]) -> ApiError {
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|c| json!({"reason": "FieldManagerConflict", "message": format!("conflict with {}", c.manager), "field": display_path(&c.path)}))
        .collect();
    let message = if let [only] = conflicts {
        format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            only.manager,
            display_path(&only.path)
        )
    } else {
        let mut managers: Vec<&str> = conflicts.iter().map(|c| c.manager.as_str()).collect();
        managers.sort_unstable();
        managers.dedup();
        let mut lines = Vec::new();
        for m in managers {
            lines.push(format!("conflicts with {m}:"));
            lines.extend(
                conflicts
                    .iter()
                    .filter(|c| c.manager == m)
                    .map(|c| format!("- {}", display_path(&c.path))),
            );
        }
        format!(
            "Apply failed with {} conflicts: {}",
            conflicts.len(),
            lines.join("\n")
        )
    };
    ApiError::conflict_with(def, name, message, causes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn writer(manager: &str) -> Writer<'_> {
        Writer {
            manager,
            api_version: "apps/v1",
            scope: Scope::Main,
            now: "2026-01-01T00:00:00Z",
        }
    }

    fn deploy(replicas: i64, labels: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": labels}, "spec": {"replicas": replicas}})
    }

    #[test]
    fn second_manager_conflicts_unless_forced() {
        let live =
            server_side_apply(None, &deploy(2, json!({"a": "1"})), &writer("one"), false).unwrap();
        let err = server_side_apply(
            Some(&live),
            &deploy(3, json!({"a": "1"})),
            &writer("two"),
            false,
        )
        .unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(display_path(&err[0].path), ".spec.replicas");
        let forced = server_side_apply(
            Some(&live),
            &deploy(3, json!({"a": "1"})),
            &writer("two"),
            true,
        )
        .unwrap();
        assert_eq!(forced["spec"]["replicas"], 3);
        let mf = parse_managed(&forced);
        let one = mf.iter().find(|e| e.manager == "one").unwrap();
        assert!(!one.fields.has_leaf(&["f:spec".into(), "f:replicas".into()]));
        assert!(
            one.fields
                .has_leaf(&["f:metadata".into(), "f:labels".into(), "f:a".into()]),
            "same value stays shared"
        );
    }

    #[test]
    fn fields_a_manager_stops_applying_are_removed() {
        let live = server_side_apply(
            None,
            &deploy(2, json!({"a": "1", "b": "2"})),
            &writer("one"),
            false,
        )
        .unwrap();
        let next = server_side_apply(
            Some(&live),
            &deploy(2, json!({"a": "1"})),
            &writer("one"),
            false,
        )
        .unwrap();
        assert_eq!(next["metadata"]["labels"], json!({"a": "1"}));
    }

    #[test]
    fn update_takes_ownership_of_changed_fields() {
        let live =
            server_side_apply(None, &deploy(2, json!({})), &writer("applier"), false).unwrap();
        let mut updated = live.clone();
        updated["spec"]["replicas"] = json!(5);
        track_update(Some(&live), &mut updated, &writer("kubectl-scale"));
        let err = server_side_apply(
            Some(&updated),
            &deploy(2, json!({})),
            &writer("applier"),
            false,
        )
        .unwrap_err();
        let e = conflict_error(&crate::registry::DEPLOYMENTS, "web", &err);
        assert_eq!(
            e.message,
            "Apply failed with 1 conflict: conflict with \"kubectl-scale\" using apps/v1: .spec.replicas"
        );
    }
}
