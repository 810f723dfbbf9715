//! Failure injection and RBAC-lite, seen through kube-rs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{cluster, eventually, namespace};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::authorization::v1::{SelfSubjectAccessReview, SelfSubjectRulesReview};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, ListParams, PostParams, WatchParams};
use kubechart_testcluster::FailRule;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

fn status(e: kube::Error) -> kube::core::Status {
    match e {
        kube::Error::Api(s) => *s,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn kube_apiserver_fails_injected_requests_with_5xx_for_one_verb_and_kind() {
    let c = cluster().await;
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    // 500, not 503: kube-rs retries 503 with backoff, which would only slow the test down.
    c.knobs().fail_requests(
        FailRule::all()
            .verb("create")
            .resource("configmaps")
            .code(500),
    );
    let err = status(
        api.create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "x"}})).unwrap(),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!((err.code, err.reason.as_str()), (500, "InternalError"));
    api.list(&ListParams::default()).await.unwrap();
    c.knobs().clear_faults();
    api.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": "x"}})).unwrap(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn kube_apiserver_latency_is_added_to_every_request() {
    let c = cluster().await;
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    c.knobs().inject_latency(Duration::from_millis(150));
    let started = Instant::now();
    api.list(&ListParams::default()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn kube_apiserver_going_down_refuses_connections_and_comes_back() {
    let c = cluster().await;
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    api.list(&ListParams::default()).await.unwrap();
    c.knobs().set_down(true);
    eventually("connections refused", WAIT, || async {
        let fresh: Api<ConfigMap> =
            Api::namespaced(kube::Client::try_from(c.config()).unwrap(), "default");
        fresh
            .list(&ListParams::default())
            .await
            .is_err()
            .then_some(())
    })
    .await;
    c.knobs().set_down(false);
    eventually("back up", WAIT, || async {
        api.list(&ListParams::default()).await.ok()
    })
    .await;
}

#[tokio::test]
async fn kube_apiserver_dropped_watches_end_the_stream() {
    let c = cluster().await;
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    let mut stream = api
        .watch(&WatchParams::default().timeout(60), "0")
        .await
        .unwrap()
        .boxed();
    api.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": "x"}})).unwrap(),
    )
    .await
    .unwrap();
    assert!(stream.try_next().await.unwrap().is_some());
    c.knobs().drop_watches();
    let end = tokio::time::timeout(WAIT, async {
        loop {
            match stream.next().await {
                None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(end.is_ok(), "stream ended after drop_watches");

    // The cluster's own controllers are not API watches: they keep working.
    let deps: Api<k8s_openapi::api::apps::v1::Deployment> = Api::namespaced(c.client(), "default");
    deps.create(
        &PostParams::default(),
        &serde_json::from_value(common::deployment("after-drop", 1, "nginx")).unwrap(),
    )
    .await
    .unwrap();
    common::eventually("the deployment becomes ready", WAIT, || async {
        deps.get("after-drop")
            .await
            .unwrap()
            .status?
            .ready_replicas
            .filter(|r| *r == 1)
    })
    .await;
}

#[tokio::test]
async fn kube_apiserver_forbids_the_restricted_user_outside_its_namespaces() {
    let c = cluster().await;
    namespace(&c.client(), "team-a").await;
    let limited = c.restricted_client().unwrap();
    let allowed: Api<ConfigMap> = Api::namespaced(limited.clone(), "team-a");
    allowed
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "ok"}})).unwrap(),
        )
        .await
        .unwrap();
    let denied: Api<ConfigMap> = Api::namespaced(limited.clone(), "default");
    let err = status(denied.get("x").await.unwrap_err());
    assert_eq!((err.code, err.reason.as_str()), (403, "Forbidden"));
    assert_eq!(
        err.message,
        "configmaps \"x\" is forbidden: User \"kubechart-limited\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"default\""
    );
    let err = status(
        Api::<Namespace>::all(limited.clone())
            .list(&ListParams::default())
            .await
            .unwrap_err(),
    );
    assert_eq!(
        err.message,
        "namespaces is forbidden: User \"kubechart-limited\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope"
    );

    let review = |ns: &str| -> SelfSubjectAccessReview {
        serde_json::from_value(json!({"spec": {"resourceAttributes": {"namespace": ns, "verb": "create", "group": "apps", "resource": "deployments"}}})).unwrap()
    };
    let reviews: Api<SelfSubjectAccessReview> = Api::all(limited.clone());
    assert!(
        reviews
            .create(&PostParams::default(), &review("team-a"))
            .await
            .unwrap()
            .status
            .unwrap()
            .allowed
    );
    assert!(
        !reviews
            .create(&PostParams::default(), &review("default"))
            .await
            .unwrap()
            .status
            .unwrap()
            .allowed
    );
    let rules: Api<SelfSubjectRulesReview> = Api::all(limited);
    let answer = rules
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"spec": {"namespace": "default"}})).unwrap(),
        )
        .await
        .unwrap();
    let resource_rules = answer.status.unwrap().resource_rules;
    assert!(
        resource_rules
            .iter()
            .all(|r| !r.verbs.contains(&"*".to_string()))
    );
}

#[tokio::test]
async fn kube_apiserver_answers_self_subject_reviews_for_the_administrator() {
    let c = cluster().await;
    let reviews: Api<SelfSubjectAccessReview> = Api::all(c.client());
    let review: SelfSubjectAccessReview = serde_json::from_value(json!({"spec": {"resourceAttributes": {
        "namespace": "anywhere", "verb": "delete", "group": "rbac.authorization.k8s.io", "resource": "clusterroles"}}}))
    .unwrap();
    let answer = reviews
        .create(&PostParams::default(), &review)
        .await
        .unwrap();
    assert_eq!(
        answer.spec.resource_attributes.unwrap().resource.as_deref(),
        Some("clusterroles"),
        "the review comes back with its spec"
    );
    assert!(answer.status.unwrap().allowed);

    let rules: Api<SelfSubjectRulesReview> = Api::all(c.client());
    let answer = rules
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"spec": {"namespace": "default"}})).unwrap(),
        )
        .await
        .unwrap();
    let status = answer.status.unwrap();
    assert!(!status.incomplete);
    assert!(status.resource_rules.iter().any(|r| {
        r.verbs == ["*"]
            && r.api_groups.as_deref() == Some(&["*".to_string()][..])
            && r.resources.as_deref() == Some(&["*".to_string()][..])
    }));
}
