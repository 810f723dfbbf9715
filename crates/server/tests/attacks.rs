//! Hostile use of the API, on both databases: every operation of the served OpenAPI document is
//! called by a stranger with another user's ids (404, or 403 where only admins may go, and nothing
//! changes), without a token (401), and with forged, expired, future, foreign-key and `alg: none`
//! tokens, a disabled account's token and a token from before a password change (401). Lists
//! never show a stranger's ids. Because the matrix is read from the document, a route added later
//! is attacked without anyone remembering to add it here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploying;

use base64::Engine as _;
use common::{Backend, TestServer, password_of};
use deploying::{create, deploy, finished, register_cluster, shop_app};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use kubechart_testcluster::{Options, TestCluster};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    strangers_get_not_found_on_every_route_and_change_nothing,
    every_protected_route_refuses_requests_without_a_valid_session,
    forged_and_stale_tokens_are_refused,
);

/// The JWT secret of the servers in this file, so tests can sign tokens as an attacker who
/// learned it would, and as one who did not.
const JWT_SECRET: &str = "attacks-test-secret-attacks-test-secret";

async fn server(backend: Backend) -> TestServer {
    TestServer::start_with(backend, |args| {
        args.jwt_secret = Some(JWT_SECRET.into());
    })
    .await
}

/// One operation of the OpenAPI document.
struct Operation {
    method: Method,
    path: String,
    protected: bool,
}

async fn operations(server: &TestServer) -> Vec<Operation> {
    let (status, document) = server.get("/api/docs/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let mut operations = Vec::new();
    for (path, methods) in document["paths"].as_object().unwrap() {
        for (method, operation) in methods.as_object().unwrap() {
            operations.push(Operation {
                method: method.to_uppercase().parse().unwrap(),
                path: path.clone(),
                protected: operation.get("security").is_some(),
            });
        }
    }
    assert!(operations.len() > 30, "the document lists the API");
    operations
}

/// What Alice owns, by the name of the path parameter that refers to it.
struct Owned {
    user: String,
    cluster: String,
    deployment: String,
    operation: String,
}

impl Owned {
    /// `path` with every parameter replaced by Alice's id for it; `None` when the path has none.
    fn fill(&self, path: &str) -> Option<String> {
        if !path.contains('{') {
            return None;
        }
        let id = if path.starts_with("/api/v1/clusters/") {
            &self.cluster
        } else if path.starts_with("/api/v1/users/") {
            &self.user
        } else {
            &self.deployment
        };
        let filled = path
            .replace("{id}", id)
            .replace("{operationId}", &self.operation)
            .replace("{n}", "1")
            .replace("{a}", "1")
            .replace("{b}", "1");
        assert!(
            !filled.contains('{'),
            "a parameter this test does not know: {path}"
        );
        Some(filled)
    }
}

/// A body the operation would accept from its rightful caller, so that what refuses a stranger is
/// the authorisation, not the validation.
fn plausible_body(method: &Method, path: &str) -> Option<Value> {
    let body = match (method.as_str(), path) {
        ("PUT", "/api/v1/deployments/{id}") => json!({"spec": shop_app(true), "revision": 1}),
        ("POST", "/api/v1/deployments/{id}/rollback") => json!({"revision": 1}),
        ("PATCH", "/api/v1/clusters/{id}") => json!({"name": "taken-over"}),
        ("PATCH", "/api/v1/users/{id}") => json!({"disabled": true}),
        ("POST", "/api/v1/clusters/{id}/import") => json!({"namespace": "shop"}),
        (_, "/api/v1/deployments/{id}/logs") => return None,
        ("POST" | "PUT" | "PATCH", _) => json!({}),
        _ => return None,
    };
    Some(body)
}

/// The query a GET needs besides its path (the logs route names a pod and container).
fn query(path: &str) -> &'static str {
    if path.ends_with("/logs") {
        "?pod=web&container=web"
    } else {
        ""
    }
}

