//! Secret values inside an AppSpec: masked in every response, and restored from the stored spec
//! when an edit sends a masked value back unchanged.

use serde_json::Value;
use std::collections::HashMap;

/// What a Secret value reads as in a response.
pub const MASK: &str = "***";

/// One Secret value in a spec: `key` names it independently of list positions (the Secret or
/// override and the field), `pointer` is where it sits in this spec (a JSON Pointer).
struct Slot {
    key: String,
    pointer: String,
}

/// Every Secret value of `spec`: each Secret's `data` values, `.env` text, TLS private key and
/// registry password, and the patch of every override that targets a Secret.
fn slots(spec: &Value) -> Vec<Slot> {
    let mut found = Vec::new();
    let list = |field: &str| spec.get(field).and_then(Value::as_array).cloned();
    for (index, secret) in list("secrets").unwrap_or_default().iter().enumerate() {
        let name = secret.get("name").and_then(Value::as_str).unwrap_or("");
        let base = format!("/secrets/{index}");
        let mut slot = |field: &str, pointer: String| {
            found.push(Slot {
                key: format!("secret/{name}/{field}"),
                pointer: format!("{base}{pointer}"),
            })
        };
        if let Some(data) = secret.get("data").and_then(Value::as_object) {
            for key in data.keys() {
                slot(&format!("data/{key}"), format!("/data/{}", escape(key)));
            }
        }
        if secret.get("dotenv").is_some() {
            slot("dotenv", "/dotenv".into());
        }
        if secret.pointer("/tls/privateKey").is_some() {
            slot("tls", "/tls/privateKey".into());
        }
        if secret.pointer("/registry/password").is_some() {
            slot("registry", "/registry/password".into());
        }
    }
    for (index, item) in list("overrides").unwrap_or_default().iter().enumerate() {
        if item.get("kind").and_then(Value::as_str) == Some("Secret") && item.get("patch").is_some()
        {
            let name = item.get("name").and_then(Value::as_str).unwrap_or("");
            found.push(Slot {
                key: format!("override/{name}"),
                pointer: format!("/overrides/{index}/patch"),
            });
        }
    }
    found
}

/// JSON Pointer escaping of one reference token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `spec` with every Secret value replaced by [`MASK`].
pub fn mask(spec: &Value) -> Value {
    let mut masked = spec.clone();
    for slot in slots(spec) {
        if let Some(value) = masked.pointer_mut(&slot.pointer) {
            *value = Value::String(MASK.into());
        }
    }
    masked
}

/// Replaces each value of `spec` that reads [`MASK`] by the value `stored` has for the same Secret
/// and field, so a spec read from a response can be saved back without re-entering secrets. A
/// masked value with no stored counterpart stays as it is (and is then the literal value).
pub fn restore(spec: &mut Value, stored: &Value) {
    let known: HashMap<String, String> = slots(stored)
        .into_iter()
        .map(|slot| (slot.key, slot.pointer))
        .collect();
    for slot in slots(spec) {
        let Some(original) = known
            .get(&slot.key)
            .and_then(|pointer| stored.pointer(pointer))
        else {
            continue;
        };
        if let Some(value) = spec.pointer_mut(&slot.pointer)
            && value.as_str() == Some(MASK)
        {
            *value = original.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "name": "shop",
            "secrets": [
                {"name": "db", "data": {"password": "hunter2", "a/b": "x"}, "dotenv": "K=v"},
                {"name": "tls", "type": "tls", "tls": {"certificate": "CERT", "privateKey": "KEY"}},
                {"name": "pull", "type": "dockerConfigJson",
                 "registry": {"server": "ghcr.io", "username": "me", "password": "token"}},
            ],
            "overrides": [
                {"kind": "Secret", "name": "db", "patch": {"data": {"x": "eQ=="}}},
                {"kind": "Deployment", "name": "web", "patch": {"spec": {"replicas": 2}}},
            ],
        })
    }

    #[test]
    fn every_secret_value_is_masked_and_nothing_else() {
        let masked = mask(&spec());
        let text = masked.to_string();
        for secret in ["hunter2", "\"x\"", "K=v", "KEY", "token", "eQ=="] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(masked["secrets"][0]["data"]["a/b"], MASK);
        assert_eq!(masked["secrets"][1]["tls"]["certificate"], "CERT");
        assert_eq!(masked["secrets"][2]["registry"]["username"], "me");
        assert_eq!(masked["overrides"][1]["patch"]["spec"]["replicas"], 2);
    }

    #[test]
    fn masked_values_are_restored_by_secret_and_field_not_position() {
        let stored = spec();
        let mut edited = mask(&stored);
        let secrets = edited["secrets"].as_array_mut().unwrap();
        secrets.reverse();
        secrets[2]["data"]["password"] = json!("new");
        secrets[2]["data"]["fresh"] = json!(MASK);
        restore(&mut edited, &stored);
        assert_eq!(edited["secrets"][2]["data"]["password"], "new");
        assert_eq!(edited["secrets"][2]["data"]["a/b"], "x");
        assert_eq!(edited["secrets"][2]["data"]["fresh"], MASK);
        assert_eq!(edited["secrets"][2]["dotenv"], "K=v");
        assert_eq!(edited["secrets"][1]["tls"]["privateKey"], "KEY");
        assert_eq!(edited["secrets"][0]["registry"]["password"], "token");
        assert_eq!(edited["overrides"], stored["overrides"]);
    }
}
