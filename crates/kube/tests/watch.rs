//! Live status against the test cluster over HTTPS with the real client: convergence, failing
//! images, crash loops, unbound claims, failing Jobs, refused pod creation, dropped watches,
//! subscriptions with lag, events newest first and pod logs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures::StreamExt;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, Patch, PatchParams, PostParams,
};
use kubechart_kube::ObjectRef;
use kubechart_kube::health::{Health, HealthState};
use kubechart_kube::watch::{
    AppEvent, AppSnapshot, AppUpdate, ClusterWatch, LogRequest, WaitOutcome, WatchConfig,
};
use kubechart_testcluster::{CrdGroup, EventSeed, FailRule, Options, TestCluster};
use serde_json::{Value, json};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

const SET: &str = "applyset-watchtestwatchtestwatchtestwatchtestwat-v1";
const NS: &str = "shop";
const WAIT: Duration = Duration::from_secs(20);

struct Fixture {
    cluster: TestCluster,
    client: kube::Client,
    watch: ClusterWatch,
    _cancel: CancellationToken,
}

async fn start_with(options: Options, config: WatchConfig) -> Fixture {
    let cluster = TestCluster::start(options).await.unwrap();
    let client = cluster.client();
    create(
        &client,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}),
    )
    .await;
    let cancel = CancellationToken::new();
    let watch = ClusterWatch::new(client.clone(), config, &cancel);
    Fixture {
        cluster,
        client,
        watch,
        _cancel: cancel,
    }
}

async fn start() -> Fixture {
    start_with(Options::default(), no_grace()).await
}

fn no_grace() -> WatchConfig {
    WatchConfig {
        failure_grace: Duration::ZERO,
        ..WatchConfig::default()
    }
}

/// Labels as KubeChart renders them: managed-by everywhere, the set label on top-level objects.
fn labels(top_level: bool) -> Value {
    let mut labels =
        json!({"app.kubernetes.io/managed-by": "kubechart", "app.kubernetes.io/name": "web"});
    if top_level {
        labels["applyset.kubernetes.io/part-of"] = json!(SET);
    }
    labels
}

fn resource_of(object: &Value) -> ApiResource {
    let api_version = object["apiVersion"].as_str().unwrap();
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let kind = object["kind"].as_str().unwrap();
    let plural = match kind {
        "Ingress" => "ingresses".to_owned(),
        "PersistentVolumeClaim" => "persistentvolumeclaims".to_owned(),
        other => format!("{}s", other.to_lowercase()),
    };
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), &plural)
}

async fn create(client: &kube::Client, object: Value) {
    let resource = resource_of(&object);
    let api: Api<DynamicObject> = match object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
    {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
        None => Api::all_with(client.clone(), &resource),
    };
    let object: DynamicObject = serde_json::from_value(object).unwrap();
    api.create(&PostParams::default(), &object).await.unwrap();
}

fn deployment(name: &str, image: &str, replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": NS, "labels": labels(true)},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app.kubernetes.io/component": name}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/managed-by": "kubechart", "app.kubernetes.io/component": name}},
                "spec": {"containers": [{"name": "app", "image": image}]}
            }
        }
    })
}

fn reference(api_version: &str, kind: &str, name: &str) -> ObjectRef {
    ObjectRef {
        api_version: api_version.into(),
        kind: kind.into(),
        namespace: Some(NS.into()),
        name: name.into(),
    }
}

async fn wait(fixture: &Fixture, objects: &[ObjectRef]) -> (WaitOutcome, Vec<(ObjectRef, Health)>) {
    let mut seen = Vec::new();
    let outcome = fixture
        .watch
        .wait_for(objects, Instant::now() + WAIT, |object, health| {
            seen.push((object.clone(), health.clone()));
        })
        .await
        .unwrap();
    (outcome, seen)
}

