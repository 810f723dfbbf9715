//! What changed between two AppSpecs: field by field over the JSON (Secret values masked), the
//! top-level fields for the audit trail, and a unified diff of the rendered YAML.

use super::secrets;
use super::views::FieldChangeView;
use serde_json::Value;
use std::collections::BTreeSet;

/// Every leaf that differs from `before` to `after`, keys in alphabetical order, with AppSpec paths
/// (`workloads[0].containers[0].image`). Values come from the masked specs, so a changed Secret
/// value shows as `***` on both sides; a field present on one side only has null on the other.
pub fn fields(before: &Value, after: &Value) -> Vec<FieldChangeView> {
    let mut changes = Vec::new();
    walk(
        before,
        after,
        &secrets::mask(before),
        &secrets::mask(after),
        "",
        &mut changes,
    );
    changes
}

/// Descends while both raw sides and both masked sides are containers of the same kind, so that a
/// masked subtree is reported as one change and never looked into.
fn walk(
    before: &Value,
    after: &Value,
    masked_before: &Value,
    masked_after: &Value,
    path: &str,
    changes: &mut Vec<FieldChangeView>,
) {
    if before == after {
        return;
    }
    match (before, after, masked_before, masked_after) {
        (Value::Object(a), Value::Object(b), Value::Object(ma), Value::Object(mb)) => {
            // Sorted, because PostgreSQL does not keep the key order of stored JSON.
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(
                    a.get(key).unwrap_or(&Value::Null),
                    b.get(key).unwrap_or(&Value::Null),
                    ma.get(key).unwrap_or(&Value::Null),
                    mb.get(key).unwrap_or(&Value::Null),
                    &child,
                    changes,
                );
            }
        }
        (Value::Array(a), Value::Array(b), Value::Array(ma), Value::Array(mb)) => {
            for index in 0..a.len().max(b.len()) {
                walk(
                    a.get(index).unwrap_or(&Value::Null),
                    b.get(index).unwrap_or(&Value::Null),
                    ma.get(index).unwrap_or(&Value::Null),
                    mb.get(index).unwrap_or(&Value::Null),
                    &format!("{path}[{index}]"),
                    changes,
                );
            }
        }
        _ => changes.push(FieldChangeView {
            path: path.to_owned(),
            before: masked_before.clone(),
            after: masked_after.clone(),
        }),
    }
}

/// The top-level AppSpec fields that differ (names only, never values): what an audit row says
/// about an edit.
pub fn top_level(before: &Value, after: &Value) -> Vec<String> {
    let empty = serde_json::Map::new();
    let a = before.as_object().unwrap_or(&empty);
    let b = after.as_object().unwrap_or(&empty);
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|key| a.get(*key) != b.get(*key))
        .cloned()
        .collect()
}

/// Unified diff of two manifests; empty when they are equal.
pub fn yaml(before: &str, after: &str, from: i32, to: i32) -> String {
    if before == after {
        return String::new();
    }
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("revision {from}"), &format!("revision {to}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn leaves_are_reported_with_appspec_paths_and_masked_secrets() {
        let before = json!({
            "name": "shop",
            "workloads": [{"containers": [{"image": "web:1"}]}],
            "secrets": [{"name": "db", "data": {"password": "old"}}],
        });
        let after = json!({
            "name": "shop",
            "workloads": [{"containers": [{"image": "web:2"}, {"image": "sidecar:1"}]}],
            "secrets": [{"name": "db", "data": {"password": "new", "user": "admin"}}],
            "labels": {"team": "a"},
        });
        let changes = fields(&before, &after);
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "labels",
                "secrets[0].data.password",
                "secrets[0].data.user",
                "workloads[0].containers[0].image",
                "workloads[0].containers[1]",
            ]
        );
        assert_eq!(changes[0].before, Value::Null);
        assert_eq!(changes[1].before, secrets::MASK);
        assert_eq!(changes[1].after, secrets::MASK);
        assert_eq!(changes[2].after, secrets::MASK);
        assert_eq!(changes[3].before, "web:1");
        assert_eq!(changes[4].before, Value::Null);
        let text = serde_json::to_string(&changes).unwrap();
        assert!(!text.contains("old") && !text.contains("\"new\"") && !text.contains("admin"));
    }

    #[test]
    fn top_level_names_only_changed_fields() {
        let before = json!({"name": "a", "secrets": [{"name": "s", "data": {"k": "1"}}]});
        let after =
            json!({"name": "a", "secrets": [{"name": "s", "data": {"k": "2"}}], "labels": {}});
        assert_eq!(top_level(&before, &after), ["labels", "secrets"]);
    }

    #[test]
    fn yaml_diff_is_unified_and_empty_when_equal() {
        assert_eq!(yaml("a: 1\n", "a: 1\n", 1, 2), "");
        let diff = yaml("a: 1\nb: 2\n", "a: 1\nb: 3\n", 1, 2);
        assert!(
            diff.starts_with("--- revision 1\n+++ revision 2\n"),
            "{diff}"
        );
        assert!(diff.contains("-b: 2\n+b: 3\n"), "{diff}");
    }
}
