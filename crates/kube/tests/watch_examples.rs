//! Every example app, rendered by the one renderer (membership labels included) and created on
//! the test cluster, converges to Current as the watch sees it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Duration;

use kube::api::{Api, DynamicObject, GroupVersionKind, Patch, PatchParams, PostParams};
use kube::discovery::{Scope, pinned_kind};
use kubechart_kube::ObjectRef;
use kubechart_kube::health::HealthState;
use kubechart_kube::watch::{ClusterWatch, WaitOutcome, WatchConfig};
use kubechart_manifest::{ApplySet, parse_spec, render_objects};
use kubechart_testcluster::{Options, TestCluster};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// What the examples expect to exist already: the shared Gateway that `api-gateway.yaml`'s
/// route attaches to.
fn prerequisites() -> Vec<serde_json::Value> {
    vec![
        serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "gateway-system"}}),
        serde_json::json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": {"name": "public", "namespace": "gateway-system"},
            "spec": {"gatewayClassName": "eg", "listeners": [
                {"name": "https", "protocol": "HTTPS", "port": 443, "hostname": "*.example.com",
                 "allowedRoutes": {"namespaces": {"from": "All"}}}]}}),
    ]
}

async fn create_all(client: &kube::Client, objects: &[serde_json::Value]) -> Vec<ObjectRef> {
    let mut refs = Vec::new();
    for object in objects {
        let reference = ObjectRef::of(object).unwrap();
        let gvk = GroupVersionKind::gvk(reference.group(), reference.version(), &reference.kind);
        let (resource, capabilities) = pinned_kind(client, &gvk).await.unwrap();
        let api: Api<DynamicObject> = match (&capabilities.scope, &reference.namespace) {
            (Scope::Namespaced, Some(namespace)) => {
                Api::namespaced_with(client.clone(), namespace, &resource)
            }
            _ => Api::all_with(client.clone(), &resource),
        };
        let body: DynamicObject = serde_json::from_value(object.clone()).unwrap();
        if let Err(error) = api.create(&PostParams::default(), &body).await {
            panic!("{reference}: {error}");
        }
        if reference.kind == "BackendTrafficPolicy" {
            // The test cluster runs no Envoy Gateway policy controller: write what it would.
            let accepted = serde_json::json!({"status": {"ancestors": [{
                "ancestorRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway",
                    "name": "public", "namespace": "gateway-system"},
                "controllerName": "gateway.envoyproxy.io/gatewayclass-controller",
                "conditions": [{"type": "Accepted", "status": "True", "reason": "Accepted",
                    "message": "Policy has been accepted.", "observedGeneration": 1,
                    "lastTransitionTime": "2026-11-30T07:00:00Z"}]}]}});
            api.patch_status(
                &reference.name,
                &PatchParams::default(),
                &Patch::Merge(&accepted),
            )
            .await
            .unwrap();
        }
        refs.push(reference);
    }
    refs
}

#[tokio::test]
async fn every_example_converges_to_current() {
    // The restricted user's namespace is created with the cluster; keep it off the examples'.
    let options = Options {
        restricted_namespaces: vec!["restricted".into()],
        ..Options::default()
    };
    let cluster = TestCluster::start(options).await.unwrap();
    let client = cluster.client();
    let cancel = CancellationToken::new();
    let config = WatchConfig {
        failure_grace: Duration::ZERO,
        ..WatchConfig::default()
    };
    let watch = ClusterWatch::new(client.clone(), config, &cancel);
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    create_all(&client, &prerequisites()).await;
    let mut problems = Vec::new();
    let mut namespaces = std::collections::HashSet::new();
    let mut files: Vec<_> = std::fs::read_dir(&examples)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy();
        let text = std::fs::read_to_string(path).unwrap();
        let spec = parse_spec(&text).unwrap();
        let objects: Vec<serde_json::Value> = render_objects(&spec)
            .unwrap()
            .iter()
            .map(|o| o.to_value().unwrap())
            .collect();
        let renders_its_namespace = objects
            .iter()
            .any(|o| o["kind"] == "Namespace" && o["metadata"]["name"] == spec.namespace.as_str());
        if !renders_its_namespace && namespaces.insert(spec.namespace.clone()) {
            let namespace = serde_json::json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": spec.namespace}});
            create_all(&client, &[namespace]).await;
        }
        let refs = create_all(&client, &objects).await;
        let outcome = watch
            .wait_for(&refs, Instant::now() + Duration::from_secs(30), |_, _| {})
            .await
            .unwrap();
        if outcome != WaitOutcome::Current {
            problems.push(format!("{name}: {outcome:?}"));
            continue;
        }
        let set = ApplySet::of_app(&spec.name, &spec.namespace);
        let snapshot = watch.snapshot(&set.id).await;
        if snapshot.health.state != HealthState::Current {
            problems.push(format!("{name}: app {:?}", snapshot.health));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    watch.shutdown().await;
}
