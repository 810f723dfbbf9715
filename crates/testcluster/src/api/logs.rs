//! `GET pods/{name}/log`: container selection, tailLines, follow; and the knob that appends to a
//! container's log over the wire.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{Query, decode_json, flag, json_response, stream_body};
use crate::auth::Identity;
use crate::logs::tail;
use crate::registry;
use crate::state::State;
use crate::status::ApiError;

/// Serves a container's log.
pub(super) async fn pod_log(
    st: &Arc<State>,
    ns: &str,
    pod: &str,
    q: &Query,
) -> Result<Response, ApiError> {
    let pods = &registry::PODS;
    let obj = st
        .store
        .get(crate::store::rid(pods), ns, pod)
        .ok_or_else(|| ApiError::not_found(pods, pod))?;
    let container = container_of(&obj, pod, q.get("container"))?;
    let waiting = obj
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|s| s["name"].as_str() == Some(container.as_str()))
        .and_then(|s| s.pointer("/state/waiting/reason"))
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(reason) = waiting.filter(|r| r != "CrashLoopBackOff") {
        let why = if reason.contains("Image") || reason == "ErrImagePull" {
            "trying and failing to pull image".to_string()
        } else {
            reason
        };
        return Err(ApiError::bad_request(format!(
            "container \"{container}\" in pod \"{pod}\" is waiting to start: {why}"
        )));
    }
    let mut rx = st.logs.subscribe(ns, pod, &container);
    let text = rx.borrow_and_update().clone();
    let tail_lines = q.get("tailLines").and_then(|t| t.parse::<usize>().ok());
    let first = match tail_lines {
        Some(n) => tail(&text, n),
        None => text.clone(),
    };
    let headers = [(header::CONTENT_TYPE, "text/plain")];
    if !flag(q, "follow") {
        return Ok((StatusCode::OK, headers, first).into_response());
    }
    let (tx, body_rx) = mpsc::channel::<Bytes>(64);
    tokio::spawn(async move {
        let mut sent = text.len();
        if tx.send(Bytes::from(first)).await.is_err() {
            return;
        }
        loop {
            tokio::select! {
                _ = tx.closed() => return,
                changed = rx.changed() => {
                    if changed.is_err() { return; }
                    let now = rx.borrow_and_update().clone();
                    if now.len() > sent {
                        let chunk = now[sent..].to_string();
                        sent = now.len();
                        if tx.send(Bytes::from(chunk)).await.is_err() { return; }
                    }
                }
            }
        }
    });
    Ok((StatusCode::OK, headers, stream_body(body_rx)).into_response())
}

/// The container a log request names, or the pod's only container; errors as kube-apiserver words them.
fn container_of(pod_obj: &Value, pod: &str, asked: Option<&String>) -> Result<String, ApiError> {
    let names: Vec<String> = pod_obj
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect();
    match asked.filter(|c| !c.is_empty()) {
        Some(c) if names.contains(c) => Ok(c.clone()),
        Some(c) => Err(ApiError::bad_request(format!(
            "container {c} is not valid for pod {pod}"
        ))),
        None if names.len() == 1 => Ok(names[0].clone()),
        None => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {pod}, choose one of: [{}]",
            names.join(" ")
        ))),
    }
}

/// Appends `{"text": …}` to a container's log (`container` as for reading): what
/// [`crate::TestCluster::knobs`]' `seed_pod_log` does, for clients of the binary. Administrator only.
pub(super) fn seed_pod_log(
    st: &Arc<State>,
    who: &Identity,
    ns: &str,
    pod: &str,
    body: &[u8],
) -> Result<Response, ApiError> {
    let pods = &registry::PODS;
    if *who != Identity::Admin {
        return Err(ApiError::forbidden(
            pods,
            Some(pod),
            who.user(),
            "seed the log of",
            Some(ns),
        ));
    }
    let seed = decode_json(body)?;
    let text = seed["text"]
        .as_str()
        .ok_or_else(|| ApiError::bad_request("text: a string is required"))?;
    let obj = st
        .store
        .get(crate::store::rid(pods), ns, pod)
        .ok_or_else(|| ApiError::not_found(pods, pod))?;
    let asked = seed["container"].as_str().map(str::to_string);
    let container = container_of(&obj, pod, asked.as_ref())?;
    st.logs.append(ns, pod, &container, text);
    Ok(json_response(200, &json!({"container": container})))
}
