//! No secret leaves where it belongs, on both databases: the real binary logging at debug level
//! goes through a whole journey (register, log in, add a cluster with a bearer token, create and
//! deploy an app with a Secret, open a WebSocket ticket, export) and then its log, every response
//! read along the way and the metrics hold no password, session token, cluster token, Secret value
//! (plain or base64) or ticket; the cluster credentials in the database are ciphertext.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploying;

use base64::Engine as _;
use common::process::{ServerProcess, database};
use common::{Backend, call_at, poll_until};
use deploying::{OPERATION_DEADLINE, ca_pem, shop_app};
use kubechart_testcluster::{Options, TestCluster};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};

on_both_backends!(no_secret_is_logged_returned_or_stored_in_clear);

const PASSWORD: &str = "correct horse battery staple";
const SECRET_VALUE: &str = "s3cret-database-password-4d1f";

/// A client for one server that keeps every response body it reads.
struct Recorder {
    base: String,
    http: reqwest::Client,
    seen: String,
}

impl Recorder {
    async fn call(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (status, answer) = call_at(&self.http, &self.base, method, path, token, body).await;
        self.seen.push_str(&answer.to_string());
        self.seen.push('\n');
        (status, answer)
    }
}

fn app() -> Value {
    let mut spec = shop_app(true);
    spec["secrets"] = json!([{"name": "db", "data": {"password": SECRET_VALUE}}]);
    spec
}

async fn no_secret_is_logged_returned_or_stored_in_clear(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let (_database, url) = database(backend, data.path()).await;
    let server = ServerProcess::start_with_env(
        data.path(),
        1,
        &["--database-url".into(), url.clone()],
        &[("RUST_LOG", "debug")],
    )
    .await;
    let mut client = Recorder {
        base: server.base.clone(),
        http: reqwest::Client::new(),
        seen: String::new(),
    };

    let (status, registered) = client
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    let (status, login) = client
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "alice", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let token = login["token"].as_str().unwrap().to_owned();
    let token = token.as_str();

    let cluster_token = cluster.admin_token();
    let (status, added) = client
        .call(
            Method::POST,
            "/api/v1/clusters",
            Some(token),
            Some(json!({"name": "test", "source": {
                "type": "token",
                "server": format!("https://{}", cluster.addr()),
                "token": cluster_token,
                "certificateAuthorityData": ca_pem(&cluster),
            }})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let cluster_path = format!("/api/v1/clusters/{}", added["id"].as_str().unwrap());

    let (status, created) = client
        .call(
            Method::POST,
            "/api/v1/deployments",
            Some(token),
            Some(json!({"spec": app(), "clusterId": added["id"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/api/v1/deployments/{}", created["id"].as_str().unwrap());
    let (status, accepted) = client
        .call(Method::POST, &format!("{path}/deploy"), Some(token), None)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    let operation = format!(
        "{path}/operations/{}",
        accepted["operationId"].as_str().unwrap()
    );
    let http = reqwest::Client::new();
    poll_until(OPERATION_DEADLINE, "the deploy to finish", || async {
        let response = http
            .get(format!("{}{operation}", server.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        (!body["finishedAt"].is_null()).then_some(())
    })
    .await;

    let (status, ticket) = client
        .call(Method::POST, "/api/v1/ws/ticket", Some(token), None)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    let ticket = ticket["ticket"].as_str().unwrap().to_owned();
    for read in [
        "/api/v1/clusters".to_owned(),
        cluster_path.clone(),
        "/api/v1/deployments".to_owned(),
        path.clone(),
        format!("{path}/revisions/1"),
        format!("{path}/resources"),
        format!("{path}/export?format=yaml"),
        operation.clone(),
        "/api/v1/audit".to_owned(),
    ] {
        let (status, body) = client.call(Method::GET, &read, Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "{read}: {body}");
    }
    let (_, metrics) = client.call(Method::GET, "/metrics", None, None).await;
    assert!(
        metrics.as_str().unwrap().contains("http_requests"),
        "{metrics}"
    );

    // What the API returned: no cluster token and no Secret value, plain or base64.
    let encoded = base64::engine::general_purpose::STANDARD.encode(SECRET_VALUE);
    for secret in [cluster_token, SECRET_VALUE, encoded.as_str()] {
        assert!(
            !client.seen.contains(secret),
            "a response holds a secret ({secret})"
        );
    }

    // What the server logged, at debug level, through all of that.
    let log = server.log();
    assert!(log.contains("/api/v1/deployments"), "requests are logged");
    let signature = token.rsplit('.').next().unwrap();
    for secret in [
        PASSWORD,
        token,
        signature,
        cluster_token,
        SECRET_VALUE,
        encoded.as_str(),
        ticket.as_str(),
        "$argon2id$",
    ] {
        assert!(!log.contains(secret), "the log holds a secret ({secret})");
    }

    // What the database holds for the cluster: ciphertext.
    let connection = Database::connect(url.as_str()).await.unwrap();
    let row = connection
        .query_one_raw(Statement::from_string(
            connection.get_database_backend(),
            "SELECT encrypted_credentials FROM clusters",
        ))
        .await
        .unwrap()
        .unwrap();
    let stored: Vec<u8> = row.try_get("", "encrypted_credentials").unwrap();
    assert!(stored.len() > cluster_token.len(), "credentials are stored");
    assert!(
        !stored
            .windows(cluster_token.len())
            .any(|window| window == cluster_token.as_bytes()),
        "the cluster token is stored in clear"
    );
    connection.close().await.unwrap();
}
