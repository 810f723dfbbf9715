//! The scheduler's and the kubelet's part: pods wait Unschedulable while a claim they mount is
//! unbound, then go Pending → (after the ready delay) Running and Ready, Succeeded for
//! run-to-completion pods, or wait the way a node reports failures: ErrImagePull then
//! ImagePullBackOff, CrashLoopBackOff (or OOMKilled), CreateContainerConfigError for a missing
//! Secret or ConfigMap.

use std::sync::Arc;

use serde_json::{Value, json};

use super::events::{record, reference};
use super::{Logged, Memory, condition, describe, meta_str};
use crate::ops;
use crate::registry;
use crate::state::State;
use crate::store::rid;

const MANAGER: &str = "kubelet";
const NODE: &str = "testcluster-node";

fn containers(pod: &Value) -> Vec<Value> {
    pod.pointer("/spec/containers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

/// Why the scheduler cannot place the pod, if it cannot: a mounted claim is missing or the
/// provisioner left it Pending. `None` with `waiting` set means a claim the provisioner has not
/// looked at yet: the pod waits silently for it.
fn unschedulable(st: &State, pod: &Value) -> (Option<String>, bool) {
    let ns = meta_str(pod, "namespace");
    let mut waiting = false;
    for v in pod
        .pointer("/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(claim) = v
            .pointer("/persistentVolumeClaim/claimName")
            .and_then(Value::as_str)
        else {
            continue;
        };
        let why = match st
            .store
            .get(rid(&registry::PERSISTENTVOLUMECLAIMS), ns, claim)
        {
            None => format!("persistentvolumeclaim \"{claim}\" not found"),
            Some(c) => match c.pointer("/status/phase").and_then(Value::as_str) {
                Some("Bound") => continue,
                None => {
                    waiting = true;
                    continue;
                }
                Some(_) => "pod has unbound immediate PersistentVolumeClaims".to_string(),
            },
        };
        return (
            Some(format!(
                "0/1 nodes are available: {why}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
            )),
            waiting,
        );
    }
    (None, waiting)
}

/// Reacts to a pod: schedules it (or reports why it cannot be) and, once, its start after the
/// ready delay.
pub fn pod(st: &Arc<State>, memory: &Arc<Memory>, pod: &Value) {
    let scheduled_false = pod
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|c| {
            c.iter()
                .any(|c| c["type"] == "PodScheduled" && c["status"] == "False")
        });
    if pod.pointer("/status/phase").is_some() && !scheduled_false {
        return;
    }
    let uid = meta_str(pod, "uid").to_string();
    if memory
        .started
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains(&uid)
    {
        return;
    }
    let ns = meta_str(pod, "namespace").to_string();
    let name = meta_str(pod, "name").to_string();
    let who = describe(pod);
    let (blocked, waiting) = unschedulable(st, pod);
    if let Some(message) = blocked {
        let already = pod
            .pointer("/status/conditions")
            .and_then(Value::as_array)
            .is_some_and(|c| c.iter().any(|c| c["message"] == json!(message)));
        if !already {
            ops::write_status(st, &registry::PODS, &ns, &name, "kube-scheduler", |cur| {
                let prev = cur.get("status");
                Some(json!({
                    "phase": "Pending",
                    "conditions": [condition(prev, "PodScheduled", false, "Unschedulable", &message)],
                    "qosClass": "BestEffort",
                }))
            })
            .logged("report the pod unschedulable", &who);
            record(
                st,
                &ns,
                &reference(pod),
                "Warning",
                "FailedScheduling",
                &message,
            );
        }
        return;
    }
    if waiting {
        return;
    }
    memory
        .started
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(uid);
    if pod.pointer("/spec/nodeName").is_none() {
        ops::write_main(st, &registry::PODS, &ns, &name, "kube-scheduler", |p| {
            p["spec"]["nodeName"] = json!(NODE)
        })
        .logged("bind the pod to the node", &who);
    }
    let waiting: Vec<Value> = containers(pod)
        .iter()
        .map(|c| json!({"name": c["name"], "image": c["image"], "imageID": "", "ready": false, "started": false, "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}}))
        .collect();
    ops::write_status(st, &registry::PODS, &ns, &name, MANAGER, |cur| {
        let prev = cur.get("status");
        Some(json!({
            "phase": "Pending",
            "conditions": [condition(prev, "PodScheduled", true, "", ""), condition(prev, "Ready", false, "ContainersNotReady", "containers with unready status")],
            "containerStatuses": waiting,
            "hostIP": "172.18.0.2",
            "qosClass": "BestEffort",
            "startTime": ops::now(),
        }))
    })
    .logged("report the pod scheduled", &who);
    record(
        st,
        &ns,
        &reference(pod),
        "Normal",
        "Scheduled",
        &format!("Successfully assigned {ns}/{name} to {NODE}"),
    );
    let st = st.clone();
    tokio::spawn(async move {
        tokio::time::sleep(st.sim.ready_delay()).await;
        start(&st, &ns, &name);
    });
}

/// A pod being deleted gracefully: the kubelet stops its containers (at once in this
/// simulation, within the ready delay) and then removes it with a zero grace period.
pub fn stop(st: &Arc<State>, memory: &Arc<Memory>, pod: &Value) {
    let graceful = pod
        .pointer("/metadata/deletionGracePeriodSeconds")
        .and_then(Value::as_i64)
        .is_some_and(|g| g > 0);
    let fresh = memory
        .stopping
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(meta_str(pod, "uid").to_string());
    if !graceful || !fresh {
        return;
    }
    let st = st.clone();
    let (ns, name, who) = (
        meta_str(pod, "namespace").to_string(),
        meta_str(pod, "name").to_string(),
        describe(pod),
    );
    record(
        &st,
        &ns,
        &reference(pod),
        "Normal",
        "Killing",
        &format!(
            "Stopping container {}",
            containers(pod)
                .first()
                .map(|c| str_of(c, "name").to_string())
                .unwrap_or_default()
        ),
    );
    tokio::spawn(async move {
        tokio::time::sleep(st.sim.ready_delay()).await;
        let now = ops::DeleteOptions {
            grace_period: Some(0),
            ..ops::DeleteOptions::default()
        };
        match ops::delete(&st, &registry::PODS, &ns, &name, &now) {
            Err(e) if e.code == 404 => {}
            other => {
                other.logged("remove the stopped pod", &who);
            }
        }
    });
}

/// A claim, Secret or ConfigMap changed in `ns`: pods waiting for one go on, as the scheduler
/// and the kubelet retry them.
pub fn dependency_changed(st: &Arc<State>, memory: &Arc<Memory>, ns: &str) {
    for p in st.store.list(rid(&registry::PODS), Some(ns)).0 {
        if p.pointer("/metadata/deletionTimestamp").is_some() {
            continue;
        }
        let config_error = p
            .pointer("/status/containerStatuses")
            .and_then(Value::as_array)
            .is_some_and(|cs| {
                cs.iter().any(|c| {
                    c.pointer("/state/waiting/reason") == Some(&json!("CreateContainerConfigError"))
                })
            });
        if config_error {
            start(st, ns, meta_str(&p, "name"));
        } else {
            pod(st, memory, &p);
        }
    }
}

/// The kubelet's error for a Secret or ConfigMap reference the container cannot resolve.
fn missing_config(st: &State, ns: &str, container: &Value) -> Option<String> {
    let lookup = |kind: &str, name: &str, key: Option<&str>| -> Option<String> {
        let (def, label) = if kind == "Secret" {
            (&registry::SECRETS, "secret")
        } else {
            (&registry::CONFIGMAPS, "configmap")
        };
        let Some(obj) = st.store.get(rid(def), ns, name) else {
            return Some(format!("{label} \"{name}\" not found"));
        };
        let key = key?;
        let has = ["data", "binaryData", "stringData"]
            .iter()
            .any(|f| obj[*f].get(key).is_some());
        (!has).then(|| format!("couldn't find key {key} in {kind} {ns}/{name}"))
    };
    for env in container["env"].as_array().into_iter().flatten() {
        for (field, kind) in [("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")] {
            let Some(r) = env.pointer(&format!("/valueFrom/{field}")) else {
                continue;
            };
            if r["optional"] == json!(true) {
                continue;
            }
            if let Some(e) = lookup(kind, str_of(r, "name"), Some(str_of(r, "key"))) {
                return Some(e);
            }
        }
    }
    for from in container["envFrom"].as_array().into_iter().flatten() {
        for (field, kind) in [("secretRef", "Secret"), ("configMapRef", "ConfigMap")] {
            let Some(r) = from.get(field) else { continue };
            if r["optional"] == json!(true) {
                continue;
            }
            if let Some(e) = lookup(kind, str_of(r, "name"), None) {
                return Some(e);
            }
        }
    }
    None
}

/// What a container ended up as when the kubelet tried to start it.
enum Outcome {
    Running,
    Completed,
    PullFailed,
    ConfigError,
    Crashed,
}

/// Starts (or retries) the containers of a scheduled pod and reports the result.
fn start(st: &Arc<State>, ns: &str, name: &str) {
    let Some(pod) = st.store.get(rid(&registry::PODS), ns, name) else {
        return;
    };
    if pod.pointer("/metadata/deletionTimestamp").is_some() {
        return;
    }
    let restart = pod
        .pointer("/spec/restartPolicy")
        .and_then(Value::as_str)
        .unwrap_or("Always")
        .to_string();
    let reference = reference(&pod);
    let uid = meta_str(&pod, "uid").to_string();
    let now = ops::now();
    let mut statuses = Vec::new();
    let mut outcomes = Vec::new();
    for c in containers(&pod) {
        let cname = str_of(&c, "name");
        let image = str_of(&c, "image");
        let base = json!({"name": cname, "image": image, "imageID": "", "ready": false, "started": false, "restartCount": 0});
        let mut status = base.clone();
        record(
            st,
            ns,
            &reference,
            "Normal",
            "Pulling",
            &format!("Pulling image \"{image}\""),
        );
        if st.sim.image_fails(image) {
            let message = format!(
                "rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": not found"
            );
            record(
                st,
                ns,
                &reference,
                "Warning",
                "Failed",
                &format!("Failed to pull image \"{image}\": {message}"),
            );
            record(
                st,
                ns,
                &reference,
                "Warning",
                "Failed",
                "Error: ErrImagePull",
            );
            status["state"] = json!({"waiting": {"reason": "ErrImagePull", "message": message}});
            statuses.push(status);
            outcomes.push(Outcome::PullFailed);
            continue;
        }
        record(
            st,
            ns,
            &reference,
            "Normal",
            "Pulled",
            &format!("Successfully pulled image \"{image}\""),
        );
        status["imageID"] = json!(format!(
            "docker.io/library/{image}@sha256:{}",
            "0".repeat(64)
        ));
        if let Some(message) = missing_config(st, ns, &c) {
            record(
                st,
                ns,
                &reference,
                "Warning",
                "Failed",
                &format!("Error: {message}"),
            );
            status["state"] =
                json!({"waiting": {"reason": "CreateContainerConfigError", "message": message}});
            statuses.push(status);
            outcomes.push(Outcome::ConfigError);
            continue;
        }
        record(
            st,
            ns,
            &reference,
            "Normal",
            "Created",
            &format!("Created container: {cname}"),
        );
        record(
            st,
            ns,
            &reference,
            "Normal",
            "Started",
            &format!("Started container {cname}"),
        );
        let oom = st.sim.image_ooms(image);
        if oom || st.sim.image_crashes(image) {
            let (code, reason) = if oom {
                (137, "OOMKilled")
            } else {
                (1, "Error")
            };
            let terminated = json!({"exitCode": code, "reason": reason, "startedAt": now, "finishedAt": now, "containerID": format!("containerd://{}", "0".repeat(64))});
            if restart == "Never" {
                status["state"] = json!({"terminated": terminated});
            } else {
                record(
                    st,
                    ns,
                    &reference,
                    "Warning",
                    "BackOff",
                    &format!(
                        "Back-off restarting failed container {cname} in pod {name}_{ns}({uid})"
                    ),
                );
                status["restartCount"] = json!(1);
                status["state"] = json!({"waiting": {"reason": "CrashLoopBackOff", "message": format!("back-off 10s restarting failed container={cname} pod={name}_{ns}({uid})")}});
                status["lastState"] = json!({"terminated": terminated});
            }
            statuses.push(status);
            outcomes.push(Outcome::Crashed);
            continue;
        }
        if restart == "Always" {
            status["ready"] = json!(true);
            status["started"] = json!(true);
            status["state"] = json!({"running": {"startedAt": now}});
            outcomes.push(Outcome::Running);
        } else {
            status["state"] = json!({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now}});
            outcomes.push(Outcome::Completed);
        }
        statuses.push(status);
    }
    let any = |f: fn(&Outcome) -> bool| outcomes.iter().any(f);
    let waiting = any(|o| matches!(o, Outcome::PullFailed | Outcome::ConfigError));
    let crashed = any(|o| matches!(o, Outcome::Crashed));
    let ready = !outcomes.is_empty() && outcomes.iter().all(|o| matches!(o, Outcome::Running));
    let phase = if waiting {
        "Pending"
    } else if crashed && restart == "Never" {
        "Failed"
    } else if !outcomes.is_empty() && outcomes.iter().all(|o| matches!(o, Outcome::Completed)) {
        "Succeeded"
    } else {
        "Running"
    };
    write_started(st, &pod, phase, ready, statuses);
    if any(|o| matches!(o, Outcome::PullFailed)) {
        let st = st.clone();
        let (ns, name) = (ns.to_string(), name.to_string());
        tokio::spawn(async move {
            tokio::time::sleep(st.sim.ready_delay()).await;
            back_off_pulls(&st, &ns, &name);
        });
    }
}

fn write_started(st: &Arc<State>, pod: &Value, phase: &str, ready: bool, statuses: Vec<Value>) {
    let octets: u16 = rand::random();
    let pull_failed = statuses
        .iter()
        .any(|s| s.pointer("/state/waiting/reason") == Some(&json!("ErrImagePull")));
    ops::write_status(
        st,
        &registry::PODS,
        meta_str(pod, "namespace"),
        meta_str(pod, "name"),
        MANAGER,
        |cur| {
            let prev = cur.get("status");
            let ready_cond = if ready {
                condition(prev, "Ready", true, "", "")
            } else {
                let reason = if phase == "Succeeded" {
                    "PodCompleted"
                } else {
                    "ContainersNotReady"
                };
                condition(
                    prev,
                    "Ready",
                    false,
                    reason,
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
        },
    )
    .logged("report the started containers", &describe(pod));
}

/// After a failed pull the kubelet backs off: ErrImagePull becomes ImagePullBackOff.
fn back_off_pulls(st: &Arc<State>, ns: &str, name: &str) {
    let Some(pod) = st.store.get(rid(&registry::PODS), ns, name) else {
        return;
    };
    let reference = reference(&pod);
    let mut images = Vec::new();
    ops::write_status(st, &registry::PODS, ns, name, MANAGER, |cur| {
        let mut status = cur.get("status").cloned()?;
        for c in status["containerStatuses"].as_array_mut().into_iter().flatten() {
            if c.pointer("/state/waiting/reason") == Some(&json!("ErrImagePull")) {
                let image = str_of(c, "image").to_string();
                c["state"] = json!({"waiting": {"reason": "ImagePullBackOff", "message": format!("Back-off pulling image \"{image}\"")}});
                images.push(image);
            }
        }
        Some(status)
    })
    .logged("report the image pull back-off", &describe(&pod));
    for image in images {
        record(
            st,
            ns,
            &reference,
            "Normal",
            "BackOff",
            &format!("Back-off pulling image \"{image}\""),
        );
        record(
            st,
            ns,
            &reference,
            "Warning",
            "Failed",
            "Error: ImagePullBackOff",
        );
    }
}
