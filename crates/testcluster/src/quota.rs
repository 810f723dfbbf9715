//! ResourceQuota object counts: the admission check that refuses a create beyond `spec.hard`
//! (with kube-apiserver's "exceeded quota" message) and the quota controller's `status.used`.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::registry::{self, RESOURCES, ResourceDef};
use crate::state::State;
use crate::status::ApiError;
use crate::store::rid;

/// The resource a quota key counts: `pods`, `configmaps`, ... or `count/<plural>[.<group>]`.
/// Compute resources (`requests.cpu`, ...) are not counted here.
fn counted(key: &str) -> Option<&'static ResourceDef> {
    let resource = key.strip_prefix("count/").unwrap_or(match key {
        "pods"
        | "services"
        | "secrets"
        | "configmaps"
        | "persistentvolumeclaims"
        | "resourcequotas" => key,
        _ => return None,
    });
    let (plural, group) = resource.split_once('.').unwrap_or((resource, ""));
    RESOURCES
        .iter()
        .copied()
        .find(|d| d.plural == plural && d.group == group && d.namespaced)
}

/// How many objects of `def` count against quotas in `ns`: pods that finished do not.
fn used(st: &State, def: &'static ResourceDef, ns: &str) -> i64 {
    let (items, _) = st.store.list(rid(def), Some(ns));
    items
        .iter()
        .filter(|o| {
            def.kind != "Pod"
                || !matches!(
                    o.pointer("/status/phase").and_then(Value::as_str),
                    Some("Succeeded" | "Failed")
                )
        })
        .count() as i64
}

fn hard_limit(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn quotas(st: &State, ns: &str) -> Vec<Value> {
    st.store.list(rid(&registry::RESOURCEQUOTAS), Some(ns)).0
}

/// Admission: creating one more object of `def` must fit every quota of the namespace.
pub fn admit(st: &State, def: &'static ResourceDef, ns: &str, name: &str) -> Result<(), ApiError> {
    if !def.namespaced {
        return Ok(());
    }
    for quota in quotas(st, ns) {
        let Some(hard) = quota.pointer("/spec/hard").and_then(Value::as_object) else {
            continue;
        };
        for (key, limit) in hard {
            if counted(key).is_none_or(|d| !std::ptr::eq(d, def)) {
                continue;
            }
            let Some(limit) = hard_limit(limit) else {
                continue;
            };
            let used = used(st, def, ns);
            if used + 1 > limit {
                let quota_name = quota
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                return Err(ApiError::forbidden_by_admission(
                    def,
                    name,
                    &format!(
                        "exceeded quota: {quota_name}, requested: {key}=1, used: {key}={used}, limited: {key}={limit}"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The quota controller: every quota of `ns` reports its hard limits and current usage.
pub fn refresh(st: &Arc<State>, ns: &str) {
    for quota in quotas(st, ns) {
        let name = quota
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let hard = quota
            .pointer("/spec/hard")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let mut usage = Map::new();
        for key in hard.as_object().into_iter().flatten().map(|(k, _)| k) {
            if let Some(def) = counted(key) {
                usage.insert(key.clone(), json!(used(st, def, ns).to_string()));
            }
        }
        let result = crate::ops::write_status(
            st,
            &registry::RESOURCEQUOTAS,
            ns,
            &name,
            "kube-controller-manager",
            |_| Some(json!({"hard": hard, "used": usage})),
        );
        if let Err(error) = result {
            tracing::warn!(object = %format!("ResourceQuota {ns}/{name}"), %error, "quota status update failed");
        }
    }
}
