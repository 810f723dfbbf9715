//! What the live-state and export tests share: the test cluster registered as a cluster, a
//! deployment created and deployed through the API, and Helm's own engine driven from Python.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use crate::common::TestServer;
use base64::Engine as _;
use kubechart_testcluster::TestCluster;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// How long a deploy may take before the test gives up on it.
const OPERATION_DEADLINE: Duration = Duration::from_secs(60);

fn ca_pem(cluster: &TestCluster) -> String {
    let text = std::fs::read_to_string(cluster.kubeconfig_path()).unwrap();
    let data = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("certificate-authority-data: "))
        .unwrap();
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap(),
    )
    .unwrap()
}

/// Registers the test cluster for `token`'s user; returns its id.
pub async fn register_cluster(server: &TestServer, token: &str, cluster: &TestCluster) -> String {
    let (status, body) = server
        .post(
            "/api/v1/clusters",
            Some(token),
            json!({
                "name": "test",
                "source": {
                    "type": "token",
                    "server": format!("https://{}", cluster.addr()),
                    "token": cluster.admin_token(),
                    "certificateAuthorityData": ca_pem(cluster),
                },
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_string()
}

/// Creates a deployment of `spec`, on `cluster_id` when given; returns its path.
pub async fn create(
    server: &TestServer,
    token: &str,
    cluster_id: Option<&str>,
    spec: Value,
) -> String {
    let mut body = json!({ "spec": spec });
    if let Some(id) = cluster_id {
        body["clusterId"] = json!(id);
    }
    let (status, created) = server.post("/api/v1/deployments", Some(token), body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    format!("/api/v1/deployments/{}", created["id"].as_str().unwrap())
}

/// Deploys the latest revision and waits for the operation to succeed.
pub async fn deploy(server: &TestServer, token: &str, path: &str) {
    let (status, body) = server
        .post(&format!("{path}/deploy"), Some(token), json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let operation = format!(
        "{path}/operations/{}",
        body["operationId"].as_str().unwrap()
    );
    let until = tokio::time::Instant::now() + OPERATION_DEADLINE;
    loop {
        let (status, body) = server.get(&operation, Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if !body["finishedAt"].is_null() {
            assert_eq!(body["state"], "succeeded", "{body}");
            return;
        }
        assert!(
            tokio::time::Instant::now() < until,
            "the deploy did not finish: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A GET answered with bytes: status, headers and body.
pub async fn download(
    server: &TestServer,
    path: &str,
    token: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = server
        .http
        .get(format!("{}{path}", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// What Helm's engine says about a chart archive: its lint report, its metadata and the
/// manifests it renders with `values` over the chart's defaults.
pub struct HelmOutput {
    pub lint: Value,
    pub metadata: Value,
    /// Every rendered object, parsed.
    pub objects: Vec<Value>,
}

/// Lints and renders a chart archive with Helm v4's engine (the `helm-python-sdk` package).
pub fn helm_render(archive: &[u8], values: &Value) -> HelmOutput {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chart.tgz");
    std::fs::write(&path, archive).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/helm_render.py");
    let output = Command::new("python3")
        .arg(&script)
        .arg(&path)
        .arg(values.to_string())
        .output()
        .expect("python3 must be installed to run Helm's engine (scripts/test.sh installs helm-python-sdk)");
    assert!(
        output.status.success(),
        "Helm's engine failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut objects = Vec::new();
    for (file, text) in report["manifests"].as_object().unwrap() {
        if !file.ends_with(".yaml") {
            continue;
        }
        let documents: Vec<Value> = serde_saphyr::from_multiple(text.as_str().unwrap())
            .unwrap_or_else(|error| panic!("{file} is not YAML: {error}\n{text}"));
        objects.extend(documents.into_iter().filter(|d| !d.is_null()));
    }
    HelmOutput {
        lint: report["lint"].clone(),
        metadata: report["metadata"].clone(),
        objects,
    }
}

/// Objects in a stable order (kind, namespace, name), to compare sets of objects.
pub fn sorted(mut objects: Vec<Value>) -> Vec<Value> {
    objects.sort_by_key(|o| {
        (
            o["kind"].as_str().unwrap_or_default().to_owned(),
            o["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            o["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    });
    objects
}
