//! Pods, explained the way a person debugging them would: the waiting reason of the container
//! that is stuck, with the image, the last exit code or OOM kill, the missing Secret, or the
//! scheduler's message.

use serde_json::Value;

use super::fields::{array_at, condition, count_at, join_reason, str_at};
use super::{Assessment, Warning};

/// Waiting reasons of a container whose image cannot be pulled.
const IMAGE_PROBLEMS: [&str; 5] = [
    "ImagePullBackOff",
    "ErrImagePull",
    "InvalidImageName",
    "ErrImageNeverPull",
    "RegistryUnavailable",
];

/// Waiting reasons of a container that cannot be created or started as configured.
const CONFIG_PROBLEMS: [&str; 5] = [
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
    "PreStartHookError",
    "PostStartHookError",
];

/// Warnings about a pod that mean it cannot start (a missing Secret volume, a CSI attach error).
const VOLUME_PROBLEMS: [&str; 2] = ["FailedMount", "FailedAttachVolume"];

/// How much of the scheduler's message is kept: the rest is its preemption analysis.
const SCHEDULER_NOISE: &str = " preemption:";

pub(crate) fn pod(object: &Value, warnings: &[Warning]) -> Assessment {
    match str_at(object, "/status/phase") {
        Some("Succeeded") => return Assessment::current("completed"),
        Some("Failed") => return Assessment::failed(terminal_failure(object)),
        _ => {}
    }
    let init = array_at(object, "/status/initContainerStatuses");
    let main = array_at(object, "/status/containerStatuses");
    let statuses = init
        .iter()
        .map(|s| (true, s))
        .chain(main.iter().map(|s| (false, s)));
    for (is_init, status) in statuses {
        if let Some(problem) = container_problem(object, status, is_init, warnings) {
            return problem;
        }
    }
    if let Some(scheduling) = unschedulable(object) {
        return scheduling;
    }
    // Ready wins over any warning: events outlive the problem they report.
    if condition(object, "Ready").is_some_and(|c| c.is_true()) {
        return Assessment::current("running");
    }
    if let Some(volume) = warnings
        .iter()
        .find(|w| VOLUME_PROBLEMS.contains(&w.reason.as_str()))
    {
        return Assessment::failing(join_reason(&volume.reason, &volume.message));
    }
    not_ready_yet(object, init, main, warnings)
}

/// Why a pod that ran to the end failed: eviction, or the container that exited badly.
fn terminal_failure(object: &Value) -> String {
    let reason = str_at(object, "/status/reason").unwrap_or("");
    let message = str_at(object, "/status/message").unwrap_or("");
    if !reason.is_empty() || !message.is_empty() {
        return join_reason(reason, message);
    }
    array_at(object, "/status/containerStatuses")
        .iter()
        .find_map(|status| {
            let terminated = status.pointer("/state/terminated")?;
            let code = terminated.get("exitCode").and_then(Value::as_i64)?;
            (code != 0).then(|| exit_text(&format!("container {}", name_of(status)), terminated))
        })
        .unwrap_or_else(|| "failed".to_owned())
}

fn name_of(status: &Value) -> &str {
    status.get("name").and_then(Value::as_str).unwrap_or("")
}

/// A stuck container: image pull, crash loop or configuration error.
fn container_problem(
    pod: &Value,
    status: &Value,
    is_init: bool,
    warnings: &[Warning],
) -> Option<Assessment> {
    let waiting = status.pointer("/state/waiting")?;
    let reason = waiting.get("reason").and_then(Value::as_str).unwrap_or("");
    let message = waiting.get("message").and_then(Value::as_str).unwrap_or("");
    let container = name_of(status);
    let subject = if is_init {
        format!("init container {container}")
    } else {
        format!("container {container}")
    };
    if IMAGE_PROBLEMS.contains(&reason) {
        let image = status
            .get("image")
            .and_then(Value::as_str)
            .filter(|image| !image.is_empty())
            .or_else(|| spec_image(pod, container))
            .unwrap_or("");
        return Some(Assessment::failing(image_problem(
            reason, image, message, warnings,
        )));
    }
    if reason == "CrashLoopBackOff" {
        let last = status.pointer("/lastState/terminated");
        let restarts = count_at(status, "/restartCount");
        let exit = match last {
            Some(terminated)
                if terminated.get("reason").and_then(Value::as_str) == Some("OOMKilled") =>
            {
                match memory_limit(pod, container) {
                    Some(limit) => format!("{subject} was OOMKilled (memory limit {limit})"),
                    None => format!("{subject} was OOMKilled"),
                }
            }
            Some(terminated) => exit_text(&subject, terminated),
            None => format!("{subject} keeps exiting"),
        };
        let restarts = match restarts {
            0 => String::new(),
            1 => ", 1 restart".to_owned(),
            n => format!(", {n} restarts"),
        };
        return Some(Assessment::failing(format!(
            "CrashLoopBackOff: {exit}{restarts}"
        )));
    }
    if CONFIG_PROBLEMS.contains(&reason) {
        return Some(Assessment::failing(format!(
            "{}: {subject}: {}",
            reason,
            if message.is_empty() {
                "cannot start"
            } else {
                message
            }
        )));
    }
    None
}

/// `container app exited with code 1 (Error): <first line of its termination message>`.
fn exit_text(subject: &str, terminated: &Value) -> String {
    let code = terminated
        .get("exitCode")
        .and_then(Value::as_i64)
        .unwrap_or_default();
    let reason = terminated
        .get("reason")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty());
    let mut text = format!("{subject} exited with code {code}");
    if let Some(reason) = reason {
        text.push_str(&format!(" ({reason})"));
    }
    if let Some(line) = terminated
        .get("message")
        .and_then(Value::as_str)
        .and_then(|m| m.lines().find(|l| !l.trim().is_empty()))
    {
        text.push_str(&format!(": {}", line.trim()));
    }
    text
}

