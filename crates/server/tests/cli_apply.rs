//! `kubechart apply | diff | delete | status -f` against the Kubernetes API test server, run as
//! the real binary with the test server's kubeconfig: the same engine as the server, no database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kube::api::{Api, Patch, PatchParams};
use kubechart_testcluster::{Options, TestCluster};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

async fn kubechart(args: &[&str], kubeconfig: &Path) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kubechart"));
    command.args(args).arg("--kubeconfig").arg(kubeconfig);
    command.env_remove("KUBECONFIG");
    let output: Output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../examples/{name}.yaml"))
}

async fn namespace(client: &kube::Client, name: &str) {
    let api: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
    api.patch(
        name,
        &PatchParams::apply("test-setup"),
        &Patch::Apply(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})),
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_twice_diff_prune_status_and_delete_like_kubectl() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let kubeconfig = cluster.kubeconfig_path().to_path_buf();
    namespace(&cluster.client(), "shop").await;
    let file = example("web-ingress");
    let file = file.to_str().unwrap();

    let dry = kubechart(&["apply", "-f", file, "--dry-run=server"], &kubeconfig).await;
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .contains("Deployment shop/web create (server dry run)"),
        "{}",
        dry.stdout
    );
    let deployments: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(cluster.client(), "shop");
    assert!(
        deployments.get_opt("web").await.unwrap().is_none(),
        "a dry run changes nothing"
    );

    let first = kubechart(&["apply", "-f", file, "--wait=60s"], &kubeconfig).await;
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert!(
        first.stdout.contains("Deployment shop/web created"),
        "{}",
        first.stdout
    );
    assert!(
        first.stdout.contains("Deployment shop/web Current"),
        "--wait reports health: {}",
        first.stdout
    );
    let lines = first
        .stdout
        .lines()
        .filter(|l| l.ends_with(" created"))
        .count();
    assert!(lines >= 6, "one line per object: {}", first.stdout);

    let again = kubechart(&["apply", "-f", file], &kubeconfig).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.lines().all(|l| l.ends_with(" unchanged")),
        "{}",
        again.stdout
    );

    let same = kubechart(&["diff", "-f", file], &kubeconfig).await;
    assert_eq!(same.code, 0, "no changes: {}{}", same.stdout, same.stderr);
    assert_eq!(same.stdout, "");

    // A copy without the app's ConfigMap: diff shows the prune, apply carries it out.
    let text = std::fs::read_to_string(file).unwrap();
    let mut spec: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let config_map = spec["configMaps"][0]["name"].as_str().unwrap().to_owned();
    spec.as_object_mut().unwrap().remove("configMaps");
    for workload in spec["workloads"].as_array_mut().unwrap() {
        for container in workload["containers"].as_array_mut().unwrap() {
            container.as_object_mut().unwrap().remove("envFrom");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join("app.json");
    std::fs::write(&changed, serde_json::to_string(&spec).unwrap()).unwrap();
    let changed = changed.to_str().unwrap();
    let diff = kubechart(&["diff", "-f", changed], &kubeconfig).await;
    assert_eq!(diff.code, 1, "changes: {}{}", diff.stdout, diff.stderr);
    assert!(
        diff.stdout
            .contains(&format!("# ConfigMap shop/{config_map} prune")),
        "{}",
        diff.stdout
    );
    let pruned = kubechart(
        &["apply", "-f", changed, "-o", "json", "--wait=60s"],
        &kubeconfig,
    )
    .await;
    assert_eq!(pruned.code, 0, "{}", pruned.stderr);
    let report: serde_json::Value = serde_json::from_str(&pruned.stdout).unwrap();
    assert!(
        report["objects"].as_array().unwrap().iter().any(|o| {
            o["reference"]["name"] == config_map.as_str() && o["outcome"]["result"] == "pruned"
        }),
        "{report:#}"
    );

    let status = kubechart(&["status", "-f", changed], &kubeconfig).await;
    assert_eq!(status.code, 0, "{}{}", status.stdout, status.stderr);
    assert!(
        status.stdout.contains("Deployment shop/web Current"),
        "{}",
        status.stdout
    );
    assert!(
        status.stdout.contains("app shop: Current"),
        "{}",
        status.stdout
    );

    let deleted = kubechart(&["delete", "-f", changed], &kubeconfig).await;
    assert_eq!(deleted.code, 0, "{}{}", deleted.stdout, deleted.stderr);
    assert!(
        deleted.stdout.contains("Deployment shop/web deleted"),
        "{}",
        deleted.stdout
    );
    assert!(deployments.get_opt("web").await.unwrap().is_none());
    let secrets: Api<k8s_openapi::api::core::v1::Secret> =
        Api::namespaced(cluster.client(), "shop");
    assert!(
        secrets.get_opt("kubechart-shop").await.unwrap().is_none(),
        "the inventory is gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_wait_fails_with_the_reason_of_a_failing_image() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let kubeconfig = cluster.kubeconfig_path().to_path_buf();
    namespace(&cluster.client(), "shop").await;
    cluster.knobs().fail_image("nginx:does-not-exist");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.yaml");
    std::fs::write(
        &file,
        "name: broken\nnamespace: shop\nworkloads:\n  - name: web\n    containers:\n      - name: web\n        image: nginx:does-not-exist\n",
    )
    .unwrap();
    let run = kubechart(
        &["apply", "-f", file.to_str().unwrap(), "--wait=60s"],
        &kubeconfig,
    )
    .await;
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("Deployment shop/web failed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("nginx:does-not-exist"),
        "the image is named: {}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_and_unreachable_clusters_exit_1_with_one_line_per_problem() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let kubeconfig = cluster.kubeconfig_path().to_path_buf();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.yaml");
    std::fs::write(
        &file,
        "name: Bad_Name\nworkloads:\n  - name: web\n    containers: []\n",
    )
    .unwrap();
    let run = kubechart(&["apply", "-f", file.to_str().unwrap()], &kubeconfig).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.lines().any(|l| l.starts_with("name: ")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("workloads[0].containers: ")),
        "{}",
        run.stderr
    );

    let missing = kubechart(
        &["apply", "-f", example("web-ingress").to_str().unwrap()],
        &kubeconfig,
    )
    .await;
    assert_eq!(missing.code, 1);
    assert_eq!(
        missing.stderr.trim(),
        "namespace: namespace shop does not exist on the cluster; create it or turn on createNamespace (Namespace shop)"
    );

    cluster.knobs().set_down(true);
    let down = kubechart(
        &["diff", "-f", example("web-ingress").to_str().unwrap()],
        &kubeconfig,
    )
    .await;
    assert_eq!(
        down.code, 2,
        "diff errors exit 2 like kubectl: {}",
        down.stderr
    );
    assert!(down.stderr.contains("unreachable"), "{}", down.stderr);
}
