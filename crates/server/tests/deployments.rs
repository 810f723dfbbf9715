//! Deployment records over real HTTP on both databases: the whole life of a record (create, read,
//! list, edit, revisions, revision diff, forget), every refusal with its status, who reaches what
//! on every route, the audit trail, and Secret values that never appear in a response.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine as _;
use common::{Backend, field_paths, password_of, serve_args};
use kubechart_server::serve::{self, RunningServer};
use kubechart_store::{ConnectOptions, DeploymentId, Store};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    a_record_lives_from_draft_to_forgotten,
    lists_filter_and_page,
    bad_input_gets_its_status_and_names_the_field,
    names_are_unique_per_cluster_and_namespace,
    applied_deployments_are_deleted_from_their_cluster_or_forgotten_keeping_their_resources,
    only_the_owner_and_administrators_reach_a_deployment,
    the_audit_trail_records_every_change_without_secret_values,
);

const SECRET: &str = "s3cr3t-hunter2";
const NEW_SECRET: &str = "n3w-s3cr3t-swordfish";

/// A server on a fresh database whose URL the test keeps, to change what the API cannot yet
/// (a deployment marked applied).
struct Server {
    base: String,
    http: reqwest::Client,
    database_url: String,
    running: Option<RunningServer>,
    _data: tempfile::TempDir,
    _database: Option<kubechart_store::testing::TestDatabase>,
}

impl Server {
    async fn start(backend: Backend) -> Self {
        let data = tempfile::tempdir().unwrap();
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(kubechart_store::testing::fresh_postgres().await.unwrap()),
        };
        let database_url = match &database {
            Some(db) => db.url.clone(),
            None => format!("sqlite://{}", data.path().join("kubechart.db").display()),
        };
        let running = serve::start(serve_args(data.path(), Some(database_url.clone())))
            .await
            .unwrap();
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

