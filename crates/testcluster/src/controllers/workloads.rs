//! Deployment, ReplicaSet, StatefulSet and Job controllers.

use std::sync::Arc;

use serde_json::{Value, json};

use super::events::{record, reference};
use super::{Logged, condition, controller_ref, describe, meta_str, owned, pod_ready, progress};
use crate::ops::{self, DeleteOptions, WriteOptions};
use crate::registry;
use crate::state::State;
use crate::store::rid;

const MANAGER: &str = "kube-controller-manager";

/// A stable 10-character hash of a pod template (the `pod-template-hash` label).
fn template_hash(template: &Value) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in template.to_string().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let alphabet = b"bcdfghjklmnpqrstvwxz2456789";
    (0..10)
        .map(|i| alphabet[((h >> (i * 6)) % alphabet.len() as u64) as usize] as char)
        .collect()
}

fn replicas(obj: &Value) -> i64 {
    obj.pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1)
}

fn int(obj: &Value, p: &str) -> i64 {
    obj.pointer(p).and_then(Value::as_i64).unwrap_or(0)
}

/// Deployment: one ReplicaSet per template; the current one scaled to spec.replicas, older ones
/// to zero; status aggregated from them.
pub fn deployment(st: &Arc<State>, dep: &Value) {
    let ns = meta_str(dep, "namespace");
    let name = meta_str(dep, "name");
    let template = dep.pointer("/spec/template").cloned().unwrap_or(json!({}));
    let hash = template_hash(&template);
    let rs_name = format!("{name}-{hash}");
    let want = replicas(dep);
    let rs_def = &registry::REPLICASETS;
    let mut all_rs = owned(st, &registry::REPLICASETS, dep);
    if !all_rs.iter().any(|r| meta_str(r, "name") == rs_name) {
        let mut tpl = template.clone();
        tpl["metadata"]["labels"]["pod-template-hash"] = json!(hash);
        let mut selector = dep.pointer("/spec/selector").cloned().unwrap_or(json!({}));
        selector["matchLabels"]["pod-template-hash"] = json!(hash);
        let mut labels = dep
            .pointer("/spec/template/metadata/labels")
            .cloned()
            .unwrap_or(json!({}));
        labels["pod-template-hash"] = json!(hash);
        let rs = json!({
            "metadata": {"name": rs_name, "labels": labels, "ownerReferences": [controller_ref(dep)],
                "annotations": {"deployment.kubernetes.io/revision": (all_rs.len() + 1).to_string()}},
            "spec": {"replicas": want, "selector": selector, "template": tpl},
        });
        if let Some(created) = ops::create(st, rs_def, ns, rs, &WriteOptions::by(MANAGER))
            .logged("create the ReplicaSet", &describe(dep))
        {
            record(
                st,
                ns,
                &reference(dep),
                "Normal",
                "ScalingReplicaSet",
                &format!("Scaled up replica set {rs_name} from 0 to {want}"),
            );
            all_rs.push(created);
        }
    }
    for rs in &all_rs {
        let target = if meta_str(rs, "name") == rs_name {
            want
        } else {
            0
        };
        if replicas(rs) != target {
            let from = replicas(rs);
            let rs_name_here = meta_str(rs, "name").to_string();
            ops::write_main(st, rs_def, ns, &rs_name_here, MANAGER, |o| {
                o["spec"]["replicas"] = json!(target)
            })
            .logged("update the spec", &describe(dep));
            let verb = if target > from { "up" } else { "down" };
            record(
                st,
                ns,
                &reference(dep),
                "Normal",
                "ScalingReplicaSet",
                &format!("Scaled {verb} replica set {rs_name_here} from {from} to {target}"),
            );
        }
    }
    let all_rs = owned(st, &registry::REPLICASETS, dep);
    let sum = |p: &str| all_rs.iter().map(|r| int(r, p)).sum::<i64>();
    let current = all_rs.iter().find(|r| meta_str(r, "name") == rs_name);
    let updated = current.map_or(0, |r| int(r, "/status/replicas"));
    let (total, ready, available) = (
        sum("/status/replicas"),
        sum("/status/readyReplicas"),
        sum("/status/availableReplicas"),
    );
    let generation = int(dep, "/metadata/generation");
    // kube-controller-manager carries a ReplicaSet's failure (the new one's first) up to the
    // Deployment, so a quota or admission refusal is visible where the user looks.
    let replica_failure = current
        .into_iter()
        .chain(all_rs.iter().filter(|r| meta_str(r, "name") != rs_name))
        .find_map(|r| {
            r.pointer("/status/conditions")
                .and_then(Value::as_array)
                .and_then(|c| c.iter().find(|c| c["type"] == "ReplicaFailure"))
        })
        .cloned();
    let deadline = dep
        .pointer("/spec/progressDeadlineSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(600);
    let mut recheck_after = None;
    ops::write_status(
        st,
        &registry::DEPLOYMENTS,
        ns,
        name,
        MANAGER,
        |cur| {
            let prev = cur.get("status");
            let max_unavailable = want / 4;
            let is_available = available >= want - max_unavailable;
            let complete = updated == want && available == want && total == want;
            let mut status = json!({"observedGeneration": generation, "replicas": total, "updatedReplicas": updated});
            if ready > 0 {
                status["readyReplicas"] = json!(ready);
            }
            if available > 0 {
                status["availableReplicas"] = json!(available);
            }
            if total - available > 0 {
                status["unavailableReplicas"] = json!(total - available);
            }
            let available_cond = if is_available {
                condition(
                    prev,
                    "Available",
                    true,
                    "MinimumReplicasAvailable",
                    "Deployment has minimum availability.",
                )
            } else {
                condition(
                    prev,
                    "Available",
                    false,
                    "MinimumReplicasUnavailable",
                    "Deployment does not have minimum availability.",
                )
            };
            let (progressing, wait) =
                progress::deployment_progress(prev, &status, &rs_name, complete, deadline);
            recheck_after = wait;
            let mut conditions = vec![available_cond, progressing];
            if let Some(f) = &replica_failure {
                conditions.push(condition(
                    prev,
                    "ReplicaFailure",
                    true,
                    f["reason"].as_str().unwrap_or("FailedCreate"),
                    f["message"].as_str().unwrap_or_default(),
                ));
            }
            status["conditions"] = json!(conditions);
            Some(status)
        },
    )
    .logged("update status", &describe(dep));
    if let Some(after) = recheck_after {
        progress::recheck(st, &registry::DEPLOYMENTS, ns, name, after, deployment);
    }
}

fn new_pod(owner: &Value, name: &str, extra_labels: &[(&str, String)]) -> Value {
    let mut meta = owner
        .pointer("/spec/template/metadata")
        .cloned()
        .unwrap_or(json!({}));
    meta["name"] = json!(name);
    for (k, v) in extra_labels {
        meta["labels"][*k] = json!(v);
    }
    meta["ownerReferences"] = json!([controller_ref(owner)]);
    let spec = owner
        .pointer("/spec/template/spec")
        .cloned()
        .unwrap_or(json!({}));
    json!({"metadata": meta, "spec": spec})
}

fn random_suffix() -> String {
    let alphabet = b"bcdfghjklmnpqrstvwxz2456789";
    (0..5)
        .map(|_| alphabet[rand::random::<u8>() as usize % alphabet.len()] as char)
        .collect()
}

/// ReplicaSet: keeps spec.replicas pods. A create the API server refuses (an exceeded quota, an
/// admission error) stops the round, is recorded as a FailedCreate Warning and shows as the
/// `ReplicaFailure` condition until the ReplicaSet has its pods, as kube-controller-manager does.
pub fn replicaset(st: &Arc<State>, rs: &Value) {
    let ns = meta_str(rs, "namespace");
    let name = meta_str(rs, "name");
    let want = replicas(rs);
    let who = describe(rs);
    let mut pods: Vec<Value> = owned(st, &registry::PODS, rs)
        .into_iter()
        .filter(|p| p.pointer("/metadata/deletionTimestamp").is_none())
        .collect();
    let mut failure = None;
    while (pods.len() as i64) < want {
        let pod_name = format!("{name}-{}", random_suffix());
        match ops::create(
            st,
            &registry::PODS,
            ns,
            new_pod(rs, &pod_name, &[]),
            &WriteOptions::by(MANAGER),
        ) {
            Ok(p) => {
                record(
                    st,
                    ns,
                    &reference(rs),
                    "Normal",
                    "SuccessfulCreate",
                    &format!("Created pod: {pod_name}"),
                );
                pods.push(p);
            }
            Err(e) => {
                record(
                    st,
                    ns,
                    &reference(rs),
                    "Warning",
                    "FailedCreate",
                    &format!("Error creating: {}", e.message),
                );
                failure = Some(e.message);
                break;
            }
        }
    }
    while (pods.len() as i64) > want {
        let Some(p) = pods.pop() else { break };
        let pod_name = meta_str(&p, "name").to_string();
        let deleted = ops::delete(
            st,
            &registry::PODS,
            ns,
            &pod_name,
            &DeleteOptions::default(),
        )
        .logged("delete a surplus pod", &who);
        if deleted.is_some() {
            record(
                st,
                ns,
                &reference(rs),
                "Normal",
                "SuccessfulDelete",
                &format!("Deleted pod: {pod_name}"),
            );
        }
    }
    let ready = pods.iter().filter(|p| pod_ready(p)).count() as i64;
    let generation = int(rs, "/metadata/generation");
    ops::write_status(st, &registry::REPLICASETS, ns, name, MANAGER, |cur| {
        let prev = cur.get("status");
        let mut s = json!({"replicas": pods.len(), "fullyLabeledReplicas": pods.len(), "observedGeneration": generation});
        if ready > 0 {
            s["readyReplicas"] = json!(ready);
            s["availableReplicas"] = json!(ready);
        }
        // Like kube-controller-manager, the first failure's condition stays while creates keep
        // failing, and goes with the first round that fails no more.
        let previous = prev
            .and_then(|p| p["conditions"].as_array())
            .and_then(|c| c.iter().find(|c| c["type"] == "ReplicaFailure"))
            .cloned();
        if let Some(message) = failure {
            s["conditions"] = json!([previous.unwrap_or_else(|| condition(
                prev,
                "ReplicaFailure",
                true,
                "FailedCreate",
                &message
            ))]);
        }
        Some(s)
    })
    .logged("update status", &who);
}

/// StatefulSet: pods `name-0..n` (one at a time for OrderedReady), claims from templates.
pub fn statefulset(st: &Arc<State>, sts: &Value) {
    let ns = meta_str(sts, "namespace");
    let name = meta_str(sts, "name");
    let want = replicas(sts);
    let ordered = sts
        .pointer("/spec/podManagementPolicy")
        .and_then(Value::as_str)
        != Some("Parallel");
    let revision = format!(
        "{name}-{}",
        template_hash(sts.pointer("/spec/template").unwrap_or(&Value::Null))
    );
    let pods_def = &registry::PODS;
    let mut pods = owned(st, &registry::PODS, sts);
    for ordinal in 0..want {
        let pod_name = format!("{name}-{ordinal}");
        if pods.iter().any(|p| meta_str(p, "name") == pod_name) {
            continue;
        }
        if ordered && !pods.iter().all(pod_ready) {
            break;
        }
        for tpl in sts
            .pointer("/spec/volumeClaimTemplates")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let claim_name = format!("{}-{pod_name}", meta_str(tpl, "name"));
            // Claims outlive their pods: a recreated pod gets the claim it had.
            if st
                .store
                .get(rid(&registry::PERSISTENTVOLUMECLAIMS), ns, &claim_name)
                .is_some()
            {
                continue;
            }
            let mut claim = tpl.clone();
            claim["metadata"] = json!({"name": claim_name, "labels": sts.pointer("/spec/selector/matchLabels").cloned().unwrap_or(json!({}))});
            ops::create(
                st,
                &registry::PERSISTENTVOLUMECLAIMS,
                ns,
                claim,
                &WriteOptions::by(MANAGER),
            )
            .logged("create a claim from a template", &describe(sts));
        }
        let mut pod = new_pod(
            sts,
            &pod_name,
            &[
                ("controller-revision-hash", revision.clone()),
                ("statefulset.kubernetes.io/pod-name", pod_name.clone()),
            ],
        );
        mount_claims(&mut pod, sts, &pod_name);
        pod["spec"]["hostname"] = json!(pod_name);
        if let Some(svc) = sts.pointer("/spec/serviceName").and_then(Value::as_str) {
            pod["spec"]["subdomain"] = json!(svc);
        }
        if let Some(p) = ops::create(st, pods_def, ns, pod, &WriteOptions::by(MANAGER))
            .logged("create a pod", &describe(sts))
        {
            record(
                st,
                ns,
                &reference(sts),
                "Normal",
                "SuccessfulCreate",
                &format!("create Pod {pod_name} in StatefulSet {name} successful"),
            );
            pods.push(p);
        }
        if ordered {
            break;
        }
    }
    for p in pods.iter().filter(|p| {
        meta_str(p, "name")
            .rsplit('-')
            .next()
            .and_then(|o| o.parse::<i64>().ok())
            .is_some_and(|o| o >= want)
    }) {
        ops::delete(
            st,
            pods_def,
            ns,
            meta_str(p, "name"),
            &DeleteOptions::default(),
        )
        .logged("delete a dependent object", &describe(sts));
    }
    let pods: Vec<Value> = owned(st, &registry::PODS, sts);
    let ready = pods.iter().filter(|p| pod_ready(p)).count();
    let generation = int(sts, "/metadata/generation");
    ops::write_status(st, &registry::STATEFULSETS, ns, name, MANAGER, |_| {
        Some(json!({
            "observedGeneration": generation,
            "replicas": pods.len(),
            "readyReplicas": ready,
            "currentReplicas": pods.len(),
            "updatedReplicas": pods.len(),
            "availableReplicas": ready,
            "currentRevision": revision,
            "updateRevision": revision,
            "collisionCount": 0,
        }))
    })
    .logged("update status", &describe(sts));
}

