//! A deployment's live state over real HTTP on both databases, against the Kubernetes API test
//! server with its controllers running: every object with its health and workloads with their
//! pods, a failing image's reason at the pod, the workload and in the events, pod logs read,
//! tailed and followed (past the request timeout, and ended by shutdown), and who may see what.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploying;
mod support;

use common::{Backend, TestServer, field_paths, poll_until};
use deploying::{create, register_cluster};
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::DeleteParams;
use kubechart_testcluster::{Options, TestCluster};
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};
use std::time::Duration;
use support::deploy;

on_both_backends!(
    resources_list_every_object_with_workloads_and_their_pods,
    a_failing_image_shows_its_reason_at_the_pod_the_workload_and_in_the_events,
    logs_are_read_tailed_and_followed_until_shutdown,
    only_the_owner_and_administrators_read_live_state,
);

/// The request timeout of the log tests' server: short, so that a followed log outlives it.
const LOG_REQUEST_TIMEOUT: Duration = Duration::from_secs(1);
/// How long the cluster's controllers may take to settle what a test waits for.
const SETTLE: Duration = Duration::from_secs(30);

/// An app in its own namespace: workload `web` (replicas, image), a Service and a ConfigMap.
fn spec(name: &str, image: &str, replicas: i32) -> Value {
    json!({
        "name": name,
        "namespace": name,
        "createNamespace": true,
        "workloads": [{"name": "web", "replicas": replicas, "containers": [{"name": "web",
            "image": image, "ports": [{"name": "http", "containerPort": 8080}]}]}],
        "services": [{"name": "web", "workload": "web", "ports": [{"port": 80, "targetPort": "http"}]}],
        "configMaps": [{"name": "settings", "data": {"mode": "test"}}],
    })
}

fn object<'a>(resources: &'a Value, kind: &str, name: &str) -> Option<&'a Value> {
    resources["objects"]
        .as_array()?
        .iter()
        .find(|o| o["kind"] == kind && o["name"] == name)
}

