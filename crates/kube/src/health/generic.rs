//! The kstatus steps every kind goes through, and the rule for kinds nobody knows better about.

use serde_json::Value;

use super::Assessment;
use super::fields::{array_at, condition, int_at, str_at};

/// Namespace conditions that explain a deletion that does not finish.
const NAMESPACE_DELETION_PROBLEMS: [&str; 4] = [
    "NamespaceDeletionContentFailure",
    "NamespaceDeletionDiscoveryFailure",
    "NamespaceFinalizersRemaining",
    "NamespaceContentRemaining",
];

/// kstatus step 1: a `deletionTimestamp` (or a Namespace in phase Terminating) means Terminating,
/// with the finalizers still holding it or the Namespace's own explanation.
pub(crate) fn terminating(object: &Value) -> Option<Assessment> {
    let deleting = object.pointer("/metadata/deletionTimestamp").is_some()
        || str_at(object, "/status/phase") == Some("Terminating");
    if !deleting {
        return None;
    }
    let stuck = NAMESPACE_DELETION_PROBLEMS
        .iter()
        .filter_map(|kind| condition(object, kind))
        .find(|c| c.is_true() && !c.message.is_empty());
    if let Some(problem) = stuck {
        return Some(Assessment::new(
            super::HealthState::Terminating,
            format!("being deleted: {}", problem.message),
        ));
    }
    let finalizers: Vec<&str> = array_at(object, "/metadata/finalizers")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let reason = if finalizers.is_empty() {
        "being deleted".to_owned()
    } else {
        format!(
            "being deleted, waiting for finalizers: {}",
            finalizers.join(", ")
        )
    };
    Some(Assessment::new(super::HealthState::Terminating, reason))
}

/// kstatus step 2: the controller has not seen the latest spec yet.
pub(crate) fn generation_not_observed(object: &Value) -> Option<Assessment> {
    let generation = int_at(object, "/metadata/generation")?;
    let observed = int_at(object, "/status/observedGeneration")?;
    (observed < generation).then(|| {
        Assessment::in_progress(format!(
            "waiting for the controller to see the change (generation {generation}, observed {observed})"
        ))
    })
}

/// kstatus steps 3 and 5 for custom resources: `Stalled`, `Reconciling` and `Ready` conditions.
/// `None` when the object has none of them.
pub(crate) fn conditions(object: &Value) -> Option<Assessment> {
    if let Some(stalled) = condition(object, "Stalled").filter(|c| c.is_true()) {
        return Some(Assessment::failing(or_default(
            stalled.explain(),
            "stalled",
        )));
    }
    if let Some(reconciling) = condition(object, "Reconciling").filter(|c| c.is_true()) {
        return Some(Assessment::in_progress(or_default(
            reconciling.explain(),
            "reconciling",
        )));
    }
    let ready = condition(object, "Ready")?;
    Some(if ready.is_true() {
        Assessment::current(or_default(ready.message.to_owned(), "ready"))
    } else {
        Assessment::in_progress(or_default(ready.explain(), "not ready yet"))
    })
}

/// kstatus step 6: nothing says otherwise, so the object is what was asked for.
pub(crate) fn exists() -> Assessment {
    Assessment::current("exists")
}

/// `text`, or `fallback` when the object said nothing.
pub(crate) fn or_default(text: String, fallback: &str) -> String {
    if text.is_empty() {
        fallback.to_owned()
    } else {
        text
    }
}
