//! Administration of accounts: only admins, effective at once, never locking the installation out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, TestServer, field_paths, password_of};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    only_admins_administer_accounts,
    disabling_an_account_ends_its_sessions_at_once,
    the_last_admin_cannot_be_demoted_or_disabled,
    unknown_accounts_are_not_found,
);

async fn only_admins_administer_accounts(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, _) = server.register("alice").await;
    let (member, bob) = server.register("bob").await;
    let bob_path = format!("/api/v1/users/{}", bob["id"].as_str().unwrap());

    assert_eq!(
        server.get("/api/v1/users", None).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = server.get("/api/v1/users", Some(&member)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "forbidden");
    let (status, _) = server
        .patch(&bob_path, Some(&member), json!({"role": "admin"}))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "members cannot promote themselves"
    );

    let (status, users) = server.get("/api/v1/users", Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice", "bob"]);

    let (status, body) = server
        .patch(&bob_path, Some(&admin), json!({"role": "admin"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["role"], "admin");
    let (status, _) = server.get("/api/v1/users", Some(&member)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the promotion applies to existing sessions"
    );

    let (status, body) = server
        .patch(&bob_path, Some(&admin), json!({"role": "owner"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_paths(&body), ["role"]);
    server.stop().await;
}

async fn disabling_an_account_ends_its_sessions_at_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, _) = server.register("alice").await;
    let (member, bob) = server.register("bob").await;
    let bob_path = format!("/api/v1/users/{}", bob["id"].as_str().unwrap());
    assert_eq!(
        server.get("/api/v1/auth/me", Some(&member)).await.0,
        StatusCode::OK
    );

    let (status, body) = server
        .patch(&bob_path, Some(&admin), json!({"disabled": true}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["disabled"], true);
    assert_eq!(
        server.get("/api/v1/auth/me", Some(&member)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let login = json!({"username": "bob", "password": password_of("bob")});
    assert_eq!(
        server
            .post("/api/v1/auth/login", None, login.clone())
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );

    server
        .patch(&bob_path, Some(&admin), json!({"disabled": false}))
        .await;
    assert_eq!(
        server.post("/api/v1/auth/login", None, login).await.0,
        StatusCode::OK
    );
    server.stop().await;
}

async fn the_last_admin_cannot_be_demoted_or_disabled(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, alice) = server.register("alice").await;
    let alice_path = format!("/api/v1/users/{}", alice["id"].as_str().unwrap());
    for (change, field) in [
        (json!({"role": "member"}), "role"),
        (json!({"disabled": true}), "disabled"),
    ] {
        let (status, body) = server.patch(&alice_path, Some(&admin), change).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(field_paths(&body), [field]);
    }
    let (_, bob) = server.register("bob").await;
    let bob_path = format!("/api/v1/users/{}", bob["id"].as_str().unwrap());
    server
        .patch(&bob_path, Some(&admin), json!({"role": "admin"}))
        .await;
    let (status, body) = server
        .patch(&alice_path, Some(&admin), json!({"role": "member"}))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "with a second admin, the first may step down"
    );
    assert_eq!(body["role"], "member");
    server.stop().await;
}

async fn unknown_accounts_are_not_found(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, _) = server.register("alice").await;
    for id in ["6f1c1c4e-8a5e-4a8e-9d52-3f9f0c7e2a11", "not-a-uuid"] {
        let (status, body) = server
            .patch(
                &format!("/api/v1/users/{id}"),
                Some(&admin),
                json!({"disabled": true}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(body["error"]["code"], "not_found");
    }
    server.stop().await;
}
