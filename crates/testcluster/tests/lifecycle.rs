//! Deletion as kube-apiserver and its garbage collector do it, through the real kube-rs client:
//! foreground, background and orphan propagation, finalizers that hold an object Terminating,
//! and namespaces that go only once they are empty.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{cluster, deployment, eventually, namespace};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

fn config_map(v: serde_json::Value) -> ConfigMap {
    serde_json::from_value(v).unwrap()
}

/// Creates `parent` and a `child` it owns (blocking owner deletion), the child holding
/// `finalizers`.
async fn family(cms: &Api<ConfigMap>, finalizers: &[&str]) {
    let parent = cms
        .create(
            &PostParams::default(),
            &config_map(json!({"metadata": {"name": "parent"}})),
        )
        .await
        .unwrap();
    let owner = json!({"apiVersion": "v1", "kind": "ConfigMap", "name": "parent",
        "uid": parent.metadata.uid.unwrap(), "blockOwnerDeletion": true});
    cms.create(
        &PostParams::default(),
        &config_map(json!({"metadata": {"name": "child", "ownerReferences": [owner], "finalizers": finalizers}})),
    )
    .await
    .unwrap();
}

async fn release(cms: &Api<ConfigMap>, name: &str) {
    cms.patch(
        name,
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn kube_apiserver_deletes_in_the_foreground_only_after_blocking_dependents_are_gone() {
    let c = cluster().await;
    let cms: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    family(&cms, &["example.com/hold"]).await;

    let pending = cms
        .delete("parent", &DeleteParams::foreground())
        .await
        .unwrap()
        .left()
        .expect("a foreground delete answers with the object being deleted");
    assert!(pending.metadata.deletion_timestamp.is_some());
    assert!(
        pending
            .metadata
            .finalizers
            .unwrap()
            .contains(&"foregroundDeletion".to_string())
    );

    eventually("the child is being deleted", WAIT, || async {
        cms.get("child")
            .await
            .unwrap()
            .metadata
            .deletion_timestamp
            .map(|_| ())
    })
    .await;
    let parent = cms.get("parent").await.unwrap();
    assert!(
        parent
            .metadata
            .finalizers
            .unwrap()
            .contains(&"foregroundDeletion".to_string()),
        "the owner waits for its Terminating dependent"
    );

    release(&cms, "child").await;
    eventually("the owner is gone", WAIT, || async {
        cms.get_opt("parent").await.unwrap().is_none().then_some(())
    })
    .await;
    assert!(cms.get_opt("child").await.unwrap().is_none());
}

#[tokio::test]
async fn kube_apiserver_deletes_dependents_in_the_background_and_orphans_on_request() {
    let c = cluster().await;
    let cms: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    family(&cms, &[]).await;
    let gone = cms
        .delete("parent", &DeleteParams::background())
        .await
        .unwrap();
    assert!(gone.is_right(), "no finalizer: the owner goes at once");
    eventually("the dependent is collected", WAIT, || async {
        cms.get_opt("child").await.unwrap().is_none().then_some(())
    })
    .await;

    family(&cms, &[]).await;
    cms.delete("parent", &DeleteParams::orphan()).await.unwrap();
    eventually("the owner is gone", WAIT, || async {
        cms.get_opt("parent").await.unwrap().is_none().then_some(())
    })
    .await;
    let child = cms.get("child").await.unwrap();
    assert!(child.metadata.deletion_timestamp.is_none());
    assert!(
        child
            .metadata
            .owner_references
            .unwrap_or_default()
            .is_empty(),
        "an orphan loses its ownerReference"
    );
}

#[tokio::test]
async fn kube_apiserver_keeps_an_object_with_a_foreign_finalizer_terminating_until_released() {
    let c = cluster().await;
    let cms: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    cms.create(
        &PostParams::default(),
        &config_map(json!({"metadata": {"name": "held", "finalizers": ["example.com/hold"]}})),
    )
    .await
    .unwrap();
    let pending = cms
        .delete("held", &DeleteParams::default())
        .await
        .unwrap()
        .left()
        .expect("the object stays while a finalizer remains");
    assert!(pending.metadata.deletion_timestamp.is_some());
    let again = cms.get("held").await.unwrap();
    assert_eq!(
        again.metadata.finalizers.unwrap(),
        vec!["example.com/hold".to_string()]
    );
    release(&cms, "held").await;
    assert!(cms.get_opt("held").await.unwrap().is_none());
}

#[tokio::test]
async fn kube_apiserver_empties_a_terminating_namespace_before_removing_it() {
    let c = cluster().await;
    let client = c.client();
    namespace(&client, "doomed").await;
    let deps: Api<Deployment> = Api::namespaced(client.clone(), "doomed");
    deps.create(
        &PostParams::default(),
        &serde_json::from_value(deployment("web", 1, "nginx")).unwrap(),
    )
    .await
    .unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "doomed");
    cms.create(
        &PostParams::default(),
        &config_map(json!({"metadata": {"name": "held", "finalizers": ["example.com/hold"]}})),
    )
    .await
    .unwrap();

    let namespaces: Api<Namespace> = Api::all(client.clone());
    let terminating = namespaces
        .delete("doomed", &DeleteParams::default())
        .await
        .unwrap()
        .left()
        .expect("a namespace is deleted asynchronously");
    assert_eq!(
        terminating.status.unwrap().phase.as_deref(),
        Some("Terminating")
    );

    let condition = eventually("the finalizer holds the namespace", WAIT, || async {
        namespaces
            .get("doomed")
            .await
            .unwrap()
            .status?
            .conditions?
            .into_iter()
            .find(|c| c.type_ == "NamespaceFinalizersRemaining")
    })
    .await;
    assert_eq!(condition.reason.as_deref(), Some("SomeFinalizersRemain"));
    assert_eq!(
        condition.message.as_deref(),
        Some(
            "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"
        )
    );
    assert!(
        deps.get_opt("web").await.unwrap().is_none(),
        "content deleted"
    );
    let err = cms
        .create(
            &PostParams::default(),
            &config_map(json!({"metadata": {"name": "late"}})),
        )
        .await
        .unwrap_err();
    match err {
        kube::Error::Api(s) => {
            assert_eq!(s.code, 403);
            assert!(
                s.message.ends_with("because it is being terminated"),
                "{}",
                s.message
            );
        }
        other => panic!("{other:?}"),
    }

    release(&cms, "held").await;
    eventually("the namespace is gone", WAIT, || async {
        namespaces
            .get_opt("doomed")
            .await
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await;
}

#[tokio::test]
async fn kube_apiserver_deletes_running_pods_gracefully_and_unscheduled_ones_at_once() {
    let c = cluster().await;
    let client = c.client();
    let pods: Api<k8s_openapi::api::core::v1::Pod> = Api::namespaced(client.clone(), "default");
    let pod = |name: &str| -> k8s_openapi::api::core::v1::Pod {
        serde_json::from_value(json!({"metadata": {"name": name}, "spec": {"containers": [{"name": "app", "image": "nginx"}]}}))
            .unwrap()
    };
    pods.create(&PostParams::default(), &pod("web"))
        .await
        .unwrap();
    eventually("the pod runs on the node", WAIT, || async {
        pods.get("web").await.unwrap().spec?.node_name
    })
    .await;
    let terminating = pods
        .delete("web", &DeleteParams::default())
        .await
        .unwrap()
        .left()
        .expect("a running pod is deleted gracefully");
    assert_eq!(terminating.metadata.deletion_grace_period_seconds, Some(30));
    assert!(terminating.metadata.deletion_timestamp.is_some());
    eventually("the kubelet removes the stopped pod", WAIT, || async {
        pods.get_opt("web").await.unwrap().is_none().then_some(())
    })
    .await;

    pods.create(&PostParams::default(), &pod("forced"))
        .await
        .unwrap();
    eventually("the pod runs on the node", WAIT, || async {
        pods.get("forced").await.unwrap().spec?.node_name
    })
    .await;
    let gone = pods
        .delete(
            "forced",
            &DeleteParams {
                grace_period_seconds: Some(0),
                ..DeleteParams::default()
            },
        )
        .await
        .unwrap();
    assert!(
        gone.is_left(),
        "a deleted pod is answered with its last state"
    );
    assert!(
        pods.get_opt("forced").await.unwrap().is_none(),
        "grace period 0 deletes at once"
    );
}

#[tokio::test]
async fn kube_apiserver_deletes_a_running_deployment_in_the_foreground() {
    let c = cluster().await;
    let deps: Api<Deployment> = Api::namespaced(c.client(), "default");
    deps.create(
        &PostParams::default(),
        &serde_json::from_value(deployment("web", 2, "nginx")).unwrap(),
    )
    .await
    .unwrap();
    eventually("the deployment is ready", WAIT, || async {
        deps.get("web")
            .await
            .unwrap()
            .status?
            .ready_replicas
            .filter(|r| *r == 2)
    })
    .await;
    deps.delete("web", &DeleteParams::foreground())
        .await
        .unwrap();
    eventually("the deployment and its tree are gone", WAIT, || async {
        deps.get_opt("web").await.unwrap().is_none().then_some(())
    })
    .await;
    let pods: Api<k8s_openapi::api::core::v1::Pod> = Api::namespaced(c.client(), "default");
    assert!(
        pods.list(&Default::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}
