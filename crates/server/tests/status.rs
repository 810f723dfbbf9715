//! Watch-driven status kept in the database: followed again for every applied deployment when
//! the server starts, and, while the database is away, retried with `/readyz` answering 503, so
//! the stored status is right once PostgreSQL is back, without a restart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploying;
mod live_support;

use common::proxy::CuttableProxy;
use common::{Backend, TestServer, eventually};
use deploying::register_cluster;
use k8s_openapi::api::apps::v1::Deployment as KubeDeployment;
use kube::Api;
use kube::api::DeleteParams;
use kubechart_store::testing::TestDatabase;
use kubechart_testcluster::{Options, TestCluster};
use live_support::{app, create, deploy, stored_until};
use reqwest::StatusCode;
use std::time::Duration;

on_both_backends!(a_server_follows_the_deployments_applied_before_it_started);

/// A server on `data_dir` and, for PostgreSQL, on `database`: both outlive the server, so a
/// second one starts on the same data.
async fn server_on(
    backend: Backend,
    data_dir: &std::path::Path,
    database: Option<&TestDatabase>,
) -> TestServer {
    TestServer::start_with(backend, |args| {
        args.data.data_dir = data_dir.to_path_buf();
        args.data.database_url = database.map(|database| database.url.clone());
    })
    .await
}

async fn a_server_follows_the_deployments_applied_before_it_started(backend: Backend) {
    let data_dir = tempfile::tempdir().unwrap();
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => kubechart_store::testing::fresh_postgres().await,
    };
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = server_on(backend, data_dir.path(), database.as_ref()).await;
    let (token, _) = server.register("alice").await;
    let cluster_id = register_cluster(&server, &token, &cluster).await;
    let id = create(&server, &token, &cluster_id, app("shop", "nginx:1.27")).await;
    deploy(&server, &token, &id).await;
    stored_until(&server, &token, &id, "ready", |record| {
        record["status"] == "ready"
    })
    .await;
    server.stop().await;

    // While no server runs, the app loses its workload.
    let workloads: Api<KubeDeployment> = Api::namespaced(cluster.client(), "shop");
    workloads
        .delete("web", &DeleteParams::default())
        .await
        .unwrap();

    let server = server_on(backend, data_dir.path(), database.as_ref()).await;
    let record = stored_until(&server, &token, &id, "degraded", |record| {
        record["status"] == "degraded"
    })
    .await;
    let reason = record["statusReason"].as_str().unwrap();
    assert!(reason.starts_with("Deployment web"), "{record}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_change_during_a_database_outage_is_stored_when_it_returns() {
    let Some(()) = common::postgres_available() else {
        return;
    };
    let postgres = url::Url::parse(&std::env::var("KUBECHART_TEST_POSTGRES_URL").unwrap()).unwrap();
    let target = format!(
        "{}:{}",
        postgres.host_str().unwrap(),
        postgres.port().unwrap_or(5432)
    );
    let target = tokio::net::lookup_host(target)
        .await
        .unwrap()
        .next()
        .unwrap();
    let proxy = CuttableProxy::start(target).await;
    let server = TestServer::start_with(Backend::Postgres, |args| {
        let mut url = url::Url::parse(&args.data.database_url()).unwrap();
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(proxy.addr.port())).unwrap();
        args.data.database_url = Some(url.to_string());
    })
    .await;
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let (token, _) = server.register("alice").await;
    let cluster_id = register_cluster(&server, &token, &cluster).await;
    let id = create(&server, &token, &cluster_id, app("shop", "nginx:1.27")).await;
    deploy(&server, &token, &id).await;
    stored_until(&server, &token, &id, "ready", |record| {
        record["status"] == "ready"
    })
    .await;
    let ready = |server: &TestServer| {
        let request = server.http.get(format!("{}/readyz", server.base));
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(ready(&server).await, StatusCode::OK);

    proxy.cut();
    let workloads: Api<KubeDeployment> = Api::namespaced(cluster.client(), "shop");
    workloads
        .delete("web", &DeleteParams::default())
        .await
        .unwrap();
    eventually(Duration::from_secs(20), "/readyz to answer 503", || async {
        ready(&server).await == StatusCode::SERVICE_UNAVAILABLE
    })
    .await;
    // The follower has seen the change and failed to store it.
    eventually(Duration::from_secs(20), "a failed status write", || async {
        let (_, metrics) = server.get("/metrics", None).await;
        metrics
            .as_str()
            .is_some_and(|text| text.contains("kubechart_status_writes_failing 1"))
    })
    .await;

    proxy.restore();
    let record = stored_until(&server, &token, &id, "degraded", |record| {
        record["status"] == "degraded"
    })
    .await;
    let reason = record["statusReason"].as_str().unwrap();
    assert!(reason.starts_with("Deployment web"), "{record}");
    eventually(Duration::from_secs(20), "/readyz to recover", || async {
        ready(&server).await == StatusCode::OK
    })
    .await;
    server.stop().await;
}
