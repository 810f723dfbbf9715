//! Import from a cluster over real HTTP, against the Kubernetes API test server: an app made with
//! kubectl (no KubeChart labels) is imported from its namespace, its plan adopts every object and
//! says whether pods roll, and its first deploy takes the objects over in place (same uids, no
//! immutable-field failure) without `adopt`; from then on it is managed and a second import finds
//! nothing. Also the namespace picker, input checks and who may do what.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploying;

use common::{Backend, TestServer, field_paths, poll_until};
use deploying::{create, deploy, finished, register_cluster, shop_app};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::api::{Api, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams};
use kube::discovery::ApiResource;
use kubechart_testcluster::{Options, TestCluster};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

on_both_backends!(an_app_made_with_kubectl_is_imported_and_taken_over_in_place);

/// `(apiVersion, kind, name)` of the objects kubectl made.
const MADE_WITH_KUBECTL: [(&str, &str, &str); 5] = [
    ("v1", "ConfigMap", "web-config"),
    ("v1", "Secret", "web-secret"),
    ("apps/v1", "Deployment", "web"),
    ("v1", "Service", "web"),
    ("networking.k8s.io/v1", "Ingress", "web"),
];

fn manifests() -> Vec<Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "web-config", "namespace": "shop"},
            "data": {"default.conf": "server { listen 8080; }\n"}}),
        json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "web-secret", "namespace": "shop"},
            "type": "Opaque", "data": {"API_KEY": "c2VjcmV0"}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [{
                        "name": "web", "image": "nginx:1.27",
                        "ports": [{"name": "http", "containerPort": 8080}],
                        "envFrom": [{"secretRef": {"name": "web-secret"}}],
                        "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"},
                            "periodSeconds": 5},
                        "livenessProbe": {"tcpSocket": {"port": 8080},
                            "initialDelaySeconds": 10},
                        "volumeMounts": [{"name": "config", "mountPath": "/etc/nginx/conf.d"}],
                    }],
                    "volumes": [{"name": "config", "configMap": {"name": "web-config"}}],
                },
            },
        }}),
        json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
            "spec": {"selector": {"app": "web"},
                "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"rules": [{"host": "shop.example.com", "http": {"paths": [{
                "path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}),
    ]
}

fn api(cluster: &TestCluster, api_version: &str, kind: &str) -> Api<DynamicObject> {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind));
    Api::namespaced_with(cluster.client(), "shop", &resource)
}

/// The namespace and the app as `kubectl apply --server-side` makes them, plus what Kubernetes
/// puts in every namespace (the test cluster does not run the service-account and root-CA
/// publishers, so they are written here, by the manager that writes them in a real cluster).
async fn made_with_kubectl(cluster: &TestCluster) {
    let kubectl = PatchParams::apply("kubectl");
    let namespaces: Api<Namespace> = Api::all(cluster.client());
    namespaces
        .patch(
            "shop",
            &kubectl,
            &Patch::Apply(json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": "shop"}})),
        )
        .await
        .unwrap();
    let controller_manager = PatchParams::apply("kube-controller-manager");
    for object in [
        json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "default", "namespace": "shop"}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "kube-root-ca.crt", "namespace": "shop"},
            "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\n"}}),
    ] {
        let kind = object["kind"].as_str().unwrap();
        let name = object["metadata"]["name"].as_str().unwrap();
        api(cluster, "v1", kind)
            .patch(name, &controller_manager, &Patch::Apply(&object))
            .await
            .unwrap();
    }
    for object in manifests() {
        let (api_version, kind) = (
            object["apiVersion"].as_str().unwrap(),
            object["kind"].as_str().unwrap(),
        );
        let name = object["metadata"]["name"].as_str().unwrap();
        api(cluster, api_version, kind)
            .patch(name, &kubectl, &Patch::Apply(&object))
            .await
            .unwrap();
    }
    // The Deployment's ReplicaSet and pods: what an import must leave to their controller.
    let replica_sets: Api<ReplicaSet> = Api::namespaced(cluster.client(), "shop");
    let pods: Api<Pod> = Api::namespaced(cluster.client(), "shop");
    poll_until(Duration::from_secs(20), "the Deployment's pods", || async {
        let sets = replica_sets.list(&ListParams::default()).await.unwrap();
        let running = pods.list(&ListParams::default()).await.unwrap();
        (!sets.items.is_empty() && running.items.len() == 2).then_some(())
    })
    .await;
}

