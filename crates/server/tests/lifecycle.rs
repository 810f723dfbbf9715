//! A deployment's whole life over real HTTP on both databases, against the Kubernetes API test
//! server: create, diff, deploy, a change that prunes a Service, the revision diff, rollback (the
//! Service comes back), the delete preview read from the cluster (cluster-scoped objects
//! included), and a delete that leaves nothing behind and hides the record while its audit trail
//! stays. Also: a delete whose cluster cannot be reached fails and a retry works, what rollback
//! and delete refuse, bodies that may be empty, and who may do what.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploying;

use common::{Backend, TestServer, eventually, field_paths};
use deploying::{
    OPERATION_DEADLINE, actions, create, deploy, finished, object_states, register_cluster,
    shop_app,
};
use k8s_openapi::api::apps::v1::Deployment as KubeDeployment;
use k8s_openapi::api::core::v1::Service;
use kube::api::{Api, DynamicObject};
use kube::core::GroupVersionKind;
use kube::discovery::Scope;
use kubechart_testcluster::{Options, TestCluster};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

on_both_backends!(
    a_deployment_lives_from_create_to_delete_and_leaves_nothing_behind,
    a_delete_whose_cluster_is_down_fails_keeps_the_record_and_a_retry_works,
    rollback_and_delete_refuse_bad_input_running_operations_and_strangers,
    drafts_and_kept_resources_are_forgotten_at_once,
);

