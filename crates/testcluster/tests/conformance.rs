//! Conformance: each test states a kube-apiserver behaviour and checks the test server has it,
//! through the real kube-rs client over HTTPS.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{cluster, deployment, dynamic, eventually, namespace};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod};
use kube::api::{
    Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams,
};
use kube::core::Status as ErrorResponse;
use kube::discovery::{Discovery, Scope};
use kubechart_testcluster::{CrdGroup, Options, TestCluster};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

fn api_error(e: kube::Error) -> ErrorResponse {
    match e {
        kube::Error::Api(s) => *s,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn cm(name: &str, labels: serde_json::Value) -> ConfigMap {
    serde_json::from_value(
        json!({"metadata": {"name": name, "labels": labels}, "data": {"k": "v"}}),
    )
    .unwrap()
}

#[tokio::test]
async fn kube_apiserver_serves_discovery_for_every_managed_kind_and_crd_groups_switch_off() {
    let c = cluster().await;
    let discovery = Discovery::new(c.client()).run().await.unwrap();
    let mut kinds = Vec::new();
    for group in discovery.groups() {
        for (ar, caps) in group.recommended_resources() {
            kinds.push((
                ar.group.clone(),
                ar.kind.clone(),
                caps.scope == Scope::Namespaced,
            ));
        }
    }
    for (group, kind, namespaced) in [
        ("", "Namespace", false),
        ("", "Pod", true),
        ("apps", "Deployment", true),
        ("batch", "CronJob", true),
        ("networking.k8s.io", "Ingress", true),
        ("rbac.authorization.k8s.io", "ClusterRole", false),
        ("gateway.networking.k8s.io", "HTTPRoute", true),
        ("cert-manager.io", "ClusterIssuer", false),
        ("gateway.envoyproxy.io", "BackendTrafficPolicy", true),
    ] {
        assert!(
            kinds.contains(&(group.to_string(), kind.to_string(), namespaced)),
            "{group}/{kind} discovered"
        );
    }
    c.knobs().disable_crd_group(CrdGroup::CertManager);
    let discovery = Discovery::new(c.client()).run().await.unwrap();
    assert!(!discovery.has_group("cert-manager.io"));
    assert!(discovery.has_group("gateway.networking.k8s.io"));
    let certs = dynamic(
        &c.client(),
        "default",
        "cert-manager.io",
        "v1",
        "Certificate",
        "certificates",
    );
    assert_eq!(
        api_error(certs.list(&ListParams::default()).await.unwrap_err()).code,
        404
    );
    c.knobs().enable_crd_group(CrdGroup::CertManager);
    assert!(
        Discovery::new(c.client())
            .run()
            .await
            .unwrap()
            .has_group("cert-manager.io")
    );
}

#[tokio::test]
async fn kube_apiserver_rejects_a_missing_or_wrong_token_with_401() {
    let c = cluster().await;
    let mut config = c.config();
    config.auth_info.token = Some("wrong".to_string().into());
    let client = kube::Client::try_from(config).unwrap();
    let err = api_error(
        Api::<ConfigMap>::default_namespaced(client)
            .list(&ListParams::default())
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (err.code, err.reason.as_str(), err.message.as_str()),
        (401, "Unauthorized", "Unauthorized")
    );
}

#[tokio::test]
async fn kube_apiserver_creates_gets_replaces_and_deletes_with_status_errors() {
    let c = cluster().await;
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    let created = api
        .create(&PostParams::default(), &cm("one", json!({"a": "1"})))
        .await
        .unwrap();
    assert!(created.metadata.uid.is_some() && created.metadata.creation_timestamp.is_some());
    let err = api_error(
        api.create(&PostParams::default(), &cm("one", json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!((err.code, err.reason.as_str()), (409, "AlreadyExists"));
    assert_eq!(err.message, "configmaps \"one\" already exists");

    let mut stale = created.clone();
    let mut fresh = created.clone();
    fresh.data = Some([("k".to_string(), "w".to_string())].into());
    let replaced = api
        .replace("one", &PostParams::default(), &fresh)
        .await
        .unwrap();
    assert!(
        replaced
            .metadata
            .resource_version
            .as_ref()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > created
                .metadata
                .resource_version
                .unwrap()
                .parse::<u64>()
                .unwrap()
    );
    stale.data = Some([("k".to_string(), "stale".to_string())].into());
    let err = api_error(
        api.replace("one", &PostParams::default(), &stale)
            .await
            .unwrap_err(),
    );
    assert_eq!((err.code, err.reason.as_str()), (409, "Conflict"));
    assert_eq!(
        err.message,
        "Operation cannot be fulfilled on configmaps \"one\": the object has been modified; please apply your changes to the latest version and try again"
    );

    api.delete("one", &DeleteParams::default()).await.unwrap();
    let err = api_error(api.get("one").await.unwrap_err());
    assert_eq!(
        (err.code, err.reason.as_str(), err.message.as_str()),
        (404, "NotFound", "configmaps \"one\" not found")
    );
    let deps: Api<Deployment> = Api::namespaced(c.client(), "default");
    let err = api_error(deps.get("web").await.unwrap_err());
    assert_eq!(err.message, "deployments.apps \"web\" not found");
}

#[tokio::test]
async fn kube_apiserver_refuses_writes_into_a_missing_namespace_and_empties_deleted_ones() {
    let c = cluster().await;
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "nope");
    let err = api_error(
        api.create(&PostParams::default(), &cm("x", json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (err.code, err.message.as_str()),
        (404, "namespaces \"nope\" not found")
    );

    namespace(&c.client(), "doomed").await;
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "doomed");
    api.create(&PostParams::default(), &cm("x", json!({})))
        .await
        .unwrap();
    let namespaces: Api<Namespace> = Api::all(c.client());
    namespaces
        .delete("doomed", &DeleteParams::default())
        .await
        .unwrap();
    eventually("namespace gone", WAIT, || async {
        namespaces
            .get_opt("doomed")
            .await
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await;
    assert!(
        api.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn kube_apiserver_lists_with_label_and_field_selectors_and_pages_with_continue() {
    let c = cluster().await;
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    for (name, tier) in [("a", "front"), ("b", "back"), ("c", "front"), ("d", "db")] {
        api.create(&PostParams::default(), &cm(name, json!({"tier": tier})))
            .await
            .unwrap();
    }
    let names = |l: kube::api::ObjectList<ConfigMap>| {
        l.items
            .into_iter()
            .map(|o| o.metadata.name.unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(
            api.list(&ListParams::default().labels("tier=front"))
                .await
                .unwrap()
        ),
        ["a", "c"]
    );
    assert_eq!(
        names(
            api.list(&ListParams::default().labels("tier in (back,db)"))
                .await
                .unwrap()
        ),
        ["b", "d"]
    );
    assert_eq!(
        names(
            api.list(&ListParams::default().labels("tier notin (front)"))
                .await
                .unwrap()
        ),
        ["b", "d"]
    );
    assert_eq!(
        names(
            api.list(&ListParams::default().fields("metadata.name=c"))
                .await
                .unwrap()
        ),
        ["c"]
    );
    let err = api_error(
        api.list(&ListParams::default().fields("data.k=v"))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (err.code, err.message.as_str()),
        (400, "field label not supported: data.k")
    );

    let first = api.list(&ListParams::default().limit(3)).await.unwrap();
    assert_eq!(first.items.len(), 3);
    assert_eq!(first.metadata.remaining_item_count, Some(1));
    let token = first.metadata.continue_.clone().unwrap();
    let rest = api
        .list(&ListParams::default().limit(3).continue_token(&token))
        .await
        .unwrap();
    assert_eq!(names(rest), ["d"]);
}

#[tokio::test]
async fn kube_apiserver_streams_watch_events_from_a_resource_version_in_order() {
    let c = cluster().await;
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    let start = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let mut stream = api
        .watch(&WatchParams::default().labels("app=w").timeout(30), &start)
        .await
        .unwrap()
        .boxed();
    api.create(&PostParams::default(), &cm("w1", json!({"app": "w"})))
        .await
        .unwrap();
    api.create(&PostParams::default(), &cm("other", json!({"app": "x"})))
        .await
        .unwrap();
    api.patch(
        "w1",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"k": "2"}})),
    )
    .await
    .unwrap();
    api.patch(
        "w1",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"app": "gone"}}})),
    )
    .await
    .unwrap();
    let mut seen = Vec::new();
    while seen.len() < 3 {
        match stream.try_next().await.unwrap().unwrap() {
            WatchEvent::Added(o) => seen.push(("ADDED", o.metadata.name.unwrap())),
            WatchEvent::Modified(o) => seen.push(("MODIFIED", o.metadata.name.unwrap())),
            WatchEvent::Deleted(o) => seen.push(("DELETED", o.metadata.name.unwrap())),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        seen,
        [
            ("ADDED", "w1".to_string()),
            ("MODIFIED", "w1".to_string()),
            ("DELETED", "w1".to_string())
        ]
    );
}

#[tokio::test]
async fn kube_apiserver_answers_a_too_old_watch_with_410_expired() {
    let c = TestCluster::start(Options {
        watch_history: 5,
        ..Options::default()
    })
    .await
    .unwrap();
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    let first = api
        .create(&PostParams::default(), &cm("old", json!({})))
        .await
        .unwrap();
    for i in 0..10 {
        api.patch(
            "old",
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"i": i.to_string()}})),
        )
        .await
        .unwrap();
    }
    let rv = first.metadata.resource_version.unwrap();
    let mut stream = api
        .watch(&WatchParams::default(), &rv)
        .await
        .unwrap()
        .boxed();
    match stream.try_next().await.unwrap().unwrap() {
        WatchEvent::Error(e) => {
            assert_eq!((e.code, e.reason.as_str()), (410, "Expired"));
            assert!(
                e.message
                    .starts_with(&format!("too old resource version: {rv} (")),
                "{}",
                e.message
            );
        }
        other => panic!("expected 410, got {other:?}"),
    }
}

