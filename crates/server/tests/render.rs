//! The renderer's two entry points: `POST /api/v1/render` and `kubechart render` / `kubechart schema`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, TestServer, field_paths};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    files
}

fn golden(example: &Path) -> String {
    let name = example.file_name().unwrap();
    std::fs::read_to_string(example.parent().unwrap().join("golden").join(name)).unwrap()
}

fn spec_json(example: &Path) -> Value {
    let spec = kubechart_manifest::parse_spec(&std::fs::read_to_string(example).unwrap()).unwrap();
    serde_json::to_value(spec).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_renders_every_example_exactly_as_the_cli_does() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (token, _) = server.register("alice").await;
    for example in examples() {
        let (status, body) = server
            .post(
                "/api/v1/render",
                Some(&token),
                json!({"spec": spec_json(&example), "redactSecrets": false}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", example.display());
        assert_eq!(
            body["yaml"].as_str().unwrap(),
            golden(&example),
            "{}",
            example.display()
        );
        let objects = body["objects"].as_array().unwrap();
        assert_eq!(
            body["resourceCount"].as_u64().unwrap() as usize,
            objects.len()
        );
        assert!(
            objects
                .iter()
                .all(|object| object["kind"].is_string() && object["name"].is_string())
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previews_redact_secret_values_by_default() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (token, _) = server.register("alice").await;
    let example = examples()
        .into_iter()
        .find(|path| path.ends_with("migration-job.yaml"))
        .unwrap();
    let (status, body) = server
        .post(
            "/api/v1/render",
            Some(&token),
            json!({"spec": spec_json(&example)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let yaml = body["yaml"].as_str().unwrap();
    assert!(yaml.contains("kind: Secret"), "{yaml}");
    assert!(yaml.contains("<redacted>"), "{yaml}");
    let plain = golden(&example);
    let secret_values: Vec<&str> = plain
        .split("kind: Secret")
        .nth(1)
        .unwrap()
        .lines()
        .skip_while(|line| !line.starts_with("data:") && !line.starts_with("stringData:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_once(": ").map(|(_, value)| value))
        .collect();
    assert!(!secret_values.is_empty());
    for value in secret_values {
        assert!(!yaml.contains(value), "{value} leaked into the preview");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_specs_are_422_at_their_appspec_paths() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (token, _) = server.register("alice").await;
    let spec = json!({
        "name": "Bad_Name",
        "namespace": "shop",
        "workloads": [{"name": "web", "containers": [{"name": "web", "image": "nginx:1.27",
            "ports": [{"name": "http", "containerPort": 8080}]}]}],
        "services": [{"ports": [{"port": 0, "targetPort": "nope"}]}],
    });
    let (status, body) = server
        .post("/api/v1/render", Some(&token), json!({"spec": spec}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let paths = field_paths(&body);
    for wanted in [
        "name",
        "services[0].ports[0].port",
        "services[0].ports[0].targetPort",
    ] {
        assert!(
            paths.iter().any(|path| path == wanted),
            "{wanted} missing from {paths:?}"
        );
    }

    let (status, body) = server
        .post(
            "/api/v1/render",
            Some(&token),
            json!({"spec": {"name": "shop", "workloads": [{"name": "web", "replicas": "many"}]}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["workloads[0].replicas"]);

    let (status, _) = server
        .post("/api/v1/render", None, json!({"spec": {"name": "shop"}}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

fn kubechart() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kubechart"))
}

#[test]
fn cli_render_prints_the_golden_yaml_for_every_example() {
    for example in examples() {
        let output = kubechart().arg("render").arg(&example).output().unwrap();
        assert!(
            output.status.success(),
            "{}: {}",
            example.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(String::from_utf8(output.stdout).unwrap(), golden(&example));
    }
}

#[test]
fn cli_render_reads_stdin_and_reports_each_problem_on_its_own_line() {
    let mut child = kubechart()
        .args(["render", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        b"name: Bad_Name\nnamespace: -x\n",
    )
    .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines.iter().any(|line| line.starts_with("name: ")),
        "{stderr}"
    );
    assert!(
        lines.iter().any(|line| line.starts_with("namespace: ")),
        "{stderr}"
    );

    let output = kubechart()
        .args(["render", "/does/not/exist.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("cannot read /does/not/exist.yaml"),
        "{stderr}"
    );
}

#[test]
fn cli_schema_prints_the_appspec_json_schema() {
    let output = kubechart().arg("schema").output().unwrap();
    assert!(output.status.success());
    let schema: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(schema, kubechart_manifest::json_schema());
    assert!(schema["properties"]["workloads"].is_object(), "{schema}");
}