/// The shop app with a cluster-wide role, so that deletes reach cluster-scoped objects too.
fn spec(with_service: bool) -> Value {
    let mut spec = shop_app(with_service);
    spec["clusterRoles"] = json!([{"name": "shop-reader",
        "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]}]);
    spec
}

/// `Kind/name` of every object in a delete preview, with whether it is cluster-scoped.
fn previewed(preview: &Value) -> BTreeSet<(String, bool)> {
    preview["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                format!(
                    "{}/{}",
                    o["kind"].as_str().unwrap(),
                    o["name"].as_str().unwrap()
                ),
                o["clusterScoped"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// Whether the cluster still has the object a preview entry names.
async fn exists(client: &kube::Client, object: &Value) -> bool {
    let api_version = object["apiVersion"].as_str().unwrap();
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let gvk = GroupVersionKind::gvk(group, version, object["kind"].as_str().unwrap());
    let (resource, capabilities) = kube::discovery::pinned_kind(client, &gvk).await.unwrap();
    let api: Api<DynamicObject> = match (&capabilities.scope, object["namespace"].as_str()) {
        (Scope::Namespaced, Some(namespace)) => {
            Api::namespaced_with(client.clone(), namespace, &resource)
        }
        _ => Api::all_with(client.clone(), &resource),
    };
    api.get_opt(object["name"].as_str().unwrap())
        .await
        .unwrap()
        .is_some()
}

/// Starts a delete that removes the objects; returns the operation's path.
async fn delete(server: &TestServer, token: &str, path: &str) -> String {
    let (status, body) = server.call(Method::DELETE, path, Some(token), None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    format!(
        "{path}/operations/{}",
        body["operationId"].as_str().unwrap()
    )
}

/// Starts a rollback to `revision`; returns the operation's path and the revision it applies.
async fn rollback(server: &TestServer, token: &str, path: &str, revision: i32) -> (String, i64) {
    let (status, body) = server
        .post(
            &format!("{path}/rollback"),
            Some(token),
            json!({"revision": revision}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    (
        format!(
            "{path}/operations/{}",
            body["operationId"].as_str().unwrap()
        ),
        body["revision"].as_i64().unwrap(),
    )
}

async fn audit_actions(server: &TestServer, token: &str, path: &str) -> Vec<String> {
    let id = path.rsplit('/').next().unwrap();
    let (status, audit) = server
        .get(
            &format!("/api/v1/audit?target=deployment:{id}"),
            Some(token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{audit}");
    audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["action"].as_str().unwrap().to_string())
        .collect()
}

async fn a_deployment_lives_from_create_to_delete_and_leaves_nothing_behind(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(backend).await;
    server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let cluster_id = register_cluster(&server, &bob, &cluster).await;
    let path = create(&server, &bob, Some(&cluster_id), spec(true)).await;

    let (status, plan) = server
        .post(&format!("{path}/diff"), Some(&bob), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let planned = actions(&plan);
    for object in [
        "Namespace/shop",
        "Deployment/web",
        "Service/web",
        "ClusterRole/shop-reader",
    ] {
        assert!(
            planned.contains(&(object.into(), "create".into())),
            "{object}: {plan}"
        );
    }
    let done = finished(&server, &bob, &deploy(&server, &bob, &path).await).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    // The test cluster's controllers bring the workload up.
    let workloads: Api<KubeDeployment> = Api::namespaced(cluster.client(), "shop");
    eventually(OPERATION_DEADLINE, "the workload is available", || async {
        let live = workloads.get_opt("web").await.unwrap();
        live.and_then(|d| d.status)
            .and_then(|s| s.available_replicas)
            .is_some_and(|available| available >= 1)
    })
    .await;

    // A change that drops the Service: the plan prunes it and the deploy removes it.
    let (status, updated) = server
        .call(
            Method::PUT,
            &path,
            Some(&bob),
            Some(json!({"spec": spec(false), "revision": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    let (_, plan) = server
        .post(&format!("{path}/diff"), Some(&bob), json!({}))
        .await;
    assert!(
        actions(&plan).contains(&("Service/web".into(), "prune".into())),
        "{plan}"
    );
    let done = finished(&server, &bob, &deploy(&server, &bob, &path).await).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let services: Api<Service> = Api::namespaced(cluster.client(), "shop");
    assert!(services.get_opt("web").await.unwrap().is_none(), "pruned");
    let (status, diff) = server
        .get(&format!("{path}/revisions/1/diff/2"), Some(&bob))
        .await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    assert!(
        diff["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|field| field["path"].as_str().unwrap().starts_with("services")),
        "{diff}"
    );
    assert!(
        diff["yaml"].as_str().unwrap().contains("kind: Service"),
        "{diff}"
    );

    // Rolling back to revision 1 makes revision 3 with its spec and brings the Service back.
    let (operation, revision) = rollback(&server, &bob, &path, 1).await;
    assert_eq!(revision, 3);
    let done = finished(&server, &bob, &operation).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["targetRevision"], 3);
    assert!(
        object_states(&done).contains(&("Service/web".into(), "created".into())),
        "{done}"
    );
    assert!(services.get_opt("web").await.unwrap().is_some(), "back");
    let (_, record) = server.get(&path, Some(&bob)).await;
    assert_eq!(record["revision"], 3, "{record}");
    assert_eq!(record["appliedRevision"], 3, "{record}");
    let (_, first) = server.get(&format!("{path}/revisions/1"), Some(&bob)).await;
    let (_, third) = server.get(&format!("{path}/revisions/3"), Some(&bob)).await;
    assert_eq!(first["spec"], third["spec"]);
    // Rolling back to what the newest revision already has deploys it without a new revision.
    let (operation, revision) = rollback(&server, &bob, &path, 3).await;
    assert_eq!(revision, 3);
    let done = finished(&server, &bob, &operation).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let (_, revisions) = server.get(&format!("{path}/revisions"), Some(&bob)).await;
    assert_eq!(revisions.as_array().unwrap().len(), 3, "{revisions}");
    let trail = audit_actions(&server, &bob, &path).await;
    assert_eq!(
        trail.iter().filter(|a| *a == "deployment.rollback").count(),
        2,
        "{trail:?}"
    );

    // The preview lists what the cluster holds of the app, cluster-scoped objects included.
    let (status, preview) = server
        .get(&format!("{path}/delete-preview"), Some(&bob))
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let listed = previewed(&preview);
    for expected in [
        ("Namespace/shop", true),
        ("ClusterRole/shop-reader", true),
        ("Deployment/web", false),
        ("Service/web", false),
    ] {
        assert!(
            listed.contains(&(expected.0.to_string(), expected.1)),
            "{expected:?}: {preview}"
        );
    }
    let (_, plan) = server
        .post(&format!("{path}/diff"), Some(&bob), json!({}))
        .await;
    let desired: BTreeSet<String> = actions(&plan).into_iter().map(|(o, _)| o).collect();
    let names: BTreeSet<String> = listed.iter().map(|(o, _)| o.clone()).collect();
    assert_eq!(names, desired, "every object of the app, nothing else");
    let objects = preview["objects"].as_array().unwrap().clone();
    for object in &objects {
        assert!(exists(&cluster.client(), object).await, "{object}");
    }

    // Deleting removes every one of them and then hides the record.
    let done = finished(&server, &bob, &delete(&server, &bob, &path).await).await;
    assert_eq!(done["kind"], "delete", "{done}");
    assert_eq!(done["state"], "succeeded", "{done}");
    for object in &objects {
        assert!(!exists(&cluster.client(), object).await, "left: {object}");
    }
    for route in [
        path.clone(),
        format!("{path}/revisions"),
        format!("{path}/delete-preview"),
    ] {
        let (status, body) = server.get(&route, Some(&bob)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{route}: {body}");
    }
    let (_, page) = server.get("/api/v1/deployments", Some(&bob)).await;
    assert_eq!(page["items"], json!([]), "{page}");
    let trail = audit_actions(&server, &bob, &path).await;
    assert_eq!(trail[0], "deployment.delete", "{trail:?}");
    assert!(
        trail.contains(&"deployment.create".to_string()),
        "{trail:?}"
    );
    server.stop().await;
}

async fn a_delete_whose_cluster_is_down_fails_keeps_the_record_and_a_retry_works(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(backend).await;
    let (alice, _) = server.register("alice").await;
    let cluster_id = register_cluster(&server, &alice, &cluster).await;
    let path = create(&server, &alice, Some(&cluster_id), spec(true)).await;
    let done = finished(&server, &alice, &deploy(&server, &alice, &path).await).await;
    assert_eq!(done["state"], "succeeded", "{done}");

    cluster.knobs().set_down(true);
    let done = finished(&server, &alice, &delete(&server, &alice, &path).await).await;
    assert_eq!(done["state"], "failed", "{done}");
    let cause = done["error"].as_str().unwrap();
    assert!(!cause.is_empty(), "{done}");
    let (status, record) = server.get(&path, Some(&alice)).await;
    assert_eq!(status, StatusCode::OK, "the record stays: {record}");
    assert_eq!(record["status"], "failed", "{record}");
    assert!(
        record["statusReason"].as_str().unwrap().contains(cause),
        "{record}"
    );
    let (status, body) = server
        .get(&format!("{path}/delete-preview"), Some(&alice))
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");

    cluster.knobs().set_down(false);
    let (_, preview) = server
        .get(&format!("{path}/delete-preview"), Some(&alice))
        .await;
    assert!(
        previewed(&preview).contains(&("Service/web".to_string(), false)),
        "nothing was removed: {preview}"
    );
    let done = finished(&server, &alice, &delete(&server, &alice, &path).await).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    for object in preview["objects"].as_array().unwrap() {
        assert!(!exists(&cluster.client(), object).await, "left: {object}");
    }
    let (status, _) = server.get(&path, Some(&alice)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

async fn rollback_and_delete_refuse_bad_input_running_operations_and_strangers(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(backend).await;
    let (alice, _) = server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let (carol, _) = server.register("carol").await;
    let cluster_id = register_cluster(&server, &bob, &cluster).await;
    let path = create(&server, &bob, Some(&cluster_id), spec(true)).await;

    // Diff and deploy take an empty body, with or without a Content-Type, as `{}`.
    let (status, plan) = server
        .call(Method::POST, &format!("{path}/diff"), Some(&bob), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let response = server
        .http
        .post(format!("{}{path}/diff", server.base))
        .bearer_auth(&bob)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = server
        .http
        .post(format!("{}{path}/diff", server.base))
        .bearer_auth(&bob)
        .header("content-type", "text/plain")
        .body("revision=1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (status, accepted) = server
        .call(Method::POST, &format!("{path}/deploy"), Some(&bob), None)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    assert_eq!(accepted["revision"], 1, "{accepted}");
    let operation = format!(
        "{path}/operations/{}",
        accepted["operationId"].as_str().unwrap()
    );
    finished(&server, &bob, &operation).await;
    let (status, _) = server
        .call(
            Method::PUT,
            &path,
            Some(&bob),
            Some(json!({"spec": spec(false), "revision": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Bad rollbacks: the field is named, an unknown revision is not found.
    let rollback_path = format!("{path}/rollback");
    let (status, body) = server
        .call(Method::POST, &rollback_path, Some(&bob), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["revision"], "{body}");
    for (request, paths) in [
        (json!({"revision": "one"}), vec!["revision"]),
        (json!({"revision": 1, "adopt": true}), vec!["adopt"]),
    ] {
        let (status, body) = server.post(&rollback_path, Some(&bob), request).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(field_paths(&body), paths, "{body}");
    }
    let (status, body) = server
        .post(&rollback_path, Some(&bob), json!({"revision": 9}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // Strangers find nothing; nobody gets in without a token; administrators may.
    for (method, route) in [
        (Method::POST, rollback_path.clone()),
        (Method::DELETE, path.clone()),
        (Method::DELETE, format!("{path}?keepResources=true")),
        (Method::GET, format!("{path}/delete-preview")),
    ] {
        let body = (method == Method::POST).then(|| json!({"revision": 1}));
        let (status, answer) = server
            .call(method.clone(), &route, Some(&carol), body.clone())
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {route}: {answer}");
        let (status, _) = server.call(method.clone(), &route, None, body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {route}");
    }
    let (status, preview) = server
        .get(&format!("{path}/delete-preview"), Some(&alice))
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert!(!previewed(&preview).is_empty(), "{preview}");
    let (_, revisions) = server.get(&format!("{path}/revisions"), Some(&bob)).await;
    assert_eq!(revisions.as_array().unwrap().len(), 2, "{revisions}");

    // While an operation runs, neither a rollback nor a delete starts, and no revision is made.
    cluster.knobs().inject_latency(Duration::from_millis(1500));
    let running = deploy(&server, &bob, &path).await;
    let (status, body) = server
        .post(&rollback_path, Some(&bob), json!({"revision": 1}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "operation_in_progress", "{body}");
    for route in [path.clone(), format!("{path}?keepResources=true")] {
        let (status, body) = server.call(Method::DELETE, &route, Some(&bob), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{route}: {body}");
        assert_eq!(body["error"]["code"], "operation_in_progress", "{body}");
    }
    let (_, revisions) = server.get(&format!("{path}/revisions"), Some(&bob)).await;
    assert_eq!(revisions.as_array().unwrap().len(), 2, "{revisions}");
    cluster.knobs().inject_latency(Duration::ZERO);
    let done = finished(&server, &bob, &running).await;
    assert_eq!(done["state"], "succeeded", "{done}");

    // The administrator rolls back and deletes someone else's deployment.
    let (operation, revision) = rollback(&server, &alice, &path, 1).await;
    assert_eq!(revision, 3);
    finished(&server, &alice, &operation).await;
    let done = finished(&server, &alice, &delete(&server, &alice, &path).await).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let (status, _) = server.get(&path, Some(&bob)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

async fn drafts_and_kept_resources_are_forgotten_at_once(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(backend).await;
    let (alice, _) = server.register("alice").await;
    let cluster_id = register_cluster(&server, &alice, &cluster).await;

    // A draft never applied has nothing in the cluster: an empty preview, deleted at once.
    let draft = create(&server, &alice, Some(&cluster_id), spec(true)).await;
    let (status, preview) = server
        .get(&format!("{draft}/delete-preview"), Some(&alice))
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["objects"], json!([]), "{preview}");
    let (status, body) = server
        .call(Method::DELETE, &draft, Some(&alice), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = server.get(&draft, Some(&alice)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // keepResources forgets the record and leaves the objects running.
    let path = create(&server, &alice, Some(&cluster_id), spec(true)).await;
    let done = finished(&server, &alice, &deploy(&server, &alice, &path).await).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let (status, body) = server
        .call(
            Method::DELETE,
            &format!("{path}?keepResources=true"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = server.get(&path, Some(&alice)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let services: Api<Service> = Api::namespaced(cluster.client(), "shop");
    assert!(services.get_opt("web").await.unwrap().is_some(), "kept");
    let workloads: Api<KubeDeployment> = Api::namespaced(cluster.client(), "shop");
    assert!(workloads.get_opt("web").await.unwrap().is_some(), "kept");
    server.stop().await;
}
