//! Nothing lost when a server dies mid-apply, on both databases. The real `kubechart` binary
//! runs as a child process against the Kubernetes API test server made slow by its latency knob;
//! it is killed with SIGKILL while a deploy is applying, started again on the same database with
//! a short operation lease, and the deploy converges: the operation is taken over and finishes,
//! every object of the app is in the cluster, none is left over, and the deployment does not
//! stay `applying`. And a replica that stops mid-apply has its operation taken over by another
//! one still running on the same database, by its periodic sweep.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploying;

use common::process::{ServerProcess, WithLog, database};
use common::{Backend, call_at, password_of, poll_until, serve_args};
use deploying::{OPERATION_DEADLINE, ca_pem};
use k8s_openapi::api::apps::v1::Deployment as KubeDeployment;
use k8s_openapi::api::core::v1::{ConfigMap, Service};
use kube::api::{Api, ListParams};
use kubechart_manifest::{APPLYSET_PART_OF_LABEL, ApplySet};
use kubechart_server::serve;
use kubechart_testcluster::{Options, TestCluster};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

on_both_backends!(
    a_deploy_killed_mid_apply_is_resumed_after_a_restart_and_converges,
    a_live_replica_takes_over_the_operation_of_one_that_stopped,
);

/// The operation lease of the servers: short, so the test does not wait a minute.
const LEASE: Duration = Duration::from_secs(2);

/// The server's arguments: the database and the short lease.
fn lease_and_database(url: &str) -> Vec<String> {
    vec![
        "--database-url".into(),
        url.into(),
        "--operation-lease".into(),
        format!("{}s", LEASE.as_secs()),
    ]
}

/// An app of several objects, so an apply made slow is interrupted part-way.
fn spec() -> Value {
    json!({
        "name": "shop",
        "namespace": "shop",
        "createNamespace": true,
        "workloads": [
            {"name": "web", "containers": [{"name": "web", "image": "nginx:1.27",
                "ports": [{"name": "http", "containerPort": 8080}]}]},
            {"name": "api", "containers": [{"name": "api", "image": "nginx:1.27",
                "ports": [{"name": "http", "containerPort": 8080}]}]},
        ],
        "services": [
            {"name": "web", "workload": "web", "ports": [{"port": 80, "targetPort": "http"}]},
            {"name": "api", "workload": "api", "ports": [{"port": 80, "targetPort": "http"}]},
        ],
        "configMaps": [
            {"name": "settings", "data": {"mode": "production"}},
            {"name": "features", "data": {"beta": "off"}},
        ],
    })
}

/// The names of the objects of `kind` in namespace `shop` labelled as members of the app.
async fn members<K>(client: &kube::Client) -> BTreeSet<String>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
    K::DynamicType: Default,
{
    let set = ApplySet::of_app("shop", "shop");
    let api: Api<K> = Api::namespaced(client.clone(), "shop");
    let params = ListParams::default().labels(&format!("{APPLYSET_PART_OF_LABEL}={}", set.id));
    api.list(&params)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|item| item.meta().name.clone().unwrap())
        .collect()
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(ToString::to_string).collect()
}

/// One request to the server at `base`; the answer's status and JSON body.
async fn call(
    base: &str,
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    call_at(&reqwest::Client::new(), base, method, path, token, body).await
}

