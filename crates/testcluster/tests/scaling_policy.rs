//! DaemonSets, HorizontalPodAutoscalers and PodDisruptionBudgets: served through discovery and
//! moved by their controllers the way kube-controller-manager moves them on a cluster without a
//! metrics server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{cluster, deployment, eventually};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::api::{Api, ListParams, PostParams};
use kube::discovery::Discovery;
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(20);

fn create<K: serde::de::DeserializeOwned>(v: Value) -> K {
    serde_json::from_value(v).unwrap()
}

#[tokio::test]
async fn discovery_lists_daemonsets_autoscalers_and_disruption_budgets() {
    let c = cluster().await;
    let discovery = Discovery::new(c.client()).run().await.unwrap();
    for (group, version, kind, plural) in [
        ("apps", "v1", "DaemonSet", "daemonsets"),
        (
            "autoscaling",
            "v2",
            "HorizontalPodAutoscaler",
            "horizontalpodautoscalers",
        ),
        (
            "policy",
            "v1",
            "PodDisruptionBudget",
            "poddisruptionbudgets",
        ),
    ] {
        let gvk = kube::api::GroupVersionKind::gvk(group, version, kind);
        let (resource, caps) = discovery
            .resolve_gvk(&gvk)
            .unwrap_or_else(|| panic!("{kind} is not in discovery"));
        assert_eq!(resource.plural, plural);
        assert_eq!(caps.scope, kube::discovery::Scope::Namespaced, "{kind}");
    }
}

#[tokio::test]
async fn a_daemonset_runs_one_owned_pod_on_the_node_and_counts_it_in_its_status() {
    let c = cluster().await;
    let mut agent = deployment("agent", 1, "fluent/fluent-bit:3.1");
    agent["kind"] = json!("DaemonSet");
    agent["spec"].as_object_mut().unwrap().remove("replicas");
    let sets: Api<DaemonSet> = Api::namespaced(c.client(), "default");
    sets.create(&PostParams::default(), &create(agent))
        .await
        .unwrap();
    let status = eventually("daemonset ready", WAIT, || async {
        let s = sets.get("agent").await.unwrap().status.unwrap_or_default();
        (s.number_ready == 1).then_some(s)
    })
    .await;
    assert_eq!(
        (
            status.desired_number_scheduled,
            status.current_number_scheduled,
            status.updated_number_scheduled,
            status.number_available,
            status.observed_generation,
        ),
        (1, 1, Some(1), Some(1), Some(1))
    );
    let pods: Api<Pod> = Api::namespaced(c.client(), "default");
    let list = pods
        .list(&ListParams::default().labels("app=agent"))
        .await
        .unwrap();
    assert_eq!(list.items.len(), 1);
    let owner = &list.items[0].metadata.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str(), owner.controller),
        ("DaemonSet", "agent", Some(true))
    );
    assert_eq!(
        list.items[0].spec.as_ref().unwrap().node_name.as_deref(),
        Some("testcluster-node")
    );
}

fn hpa(min: i32, max: i32) -> Value {
    json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": min,
            "maxReplicas": max,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}],
        },
    })
}

fn condition<'a>(
    conditions: &'a [k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerCondition],
    ty: &str,
) -> (&'a str, &'a str) {
    let c = conditions
        .iter()
        .find(|c| c.type_ == ty)
        .unwrap_or_else(|| panic!("no {ty}"));
    (c.status.as_str(), c.reason.as_deref().unwrap_or_default())
}

