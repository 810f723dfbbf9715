//! Simulated controllers, events and pod logs, observed the way a client of a real cluster would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{cluster, deployment, dynamic, eventually};
use futures::{AsyncBufReadExt, StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Event, PersistentVolumeClaim, Pod, Service};
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::{Api, ListParams, LogParams, PostParams};
use kubechart_testcluster::EventSeed;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

fn create<K: serde::de::DeserializeOwned>(v: serde_json::Value) -> K {
    serde_json::from_value(v).unwrap()
}

#[tokio::test]
async fn kube_apiserver_reports_deployment_readiness_through_replicasets_and_pods() {
    let c = cluster().await;
    c.knobs().set_ready_delay(Duration::from_millis(100));
    let deps: Api<Deployment> = Api::namespaced(c.client(), "default");
    deps.create(
        &PostParams::default(),
        &create(deployment("web", 3, "nginx:1.27")),
    )
    .await
    .unwrap();
    let status = eventually("3 ready replicas", WAIT, || async {
        let d = deps.get("web").await.unwrap();
        let s = d.status.unwrap_or_default();
        (s.ready_replicas == Some(3) && s.available_replicas == Some(3)).then_some(s)
    })
    .await;
    let conditions = status.conditions.unwrap();
    assert!(
        conditions
            .iter()
            .any(|c| c.type_ == "Available" && c.status == "True")
    );
    assert!(
        conditions
            .iter()
            .any(|c| c.type_ == "Progressing"
                && c.reason.as_deref() == Some("NewReplicaSetAvailable"))
    );
    let pods: Api<Pod> = Api::namespaced(c.client(), "default");
    let list = pods
        .list(&ListParams::default().labels("app=web"))
        .await
        .unwrap();
    assert_eq!(list.items.len(), 3);
    assert!(
        list.items
            .iter()
            .all(|p| p.status.as_ref().unwrap().phase.as_deref() == Some("Running"))
    );
    let events: Api<Event> = Api::namespaced(c.client(), "default");
    let scaled = events
        .list(&ListParams::default().fields("involvedObject.name=web,reason=ScalingReplicaSet"))
        .await
        .unwrap();
    assert_eq!(scaled.items.len(), 1);
}

#[tokio::test]
async fn kube_apiserver_leaves_pods_of_an_unpullable_image_in_image_pull_back_off() {
    let c = cluster().await;
    c.knobs().fail_image("bad:tag");
    let deps: Api<Deployment> = Api::namespaced(c.client(), "default");
    deps.create(
        &PostParams::default(),
        &create(deployment("broken", 1, "bad:tag")),
    )
    .await
    .unwrap();
    let pods: Api<Pod> = Api::namespaced(c.client(), "default");
    let pod = eventually("pod waiting", WAIT, || async {
        pods.list(&ListParams::default().labels("app=broken"))
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|p| {
                p.status
                    .as_ref()
                    .and_then(|s| s.container_statuses.as_ref())
                    .is_some_and(|cs| {
                        cs.iter().any(|c| {
                            c.state
                                .as_ref()
                                .and_then(|s| s.waiting.as_ref())
                                .and_then(|w| w.reason.as_deref())
                                == Some("ImagePullBackOff")
                        })
                    })
            })
    })
    .await;
    let name = pod.metadata.name.unwrap();
    let events: Api<Event> = Api::namespaced(c.client(), "default");
    let failed = events
        .list(&ListParams::default().fields(&format!("involvedObject.name={name},type=Warning")))
        .await
        .unwrap();
    assert!(failed.items.iter().any(|e| {
        e.message
            .as_deref()
            .unwrap_or_default()
            .starts_with("Failed to pull image \"bad:tag\"")
    }));
    let err = pods.logs(&name, &LogParams::default()).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("is waiting to start: trying and failing to pull image"),
        "{err}"
    );
    assert_eq!(
        deps.get("broken")
            .await
            .unwrap()
            .status
            .unwrap()
            .ready_replicas,
        None
    );
}

