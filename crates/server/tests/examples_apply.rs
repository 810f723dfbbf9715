//! What the renderer produces is what a cluster accepts: every example is server-side applied, in
//! the rendered order, through the real kube-rs client to the Kubernetes API test server, with kind
//! resolution by discovery as the apply engine does it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::discovery::{self, Scope};
use kubechart_testcluster::{Options, TestCluster};
use std::path::{Path, PathBuf};

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

async fn ensure_namespace(client: &kube::Client, name: &str) {
    let namespaces: Api<DynamicObject> = Api::all_with(
        client.clone(),
        &kube::api::ApiResource::from_gvk(&GroupVersionKind::gvk("", "v1", "Namespace")),
    );
    let namespace =
        serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
    namespaces
        .patch(
            name,
            &PatchParams::apply("kubechart-test"),
            &Patch::Apply(namespace),
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_is_accepted_by_server_side_apply() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let client = cluster.client();
    let mut applied = 0;
    for example in examples() {
        let spec =
            kubechart_manifest::parse_spec(&std::fs::read_to_string(&example).unwrap()).unwrap();
        let rendered = kubechart_manifest::render(&spec, &Default::default()).unwrap();
        for manifest in rendered.manifests {
            let object: DynamicObject = serde_json::from_value(manifest.clone()).unwrap();
            let types = object.types.clone().unwrap();
            let (group, version) = types
                .api_version
                .split_once('/')
                .unwrap_or(("", types.api_version.as_str()));
            let gvk = GroupVersionKind::gvk(group, version, &types.kind);
            let (resource, capabilities) = discovery::pinned_kind(&client, &gvk)
                .await
                .unwrap_or_else(|error| {
                    panic!("{}: {gvk:?} is not served: {error}", example.display())
                });
            let name = object.metadata.name.clone().unwrap();
            let api: Api<DynamicObject> = match capabilities.scope {
                Scope::Namespaced => {
                    let namespace = object.metadata.namespace.clone().unwrap();
                    ensure_namespace(&client, &namespace).await;
                    Api::namespaced_with(client.clone(), &namespace, &resource)
                }
                Scope::Cluster => Api::all_with(client.clone(), &resource),
            };
            let params = PatchParams::apply("kubechart").force();
            let stored = api
                .patch(&name, &params, &Patch::Apply(&object))
                .await
                .unwrap_or_else(|error| {
                    panic!(
                        "{}: {} {name} was refused: {error}",
                        example.display(),
                        types.kind
                    )
                });
            assert_eq!(stored.metadata.name.as_deref(), Some(name.as_str()));
            let labels = stored.metadata.labels.unwrap_or_default();
            assert_eq!(
                labels
                    .get("app.kubernetes.io/managed-by")
                    .map(String::as_str),
                Some("kubechart")
            );
            applied += 1;
        }
    }
    assert!(applied >= 23, "only {applied} objects applied");
}
