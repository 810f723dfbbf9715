//! Helpers for tests that deploy to the Kubernetes API test server through the HTTP API: the
//! cluster registered for a user, a deployment created, deployed and waited for, and the shapes
//! of plans and operations read back.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use crate::common::{TestServer, poll_until};
use base64::Engine as _;
use kubechart_testcluster::TestCluster;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// How long an operation may take before the test gives up on it.
pub const OPERATION_DEADLINE: Duration = Duration::from_secs(60);

pub fn ca_pem(cluster: &TestCluster) -> String {
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

/// An app with a workload, optionally exposed by a Service, in a namespace it creates.
pub fn shop_app(with_service: bool) -> Value {
    let mut spec = json!({
        "name": "shop",
        "namespace": "shop",
        "createNamespace": true,
        "workloads": [{"name": "web", "containers": [{"name": "web", "image": "nginx:1.27",
            "ports": [{"name": "http", "containerPort": 8080}]}]}],
    });
    if with_service {
        spec["services"] = json!([{"name": "web", "workload": "web",
            "ports": [{"port": 80, "targetPort": "http"}]}]);
    }
    spec
}

/// The body of `POST /api/v1/clusters` that registers the test cluster as `test`.
pub fn registration(cluster: &TestCluster) -> Value {
    json!({
        "name": "test",
        "source": {
            "type": "token",
            "server": format!("https://{}", cluster.addr()),
            "token": cluster.admin_token(),
            "certificateAuthorityData": ca_pem(cluster),
        },
    })
}

/// Registers the test cluster for `token`'s user; returns its id.
pub async fn register_cluster(server: &TestServer, token: &str, cluster: &TestCluster) -> String {
    let (status, body) = server
        .post("/api/v1/clusters", Some(token), registration(cluster))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_string()
}

/// Creates a deployment of `spec` on `cluster_id`; returns its path.
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

/// Starts a deploy; returns the operation's path.
pub async fn deploy(server: &TestServer, token: &str, path: &str) -> String {
    let (status, body) = server
        .post(&format!("{path}/deploy"), Some(token), json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    format!(
        "{path}/operations/{}",
        body["operationId"].as_str().unwrap()
    )
}

/// Polls the operation until it has finished, within the deadline; returns it.
pub async fn finished(server: &TestServer, token: &str, operation: &str) -> Value {
    poll_until(OPERATION_DEADLINE, "the operation to finish", || async {
        let (status, body) = server.get(operation, Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (!body["finishedAt"].is_null()).then_some(body)
    })
    .await
}

pub fn actions(plan: &Value) -> Vec<(String, String)> {
    plan["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                format!(
                    "{}/{}",
                    o["object"]["kind"].as_str().unwrap(),
                    o["object"]["name"].as_str().unwrap()
                ),
                o["action"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub fn object_states(operation: &Value) -> Vec<(String, String)> {
    operation["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                format!(
                    "{}/{}",
                    o["object"]["kind"].as_str().unwrap(),
                    o["object"]["name"].as_str().unwrap()
                ),
                o["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
