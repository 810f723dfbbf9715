//! Jobs and CronJobs. A Job that is still running is InProgress (kstatus calls it Current), so that
//! waiting for an app waits for its one-off Jobs, as `helm --wait-for-jobs` does.

use serde_json::Value;

use super::fields::{array_at, condition, count_at, int_at, join_reason, str_at};
use super::{Assessment, Warning};

pub(crate) fn job(object: &Value, warnings: &[Warning]) -> Assessment {
    let succeeded = count_at(object, "/status/succeeded");
    let failed = count_at(object, "/status/failed");
    let active = count_at(object, "/status/active");
    let completions = int_at(object, "/spec/completions").unwrap_or(1);
    for finished in ["Failed", "FailureTarget"] {
        if let Some(failure) = condition(object, finished).filter(|c| c.is_true()) {
            let text = join_reason(failure.reason, failure.message);
            return Assessment::failed(if text.is_empty() {
                format!("failed after {failed} failed pods")
            } else {
                text
            });
        }
    }
    for done in ["Complete", "SuccessCriteriaMet"] {
        if condition(object, done).is_some_and(|c| c.is_true()) {
            return Assessment::current(format!("completed ({succeeded}/{completions} succeeded)"));
        }
    }
    if object.pointer("/spec/suspend") == Some(&Value::Bool(true)) {
        return Assessment::current("suspended");
    }
    // Once a pod runs, an earlier refusal is history.
    if let Some(refused) = warnings
        .iter()
        .find(|w| w.reason == "FailedCreate")
        .filter(|_| active == 0)
    {
        return Assessment::failing(join_reason(&refused.reason, &refused.message));
    }
    let mut progress = format!("running: {succeeded}/{completions} succeeded");
    if active > 0 {
        progress.push_str(&format!(", {active} active"));
    }
    if failed > 0 {
        progress.push_str(&format!(", {failed} failed"));
    }
    Assessment::in_progress(progress)
}

/// A CronJob is Current (kstatus); its reason tells the last run as far as the object knows.
/// The last Job's own result is carried up by `propagate`.
pub(crate) fn cron_job(object: &Value) -> Assessment {
    if object.pointer("/spec/suspend") == Some(&Value::Bool(true)) {
        return Assessment::current("suspended");
    }
    let running: Vec<&str> = array_at(object, "/status/active")
        .iter()
        .filter_map(|job| job.get("name").and_then(Value::as_str))
        .collect();
    if !running.is_empty() {
        return Assessment::current(format!("running Job {}", running.join(", ")));
    }
    let scheduled = str_at(object, "/status/lastScheduleTime");
    let succeeded = str_at(object, "/status/lastSuccessfulTime");
    match (scheduled, succeeded) {
        (None, _) => Assessment::current(format!(
            "not run yet (schedule \"{}\")",
            str_at(object, "/spec/schedule").unwrap_or("")
        )),
        // RFC 3339 timestamps in UTC, as the API server writes them, order as text.
        (Some(scheduled), Some(succeeded)) if succeeded >= scheduled => {
            Assessment::current(format!("last run succeeded at {succeeded}"))
        }
        (Some(scheduled), _) => Assessment::current(format!("last run scheduled at {scheduled}")),
    }
}