fn failed(outcome: WaitOutcome) -> Health {
    match outcome {
        WaitOutcome::Failed(failed) => failed.health,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn a_healthy_app_converges_to_current() {
    let fixture = start().await;
    create(&fixture.client, deployment("web", "nginx:1.27", 2)).await;
    create(&fixture.client, json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "web", "namespace": NS, "labels": labels(true)},
        "spec": {"selector": {"app.kubernetes.io/component": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}})).await;
    create(&fixture.client, json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "web-config", "namespace": NS, "labels": labels(true)}, "data": {"A": "1"}})).await;
    let web = reference("apps/v1", "Deployment", "web");
    let objects = [
        web.clone(),
        reference("v1", "Service", "web"),
        reference("v1", "ConfigMap", "web-config"),
    ];
    let (outcome, seen) = wait(&fixture, &objects).await;
    assert_eq!(outcome, WaitOutcome::Current, "progress: {seen:?}");
    assert!(
        seen.iter()
            .any(|(o, h)| o == &web && h == &Health::new(HealthState::Current, "2/2 available"))
    );

    let snapshot = fixture.watch.snapshot(SET).await;
    assert_eq!(
        snapshot.health,
        Health::new(HealthState::Current, "2 objects current")
    );
    let kinds: Vec<&str> = snapshot
        .objects
        .iter()
        .map(|o| o.object.kind.as_str())
        .collect();
    assert_eq!(
        kinds,
        ["Service", "Deployment"],
        "apply order, unwatched kinds left out"
    );
    fixture.watch.shutdown().await;
}

#[tokio::test]
async fn a_failing_image_fails_the_deployment_with_the_image_named() {
    let fixture = start().await;
    fixture
        .cluster
        .knobs()
        .fail_image("ghcr.io/acme/shop:1.4.3");
    create(
        &fixture.client,
        deployment("web", "ghcr.io/acme/shop:1.4.3", 1),
    )
    .await;
    let web = reference("apps/v1", "Deployment", "web");
    let health = failed(wait(&fixture, std::slice::from_ref(&web)).await.0);
    assert!(
        health.reason.starts_with("0/1 available — pod web-"),
        "{}",
        health.reason
    );
    // The kubelet's event carries the registry's verdict; it arrives moments after the status.
    let app = wait_until_app(&fixture, |app| {
        app.reason
            .ends_with("ImagePullBackOff: ghcr.io/acme/shop:1.4.3 not found")
    })
    .await;
    assert_eq!(app.state, HealthState::Failed);
    assert!(
        app.reason
            .starts_with("Deployment web: 0/1 available — pod web-"),
        "{}",
        app.reason
    );
}

#[tokio::test]
async fn a_wait_right_after_a_change_sees_the_new_generation() {
    let fixture = start().await;
    create(&fixture.client, deployment("web", "nginx:1.27", 1)).await;
    let web = reference("apps/v1", "Deployment", "web");
    assert_eq!(
        wait(&fixture, std::slice::from_ref(&web)).await.0,
        WaitOutcome::Current
    );

    fixture.cluster.knobs().fail_image("nginx:nope");
    let deployments: Api<DynamicObject> = Api::namespaced_with(
        fixture.client.clone(),
        NS,
        &resource_of(&deployment("x", "x", 1)),
    );
    let new_image = json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx:nope"}]}}}});
    deployments
        .patch("web", &PatchParams::default(), &Patch::Merge(&new_image))
        .await
        .unwrap();
    // The watch may still hold the Current generation 1: the wait must not take it for an answer.
    let health = failed(wait(&fixture, std::slice::from_ref(&web)).await.0);
    assert!(
        health.reason.ends_with("nginx:nope not found"),
        "{}",
        health.reason
    );
}

/// Waits until the app's snapshot satisfies `done`, looking again after every change.
async fn wait_until_snapshot(
    fixture: &Fixture,
    done: impl Fn(&AppSnapshot) -> bool,
) -> AppSnapshot {
    let mut subscription = fixture.watch.subscribe_app(SET);
    let mut last = None;
    let found = tokio::time::timeout(WAIT, async {
        while subscription.recv().await.is_some() {
            let snapshot = fixture.watch.snapshot(SET).await;
            if done(&snapshot) {
                return snapshot;
            }
            last = Some(snapshot);
        }
        panic!("the watch ended");
    })
    .await;
    found.unwrap_or_else(|_| panic!("never matched; last: {last:?}"))
}

/// Waits until the app's health satisfies `done`, following its subscription.
async fn wait_until_app(fixture: &Fixture, done: impl Fn(&Health) -> bool) -> Health {
    let mut subscription = fixture.watch.subscribe_app(SET);
    let mut last = None;
    let found = tokio::time::timeout(WAIT, async {
        while let Some(event) = subscription.recv().await {
            let health = match event {
                AppEvent::Snapshot(snapshot) => snapshot.health,
                AppEvent::Change(change) => match change.update {
                    AppUpdate::App(health) => health,
                    _ => continue,
                },
            };
            if done(&health) {
                return health;
            }
            last = Some(health);
        }
        panic!("the watch ended");
    })
    .await;
    found.unwrap_or_else(|_| panic!("app health never matched; last: {last:?}"))
}