#[tokio::test]
async fn an_autoscaler_raises_its_target_to_min_replicas_and_reports_missing_metrics() {
    let c = cluster().await;
    let deps: Api<Deployment> = Api::namespaced(c.client(), "default");
    deps.create(
        &PostParams::default(),
        &create(deployment("web", 1, "nginx:1.27")),
    )
    .await
    .unwrap();
    let hpas: Api<HorizontalPodAutoscaler> = Api::namespaced(c.client(), "default");
    hpas.create(&PostParams::default(), &create(hpa(2, 5)))
        .await
        .unwrap();
    eventually("deployment raised to 2 ready replicas", WAIT, || async {
        let d = deps.get("web").await.unwrap();
        (d.spec.unwrap().replicas == Some(2)
            && d.status.unwrap_or_default().ready_replicas == Some(2))
        .then_some(())
    })
    .await;
    let status = eventually("autoscaler sees 2 replicas", WAIT, || async {
        let s = hpas.get("web").await.unwrap().status?;
        let active = s
            .conditions
            .as_deref()
            .unwrap_or_default()
            .iter()
            .any(|c| c.type_ == "ScalingActive");
        (s.current_replicas == Some(2) && active).then_some(s)
    })
    .await;
    assert_eq!(status.desired_replicas, 2, "kept from the rescale");
    assert!(status.last_scale_time.is_some());
    let conditions = status.conditions.unwrap();
    assert_eq!(
        condition(&conditions, "AbleToScale"),
        ("True", "SucceededGetScale")
    );
    assert_eq!(
        condition(&conditions, "ScalingActive"),
        ("False", "FailedGetResourceMetric")
    );
    let message = conditions
        .iter()
        .find(|c| c.type_ == "ScalingActive")
        .unwrap()
        .message
        .clone()
        .unwrap();
    assert!(
        message.starts_with(
            "the HPA was unable to compute the replica count: failed to get cpu utilization"
        ),
        "{message}"
    );

    let mut missing = hpa(1, 3);
    missing["metadata"]["name"] = json!("lost");
    missing["spec"]["scaleTargetRef"]["name"] = json!("gone");
    hpas.create(&PostParams::default(), &create(missing))
        .await
        .unwrap();
    let conditions = eventually("autoscaler without a target", WAIT, || async {
        hpas.get("lost").await.unwrap().status?.conditions
    })
    .await;
    assert_eq!(
        condition(&conditions, "AbleToScale"),
        ("False", "FailedGetScale")
    );
}

fn budget(name: &str, key: &str, value: Value) -> Value {
    json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, key: value},
    })
}

#[tokio::test]
async fn a_disruption_budget_counts_healthy_pods_against_min_available_and_max_unavailable() {
    let c = cluster().await;
    let deps: Api<Deployment> = Api::namespaced(c.client(), "default");
    deps.create(
        &PostParams::default(),
        &create(deployment("web", 3, "nginx:1.27")),
    )
    .await
    .unwrap();
    let pdbs: Api<PodDisruptionBudget> = Api::namespaced(c.client(), "default");
    for b in [
        budget("min", "minAvailable", json!(2)),
        budget("half", "maxUnavailable", json!("50%")),
        budget("all", "minAvailable", json!("100%")),
    ] {
        pdbs.create(&PostParams::default(), &create(b))
            .await
            .unwrap();
    }
    let counts = |name: &'static str| {
        let pdbs = pdbs.clone();
        async move {
            eventually(name, WAIT, || async {
                let s = pdbs.get(name).await.unwrap().status?;
                (s.current_healthy == 3).then_some(s)
            })
            .await
        }
    };
    let min = counts("min").await;
    assert_eq!(
        (
            min.desired_healthy,
            min.expected_pods,
            min.disruptions_allowed,
            min.observed_generation
        ),
        (2, 3, 1, Some(1))
    );
    let allowed = &min.conditions.unwrap()[0];
    assert_eq!(
        (
            allowed.type_.as_str(),
            allowed.status.as_str(),
            allowed.reason.as_str()
        ),
        ("DisruptionAllowed", "True", "SufficientPods")
    );
    let half = counts("half").await;
    assert_eq!(
        (
            half.desired_healthy,
            half.expected_pods,
            half.disruptions_allowed
        ),
        (1, 3, 2)
    );
    let all = counts("all").await;
    assert_eq!((all.desired_healthy, all.disruptions_allowed), (3, 0));
    let refused = &all.conditions.unwrap()[0];
    assert_eq!(
        (refused.status.as_str(), refused.reason.as_str()),
        ("False", "InsufficientPods")
    );

    // More pods re-count every budget selecting them.
    deps.patch(
        "web",
        &kube::api::PatchParams::default(),
        &kube::api::Patch::Merge(json!({"spec": {"replicas": 4}})),
    )
    .await
    .unwrap();
    eventually("budget sees the fourth pod", WAIT, || async {
        let s = pdbs.get("min").await.unwrap().status?;
        (s.current_healthy == 4 && s.expected_pods == 4 && s.disruptions_allowed == 2).then_some(())
    })
    .await;
}