/// The StatefulSet controller gives each pod a volume per claim template, bound to that pod's
/// own claim (`<template>-<pod>`), in place of a template volume of the same name.
fn mount_claims(pod: &mut Value, sts: &Value, pod_name: &str) {
    let templates: Vec<String> = sts
        .pointer("/spec/volumeClaimTemplates")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|t| meta_str(t, "name").to_string())
        .collect();
    if templates.is_empty() {
        return;
    }
    let mut volumes: Vec<Value> = pod["spec"]["volumes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|v| !templates.iter().any(|t| v["name"] == json!(t)))
        .collect();
    for t in &templates {
        volumes.push(
            json!({"name": t, "persistentVolumeClaim": {"claimName": format!("{t}-{pod_name}")}}),
        );
    }
    pod["spec"]["volumes"] = json!(volumes);
}

/// DaemonSet: one pod on the cluster's one node, replaced when the template changes.
pub fn daemonset(st: &Arc<State>, ds: &Value) {
    let ns = meta_str(ds, "namespace");
    let name = meta_str(ds, "name");
    let who = describe(ds);
    let revision = template_hash(ds.pointer("/spec/template").unwrap_or(&Value::Null));
    let mut pods = Vec::new();
    for p in owned(st, &registry::PODS, ds) {
        let current =
            p.pointer("/metadata/labels/controller-revision-hash") == Some(&json!(revision));
        if current || p.pointer("/metadata/deletionTimestamp").is_some() {
            pods.push(p);
        } else {
            ops::delete(
                st,
                &registry::PODS,
                ns,
                meta_str(&p, "name"),
                &DeleteOptions::default(),
            )
            .logged("delete an outdated pod", &who);
        }
    }
    if pods.is_empty() {
        let pod_name = format!("{name}-{}", random_suffix());
        let pod = new_pod(
            ds,
            &pod_name,
            &[
                ("controller-revision-hash", revision.clone()),
                (
                    "pod-template-generation",
                    int(ds, "/metadata/generation").to_string(),
                ),
            ],
        );
        if let Some(p) = ops::create(st, &registry::PODS, ns, pod, &WriteOptions::by(MANAGER))
            .logged("create a pod", &who)
        {
            record(
                st,
                ns,
                &reference(ds),
                "Normal",
                "SuccessfulCreate",
                &format!("Created pod: {pod_name}"),
            );
            pods.push(p);
        }
    }
    let ready = pods.iter().filter(|p| pod_ready(p)).count();
    let scheduled = pods.len();
    let generation = int(ds, "/metadata/generation");
    ops::write_status(st, &registry::DAEMONSETS, ns, name, MANAGER, |_| {
        let mut s = json!({
            "observedGeneration": generation,
            "currentNumberScheduled": scheduled,
            "desiredNumberScheduled": 1,
            "numberMisscheduled": 0,
            "numberReady": ready,
            "updatedNumberScheduled": scheduled,
        });
        if ready > 0 {
            s["numberAvailable"] = json!(ready);
        } else {
            s["numberUnavailable"] = json!(1);
        }
        Some(s)
    })
    .logged("update status", &who);
}

