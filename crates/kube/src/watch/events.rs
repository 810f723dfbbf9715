//! Events about an app's objects and what they own, listed from the API (not only the Warning
//! watch), newest first.

use std::collections::{BTreeSet, HashSet};

use kube::api::{Api, DynamicObject, ListParams};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Shared, WatchError, runner};
use crate::ObjectRef;

/// The namespace that holds events about cluster-scoped objects.
const CLUSTER_EVENTS_NAMESPACE: &str = "default";

/// One event about one of an app's objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectEvent {
    /// The object the event is about.
    pub object: ObjectRef,
    /// `Normal` or `Warning`.
    pub event_type: String,
    /// The machine-readable reason, e.g. `FailedScheduling`.
    pub reason: String,
    /// The human message.
    pub message: String,
    /// How many times it happened.
    pub count: i64,
    /// When it last happened (RFC 3339), when known.
    pub last_seen: Option<String>,
}

pub(super) async fn list(
    shared: &Shared,
    set_id: &str,
    limit: usize,
) -> Result<Vec<ObjectEvent>, WatchError> {
    let objects = shared.cache().objects_of(set_id);
    let uids: HashSet<String> = objects.iter().map(|(uid, _)| uid.clone()).collect();
    let namespaces: BTreeSet<String> = objects
        .iter()
        .map(|(_, object)| {
            object
                .namespace
                .clone()
                .unwrap_or_else(|| CLUSTER_EVENTS_NAMESPACE.to_owned())
        })
        .collect();
    let mut found = Vec::new();
    for namespace in &namespaces {
        let api = Api::<DynamicObject>::namespaced_with(
            shared.client.clone(),
            namespace,
            &runner::events_resource(),
        );
        for event in api.list(&ListParams::default()).await?.items {
            let data = &event.data;
            let uid = data.pointer("/involvedObject/uid").and_then(Value::as_str);
            if !uid.is_some_and(|uid| uids.contains(uid)) {
                continue;
            }
            let Some(object) = involved(data) else {
                continue;
            };
            let text = |field: &str| {
                data.pointer(field)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let last_seen = [
                "/lastTimestamp",
                "/series/lastObservedTime",
                "/eventTime",
                "/firstTimestamp",
            ]
            .iter()
            .find_map(|field| data.pointer(field).and_then(Value::as_str))
            .filter(|time| !time.is_empty())
            .map(str::to_owned);
            let written: u64 = event
                .metadata
                .resource_version
                .as_deref()
                .and_then(|v| v.parse().ok())
                .unwrap_or_default();
            found.push((
                last_seen
                    .as_deref()
                    .map(second_precision)
                    .unwrap_or_default(),
                written,
                ObjectEvent {
                    object,
                    event_type: text("/type"),
                    reason: text("/reason"),
                    message: text("/message"),
                    count: data.pointer("/count").and_then(Value::as_i64).unwrap_or(1),
                    last_seen,
                },
            ));
        }
    }
    // Newest first: by time to the second (event times come with and without fractions), then by
    // the order the API server wrote them.
    found.sort_by(|a, b| (&b.0, b.1).cmp(&(&a.0, a.1)));
    Ok(found
        .into_iter()
        .take(limit)
        .map(|(_, _, event)| event)
        .collect())
}

/// `2026-11-30T07:00:00` of `2026-11-30T07:00:00.123456Z` or `2026-11-30T07:00:00Z`.
fn second_precision(time: &str) -> String {
    time.chars().take("2026-11-30T07:00:00".len()).collect()
}

fn involved(data: &Value) -> Option<ObjectRef> {
    let text = |field: &str| data.pointer(field).and_then(Value::as_str);
    Some(ObjectRef {
        api_version: text("/involvedObject/apiVersion")
            .unwrap_or("v1")
            .to_owned(),
        kind: text("/involvedObject/kind")?.to_owned(),
        namespace: text("/involvedObject/namespace")
            .filter(|ns| !ns.is_empty())
            .map(str::to_owned),
        name: text("/involvedObject/name")?.to_owned(),
    })
}
