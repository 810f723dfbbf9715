//! What health rules read, as a cluster reports it: pod waiting reasons and last states, the
//! scheduler's Unschedulable, Job failure, quota refusals carried from ReplicaSet to
//! Deployment, and Events selected by field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{cluster, deployment, eventually, namespace};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{ContainerStatus, Event, Pod, ResourceQuota, Secret};
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use kubechart_testcluster::{EventSeed, Options, TestCluster};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

fn from<K: serde::de::DeserializeOwned>(v: serde_json::Value) -> K {
    serde_json::from_value(v).unwrap()
}

/// The first container status of the first pod with label `app=<app>` that satisfies `pick`.
async fn container(
    pods: &Api<Pod>,
    app: &str,
    what: &str,
    pick: impl Fn(&ContainerStatus) -> bool,
) -> ContainerStatus {
    eventually(what, WAIT, || async {
        pods.list(&ListParams::default().labels(&format!("app={app}")))
            .await
            .unwrap()
            .items
            .into_iter()
            .flat_map(|p| {
                p.status
                    .and_then(|s| s.container_statuses)
                    .unwrap_or_default()
            })
            .find(|c| pick(c))
    })
    .await
}

fn waiting_reason(c: &ContainerStatus) -> Option<&str> {
    c.state.as_ref()?.waiting.as_ref()?.reason.as_deref()
}

#[tokio::test]
async fn kube_apiserver_reports_pull_failures_then_back_off_and_crash_loops_with_last_state() {
    let c = cluster().await;
    let knobs = c.knobs();
    // Slow enough to see the kubelet's first report before it backs off.
    knobs.set_ready_delay(Duration::from_millis(400));
    knobs.fail_image("ghcr.io/acme/shop:missing");
    knobs.crash_image("crash:1");
    knobs.oom_image("hungry:1");
    let deps: Api<Deployment> = Api::namespaced(c.client(), "default");
    for (name, image) in [
        ("pull", "ghcr.io/acme/shop:missing"),
        ("crash", "crash:1"),
        ("oom", "hungry:1"),
    ] {
        deps.create(&PostParams::default(), &from(deployment(name, 1, image)))
            .await
            .unwrap();
    }
    let pods: Api<Pod> = Api::namespaced(c.client(), "default");

    let first = container(&pods, "pull", "ErrImagePull", |c| {
        waiting_reason(c) == Some("ErrImagePull")
    })
    .await;
    let message = first.state.unwrap().waiting.unwrap().message.unwrap();
    assert!(
        message.contains("failed to pull and unpack image \"ghcr.io/acme/shop:missing\""),
        "{message}"
    );
    let backing_off = container(&pods, "pull", "ImagePullBackOff", |c| {
        waiting_reason(c) == Some("ImagePullBackOff")
    })
    .await;
    assert_eq!(
        backing_off
            .state
            .unwrap()
            .waiting
            .unwrap()
            .message
            .as_deref(),
        Some("Back-off pulling image \"ghcr.io/acme/shop:missing\"")
    );

    let crash = container(&pods, "crash", "CrashLoopBackOff", |c| {
        waiting_reason(c) == Some("CrashLoopBackOff")
    })
    .await;
    assert_eq!(crash.restart_count, 1);
    let last = crash.last_state.unwrap().terminated.unwrap();
    assert_eq!((last.exit_code, last.reason.as_deref()), (1, Some("Error")));

    let oom = container(&pods, "oom", "OOMKilled", |c| {
        waiting_reason(c) == Some("CrashLoopBackOff")
    })
    .await;
    let last = oom.last_state.unwrap().terminated.unwrap();
    assert_eq!(
        (last.exit_code, last.reason.as_deref()),
        (137, Some("OOMKilled"))
    );
}