/// Job: runs `parallelism` pods until `completions` succeed or `backoffLimit` failures.
pub fn job(st: &Arc<State>, job: &Value) {
    let ns = meta_str(job, "namespace");
    let name = meta_str(job, "name");
    let jobs_def = &registry::JOBS;
    let done = job
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|c| {
            c.iter().any(|c| {
                (c["type"] == "Complete" || c["type"] == "Failed") && c["status"] == "True"
            })
        });
    if done || job.pointer("/spec/suspend") == Some(&json!(true)) {
        return;
    }
    let completions = job
        .pointer("/spec/completions")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let parallelism = job
        .pointer("/spec/parallelism")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let backoff = job
        .pointer("/spec/backoffLimit")
        .and_then(Value::as_i64)
        .unwrap_or(6);
    let pods = owned(st, &registry::PODS, job);
    let phase = |p: &Value| {
        p.pointer("/status/phase")
            .and_then(Value::as_str)
            .unwrap_or("Pending")
            .to_string()
    };
    let succeeded = pods.iter().filter(|p| phase(p) == "Succeeded").count() as i64;
    let failed = pods.iter().filter(|p| phase(p) == "Failed").count() as i64;
    let active = pods.len() as i64 - succeeded - failed;
    let ready = pods.iter().filter(|p| pod_ready(p)).count() as i64;
    let start = job
        .pointer("/status/startTime")
        .cloned()
        .unwrap_or_else(|| json!(ops::now()));
    let deadline = job
        .pointer("/spec/activeDeadlineSeconds")
        .and_then(Value::as_i64)
        .and_then(|secs| progress::remaining(&start, secs));
    let complete = succeeded >= completions;
    let failure = if failed > backoff {
        Some((
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        ))
    } else if deadline.is_some_and(|left| left.is_zero()) {
        Some((
            "DeadlineExceeded",
            "Job was active longer than specified deadline",
        ))
    } else {
        None
    };
    let failed_out = failure.is_some();
    if !complete && !failed_out {
        let mut to_start = (parallelism.min(completions - succeeded) - active).max(0);
        let labels = [
            ("batch.kubernetes.io/job-name", name.to_string()),
            ("job-name", name.to_string()),
        ];
        while to_start > 0 {
            let pod_name = format!("{name}-{}", random_suffix());
            match ops::create(
                st,
                &registry::PODS,
                ns,
                new_pod(job, &pod_name, &labels),
                &WriteOptions::by(MANAGER),
            ) {
                Ok(_) => record(
                    st,
                    ns,
                    &reference(job),
                    "Normal",
                    "SuccessfulCreate",
                    &format!("Created pod: {pod_name}"),
                ),
                Err(e) => {
                    record(
                        st,
                        ns,
                        &reference(job),
                        "Warning",
                        "FailedCreate",
                        &format!("Error creating: {}", e.message),
                    );
                    break;
                }
            }
            to_start -= 1;
        }
    }
    if complete {
        record(
            st,
            ns,
            &reference(job),
            "Normal",
            "Completed",
            "Job completed",
        );
    } else if let Some((reason, message)) = failure {
        record(st, ns, &reference(job), "Warning", reason, message);
        // A failed Job stops its running pods.
        for p in pods
            .iter()
            .filter(|p| !matches!(phase(p).as_str(), "Succeeded" | "Failed"))
        {
            ops::delete(
                st,
                &registry::PODS,
                ns,
                meta_str(p, "name"),
                &DeleteOptions::default(),
            )
            .logged("delete an active pod of a failed Job", &describe(job));
        }
    } else if let Some(left) = deadline {
        progress::recheck(st, &registry::JOBS, ns, name, left, self::job);
    }
    ops::write_status(st, jobs_def, ns, name, MANAGER, |cur| {
        let prev = cur.get("status");
        let mut s = json!({"startTime": start, "active": if complete || failed_out { 0 } else { active }, "ready": ready, "uncountedTerminatedPods": {}, "terminating": 0});
        if succeeded > 0 {
            s["succeeded"] = json!(succeeded);
        }
        if failed > 0 {
            s["failed"] = json!(failed);
        }
        if complete {
            s["completionTime"] = json!(ops::now());
            s["conditions"] = json!([
                condition(
                    prev,
                    "SuccessCriteriaMet",
                    true,
                    "CompletionsReached",
                    "Reached expected number of succeeded pods"
                ),
                condition(
                    prev,
                    "Complete",
                    true,
                    "CompletionsReached",
                    "Reached expected number of succeeded pods"
                ),
            ]);
        } else if let Some((reason, message)) = failure {
            s["conditions"] = json!([
                condition(prev, "FailureTarget", true, reason, message),
                condition(prev, "Failed", true, reason, message),
            ]);
        }
        Some(s)
    })
    .logged("update status", &describe(job));
}

