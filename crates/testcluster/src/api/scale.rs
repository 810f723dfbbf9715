//! The scale subresource (`deployments/scale`, `replicasets/scale`, `statefulsets/scale`): an
//! autoscaling/v1 Scale view of `spec.replicas`, read and written by `kubectl scale` and HPAs.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::ops::{self, WriteOptions};
use crate::patch::{PatchType, apply_patch};
use crate::registry::ResourceDef;
use crate::state::State;
use crate::status::ApiError;
use crate::store::rid;

/// `status.selector` of a Scale: the label selector in its string form, keys sorted.
fn selector_string(selector: &Value) -> String {
    let mut parts: Vec<String> = selector["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    for e in selector["matchExpressions"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let key = e["key"].as_str().unwrap_or_default();
        let values: Vec<&str> = e["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        parts.push(match e["operator"].as_str().unwrap_or_default() {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            _ => format!("!{key}"),
        });
    }
    parts.sort();
    parts.join(",")
}

/// The Scale of an object.
fn scale_of(obj: &Value) -> Value {
    let meta = &obj["metadata"];
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta["name"],
            "namespace": meta["namespace"],
            "uid": meta["uid"],
            "resourceVersion": meta["resourceVersion"],
            "creationTimestamp": meta["creationTimestamp"],
        },
        "spec": {"replicas": obj.pointer("/spec/replicas").cloned().unwrap_or(json!(1))},
        "status": {
            "replicas": obj.pointer("/status/replicas").cloned().unwrap_or(json!(0)),
            "selector": selector_string(&obj["spec"]["selector"]),
        },
    })
}

fn current(st: &State, def: &'static ResourceDef, ns: &str, name: &str) -> Result<Value, ApiError> {
    st.store
        .get(rid(def), ops::ns_of(def, ns), name)
        .ok_or_else(|| ApiError::not_found(def, name))
}

/// `GET .../{name}/scale`.
pub(super) fn get(
    st: &State,
    def: &'static ResourceDef,
    ns: &str,
    name: &str,
) -> Result<Value, ApiError> {
    current(st, def, ns, name).map(|o| scale_of(&o))
}

/// `PUT` (a whole Scale) or `PATCH` (merge, strategic or JSON patch of the Scale) of
/// `.../{name}/scale`; answers with the new Scale.
pub(super) fn write(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: &str,
    name: &str,
    patch: Option<PatchType>,
    body: &[u8],
    opts: &WriteOptions,
) -> Result<Value, ApiError> {
    let wanted = match patch {
        None => serde_json::from_slice::<Value>(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding request body: {e}")))?,
        Some(PatchType::Apply) => {
            return Err(ApiError::unsupported_media_type(
                "application/apply-patch+yaml",
            ));
        }
        Some(kind) => {
            let scale = scale_of(&current(st, def, ns, name)?);
            apply_patch(kind, &scale, body, true)?
        }
    };
    let replicas = wanted
        .pointer("/spec/replicas")
        .filter(|r| r.is_i64())
        .cloned()
        .ok_or_else(|| {
            ApiError::bad_request(
                "Scale.autoscaling \"\" is invalid: spec.replicas: Required value",
            )
        })?;
    let precondition = wanted
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .filter(|_| patch.is_none());
    let updated = ops::scale(st, def, ns, name, replicas, precondition, opts)?;
    Ok(scale_of(&updated))
}
