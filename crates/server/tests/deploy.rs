//! Diff, deploy and operations over real HTTP on both databases, against the Kubernetes API test
//! server: a plan of creates, a deploy that creates the objects, a change that prunes a Service,
//! one operation at a time, an unreachable cluster that fails the operation, an object of another
//! owner taken over only with `adopt`, and who may do what.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploying;

use common::{Backend, TestServer, eventually};
use deploying::{
    OPERATION_DEADLINE, actions, create, deploy, finished, object_states, register_cluster,
    shop_app,
};
use k8s_openapi::api::apps::v1::Deployment as KubeDeployment;
use k8s_openapi::api::core::v1::Service;
use kube::Api;
use kubechart_testcluster::{Options, TestCluster};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;

on_both_backends!(
    a_deployment_is_planned_deployed_and_pruned,
    one_operation_runs_at_a_time,
    an_unreachable_cluster_fails_the_operation_and_a_later_deploy_works,
    only_the_owner_and_administrators_diff_deploy_and_read_operations,
    an_object_of_another_owner_is_taken_over_only_with_adopt,
);

async fn a_deployment_is_planned_deployed_and_pruned(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(backend).await;
    server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let cluster_id = register_cluster(&server, &bob, &cluster).await;
    let path = create(&server, &bob, Some(&cluster_id), shop_app(true)).await;

    let (status, plan) = server
        .post(&format!("{path}/diff"), Some(&bob), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["revision"], 1);
    let planned = actions(&plan);
    assert!(
        planned.contains(&("Deployment/web".into(), "create".into())),
        "{plan}"
    );
    assert!(
        planned.contains(&("Service/web".into(), "create".into())),
        "{plan}"
    );
    assert!(
        planned.iter().all(|(_, action)| action == "create"),
        "{plan}"
    );
    let services: Api<Service> = Api::namespaced(cluster.client(), "shop");
    assert!(
        services.get_opt("web").await.unwrap().is_none(),
        "a diff changes nothing"
    );

    let operation = deploy(&server, &bob, &path).await;
    let done = finished(&server, &bob, &operation).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["kind"], "deploy");
    assert_eq!(done["targetRevision"], 1);
    let states = object_states(&done);
    assert!(
        states.contains(&("Deployment/web".into(), "created".into())),
        "{done}"
    );
    assert!(
        states.contains(&("Service/web".into(), "created".into())),
        "{done}"
    );
    let workloads: Api<KubeDeployment> = Api::namespaced(cluster.client(), "shop");
    assert!(workloads.get_opt("web").await.unwrap().is_some());
    assert!(services.get_opt("web").await.unwrap().is_some());
    let (_, record) = server.get(&path, Some(&bob)).await;
    // The deploy leaves it progressing; the cluster's watch says how far its objects are and
    // makes it ready once they are.
    assert!(
        matches!(record["status"].as_str(), Some("progressing" | "ready")),
        "{record}"
    );
    assert_eq!(record["appliedRevision"], 1, "{record}");

    let (status, plan) = server
        .post(&format!("{path}/diff"), Some(&bob), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(
        plan["hasChanges"], false,
        "a second plan finds nothing to do: {plan}"
    );

    let (status, updated) = server
        .call(
            Method::PUT,
            &path,
            Some(&bob),
            Some(json!({"spec": shop_app(false), "revision": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    let (status, plan) = server
        .post(&format!("{path}/diff"), Some(&bob), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["revision"], 2);
    assert!(
        actions(&plan).contains(&("Service/web".into(), "prune".into())),
        "{plan}"
    );
    let (status, old) = server
        .post(&format!("{path}/diff"), Some(&bob), json!({"revision": 1}))
        .await;
    assert_eq!(status, StatusCode::OK, "{old}");
    assert!(
        actions(&old)
            .iter()
            .all(|(_, action)| action == "unchanged"),
        "revision 1 is what runs: {old}"
    );

    let operation = deploy(&server, &bob, &path).await;
    let done = finished(&server, &bob, &operation).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert!(
        object_states(&done).contains(&("Service/web".into(), "pruned".into())),
        "{done}"
    );
    assert!(services.get_opt("web").await.unwrap().is_none(), "pruned");
    assert!(workloads.get_opt("web").await.unwrap().is_some());
    let (_, record) = server.get(&path, Some(&bob)).await;
    assert_eq!(record["appliedRevision"], 2, "{record}");
    let (status, plan) = server
        .post(&format!("{path}/diff"), Some(&bob), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(
        plan["hasChanges"], false,
        "the pruned Service left the recorded set: {plan}"
    );

    let (status, missing) = server
        .post(&format!("{path}/diff"), Some(&bob), json!({"revision": 9}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    server.stop().await;
}

async fn one_operation_runs_at_a_time(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(backend).await;
    let (alice, _) = server.register("alice").await;
    let cluster_id = register_cluster(&server, &alice, &cluster).await;
    let path = create(&server, &alice, Some(&cluster_id), shop_app(true)).await;

    cluster.knobs().inject_latency(Duration::from_millis(1500));
    let operation = deploy(&server, &alice, &path).await;
    let (status, refused) = server
        .post(&format!("{path}/deploy"), Some(&alice), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(
        refused["error"]["code"], "operation_in_progress",
        "{refused}"
    );
    let (_, running) = server.get(&operation, Some(&alice)).await;
    assert_eq!(running["state"], "applying", "{running}");
    eventually(
        OPERATION_DEADLINE,
        "per-object progress while the deploy runs",
        || async {
            let (_, running) = server.get(&operation, Some(&alice)).await;
            assert_eq!(running["state"], "applying", "{running}");
            running["objects"]
                .as_array()
                .is_some_and(|objects| !objects.is_empty())
        },
    )
    .await;
    let (_, record) = server.get(&path, Some(&alice)).await;
    assert_eq!(record["status"], "applying", "{record}");

    cluster.knobs().inject_latency(Duration::ZERO);
    let done = finished(&server, &alice, &operation).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let again = deploy(&server, &alice, &path).await;
    let done = finished(&server, &alice, &again).await;
    assert_eq!(
        done["state"], "succeeded",
        "the next deploy runs once the first ended: {done}"
    );
    server.stop().await;
}

async fn an_unreachable_cluster_fails_the_operation_and_a_later_deploy_works(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(backend).await;
    let (alice, _) = server.register("alice").await;
    let cluster_id = register_cluster(&server, &alice, &cluster).await;
    let path = create(&server, &alice, Some(&cluster_id), shop_app(true)).await;

    cluster.knobs().set_down(true);
    let operation = deploy(&server, &alice, &path).await;
    let done = finished(&server, &alice, &operation).await;
    assert_eq!(done["state"], "failed", "{done}");
    let error = done["error"].as_str().unwrap();
    assert!(!error.is_empty(), "{done}");
    let (_, record) = server.get(&path, Some(&alice)).await;
    assert_eq!(record["status"], "failed", "{record}");
    assert!(
        record["statusReason"].as_str().unwrap().contains(error),
        "the status names the cause: {record}"
    );
    assert!(record["appliedRevision"].is_null(), "{record}");
    let (status, body) = server
        .post(&format!("{path}/diff"), Some(&alice), json!({}))
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");

    cluster.knobs().set_down(false);
    let operation = deploy(&server, &alice, &path).await;
    let done = finished(&server, &alice, &operation).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let (_, record) = server.get(&path, Some(&alice)).await;
    assert!(
        matches!(record["status"].as_str(), Some("progressing" | "ready")),
        "{record}"
    );
    server.stop().await;
}

async fn only_the_owner_and_administrators_diff_deploy_and_read_operations(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(backend).await;
    let (alice, _) = server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let (carol, _) = server.register("carol").await;
    let cluster_id = register_cluster(&server, &bob, &cluster).await;
    let path = create(&server, &bob, Some(&cluster_id), shop_app(true)).await;
    let operation = deploy(&server, &bob, &path).await;
    finished(&server, &bob, &operation).await;

    for (route, body) in [("diff", json!({})), ("deploy", json!({}))] {
        let (status, refused) = server
            .post(&format!("{path}/{route}"), Some(&carol), body)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{route}: {refused}");
    }
    let (status, _) = server.get(&operation, Some(&carol)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server.post(&format!("{path}/diff"), None, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, plan) = server
        .post(&format!("{path}/diff"), Some(&alice), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let (status, _) = server.get(&operation, Some(&alice)).await;
    assert_eq!(status, StatusCode::OK);
    let by_admin = deploy(&server, &alice, &path).await;
    let done = finished(&server, &alice, &by_admin).await;
    assert_eq!(done["state"], "succeeded", "{done}");

    let carol_cluster = register_cluster(&server, &carol, &cluster).await;
    let other = create(
        &server,
        &carol,
        Some(&carol_cluster),
        json!({
            "name": "blog", "namespace": "blog", "createNamespace": true,
            "workloads": [{"name": "web", "containers": [{"name": "web", "image": "nginx:1.27"}]}],
        }),
    )
    .await;
    let (status, _) = server
        .get(
            &format!(
                "{other}/operations/{}",
                by_admin.rsplit('/').next().unwrap()
            ),
            Some(&carol),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "an operation is reached only through its deployment"
    );

    let draft = create(
        &server,
        &carol,
        None,
        json!({
            "name": "draft", "namespace": "draft",
            "workloads": [{"name": "web", "containers": [{"name": "web", "image": "nginx:1.27"}]}],
        }),
    )
    .await;
    for route in ["diff", "deploy"] {
        let (status, refused) = server
            .post(&format!("{draft}/{route}"), Some(&carol), json!({}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{route}: {refused}");
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("no cluster"),
            "{refused}"
        );
    }
    server.stop().await;
}

async fn an_object_of_another_owner_is_taken_over_only_with_adopt(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let namespaces: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(cluster.client());
    let setup = kube::api::PatchParams::apply("test-setup");
    namespaces
        .patch(
            "shop",
            &setup,
            &kube::api::Patch::Apply(json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": "shop"}})),
        )
        .await
        .unwrap();
    let services: Api<Service> = Api::namespaced(cluster.client(), "shop");
    services
        .patch(
            "web",
            &setup,
            &kube::api::Patch::Apply(json!({"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "web", "namespace": "shop"},
                "spec": {"ports": [{"port": 80}]}})),
        )
        .await
        .unwrap();
    let server = TestServer::start(backend).await;
    let (alice, _) = server.register("alice").await;
    let cluster_id = register_cluster(&server, &alice, &cluster).await;
    let mut app = shop_app(true);
    app["createNamespace"] = json!(false);
    let path = create(&server, &alice, Some(&cluster_id), app).await;

    let (status, plan) = server
        .post(&format!("{path}/diff"), Some(&alice), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let adopted = plan["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["object"]["kind"] == "Service")
        .unwrap();
    assert_eq!(adopted["action"], "adopt", "{plan}");

    let operation = deploy(&server, &alice, &path).await;
    let done = finished(&server, &alice, &operation).await;
    assert_eq!(done["state"], "failed", "{done}");
    assert!(
        done["error"].as_str().unwrap().contains("adopt"),
        "the refusal says how to go ahead: {done}"
    );
    let (_, record) = server.get(&path, Some(&alice)).await;
    assert_eq!(record["status"], "failed", "{record}");
    let workloads: Api<KubeDeployment> = Api::namespaced(cluster.client(), "shop");
    assert!(
        workloads.get_opt("web").await.unwrap().is_none(),
        "a refused plan writes nothing"
    );

    let (status, body) = server
        .post(
            &format!("{path}/deploy"),
            Some(&alice),
            json!({"adopt": true}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let operation = format!(
        "{path}/operations/{}",
        body["operationId"].as_str().unwrap()
    );
    let done = finished(&server, &alice, &operation).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert!(workloads.get_opt("web").await.unwrap().is_some());
    let (_, record) = server.get(&path, Some(&alice)).await;
    assert!(
        matches!(record["status"].as_str(), Some("progressing" | "ready")),
        "{record}"
    );
    server.stop().await;
}
