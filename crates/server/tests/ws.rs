//! The live-status WebSocket over real HTTP on both databases, against the Kubernetes API test
//! server: who may connect (tickets, Origin), a deploy seen live from `applying` to `ready` with
//! per-object progress, a failing image's reason, the dashboard list, authorisation per
//! subscription, malformed messages, a client that does not read, and shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploying;
mod live_support;

use chrono::{TimeDelta, Utc};
use common::{Backend, TestServer};
use deploying::register_cluster;
use futures::{SinkExt as _, StreamExt as _};
use kubechart_server::live::tickets;
use kubechart_store::{ConnectOptions, Store, UserId};
use kubechart_testcluster::{EventSeed, Options, TestCluster};
use live_support::{
    PATIENCE, Socket, app, create, deploy, handshake, is_status, stored_until, ticket,
};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

on_both_backends!(
    tickets_open_one_socket_from_an_accepted_origin,
    a_deploy_is_seen_live_from_applying_to_ready,
    a_failing_image_shows_its_reason_and_fails_the_deployment,
    the_list_shows_only_the_users_own_deployments,
    subscriptions_are_authorised_and_bad_messages_answered,
    a_client_that_does_not_read_stalls_no_one,
    shutdown_closes_sockets_as_going_away,
);

async fn tickets_open_one_socket_from_an_accepted_origin(backend: Backend) {
    let mut database_url = None;
    let server = TestServer::start_with(backend, |args| {
        args.allowed_origins = vec!["https://console.example.com".into()];
        database_url = Some(args.data.database_url());
    })
    .await;
    let (token, user) = server.register("alice").await;

    let (status, body) = server.post("/api/v1/ws/ticket", None, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body) = server
        .post("/api/v1/ws/ticket", Some("not-a-token"), json!({}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    let origin = Some(server.base.as_str());
    assert_eq!(
        handshake(&server, "", origin).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    assert_eq!(
        handshake(&server, "?ticket=made-up", origin).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );

    let issued = ticket(&server, &token).await;
    let query = format!("?ticket={issued}");
    assert_eq!(
        handshake(&server, &query, Some("https://evil.example"))
            .await
            .err(),
        Some(StatusCode::FORBIDDEN),
        "a page of another origin may not open a socket"
    );
    // The refused origin did not use the ticket up.
    handshake(&server, &query, origin).await.unwrap();
    assert_eq!(
        handshake(&server, &query, origin).await.err(),
        Some(StatusCode::UNAUTHORIZED),
        "a ticket opens one socket"
    );

    let allowed = ticket(&server, &token).await;
    handshake(
        &server,
        &format!("?ticket={allowed}"),
        Some("https://console.example.com"),
    )
    .await
    .unwrap();
    let without_origin = ticket(&server, &token).await;
    handshake(&server, &format!("?ticket={without_origin}"), None)
        .await
        .unwrap();

    // A ticket past its 30 seconds, stored as the server stores them.
    let store = Store::connect(&database_url.unwrap(), ConnectOptions::default())
        .await
        .unwrap();
    let user_id: UserId = user["id"].as_str().unwrap().parse().unwrap();
    let expired = Utc::now() - TimeDelta::seconds(1);
    kubechart_store::tickets::issue(
        store.connection(),
        &tickets::hash("expired-ticket"),
        user_id,
        expired,
    )
    .await
    .unwrap();
    assert_eq!(
        handshake(&server, "?ticket=expired-ticket", origin)
            .await
            .err(),
        Some(StatusCode::UNAUTHORIZED),
        "an expired ticket is refused"
    );
    store.close().await;
    server.stop().await;
}

async fn a_deploy_is_seen_live_from_applying_to_ready(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    cluster.knobs().set_ready_delay(Duration::from_millis(500));
    let server = TestServer::start(backend).await;
    let (token, _) = server.register("alice").await;
    let cluster_id = register_cluster(&server, &token, &cluster).await;
    let id = create(&server, &token, &cluster_id, app("shop", "nginx:1.27")).await;

    let mut socket = Socket::open(&server, &token).await;
    socket
        .send(json!({"type": "subscribe", "deploymentId": id}))
        .await;
    let snapshot = socket.next().await;
    assert!(is_status(&snapshot, &id, "draft"), "{snapshot}");
    assert_eq!(snapshot["objects"], json!([]), "nothing applied yet");

    let operation = deploy(&server, &token, &id).await;
    let seen = socket
        .until("ready", |message| is_status(message, &id, "ready"))
        .await;
    let statuses: Vec<&str> = seen
        .iter()
        .filter(|message| message["type"] == "status")
        .map(|message| message["status"].as_str().unwrap())
        .collect();
    let first = |status| statuses.iter().position(|seen| *seen == status);
    let (applying, progressing, ready) = (
        first("applying").expect("applying is shown"),
        first("progressing").expect("progressing is shown"),
        first("ready").unwrap(),
    );
    assert!(
        applying < progressing && progressing < ready,
        "{statuses:?}"
    );
    let progress: Vec<_> = seen
        .iter()
        .filter(|message| message["type"] == "progress")
        .collect();
    assert!(
        progress
            .iter()
            .any(|message| message["object"]["kind"] == "Deployment"
                && message["object"]["name"] == "web"
                && message["state"] == "applied"
                && message["operationId"] == operation.as_str()),
        "{progress:?}"
    );
    let ready = seen.last().unwrap();
    let objects = ready["objects"].as_array().unwrap();
    assert!(
        objects
            .iter()
            .any(|object| object["object"]["kind"] == "Deployment" && object["state"] == "Current"),
        "{ready}"
    );
    assert!(
        objects.iter().all(|object| object["state"] == "Current"),
        "{ready}"
    );

    let record = stored_until(&server, &token, &id, "ready", |record| {
        record["status"] == "ready"
    })
    .await;
    assert!(
        record["statusReason"].as_str().unwrap().contains("current"),
        "{record}"
    );
    server.stop().await;
}

async fn a_failing_image_shows_its_reason_and_fails_the_deployment(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    cluster.knobs().fail_image("nginx:missing");
    let server = TestServer::start_with(backend, |args| {
        args.watch_failure_grace = Some(Duration::from_secs(2));
    })
    .await;
    let (token, _) = server.register("alice").await;
    let cluster_id = register_cluster(&server, &token, &cluster).await;
    let id = create(&server, &token, &cluster_id, app("broken", "nginx:missing")).await;
    let mut socket = Socket::open(&server, &token).await;
    socket
        .send(json!({"type": "subscribe", "deploymentId": id}))
        .await;
    socket.next().await;

    deploy(&server, &token, &id).await;
    let seen = socket
        .until("the pull failure", |message| {
            message["type"] == "status"
                && message["reason"]
                    .as_str()
                    .is_some_and(|reason| reason.contains("ImagePullBackOff"))
        })
        .await;
    let reason = seen.last().unwrap()["reason"].as_str().unwrap().to_owned();
    assert!(reason.starts_with("Deployment web"), "{reason}");
    cluster
        .knobs()
        .seed_event(
            "broken",
            EventSeed {
                kind: "Deployment".into(),
                name: "web".into(),
                event_type: "Warning".into(),
                reason: "ProgressDeadlineNear".into(),
                message: "the rollout is not making progress".into(),
            },
        )
        .unwrap();
    let mut seen = socket
        .until("failed", |message| is_status(message, &id, "failed"))
        .await;
    assert!(
        seen.last().unwrap()["reason"]
            .as_str()
            .unwrap()
            .contains("ImagePullBackOff")
    );
    let record = stored_until(&server, &token, &id, "failed", |record| {
        record["status"] == "failed"
    })
    .await;
    assert!(
        record["statusReason"]
            .as_str()
            .unwrap()
            .contains("ImagePullBackOff"),
        "{record}"
    );
    // Warning events about the app reach the subscriber.
    if !seen.iter().any(|message| message["type"] == "event") {
        seen.extend(
            socket
                .until("a Warning event", |message| message["type"] == "event")
                .await,
        );
    }
    let event = seen
        .iter()
        .find(|message| message["type"] == "event")
        .unwrap();
    assert_eq!(event["deploymentId"], id.as_str());
    assert!(
        event["reason"]
            .as_str()
            .is_some_and(|reason| !reason.is_empty()),
        "{event}"
    );
    server.stop().await;
}

async fn the_list_shows_only_the_users_own_deployments(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(backend).await;
    server.register("admin").await;
    let (alice, _) = server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let alices_cluster = register_cluster(&server, &alice, &cluster).await;
    let bobs_cluster = register_cluster(&server, &bob, &cluster).await;
    let mine = create(
        &server,
        &alice,
        &alices_cluster,
        app("alices", "nginx:1.27"),
    )
    .await;
    let theirs = create(&server, &bob, &bobs_cluster, app("bobs", "nginx:1.27")).await;
    let (carol, _) = server.register("carol").await;
    let mut others = Socket::open(&server, &carol).await;
    others.send(json!({"type": "subscribeList"})).await;
    assert_eq!(others.next().await["items"], json!([]), "carol has none");

    let mut socket = Socket::open(&server, &alice).await;
    socket.send(json!({"type": "subscribeList"})).await;
    let list = socket.next().await;
    assert_eq!(list["type"], "statusList", "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["deploymentId"], mine.as_str());
    assert_eq!(items[0]["status"], "draft");

    deploy(&server, &bob, &theirs).await;
    stored_until(&server, &bob, &theirs, "bob's app ready", |record| {
        record["status"] == "ready"
    })
    .await;
    deploy(&server, &alice, &mine).await;
    let seen = socket
        .until("alice's app ready", |message| {
            is_status(message, &mine, "ready")
        })
        .await;
    assert!(
        seen.iter()
            .all(|message| message["deploymentId"] == mine.as_str()),
        "only alice's own deployments: {seen:?}"
    );
    assert!(
        seen.iter()
            .any(|message| is_status(message, &mine, "applying"))
    );
    assert!(
        seen.iter().all(|message| message.get("objects").is_none()),
        "the list carries statuses only"
    );
    server.stop().await;
}

async fn subscriptions_are_authorised_and_bad_messages_answered(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, _) = server.register("admin").await;
    let (alice, _) = server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let (status, created) = server
        .post(
            "/api/v1/deployments",
            Some(&alice),
            json!({"spec": app("private", "nginx:1.27")}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();

    let mut socket = Socket::open(&server, &bob).await;
    socket
        .send(json!({"type": "subscribe", "deploymentId": id}))
        .await;
    let refused = socket.next().await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["code"], "not_found");
    assert_eq!(refused["deploymentId"], id.as_str());
    for unknown in ["not-an-id", "0190f5a8-c1f7-7cc3-b0e3-a5b4c6d7e8f9"] {
        socket
            .send(json!({"type": "subscribe", "deploymentId": unknown}))
            .await;
        let refused = socket.next().await;
        assert_eq!(refused["code"], "not_found", "{refused}");
    }
    for bad in [
        json!({"type": "dance"}),
        json!({"deploymentId": id}),
        json!([1, 2]),
    ] {
        socket.send(bad).await;
        let answer = socket.next().await;
        assert_eq!(answer["type"], "error", "{answer}");
        assert_eq!(answer["code"], "malformed", "{answer}");
    }
    socket
        .stream
        .send(Message::Text("{not json".into()))
        .await
        .unwrap();
    assert_eq!(socket.next().await["code"], "malformed");
    // Still open, and still nothing about alice's deployment.
    socket.send(json!({"type": "subscribeList"})).await;
    let list = socket.next().await;
    assert_eq!(list["items"], json!([]), "{list}");

    for owner_or_admin in [&alice, &admin] {
        let mut socket = Socket::open(&server, owner_or_admin).await;
        socket
            .send(json!({"type": "subscribe", "deploymentId": id}))
            .await;
        let snapshot = socket.next().await;
        assert!(is_status(&snapshot, &id, "draft"), "{snapshot}");
    }
    server.stop().await;
}

async fn a_client_that_does_not_read_stalls_no_one(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(backend).await;
    let (token, _) = server.register("alice").await;
    let cluster_id = register_cluster(&server, &token, &cluster).await;
    let ids = [
        create(&server, &token, &cluster_id, app("one", "nginx:1.27")).await,
        create(&server, &token, &cluster_id, app("two", "nginx:1.27")).await,
        create(&server, &token, &cluster_id, app("three", "nginx:1.27")).await,
    ];
    let mut sleeper = Socket::open(&server, &token).await;
    let mut reader = Socket::open(&server, &token).await;
    for socket in [&mut sleeper, &mut reader] {
        socket.send(json!({"type": "subscribeList"})).await;
        for id in &ids {
            socket
                .send(json!({"type": "subscribe", "deploymentId": id}))
                .await;
        }
    }
    // The sleeper reads nothing from here on, while three deploys run.
    for id in &ids {
        deploy(&server, &token, id).await;
    }
    let mut ready = std::collections::HashSet::new();
    while ready.len() < ids.len() {
        let message = reader.next().await;
        if message["status"] == "ready" && message.get("objects").is_some() {
            ready.insert(message["deploymentId"].as_str().unwrap().to_string());
        }
    }
    // The sleeper catches up: however much it lost, the last status it gets of each app says
    // ready, and its messages are numbered without a gap.
    let mut last_status = std::collections::HashMap::new();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while ids
        .iter()
        .any(|id| last_status.get(id.as_str()) != Some(&"ready".to_string()))
    {
        assert!(tokio::time::Instant::now() < deadline, "{last_status:?}");
        let message = sleeper.next().await;
        if message["type"] == "status" && message.get("objects").is_some() {
            last_status.insert(
                message["deploymentId"].as_str().unwrap().to_string(),
                message["status"].as_str().unwrap().to_string(),
            );
        }
    }
    server.stop().await;
}

async fn shutdown_closes_sockets_as_going_away(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (token, _) = server.register("alice").await;
    let mut socket = Socket::open(&server, &token).await;
    socket.send(json!({"type": "subscribeList"})).await;
    socket.next().await;
    let stopping = tokio::spawn(server.stop());
    let close = loop {
        match tokio::time::timeout(PATIENCE, socket.stream.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(close.unwrap().code, CloseCode::Away);
    stopping.await.unwrap();
}