/// Runs a CronJob now: creates its Job and records lastScheduleTime (the scheduler's step).
pub fn trigger_cronjob(
    st: &Arc<State>,
    ns: &str,
    name: &str,
) -> Result<Value, crate::status::ApiError> {
    let cj_def = &registry::CRONJOBS;
    let cj = st
        .store
        .get(crate::store::rid(cj_def), ns, name)
        .ok_or_else(|| crate::status::ApiError::not_found(cj_def, name))?;
    let minutes = chrono::Utc::now().timestamp() / 60;
    let job_name = format!("{name}-{minutes}");
    let mut tpl = cj
        .pointer("/spec/jobTemplate")
        .cloned()
        .unwrap_or(json!({}));
    tpl["metadata"]["name"] = json!(job_name);
    tpl["metadata"]["ownerReferences"] = json!([controller_ref(&cj)]);
    let job = ops::create(st, &registry::JOBS, ns, tpl, &WriteOptions::by(MANAGER))?;
    record(
        st,
        ns,
        &reference(&cj),
        "Normal",
        "SuccessfulCreate",
        &format!("Created job {job_name}"),
    );
    let now = ops::now();
    ops::write_status(st, cj_def, ns, name, MANAGER, |_| {
        Some(json!({"lastScheduleTime": now, "active": [reference(&job)]}))
    })?;
    Ok(job)
}