#[tokio::test]
async fn a_recoverable_failure_waits_for_the_grace_period() {
    let config = WatchConfig {
        failure_grace: Duration::from_secs(2),
        ..WatchConfig::default()
    };
    let fixture = start_with(Options::default(), config).await;
    fixture.cluster.knobs().crash_image("acme/crasher:1");
    create(&fixture.client, deployment("web", "acme/crasher:1", 1)).await;
    let web = reference("apps/v1", "Deployment", "web");
    let (outcome, seen) = wait(&fixture, std::slice::from_ref(&web)).await;
    let health = failed(outcome);
    assert!(
        health
            .reason
            .ends_with("CrashLoopBackOff: container app exited with code 1 (Error), 1 restart"),
        "{}",
        health.reason
    );
    let before = seen
        .iter()
        .find(|(_, h)| h.reason.contains("CrashLoopBackOff"))
        .unwrap();
    assert_eq!(
        before.1.state,
        HealthState::InProgress,
        "shown as in progress during the grace: {seen:?}"
    );
}

#[tokio::test]
async fn an_unbound_claim_names_the_provisioning_failure() {
    let fixture = start().await;
    fixture.cluster.knobs().leave_storage_class_unbound("slow");
    create(&fixture.client, json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": NS, "labels": labels(true)},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "slow", "resources": {"requests": {"storage": "1Gi"}}}})).await;
    let health = failed(
        wait(
            &fixture,
            &[reference("v1", "PersistentVolumeClaim", "data")],
        )
        .await
        .0,
    );
    assert_eq!(
        health.reason,
        "ProvisioningFailed: storageclass.storage.k8s.io \"slow\" not found"
    );
}

#[tokio::test]
async fn a_failing_job_reports_its_backoff_limit() {
    let fixture = start().await;
    fixture.cluster.knobs().crash_image("acme/migrate:bad");
    create(&fixture.client, json!({"apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "migrate", "namespace": NS, "labels": labels(true)},
        "spec": {"backoffLimit": 1, "template": {
            "metadata": {"labels": {"app.kubernetes.io/managed-by": "kubechart"}},
            "spec": {"restartPolicy": "Never", "containers": [{"name": "migrate", "image": "acme/migrate:bad"}]}}}})).await;
    let health = failed(
        wait(&fixture, &[reference("batch/v1", "Job", "migrate")])
            .await
            .0,
    );
    assert_eq!(
        health.reason,
        "BackoffLimitExceeded: Job has reached the specified backoff limit"
    );
}

#[tokio::test]
async fn a_cron_job_reads_as_its_last_run() {
    let fixture = start().await;
    fixture.cluster.knobs().crash_image("acme/backup:bad");
    create(
        &fixture.client,
        json!({"apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": "backup", "namespace": NS, "labels": labels(true)},
        "spec": {"schedule": "0 3 * * *", "jobTemplate": {
            "metadata": {"labels": {"app.kubernetes.io/managed-by": "kubechart"}},
            "spec": {"backoffLimit": 0, "template": {
                "metadata": {"labels": {"app.kubernetes.io/managed-by": "kubechart"}},
                "spec": {"restartPolicy": "Never",
                    "containers": [{"name": "backup", "image": "acme/backup:bad"}]}}}}}}),
    )
    .await;
    let cron = reference("batch/v1", "CronJob", "backup");
    let (outcome, _) = wait(&fixture, std::slice::from_ref(&cron)).await;
    assert_eq!(outcome, WaitOutcome::Current, "not run yet");
    let job = fixture
        .cluster
        .knobs()
        .trigger_cronjob(NS, "backup")
        .unwrap();
    let job = job["metadata"]["name"].as_str().unwrap().to_owned();
    let app = wait_until_app(&fixture, |app| app.state == HealthState::Failed).await;
    assert!(
        app.reason.starts_with("CronJob backup: ")
            && app.reason.ends_with(&format!(
                "last Job {job}: BackoffLimitExceeded: Job has reached the specified backoff limit"
            )),
        "{}",
        app.reason
    );
}