#[tokio::test]
async fn kube_apiserver_waits_on_missing_config_and_unbound_claims_then_starts_the_pod() {
    let c = cluster().await;
    let client = c.client();
    c.knobs().leave_storage_class_unbound("never");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    pods.create(
        &PostParams::default(),
        &from(json!({"metadata": {"name": "app", "labels": {"app": "app"}}, "spec": {"containers": [{"name": "app", "image": "app:1",
            "env": [{"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]}]}})),
    )
    .await
    .unwrap();
    let waiting = container(&pods, "app", "secret not found", |c| {
        waiting_reason(c) == Some("CreateContainerConfigError")
    })
    .await;
    assert_eq!(
        waiting.state.unwrap().waiting.unwrap().message.as_deref(),
        Some("secret \"db\" not found")
    );
    let secrets: Api<Secret> = Api::namespaced(client.clone(), "default");
    secrets
        .create(
            &PostParams::default(),
            &from(json!({"metadata": {"name": "db"}, "stringData": {"user": "app"}})),
        )
        .await
        .unwrap();
    container(&pods, "app", "key not found", |c| {
        c.state
            .as_ref()
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.message.as_deref())
            == Some("couldn't find key password in Secret default/db")
    })
    .await;
    secrets
        .patch(
            "db",
            &PatchParams::default(),
            &Patch::Merge(json!({"stringData": {"password": "s3cret"}})),
        )
        .await
        .unwrap();
    container(&pods, "app", "running", |c| c.ready).await;

    let claims: Api<k8s_openapi::api::core::v1::PersistentVolumeClaim> =
        Api::namespaced(client.clone(), "default");
    claims
        .create(
            &PostParams::default(),
            &from(json!({"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "never", "resources": {"requests": {"storage": "1Gi"}}}})),
        )
        .await
        .unwrap();
    pods.create(
        &PostParams::default(),
        &from(json!({"metadata": {"name": "db", "labels": {"app": "db"}}, "spec": {
            "containers": [{"name": "db", "image": "postgres:17", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]}})),
    )
    .await
    .unwrap();
    let scheduled = eventually("unschedulable", WAIT, || async {
        pods.get("db")
            .await
            .unwrap()
            .status?
            .conditions?
            .into_iter()
            .find(|c| c.type_ == "PodScheduled" && c.status == "False")
    })
    .await;
    assert_eq!(scheduled.reason.as_deref(), Some("Unschedulable"));
    assert!(
        scheduled
            .message
            .unwrap()
            .contains("pod has unbound immediate PersistentVolumeClaims")
    );
    let pod = pods.get("db").await.unwrap();
    assert_eq!(pod.status.unwrap().phase.as_deref(), Some("Pending"));
    assert!(pod.spec.unwrap().node_name.is_none(), "not bound to a node");
    let events: Api<Event> = Api::namespaced(client, "default");
    let failed = events
        .list(&ListParams::default().fields("involvedObject.name=db,reason=FailedScheduling"))
        .await
        .unwrap();
    assert_eq!(failed.items.len(), 1);
    assert_eq!(failed.items[0].type_.as_deref(), Some("Warning"));
}

#[tokio::test]
async fn kube_apiserver_fails_a_job_past_its_backoff_limit() {
    let c = cluster().await;
    c.knobs().crash_image("flaky:1");
    let jobs: Api<Job> = Api::namespaced(c.client(), "default");
    jobs.create(
        &PostParams::default(),
        &from(json!({"metadata": {"name": "migrate"}, "spec": {"backoffLimit": 1, "template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "m", "image": "flaky:1"}]}}}})),
    )
    .await
    .unwrap();
    let failed = eventually("job failed", WAIT, || async {
        jobs.get("migrate")
            .await
            .unwrap()
            .status?
            .conditions?
            .into_iter()
            .find(|c| c.type_ == "Failed" && c.status == "True")
    })
    .await;
    assert_eq!(failed.reason.as_deref(), Some("BackoffLimitExceeded"));
    assert_eq!(
        failed.message.as_deref(),
        Some("Job has reached the specified backoff limit")
    );
    let status = jobs.get("migrate").await.unwrap().status.unwrap();
    assert_eq!(status.failed, Some(2));
}

#[tokio::test]
async fn kube_apiserver_refuses_pods_over_quota_and_the_failure_reaches_the_deployment() {
    let c = cluster().await;
    let client = c.client();
    let quotas: Api<ResourceQuota> = Api::namespaced(client.clone(), "default");
    quotas
        .create(
            &PostParams::default(),
            &from(json!({"metadata": {"name": "q"}, "spec": {"hard": {"pods": "2"}}})),
        )
        .await
        .unwrap();
    let deps: Api<Deployment> = Api::namespaced(client.clone(), "default");
    deps.create(&PostParams::default(), &from(deployment("web", 3, "nginx")))
        .await
        .unwrap();
    let sets: Api<ReplicaSet> = Api::namespaced(client.clone(), "default");
    let failure = eventually("ReplicaFailure on the ReplicaSet", WAIT, || async {
        sets.list(&ListParams::default().labels("app=web"))
            .await
            .unwrap()
            .items
            .into_iter()
            .flat_map(|r| r.status.and_then(|s| s.conditions).unwrap_or_default())
            .find(|c| c.type_ == "ReplicaFailure")
    })
    .await;
    assert_eq!(
        (failure.status.as_str(), failure.reason.as_deref()),
        ("True", Some("FailedCreate"))
    );
    let message = failure.message.unwrap();
    assert!(message.starts_with("pods \"web-"), "{message}");
    assert!(
        message.ends_with(
            "\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2"
        ),
        "{message}"
    );
    let copied = eventually("ReplicaFailure on the Deployment", WAIT, || async {
        deps.get("web")
            .await
            .unwrap()
            .status?
            .conditions?
            .into_iter()
            .find(|c| c.type_ == "ReplicaFailure")
    })
    .await;
    assert_eq!(copied.reason.as_deref(), Some("FailedCreate"));
    assert_eq!(copied.message.as_deref(), Some(message.as_str()));

    let events: Api<Event> = Api::namespaced(client.clone(), "default");
    let warnings = events
        .list(
            &ListParams::default()
                .fields("involvedObject.kind=ReplicaSet,reason=FailedCreate,type=Warning"),
        )
        .await
        .unwrap();
    assert!(
        warnings
            .items
            .iter()
            .any(|e| e.message.as_deref() == Some(&format!("Error creating: {message}"))),
        "{:?}",
        warnings
            .items
            .iter()
            .map(|e| &e.message)
            .collect::<Vec<_>>()
    );
    let used = eventually("quota usage", WAIT, || async {
        quotas
            .get("q")
            .await
            .unwrap()
            .status?
            .used?
            .get("pods")
            .cloned()
    })
    .await;
    assert_eq!(used.0, "2");

    quotas
        .patch(
            "q",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"hard": {"pods": "5"}}})),
        )
        .await
        .unwrap();
    eventually("the ReplicaSet recovers", WAIT, || async {
        let rs = sets
            .list(&ListParams::default().labels("app=web"))
            .await
            .unwrap()
            .items
            .into_iter()
            .next()?;
        let status = rs.status?;
        (status.replicas == 3
            && !status
                .conditions
                .unwrap_or_default()
                .iter()
                .any(|c| c.type_ == "ReplicaFailure"))
        .then_some(())
    })
    .await;
}

#[tokio::test]
async fn kube_apiserver_selects_events_by_type_and_involved_object_in_a_namespace_and_across_all() {
    // Without controllers the seeded events are the only ones.
    let c = TestCluster::start(Options {
        controllers: false,
        ..Options::default()
    })
    .await
    .unwrap();
    let client = c.client();
    namespace(&client, "shop").await;
    let deps: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let web = deps
        .create(&PostParams::default(), &from(deployment("web", 1, "nginx")))
        .await
        .unwrap();
    let knobs = c.knobs();
    let seed = |kind: &str, name: &str, ty: &str, reason: &str| EventSeed {
        kind: kind.into(),
        name: name.into(),
        event_type: ty.into(),
        reason: reason.into(),
        message: format!("{reason} on {name}"),
    };
    knobs
        .seed_event("default", seed("Deployment", "web", "Warning", "Broken"))
        .unwrap();
    knobs
        .seed_event("default", seed("Deployment", "web", "Normal", "Fine"))
        .unwrap();
    knobs
        .seed_event("default", seed("Pod", "web-1", "Warning", "BackOff"))
        .unwrap();
    knobs
        .seed_event("shop", seed("Deployment", "web", "Warning", "Broken"))
        .unwrap();

    let here: Api<Event> = Api::namespaced(client.clone(), "default");
    let everywhere: Api<Event> = Api::all(client.clone());
    let reasons = |list: Vec<Event>| -> Vec<String> {
        let mut r: Vec<String> = list
            .into_iter()
            .map(|e| format!("{}/{}", e.metadata.namespace.unwrap(), e.reason.unwrap()))
            .collect();
        r.sort();
        r
    };
    let select = |api: &Api<Event>, fields: &str| {
        let api = api.clone();
        let lp = ListParams::default().fields(fields);
        async move { api.list(&lp).await.unwrap().items }
    };
    assert_eq!(
        reasons(select(&here, "type=Warning").await),
        ["default/BackOff", "default/Broken"]
    );
    assert_eq!(
        reasons(select(&everywhere, "type=Warning,involvedObject.kind=Deployment").await),
        ["default/Broken", "shop/Broken"]
    );
    assert_eq!(
        reasons(select(&here, "involvedObject.name=web").await),
        ["default/Broken", "default/Fine"]
    );
    let uid = web.metadata.uid.unwrap();
    assert_eq!(
        reasons(select(&here, &format!("involvedObject.uid={uid}")).await),
        ["default/Broken", "default/Fine"]
    );

    let mut stream = everywhere
        .watch(
            &WatchParams::default().fields("type=Warning,involvedObject.name=web-2"),
            "0",
        )
        .await
        .unwrap()
        .boxed();
    knobs
        .seed_event("shop", seed("Pod", "web-2", "Normal", "Pulled"))
        .unwrap();
    knobs
        .seed_event("shop", seed("Pod", "web-2", "Warning", "Failed"))
        .unwrap();
    let first = tokio::time::timeout(WAIT, stream.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    match first {
        WatchEvent::Added(e) => assert_eq!(e.reason.as_deref(), Some("Failed")),
        other => panic!("expected the Warning event, got {other:?}"),
    }
}

#[tokio::test]
async fn kube_apiserver_mounts_statefulset_claims_and_binds_static_volumes() {
    let c = cluster().await;
    let client = c.client();
    let sets: Api<k8s_openapi::api::apps::v1::StatefulSet> =
        Api::namespaced(client.clone(), "default");
    let mut db = deployment("db", 1, "postgres:17");
    db["kind"] = json!("StatefulSet");
    db["spec"]["serviceName"] = json!("db");
    db["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] =
        json!([{"name": "data", "mountPath": "/var/lib/postgresql"}]);
    db["spec"]["volumeClaimTemplates"] = json!([{"metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]);
    sets.create(&PostParams::default(), &from(db))
        .await
        .unwrap();
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    container(&pods, "db", "db-0 ready", |c| c.ready).await;
    let volumes = pods
        .get("db-0")
        .await
        .unwrap()
        .spec
        .unwrap()
        .volumes
        .unwrap();
    assert_eq!(
        volumes[0]
            .persistent_volume_claim
            .as_ref()
            .map(|c| c.claim_name.as_str()),
        Some("data-db-0")
    );

    let pvs: Api<k8s_openapi::api::core::v1::PersistentVolume> = Api::all(client.clone());
    pvs.create(
        &PostParams::default(),
        &from(json!({"metadata": {"name": "archive"}, "spec": {"capacity": {"storage": "5Gi"},
            "accessModes": ["ReadWriteOnce"], "storageClassName": "", "hostPath": {"path": "/srv/archive"}}})),
    )
    .await
    .unwrap();
    eventually("the static volume is Available", WAIT, || async {
        (pvs.get("archive").await.unwrap().status?.phase? == "Available").then_some(())
    })
    .await;
    let claims: Api<k8s_openapi::api::core::v1::PersistentVolumeClaim> =
        Api::namespaced(client, "default");
    claims
        .create(
            &PostParams::default(),
            &from(json!({"metadata": {"name": "archive"}, "spec": {"accessModes": ["ReadWriteOnce"],
                "storageClassName": "", "volumeName": "archive", "resources": {"requests": {"storage": "5Gi"}}}})),
        )
        .await
        .unwrap();
    eventually("the claim binds the named volume", WAIT, || async {
        (claims.get("archive").await.unwrap().status?.phase? == "Bound").then_some(())
    })
    .await;
    let pv = pvs.get("archive").await.unwrap();
    assert_eq!(pv.status.unwrap().phase.as_deref(), Some("Bound"));
    assert_eq!(
        pv.spec.unwrap().claim_ref.unwrap().name.as_deref(),
        Some("archive")
    );
}

#[tokio::test]
async fn kube_apiserver_reports_progress_and_active_deadlines_exceeded() {
    let c = cluster().await;
    c.knobs().fail_image("stuck:1");
    let client = c.client();
    let deps: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let mut stuck = deployment("stuck", 1, "stuck:1");
    stuck["spec"]["progressDeadlineSeconds"] = json!(1);
    deps.create(&PostParams::default(), &from(stuck))
        .await
        .unwrap();
    let progressing = eventually("ProgressDeadlineExceeded", WAIT, || async {
        deps.get("stuck")
            .await
            .unwrap()
            .status?
            .conditions?
            .into_iter()
            .find(|c| c.type_ == "Progressing" && c.status == "False")
    })
    .await;
    assert_eq!(
        progressing.reason.as_deref(),
        Some("ProgressDeadlineExceeded")
    );
    assert!(
        progressing
            .message
            .unwrap()
            .ends_with("has timed out progressing."),
    );

    let jobs: Api<Job> = Api::namespaced(client.clone(), "default");
    jobs.create(
        &PostParams::default(),
        &from(json!({"metadata": {"name": "slow"}, "spec": {"activeDeadlineSeconds": 1, "template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "s", "image": "stuck:1"}]}}}})),
    )
    .await
    .unwrap();
    let failed = eventually("DeadlineExceeded", WAIT, || async {
        jobs.get("slow")
            .await
            .unwrap()
            .status?
            .conditions?
            .into_iter()
            .find(|c| c.type_ == "Failed" && c.status == "True")
    })
    .await;
    assert_eq!(failed.reason.as_deref(), Some("DeadlineExceeded"));
    assert_eq!(
        failed.message.as_deref(),
        Some("Job was active longer than specified deadline")
    );
    let pods: Api<Pod> = Api::namespaced(client, "default");
    eventually("the Job's pod is stopped", WAIT, || async {
        pods.list(&ListParams::default().labels("job-name=slow"))
            .await
            .unwrap()
            .items
            .is_empty()
            .then_some(())
    })
    .await;
}