#[tokio::test]
async fn kube_apiserver_completes_jobs_and_runs_cronjobs() {
    let c = cluster().await;
    let jobs: Api<Job> = Api::namespaced(c.client(), "default");
    let job = json!({"metadata": {"name": "migrate"}, "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "m", "image": "migrate:1"}]}}}});
    jobs.create(&PostParams::default(), &create(job))
        .await
        .unwrap();
    eventually("job complete", WAIT, || async {
        let s = jobs
            .get("migrate")
            .await
            .unwrap()
            .status
            .unwrap_or_default();
        (s.succeeded == Some(1)
            && s.conditions
                .unwrap_or_default()
                .iter()
                .any(|c| c.type_ == "Complete" && c.status == "True"))
        .then_some(())
    })
    .await;

    let bad = json!({"metadata": {"name": "nojob"}, "spec": {"template": {"spec": {"containers": [{"name": "m", "image": "x:1"}]}}}});
    let err = jobs
        .create(&PostParams::default(), &create(bad))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""), "{err}");

    let crons: Api<CronJob> = Api::namespaced(c.client(), "default");
    let cj = json!({"metadata": {"name": "nightly"}, "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [{"name": "n", "image": "n:1"}]}}}}}});
    crons
        .create(&PostParams::default(), &create(cj))
        .await
        .unwrap();
    c.knobs().trigger_cronjob("default", "nightly").unwrap();
    assert!(
        crons
            .get("nightly")
            .await
            .unwrap()
            .status
            .unwrap()
            .last_schedule_time
            .is_some()
    );
}

#[tokio::test]
async fn kube_apiserver_binds_claims_and_numbers_statefulset_pods() {
    let c = cluster().await;
    c.knobs().leave_storage_class_unbound("slow");
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(c.client(), "default");
    let pvc = |name: &str, class: &str| {
        create(
            json!({"metadata": {"name": name}, "spec": {"storageClassName": class, "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}),
        )
    };
    claims
        .create(&PostParams::default(), &pvc("data", "standard"))
        .await
        .unwrap();
    claims
        .create(&PostParams::default(), &pvc("stuck", "slow"))
        .await
        .unwrap();
    eventually("claim bound", WAIT, || async {
        let c = claims.get("data").await.unwrap();
        (c.status.and_then(|s| s.phase).as_deref() == Some("Bound")
            && c.spec.unwrap().volume_name.is_some())
        .then_some(())
    })
    .await;
    eventually("claim pending", WAIT, || async {
        (claims
            .get("stuck")
            .await
            .unwrap()
            .status
            .and_then(|s| s.phase)
            .as_deref()
            == Some("Pending"))
        .then_some(())
    })
    .await;

    let sets: Api<StatefulSet> = Api::namespaced(c.client(), "default");
    let sts = json!({"metadata": {"name": "db"}, "spec": {"replicas": 2, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
        "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "db", "image": "postgres:17"}]}},
        "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}});
    sets.create(&PostParams::default(), &create(sts))
        .await
        .unwrap();
    eventually("statefulset ready", WAIT, || async {
        (sets
            .get("db")
            .await
            .unwrap()
            .status
            .unwrap_or_default()
            .ready_replicas
            == Some(2))
        .then_some(())
    })
    .await;
    let pods: Api<Pod> = Api::namespaced(c.client(), "default");
    assert!(
        pods.get_opt("db-0").await.unwrap().is_some()
            && pods.get_opt("db-1").await.unwrap().is_some()
    );
    assert!(claims.get_opt("data-db-1").await.unwrap().is_some());
}

#[tokio::test]
async fn envoy_gateway_accepts_a_backend_traffic_policy_once_its_route_exists() {
    let c = cluster().await;
    let api = |group, version, kind, plural| {
        dynamic(&c.client(), "default", group, version, kind, plural)
    };
    let policies = api(
        "gateway.envoyproxy.io",
        "v1alpha1",
        "BackendTrafficPolicy",
        "backendtrafficpolicies",
    );
    let routes = api("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes");
    // Written before its route: accepted once the route is there, for the Gateway the route names.
    let policy = json!({"apiVersion": "gateway.envoyproxy.io/v1alpha1", "kind": "BackendTrafficPolicy",
        "metadata": {"name": "web-ratelimit"},
        "spec": {"targetRefs": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "web"}],
            "rateLimit": {"type": "Local", "local": {"rules": [{"limit": {"requests": 10, "unit": "Second"}}]}}}});
    policies
        .create(&PostParams::default(), &create(policy))
        .await
        .unwrap();

    let route = json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "web"},
        "spec": {"parentRefs": [{"name": "public", "namespace": "infra"}], "rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}});
    routes
        .create(&PostParams::default(), &create(route))
        .await
        .unwrap();
    let ancestors = eventually("policy accepted", WAIT, || async {
        policies
            .get("web-ratelimit")
            .await
            .unwrap()
            .data
            .pointer("/status/ancestors")
            .cloned()
    })
    .await;
    assert_eq!(
        ancestors[0]["ancestorRef"],
        json!({"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "public", "namespace": "infra"})
    );
    let accepted = &ancestors[0]["conditions"][0];
    assert_eq!(accepted["type"], "Accepted");
    assert_eq!(accepted["status"], "True");
    assert_eq!(accepted["observedGeneration"], 1);
}

#[tokio::test]
async fn kube_apiserver_reports_certificates_routes_and_load_balancers() {
    let c = cluster().await;
    let certs = dynamic(
        &c.client(),
        "default",
        "cert-manager.io",
        "v1",
        "Certificate",
        "certificates",
    );
    let cert = json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": "tls"},
        "spec": {"secretName": "tls", "dnsNames": ["a.example.com"], "issuerRef": {"name": "le", "kind": "ClusterIssuer"}}});
    certs
        .create(&PostParams::default(), &create(cert))
        .await
        .unwrap();
    eventually("certificate ready", WAIT, || async {
        let c = certs.get("tls").await.unwrap();
        (c.data.pointer("/status/conditions/0/type") == Some(&json!("Ready"))
            && c.data.pointer("/status/conditions/0/status") == Some(&json!("True")))
        .then_some(())
    })
    .await;

    let routes = dynamic(
        &c.client(),
        "default",
        "gateway.networking.k8s.io",
        "v1",
        "HTTPRoute",
        "httproutes",
    );
    let gateways = dynamic(
        &c.client(),
        "default",
        "gateway.networking.k8s.io",
        "v1",
        "Gateway",
        "gateways",
    );
    gateways
        .create(&PostParams::default(), &create(json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "gw"},
            "spec": {"gatewayClassName": "eg", "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}]}})))
        .await
        .unwrap();
    let route = json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "web"},
        "spec": {"parentRefs": [{"name": "gw"}], "rules": [{"backendRefs": [{"name": "missing", "port": 80}]}]}});
    routes
        .create(&PostParams::default(), &create(route))
        .await
        .unwrap();
    let conditions = eventually("route status", WAIT, || async {
        routes
            .get("web")
            .await
            .unwrap()
            .data
            .pointer("/status/parents/0/conditions")
            .cloned()
    })
    .await;
    assert_eq!(conditions[0]["type"], "Accepted");
    assert_eq!(conditions[0]["status"], "True");
    assert_eq!(conditions[1]["reason"], "BackendNotFound");

    let services: Api<Service> = Api::namespaced(c.client(), "default");
    services
        .create(&PostParams::default(), &create(json!({"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80}]}})))
        .await
        .unwrap();
    let lb_ip = || async {
        services
            .get("lb")
            .await
            .unwrap()
            .status
            .and_then(|s| s.load_balancer)
            .and_then(|l| l.ingress)
            .and_then(|i| i.first().and_then(|i| i.ip.clone()))
    };
    // Without a load-balancer controller the Service stays pending: an Ingress created after it
    // gets its address (the controllers have seen both), the Service none.
    let ingresses: Api<Ingress> = Api::namespaced(c.client(), "default");
    ingresses
        .create(&PostParams::default(), &create(json!({"metadata": {"name": "after-lb"}, "spec": {"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "lb", "port": {"number": 80}}}}]}}]}})))
        .await
        .unwrap();
    eventually("ingress address", WAIT, || async {
        ingresses
            .get("after-lb")
            .await
            .unwrap()
            .status
            .and_then(|s| s.load_balancer)
            .and_then(|l| l.ingress)
    })
    .await;
    assert_eq!(
        lb_ip().await,
        None,
        "no load-balancer controller, no address"
    );
    c.knobs().set_load_balancer_controller(true);
    eventually("load balancer ip", WAIT, lb_ip).await;
}

#[tokio::test]
async fn kube_apiserver_serves_seeded_pod_logs_with_tail_container_and_follow() {
    let c = cluster().await;
    let pods: Api<Pod> = Api::namespaced(c.client(), "default");
    let pod = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app", "image": "a:1"}, {"name": "side", "image": "s:1"}]}});
    pods.create(&PostParams::default(), &create(pod))
        .await
        .unwrap();
    c.knobs()
        .seed_pod_log("default", "p", "app", "one\ntwo\nthree\n");
    eventually("pod running", WAIT, || async {
        (pods
            .get("p")
            .await
            .unwrap()
            .status
            .and_then(|s| s.phase)
            .as_deref()
            == Some("Running"))
        .then_some(())
    })
    .await;
    let err = pods.logs("p", &LogParams::default()).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("a container name must be specified for pod p, choose one of: [app side]"),
        "{err}"
    );
    let all = pods
        .logs(
            "p",
            &LogParams {
                container: Some("app".into()),
                ..LogParams::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(all, "one\ntwo\nthree\n");
    let tail = pods
        .logs(
            "p",
            &LogParams {
                container: Some("app".into()),
                tail_lines: Some(2),
                ..LogParams::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(tail, "two\nthree\n");
    let mut lines = pods
        .log_stream(
            "p",
            &LogParams {
                container: Some("app".into()),
                follow: true,
                tail_lines: Some(1),
                ..LogParams::default()
            },
        )
        .await
        .unwrap()
        .lines();
    assert_eq!(lines.try_next().await.unwrap().unwrap(), "three");
    c.knobs().seed_pod_log("default", "p", "app", "four\n");
    assert_eq!(
        tokio::time::timeout(WAIT, lines.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap(),
        "four"
    );

    c.knobs()
        .seed_event(
            "default",
            EventSeed {
                kind: "Pod".into(),
                name: "p".into(),
                event_type: "Warning".into(),
                reason: "Unhealthy".into(),
                message: "Readiness probe failed".into(),
            },
        )
        .unwrap();
    let events: Api<Event> = Api::namespaced(c.client(), "default");
    let seeded = events
        .list(&ListParams::default().fields("involvedObject.name=p,reason=Unhealthy"))
        .await
        .unwrap();
    assert_eq!(
        seeded.items[0].message.as_deref(),
        Some("Readiness probe failed")
    );
    assert!(seeded.items[0].involved_object.uid.is_some());
}

/// `POST /testcluster/v1/namespaces/{ns}/pods/{pod}/log` appends to a container's log for
/// clients of the binary; a follower sees the line arrive.
#[tokio::test]
async fn pod_log_lines_can_be_appended_over_the_wire_by_the_administrator_only() {
    let c = cluster().await;
    let pods: Api<Pod> = Api::namespaced(c.client(), "default");
    let pod = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app", "image": "a:1"}]}});
    pods.create(&PostParams::default(), &create(pod))
        .await
        .unwrap();
    let append = |client: kube::Client, body: serde_json::Value| async move {
        let request = http::Request::post("/testcluster/v1/namespaces/default/pods/p/log")
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body.to_string().into_bytes())
            .unwrap();
        client.request_text(request).await
    };
    append(c.client(), json!({"text": "one\n"})).await.unwrap();
    eventually("pod running", WAIT, || async {
        (pods
            .get("p")
            .await
            .unwrap()
            .status
            .and_then(|s| s.phase)
            .as_deref()
            == Some("Running"))
        .then_some(())
    })
    .await;
    let mut lines = pods
        .log_stream(
            "p",
            &LogParams {
                follow: true,
                ..LogParams::default()
            },
        )
        .await
        .unwrap()
        .lines();
    assert_eq!(lines.try_next().await.unwrap().unwrap(), "one");
    append(c.client(), json!({"container": "app", "text": "two\n"}))
        .await
        .unwrap();
    assert_eq!(
        tokio::time::timeout(WAIT, lines.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap(),
        "two"
    );

    let refused = |result: Result<String, kube::Error>| match result {
        Err(kube::Error::Api(status)) => status.code,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        refused(append(c.client(), json!({"container": "side", "text": "x\n"})).await),
        400
    );
    assert_eq!(
        refused(append(c.restricted_client().unwrap(), json!({"text": "x\n"})).await),
        403
    );
    assert_eq!(
        pods.logs("p", &LogParams::default()).await.unwrap(),
        "one\ntwo\n"
    );
}
