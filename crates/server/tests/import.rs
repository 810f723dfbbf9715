//! Import where users meet it: `POST /api/v1/import` over real HTTP on both databases, and the
//! `kubechart import` command of the real binary. The inputs are files of the manifest crate's
//! import corpus: `helm template` output and a `kubectl get -o yaml` export.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, TestServer, field_paths};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../manifest/tests/import_corpus")
        .join(name)
}

fn read_corpus(name: &str) -> String {
    std::fs::read_to_string(corpus(name)).unwrap()
}

/// (kind, name) of each object, sorted.
fn identities<'a>(objects: impl Iterator<Item = &'a Value>) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = objects
        .map(|o| {
            (
                o["kind"].as_str().unwrap().to_owned(),
                o["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    list.sort();
    list
}

async fn imports_manifests_into_a_spec_that_renders_them(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (token, _) = server.register("alice").await;
    let (status, body) = server
        .post(
            "/api/v1/import",
            Some(&token),
            json!({"yaml": read_corpus("helm-redis.yaml")}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let spec = &body["spec"];
    assert_eq!(
        (&spec["name"], &spec["instance"], &spec["namespace"]),
        (&json!("redis"), &json!("cache"), &json!("cache"))
    );
    let report = &body["report"];
    assert_eq!(report["summary"]["objects"], 5);
    assert_eq!(report["summary"]["formEntries"], 5);
    let first = &report["objects"][0];
    assert_eq!(first["document"], 0);
    assert_eq!(first["source"], "redis/templates/serviceaccount.yaml");
    assert_eq!(first["entry"], "serviceAccounts[0]");
    // The empty document Helm printed for the disabled NetworkPolicy still counts.
    assert_eq!(report["objects"][1]["document"], 2);
    let statefulset = &report["objects"][4];
    assert_eq!(statefulset["kind"], "StatefulSet");
    let fields = |list: &str| statefulset[list].as_array().unwrap().clone();
    assert!(
        fields("formFields").contains(&json!("spec.serviceName")),
        "{statefulset}"
    );
    // The form has no field for a seccomp profile: it travels in the StatefulSet's override.
    assert!(
        fields("overrideFields").contains(&json!(
            "spec.template.spec.containers[0].securityContext.seccompProfile.type"
        )),
        "{statefulset}"
    );
    // The imported spec renders every imported object again.
    let (status, rendered) = server
        .post(
            "/api/v1/render",
            Some(&token),
            json!({"spec": spec, "redactSecrets": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rendered}");
    assert_eq!(
        identities(rendered["objects"].as_array().unwrap().iter()),
        identities(report["objects"].as_array().unwrap().iter())
    );

    // A cluster export: server-managed fields dropped, the ReplicaSet left to its Deployment.
    let (status, body) = server
        .post(
            "/api/v1/import",
            Some(&token),
            json!({"yaml": read_corpus("cluster-export.yaml"), "name": "hello-app"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["spec"]["name"], "hello-app");
    assert_eq!(body["spec"]["namespace"], "demo");
    let objects = body["report"]["objects"].as_array().unwrap();
    let deployment = &objects[0];
    assert!(
        deployment["droppedFields"]
            .as_array()
            .unwrap()
            .contains(&json!("metadata.managedFields")),
        "{deployment}"
    );
    assert_eq!(objects[3]["outcome"], "refused");
    assert_eq!(
        objects[3]["reason"],
        "metadata.ownerReferences: made by Deployment hello; import that instead"
    );
    server.stop().await;
}

async fn refuses_what_cannot_be_imported(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (token, _) = server.register("bob").await;
    let yaml = read_corpus("postgres.yaml");
    let (status, _) = server
        .post("/api/v1/import", None, json!({"yaml": yaml}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, body) = server
        .post(
            "/api/v1/import",
            Some(&token),
            json!({"yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: [oops\n"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["documents[1]"]);

    let (status, body) = server
        .post(
            "/api/v1/import",
            Some(&token),
            json!({"yaml": read_corpus("refusals.yaml").replace("name: settings\n", "name: Settings\n")}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        field_paths(&body),
        [
            "documents[0].metadata.name",
            "documents[1].metadata.generateName",
            "documents[2].apiVersion",
            "documents[3].metadata.name"
        ]
    );

    let two_namespaces = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: blue}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: green}\n";
    let (status, body) = server
        .post(
            "/api/v1/import",
            Some(&token),
            json!({"yaml": two_namespaces}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["namespace"]);
    let (status, body) = server
        .post(
            "/api/v1/import",
            Some(&token),
            json!({"yaml": two_namespaces, "namespace": "green"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["report"]["summary"]["refused"], 1);
    assert_eq!(body["spec"]["configMaps"][0]["name"], "b");

    let (status, body) = server
        .post("/api/v1/import", Some(&token), json!({"yml": yaml}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // The body is bounded: a 3 MiB paste is refused before it is read in full.
    let huge = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\ndata:\n  big: \"{}\"\n",
        "x".repeat(3 << 20)
    );
    let (status, body) = server
        .post("/api/v1/import", Some(&token), json!({"yaml": huge}))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    server.stop().await;
}

on_both_backends!(
    imports_manifests_into_a_spec_that_renders_them,
    refuses_what_cannot_be_imported
);

fn kubechart(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubechart"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input
        .write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn the_cli_prints_the_spec_on_stdout_and_the_report_on_stderr() {
    let file = corpus("helm-redis.yaml");
    let output = kubechart(&["import", "-f", file.to_str().unwrap()], None);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let spec = kubechart_manifest::parse_spec(&text(&output.stdout)).unwrap();
    assert_eq!(spec.name, "redis");
    let rendered =
        kubechart_manifest::render(&spec, &kubechart_manifest::RenderOptions::default()).unwrap();
    assert_eq!(rendered.resource_count, 5);
    let report = text(&output.stderr);
    assert!(
        report.contains("documents[5] StatefulSet cache-redis-master: workloads[0] ("),
        "{report}"
    );
    assert!(
        report
            .lines()
            .last()
            .unwrap()
            .starts_with("5 objects: 5 form entries, 0 extra objects, 0 refused;"),
        "{report}"
    );

    // JSON, from stdin, into a chosen namespace and name.
    let output = kubechart(
        &[
            "import", "-f", "-", "-o", "json", "-n", "demo", "--name", "hello",
        ],
        Some(&read_corpus("cluster-export.yaml")),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let spec: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (&spec["name"], &spec["namespace"]),
        (&json!("hello"), &json!("demo"))
    );
    assert!(
        text(&output.stderr)
            .contains("refused: metadata.ownerReferences: made by Deployment hello")
    );
}

#[test]
fn the_cli_prints_one_line_per_problem_and_exits_1_when_nothing_can_be_imported() {
    let output = kubechart(
        &["import", "-f", "-"],
        Some(
            "kind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: Bad_Name}\n",
        ),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let lines: Vec<String> = text(&output.stderr).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], "documents[0].apiVersion: is required");
    assert!(
        lines[1].starts_with("documents[1].metadata.name: 'Bad_Name' must"),
        "{lines:?}"
    );

    let file = corpus("postgres.yaml");
    let output = kubechart(
        &[
            "import",
            "-f",
            file.to_str().unwrap(),
            "-n",
            "Not_A_Namespace",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("namespace: 'Not_A_Namespace'"),
        "{stderr}"
    );
}
