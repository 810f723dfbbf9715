//! The clusters API over real HTTP, on both databases, against the Kubernetes test cluster:
//! registration from an uploaded kubeconfig, a token and a detected host file; refused kubeconfig
//! fields; who sees and changes what; automatic registration; live and unreachable status; and
//! credentials that never appear in a response or a log line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine as _;
use common::{Backend, field_paths, password_of, serve_args};
use kubechart_kube::connect::HostEnv;
use kubechart_server::serve::{self, RunningServer};
use kubechart_store::entities::deployments;
use kubechart_testcluster::{Options, TestCluster};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, Database};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

on_both_backends!(
    members_register_private_clusters_from_a_kubeconfig_or_a_token,
    refused_kubeconfig_fields_are_named_by_their_path,
    other_users_private_clusters_do_not_exist_for_them,
    host_sources_and_sharing_are_for_administrators,
    the_hosts_cluster_is_registered_once_an_admin_exists,
    status_of_a_live_cluster_and_of_one_that_is_down,
    new_credentials_rebuild_the_client,
    clusters_with_applied_deployments_are_deleted_only_when_forced,
);

/// A server whose host has `host` as its environment, on a fresh database.
struct Server {
    base: String,
    http: reqwest::Client,
    database_url: String,
    running: Option<RunningServer>,
    _data: tempfile::TempDir,
    _database: Option<kubechart_store::testing::TestDatabase>,
}