#[tokio::test]
async fn a_completed_job_is_current() {
    let fixture = start().await;
    create(&fixture.client, json!({"apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "migrate", "namespace": NS, "labels": labels(true)},
        "spec": {"template": {
            "metadata": {"labels": {"app.kubernetes.io/managed-by": "kubechart"}},
            "spec": {"restartPolicy": "Never", "containers": [{"name": "migrate", "image": "acme/migrate:1"}]}}}})).await;
    let (outcome, _) = wait(&fixture, &[reference("batch/v1", "Job", "migrate")]).await;
    assert_eq!(outcome, WaitOutcome::Current);
}

#[tokio::test]
async fn an_exceeded_quota_reaches_the_deployment_with_its_message() {
    let fixture = start().await;
    create(
        &fixture.client,
        json!({"apiVersion": "v1", "kind": "ResourceQuota",
        "metadata": {"name": "compute", "namespace": NS}, "spec": {"hard": {"pods": "1"}}}),
    )
    .await;
    create(&fixture.client, deployment("web", "nginx:1.27", 3)).await;
    let web = reference("apps/v1", "Deployment", "web");
    let health = failed(wait(&fixture, std::slice::from_ref(&web)).await.0);
    assert!(
        health
            .reason
            .contains("/3 available; FailedCreate: pods \"web-"),
        "{}",
        health.reason
    );
    assert!(
        health.reason.ends_with(
            "is forbidden: exceeded quota: compute, requested: pods=1, used: pods=1, limited: pods=1"
        ),
        "{}",
        health.reason
    );
}

/// A StatefulSet has no ReplicaFailure condition: a refused pod creation is only told in its
/// FailedCreate event, seeded here as its controller would record it.
#[tokio::test]
async fn a_refused_pod_creation_is_carried_from_the_controllers_event() {
    let fixture = start().await;
    fixture
        .cluster
        .knobs()
        .set_ready_delay(Duration::from_secs(3600));
    create(&fixture.client, json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "postgres", "namespace": NS, "labels": labels(true)},
        "spec": {"replicas": 1, "serviceName": "postgres",
            "selector": {"matchLabels": {"app.kubernetes.io/component": "postgres"}},
            "template": {"metadata": {"labels": {"app.kubernetes.io/managed-by": "kubechart", "app.kubernetes.io/component": "postgres"}},
                "spec": {"containers": [{"name": "postgres", "image": "postgres:17"}]}}}})).await;
    let quota = "create Pod postgres-0 in StatefulSet postgres failed error: pods \"postgres-0\" is forbidden: exceeded quota: compute";
    let sts = reference("apps/v1", "StatefulSet", "postgres");
    // Seeded once the watch knows the StatefulSet, as the controller would after its first try.
    let (outcome, _) = {
        let knobs = fixture.cluster.knobs();
        let mut seeded = false;
        let mut seen = Vec::new();
        let outcome = fixture
            .watch
            .wait_for(
                std::slice::from_ref(&sts),
                Instant::now() + WAIT,
                |object, health| {
                    seen.push((object.clone(), health.clone()));
                    if !seeded && health.state == HealthState::InProgress {
                        seeded = true;
                        knobs
                            .seed_event(
                                NS,
                                EventSeed {
                                    kind: "StatefulSet".into(),
                                    name: "postgres".into(),
                                    event_type: "Warning".into(),
                                    reason: "FailedCreate".into(),
                                    message: quota.into(),
                                },
                            )
                            .unwrap();
                    }
                },
            )
            .await
            .unwrap();
        (outcome, seen)
    };
    let health = failed(outcome);
    assert!(
        health
            .reason
            .starts_with(&format!("0/1 ready; FailedCreate: {quota}")),
        "{}",
        health.reason
    );
}

