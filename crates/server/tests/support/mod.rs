//! What the live-state and export tests share besides the deploy helpers: a deployment deployed
//! and waited for, downloads, and Helm's own engine driven from Python.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use crate::common::TestServer;
use reqwest::StatusCode;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Deploys the latest revision and waits for the operation to succeed.
pub async fn deploy(server: &TestServer, token: &str, path: &str) {
    let operation = crate::deploying::deploy(server, token, path).await;
    let finished = crate::deploying::finished(server, token, &operation).await;
    assert_eq!(finished["state"], "succeeded", "{finished}");
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
