//! Deployment, ReplicaSet, StatefulSet and Job controllers.

use std::sync::Arc;

use serde_json::{Value, json};

use super::events::{record, reference};
use super::{condition, controller_ref, meta_str, owned, pod_ready};
use crate::ops::{self, DeleteOptions, WriteOptions};
use crate::registry::def_of;
use crate::state::State;

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
    let rs_def = def_of("apps", "replicasets");
    let mut all_rs = owned(st, "apps", "replicasets", dep);
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
        if let Ok(created) = ops::create(st, rs_def, ns, rs, &WriteOptions::by(MANAGER)) {
            let _ = record(
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
            let _ = ops::write_main(st, rs_def, ns, &rs_name_here, MANAGER, |o| {
                o["spec"]["replicas"] = json!(target)
            });
            let verb = if target > from { "up" } else { "down" };
            let _ = record(
                st,
                ns,
                &reference(dep),
                "Normal",
                "ScalingReplicaSet",
                &format!("Scaled {verb} replica set {rs_name_here} from {from} to {target}"),
            );
        }
    }
    let all_rs = owned(st, "apps", "replicasets", dep);
    let sum = |p: &str| all_rs.iter().map(|r| int(r, p)).sum::<i64>();
    let current = all_rs.iter().find(|r| meta_str(r, "name") == rs_name);
    let updated = current.map_or(0, |r| int(r, "/status/replicas"));
    let (total, ready, available) = (
        sum("/status/replicas"),
        sum("/status/readyReplicas"),
        sum("/status/availableReplicas"),
    );
    let generation = int(dep, "/metadata/generation");
    let _ = ops::write_status(
        st,
        def_of("apps", "deployments"),
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
            let progressing = if complete {
                condition(
                    prev,
                    "Progressing",
                    true,
                    "NewReplicaSetAvailable",
                    &format!("ReplicaSet \"{rs_name}\" has successfully progressed."),
                )
            } else {
                condition(
                    prev,
                    "Progressing",
                    true,
                    "ReplicaSetUpdated",
                    &format!("ReplicaSet \"{rs_name}\" is progressing."),
                )
            };
            status["conditions"] = json!([available_cond, progressing]);
            Some(status)
        },
    );
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
    let mut spec = owner
        .pointer("/spec/template/spec")
        .cloned()
        .unwrap_or(json!({}));
    spec["nodeName"] = json!("testcluster-node");
    json!({"metadata": meta, "spec": spec})
}

fn random_suffix() -> String {
    let alphabet = b"bcdfghjklmnpqrstvwxz2456789";
    (0..5)
        .map(|_| alphabet[rand::random::<u8>() as usize % alphabet.len()] as char)
        .collect()
}