#[tokio::test]
async fn status_converges_after_the_watches_are_dropped() {
    let fixture = start().await;
    create(&fixture.client, deployment("web", "nginx:1.27", 1)).await;
    let web = reference("apps/v1", "Deployment", "web");
    assert_eq!(
        wait(&fixture, std::slice::from_ref(&web)).await.0,
        WaitOutcome::Current
    );

    fixture.cluster.knobs().drop_watches();
    fixture.cluster.knobs().fail_image("ghcr.io/acme/api:2");
    create(&fixture.client, deployment("api", "ghcr.io/acme/api:2", 1)).await;
    create(&fixture.client, deployment("worker", "nginx:1.27", 1)).await;
    let worker = reference("apps/v1", "Deployment", "worker");
    assert_eq!(
        wait(&fixture, std::slice::from_ref(&worker)).await.0,
        WaitOutcome::Current
    );
    let api = reference("apps/v1", "Deployment", "api");
    let health = failed(wait(&fixture, &[api]).await.0);
    assert!(
        health.reason.ends_with("ghcr.io/acme/api:2 not found"),
        "{}",
        health.reason
    );

    fixture.cluster.knobs().drop_watches();
    let deployments: Api<DynamicObject> = Api::namespaced_with(
        fixture.client.clone(),
        NS,
        &resource_of(&deployment("x", "x", 1)),
    );
    deployments
        .delete("worker", &DeleteParams::default())
        .await
        .unwrap();
    let snapshot = wait_until_snapshot(&fixture, |snapshot| snapshot.objects.len() == 2).await;
    let names: Vec<&str> = snapshot
        .objects
        .iter()
        .map(|o| o.object.name.as_str())
        .collect();
    assert_eq!(names, ["api", "web"]);
    assert!(
        snapshot.health.reason.starts_with("Deployment api: "),
        "{}",
        snapshot.health.reason
    );
}

#[tokio::test]
async fn a_subscriber_gets_a_snapshot_then_changes_and_a_new_snapshot_after_lagging() {
    let config = WatchConfig {
        channel_capacity: 2,
        ..no_grace()
    };
    let fixture = start_with(Options::default(), config).await;
    let mut subscription = fixture.watch.subscribe_app(SET);
    let first = subscription.recv().await.unwrap();
    let AppEvent::Snapshot(first) = first else {
        panic!("first comes a snapshot: {first:?}")
    };
    assert_eq!(first.health.state, HealthState::NotFound);
    assert!(first.objects.is_empty());

    for name in ["a", "b", "c"] {
        create(&fixture.client, deployment(name, "nginx:1.27", 1)).await;
    }
    let objects: Vec<ObjectRef> = ["a", "b", "c"]
        .iter()
        .map(|n| reference("apps/v1", "Deployment", n))
        .collect();
    assert_eq!(wait(&fixture, &objects).await.0, WaitOutcome::Current);
    // Far more than two changes went by while this subscriber did not read: it lagged.
    let next = subscription.recv().await.unwrap();
    let AppEvent::Snapshot(snapshot) = next else {
        panic!("a lagging subscriber gets a snapshot: {next:?}")
    };
    assert!(snapshot.seq > first.seq);
    assert_eq!(
        snapshot.health,
        Health::new(HealthState::Current, "3 objects current")
    );
    assert_eq!(snapshot.objects.len(), 3);

    create(&fixture.client, deployment("d", "nginx:1.27", 1)).await;
    let mut last_seq = snapshot.seq;
    loop {
        // Changes follow in order; with room for two only, snapshots may come between them.
        let (seq, health) = match subscription.recv().await.unwrap() {
            AppEvent::Snapshot(snapshot) => (snapshot.seq, Some(snapshot.health)),
            AppEvent::Change(change) => match change.update {
                AppUpdate::App(health) => (change.seq, Some(health)),
                _ => (change.seq, None),
            },
        };
        assert!(seq > last_seq, "sequence numbers only grow");
        last_seq = seq;
        if health == Some(Health::new(HealthState::Current, "4 objects current")) {
            break;
        }
    }
}

#[tokio::test]
async fn what_one_subscriber_acted_on_is_already_queued_for_every_other() {
    let fixture = start().await;
    let mut reader = fixture.watch.subscribe_app(SET);
    assert!(
        reader.try_recv().is_none(),
        "the first snapshot is only read by waiting"
    );
    assert!(matches!(reader.recv().await, Some(AppEvent::Snapshot(_))));
    assert!(reader.try_recv().is_none(), "nothing happened yet");

    create(&fixture.client, deployment("web", "nginx:1.27", 1)).await;
    // The app turns current for one subscriber (as a status follower sees it) ...
    let acted_on = wait_until_app(&fixture, |health| health.state == HealthState::Current).await;
    // ... and by then every change that led there waits for the other, without waiting.
    let mut last_app = None;
    while let Some(event) = reader.try_recv() {
        match event {
            AppEvent::Change(change) => {
                if let AppUpdate::App(health) = change.update {
                    last_app = Some(health);
                }
            }
            AppEvent::Snapshot(snapshot) => last_app = Some(snapshot.health),
        }
    }
    assert_eq!(last_app, Some(acted_on));
}

