//! The binary as it runs in a pod: `KUBERNETES_SERVICE_HOST`/`PORT` and the ServiceAccount's
//! token, CA and namespace files point at the Kubernetes API test server; on a fresh installation
//! the first administrator finds that cluster registered as the shared cluster `in-cluster`,
//! reachable with those credentials, on both databases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine as _;
use common::{Backend, eventually, password_of};
use kubechart_testcluster::{Options, TestCluster};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

on_both_backends!(the_binary_registers_the_cluster_it_runs_in_as_in_cluster);

/// A `kubechart serve` process, killed when dropped.
struct ServerProcess {
    child: Child,
    base: String,
    log: std::path::PathBuf,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServerProcess {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// The files a pod's ServiceAccount mount holds, accepted by `cluster`.
fn write_service_account(dir: &Path, cluster: &TestCluster) {
    let kubeconfig = std::fs::read_to_string(cluster.kubeconfig_path()).unwrap();
    let ca = kubeconfig
        .lines()
        .find_map(|line| line.trim().strip_prefix("certificate-authority-data: "))
        .unwrap();
    let ca = base64::engine::general_purpose::STANDARD
        .decode(ca)
        .unwrap();
    std::fs::write(dir.join("ca.crt"), ca).unwrap();
    std::fs::write(dir.join("token"), cluster.admin_token()).unwrap();
    std::fs::write(dir.join("namespace"), "kubechart\n").unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the binary with a pod's environment only (no kubeconfig, no home to find one in).
fn start_in_pod(cluster: &TestCluster, root: &Path, database_url: Option<&str>) -> ServerProcess {
    let account = root.join("serviceaccount");
    let data = root.join("data");
    let home = root.join("home");
    for dir in [&account, &data, &home] {
        std::fs::create_dir_all(dir).unwrap();
    }
    write_service_account(&account, cluster);
    let log = root.join("server.log");
    let addr = format!("127.0.0.1:{}", free_port());
    let mut command = Command::new(env!("CARGO_BIN_EXE_kubechart"));
    command
        .arg("serve")
        .env_clear()
        .env("HOME", &home)
        .env("KUBERNETES_SERVICE_HOST", cluster.addr().ip().to_string())
        .env("KUBERNETES_SERVICE_PORT", cluster.addr().port().to_string())
        .env("KUBECHART_SERVICE_ACCOUNT_DIR", &account)
        .env("KUBECHART_ADDR", &addr)
        .env("KUBECHART_DATA_DIR", &data)
        .env("KUBECHART_LOG_FORMAT", "json")
        .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
        .stderr(Stdio::from(
            std::fs::OpenOptions::new().append(true).open(&log).unwrap(),
        ));
    if let Some(url) = database_url {
        command.env("KUBECHART_DATABASE_URL", url);
    }
    ServerProcess {
        child: command.spawn().unwrap(),
        base: format!("http://{addr}"),
        log,
    }
}

async fn call(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn register(http: &reqwest::Client, base: &str, username: &str) -> String {
    let (status, body) = call(
        http.post(format!("{base}/api/v1/auth/register"))
            .json(&json!({
                "username": username,
                "email": format!("{username}@example.com"),
                "password": password_of(username),
            })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["token"].as_str().unwrap().to_string()
}

async fn the_binary_registers_the_cluster_it_runs_in_as_in_cluster(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(
            kubechart_store::testing::fresh_postgres()
                .await
                .expect("PostgreSQL is configured"),
        ),
    };
    let root = tempfile::tempdir().unwrap();
    let server = start_in_pod(
        &cluster,
        root.path(),
        database.as_ref().map(|d| d.url.as_str()),
    );
    let http = reqwest::Client::new();
    eventually(Duration::from_secs(30), "the server to be ready", || {
        let request = http.get(format!("{}/readyz", server.base));
        async move { request.send().await.is_ok_and(|r| r.status().is_success()) }
    })
    .await;

    let admin = register(&http, &server.base, "admin").await;
    let (status, clusters) = call(
        http.get(format!("{}/api/v1/clusters", server.base))
            .bearer_auth(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{clusters}");
    let clusters = clusters.as_array().unwrap();
    assert_eq!(clusters.len(), 1, "{clusters:?}\n{}", server.log());
    let registered = &clusters[0];
    assert_eq!(registered["name"], "in-cluster");
    assert_eq!(registered["source"], "in_cluster");
    assert_eq!(registered["shared"], true);
    assert_eq!(
        registered["serverUrl"],
        format!("https://{}", cluster.addr())
    );
    assert_eq!(registered["defaultNamespace"], "kubechart");
    assert_eq!(registered["owner"]["username"], "admin");
    let id = registered["id"].as_str().unwrap();

    // The service account's token and CA are what the server talks to the cluster with.
    let (status, probe) = call(
        http.get(format!("{}/api/v1/clusters/{id}/status", server.base))
            .bearer_auth(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{probe}\n{}", server.log());

    // A member sees the shared cluster but may not change or forget it.
    let member = register(&http, &server.base, "member").await;
    let (status, listed) = call(
        http.get(format!("{}/api/v1/clusters", server.base))
            .bearer_auth(&member),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed[0]["id"], id);
    let (status, body) = call(
        http.delete(format!("{}/api/v1/clusters/{id}", server.base))
            .bearer_auth(&member),
    )
    .await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
        "{status} {body}"
    );
    let (status, _) = call(http.get(format!("{}/api/v1/clusters/{id}", server.base))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // No credential reaches the log.
    let log = server.log();
    assert!(!log.contains(cluster.admin_token()), "the token was logged");
    assert!(log.contains("registered the host's cluster"), "{log}");
}