    /// Sends a request and checks that no Secret value is in the answer, whatever it is.
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_no_secret(&text);
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    async fn put(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    async fn delete(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Registers `username` (the first one registered is an administrator); returns its token.
    async fn register(&self, username: &str) -> String {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({
                    "username": username,
                    "email": format!("{username}@example.com"),
                    "password": password_of(username),
                })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().unwrap().to_string()
    }

    /// Creates a deployment and returns its record.
    async fn create(&self, token: &str, body: Value) -> Value {
        let (status, created) = self.post("/api/v1/deployments", token, body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created
    }

    /// Registers a cluster by token (its API server is never contacted here); returns its id.
    async fn cluster(&self, token: &str, name: &str, shared: bool) -> String {
        let (status, body) = self
            .post(
                "/api/v1/clusters",
                token,
                json!({
                    "name": name,
                    "shared": shared,
                    "source": {"type": "token", "server": "https://127.0.0.1:1", "token": "t0ken-abc"},
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    async fn store(&self) -> Store {
        Store::connect(&self.database_url, ConnectOptions::default())
            .await
            .unwrap()
    }
}

/// Neither a Secret value nor its base64 form may be in any answer.
fn assert_no_secret(text: &str) {
    let engine = base64::engine::general_purpose::STANDARD;
    for secret in [SECRET, NEW_SECRET] {
        assert!(!text.contains(secret), "a Secret value leaked: {text}");
        let encoded = engine.encode(secret);
        assert!(!text.contains(&encoded), "a Secret value leaked: {text}");
    }
}

/// A valid AppSpec with one workload and one Secret.
fn spec(name: &str, image: &str) -> Value {
    json!({
        "name": name,
        "namespace": "shop",
        "workloads": [{"name": "web", "containers": [{"name": "web", "image": image,
            "ports": [{"name": "http", "containerPort": 8080}]}]}],
        "secrets": [{"name": "db", "data": {"password": SECRET, "user": "app"}}],
    })
}

fn field_paths_of_diff(diff: &Value) -> Vec<String> {
    diff["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| field["path"].as_str().unwrap().to_string())
        .collect()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_string())
        .collect()
}

async fn a_record_lives_from_draft_to_forgotten(backend: Backend) {
    let server = Server::start(backend).await;
    let _admin = server.register("alice").await;
    let bob = server.register("bob").await;

    let created = server
        .create(&bob, json!({"spec": spec("shop", "nginx:1.27")}))
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/deployments/{id}");
    assert_eq!(created["status"], "draft");
    assert_eq!(created["revision"], 1);
    assert_eq!(created["appliedRevision"], Value::Null);
    assert_eq!(created["resourceCount"], 2);
    assert_eq!(created["name"], "shop");
    assert_eq!(created["namespace"], "shop");
    assert_eq!(created["clusterId"], Value::Null);
    assert_eq!(created["owner"]["username"], "bob");
    assert_eq!(created["spec"]["secrets"][0]["data"]["password"], "***");
    assert_eq!(created["spec"]["secrets"][0]["name"], "db");
    let yaml = created["yaml"].as_str().unwrap();
    assert!(
        yaml.contains("kind: Secret") && yaml.contains("kind: Deployment"),
        "{yaml}"
    );
    assert!(yaml.contains("image: nginx:1.27"), "{yaml}");

    let (status, record) = server.get(&path, &bob).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(record, created);

    let (status, page) = server.get("/api/v1/deployments", &bob).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&page), std::slice::from_ref(&id));
    let item = &page["items"][0];
    assert_eq!(item["status"], "draft");
    assert_eq!(item["revision"], 1);
    assert_eq!(item["resourceCount"], 2);
    assert_eq!(item["statusReason"], Value::Null);
    assert!(item.get("spec").is_none());

    // An edit based on revision 1 makes revision 2; the Secret value sent back masked is kept.
    let mut edited = record["spec"].clone();
    edited["workloads"][0]["containers"][0]["image"] = json!("nginx:1.28");
    let (status, updated) = server
        .put(&path, &bob, json!({"spec": edited, "revision": 1}))
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["revision"], 2);
    assert!(
        updated["yaml"]
            .as_str()
            .unwrap()
            .contains("image: nginx:1.28")
    );

    let store = server.store().await;
    let stored = store
        .deployment(id.parse::<DeploymentId>().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.spec["secrets"][0]["data"]["password"], SECRET);
    store.close().await;
    let (status, diff) = server
        .get(&format!("{path}/revisions/1/diff/2"), &bob)
        .await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    assert_eq!(
        field_paths_of_diff(&diff),
        ["workloads[0].containers[0].image"]
    );

    // The same spec again: nothing new.
    let (status, same) = server
        .put(&path, &bob, json!({"spec": updated["spec"], "revision": 2}))
        .await;
    assert_eq!(status, StatusCode::OK, "{same}");
    assert_eq!(same["revision"], 2);
    assert_eq!(same["updatedAt"], updated["updatedAt"]);

    // A second tab still at revision 1.
    let (status, stale) = server
        .put(
            &path,
            &bob,
            json!({"spec": spec("shop", "nginx:2"), "revision": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    assert_eq!(stale["error"]["code"], "conflict");
    assert_eq!(field_paths(&stale), ["revision"]);

    // A new Secret value makes revision 3.
    let mut rotated = updated["spec"].clone();
    rotated["secrets"][0]["data"]["password"] = json!(NEW_SECRET);
    let (status, third) = server
        .put(&path, &bob, json!({"spec": rotated, "revision": 2}))
        .await;
    assert_eq!(status, StatusCode::OK, "{third}");
    assert_eq!(third["revision"], 3);

    let (status, revisions) = server.get(&format!("{path}/revisions"), &bob).await;
    assert_eq!(status, StatusCode::OK);
    let numbers: Vec<i64> = revisions
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert_eq!(revisions[0]["createdBy"]["username"], "bob");
    assert!(revisions[0]["createdAt"].is_string());

    let (status, first) = server.get(&format!("{path}/revisions/1"), &bob).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["number"], 1);
    assert_eq!(
        first["spec"]["workloads"][0]["containers"][0]["image"],
        "nginx:1.27"
    );
    assert_eq!(first["spec"]["secrets"][0]["data"]["password"], "***");
    assert!(
        first["yaml"]
            .as_str()
            .unwrap()
            .contains("image: nginx:1.27")
    );
    assert_eq!(first["createdBy"]["username"], "bob");

    let (status, diff) = server
        .get(&format!("{path}/revisions/1/diff/3"), &bob)
        .await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    assert_eq!(
        diff["fields"],
        json!([
            {"path": "secrets[0].data.password", "before": "***", "after": "***"},
            {"path": "workloads[0].containers[0].image", "before": "nginx:1.27", "after": "nginx:1.28"},
        ])
    );
    let yaml_diff = diff["yaml"].as_str().unwrap();
    assert!(
        yaml_diff.starts_with("--- revision 1\n+++ revision 3\n"),
        "{yaml_diff}"
    );
    assert!(
        yaml_diff.contains("-      - image: nginx:1.27\n+      - image: nginx:1.28\n"),
        "{yaml_diff}"
    );
    let (status, none) = server
        .get(&format!("{path}/revisions/3/diff/3"), &bob)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(none["fields"], json!([]));
    assert_eq!(none["yaml"], "");

    // The stored spec holds the real value: restored on save, rendered into the stored YAML.
    let store = server.store().await;
    let stored = store
        .deployment(id.parse::<DeploymentId>().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.spec["secrets"][0]["data"]["password"], NEW_SECRET);
    assert_eq!(stored.revision, 3);
    store.close().await;

    // A draft never applied is forgotten at once; its history stays in the audit trail.
    let (status, body) = server.delete(&path, &bob).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = server.get(&path, &bob).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server.get(&format!("{path}/revisions"), &bob).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, page) = server.get("/api/v1/deployments", &bob).await;
    assert_eq!(ids(&page), Vec::<String>::new());
    let (status, _) = server.delete(&path, &bob).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Its name is free again.
    server
        .create(&bob, json!({"spec": spec("shop", "nginx:1.27")}))
        .await;
    server.stop().await;
}

async fn lists_filter_and_page(backend: Backend) {
    let server = Server::start(backend).await;
    let _admin = server.register("alice").await;
    let bob = server.register("bob").await;
    let cluster = server.cluster(&bob, "prod", false).await;
    let mut created = Vec::new();
    for name in ["web-a", "web-b", "api-c", "web-d", "db-e"] {
        let mut body = json!({"spec": spec(name, "nginx:1.27")});
        if name.starts_with("web") {
            body["clusterId"] = json!(cluster);
        }
        created.push(
            server.create(&bob, body).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let mut other_namespace = spec("web-ns", "nginx:1.27");
    other_namespace["namespace"] = json!("staging");
    let web_ns = server.create(&bob, json!({"spec": other_namespace})).await;
    let newest_first: Vec<String> = std::iter::once(web_ns["id"].as_str().unwrap().to_string())
        .chain(created.iter().rev().cloned())
        .collect();

    let (status, all) = server.get("/api/v1/deployments", &bob).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&all), newest_first);
    assert_eq!(all["nextCursor"], Value::Null);

    // Pages of two, in the same order, without repeats.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(cursor) => format!("/api/v1/deployments?limit=2&cursor={cursor}"),
            None => "/api/v1/deployments?limit=2".to_string(),
        };
        let (status, page) = server.get(&query, &bob).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(ids(&page).len() <= 2);
        seen.extend(ids(&page));
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, newest_first);

    let filtered = |query: &'static str| {
        let server = &server;
        let bob = &bob;
        async move {
            let (status, page) = server
                .get(&format!("/api/v1/deployments?{query}"), bob)
                .await;
            assert_eq!(status, StatusCode::OK, "{query}: {page}");
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        filtered("q=WEB").await,
        ["web-ns", "web-d", "web-b", "web-a"]
    );
    assert_eq!(filtered("namespace=staging").await, ["web-ns"]);
    assert_eq!(filtered("status=draft&q=c").await, ["api-c"]);
    assert_eq!(filtered("status=ready").await, Vec::<String>::new());
    let (_, by_cluster) = server
        .get(&format!("/api/v1/deployments?cluster={cluster}"), &bob)
        .await;
    let names: Vec<&str> = by_cluster["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["web-d", "web-b", "web-a"]);
    assert_eq!(by_cluster["items"][0]["clusterId"], json!(cluster));
    server.stop().await;
}

async fn bad_input_gets_its_status_and_names_the_field(backend: Backend) {
    let server = Server::start(backend).await;
    let _admin = server.register("alice").await;
    let bob = server.register("bob").await;
    let carol = server.register("carol").await;
    let carols_cluster = server.cluster(&carol, "carol's", false).await;

    // Every AppSpec problem at once, at its AppSpec path.
    let (status, body) = server
        .post(
            "/api/v1/deployments",
            &bob,
            json!({"spec": {
                "name": "Bad_Name",
                "namespace": "shop",
                "workloads": [{"name": "web", "containers": [{"name": "web", "image": "nginx:1.27"}]}],
                "services": [{"ports": [{"port": 0, "targetPort": "nope"}]}],
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "invalid_input");
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
            "/api/v1/deployments",
            &bob,
            json!({"spec": {"name": "shop", "workloads": [{"name": "web", "replicas": "many"}]}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["workloads[0].replicas"]);
    let (status, body) = server.post("/api/v1/deployments", &bob, json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["spec"]);
    let (status, body) = server
        .post(
            "/api/v1/deployments",
            &bob,
            json!({"spec": spec("shop", "a"), "extra": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Malformed JSON.
    let response = server
        .http
        .post(format!("{}/api/v1/deployments", server.base))
        .bearer_auth(&bob)
        .header("content-type", "application/json")
        .body("{\"spec\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "malformed");

    // A cluster that does not exist, is not an id, or is someone else's private one.
    for cluster in [
        "0190f5a8-c1f7-7cc3-b0e3-a5b4c6d7e8f9",
        "nope",
        carols_cluster.as_str(),
    ] {
        let (status, body) = server
            .post(
                "/api/v1/deployments",
                &bob,
                json!({"clusterId": cluster, "spec": spec("shop", "nginx:1.27")}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{cluster}: {body}"
        );
        assert_eq!(field_paths(&body), ["clusterId"]);
    }

    let created = server
        .create(&bob, json!({"spec": spec("shop", "nginx:1.27")}))
        .await;
    let path = format!("/api/v1/deployments/{}", created["id"].as_str().unwrap());

    // An edit with an invalid spec changes nothing.
    let (status, body) = server
        .put(
            &path,
            &bob,
            json!({"spec": {"name": "Bad_Name"}, "revision": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["name"]);
    let (status, body) = server
        .put(&path, &bob, json!({"spec": spec("shop", "nginx:1.27")}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["revision"]);
    let (_, record) = server.get(&path, &bob).await;
    assert_eq!(record["revision"], 1);

    // Unknown deployments and revisions.
    for unknown in [
        "/api/v1/deployments/0190f5a8-c1f7-7cc3-b0e3-a5b4c6d7e8f9".to_string(),
        "/api/v1/deployments/not-an-id".to_string(),
        format!("{path}/revisions/2"),
        format!("{path}/revisions/x"),
        format!("{path}/revisions/1/diff/9"),
    ] {
        let (status, body) = server.get(&unknown, &bob).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}: {body}");
        assert_eq!(body["error"]["code"], "not_found");
    }

    // Query parameters, each named when wrong.
    for (query, status, field) in [
        ("limit=0", StatusCode::UNPROCESSABLE_ENTITY, Some("limit")),
        ("limit=501", StatusCode::UNPROCESSABLE_ENTITY, Some("limit")),
        ("limit=ten", StatusCode::UNPROCESSABLE_ENTITY, Some("limit")),
        (
            "status=sleeping",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("status"),
        ),
        (
            "cluster=nope",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("cluster"),
        ),
        ("all=maybe", StatusCode::UNPROCESSABLE_ENTITY, Some("all")),
        ("cursor=garbage", StatusCode::BAD_REQUEST, None),
        ("colour=red", StatusCode::BAD_REQUEST, None),
        ("all=true", StatusCode::FORBIDDEN, None),
    ] {
        let (got, body) = server
            .get(&format!("/api/v1/deployments?{query}"), &bob)
            .await;
        assert_eq!(got, status, "{query}: {body}");
        match field {
            Some(field) => assert_eq!(field_paths(&body), [field], "{query}"),
            None if status == StatusCode::BAD_REQUEST => {
                let message = body["error"]["message"].as_str().unwrap();
                let named = query.split('=').next().unwrap();
                assert!(message.contains(named), "{query}: {message}");
            }
            None => {}
        }
    }
    for (query, status) in [
        ("limit=0", StatusCode::UNPROCESSABLE_ENTITY),
        ("cursor=1.zz", StatusCode::BAD_REQUEST),
        ("colour=red", StatusCode::BAD_REQUEST),
    ] {
        let (got, body) = server.get(&format!("/api/v1/audit?{query}"), &bob).await;
        assert_eq!(got, status, "{query}: {body}");
    }
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("{path}?keepResources=perhaps"),
            Some(&bob),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // No token, no answer, on every route.
    for (method, route) in [
        (Method::POST, "/api/v1/deployments".to_string()),
        (Method::GET, "/api/v1/deployments".to_string()),
        (Method::GET, path.clone()),
        (Method::PUT, path.clone()),
        (Method::DELETE, path.clone()),
        (Method::GET, format!("{path}/revisions")),
        (Method::GET, format!("{path}/revisions/1")),
        (Method::GET, format!("{path}/revisions/1/diff/1")),
        (Method::GET, "/api/v1/audit".to_string()),
    ] {
        let body = (method == Method::POST || method == Method::PUT)
            .then(|| json!({"spec": spec("shop", "nginx:1.27"), "revision": 1}));
        let (status, answer) = server.call(method.clone(), &route, None, body).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{method} {route}: {answer}"
        );
        assert_eq!(answer["error"]["code"], "unauthenticated");
    }
    server.stop().await;
}

async fn names_are_unique_per_cluster_and_namespace(backend: Backend) {
    let server = Server::start(backend).await;
    let admin = server.register("alice").await;
    let bob = server.register("bob").await;
    let carol = server.register("carol").await;
    let shared = server.cluster(&admin, "shared", true).await;
    let on_shared = |name: &str| json!({"clusterId": shared, "spec": spec(name, "nginx:1.27")});

    let first = server.create(&bob, on_shared("shop")).await;
    let first_id = first["id"].as_str().unwrap();

    // The owner is told which deployment has the name.
    let (status, body) = server
        .post("/api/v1/deployments", &bob, on_shared("shop"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "conflict");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains(first_id),
        "{body}"
    );
    assert_eq!(field_paths(&body), ["name"]);

    // Another user learns only that the name is taken on that cluster.
    let (status, body) = server
        .post("/api/v1/deployments", &carol, on_shared("shop"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("already taken"), "{message}");
    assert!(!body.to_string().contains(first_id), "{body}");
    assert!(!body.to_string().contains("bob"), "{body}");

    // An administrator is told which one.
    let (status, body) = server
        .post("/api/v1/deployments", &admin, on_shared("shop"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(first_id) && message.contains("bob"),
        "{message}"
    );

    // Another namespace, or no cluster, is another place.
    let mut elsewhere = spec("shop", "nginx:1.27");
    elsewhere["namespace"] = json!("staging");
    server
        .create(&carol, json!({"clusterId": shared, "spec": elsewhere}))
        .await;
    server
        .create(&carol, json!({"spec": spec("shop", "nginx:1.27")}))
        .await;

    // Renaming onto a taken name is refused the same way.
    let second = server.create(&bob, on_shared("other")).await;
    let (status, body) = server
        .put(
            &format!("/api/v1/deployments/{}", second["id"].as_str().unwrap()),
            &bob,
            json!({"spec": spec("shop", "nginx:1.27"), "revision": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains(first_id)
    );
    server.stop().await;
}

async fn applied_deployments_are_deleted_from_their_cluster_or_forgotten_keeping_their_resources(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let _admin = server.register("alice").await;
    let bob = server.register("bob").await;
    let cluster = server.cluster(&bob, "prod", false).await;
    let other = server.cluster(&bob, "staging", false).await;
    let created = server
        .create(
            &bob,
            json!({"clusterId": cluster, "spec": spec("shop", "nginx:1.27")}),
        )
        .await;
    let id: DeploymentId = created["id"].as_str().unwrap().parse().unwrap();
    let path = format!("/api/v1/deployments/{id}");

    // A draft may still move to another cluster.
    let (status, moved) = server
        .put(
            &path,
            &bob,
            json!({"spec": created["spec"], "clusterId": other, "revision": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["clusterId"], json!(other));
    assert_eq!(moved["revision"], 1);

    let store = server.store().await;
    kubechart_store::deployments::record_applied(store.connection(), id, 1)
        .await
        .unwrap();
    store.close().await;

    let (_, record) = server.get(&path, &bob).await;
    assert_eq!(record["appliedRevision"], 1);
    let (status, body) = server
        .put(
            &path,
            &bob,
            json!({"spec": record["spec"], "clusterId": cluster, "revision": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // Deleting it removes its objects from its cluster first, which cannot be reached here: the
    // delete operation fails with the cause and the record stays.
    let (status, accepted) = server.delete(&path, &bob).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    let operation = format!(
        "{path}/operations/{}",
        accepted["operationId"].as_str().unwrap()
    );
    let mut polls = tokio::time::interval(std::time::Duration::from_millis(100));
    let ended = loop {
        polls.tick().await;
        let (status, body) = server.get(&operation, &bob).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if !body["finishedAt"].is_null() {
            break body;
        }
    };
    assert_eq!(ended["kind"], "delete", "{ended}");
    assert_eq!(ended["state"], "failed", "{ended}");
    assert!(!ended["error"].as_str().unwrap().is_empty(), "{ended}");
    let (status, record) = server.get(&path, &bob).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(record["status"], "failed", "{record}");

    let (status, body) = server
        .delete(&format!("{path}?keepResources=true"), &bob)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = server.get(&path, &bob).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, audit) = server
        .get(&format!("/api/v1/audit?target=deployment:{id}"), &bob)
        .await;
    assert_eq!(audit["items"][0]["action"], "deployment.delete");
    assert_eq!(audit["items"][0]["detail"]["keepResources"], true);
    server.stop().await;
}

async fn only_the_owner_and_administrators_reach_a_deployment(backend: Backend) {
    let server = Server::start(backend).await;
    let admin = server.register("alice").await;
    let bob = server.register("bob").await;
    let carol = server.register("carol").await;
    let created = server
        .create(&bob, json!({"spec": spec("shop", "nginx:1.27")}))
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/deployments/{id}");
    let (status, _) = server
        .put(
            &path,
            &bob,
            json!({"spec": spec("shop", "nginx:1.28"), "revision": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let reads = [
        path.clone(),
        format!("{path}/revisions"),
        format!("{path}/revisions/1"),
        format!("{path}/revisions/1/diff/2"),
    ];
    for route in &reads {
        let (status, body) = server.get(route, &carol).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{route}: {body}");
        assert_eq!(body["error"]["code"], "not_found");
        let (status, body) = server.get(route, &admin).await;
        assert_eq!(status, StatusCode::OK, "{route}: {body}");
    }
    let edit =
        |image: &str, revision: i32| json!({"spec": spec("shop", image), "revision": revision});
    let (status, _) = server.put(&path, &carol, edit("nginx:evil", 2)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server.delete(&path, &carol).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .delete(&format!("{path}?keepResources=true"), &carol)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Lists: own only; an administrator sees everyone's with all=true.
    let (_, page) = server.get("/api/v1/deployments", &carol).await;
    assert_eq!(ids(&page), Vec::<String>::new());
    let (_, page) = server.get("/api/v1/deployments", &admin).await;
    assert_eq!(ids(&page), Vec::<String>::new());
    let (status, page) = server.get("/api/v1/deployments?all=true", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&page), std::slice::from_ref(&id));

    // The audit trail: nothing of bob's for carol, everything for the administrator.
    let (status, audit) = server.get("/api/v1/audit", &carol).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(audit["items"], json!([]));
    let (_, audit) = server
        .get(&format!("/api/v1/audit?target=deployment:{id}"), &carol)
        .await;
    assert_eq!(audit["items"], json!([]));
    let (_, audit) = server
        .get(&format!("/api/v1/audit?target=deployment:{id}"), &admin)
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2, "{audit}");

    // The administrator edits and forgets it; the record names its owner throughout.
    let (status, edited) = server.put(&path, &admin, edit("nginx:1.29", 2)).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["revision"], 3);
    assert_eq!(edited["owner"]["username"], "bob");
    let (_, revisions) = server.get(&format!("{path}/revisions"), &bob).await;
    assert_eq!(revisions[0]["createdBy"]["username"], "alice");
    let (status, _) = server.delete(&path, &admin).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server.get(&path, &bob).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

async fn the_audit_trail_records_every_change_without_secret_values(backend: Backend) {
    let server = Server::start(backend).await;
    let admin = server.register("alice").await;
    let bob = server.register("bob").await;
    let created = server
        .create(&bob, json!({"spec": spec("shop", "nginx:1.27")}))
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/deployments/{id}");
    let mut rotated = spec("shop", "nginx:1.27");
    rotated["secrets"][0]["data"]["password"] = json!(NEW_SECRET);
    rotated["labels"] = json!({"team": "a"});
    let (status, _) = server
        .put(&path, &bob, json!({"spec": rotated, "revision": 1}))
        .await;
    assert_eq!(status, StatusCode::OK);
    // A no-op save records nothing.
    let (status, _) = server
        .put(&path, &bob, json!({"spec": rotated, "revision": 2}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server.delete(&path, &bob).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Something that is not about a deployment, for the administrator's view.
    let _carol = server.register("carol").await;

    let (status, audit) = server
        .get(&format!("/api/v1/audit?target=deployment:{id}"), &bob)
        .await;
    assert_eq!(status, StatusCode::OK, "{audit}");
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "deployment.delete",
            "deployment.update",
            "deployment.create"
        ]
    );
    let update = &audit["items"][1];
    assert_eq!(update["actor"]["username"], "bob");
    assert_eq!(update["target"], format!("deployment:{id}"));
    assert_eq!(update["detail"]["fields"], json!(["labels", "secrets"]));
    assert_eq!(update["detail"]["fromRevision"], 1);
    let create = &audit["items"][2];
    assert_eq!(create["detail"]["revision"], 1);
    assert_eq!(
        create["detail"]["fields"],
        json!(["name", "namespace", "secrets", "workloads"])
    );

    // Members see their deployments' events only; administrators see everything, a page at a time.
    let (_, own) = server.get("/api/v1/audit", &bob).await;
    assert_eq!(own["items"].as_array().unwrap().len(), 3, "{own}");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(cursor) => format!("/api/v1/audit?limit=2&cursor={cursor}"),
            None => "/api/v1/audit?limit=2".to_string(),
        };
        let (status, page) = server.get(&query, &admin).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for event in page["items"].as_array().unwrap() {
            seen.push(event["id"].as_str().unwrap().to_string());
        }
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let (_, everything) = server.get("/api/v1/audit?limit=500", &admin).await;
    let all: Vec<String> = everything["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(seen, all);
    assert!(all.len() > 3, "{everything}");
    assert!(
        everything["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|event| event["action"] == "user.register")
    );
    server.stop().await;
}