#[tokio::test]
async fn a_missing_crd_does_not_hold_up_the_watch_and_is_watched_once_installed() {
    let options = Options {
        crd_groups: vec![CrdGroup::CertManager],
        ..Options::default()
    };
    let config = WatchConfig {
        initial_sync: Duration::from_secs(30),
        crd_recheck: Duration::from_millis(200),
        ..no_grace()
    };
    let fixture = start_with(options, config).await;
    let started = std::time::Instant::now();
    let snapshot = fixture.watch.snapshot(SET).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "sync took {:?}",
        started.elapsed()
    );
    assert_eq!(snapshot.health.state, HealthState::NotFound);
    let route = reference("gateway.networking.k8s.io/v1", "HTTPRoute", "web");
    assert_eq!(
        fixture.watch.health_of(&route).await.state,
        HealthState::NotFound
    );

    fixture
        .cluster
        .knobs()
        .enable_crd_group(CrdGroup::GatewayApi);
    create(&fixture.client, json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
        "metadata": {"name": "eg", "namespace": NS},
        "spec": {"gatewayClassName": "eg", "listeners": [{"name": "http", "protocol": "HTTP", "port": 80}]}})).await;
    create(
        &fixture.client,
        json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "web", "namespace": NS, "labels": labels(true)},
        "spec": {"ports": [{"port": 80}]}}),
    )
    .await;
    create(
        &fixture.client,
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": "web", "namespace": NS, "labels": labels(true)},
        "spec": {"parentRefs": [{"name": "eg"}],
            "rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}}),
    )
    .await;
    let (outcome, seen) = wait(&fixture, std::slice::from_ref(&route)).await;
    assert_eq!(outcome, WaitOutcome::Current, "{seen:?}");
    assert_eq!(
        seen.last().unwrap().1,
        Health::new(HealthState::Current, "accepted by gateway eg")
    );
}

#[tokio::test]
async fn events_of_the_app_and_its_pods_come_newest_first() {
    let fixture = start().await;
    create(&fixture.client, deployment("web", "nginx:1.27", 1)).await;
    let web = reference("apps/v1", "Deployment", "web");
    assert_eq!(
        wait(&fixture, std::slice::from_ref(&web)).await.0,
        WaitOutcome::Current
    );
    fixture
        .cluster
        .knobs()
        .seed_event(
            NS,
            EventSeed {
                kind: "Deployment".into(),
                name: "web".into(),
                event_type: "Normal".into(),
                reason: "ScalingReplicaSet".into(),
                message: "the newest event".into(),
            },
        )
        .unwrap();
    let events = fixture.watch.events(SET, 100).await.unwrap();
    assert_eq!(events[0].message, "the newest event", "{events:#?}");
    assert!(
        events
            .iter()
            .any(|e| e.object.kind == "Pod" && e.reason == "Scheduled"),
        "{events:#?}"
    );
    let times: Vec<&str> = events
        .iter()
        .filter_map(|e| e.last_seen.as_deref())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0][..19] >= w[1][..19]),
        "{times:?}"
    );
    assert_eq!(fixture.watch.events(SET, 2).await.unwrap().len(), 2);
}

#[tokio::test]
async fn pod_logs_with_tail_and_follow() {
    let fixture = start().await;
    create(&fixture.client, deployment("web", "nginx:1.27", 1)).await;
    let web = reference("apps/v1", "Deployment", "web");
    assert_eq!(
        wait(&fixture, std::slice::from_ref(&web)).await.0,
        WaitOutcome::Current
    );
    let pods = fixture.watch.pods(SET).await;
    assert_eq!(pods.len(), 1, "{pods:?}");
    let pod = pods[0].name.clone();
    let knobs = fixture.cluster.knobs();
    knobs.seed_pod_log(NS, &pod, "app", "starting\nlistening on :8080\nready\n");

    let tail = LogRequest {
        container: Some("app".into()),
        tail_lines: Some(2),
        ..LogRequest::default()
    };
    let lines: Vec<String> = fixture
        .watch
        .pod_logs(NS, &pod, &tail)
        .await
        .unwrap()
        .map(|line| line.unwrap())
        .collect()
        .await;
    assert_eq!(lines, ["listening on :8080", "ready"]);

    let follow = LogRequest {
        follow: true,
        ..LogRequest::default()
    };
    let mut lines = fixture.watch.pod_logs(NS, &pod, &follow).await.unwrap();
    for expected in ["starting", "listening on :8080", "ready"] {
        assert_eq!(lines.next().await.unwrap().unwrap(), expected);
    }
    knobs.seed_pod_log(NS, &pod, "app", "GET / 200\n");
    let next = tokio::time::timeout(WAIT, lines.next()).await.unwrap();
    assert_eq!(next.unwrap().unwrap(), "GET / 200");
}

