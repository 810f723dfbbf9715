//! Health, readiness, metrics, documentation, security headers, the web app fallback, and the JSON
//! error bodies of answers no handler wrote (405, 408, 413, extractor rejections).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::proxy::CuttableProxy;
use common::{Backend, TestServer, eventually};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

on_both_backends!(
    health_readiness_and_metrics,
    unknown_api_paths_are_json_and_other_paths_are_the_web_app,
    every_response_carries_security_headers_and_a_request_id,
    the_api_documents_itself,
);

async fn health_readiness_and_metrics(backend: Backend) {
    let server = TestServer::start(backend).await;
    assert_eq!(server.get("/healthz", None).await.0, StatusCode::OK);
    assert_eq!(server.get("/readyz", None).await.0, StatusCode::OK);
    server.register("alice").await;
    let id = "6f1c1c4e-8a5e-4a8e-9d52-3f9f0c7e2a11";
    server.get(&format!("/api/v1/users/{id}"), None).await;
    let (status, metrics) = server.get("/metrics", None).await;
    assert_eq!(status, StatusCode::OK);
    let metrics = metrics.as_str().unwrap();
    assert!(
        metrics.contains(
            r#"kubechart_http_requests_total{method="POST",route="/api/v1/auth/register",status="201"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"route="/api/v1/users/{id}""#),
        "the route template, not the id: {metrics}"
    );
    assert!(!metrics.contains(id));
    assert!(metrics.contains("kubechart_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("kubechart_db_pool_connections "));
    assert!(metrics.contains("kubechart_db_pool_idle_connections "));
    server.stop().await;
}

async fn unknown_api_paths_are_json_and_other_paths_are_the_web_app(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (status, body) = server.get("/api/v1/nothing-here", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    let (status, body) = server
        .call(reqwest::Method::DELETE, "/api/v1/auth/login", None, None)
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["error"]["code"], "method_not_allowed");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("method")
    );

    for path in ["/", "/login", "/deployments/123/edit"] {
        let response = server
            .http
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = response.text().await.unwrap();
        assert!(html.contains("<div id=\"root\">"), "{path}: {html}");
    }
    server.stop().await;
}

async fn every_response_carries_security_headers_and_a_request_id(backend: Backend) {
    let server = TestServer::start(backend).await;
    for path in ["/", "/api/v1/auth/me", "/healthz"] {
        let response = server
            .http
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-eval"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert!(headers.contains_key("x-request-id"), "{path}");
    }
    server.stop().await;
}

async fn the_api_documents_itself(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (status, document) = server.get("/api/docs/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/me",
        "/api/v1/auth/password",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/readyz",
    ] {
        assert!(
            document["paths"].get(path).is_some(),
            "{path} is documented"
        );
    }
    assert!(document["components"]["schemas"].get("User").is_some());
    let response = server
        .http
        .get(format!("{}/api/docs", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("/api/docs/viewer.js"));
    server.stop().await;
}

/// /readyz follows the database: 503 while PostgreSQL cannot be reached, 200 again once it can,
/// with no restart; liveness is unaffected throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_follows_the_database_without_a_restart() {
    let Some(()) = common::postgres_available() else {
        return;
    };
    let database = kubechart_store::testing::fresh_postgres().await.unwrap();
    let mut url = url::Url::parse(&database.url).unwrap();
    let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    let target = tokio::net::lookup_host(target)
        .await
        .unwrap()
        .next()
        .unwrap();
    let proxy = CuttableProxy::start(target).await;
    url.set_host(Some("127.0.0.1")).unwrap();
    url.set_port(Some(proxy.addr.port())).unwrap();

    let data_dir = tempfile::tempdir().unwrap();
    let args = common::serve_args(data_dir.path(), Some(url.to_string()));
    let server = kubechart_server::serve::start(args).await.unwrap();
    let base = format!("http://{}", server.addr);
    let http = reqwest::Client::new();
    let status = |path: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            http.get(format!("{base}{path}"))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(status("/readyz").await, StatusCode::OK);

    proxy.cut();
    eventually(Duration::from_secs(20), "/readyz to report 503", || async {
        status("/readyz").await == StatusCode::SERVICE_UNAVAILABLE
    })
    .await;
    assert_eq!(status("/healthz").await, StatusCode::OK);
    let register = http
        .post(format!("{base}/api/v1/auth/register"))
        .json(&serde_json::json!({"username": "alice", "email": "a@example.com", "password": "long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(register.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = register.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable");

    proxy.restore();
    eventually(Duration::from_secs(20), "/readyz to recover", || async {
        status("/readyz").await == StatusCode::OK
    })
    .await;
    server.shutdown().await.unwrap();
}

/// An answer read off a raw connection: status line, headers (lower-case names) and JSON body.
struct RawAnswer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl RawAnswer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Writes `head` then `body` from a task of its own, so an answer the server gives before the body
/// is all sent (or with the body never finished) is read all the same.
async fn raw_exchange(server: &TestServer, head: String, body: Vec<u8>, finish: bool) -> RawAnswer {
    let addr = server.base.trim_start_matches("http://");
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let writing = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        writer.write_all(&body).await?;
        if !finish {
            // Holds the connection open with the body unfinished until the test ends.
            std::future::pending::<()>().await;
        }
        Ok::<_, std::io::Error>(writer)
    });
    let mut received = Vec::new();
    let answer = tokio::time::timeout(Duration::from_secs(15), async {
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(answer) = parse_answer(&received) {
                return answer;
            }
            let read = reader.read(&mut chunk).await.unwrap();
            assert!(
                read > 0,
                "connection closed before a whole answer: {received:?}"
            );
            received.extend_from_slice(&chunk[..read]);
        }
    })
    .await
    .expect("an answer in time");
    writing.abort();
    answer
}

fn parse_answer(received: &[u8]) -> Option<RawAnswer> {
    let text = String::from_utf8_lossy(received);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")?
        .1
        .parse()
        .ok()?;
    (body.len() >= length).then(|| RawAnswer {
        status,
        body: serde_json::from_str(&body[..length]).unwrap_or(Value::String(body.to_string())),
        headers,
    })
}

fn assert_json_error(answer: &RawAnswer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{:?}", answer.body);
    assert!(
        answer
            .header("content-type")
            .is_some_and(|value| value.starts_with("application/json")),
        "{:?}",
        answer.headers
    );
    assert_eq!(answer.body["error"]["code"], code, "{:?}", answer.body);
    assert!(
        answer.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    assert!(answer.header("content-security-policy").is_some());
    assert!(answer.header("x-request-id").is_some());
}

/// A body over the limit is refused with 413 in the API's shape, whether its size is announced
/// up front (Content-Length) or found out while it is read (chunked).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_a_json_413() {
    let server = TestServer::start(Backend::Sqlite).await;
    let oversized = format!(r#"{{"username": "{}"}}"#, "a".repeat(3 * 1024 * 1024));
    let response = server
        .http
        .post(format!("{}/api/v1/auth/login", server.base))
        .header("content-type", "application/json")
        .body(oversized)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");

    let chunk = vec![b' '; 64 * 1024];
    let mut chunked = Vec::new();
    for _ in 0..34 {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let head = "POST /api/v1/auth/login HTTP/1.1\r\nhost: localhost\r\n\
        content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
    let answer = raw_exchange(&server, head.to_string(), chunked, true).await;
    assert_json_error(&answer, 413, "payload_too_large");
    server.stop().await;
}

/// A request still unanswered when the request timeout passes gets 408 in the API's shape.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_the_timeout_is_a_json_408() {
    let server = TestServer::start_with(Backend::Sqlite, |args| {
        args.request_timeout = Duration::from_secs(1);
    })
    .await;
    // The body is announced but never finished, so the handler waits for it until the timeout.
    let head = "POST /api/v1/auth/login HTTP/1.1\r\nhost: localhost\r\n\
        content-type: application/json\r\ncontent-length: 100\r\n\r\n";
    let answer = raw_exchange(&server, head.to_string(), b"{".to_vec(), false).await;
    assert_json_error(&answer, 408, "timeout");
    server.stop().await;
}

/// A wrong method on an API path is 405 in the API's shape, and says which methods there are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_method_is_a_json_405() {
    let server = TestServer::start(Backend::Sqlite).await;
    let head = "PUT /api/v1/auth/login HTTP/1.1\r\nhost: localhost\r\ncontent-length: 0\r\n\r\n";
    let answer = raw_exchange(&server, head.to_string(), Vec::new(), true).await;
    assert_json_error(&answer, 405, "method_not_allowed");
    assert_eq!(answer.header("allow"), Some("POST"));
    server.stop().await;
}

/// An extractor's rejection (a path segment that is not UTF-8) is JSON too, with its explanation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extractor_rejection_is_json() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (token, _) = server.register("alice").await;
    let (status, body) = server.get("/api/v1/clusters/%FF", Some(&token)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "malformed", "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("UTF-8"),
        "{body}"
    );
    server.stop().await;
}