/// Polls the resources until `check` holds for them; returns them.
async fn resources_when(
    server: &TestServer,
    token: &str,
    path: &str,
    what: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    poll_until(SETTLE, what, || async {
        let (status, body) = server.get(&format!("{path}/resources"), Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        check(&body).then_some(body)
    })
    .await
}

/// The name of a ready pod of the Deployment `web`, once it has one.
async fn first_pod(server: &TestServer, token: &str, path: &str) -> String {
    pod_other_than(server, token, path, "").await
}

/// The name of a ready pod of the Deployment `web` other than `old`, once it has one.
async fn pod_other_than(server: &TestServer, token: &str, path: &str, old: &str) -> String {
    let another = |r: &Value| -> Option<String> {
        object(r, "Deployment", "web")?["pods"]
            .as_array()?
            .iter()
            .filter(|pod| pod["readyContainers"] == pod["containerCount"])
            .filter_map(|pod| pod["name"].as_str())
            .find(|name| *name != old)
            .map(str::to_owned)
    };
    let resources =
        resources_when(server, token, path, "a ready pod", |r| another(r).is_some()).await;
    another(&resources).unwrap()
}

async fn resources_list_every_object_with_workloads_and_their_pods(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(backend).await;
    server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let cluster_id = register_cluster(&server, &bob, &cluster).await;

    // Without a cluster there is nothing to read from.
    let nowhere = create(&server, &bob, None, spec("nowhere", "nginx:1.27", 1)).await;
    for route in ["resources", "events", "logs?pod=web"] {
        let (status, body) = server.get(&format!("{nowhere}/{route}"), Some(&bob)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{route}: {body}");
        assert_eq!(field_paths(&body), ["clusterId"], "{route}: {body}");
    }

    // Never applied: no objects, and the status says why.
    let path = create(
        &server,
        &bob,
        Some(&cluster_id),
        spec("shop", "nginx:1.27", 2),
    )
    .await;
    let (status, body) = server.get(&format!("{path}/resources"), Some(&bob)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "draft");
    assert_eq!(body["objects"], json!([]));
    assert!(body["health"].is_null() && body["appliedRevision"].is_null());
    let (status, body) = server.get(&format!("{path}/events"), Some(&bob)).await;
    assert_eq!((status, body), (StatusCode::OK, json!([])));

    deploy(&server, &bob, &path).await;
    let resources = resources_when(&server, &bob, &path, "two ready pods", |r| {
        object(r, "Deployment", "web").is_some_and(|web| {
            web["health"]["state"] == "Current"
                && web["pods"].as_array().is_some_and(|pods| {
                    pods.len() == 2 && pods.iter().all(|p| p["readyContainers"] == 1)
                })
        })
    })
    .await;
    assert_eq!(resources["appliedRevision"], 1, "{resources}");
    assert_eq!(resources["health"]["state"], "Current", "{resources}");
    let web = object(&resources, "Deployment", "web").unwrap();
    assert_eq!(web["apiVersion"], "apps/v1");
    assert_eq!(web["namespace"], "shop");
    for pod in web["pods"].as_array().unwrap() {
        assert!(pod["name"].as_str().unwrap().starts_with("web-"), "{pod}");
        assert_eq!(pod["phase"], "Running", "{pod}");
        assert_eq!(pod["containerCount"], 1, "{pod}");
        assert_eq!(pod["restarts"], 0, "{pod}");
        assert_eq!(pod["node"], "testcluster-node", "{pod}");
        assert!(pod["ageSeconds"].as_i64().unwrap() >= 0, "{pod}");
        assert_eq!(pod["health"]["state"], "Current", "{pod}");
        let container = &pod["containers"][0];
        assert_eq!(
            (
                &container["name"],
                &container["image"],
                &container["state"],
                &container["ready"]
            ),
            (
                &json!("web"),
                &json!("nginx:1.27"),
                &json!("running"),
                &json!(true)
            ),
            "{pod}"
        );
    }
    let service = object(&resources, "Service", "web").unwrap();
    assert_eq!(service["health"]["state"], "Current", "{resources}");
    assert!(service.get("pods").is_none(), "{service}");
    let settings = object(&resources, "ConfigMap", "settings").unwrap();
    assert_eq!(settings["health"]["state"], "Untracked", "{resources}");
    assert!(
        settings["health"]["reason"]
            .as_str()
            .unwrap()
            .contains("no live status"),
        "{settings}"
    );
    assert!(
        object(&resources, "Namespace", "shop").is_some(),
        "{resources}"
    );
    server.stop().await;
    cluster.shutdown();
}

async fn a_failing_image_shows_its_reason_at_the_pod_the_workload_and_in_the_events(
    backend: Backend,
) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    cluster.knobs().fail_image("nginx:nope");
    let server = TestServer::start(backend).await;
    server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let cluster_id = register_cluster(&server, &bob, &cluster).await;
    let path = create(
        &server,
        &bob,
        Some(&cluster_id),
        spec("shop", "nginx:nope", 1),
    )
    .await;
    deploy(&server, &bob, &path).await;

    let resources = resources_when(&server, &bob, &path, "the pull back-off", |r| {
        object(r, "Deployment", "web").is_some_and(|web| {
            web["health"]["reason"]
                .as_str()
                .is_some_and(|reason| reason.contains("ImagePullBackOff"))
                && web["pods"][0]["containers"][0]["reason"] == "ImagePullBackOff"
        })
    })
    .await;
    let web = object(&resources, "Deployment", "web").unwrap();
    assert_ne!(web["health"]["state"], "Current", "{web}");
    let pod = &web["pods"][0];
    assert_eq!(pod["readyContainers"], 0, "{pod}");
    assert_eq!(pod["containers"][0]["state"], "waiting", "{pod}");
    assert!(
        pod["containers"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nginx:nope"),
        "{pod}"
    );
    assert!(
        pod["health"]["reason"]
            .as_str()
            .unwrap()
            .contains("ImagePullBackOff"),
        "{pod}"
    );
    assert_ne!(resources["health"]["state"], "Current", "{resources}");

    // The Warning comes first, before the newer Normal events.
    let events = poll_until(SETTLE, "the Warning event first", || async {
        let (status, body) = server.get(&format!("{path}/events"), Some(&bob)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (body[0]["type"] == "Warning" && body[0]["reason"] == "Failed").then_some(body)
    })
    .await;
    let listed = events.as_array().unwrap();
    assert!(listed.iter().any(|e| e["type"] == "Normal"), "{events}");
    let first_normal = listed.iter().position(|e| e["type"] == "Normal").unwrap();
    assert!(
        listed[first_normal..].iter().all(|e| e["type"] == "Normal"),
        "Warnings first: {events}"
    );
    let warning = &listed[0];
    assert_eq!(warning["object"]["kind"], "Pod", "{warning}");
    assert_eq!(warning["object"]["name"], pod["name"], "{warning}");
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("ImagePullBackOff")
    );
    assert!(warning["count"].as_i64().unwrap() >= 1);
    assert!(warning["lastSeen"].is_string(), "{warning}");

    let (status, body) = server
        .get(&format!("{path}/events?limit=1"), Some(&bob))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert_eq!(body[0]["type"], "Warning");
    for limit in ["0", "1001", "many"] {
        let (status, body) = server
            .get(&format!("{path}/events?limit={limit}"), Some(&bob))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{limit}: {body}");
        assert_eq!(field_paths(&body), ["limit"]);
    }
    // The log of a container that never started is not there to read yet.
    let (status, body) = server
        .get(
            &format!("{path}/logs?pod={}", pod["name"].as_str().unwrap()),
            Some(&bob),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("waiting to start"),
        "{body}"
    );
    server.stop().await;
    cluster.shutdown();
}

async fn logs_are_read_tailed_and_followed_until_shutdown(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    // A short request timeout: a followed log must outlive it.
    let server = TestServer::start_with(backend, |args| {
        args.request_timeout = LOG_REQUEST_TIMEOUT;
    })
    .await;
    server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let cluster_id = register_cluster(&server, &bob, &cluster).await;
    let mut with_sidecar = spec("shop", "nginx:1.27", 1);
    with_sidecar["workloads"][0]["containers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "sidecar", "image": "busybox:1.36"}));
    let path = create(&server, &bob, Some(&cluster_id), with_sidecar).await;
    let other = create(
        &server,
        &bob,
        Some(&cluster_id),
        spec("other", "nginx:1.27", 1),
    )
    .await;
    deploy(&server, &bob, &path).await;
    deploy(&server, &bob, &other).await;
    let pod = first_pod(&server, &bob, &path).await;
    let other_pod = first_pod(&server, &bob, &other).await;
    cluster
        .knobs()
        .seed_pod_log("shop", &pod, "web", "one\ntwo\nthree\n");
    cluster
        .knobs()
        .seed_pod_log("shop", &pod, "sidecar", "side\n");

    let logs = |query: String| format!("{path}/logs?pod={pod}&{query}");
    let response = server
        .http
        .get(format!("{}{}", server.base, logs("container=web".into())))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[CONTENT_TYPE],
        "text/plain; charset=utf-8"
    );
    assert_eq!(response.text().await.unwrap(), "one\ntwo\nthree\n");
    let (status, body) = server
        .get(&logs("container=web&tail=2".into()), Some(&bob))
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!("two\nthree\n")));
    let (status, body) = server
        .get(&logs("container=sidecar".into()), Some(&bob))
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!("side\n")));

    // Wrong or missing choices are named, with what there is to choose from.
    let (status, body) = server.get(&logs(String::new()), Some(&bob)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["container"]);
    let message = body["error"]["fields"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("web") && message.contains("sidecar"),
        "{message}"
    );
    let (status, body) = server.get(&logs("container=db".into()), Some(&bob)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["container"]);
    let (status, body) = server.get(&format!("{path}/logs"), Some(&bob)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_paths(&body), ["pod"]);
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&pod)
    );
    for (query, field) in [
        ("container=web&tail=0", "tail"),
        ("container=web&tail=10001", "tail"),
        ("container=web&previous=maybe", "previous"),
        ("container=web&follow=1", "follow"),
    ] {
        let (status, body) = server.get(&logs(query.into()), Some(&bob)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(field_paths(&body), [field], "{query}");
    }
    let (status, body) = server.get(&logs("lines=3".into()), Some(&bob)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // A pod of another app, and one that does not exist, are not this deployment's.
    for stranger in [other_pod.as_str(), "web-0000000000-xxxxx"] {
        let (status, body) = server
            .get(&format!("{path}/logs?pod={stranger}"), Some(&bob))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{stranger}: {body}");
    }

    // Following: the tail first, then each new line as it is written, past the request timeout.
    let mut followed = server
        .http
        .get(format!(
            "{}{}",
            server.base,
            logs("container=web&tail=1&follow=true".into())
        ))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(followed.status(), StatusCode::OK);
    let mut received = String::new();
    read_until(&mut followed, &mut received, "three\n").await;
    assert_eq!(received, "three\n");
    // What is under test is time passing: a line written after the request timeout still arrives.
    tokio::time::sleep(LOG_REQUEST_TIMEOUT + Duration::from_millis(500)).await;
    cluster.knobs().seed_pod_log("shop", &pod, "web", "four\n");
    read_until(&mut followed, &mut received, "four\n").await;
    assert_eq!(received, "three\nfour\n");

    // The stream ends with the pod.
    let pods: Api<Pod> = Api::namespaced(cluster.client(), "shop");
    pods.delete(&pod, &DeleteParams::default().grace_period(0))
        .await
        .unwrap();
    let ended = tokio::time::timeout(SETTLE, async {
        while let Some(chunk) = followed.chunk().await.unwrap() {
            received.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the followed log went on after its pod was deleted"
    );
    assert_eq!(received, "three\nfour\n");

    let pod = pod_other_than(&server, &bob, &path, &pod).await;
    cluster.knobs().seed_pod_log("shop", &pod, "web", "five\n");
    let mut followed = server
        .http
        .get(format!(
            "{}{path}/logs?pod={pod}&container=web&follow=true",
            server.base
        ))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(followed.status(), StatusCode::OK);
    let mut received = String::new();
    read_until(&mut followed, &mut received, "five\n").await;

    // Shutdown ends the stream rather than waiting out its grace period (5 s) for it.
    let started = tokio::time::Instant::now();
    let stopping = tokio::spawn(server.stop());
    let ended = tokio::time::timeout(Duration::from_secs(4), async {
        loop {
            match followed.chunk().await {
                Ok(Some(_)) => continue,
                Ok(None) | Err(_) => return,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the followed log did not end at shutdown");
    tokio::time::timeout(Duration::from_secs(4), stopping)
        .await
        .expect("the server stopped within its grace period")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(4));
    cluster.shutdown();
}

/// Reads chunks of a streamed answer into `received` until it ends with `end`.
async fn read_until(response: &mut reqwest::Response, received: &mut String, end: &str) {
    tokio::time::timeout(SETTLE, async {
        while !received.ends_with(end) {
            let chunk = response.chunk().await.unwrap().expect("the stream went on");
            received.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {end:?} in time; received {received:?}"));
}

async fn only_the_owner_and_administrators_read_live_state(backend: Backend) {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let server = TestServer::start(backend).await;
    let (admin, _) = server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let (carol, _) = server.register("carol").await;
    let cluster_id = register_cluster(&server, &bob, &cluster).await;
    let path = create(
        &server,
        &bob,
        Some(&cluster_id),
        spec("shop", "nginx:1.27", 1),
    )
    .await;
    deploy(&server, &bob, &path).await;
    let pod = first_pod(&server, &bob, &path).await;
    cluster.knobs().seed_pod_log("shop", &pod, "web", "hello\n");

    let routes = [
        "resources".to_owned(),
        "events".to_owned(),
        format!("logs?pod={pod}"),
        "export".to_owned(),
    ];
    for route in &routes {
        let (status, body) = server.get(&format!("{path}/{route}"), Some(&carol)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{route}: {body}");
        assert_eq!(body["error"]["code"], "not_found");
        let (status, _) = server.get(&format!("{path}/{route}"), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{route}");
        for token in [&bob, &admin] {
            let (status, body) = server.get(&format!("{path}/{route}"), Some(token)).await;
            assert_eq!(status, StatusCode::OK, "{route}: {body}");
        }
    }
    let (_, log) = server
        .get(&format!("{path}/logs?pod={pod}"), Some(&admin))
        .await;
    assert_eq!(log, json!("hello\n"));
    // An id that cannot exist is as unknown as another user's deployment.
    let (status, _) = server
        .get("/api/v1/deployments/not-an-id/resources", Some(&bob))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
    cluster.shutdown();
}
