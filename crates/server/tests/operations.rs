//! Health, readiness, metrics, documentation, security headers and the web app fallback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::proxy::CuttableProxy;
use common::{Backend, TestServer, eventually};
use reqwest::StatusCode;
use std::time::Duration;

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
