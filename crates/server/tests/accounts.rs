//! Registration, sign-in, sessions, profile and password over real HTTP, on both databases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, TestServer, field_paths, password_of};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    first_account_is_admin_and_later_ones_are_members,
    registration_reports_every_invalid_field_at_once,
    taken_usernames_and_emails_conflict_naming_the_field,
    malformed_and_misshapen_bodies_are_told_apart,
    login_accepts_username_or_email_and_hides_which_was_wrong,
    login_is_throttled_per_account_name,
    tokens_are_required_and_checked,
    profile_and_preferences_can_be_changed,
    password_change_ends_older_sessions,
);

async fn first_account_is_admin_and_later_ones_are_members(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (token, admin) = server.register("alice").await;
    assert_eq!(admin["role"], "admin");
    assert_eq!(admin["username"], "alice");
    assert_eq!(admin["email"], "alice@example.com");
    assert!(admin.get("passwordHash").is_none() && admin.get("password_hash").is_none());
    assert!(!token.is_empty());
    let (_, member) = server.register("bob").await;
    assert_eq!(member["role"], "member");
    server.stop().await;
}

async fn registration_reports_every_invalid_field_at_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (status, body) = server
        .post(
            "/api/v1/auth/register",
            None,
            json!({"username": "A!", "email": "not-an-email", "password": "short"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "invalid_input");
    assert_eq!(field_paths(&body), ["username", "email", "password"]);

    let (status, body) = server
        .post(
            "/api/v1/auth/register",
            None,
            json!({"username": "carol-the-admin", "email": "c@example.com", "password": "Carol-The-Admin"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_paths(&body), ["password"]);
    assert_eq!(
        body["error"]["fields"][0]["message"],
        "must not be the same as the username"
    );
    server.stop().await;
}

async fn taken_usernames_and_emails_conflict_naming_the_field(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.register("alice").await;
    let (status, body) = server
        .post(
            "/api/v1/auth/register",
            None,
            json!({"username": "alice", "email": "other@example.com", "password": "long enough password"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(field_paths(&body), ["username"]);
    let (status, body) = server
        .post(
            "/api/v1/auth/register",
            None,
            json!({"username": "alice2", "email": "ALICE@example.com", "password": "long enough password"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(field_paths(&body), ["email"]);
    server.stop().await;
}

async fn malformed_and_misshapen_bodies_are_told_apart(backend: Backend) {
    let server = TestServer::start(backend).await;
    let url = format!("{}/api/v1/auth/register", server.base);
    let response = server
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "malformed");

    let response = server
        .http
        .post(&url)
        .body("username=a")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let (status, body) = server
        .post(
            "/api/v1/auth/register",
            None,
            json!({"username": "abc", "email": "a@b.io"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_paths(&body), ["password"]);

    let (status, body) = server
        .post(
            "/api/v1/auth/register",
            None,
            json!({"username": 42, "email": "a@b.io", "password": "long enough password"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_paths(&body), ["username"]);
    server.stop().await;
}

async fn login_accepts_username_or_email_and_hides_which_was_wrong(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, user) = server.register("alice").await;
    for login in ["alice", "alice@example.com", "ALICE@example.com"] {
        let (status, body) = server
            .post(
                "/api/v1/auth/login",
                None,
                json!({"username": login, "password": password_of("alice")}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{login}: {body}");
        assert_eq!(body["user"]["id"], user["id"]);
        let (status, _) = server.get("/api/v1/auth/me", body["token"].as_str()).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (wrong_password, wrong_password_body) = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "alice", "password": "not the password"}),
        )
        .await;
    let (unknown_user, unknown_user_body) = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "nobody", "password": "not the password"}),
        )
        .await;
    assert_eq!(wrong_password, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_user, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password_body, unknown_user_body);
    assert_eq!(
        wrong_password_body["error"]["message"],
        "invalid username or password"
    );
    server.stop().await;
}

async fn login_is_throttled_per_account_name(backend: Backend) {
    let server = TestServer::start_with(backend, |args| {
        args.login_burst_per_username = std::num::NonZeroU32::new(3).unwrap();
        args.login_refill = std::time::Duration::from_secs(600);
    })
    .await;
    server.register("alice").await;
    let attempt = json!({"username": "alice", "password": "guess guess guess"});
    for _ in 0..3 {
        let (status, _) = server
            .post("/api/v1/auth/login", None, attempt.clone())
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let response = server
        .http
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&attempt)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&retry_after), "{retry_after}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    // Another account is not affected.
    server.register("bob").await;
    let (status, _) = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "bob", "password": password_of("bob")}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

async fn tokens_are_required_and_checked(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (token, _) = server.register("alice").await;
    let (status, body) = server.get("/api/v1/auth/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated");
    let (status, _) = server.get("/api/v1/auth/me", Some("garbage")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let tampered = format!("{}x", &token[..token.len() - 1]);
    let (status, _) = server.get("/api/v1/auth/me", Some(&tampered)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = server.get("/api/v1/auth/me", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["username"], "alice");
    server.stop().await;
}

async fn profile_and_preferences_can_be_changed(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (token, _) = server.register("alice").await;
    let (status, body) = server
        .patch(
            "/api/v1/auth/me",
            Some(&token),
            json!({"displayName": "  Alice Liddell ", "preferences": {"theme": "dark", "density": "compact"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["displayName"], "Alice Liddell");
    assert_eq!(
        body["preferences"],
        json!({"theme": "dark", "density": "compact"})
    );

    let (status, body) = server
        .patch(
            "/api/v1/auth/me",
            Some(&token),
            json!({"preferences": {"density": null}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["preferences"], json!({"theme": "dark"}));
    assert_eq!(body["displayName"], "Alice Liddell");

    let (status, body) = server
        .patch(
            "/api/v1/auth/me",
            Some(&token),
            json!({"displayName": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["displayName"].is_null());

    let (status, body) = server
        .patch(
            "/api/v1/auth/me",
            Some(&token),
            json!({"displayName": "x".repeat(101), "preferences": {"theme": "pink"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_paths(&body), ["displayName", "preferences.theme"]);
    let (_, me) = server.get("/api/v1/auth/me", Some(&token)).await;
    assert_eq!(
        me["preferences"],
        json!({"theme": "dark"}),
        "nothing half-applied"
    );
    server.stop().await;
}

async fn password_change_ends_older_sessions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (old_token, _) = server.register("alice").await;
    let (status, body) = server
        .post(
            "/api/v1/auth/password",
            Some(&old_token),
            json!({"currentPassword": "wrong wrong wrong", "newPassword": "short"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_paths(&body), ["currentPassword", "newPassword"]);

    let (status, body) = server
        .post(
            "/api/v1/auth/password",
            Some(&old_token),
            json!({"currentPassword": password_of("alice"), "newPassword": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let new_token = body["token"].as_str().unwrap();
    assert_eq!(
        server.get("/api/v1/auth/me", Some(new_token)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        server.get("/api/v1/auth/me", Some(&old_token)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let login = |password: &str| {
        server.post(
            "/api/v1/auth/login",
            None,
            json!({"username": "alice", "password": password}),
        )
    };
    assert_eq!(
        login(&password_of("alice")).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(login("a brand new passphrase").await.0, StatusCode::OK);
    server.stop().await;
}