#[tokio::test]
async fn shutdown_ends_waits_and_subscriptions() {
    let fixture = start().await;
    fixture
        .cluster
        .knobs()
        .set_ready_delay(Duration::from_secs(3600));
    create(&fixture.client, deployment("web", "nginx:1.27", 1)).await;
    let mut subscription = fixture.watch.subscribe_app(SET);
    assert!(matches!(
        subscription.recv().await,
        Some(AppEvent::Snapshot(_))
    ));
    let web = reference("apps/v1", "Deployment", "web");
    let waiting = fixture.watch.wait_for(
        std::slice::from_ref(&web),
        Instant::now() + Duration::from_secs(600),
        |_, _| {},
    );
    let (outcome, ()) = tokio::join!(waiting, fixture.watch.shutdown());
    assert!(outcome.is_err(), "{outcome:?}");
    let rest =
        tokio::time::timeout(WAIT, async { while subscription.recv().await.is_some() {} }).await;
    assert!(rest.is_ok(), "the subscription ends with the watch");
}

#[tokio::test]
async fn a_cluster_that_is_down_at_first_is_waited_for_once_then_followed_when_back() {
    let config = WatchConfig {
        initial_sync: Duration::from_millis(500),
        ..no_grace()
    };
    let fixture = start_with(Options::default(), config).await;
    fixture.cluster.knobs().set_down(true);
    let first = std::time::Instant::now();
    assert_eq!(
        fixture.watch.snapshot(SET).await.health.state,
        HealthState::NotFound
    );
    assert!(first.elapsed() >= Duration::from_millis(500));
    let again = std::time::Instant::now();
    fixture.watch.snapshot(SET).await;
    assert!(again.elapsed() < Duration::from_millis(100), "waited again");

    fixture.cluster.knobs().set_down(false);
    create(&fixture.client, deployment("web", "nginx:1.27", 1)).await;
    let web = reference("apps/v1", "Deployment", "web");
    assert_eq!(wait(&fixture, &[web]).await.0, WaitOutcome::Current);
}

/// A watch that cannot resume (its resourceVersion fell out of the server's history: 410 Gone)
/// lists again, and what was deleted meanwhile disappears.
#[tokio::test]
async fn a_watch_too_old_to_resume_relists_and_drops_what_was_deleted() {
    let options = Options {
        watch_history: 20,
        ..Options::default()
    };
    let fixture = start_with(options, no_grace()).await;
    create(&fixture.client, deployment("web", "nginx:1.27", 1)).await;
    let web = reference("apps/v1", "Deployment", "web");
    assert_eq!(
        wait(&fixture, std::slice::from_ref(&web)).await.0,
        WaitOutcome::Current
    );

    let knobs = fixture.cluster.knobs();
    knobs.fail_requests(FailRule::all().verb("watch"));
    knobs.drop_watches();
    let deployments: Api<DynamicObject> = Api::namespaced_with(
        fixture.client.clone(),
        NS,
        &resource_of(&deployment("x", "x", 1)),
    );
    deployments
        .delete("web", &DeleteParams::background())
        .await
        .unwrap();
    create(&fixture.client, deployment("api", "nginx:1.27", 1)).await;
    for n in 0..25 {
        create(
            &fixture.client,
            json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": format!("filler-{n}"), "namespace": NS}}),
        )
        .await;
    }
    knobs.clear_faults();

    let snapshot = wait_until_snapshot(&fixture, |snapshot| {
        let names: Vec<&str> = snapshot
            .objects
            .iter()
            .map(|o| o.object.name.as_str())
            .collect();
        names == ["api"]
    })
    .await;
    assert_eq!(
        snapshot.health,
        Health::new(HealthState::Current, "1 object current")
    );
}
