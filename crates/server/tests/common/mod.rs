//! A real server on an ephemeral port, on a temporary SQLite file or a fresh PostgreSQL database,
//! driven over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

pub mod process;
pub mod proxy;

use kubechart_server::cli::{DataArgs, LogFormat, ServeArgs};
use kubechart_server::serve::{self, RunningServer};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::num::NonZeroU32;
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each listed async test function once per database backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(()) = $crate::common::postgres_available() {
                        super::$name($crate::common::Backend::Postgres).await
                    }
                }
            )*
        }
    };
}

/// `Some` when PostgreSQL tests can run; in CI a missing PostgreSQL is a failure, not a skip.
pub fn postgres_available() -> Option<()> {
    if std::env::var_os("KUBECHART_TEST_POSTGRES_URL").is_some() {
        return Some(());
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "KUBECHART_TEST_POSTGRES_URL must be set in CI"
    );
    eprintln!("KUBECHART_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
    None
}

pub struct TestServer {
    pub base: String,
    pub http: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    server: Option<RunningServer>,
    _database: Option<kubechart_store::testing::TestDatabase>,
}

pub fn serve_args(data_dir: &std::path::Path, database_url: Option<String>) -> ServeArgs {
    ServeArgs {
        addr: "127.0.0.1:0".parse().unwrap(),
        data: DataArgs {
            data_dir: data_dir.to_path_buf(),
            database_url,
        },
        jwt_secret: None,
        secret_key: None,
        log_format: LogFormat::Pretty,
        token_ttl: Duration::from_secs(3600),
        login_burst_per_address: NonZeroU32::new(1000).unwrap(),
        login_burst_per_username: NonZeroU32::new(1000).unwrap(),
        login_refill: Duration::from_secs(1),
        db_max_connections: 5,
        shutdown_grace: Duration::from_secs(5),
        request_timeout: Duration::from_secs(30),
        auto_register_cluster: false,
        operation_lease: Duration::from_secs(60),
        allowed_origins: Vec::new(),
        watch_failure_grace: None,
    }
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, configure: impl FnOnce(&mut ServeArgs)) -> Self {
        let data_dir = tempfile::tempdir().unwrap();
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(
                kubechart_store::testing::fresh_postgres()
                    .await
                    .expect("PostgreSQL is configured"),
            ),
        };
        let mut args = serve_args(data_dir.path(), database.as_ref().map(|db| db.url.clone()));
        configure(&mut args);
        let server = serve::start(args).await.unwrap();
        Self {
            base: format!("http://{}", server.addr),
            http: reqwest::Client::new(),
            data_dir,
            server: Some(server),
            _database: database,
        }
    }

    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await.unwrap();
        }
    }

    /// Sends a request; `body` is JSON when given.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        call_at(&self.http, &self.base, method, path, token, body).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, token, Some(body)).await
    }

    /// Registers `username` with a valid email and password; returns (token, user).
    pub async fn register(&self, username: &str) -> (String, Value) {
        let (status, body) = self
            .post(
                "/api/v1/auth/register",
                None,
                json!({
                    "username": username,
                    "email": format!("{username}@example.com"),
                    "password": password_of(username),
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (
            body["token"].as_str().unwrap().to_string(),
            body["user"].clone(),
        )
    }
}

/// Sends a request to the server at `base` (one in this process or a child process); `body` is
/// JSON when given. The answer's status and JSON body (a string when it is not JSON).
pub async fn call_at(
    http: &reqwest::Client,
    base: &str,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = http.request(method, format!("{base}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

pub fn password_of(username: &str) -> String {
    format!("{username}-long-password")
}

/// The `path` of each field error, in order.
pub fn field_paths(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|field| field["path"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Asks `check` every 50 ms until it answers with a value, and returns that value; fails naming
/// `what` (formatted only then, so it may carry a log) once `deadline` has passed.
pub async fn poll_until<T, F, Fut>(
    deadline: Duration,
    what: impl std::fmt::Display,
    mut check: F,
) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let until = tokio::time::Instant::now() + deadline;
    let mut polls = tokio::time::interval(Duration::from_millis(50));
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < until,
            "timed out waiting for {what}"
        );
        polls.tick().await;
    }
}

/// Polls `check` until it holds or the deadline passes.
pub async fn eventually<F, Fut>(deadline: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    poll_until(deadline, what, || {
        let holds = check();
        async move { holds.await.then_some(()) }
    })
    .await;
}
