//! list (selectors, limit + continue) and deletecollection.

use std::sync::Arc;

use axum::response::Response;
use base64::Engine;
use serde_json::{Value, json};

use super::{Query, json_response, table};
use crate::ops::{self, DeleteOptions};
use crate::registry::ResourceDef;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::state::State;
use crate::status::ApiError;
use crate::store::rid;

/// The label and field selectors of a request.
pub(super) fn selectors(
    def: &ResourceDef,
    q: &Query,
) -> Result<(LabelSelector, FieldSelector), ApiError> {
    let labels = LabelSelector::parse(q.get("labelSelector").map_or("", String::as_str))
        .map_err(ApiError::bad_request)?;
    let fields = FieldSelector::parse(q.get("fieldSelector").map_or("", String::as_str), def.kind)
        .map_err(ApiError::bad_request)?;
    Ok((labels, fields))
}

fn object_key(obj: &Value) -> String {
    let ns = obj
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    format!("{ns}/{name}")
}

/// Items of built-in kinds carry no type information in a list; custom resources keep it.
fn list_item(def: &ResourceDef, mut obj: Value) -> Value {
    if def.crd.is_none()
        && let Some(m) = obj.as_object_mut()
    {
        m.remove("apiVersion");
        m.remove("kind");
    }
    obj
}

/// Lists objects.
pub(super) fn list(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: Option<&str>,
    q: &Query,
    wants_table: bool,
) -> Result<Response, ApiError> {
    let (labels, fields) = selectors(def, q)?;
    let (items, list_rv) = st.store.list(rid(def), ns.map(|n| ops::ns_of(def, n)));
    let mut items: Vec<Value> = items
        .into_iter()
        .filter(|o| labels.matches_object(o) && fields.matches(o))
        .collect();
    let mut rv = list_rv;
    if let Some(token) = q.get("continue").filter(|t| !t.is_empty()) {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(token)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .ok_or_else(|| {
                ApiError::bad_request("continue key is not valid: illegal base64 data")
            })?;
        let start = decoded["start"].as_str().unwrap_or_default().to_string();
        rv = decoded["rv"].as_u64().unwrap_or(list_rv);
        items.retain(|o| object_key(o) > start);
    }
    let mut metadata = json!({"resourceVersion": rv.to_string()});
    if let Some(limit) = q
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
        && items.len() > limit
    {
        let remaining = items.len() - limit;
        items.truncate(limit);
        let last = items.last().map(object_key).unwrap_or_default();
        let token = json!({"v": "meta.k8s.io/v1", "rv": rv, "start": last});
        metadata["continue"] =
            json!(base64::engine::general_purpose::STANDARD.encode(token.to_string()));
        metadata["remainingItemCount"] = json!(remaining);
    }
    if wants_table {
        let mut t = table::table(def, &items, rv, q);
        t["metadata"] = metadata;
        return Ok(json_response(200, &t));
    }
    let items: Vec<Value> = items.into_iter().map(|o| list_item(def, o)).collect();
    Ok(json_response(
        200,
        &json!({"kind": format!("{}List", def.kind), "apiVersion": def.api_version(), "metadata": metadata, "items": items}),
    ))
}

/// Deletes every selected object in a namespace (or at cluster scope) and lists what was deleted.
pub(super) fn delete_collection(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: &str,
    q: &Query,
    opts: &DeleteOptions,
) -> Result<Response, ApiError> {
    let (labels, fields) = selectors(def, q)?;
    let (items, _) = st.store.list(rid(def), Some(ops::ns_of(def, ns)));
    let mut deleted = Vec::new();
    for obj in items
        .into_iter()
        .filter(|o| labels.matches_object(o) && fields.matches(o))
    {
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        match ops::delete(st, def, ns, &name, opts) {
            Ok(ops::Deleted::Gone(o) | ops::Deleted::Pending(o)) => deleted.push(list_item(def, o)),
            Err(e) if e.code == 404 => {}
            Err(e) => return Err(e),
        }
    }
    Ok(json_response(
        200,
        &json!({"kind": format!("{}List", def.kind), "apiVersion": def.api_version(), "metadata": {"resourceVersion": st.store.current_rv().to_string()}, "items": deleted}),
    ))
}
