//! Nothing lost when the server dies mid-apply, on both databases: the real `kubechart` binary
//! runs as a child process against the Kubernetes API test server made slow by its latency knob;
//! it is killed with SIGKILL while a deploy is applying, started again on the same database with
//! a short operation lease, and the deploy converges: the operation is taken over and finishes,
//! every object of the app is in the cluster, none is left over, and the deployment does not
//! stay `applying`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploying;

use common::{Backend, password_of};
use deploying::{OPERATION_DEADLINE, ca_pem};
use k8s_openapi::api::apps::v1::Deployment as KubeDeployment;
use k8s_openapi::api::core::v1::{ConfigMap, Service};
use kube::api::{Api, ListParams};
use kubechart_manifest::{APPLYSET_PART_OF_LABEL, ApplySet};
use kubechart_testcluster::{Options, TestCluster};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

on_both_backends!(a_deploy_killed_mid_apply_is_resumed_after_a_restart_and_converges);

/// The operation lease of the restarted server: short, so the test does not wait a minute.
const LEASE: &str = "2s";

/// The `kubechart serve` child process; killed when dropped, so a failing test leaves none.
struct ServerProcess {
    child: Child,
    base: String,
    log: PathBuf,
}

impl ServerProcess {
    /// Starts the binary on `database_url` with its data in `data_dir`; returns once it is ready.
    async fn start(data_dir: &Path, database_url: &str, run: usize) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = data_dir.join(format!("server-{run}.log"));
        let output = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_kubechart"))
            .arg("serve")
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(data_dir)
            .args(["--database-url", database_url])
            .args(["--auto-register-cluster", "false"])
            .args(["--operation-lease", LEASE])
            .args(["--log-format", "json"])
            .stdout(Stdio::from(output.try_clone().unwrap()))
            .stderr(Stdio::from(output))
            .spawn()
            .unwrap();
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        let http = reqwest::Client::new();
        let until = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let ready = http.get(format!("{}/readyz", server.base)).send().await;
            if ready.is_ok_and(|response| response.status() == StatusCode::OK) {
                return server;
            }
            assert!(
                tokio::time::Instant::now() < until,
                "the server did not become ready: {}",
                server.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL: no shutdown, no cleanup, the operation left as it was.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn call(
        &self,
        token: Option<&str>,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = reqwest::Client::new().request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

async fn a_deploy_killed_mid_apply_is_resumed_after_a_restart_and_converges(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(kubechart_store::testing::fresh_postgres().await.unwrap()),
    };
    let database_url = match &database {
        Some(db) => db.url.clone(),
        None => format!("sqlite://{}", data.path().join("kubechart.db").display()),
    };
    let mut first = ServerProcess::start(data.path(), &database_url, 1).await;

    let (status, registered) = first
        .call(
            None,
            reqwest::Method::POST,
            "/api/v1/auth/register",
            Some(json!({"username": "alice", "email": "alice@example.com",
                "password": password_of("alice")})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    let token = registered["token"].as_str().unwrap().to_string();
    let token = Some(token.as_str());
    let (status, registered) = first
        .call(
            token,
            reqwest::Method::POST,
            "/api/v1/clusters",
            Some(json!({"name": "test", "source": {"type": "token",
                "server": format!("https://{}", cluster.addr()),
                "token": cluster.admin_token(),
                "certificateAuthorityData": ca_pem(&cluster)}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    let (status, created) = first
        .call(
            token,
            reqwest::Method::POST,
            "/api/v1/deployments",
            Some(json!({"clusterId": registered["id"], "spec": spec()})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/api/v1/deployments/{}", created["id"].as_str().unwrap());

    // Slow enough that the apply is still going when the first objects are written.
    cluster.knobs().inject_latency(Duration::from_millis(800));
    let (status, accepted) = first
        .call(
            token,
            reqwest::Method::POST,
            &format!("{path}/deploy"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    let operation = format!(
        "{path}/operations/{}",
        accepted["operationId"].as_str().unwrap()
    );
    let until = tokio::time::Instant::now() + OPERATION_DEADLINE;
    loop {
        let (status, progress) = first
            .call(token, reqwest::Method::GET, &operation, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{progress}");
        assert!(
            progress["finishedAt"].is_null(),
            "the apply ended before it could be interrupted: {progress}"
        );
        let applied = progress["objects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|object| object["state"] == "applied");
        if applied {
            break;
        }
        assert!(
            tokio::time::Instant::now() < until,
            "the apply made no progress: {}",
            first.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    first.kill();
    let workloads: Api<KubeDeployment> = Api::namespaced(cluster.client(), "shop");
    let live: BTreeSet<String> = members::<KubeDeployment>(&cluster.client()).await;
    assert_ne!(
        live,
        names(&["api", "web"]),
        "the kill came after the apply had written everything"
    );

    cluster.knobs().inject_latency(Duration::from_millis(20));
    let second = ServerProcess::start(data.path(), &database_url, 2).await;
    let until = tokio::time::Instant::now() + OPERATION_DEADLINE;
    let ended = loop {
        let (status, progress) = second
            .call(token, reqwest::Method::GET, &operation, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{progress}");
        if !progress["finishedAt"].is_null() {
            break progress;
        }
        assert!(
            tokio::time::Instant::now() < until,
            "the interrupted operation was not resumed: {progress}\n{}",
            second.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(ended["state"], "succeeded", "{ended}\n{}", second.log());
    let (_, record) = second.call(token, reqwest::Method::GET, &path, None).await;
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
    assert!(workloads.get_opt("web").await.unwrap().is_some());
    let (status, plan) = second
        .call(token, reqwest::Method::POST, &format!("{path}/diff"), None)
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
    let (_, preview) = second
        .call(
            token,
            reqwest::Method::GET,
            &format!("{path}/delete-preview"),
            None,
        )
        .await;
    assert_eq!(
        preview["objects"].as_array().unwrap().len(),
        plan["objects"].as_array().unwrap().len(),
        "the recorded set and the cluster agree: {preview}"
    );
    drop(second);
    drop(database);
}