/// Alice's and Bob's sessions (two members) and what Alice owns.
struct People {
    alice: String,
    bob: String,
    owned: Owned,
}

/// The admin (registered first), Alice with her cluster and a deployed app, and Bob.
async fn alice_and_bob(server: &TestServer, cluster: &TestCluster) -> People {
    server.register("root").await;
    let (alice, alice_user) = server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let cluster_id = register_cluster(server, &alice, cluster).await;
    let path = create(server, &alice, Some(&cluster_id), shop_app(true)).await;
    let operation = deploy(server, &alice, &path).await;
    finished(server, &alice, &operation).await;
    let owned = Owned {
        user: alice_user["id"].as_str().unwrap().to_owned(),
        cluster: cluster_id,
        deployment: path.rsplit('/').next().unwrap().to_owned(),
        operation: operation.rsplit('/').next().unwrap().to_owned(),
    };
    People { alice, bob, owned }
}

async fn strangers_get_not_found_on_every_route_and_change_nothing(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = server(backend).await;
    let People { alice, bob, owned } = alice_and_bob(&server, &cluster).await;
    let bob = bob.as_str();

    let mut checked = 0;
    for operation in operations(&server).await {
        if !operation.protected {
            continue;
        }
        let admin_only = operation.path.starts_with("/api/v1/users")
            || operation.path.starts_with("/api/v1/clusters/detected");
        let Some(path) = owned.fill(&operation.path) else {
            // No ids in the path: what Bob reads must not show Alice's.
            if operation.method == Method::GET && !admin_only {
                let (status, body) = server.get(&operation.path, Some(bob)).await;
                let text = body.to_string();
                for id in [&owned.cluster, &owned.deployment, &owned.operation] {
                    assert!(
                        !text.contains(id.as_str()),
                        "GET {} shows a stranger's id {id}: {status} {text}",
                        operation.path
                    );
                }
                checked += 1;
            }
            continue;
        };
        let body = plausible_body(&operation.method, &operation.path);
        let (status, answer) = server
            .call(
                operation.method.clone(),
                &format!("{path}{}", query(&operation.path)),
                Some(bob),
                body,
            )
            .await;
        let expected = if admin_only {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(
            status, expected,
            "{} {} by a stranger: {answer}",
            operation.method, operation.path
        );
        checked += 1;
    }
    assert!(checked >= 20, "{checked} operations attacked");

    // Nothing Bob did reached Alice's things.
    let deployment = format!("/api/v1/deployments/{}", owned.deployment);
    let (status, record) = server.get(&deployment, Some(&alice)).await;
    assert_eq!(status, StatusCode::OK, "{record}");
    assert_eq!(record["revision"], 1, "{record}");
    assert_ne!(record["status"], "deleting", "{record}");
    let (status, mine) = server
        .get(&format!("/api/v1/clusters/{}", owned.cluster), Some(&alice))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["name"], "test", "{mine}");
    let (status, me) = server.get("/api/v1/auth/me", Some(&alice)).await;
    assert_eq!(status, StatusCode::OK, "Alice is not disabled: {me}");
    server.stop().await;
}

async fn every_protected_route_refuses_requests_without_a_valid_session(backend: Backend) {
    let server = server(backend).await;
    let (_admin, _) = server.register("root").await;
    let owned = Owned {
        user: uuid::Uuid::new_v4().to_string(),
        cluster: uuid::Uuid::new_v4().to_string(),
        deployment: uuid::Uuid::new_v4().to_string(),
        operation: uuid::Uuid::new_v4().to_string(),
    };
    for operation in operations(&server).await {
        if !operation.protected {
            continue;
        }
        let path = owned
            .fill(&operation.path)
            .unwrap_or(operation.path.clone());
        for token in [None, Some("not-a-token"), Some("a.b.c")] {
            let body = plausible_body(&operation.method, &operation.path);
            let (status, answer) = server
                .call(operation.method.clone(), &path, token, body)
                .await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{} {} with {token:?}: {answer}",
                operation.method,
                operation.path
            );
            assert_eq!(answer["error"]["code"], "unauthenticated", "{answer}");
        }
    }
    server.stop().await;
}