#[tokio::test]
async fn kube_apiserver_sends_bookmarks_when_asked() {
    let c = TestCluster::start(Options {
        bookmark_interval: Duration::from_millis(100),
        ..Options::default()
    })
    .await
    .unwrap();
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    let mut stream = api
        .watch(&WatchParams::default().timeout(10), "0")
        .await
        .unwrap()
        .boxed();
    api.create(&PostParams::default(), &cm("b", json!({})))
        .await
        .unwrap();
    let mut added_rv = 0u64;
    loop {
        match tokio::time::timeout(WAIT, stream.try_next())
            .await
            .unwrap()
            .unwrap()
            .unwrap()
        {
            WatchEvent::Added(o) => {
                added_rv = o.metadata.resource_version.unwrap().parse().unwrap()
            }
            WatchEvent::Bookmark(b) if added_rv > 0 => {
                assert!(b.metadata.resource_version.parse::<u64>().unwrap() >= added_rv);
                break;
            }
            WatchEvent::Bookmark(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn kube_apiserver_validates_names_labels_and_selectors_with_422_causes() {
    let c = cluster().await;
    let deps: Api<Deployment> = Api::namespaced(c.client(), "default");
    let mut bad = deployment("Web_1", 1, "nginx");
    bad["spec"]["template"]["metadata"]["labels"] = json!({"app": "other"});
    bad["metadata"]["labels"] = json!({"bad key!": "x"});
    let err = api_error(
        deps.create(
            &PostParams::default(),
            &serde_json::from_value(bad).unwrap(),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!((err.code, err.reason.as_str()), (422, "Invalid"));
    assert!(
        err.message
            .starts_with("Deployment.apps \"Web_1\" is invalid: ["),
        "{}",
        err.message
    );
    assert!(
        err.message
            .contains("metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain")
    );
    assert!(err.message.contains(
        "spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`"
    ));
    assert!(
        err.message
            .contains("metadata.labels: Invalid value: \"bad key!\": name part must consist of")
    );

    let mut missing = deployment("web", 1, "");
    missing["spec"].as_object_mut().unwrap().remove("selector");
    let err = api_error(
        deps.create(
            &PostParams::default(),
            &serde_json::from_value(missing).unwrap(),
        )
        .await
        .unwrap_err(),
    );
    assert!(
        err.message
            .contains("spec.selector: Invalid value: {}: empty selector is invalid for deployment"),
        "{}",
        err.message
    );
    assert!(
        err.message
            .contains("spec.template.spec.containers[0].image: Required value"),
        "{}",
        err.message
    );

    let mut port = deployment("web", 1, "nginx");
    port["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = json!(70000);
    let err = api_error(
        deps.create(
            &PostParams::default(),
            &serde_json::from_value(port).unwrap(),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(
        err.message,
        "Deployment.apps \"web\" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"
    );
}

#[tokio::test]
async fn kube_apiserver_holds_custom_resources_to_their_crd_schema() {
    let c = cluster().await;
    let certs = dynamic(
        &c.client(),
        "default",
        "cert-manager.io",
        "v1",
        "Certificate",
        "certificates",
    );
    let body = json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": "tls"}, "spec": {"dnsNames": ["a.example.com"], "privateKey": {"algorithm": "DSA"}}});
    let err = api_error(
        certs
            .create(
                &PostParams::default(),
                &serde_json::from_value(body).unwrap(),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(err.code, 422);
    assert!(
        err.message
            .starts_with("Certificate.cert-manager.io \"tls\" is invalid: ["),
        "{}",
        err.message
    );
    assert!(err.message.contains("spec.secretName: Required value"));
    assert!(err.message.contains("spec.privateKey.algorithm: Unsupported value: \"DSA\": supported values: \"RSA\", \"ECDSA\", \"Ed25519\""));
}

#[tokio::test]
async fn kube_apiserver_dry_run_validates_and_stores_nothing() {
    let c = cluster().await;
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    let pp = PostParams {
        dry_run: true,
        ..PostParams::default()
    };
    let out = api.create(&pp, &cm("dry", json!({}))).await.unwrap();
    assert_eq!(out.metadata.name.as_deref(), Some("dry"));
    assert!(api.get_opt("dry").await.unwrap().is_none());
    let ssa = PatchParams::apply("kubechart").force().dry_run();
    let d = serde_json::from_value::<Deployment>(deployment("web", 2, "nginx")).unwrap();
    let deps: Api<Deployment> = Api::namespaced(c.client(), "default");
    deps.patch("web", &ssa, &Patch::Apply(&d)).await.unwrap();
    assert!(deps.get_opt("web").await.unwrap().is_none());
}

#[tokio::test]
async fn kube_apiserver_server_side_apply_creates_updates_tracks_owners_and_conflicts() {
    // Without controllers, so status writes do not move the resourceVersion under the test.
    let c = TestCluster::start(Options {
        controllers: false,
        ..Options::default()
    })
    .await
    .unwrap();
    let deps = dynamic(
        &c.client(),
        "default",
        "apps",
        "v1",
        "Deployment",
        "deployments",
    );
    let apply =
        |v: serde_json::Value| -> kube::api::DynamicObject { serde_json::from_value(v).unwrap() };
    let pp = PatchParams::apply("kubechart").force();
    let created = deps
        .patch(
            "web",
            &pp,
            &Patch::Apply(apply(deployment("web", 2, "nginx:1"))),
        )
        .await
        .unwrap();
    let mf = created.metadata.managed_fields.clone().unwrap();
    assert_eq!(mf.len(), 1);
    assert_eq!(
        (mf[0].manager.as_deref(), mf[0].operation.as_deref()),
        (Some("kubechart"), Some("Apply"))
    );
    let fields = serde_json::to_value(&mf[0].fields_v1).unwrap();
    assert_eq!(fields["f:spec"]["f:replicas"], json!({}));
    assert!(
        fields["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"web\"}"]["f:image"]
            .is_object()
    );
    assert_eq!(
        created.data["spec"]["strategy"]["type"], "RollingUpdate",
        "defaults applied"
    );

    let again = deps
        .patch(
            "web",
            &pp,
            &Patch::Apply(apply(deployment("web", 2, "nginx:1"))),
        )
        .await
        .unwrap();
    assert_eq!(
        again.metadata.resource_version, created.metadata.resource_version,
        "identical apply is a no-op"
    );

    let other = PatchParams::apply("someone-else");
    let scale = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 5}});
    let err = api_error(
        deps.patch("web", &other, &Patch::Apply(apply(scale.clone())))
            .await
            .unwrap_err(),
    );
    assert_eq!((err.code, err.reason.as_str()), (409, "Conflict"));
    assert_eq!(
        err.message,
        "Apply failed with 1 conflict: conflict with \"kubechart\": .spec.replicas"
    );
    let forced = deps
        .patch("web", &other.clone().force(), &Patch::Apply(apply(scale)))
        .await
        .unwrap();
    assert_eq!(forced.data["spec"]["replicas"], 5);

    let mut fewer = deployment("web", 5, "nginx:1");
    fewer["metadata"]["labels"]
        .as_object_mut()
        .unwrap()
        .remove("app.kubernetes.io/managed-by");
    let pruned = deps
        .patch("web", &pp, &Patch::Apply(apply(fewer)))
        .await
        .unwrap();
    let labels = pruned.metadata.labels.unwrap();
    assert!(
        !labels.contains_key("app.kubernetes.io/managed-by"),
        "label the manager stopped applying is removed"
    );
}

#[tokio::test]
async fn kube_apiserver_merge_and_strategic_patches_follow_list_merge_keys() {
    let c = cluster().await;
    let deps: Api<Deployment> = Api::namespaced(c.client(), "default");
    deps.create(
        &PostParams::default(),
        &serde_json::from_value(deployment("web", 1, "nginx:1")).unwrap(),
    )
    .await
    .unwrap();
    let sidecar = json!({"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "image": "envoy:1"}]}}}});
    let patched = deps
        .patch("web", &PatchParams::default(), &Patch::Strategic(sidecar))
        .await
        .unwrap();
    let names: Vec<String> = patched
        .spec
        .unwrap()
        .template
        .spec
        .unwrap()
        .containers
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["web", "sidecar"]);
    let replaced = deps
        .patch("web", &PatchParams::default(), &Patch::Merge(json!({"spec": {"template": {"spec": {"containers": [{"name": "only", "image": "x:1"}]}}}})))
        .await
        .unwrap();
    assert_eq!(
        replaced
            .spec
            .unwrap()
            .template
            .spec
            .unwrap()
            .containers
            .len(),
        1
    );
}

#[tokio::test]
async fn kube_apiserver_cascades_deletes_through_owner_references() {
    let c = cluster().await;
    let deps: Api<Deployment> = Api::namespaced(c.client(), "default");
    deps.create(
        &PostParams::default(),
        &serde_json::from_value(deployment("web", 2, "nginx:1")).unwrap(),
    )
    .await
    .unwrap();
    let pods: Api<Pod> = Api::namespaced(c.client(), "default");
    eventually("pods created", WAIT, || async {
        (pods
            .list(&ListParams::default().labels("app=web"))
            .await
            .unwrap()
            .items
            .len()
            == 2)
            .then_some(())
    })
    .await;
    deps.delete("web", &DeleteParams::foreground())
        .await
        .unwrap();
    eventually("all gone", WAIT, || async {
        let none_left = pods
            .list(&ListParams::default().labels("app=web"))
            .await
            .unwrap()
            .items
            .is_empty()
            && deps.get_opt("web").await.unwrap().is_none();
        none_left.then_some(())
    })
    .await;
}
