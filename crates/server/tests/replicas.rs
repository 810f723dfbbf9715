//! Several replicas on one PostgreSQL database: two real `kubechart serve` processes sharing the
//! database, the data directory's keys and the Kubernetes API test server. A deploy through one
//! is seen live, status and per-object progress, on a WebSocket of the other; when the one
//! applying is killed (SIGKILL) mid-apply, the other finishes the operation after the lease and
//! takes over writing the cluster's statuses; while both are up, exactly one of them writes the
//! statuses of a cluster (read from their metrics and the lease table, not from timing).
//!
//! SQLite serves one replica, so these run on PostgreSQL only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploying;
mod live_support;

use common::process::{ServerProcess, WithLog};
use common::{call_at, password_of, poll_until, postgres_available};
use deploying::{OPERATION_DEADLINE, registration};
use kubechart_store::testing::TestDatabase;
use kubechart_store::{ClusterId, ConnectOptions, Store};
use kubechart_testcluster::{Options, TestCluster};
use live_support::{PATIENCE, Socket, app, is_status};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

/// One replica, and a client for its API.
struct Replica {
    process: ServerProcess,
    http: reqwest::Client,
}

impl Replica {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let base = &self.process.base;
        call_at(&self.http, base, method, path, token, body).await
    }

    async fn get(&self, path: &str, token: &str) -> Value {
        let (status, body) = self.call(Method::GET, path, Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    async fn send(&self, method: Method, path: &str, token: &str, body: Value) -> Value {
        let (status, body) = self.call(method, path, Some(token), Some(body)).await;
        assert!(status.is_success(), "{status}: {body}");
        body
    }

    /// The value of an unlabelled metric; 0 when it was never set.
    async fn metric(&self, name: &str) -> f64 {
        let text = self
            .http
            .get(format!("{}/metrics", self.process.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .map_or(0.0, |value| value.trim().parse().unwrap())
    }

    fn log(&self) -> String {
        self.process.log()
    }
}

/// What the replicas of a test share: a fresh database, a data directory (so the same keys) and
/// the lease.
struct Shared {
    database: TestDatabase,
    data: tempfile::TempDir,
    lease: Duration,
}

impl Shared {
    /// `None` when no PostgreSQL is configured (outside CI).
    async fn new(lease: Duration) -> Option<Self> {
        postgres_available()?;
        Some(Self {
            database: kubechart_store::testing::fresh_postgres().await.unwrap(),
            data: tempfile::tempdir().unwrap(),
            lease,
        })
    }

    /// Starts replica number `run`, once it is ready. Start them one after the other: the first
    /// one generates the keys the others read.
    async fn replica(&self, run: usize) -> Replica {
        let args = [
            "--database-url".to_owned(),
            self.database.url.clone(),
            "--operation-lease".to_owned(),
            format!("{}s", self.lease.as_secs()),
        ];
        Replica {
            process: ServerProcess::start(self.data.path(), run, &args).await,
            http: reqwest::Client::new(),
        }
    }
}

/// Both replicas' logs, for failures.
fn logs(a: &Replica, b: &Replica) -> String {
    format!(
        "--- replica a ---\n{}\n--- replica b ---\n{}",
        a.log(),
        b.log()
    )
}

/// An app of several objects in a namespace of its own, so that an apply made slow can be
/// interrupted part-way.
fn shop() -> Value {
    let workload = |name: &str| {
        json!({"name": name, "containers": [{"name": name, "image": "nginx:1.27",
            "ports": [{"name": "http", "containerPort": 8080}]}]})
    };
    let service = |name: &str| json!({"name": name, "workload": name, "ports": [{"port": 80, "targetPort": "http"}]});
    json!({
        "name": "shop",
        "namespace": "shop",
        "createNamespace": true,
        "workloads": [workload("web"), workload("api")],
        "services": [service("web"), service("api")],
        "configMaps": [
            {"name": "settings", "data": {"mode": "production"}},
            {"name": "features", "data": {"beta": "off"}},
        ],
    })
}

/// Registers alice and the test cluster through `replica`; returns alice's token and the
/// cluster's id.
async fn prepare(replica: &Replica, cluster: &TestCluster) -> (String, String) {
    let (status, registered) = replica
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "alice", "email": "alice@example.com",
                "password": password_of("alice")})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    let token = registered["token"].as_str().unwrap().to_owned();
    let cluster = replica
        .send(
            Method::POST,
            "/api/v1/clusters",
            &token,
            registration(cluster),
        )
        .await;
    (token, cluster["id"].as_str().unwrap().to_owned())
}

/// Creates a deployment of `spec` on the cluster through `replica`; returns its id.
async fn create(replica: &Replica, token: &str, cluster_id: &str, spec: Value) -> String {
    let body = json!({"clusterId": cluster_id, "spec": spec});
    let created = replica
        .send(Method::POST, "/api/v1/deployments", token, body)
        .await;
    created["id"].as_str().unwrap().to_owned()
}

/// A socket on `replica` subscribed to deployment `id`, past its first snapshot.
async fn subscribed(replica: &Replica, token: &str, id: &str) -> Socket {
    let mut socket = Socket::open_at(&replica.process.base, token).await;
    socket
        .send(json!({"type": "subscribe", "deploymentId": id}))
        .await;
    let snapshot = socket.next().await;
    assert_eq!(snapshot["type"], "status", "{snapshot}");
    socket
}

/// Starts a deploy of `id` through `replica`; returns the operation's path.
async fn deploy(replica: &Replica, token: &str, id: &str) -> String {
    let path = format!("/api/v1/deployments/{id}");
    let accepted = replica
        .send(Method::POST, &format!("{path}/deploy"), token, json!({}))
        .await;
    format!(
        "{path}/operations/{}",
        accepted["operationId"].as_str().unwrap()
    )
}

/// Polls the deployment through `replica` until it is stored as `status`.
async fn stored(replica: &Replica, token: &str, id: &str, status: &str, logs: impl Fn() -> String) {
    let path = format!("/api/v1/deployments/{id}");
    let what = format!("the deployment to be stored as {status}");
    let waiting = WithLog(&what, &logs);
    poll_until(PATIENCE, waiting, || async {
        (replica.get(&path, token).await["status"] == status).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deploy_through_one_replica_is_seen_live_through_the_other() {
    let Some(shared) = Shared::new(Duration::from_secs(10)).await else {
        return;
    };
    let (a, b) = (shared.replica(1).await, shared.replica(2).await);
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    cluster.knobs().set_ready_delay(Duration::from_millis(500));
    let (token, cluster_id) = prepare(&a, &cluster).await;
    let id = create(&a, &token, &cluster_id, app("shop", "nginx:1.27")).await;
    let mut socket = subscribed(&b, &token, &id).await;

    let operation = deploy(&a, &token, &id).await;
    let seen = socket
        .until("ready, through the other replica", |message| {
            is_status(message, &id, "ready")
        })
        .await;
    let statuses: Vec<&str> = seen
        .iter()
        .filter(|message| message["type"] == "status")
        .map(|message| message["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"applying"), "{statuses:?}");
    let operation_id = operation.rsplit('/').next().unwrap();
    assert!(
        seen.iter().any(|message| message["type"] == "progress"
            && message["operationId"] == operation_id
            && message["object"]["kind"] == "Deployment"
            && message["state"] == "applied"),
        "the progress of the apply on the other replica arrives: {seen:?}"
    );
    stored(&b, &token, &id, "ready", || logs(&a, &b)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_replica_writes_the_statuses_of_a_cluster() {
    let Some(shared) = Shared::new(Duration::from_secs(10)).await else {
        return;
    };
    let (a, b) = (shared.replica(1).await, shared.replica(2).await);
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    cluster.knobs().set_ready_delay(Duration::from_millis(500));
    let (token, cluster_id) = prepare(&a, &cluster).await;
    let id = create(&a, &token, &cluster_id, app("shop", "nginx:1.27")).await;
    // Both replicas follow the deployment: deployed through one, watched through the other.
    let mut socket = subscribed(&b, &token, &id).await;
    deploy(&a, &token, &id).await;
    socket
        .until("ready", |message| is_status(message, &id, "ready"))
        .await;
    stored(&a, &token, &id, "ready", || logs(&a, &b)).await;

    let leaders = [
        a.metric("kubechart_status_leader_clusters").await,
        b.metric("kubechart_status_leader_clusters").await,
    ];
    let writes = [
        a.metric("kubechart_status_writes_total").await,
        b.metric("kubechart_status_writes_total").await,
    ];
    let (leader, other) = match leaders {
        [1.0, 0.0] => (0, 1),
        [0.0, 1.0] => (1, 0),
        _ => panic!("one leader: {leaders:?}\n{}", logs(&a, &b)),
    };
    assert!(writes[leader] >= 1.0, "the leader wrote: {writes:?}");
    assert_eq!(writes[other], 0.0, "the other did not: {writes:?}");

    // The database agrees: one current lease for the cluster.
    let store = Store::connect(&shared.database.url, ConnectOptions::default())
        .await
        .unwrap();
    let cluster_id: ClusterId = cluster_id.parse().unwrap();
    let (holder, expires_at) = kubechart_store::leadership::leader(store.connection(), cluster_id)
        .await
        .unwrap()
        .expect("a leader");
    assert!(holder.starts_with("kubechart-"), "{holder}");
    assert!(expires_at > chrono::Utc::now(), "{expires_at}");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_mid_apply_leaves_its_operation_and_its_cluster_to_the_other() {
    let Some(shared) = Shared::new(Duration::from_secs(3)).await else {
        return;
    };
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    // A alone deploys a first app, so it leads the cluster when B starts (and B follows that
    // app too, without writing its statuses).
    let mut a = shared.replica(1).await;
    let (token, cluster_id) = prepare(&a, &cluster).await;
    let first = create(&a, &token, &cluster_id, app("first", "nginx:1.27")).await;
    deploy(&a, &token, &first).await;
    stored(&a, &token, &first, "ready", || a.log()).await;
    let b = shared.replica(2).await;
    assert_eq!(a.metric("kubechart_status_leader_clusters").await, 1.0);
    assert_eq!(b.metric("kubechart_status_leader_clusters").await, 0.0);

    // The shop, applied slowly through A, which is killed part-way, watched through B.
    let id = create(&a, &token, &cluster_id, shop()).await;
    let mut socket = subscribed(&b, &token, &id).await;
    cluster.knobs().inject_latency(Duration::from_millis(800));
    let operation = deploy(&a, &token, &id).await;
    poll_until(OPERATION_DEADLINE, "the apply to make progress", || async {
        let progress = a.get(&operation, &token).await;
        assert!(
            progress["finishedAt"].is_null(),
            "ended too soon: {progress}"
        );
        let objects = progress["objects"].as_array().unwrap();
        objects
            .iter()
            .any(|object| object["state"] == "applied")
            .then_some(())
    })
    .await;
    a.process.kill();
    let left = b.get(&operation, &token).await;
    assert!(left["finishedAt"].is_null(), "interrupted: {left}");

    // B takes the operation over once A's lease has run out, and the cluster's statuses too.
    cluster.knobs().inject_latency(Duration::from_millis(20));
    let log = || b.log();
    let waiting = WithLog("the surviving replica to finish the operation", &log);
    let ended = poll_until(OPERATION_DEADLINE, waiting, || async {
        let progress = b.get(&operation, &token).await;
        (!progress["finishedAt"].is_null()).then_some(progress)
    })
    .await;
    assert_eq!(ended["state"], "succeeded", "{ended}\n{}", log());
    socket
        .until("ready after the takeover", |message| {
            is_status(message, &id, "ready")
        })
        .await;
    stored(&b, &token, &id, "ready", log).await;
    assert_eq!(b.metric("kubechart_status_leader_clusters").await, 1.0);
    assert!(b.metric("kubechart_status_writes_total").await >= 1.0);
}