fn spec_container<'a>(pod: &'a Value, container: &str) -> Option<&'a Value> {
    array_at(pod, "/spec/containers")
        .iter()
        .chain(array_at(pod, "/spec/initContainers"))
        .find(|c| c.get("name").and_then(Value::as_str) == Some(container))
}

fn spec_image<'a>(pod: &'a Value, container: &str) -> Option<&'a str> {
    spec_container(pod, container)?
        .get("image")
        .and_then(Value::as_str)
}

fn memory_limit<'a>(pod: &'a Value, container: &str) -> Option<&'a str> {
    spec_container(pod, container)?
        .pointer("/resources/limits/memory")
        .and_then(Value::as_str)
}

/// `ImagePullBackOff: ghcr.io/acme/shop:1.4.3 not found`: the registry's verdict comes from the
/// waiting message when it has one (ErrImagePull), else from the kubelet's `Failed` event
/// (ImagePullBackOff only says it is backing off).
fn image_problem(reason: &str, image: &str, message: &str, warnings: &[Warning]) -> String {
    let pull_event = format!("Failed to pull image \"{image}\"");
    let detail = registry_verdict(message, image).or_else(|| {
        warnings
            .iter()
            .find(|w| w.message.starts_with(&pull_event))
            .and_then(|w| registry_verdict(&w.message, image))
    });
    match detail {
        Some(detail) if detail == "not found" => format!("{reason}: {image} not found"),
        Some(detail) => format!("{reason}: {image}: {detail}"),
        None if image.is_empty() => reason.to_owned(),
        None => format!("{reason}: {image}"),
    }
}

/// Registry errors are chains of `context: cause`; what went wrong is everything after the last
/// link that names the image (`…resolve reference "x": x: not found` → `not found`).
fn registry_verdict(message: &str, image: &str) -> Option<String> {
    let message = message.trim();
    if message.is_empty() || message.starts_with("Back-off pulling image") {
        return None;
    }
    let links: Vec<&str> = message.split(": ").collect();
    let after = match links
        .iter()
        .rposition(|link| !image.is_empty() && link.contains(image))
    {
        Some(position) => &links[position + 1..],
        None => &links[links.len().saturating_sub(1)..],
    };
    let verdict = after.join(": ");
    (!verdict.trim().is_empty()).then(|| verdict.trim().to_owned())
}

/// `PodScheduled=False` with reason `Unschedulable`: the scheduler's message, or the claims it
/// waits for (whose own health explains why they are not bound).
fn unschedulable(object: &Value) -> Option<Assessment> {
    let scheduled = condition(object, "PodScheduled")?;
    if !scheduled.is_false() || scheduled.reason != "Unschedulable" {
        return None;
    }
    if scheduled.message.contains("unbound") && scheduled.message.contains("PersistentVolumeClaims")
    {
        let claims: Vec<&str> = array_at(object, "/spec/volumes")
            .iter()
            .filter_map(|v| v.pointer("/persistentVolumeClaim/claimName"))
            .filter_map(Value::as_str)
            .collect();
        return Some(Assessment::in_progress(match claims.as_slice() {
            [] => "waiting for its PersistentVolumeClaims to be bound".to_owned(),
            [claim] => format!("waiting for PersistentVolumeClaim {claim} to be bound"),
            claims => format!(
                "waiting for PersistentVolumeClaims {} to be bound",
                claims.join(", ")
            ),
        }));
    }
    let message = scheduled
        .message
        .split_once(SCHEDULER_NOISE)
        .map_or(scheduled.message, |(kept, _)| kept);
    Some(Assessment::failing(join_reason("Unschedulable", message)))
}

/// A pod on its way: initialising, creating containers, or running but not ready (a readiness
/// probe failing, a container restarting).
fn not_ready_yet(
    object: &Value,
    init: &[Value],
    main: &[Value],
    warnings: &[Warning],
) -> Assessment {
    let init_done = init
        .iter()
        .filter(|s| {
            s.pointer("/state/terminated/exitCode")
                .and_then(Value::as_i64)
                == Some(0)
        })
        .count();
    if init_done < init.len() {
        return Assessment::in_progress(format!(
            "initializing: {init_done}/{} init containers done",
            init.len()
        ));
    }
    if let Some(probe) = warnings.iter().find(|w| w.reason == "Unhealthy") {
        return Assessment::in_progress(probe.message.trim().to_owned());
    }
    if let Some(waiting) = main
        .iter()
        .find_map(|s| s.pointer("/state/waiting/reason").and_then(Value::as_str))
    {
        return Assessment::in_progress(waiting.to_owned());
    }
    if let Some(restarted) = main.iter().find(|s| {
        s.get("ready") != Some(&Value::Bool(true)) && s.pointer("/lastState/terminated").is_some()
    }) {
        let restarts = count_at(restarted, "/restartCount");
        return Assessment::in_progress(format!(
            "container {} not ready, restarted {restarts} times",
            name_of(restarted)
        ));
    }
    match str_at(object, "/status/phase") {
        Some("Running") => {
            let ready = main
                .iter()
                .filter(|s| s.get("ready") == Some(&Value::Bool(true)))
                .count();
            Assessment::in_progress(format!("{ready}/{} containers ready", main.len()))
        }
        Some("Unknown") => Assessment::in_progress("its node stopped reporting"),
        _ => Assessment::in_progress("pending"),
    }
}