/// ReplicaSet: keeps spec.replicas pods.
pub fn replicaset(st: &Arc<State>, rs: &Value) {
    let ns = meta_str(rs, "namespace");
    let name = meta_str(rs, "name");
    let want = replicas(rs);
    let pods_def = def_of("", "pods");
    let mut pods: Vec<Value> = owned(st, "", "pods", rs)
        .into_iter()
        .filter(|p| p.pointer("/metadata/deletionTimestamp").is_none())
        .collect();
    while (pods.len() as i64) < want {
        let pod_name = format!("{name}-{}", random_suffix());
        match ops::create(
            st,
            pods_def,
            ns,
            new_pod(rs, &pod_name, &[]),
            &WriteOptions::by(MANAGER),
        ) {
            Ok(p) => {
                let _ = record(
                    st,
                    ns,
                    &reference(rs),
                    "Normal",
                    "SuccessfulCreate",
                    &format!("Created pod: {pod_name}"),
                );
                pods.push(p);
            }
            Err(_) => break,
        }
    }
    while (pods.len() as i64) > want {
        let Some(p) = pods.pop() else { break };
        let pod_name = meta_str(&p, "name").to_string();
        if ops::delete(st, pods_def, ns, &pod_name, &DeleteOptions::default()).is_ok() {
            let _ = record(
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
    let _ = ops::write_status(st, def_of("apps", "replicasets"), ns, name, MANAGER, |_| {
        let mut s = json!({"replicas": pods.len(), "fullyLabeledReplicas": pods.len(), "observedGeneration": generation});
        if ready > 0 {
            s["readyReplicas"] = json!(ready);
            s["availableReplicas"] = json!(ready);
        }
        Some(s)
    });
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
    let pods_def = def_of("", "pods");
    let mut pods = owned(st, "", "pods", sts);
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
            let mut claim = tpl.clone();
            claim["metadata"] = json!({"name": claim_name, "labels": sts.pointer("/spec/selector/matchLabels").cloned().unwrap_or(json!({}))});
            let _ = ops::create(
                st,
                def_of("", "persistentvolumeclaims"),
                ns,
                claim,
                &WriteOptions::by(MANAGER),
            );
        }
        let mut pod = new_pod(
            sts,
            &pod_name,
            &[
                ("controller-revision-hash", revision.clone()),
                ("statefulset.kubernetes.io/pod-name", pod_name.clone()),
            ],
        );
        pod["spec"]["hostname"] = json!(pod_name);
        if let Some(svc) = sts.pointer("/spec/serviceName").and_then(Value::as_str) {
            pod["spec"]["subdomain"] = json!(svc);
        }
        if let Ok(p) = ops::create(st, pods_def, ns, pod, &WriteOptions::by(MANAGER)) {
            let _ = record(
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
        let _ = ops::delete(
            st,
            pods_def,
            ns,
            meta_str(p, "name"),
            &DeleteOptions::default(),
        );
    }
    let pods: Vec<Value> = owned(st, "", "pods", sts);
    let ready = pods.iter().filter(|p| pod_ready(p)).count();
    let generation = int(sts, "/metadata/generation");
    let _ = ops::write_status(
        st,
        def_of("apps", "statefulsets"),
        ns,
        name,
        MANAGER,
        |_| {
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
        },
    );
}

/// Job: runs `parallelism` pods until `completions` succeed or `backoffLimit` failures.
pub fn job(st: &Arc<State>, job: &Value) {
    let ns = meta_str(job, "namespace");
    let name = meta_str(job, "name");
    let jobs_def = def_of("batch", "jobs");
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
    let pods = owned(st, "", "pods", job);
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
    let failed_out = failed > backoff;
    let complete = succeeded >= completions;
    if !complete && !failed_out {
        let mut to_start = (parallelism.min(completions - succeeded) - active).max(0);
        let labels = [
            ("batch.kubernetes.io/job-name", name.to_string()),
            ("job-name", name.to_string()),
        ];
        while to_start > 0 {
            let pod_name = format!("{name}-{}", random_suffix());
            if ops::create(
                st,
                def_of("", "pods"),
                ns,
                new_pod(job, &pod_name, &labels),
                &WriteOptions::by(MANAGER),
            )
            .is_ok()
            {
                let _ = record(
                    st,
                    ns,
                    &reference(job),
                    "Normal",
                    "SuccessfulCreate",
                    &format!("Created pod: {pod_name}"),
                );
            }
            to_start -= 1;
        }
    }
    if complete {
        let _ = record(
            st,
            ns,
            &reference(job),
            "Normal",
            "Completed",
            "Job completed",
        );
    } else if failed_out {
        let _ = record(
            st,
            ns,
            &reference(job),
            "Warning",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        );
    }
    let start = job
        .pointer("/status/startTime")
        .cloned()
        .unwrap_or_else(|| json!(ops::now()));
    let _ = ops::write_status(st, jobs_def, ns, name, MANAGER, |cur| {
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
        } else if failed_out {
            s["conditions"] = json!([
                condition(
                    prev,
                    "FailureTarget",
                    true,
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit"
                ),
                condition(
                    prev,
                    "Failed",
                    true,
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit"
                ),
            ]);
        }
        Some(s)
    });
}

/// Runs a CronJob now: creates its Job and records lastScheduleTime (the scheduler's step).
pub fn trigger_cronjob(
    st: &Arc<State>,
    ns: &str,
    name: &str,
) -> Result<Value, crate::status::ApiError> {
    let cj_def = def_of("batch", "cronjobs");
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
    let job = ops::create(
        st,
        def_of("batch", "jobs"),
        ns,
        tpl,
        &WriteOptions::by(MANAGER),
    )?;
    let _ = record(
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