/// `kind/name` → uid of the objects kubectl made.
async fn uids(cluster: &TestCluster) -> BTreeMap<String, String> {
    let mut uids = BTreeMap::new();
    for (api_version, kind, name) in MADE_WITH_KUBECTL {
        let live = api(cluster, api_version, kind).get(name).await.unwrap();
        uids.insert(format!("{kind}/{name}"), live.metadata.uid.unwrap());
    }
    uids
}

fn kinds_and_names(items: &Value, object: &str) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let o = if object.is_empty() { o } else { &o[object] };
            format!(
                "{}/{}",
                o["kind"].as_str().unwrap(),
                o["name"].as_str().unwrap()
            )
        })
        .collect()
}

fn skip_reason<'a>(report: &'a Value, kind: &str, name_prefix: &str) -> Option<&'a str> {
    report["skipped"].as_array().unwrap().iter().find_map(|s| {
        (s["object"]["kind"] == kind
            && s["object"]["name"]
                .as_str()
                .is_some_and(|n| n.starts_with(name_prefix)))
        .then(|| s["reason"].as_str().unwrap())
    })
}

async fn an_app_made_with_kubectl_is_imported_and_taken_over_in_place(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(backend).await;
    server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let cluster_id = register_cluster(&server, &bob, &cluster).await;
    made_with_kubectl(&cluster).await;
    let before = uids(&cluster).await;

    let import = format!("/api/v1/clusters/{cluster_id}/import");
    let (status, imported) = server
        .post(&import, Some(&bob), json!({"namespace": "shop"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{imported}");
    let report = &imported["report"];
    let mut taken = kinds_and_names(&report["objects"], "");
    taken.sort();
    let mut expected: Vec<String> = MADE_WITH_KUBECTL
        .iter()
        .map(|(_, kind, name)| format!("{kind}/{name}"))
        .collect();
    expected.sort();
    assert_eq!(taken, expected, "{report}");
    assert!(
        report["objects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["outcome"] == "form"),
        "every object has its form entry: {report}"
    );
    assert!(
        skip_reason(report, "ReplicaSet", "web-").is_some_and(|r| r.contains("Deployment web")),
        "{report}"
    );
    assert_eq!(
        report["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["object"]["kind"] == "Pod")
            .count(),
        2,
        "{report}"
    );
    assert!(
        skip_reason(report, "Pod", "web-").is_some_and(|r| r.contains("made by ReplicaSet")),
        "{report}"
    );
    assert!(
        skip_reason(report, "ServiceAccount", "default").is_some(),
        "{report}"
    );
    assert!(
        skip_reason(report, "ConfigMap", "kube-root-ca.crt").is_some(),
        "{report}"
    );
    assert_eq!(report["unlisted"], json!([]), "{report}");
    let deployment = &imported["deployment"];
    assert_eq!(deployment["status"], "draft", "{deployment}");
    assert_eq!(deployment["namespace"], "shop");
    assert_eq!(deployment["clusterId"], cluster_id.as_str());
    assert_eq!(deployment["adoptsOnDeploy"], true, "{deployment}");
    let path = format!("/api/v1/deployments/{}", deployment["id"].as_str().unwrap());
    let (_, audit) = server
        .get(
            &format!(
                "/api/v1/audit?target=deployment:{}",
                deployment["id"].as_str().unwrap()
            ),
            Some(&bob),
        )
        .await;
    assert_eq!(audit["items"][0]["action"], "deployment.import", "{audit}");

    // The same name in the same namespace of the same cluster: taken, as for a create.
    let (status, clash) = server
        .post(&import, Some(&bob), json!({"namespace": "shop"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{clash}");
    assert_eq!(field_paths(&clash), ["name"], "{clash}");

    let (status, plan) = server
        .post(&format!("{path}/diff"), Some(&bob), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let objects = plan["objects"].as_array().unwrap();
    assert_eq!(objects.len(), MADE_WITH_KUBECTL.len(), "{plan}");
    assert!(objects.iter().all(|o| o["action"] == "adopt"), "{plan}");
    let web = objects
        .iter()
        .find(|o| o["object"]["kind"] == "Deployment")
        .unwrap();
    // KubeChart's labels reach the pod template, so adopting the Deployment rolls its pods: the
    // plan says so before anything is applied.
    assert_eq!(web["rollsPods"], true, "{web}");
    let reason = web["rollsPodsReason"].as_str().unwrap();
    assert!(
        reason.starts_with(
            "the pod template changes (metadata.labels[app.kubernetes.io/instance], metadata.labels[app.kubernetes.io/managed-by]"
        ),
        "{reason}"
    );
    assert!(
        reason.ends_with("the Deployment replaces its running pods"),
        "{reason}"
    );
    assert!(
        objects
            .iter()
            .filter(|o| o["object"]["kind"] != "Deployment")
            .all(|o| o["rollsPods"] == false && o["rollsPodsReason"].is_null()),
        "{plan}"
    );

    // Deployed without `adopt`: the import marked the objects for adoption.
    let operation = deploy(&server, &bob, &path).await;
    let done = finished(&server, &bob, &operation).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(uids(&cluster).await, before, "nothing was recreated");
    for (api_version, kind, name) in MADE_WITH_KUBECTL {
        let live = api(&cluster, api_version, kind).get(name).await.unwrap();
        let labels = live.metadata.labels.unwrap_or_default();
        assert_eq!(
            labels
                .get("app.kubernetes.io/managed-by")
                .map(String::as_str),
            Some("kubechart"),
            "{kind}/{name}: {labels:?}"
        );
        assert!(
            labels.contains_key("applyset.kubernetes.io/part-of"),
            "{kind}/{name}: {labels:?}"
        );
    }
    let live_web = api(&cluster, "apps/v1", "Deployment")
        .get("web")
        .await
        .unwrap();
    assert_eq!(
        live_web.data["spec"]["selector"],
        json!({"matchLabels": {"app": "web"}}),
        "the selector is kept as it was"
    );
    let (_, record) = server.get(&path, Some(&bob)).await;
    assert_eq!(record["appliedRevision"], 1, "{record}");
    assert_eq!(record["adoptsOnDeploy"], false, "{record}");

    let (status, plan) = server
        .post(&format!("{path}/diff"), Some(&bob), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["hasChanges"], false, "managed from now on: {plan}");

    // The namespace now holds one app's objects: a second import finds nothing of its own.
    let (status, again) = server
        .post(
            &import,
            Some(&bob),
            json!({"namespace": "shop", "name": "shop-again"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
    assert_eq!(field_paths(&again), ["namespace"], "{again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_namespace_picker_lists_the_clusters_namespaces() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(Backend::Sqlite).await;
    server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let (carol, _) = server.register("carol").await;
    let cluster_id = register_cluster(&server, &bob, &cluster).await;
    let path = format!("/api/v1/clusters/{cluster_id}/namespaces");

    let (status, body) = server.get(&path, Some(&bob)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let names: Vec<&str> = body["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"default") && names.contains(&"kube-system"),
        "{body}"
    );
    assert!(names.is_sorted(), "{body}");

    let (status, _) = server.get(&path, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = server.get(&path, Some(&carol)).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another user's cluster: {body}"
    );

    cluster.knobs().set_down(true);
    let (status, body) = server.get(&path, Some(&bob)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "cluster_unreachable", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_says_what_is_wrong_with_its_input() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(Backend::Sqlite).await;
    server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let (carol, _) = server.register("carol").await;
    let cluster_id = register_cluster(&server, &bob, &cluster).await;
    let import = format!("/api/v1/clusters/{cluster_id}/import");

    let (status, _) = server
        .call(
            Method::POST,
            &import,
            None,
            Some(json!({"namespace": "shop"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = server
        .post(&import, Some(&carol), json!({"namespace": "shop"}))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "not shared with carol: {body}"
    );

    let (status, body) = server
        .post(
            &import,
            Some(&bob),
            json!({"namespace": "Shop!", "selector": "app in (web"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["namespace", "selector"], "{body}");

    let (status, body) = server
        .post(&import, Some(&bob), json!({"namespace": "nowhere"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["namespace"], "{body}");

    made_with_kubectl(&cluster).await;
    let (status, body) = server
        .post(
            &import,
            Some(&bob),
            json!({"namespace": "shop", "selector": "app=blog"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["namespace", "selector"], "{body}");

    // A selector picks part of the namespace: the objects labelled app=web.
    let (status, body) = server
        .post(
            &import,
            Some(&bob),
            json!({"namespace": "shop", "selector": "app=web", "name": "web"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut taken = kinds_and_names(&body["report"]["objects"], "");
    taken.sort();
    assert_eq!(taken, ["Deployment/web", "Service/web"], "{body}");
    assert_eq!(body["deployment"]["name"], "web");

    // A draft made by hand adopts nothing unasked.
    let hand_made = create(&server, &bob, Some(&cluster_id), shop_app(false)).await;
    let (_, record) = server.get(&hand_made, Some(&bob)).await;
    assert_eq!(record["adoptsOnDeploy"], false, "{record}");
}