/// Registers a user and the test cluster, and creates the app; returns the user's token and
/// the deployment's path.
async fn prepare(base: &str, cluster: &TestCluster) -> (String, String) {
    let (status, registered) = call(
        base,
        None,
        Method::POST,
        "/api/v1/auth/register",
        Some(json!({"username": "alice", "email": "alice@example.com",
            "password": password_of("alice")})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    let token = registered["token"].as_str().unwrap().to_string();
    let (status, registered) = call(
        base,
        Some(&token),
        Method::POST,
        "/api/v1/clusters",
        Some(json!({"name": "test", "source": {"type": "token",
            "server": format!("https://{}", cluster.addr()),
            "token": cluster.admin_token(),
            "certificateAuthorityData": ca_pem(cluster)}})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    let (status, created) = call(
        base,
        Some(&token),
        Method::POST,
        "/api/v1/deployments",
        Some(json!({"clusterId": registered["id"], "spec": spec()})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/api/v1/deployments/{}", created["id"].as_str().unwrap());
    (token, path)
}

/// Deploys with the cluster made slow, and returns the operation's path once it has written
/// its first object but is still applying.
async fn slow_deploy(base: &str, token: &str, path: &str, cluster: &TestCluster) -> String {
    cluster.knobs().inject_latency(Duration::from_millis(800));
    let (status, accepted) = call(
        base,
        Some(token),
        Method::POST,
        &format!("{path}/deploy"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    let operation = format!(
        "{path}/operations/{}",
        accepted["operationId"].as_str().unwrap()
    );
    poll_until(OPERATION_DEADLINE, "the apply to make progress", || async {
        let (status, progress) = call(base, Some(token), Method::GET, &operation, None).await;
        assert_eq!(status, StatusCode::OK, "{progress}");
        assert!(
            progress["finishedAt"].is_null(),
            "the apply ended before it could be interrupted: {progress}"
        );
        progress["objects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|object| object["state"] == "applied")
            .then_some(())
    })
    .await;
    operation
}

/// After the interruption: the workloads are not all there yet.
async fn assert_interrupted(cluster: &TestCluster) {
    assert_ne!(
        members::<KubeDeployment>(&cluster.client()).await,
        names(&["api", "web"]),
        "the interruption came after the apply had written everything"
    );
}

/// With the cluster fast again, the operation finishes through the server at `base`, and the
/// cluster holds exactly the app. `log` tells what the server said, for failures.
async fn assert_converges(
    base: &str,
    token: &str,
    path: &str,
    operation: &str,
    cluster: &TestCluster,
    log: impl Fn() -> String,
) {
    cluster.knobs().inject_latency(Duration::from_millis(20));
    let waiting = WithLog("the interrupted operation to be resumed", &log);
    let ended = poll_until(OPERATION_DEADLINE, waiting, || async {
        let (status, progress) = call(base, Some(token), Method::GET, operation, None).await;
        assert_eq!(status, StatusCode::OK, "{progress}");
        (!progress["finishedAt"].is_null()).then_some(progress)
    })
    .await;
    assert_eq!(ended["state"], "succeeded", "{ended}\n{}", log());
    let (_, record) = call(base, Some(token), Method::GET, path, None).await;
    let status = record["status"].as_str().unwrap();
    assert!(
        ["progressing", "ready"].contains(&status),
        "applied, no longer applying: {status}"
    );
    assert_eq!(record["appliedRevision"], 1, "{record}");

    // Every object is there, and the cluster holds nothing of the app beyond them.
    let client = cluster.client();
    assert_eq!(
        members::<KubeDeployment>(&client).await,
        names(&["api", "web"])
    );
    assert_eq!(members::<Service>(&client).await, names(&["api", "web"]));
    assert_eq!(
        members::<ConfigMap>(&client).await,
        names(&["features", "settings"])
    );
    let (status, plan) = call(
        base,
        Some(token),
        Method::POST,
        &format!("{path}/diff"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["hasChanges"], false, "{plan}");
    assert!(
        plan["objects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|object| object["action"] == "unchanged"),
        "nothing to create or prune: {plan}"
    );
    let (_, preview) = call(
        base,
        Some(token),
        Method::GET,
        &format!("{path}/delete-preview"),
        None,
    )
    .await;
    assert_eq!(
        preview["objects"].as_array().unwrap().len(),
        plan["objects"].as_array().unwrap().len(),
        "the recorded set and the cluster agree: {preview}"
    );
}

async fn a_deploy_killed_mid_apply_is_resumed_after_a_restart_and_converges(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let (_database, url) = database(backend, data.path()).await;
    let mut first = ServerProcess::start(data.path(), 1, &lease_and_database(&url)).await;
    let (token, path) = prepare(&first.base, &cluster).await;
    let operation = slow_deploy(&first.base, &token, &path, &cluster).await;
    first.kill();
    assert_interrupted(&cluster).await;

    let second = ServerProcess::start(data.path(), 2, &lease_and_database(&url)).await;
    assert_converges(&second.base, &token, &path, &operation, &cluster, || {
        second.log()
    })
    .await;
}

async fn a_live_replica_takes_over_the_operation_of_one_that_stopped(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let (_database, url) = database(backend, data.path()).await;
    let mut args = serve_args(data.path(), Some(url.clone()));
    args.operation_lease = LEASE;
    let stopping = serve::start(args).await.unwrap();
    let mut args = serve_args(data.path(), Some(url));
    args.operation_lease = LEASE;
    let surviving = serve::start(args).await.unwrap();
    let (stopping_base, surviving_base) = (
        format!("http://{}", stopping.addr),
        format!("http://{}", surviving.addr),
    );
    let (token, path) = prepare(&stopping_base, &cluster).await;
    let operation = slow_deploy(&stopping_base, &token, &path, &cluster).await;
    // Its shutdown stops the apply where it is and leaves the operation unfinished.
    stopping.shutdown().await.unwrap();
    let (_, left) = call(&surviving_base, Some(&token), Method::GET, &operation, None).await;
    assert!(left["finishedAt"].is_null(), "{left}");
    assert_interrupted(&cluster).await;

    assert_converges(
        &surviving_base,
        &token,
        &path,
        &operation,
        &cluster,
        String::new,
    )
    .await;
    surviving.shutdown().await.unwrap();
}
