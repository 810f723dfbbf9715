//! Deadlines the controllers enforce on their own clock: a Deployment that makes no progress for
//! `progressDeadlineSeconds` reports ProgressDeadlineExceeded, a Job active longer than
//! `activeDeadlineSeconds` fails with DeadlineExceeded.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::condition;
use crate::registry::ResourceDef;
use crate::state::State;
use crate::store::rid;

fn parse(t: &Value) -> Option<DateTime<Utc>> {
    t.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// How long until `deadline_secs` after `since` (zero when it passed).
pub(crate) fn remaining(since: &Value, deadline_secs: i64) -> Option<Duration> {
    let since = parse(since)?;
    let left = since + chrono::Duration::seconds(deadline_secs) - Utc::now();
    Some(left.to_std().unwrap_or(Duration::ZERO))
}

/// The Deployment's Progressing condition. Progress (a change in the replica counts, or a new
/// ReplicaSet) moves `lastUpdateTime`; `progressDeadlineSeconds` without it turns the condition
/// False with ProgressDeadlineExceeded, which stays until the rollout completes. Returns the
/// condition and, while the deadline is pending, how long until it passes.
pub(crate) fn deployment_progress(
    prev: Option<&Value>,
    status: &Value,
    rs_name: &str,
    complete: bool,
    deadline_secs: i64,
) -> (Value, Option<Duration>) {
    if complete {
        let c = condition(
            prev,
            "Progressing",
            true,
            "NewReplicaSetAvailable",
            &format!("ReplicaSet \"{rs_name}\" has successfully progressed."),
        );
        return (stamped(c, prev), None);
    }
    let previous = prev
        .and_then(|p| p["conditions"].as_array())
        .and_then(|c| c.iter().find(|c| c["type"] == "Progressing"));
    if let Some(p) = previous.filter(|p| p["reason"] == "ProgressDeadlineExceeded") {
        return (p.clone(), None);
    }
    let counts = [
        "replicas",
        "updatedReplicas",
        "readyReplicas",
        "availableReplicas",
    ];
    let progressed = previous.is_none_or(|p| {
        !p["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("\"{rs_name}\"")))
    }) || prev.is_none_or(|p| counts.iter().any(|k| p.get(*k) != status.get(*k)));
    let now = crate::ops::now();
    let last_update = match previous {
        Some(p) if !progressed => p["lastUpdateTime"].clone(),
        _ => json!(now),
    };
    let left = remaining(&last_update, deadline_secs).unwrap_or(Duration::ZERO);
    if left.is_zero() {
        let mut c = condition(
            prev,
            "Progressing",
            false,
            "ProgressDeadlineExceeded",
            &format!("ReplicaSet \"{rs_name}\" has timed out progressing."),
        );
        c["lastUpdateTime"] = json!(now);
        return (c, None);
    }
    let mut c = condition(
        prev,
        "Progressing",
        true,
        "ReplicaSetUpdated",
        &format!("ReplicaSet \"{rs_name}\" is progressing."),
    );
    c["lastUpdateTime"] = last_update;
    (c, Some(left))
}

/// A condition keeps its `lastUpdateTime` while it stays the same, and gets one when it changes.
fn stamped(mut c: Value, prev: Option<&Value>) -> Value {
    if c.get("lastUpdateTime").is_none() {
        let same = prev
            .and_then(|p| p["conditions"].as_array())
            .and_then(|cs| cs.iter().find(|x| x["type"] == c["type"]))
            .filter(|x| x["reason"] == c["reason"] && x["status"] == c["status"]);
        c["lastUpdateTime"] = same
            .and_then(|x| x.get("lastUpdateTime").cloned())
            .unwrap_or_else(|| json!(crate::ops::now()));
    }
    c
}

/// Re-runs a controller on an object once `after` has passed, so a deadline is noticed even
/// when nothing else changes.
pub(crate) fn recheck(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: &str,
    name: &str,
    after: Duration,
    run: fn(&Arc<State>, &Value),
) {
    let st = st.clone();
    let (ns, name) = (ns.to_string(), name.to_string());
    tokio::spawn(async move {
        // A little past the deadline, so the controller sees it passed.
        tokio::time::sleep(after + Duration::from_millis(50)).await;
        if let Some(obj) = st.store.get(rid(def), &ns, &name)
            && obj.pointer("/metadata/deletionTimestamp").is_none()
        {
            run(&st, &obj);
        }
    });
}
