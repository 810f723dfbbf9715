//! What the live-status tests share: the test cluster registered as a cluster, deployments of
//! one small app, and a WebSocket client that checks the message numbering.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use crate::common::{TestServer, call_at, poll_until};
use futures::{SinkExt as _, StreamExt as _};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for something that should happen on its own.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// An app with one workload running `image`, in a namespace of its own.
pub fn app(name: &str, image: &str) -> Value {
    json!({
        "name": name,
        "namespace": name,
        "createNamespace": true,
        "workloads": [{"name": "web", "containers": [{"name": "web", "image": image}]}],
    })
}

/// Creates a deployment of `spec` on `cluster_id`; returns its id.
pub async fn create(server: &TestServer, token: &str, cluster_id: &str, spec: Value) -> String {
    let (status, created) = server
        .post(
            "/api/v1/deployments",
            Some(token),
            json!({"clusterId": cluster_id, "spec": spec}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_string()
}

/// Starts a deploy of the latest revision; returns the operation id.
pub async fn deploy(server: &TestServer, token: &str, id: &str) -> String {
    let (status, body) = server
        .post(
            &format!("/api/v1/deployments/{id}/deploy"),
            Some(token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    body["operationId"].as_str().unwrap().to_string()
}

/// Polls the stored deployment until `check` holds; returns it.
pub async fn stored_until(
    server: &TestServer,
    token: &str,
    id: &str,
    what: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    poll_until(PATIENCE, what, || async {
        let (status, record) = server
            .get(&format!("/api/v1/deployments/{id}"), Some(token))
            .await;
        (status == StatusCode::OK && check(&record)).then_some(record)
    })
    .await
}

/// A fresh ticket for `token`'s user.
pub async fn ticket(server: &TestServer, token: &str) -> String {
    ticket_at(&server.base, token).await
}

/// A fresh ticket for `token`'s user from the server at `base`.
pub async fn ticket_at(base: &str, token: &str) -> String {
    let http = reqwest::Client::new();
    let path = "/api/v1/ws/ticket";
    let (status, body) = call_at(
        &http,
        base,
        Method::POST,
        path,
        Some(token),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["ticket"].as_str().unwrap().to_string()
}

type Stream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens `/api/v1/ws` with a raw query and Origin; the HTTP status of a refused handshake.
pub async fn handshake(
    server: &TestServer,
    query: &str,
    origin: Option<&str>,
) -> Result<Stream, StatusCode> {
    handshake_at(&server.base, query, origin).await
}

/// [`handshake`] with the server at `base`.
pub async fn handshake_at(
    base: &str,
    query: &str,
    origin: Option<&str>,
) -> Result<Stream, StatusCode> {
    let url = format!("{}/api/v1/ws{query}", base.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((stream, _)) => Ok(stream),
        Err(tungstenite::Error::Http(response)) => {
            Err(StatusCode::from_u16(response.status().as_u16()).unwrap())
        }
        Err(error) => panic!("handshake failed: {error}"),
    }
}

/// A client of the live socket that checks every message's `seq` follows the previous one.
pub struct Socket {
    pub stream: Stream,
    seq: u64,
}

impl Socket {
    /// Connects as `token`'s user, from a page of the server's own origin.
    pub async fn open(server: &TestServer, token: &str) -> Self {
        Self::open_at(&server.base, token).await
    }

    /// [`Socket::open`] on the server at `base`.
    pub async fn open_at(base: &str, token: &str) -> Self {
        let ticket = ticket_at(base, token).await;
        let stream = handshake_at(base, &format!("?ticket={ticket}"), Some(base))
            .await
            .unwrap();
        Self { stream, seq: 0 }
    }

    pub async fn send(&mut self, message: Value) {
        self.stream
            .send(Message::Text(message.to_string().into()))
            .await
            .unwrap();
    }

    /// The next message from the server (pings and pongs skipped).
    pub async fn next(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(PATIENCE, self.stream.next())
                .await
                .expect("a message within the patience")
                .expect("the connection is open")
                .unwrap();
            match frame {
                Message::Text(text) => {
                    let message: Value = serde_json::from_str(text.as_str()).unwrap();
                    let seq = message["seq"].as_u64().unwrap();
                    assert_eq!(
                        seq,
                        self.seq + 1,
                        "messages are numbered in order: {message}"
                    );
                    self.seq = seq;
                    return message;
                }
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// Reads messages until one satisfies `check`; returns every message read, that one last.
    pub async fn until(&mut self, what: &str, check: impl Fn(&Value) -> bool) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        loop {
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}; saw {seen:?}"
            );
            let message = self.next().await;
            let done = check(&message);
            seen.push(message);
            if done {
                return seen;
            }
        }
    }
}

/// Whether `message` is a `status` of `id` with `status`.
pub fn is_status(message: &Value, id: &str, status: &str) -> bool {
    message["type"] == "status" && message["deploymentId"] == id && message["status"] == status
}