impl Server {
    async fn start(backend: Backend, host: HostEnv, auto_register: bool) -> Self {
        let data = tempfile::tempdir().unwrap();
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(kubechart_store::testing::fresh_postgres().await.unwrap()),
        };
        let database_url = match &database {
            Some(db) => db.url.clone(),
            None => format!("sqlite://{}", data.path().join("kubechart.db").display()),
        };
        let mut args = serve_args(data.path(), Some(database_url.clone()));
        args.auto_register_cluster = auto_register;
        let running = serve::start_with_host(args, host).await.unwrap();
        Self {
            base: format!("http://{}", running.addr),
            http: reqwest::Client::new(),
            database_url,
            running: Some(running),
            _data: data,
            _database: database,
        }
    }

    async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().await.unwrap();
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value, String) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(Value::Null);
        (status, value, text)
    }

    async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let (status, body, _) = self.call(Method::GET, path, token, None).await;
        (status, body)
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        let (status, body, _) = self.call(Method::POST, path, token, Some(body)).await;
        (status, body)
    }

    async fn patch(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        let (status, body, _) = self.call(Method::PATCH, path, token, Some(body)).await;
        (status, body)
    }

    async fn delete(&self, path: &str, token: &str) -> StatusCode {
        self.call(Method::DELETE, path, token, None).await.0
    }

    /// Registers an account; the first one is the administrator. Returns its token and id.
    async fn register(&self, username: &str) -> (String, String) {
        let response: Value = self
            .http
            .post(format!("{}/api/v1/auth/register", self.base))
            .json(&json!({
                "username": username,
                "email": format!("{username}@example.com"),
                "password": password_of(username),
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (
            response["token"].as_str().unwrap().to_string(),
            response["user"]["id"].as_str().unwrap().to_string(),
        )
    }
}

fn host_with(cluster: &TestCluster) -> HostEnv {
    let mut host = HostEnv::isolated();
    host.kubeconfig = Some(cluster.kubeconfig_path().as_os_str().to_owned());
    host
}

fn kubeconfig_text(cluster: &TestCluster) -> String {
    std::fs::read_to_string(cluster.kubeconfig_path()).unwrap()
}

fn ca_pem(cluster: &TestCluster) -> String {
    let text = kubeconfig_text(cluster);
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

fn token_body(cluster: &TestCluster, name: &str, token: &str) -> Value {
    json!({
        "name": name,
        "source": {
            "type": "token",
            "server": format!("https://{}", cluster.addr()),
            "token": token,
            "certificateAuthorityData": ca_pem(cluster),
        },
    })
}

/// No response body may carry either bearer token of the test cluster.
fn assert_no_secret(cluster: &TestCluster, body: &Value) {
    let text = body.to_string();
    for secret in [cluster.admin_token(), cluster.restricted_token()] {
        assert!(!text.contains(secret), "a token leaked into {text}");
    }
    let ca_data = kubeconfig_text(cluster)
        .lines()
        .find_map(|line| line.trim().strip_prefix("certificate-authority-data: "))
        .unwrap()
        .to_string();
    assert!(
        !text.contains(&ca_data),
        "the kubeconfig leaked into {text}"
    );
}

async fn test_cluster() -> TestCluster {
    TestCluster::start(Options::default()).await.unwrap()
}

async fn members_register_private_clusters_from_a_kubeconfig_or_a_token(backend: Backend) {
    let cluster = test_cluster().await;
    let server = Server::start(backend, HostEnv::isolated(), false).await;
    let (_admin, _) = server.register("alice").await;
    let (bob, bob_id) = server.register("bob").await;

    let (status, created) = server
        .post(
            "/api/v1/clusters",
            &bob,
            json!({
                "name": "team cluster",
                "source": {
                    "type": "kubeconfig",
                    "kubeconfig": kubeconfig_text(&cluster),
                    "context": "kubechart-test-limited",
                },
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_no_secret(&cluster, &created);
    assert_eq!(created["name"], "team cluster");
    assert_eq!(created["source"], "kubeconfig");
    assert_eq!(created["serverUrl"], format!("https://{}", cluster.addr()));
    assert_eq!(created["context"], "kubechart-test-limited");
    assert_eq!(created["defaultNamespace"], "team-a", "from the context");
    assert_eq!(created["shared"], false);
    assert_eq!(created["hasCredentials"], true);
    assert_eq!(created["owner"]["id"], bob_id.as_str());
    assert_eq!(created["owner"]["username"], "bob");

    let (status, by_token) = server
        .post(
            "/api/v1/clusters",
            &bob,
            token_body(&cluster, "by token", cluster.admin_token()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{by_token}");
    assert_no_secret(&cluster, &by_token);
    assert_eq!(by_token["source"], "token");
    assert_eq!(by_token["context"], Value::Null);

    let (status, again) = server
        .post(
            "/api/v1/clusters",
            &bob,
            token_body(&cluster, "by token", cluster.admin_token()),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(field_paths(&again), ["name"]);

    let (status, listed) = server.get("/api/v1/clusters", &bob).await;
    assert_eq!(status, StatusCode::OK);
    assert_no_secret(&cluster, &listed);
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["team cluster", "by token"]);
    let id = created["id"].as_str().unwrap();
    let (status, one) = server.get(&format!("/api/v1/clusters/{id}"), &bob).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["name"], "team cluster");
    server.stop().await;
}

async fn refused_kubeconfig_fields_are_named_by_their_path(backend: Backend) {
    let cluster = test_cluster().await;
    let server = Server::start(backend, HostEnv::isolated(), false).await;
    let (admin, _) = server.register("alice").await;
    let text = kubeconfig_text(&cluster);
    let admin_token_line = format!("    token: {}\n", cluster.admin_token());
    let with_user = |extra: &str| {
        text.replace(
            &admin_token_line,
            &format!("{admin_token_line}    {extra}\n"),
        )
    };
    let with_cluster = |extra: &str| {
        text.replace(
            "    certificate-authority-data:",
            &format!("    {extra}\n    certificate-authority-data:"),
        )
    };
    let cases = [
        (
            with_user("exec: {command: /bin/sh}"),
            "source.kubeconfig.users[0].user.exec",
        ),
        (
            with_user("auth-provider: {name: gcp}"),
            "source.kubeconfig.users[0].user.auth-provider",
        ),
        (
            with_user("client-certificate: /etc/passwd"),
            "source.kubeconfig.users[0].user.client-certificate",
        ),
        (
            with_user("client-key: /etc/shadow"),
            "source.kubeconfig.users[0].user.client-key",
        ),
        (
            with_user("tokenFile: /var/run/secrets/token"),
            "source.kubeconfig.users[0].user.tokenFile",
        ),
        (
            with_cluster("certificate-authority: /etc/ssl/ca.pem"),
            "source.kubeconfig.clusters[0].cluster.certificate-authority",
        ),
        (
            with_cluster("insecure-skip-tls-verify: true"),
            "source.kubeconfig.clusters[0].cluster.insecure-skip-tls-verify",
        ),
    ];
    for (kubeconfig, path) in cases {
        assert_ne!(
            kubeconfig, text,
            "{path}: the case must change the kubeconfig"
        );
        let (status, body) = server
            .post(
                "/api/v1/clusters",
                &admin,
                json!({"name": "x", "source": {"type": "kubeconfig", "kubeconfig": kubeconfig}}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
        assert_eq!(field_paths(&body), [path]);
        assert_no_secret(&cluster, &body);
    }

    let (status, body) = server
        .post(
            "/api/v1/clusters",
            &admin,
            json!({"name": "x", "source": {"type": "kubeconfig", "kubeconfig": text, "context": "nope"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_paths(&body), ["source.context"]);

    let (status, body) = server
        .post(
            "/api/v1/clusters",
            &admin,
            json!({"name": " ", "defaultNamespace": "Not_A_Namespace", "source": {
                "type": "token", "server": "http://10.0.0.1", "token": "", "certificateAuthorityData": "nope"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_paths(&body),
        [
            "name",
            "defaultNamespace",
            "source.server",
            "source.token",
            "source.certificateAuthorityData"
        ]
    );
    let (_, listed) = server.get("/api/v1/clusters", &admin).await;
    assert_eq!(listed, json!([]), "nothing was registered");
    server.stop().await;
}

async fn other_users_private_clusters_do_not_exist_for_them(backend: Backend) {
    let cluster = test_cluster().await;
    let server = Server::start(backend, HostEnv::isolated(), false).await;
    let (admin, _) = server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let (carol, _) = server.register("carol").await;
    let (_, private) = server
        .post(
            "/api/v1/clusters",
            &bob,
            token_body(&cluster, "bobs", cluster.admin_token()),
        )
        .await;
    let private = format!("/api/v1/clusters/{}", private["id"].as_str().unwrap());
    let (_, shared) = server
        .post("/api/v1/clusters", &admin, shared_body(&cluster, "shared"))
        .await;
    assert_eq!(shared["shared"], true, "{shared}");
    let shared = format!("/api/v1/clusters/{}", shared["id"].as_str().unwrap());

    for path in [private.clone(), format!("{private}/status")] {
        assert_eq!(
            server.get(&path, &carol).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        server
            .patch(&private, &carol, json!({"name": "mine"}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(server.delete(&private, &carol).await, StatusCode::NOT_FOUND);
    let (_, for_carol) = server.get("/api/v1/clusters", &carol).await;
    let names: Vec<&str> = for_carol
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["shared"]);

    assert_eq!(server.get(&shared, &carol).await.0, StatusCode::OK);
    assert_eq!(
        server
            .patch(&shared, &carol, json!({"name": "mine"}))
            .await
            .0,
        StatusCode::FORBIDDEN,
        "seeing a shared cluster is not managing it"
    );
    assert_eq!(server.delete(&shared, &carol).await, StatusCode::FORBIDDEN);

    assert_eq!(server.get(&private, &admin).await.0, StatusCode::OK);
    let (_, for_admin) = server.get("/api/v1/clusters", &admin).await;
    assert_eq!(for_admin.as_array().unwrap().len(), 2);
    let (status, renamed) = server
        .patch(
            &private,
            &bob,
            json!({"name": "bobs-renamed", "defaultNamespace": "team-a"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["name"], "bobs-renamed");
    assert_eq!(renamed["defaultNamespace"], "team-a");
    let (_, cleared) = server
        .patch(&private, &bob, json!({"defaultNamespace": null}))
        .await;
    assert_eq!(cleared["defaultNamespace"], Value::Null);
    assert_eq!(server.delete(&private, &bob).await, StatusCode::NO_CONTENT);
    assert_eq!(server.get(&private, &bob).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        server.get("/api/v1/clusters/not-a-uuid", &bob).await.0,
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}

/// A token registration of a cluster shared with every user.
fn shared_body(cluster: &TestCluster, name: &str) -> Value {
    let mut body = token_body(cluster, name, cluster.admin_token());
    body["shared"] = json!(true);
    body
}

async fn host_sources_and_sharing_are_for_administrators(backend: Backend) {
    let cluster = test_cluster().await;
    let server = Server::start(backend, host_with(&cluster), false).await;
    let (admin, _) = server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let path = cluster.kubeconfig_path().display().to_string();

    assert_eq!(
        server.get("/api/v1/clusters/detected", &bob).await.0,
        StatusCode::FORBIDDEN
    );
    let detected_body = json!({"name": "host", "source": {"type": "detected", "path": path, "context": "kubechart-test"}});
    assert_eq!(
        server
            .post("/api/v1/clusters", &bob, detected_body.clone())
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server
            .post("/api/v1/clusters", &bob, shared_body(&cluster, "s"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (_, own) = server
        .post(
            "/api/v1/clusters",
            &bob,
            token_body(&cluster, "own", cluster.admin_token()),
        )
        .await;
    let own = format!("/api/v1/clusters/{}", own["id"].as_str().unwrap());
    assert_eq!(
        server.patch(&own, &bob, json!({"shared": true})).await.0,
        StatusCode::FORBIDDEN
    );

    let (status, detected) = server.get("/api/v1/clusters/detected", &admin).await;
    assert_eq!(status, StatusCode::OK, "{detected}");
    assert_no_secret(&cluster, &detected);
    assert_eq!(detected["inCluster"], Value::Null);
    let file = &detected["files"][0];
    assert_eq!(file["path"], path.as_str());
    assert_eq!(file["currentContext"], "kubechart-test");
    assert_eq!(file["contexts"][0]["name"], "kubechart-test");
    assert_eq!(file["contexts"][0]["registeredAs"], Value::Null);

    let (status, created) = server.post("/api/v1/clusters", &admin, detected_body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["source"], "kubeconfig_path");
    assert_eq!(created["kubeconfigPath"], path.as_str());
    assert_eq!(created["hasCredentials"], false, "read from the host file");
    let (_, detected) = server.get("/api/v1/clusters/detected", &admin).await;
    assert_eq!(
        detected["files"][0]["contexts"][0]["registeredAs"],
        created["id"]
    );
    let (status, live) = server
        .get(
            &format!(
                "/api/v1/clusters/{}/status",
                created["id"].as_str().unwrap()
            ),
            &admin,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{live}");

    for (source, field) in [
        (
            json!({"type": "detected", "path": "/etc/passwd", "context": "kubechart-test"}),
            "source.path",
        ),
        (
            json!({"type": "detected", "path": path, "context": "other"}),
            "source.context",
        ),
        (json!({"type": "detected"}), "source.path"),
    ] {
        let (status, body) = server
            .post(
                "/api/v1/clusters",
                &admin,
                json!({"name": "n", "source": source}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(field_paths(&body), [field]);
    }
    server.stop().await;
}

async fn the_hosts_cluster_is_registered_once_an_admin_exists(backend: Backend) {
    let cluster = test_cluster().await;
    let server = Server::start(backend, host_with(&cluster), true).await;
    let (admin, admin_id) = server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let (status, listed) = server.get("/api/v1/clusters", &bob).await;
    assert_eq!(status, StatusCode::OK);
    let clusters = listed.as_array().unwrap();
    assert_eq!(clusters.len(), 1, "{listed}");
    let registered = &clusters[0];
    assert_eq!(registered["name"], "kubechart-test");
    assert_eq!(registered["source"], "kubeconfig_path");
    assert_eq!(registered["shared"], true);
    assert_eq!(registered["owner"]["id"], admin_id.as_str());
    assert_eq!(registered["defaultNamespace"], "default");
    let (status, live) = server
        .get(
            &format!(
                "/api/v1/clusters/{}/status",
                registered["id"].as_str().unwrap()
            ),
            &bob,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "members may use the shared cluster: {live}"
    );

    // Deleted by the admin, it stays deleted: registration happens once.
    let path = format!("/api/v1/clusters/{}", registered["id"].as_str().unwrap());
    assert_eq!(server.delete(&path, &admin).await, StatusCode::NO_CONTENT);
    let (_, listed) = server.get("/api/v1/clusters", &admin).await;
    assert_eq!(listed, json!([]));
    server.stop().await;

    let off = Server::start(backend, host_with(&cluster), false).await;
    let (admin, _) = off.register("alice").await;
    let (_, listed) = off.get("/api/v1/clusters", &admin).await;
    assert_eq!(listed, json!([]), "KUBECHART_AUTO_REGISTER_CLUSTER=false");
    off.stop().await;
}

async fn status_of_a_live_cluster_and_of_one_that_is_down(backend: Backend) {
    let cluster = test_cluster().await;
    let server = Server::start(backend, HostEnv::isolated(), false).await;
    let (admin, _) = server.register("alice").await;
    let (_, created) = server
        .post(
            "/api/v1/clusters",
            &admin,
            token_body(&cluster, "live", cluster.admin_token()),
        )
        .await;
    let status_path = format!(
        "/api/v1/clusters/{}/status",
        created["id"].as_str().unwrap()
    );

    let (status, live) = server.get(&status_path, &admin).await;
    assert_eq!(status, StatusCode::OK, "{live}");
    assert_no_secret(&cluster, &live);
    assert_eq!(live["reachable"], true);
    assert!(live["version"].as_str().unwrap().starts_with('v'));
    assert_eq!(live["permissions"]["namespace"], "default");
    assert_eq!(live["permissions"]["missing"], json!([]));
    assert!(
        live["optionalApis"]
            .as_array()
            .unwrap()
            .iter()
            .all(|api| api["installed"] == true)
    );
    let namespaces: Vec<&str> = live["pickers"]["namespaces"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["name"].as_str().unwrap())
        .collect();
    assert!(namespaces.contains(&"kube-system"), "{namespaces:?}");

    cluster.knobs().set_down(true);
    // A connection the client still had open is cut under a request at first, which reads as
    // `other`; every new connection is refused.
    let mut attempts = 0;
    let down = loop {
        attempts += 1;
        let started = Instant::now();
        let (status, down) = server.get(&status_path, &admin).await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{down}");
        assert_eq!(down["error"]["code"], "cluster_unreachable");
        if down["error"]["cause"] == "refused" {
            break down;
        }
        assert_eq!(down["error"]["cause"], "other", "{down}");
        assert!(attempts < 3, "still not refused: {down}");
    };
    assert!(
        down["error"]["message"]
            .as_str()
            .unwrap()
            .contains("connection refused"),
        "{down}"
    );
    cluster.knobs().set_down(false);
    assert_eq!(server.get(&status_path, &admin).await.0, StatusCode::OK);

    let (_, bad) = server
        .post(
            "/api/v1/clusters",
            &admin,
            token_body(&cluster, "bad", "not-a-valid-token"),
        )
        .await;
    let (status, rejected) = server
        .get(
            &format!("/api/v1/clusters/{}/status", bad["id"].as_str().unwrap()),
            &admin,
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(rejected["error"]["cause"], "unauthorized", "{rejected}");
    server.stop().await;
}

async fn new_credentials_rebuild_the_client(backend: Backend) {
    let cluster = test_cluster().await;
    let server = Server::start(backend, HostEnv::isolated(), false).await;
    let (admin, _) = server.register("alice").await;
    let (_, created) = server
        .post(
            "/api/v1/clusters",
            &admin,
            token_body(&cluster, "rotating", cluster.restricted_token()),
        )
        .await;
    let path = format!("/api/v1/clusters/{}", created["id"].as_str().unwrap());
    let (_, restricted) = server.get(&format!("{path}/status"), &admin).await;
    assert_ne!(
        restricted["permissions"]["missing"],
        json!([]),
        "{restricted}"
    );

    let (status, updated) = server
        .patch(
            &path,
            &admin,
            json!({"source": token_body(&cluster, "x", cluster.admin_token())["source"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_no_secret(&cluster, &updated);
    let (_, admin_status) = server.get(&format!("{path}/status"), &admin).await;
    assert_eq!(
        admin_status["permissions"]["missing"],
        json!([]),
        "{admin_status}"
    );

    let (status, body) = server
        .patch(
            &path,
            &admin,
            json!({"source": {"type": "kubeconfig", "kubeconfig": "users: [{name: u, user: {exec: {command: id}}}]"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_paths(&body), ["source.kubeconfig.users[0].user.exec"]);
    server.stop().await;
}

async fn clusters_with_applied_deployments_are_deleted_only_when_forced(backend: Backend) {
    let cluster = test_cluster().await;
    let server = Server::start(backend, HostEnv::isolated(), false).await;
    let (admin, admin_id) = server.register("alice").await;
    let (_, created) = server
        .post(
            "/api/v1/clusters",
            &admin,
            token_body(&cluster, "busy", cluster.admin_token()),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let db = Database::connect(&server.database_url).await.unwrap();
    let now = chrono::Utc::now();
    deployments::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        owner_id: Set(admin_id.parse().unwrap()),
        cluster_id: Set(Some(id.parse().unwrap())),
        name: Set("shop".into()),
        namespace: Set("default".into()),
        spec: Set(json!({})),
        manifest: Set(String::new()),
        status: Set("healthy".into()),
        status_reason: Set(None),
        resource_count: Set(1),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        applied_at: Set(Some(now)),
        deleted_at: Set(None),
        applied_revision: Set(Some(1)),
        adopt_existing: Set(false),
    }
    .insert(&db)
    .await
    .unwrap();
    db.close().await.unwrap();

    let path = format!("/api/v1/clusters/{id}");
    let (status, body, _) = server
        .call(Method::DELETE, &format!("{path}?force=maybe"), &admin, None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "malformed");
    let (status, body, _) = server.call(Method::DELETE, &path, &admin, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "conflict");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("force=true")
    );
    assert_eq!(server.get(&path, &admin).await.0, StatusCode::OK);
    assert_eq!(
        server.delete(&format!("{path}?force=true"), &admin).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(server.get(&path, &admin).await.0, StatusCode::NOT_FOUND);
    server.stop().await;
}

/// The real binary, with the test cluster's kubeconfig in its environment and every log line at
/// debug level: the host's cluster is registered at first use, and no credential is ever logged.
#[tokio::test]
async fn the_binary_registers_the_hosts_cluster_and_never_logs_credentials() {
    use std::io::{BufRead as _, BufReader};
    use std::process::{Command, Stdio};

    let cluster = test_cluster().await;
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubechart"))
        .args(["serve", "--addr", "127.0.0.1:0", "--log-format", "json"])
        .arg("--data-dir")
        .arg(data.path())
        .env("RUST_LOG", "debug")
        .env("KUBECONFIG", cluster.kubeconfig_path())
        .env("HOME", data.path())
        .env_remove("KUBECHART_DATABASE_URL")
        .env_remove("KUBECHART_AUTO_REGISTER_CLUSTER")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("the server exited").unwrap();
        let event: Value = serde_json::from_str(&line).unwrap_or_default();
        if let Some(url) = event["url"].as_str() {
            break url.to_string();
        }
    };
    let log = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());
    let http = reqwest::Client::new();
    let call = |method: Method, path: &str, token: &str, body: Option<Value>| {
        let mut request = http
            .request(method, format!("{base}{path}"))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            (status, response.json::<Value>().await.unwrap_or_default())
        }
    };

    let (_, registered) = call(
        Method::POST,
        "/api/v1/auth/register",
        "",
        Some(json!({"username": "alice", "email": "alice@example.com", "password": password_of("alice")})),
    )
    .await;
    let admin = registered["token"].as_str().unwrap().to_string();
    let (status, listed) = call(Method::GET, "/api/v1/clusters", &admin, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed[0]["name"], "kubechart-test", "{listed}");
    assert_eq!(listed[0]["shared"], true);

    let (status, uploaded) = call(
        Method::POST,
        "/api/v1/clusters",
        &admin,
        Some(json!({"name": "uploaded", "source": {"type": "kubeconfig",
            "kubeconfig": kubeconfig_text(&cluster), "context": "kubechart-test-limited"}})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{uploaded}");
    let (status, by_token) = call(
        Method::POST,
        "/api/v1/clusters",
        &admin,
        Some(token_body(&cluster, "token", cluster.admin_token())),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{by_token}");
    for created in [&listed[0], &uploaded, &by_token] {
        let path = format!(
            "/api/v1/clusters/{}/status",
            created["id"].as_str().unwrap()
        );
        let (status, live) = call(Method::GET, &path, &admin, None).await;
        assert_eq!(status, StatusCode::OK, "{live}");
        assert_no_secret(&cluster, &live);
    }
    let (status, wrong) = call(
        Method::POST,
        "/api/v1/clusters",
        &admin,
        Some(token_body(&cluster, "wrong", "wrong-token-value")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let path = format!("/api/v1/clusters/{}/status", wrong["id"].as_str().unwrap());
    let (status, rejected) = call(Method::GET, &path, &admin, None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{rejected}");
    assert!(!rejected.to_string().contains("wrong-token-value"));

    child.kill().unwrap();
    child.wait().unwrap();
    let log = log.join().unwrap().join("\n");
    assert!(log.contains("registered the host's cluster"), "{log}");
    assert!(log.contains("/api/v1/clusters"), "requests are logged");
    let ca_data = kubeconfig_text(&cluster)
        .lines()
        .find_map(|line| line.trim().strip_prefix("certificate-authority-data: "))
        .unwrap()
        .to_string();
    for secret in [
        cluster.admin_token(),
        cluster.restricted_token(),
        "wrong-token-value",
        ca_data.as_str(),
    ] {
        assert!(!log.contains(secret), "a credential appears in the log");
    }
}