/// The claims of a real token, to forge variations of it.
fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

fn sign(claims: &Value, algorithm: Algorithm, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

/// A token with `alg: none` and no signature, as the classic attack sends it.
fn unsigned(claims: &Value) -> String {
    let encode = |value: &Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string().as_bytes())
    };
    format!(
        "{}.{}.",
        encode(&json!({"alg": "none", "typ": "JWT"})),
        encode(claims)
    )
}

async fn forged_and_stale_tokens_are_refused(backend: Backend) {
    let server = server(backend).await;
    let (admin, _) = server.register("root").await;
    let (alice, alice_user) = server.register("alice").await;
    let claims = claims_of(&alice);
    let now = chrono::Utc::now().timestamp();
    let with = |changes: Value| {
        let mut forged = claims.clone();
        for (key, value) in changes.as_object().unwrap() {
            forged[key] = value.clone();
        }
        forged
    };
    let me = |token: String| {
        let server = &server;
        async move { server.get("/api/v1/auth/me", Some(&token)).await.0 }
    };

    // The baseline: Alice's token and one signed with the server's key work.
    assert_eq!(me(alice.clone()).await, StatusCode::OK);
    assert_eq!(
        me(sign(&claims, Algorithm::HS256, JWT_SECRET)).await,
        StatusCode::OK
    );

    let forged = [
        ("alg none", unsigned(&claims)),
        (
            "another key",
            sign(
                &claims,
                Algorithm::HS256,
                "someone-elses-secret-someone-elses-secret",
            ),
        ),
        (
            "another algorithm",
            sign(&claims, Algorithm::HS512, JWT_SECRET),
        ),
        (
            "expired",
            sign(
                &with(json!({"iat": now - 7200, "exp": now - 60})),
                Algorithm::HS256,
                JWT_SECRET,
            ),
        ),
        (
            "issued in the future",
            sign(
                &with(json!({"iat": now + 3600, "exp": now + 7200})),
                Algorithm::HS256,
                JWT_SECRET,
            ),
        ),
        (
            "not valid before a future time",
            sign(
                &with(json!({"nbf": now + 3600})),
                Algorithm::HS256,
                JWT_SECRET,
            ),
        ),
        (
            "no expiry",
            sign(
                &json!({"sub": claims["sub"], "iat": now, "pwv": claims["pwv"]}),
                Algorithm::HS256,
                JWT_SECRET,
            ),
        ),
        (
            "an account that does not exist",
            sign(
                &with(json!({"sub": uuid::Uuid::new_v4().to_string()})),
                Algorithm::HS256,
                JWT_SECRET,
            ),
        ),
        (
            "another password version",
            sign(&with(json!({"pwv": 1})), Algorithm::HS256, JWT_SECRET),
        ),
    ];
    for (what, token) in forged {
        assert_eq!(me(token).await, StatusCode::UNAUTHORIZED, "{what}");
    }

    // A password change ends every older session; the new one works.
    let (status, changed) = server
        .post(
            "/api/v1/auth/password",
            Some(&alice),
            json!({"currentPassword": password_of("alice"), "newPassword": "a-brand-new-password"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(me(alice.clone()).await, StatusCode::UNAUTHORIZED);
    let renewed = changed["token"].as_str().unwrap().to_owned();
    assert_eq!(me(renewed.clone()).await, StatusCode::OK);

    // Disabling the account ends its session, whatever the token.
    let alice_path = format!("/api/v1/users/{}", alice_user["id"].as_str().unwrap());
    let (status, _) = server
        .patch(&alice_path, Some(&admin), json!({"disabled": true}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me(renewed).await, StatusCode::UNAUTHORIZED);
    server.stop().await;
}
