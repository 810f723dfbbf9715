//! The kubelet's part: pods go Pending → (after the ready delay) Running and Ready, Succeeded for
//! run-to-completion pods, or wait in ImagePullBackOff / CrashLoopBackOff for failing images.

use std::sync::Arc;

use serde_json::{Value, json};

use super::events::{record, reference};
use super::{Memory, condition, meta_str};
use crate::ops;
use crate::registry::def_of;
use crate::state::State;

const MANAGER: &str = "kubelet";

fn containers(pod: &Value) -> Vec<(String, String)> {
    pod.pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c["image"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Reacts to a pod: schedules it and, once, its start after the ready delay.
pub fn pod(st: &Arc<State>, memory: &Arc<Memory>, pod: &Value) {
    let uid = meta_str(pod, "uid").to_string();
    if pod.pointer("/status/phase").is_some() {
        return;
    }
    let fresh = memory
        .started
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(uid);
    if !fresh {
        return;
    }
    let ns = meta_str(pod, "namespace").to_string();
    let name = meta_str(pod, "name").to_string();
    let pods = def_of("", "pods");
    let waiting: Vec<Value> = containers(pod)
        .iter()
        .map(|(n, i)| json!({"name": n, "image": i, "imageID": "", "ready": false, "started": false, "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}}))
        .collect();
    let _ = ops::write_status(st, pods, &ns, &name, MANAGER, |cur| {
        let prev = cur.get("status");
        Some(json!({
            "phase": "Pending",
            "conditions": [condition(prev, "PodScheduled", true, "", ""), condition(prev, "Ready", false, "ContainersNotReady", "containers with unready status")],
            "containerStatuses": waiting,
            "hostIP": "172.18.0.2",
            "qosClass": "BestEffort",
            "startTime": ops::now(),
        }))
    });
    let _ = record(
        st,
        &ns,
        &reference(pod),
        "Normal",
        "Scheduled",
        &format!("Successfully assigned {ns}/{name} to testcluster-node"),
    );
    let st = st.clone();
    let pod = pod.clone();
    tokio::spawn(async move {
        tokio::time::sleep(st.sim.ready_delay()).await;
        start(&st, &pod);
    });
}

fn start(st: &Arc<State>, pod: &Value) {
    let ns = meta_str(pod, "namespace");
    let name = meta_str(pod, "name");
    let restart = pod
        .pointer("/spec/restartPolicy")
        .and_then(Value::as_str)
        .unwrap_or("Always");
    let reference = reference(pod);
    let mut statuses = Vec::new();
    let (mut pull_failed, mut crashed) = (false, false);
    let now = ops::now();
    for (c, image) in containers(pod) {
        let _ = record(
            st,
            ns,
            &reference,
            "Normal",
            "Pulling",
            &format!("Pulling image \"{image}\""),
        );
        if st.sim.image_fails(&image) {
            pull_failed = true;
            let _ = record(
                st,
                ns,
                &reference,
                "Warning",
                "Failed",
                &format!(
                    "Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": not found"
                ),
            );
            let _ = record(
                st,
                ns,
                &reference,
                "Warning",
                "Failed",
                "Error: ErrImagePull",
            );
            let _ = record(
                st,
                ns,
                &reference,
                "Normal",
                "BackOff",
                &format!("Back-off pulling image \"{image}\""),
            );
            let _ = record(
                st,
                ns,
                &reference,
                "Warning",
                "Failed",
                "Error: ImagePullBackOff",
            );
            statuses.push(json!({"name": c, "image": image, "imageID": "", "ready": false, "started": false, "restartCount": 0,
                "state": {"waiting": {"reason": "ImagePullBackOff", "message": format!("Back-off pulling image \"{image}\"")}}}));
            continue;
        }
        let _ = record(
            st,
            ns,
            &reference,
            "Normal",
            "Pulled",
            &format!("Successfully pulled image \"{image}\""),
        );
        let _ = record(
            st,
            ns,
            &reference,
            "Normal",
            "Created",
            &format!("Created container: {c}"),
        );
        let _ = record(
            st,
            ns,
            &reference,
            "Normal",
            "Started",
            &format!("Started container {c}"),
        );
        let image_id = format!("docker.io/library/{image}@sha256:{}", "0".repeat(64));
        if st.sim.image_crashes(&image) {
            crashed = true;
            let _ = record(
                st,
                ns,
                &reference,
                "Warning",
                "BackOff",
                &format!(
                    "Back-off restarting failed container {c} in pod {name}_{ns}({})",
                    meta_str(pod, "uid")
                ),
            );
            statuses.push(json!({"name": c, "image": image, "imageID": image_id, "ready": false, "started": false, "restartCount": 1,
                "state": {"waiting": {"reason": "CrashLoopBackOff", "message": format!("back-off 10s restarting failed container={c} pod={name}_{ns}")}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": now, "finishedAt": now}}}));
            continue;
        }
        if restart != "Always" {
            statuses.push(json!({"name": c, "image": image, "imageID": image_id, "ready": false, "started": false, "restartCount": 0,
                "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now}}}));
        } else {
            statuses.push(json!({"name": c, "image": image, "imageID": image_id, "ready": true, "started": true, "restartCount": 0,
                "state": {"running": {"startedAt": now}}}));
        }
    }
    let ready = !pull_failed && !crashed && restart == "Always";
    let phase = match (pull_failed, crashed, restart) {
        (true, _, _) => "Pending",
        (false, true, "Never") => "Failed",
        (false, true, _) => "Running",
        (false, false, "Always") => "Running",
        (false, false, _) => "Succeeded",
    };
    let octets: u16 = rand::random();
    let _ = ops::write_status(st, def_of("", "pods"), ns, name, MANAGER, |cur| {
        let prev = cur.get("status");
        let ready_cond = if ready {
            condition(prev, "Ready", true, "", "")
        } else {
            condition(
                prev,
                "Ready",
                false,
                if phase == "Succeeded" {
                    "PodCompleted"
                } else {
                    "ContainersNotReady"
                },
                "containers with unready status",
            )
        };
        let mut status = cur.get("status").cloned().unwrap_or(json!({}));
        status["phase"] = json!(phase);
        status["podIP"] = json!(format!(
            "10.244.{}.{}",
            (octets >> 8) as u8,
            (octets as u8).max(2)
        ));
        status["podIPs"] = json!([{"ip": status["podIP"]}]);
        status["containerStatuses"] = json!(statuses);
        let mut containers_ready = ready_cond.clone();
        containers_ready["type"] = json!("ContainersReady");
        status["conditions"] = json!([
            condition(prev, "PodReadyToStartContainers", !pull_failed, "", ""),
            condition(prev, "Initialized", true, "", ""),
            ready_cond,
            containers_ready,
            condition(prev, "PodScheduled", true, "", ""),
        ]);
        Some(status)
    });
}
