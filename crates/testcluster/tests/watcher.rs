//! kube-rs's `watcher` against the test server, the way the health watches use it: a dropped
//! watch resumes from its resourceVersion, and one that fell behind the retained history gets
//! kube-apiserver's 410 Expired, relists and converges.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::eventually;
use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kubechart_testcluster::{FailRule, Options, TestCluster};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);

/// A reflector over the ConfigMaps of `default`; every watcher error is kept as text.
fn reflect(
    api: Api<ConfigMap>,
    config: watcher::Config,
) -> (Store<ConfigMap>, Arc<Mutex<Vec<String>>>) {
    let (reader, writer) = reflector::store();
    let errors = Arc::new(Mutex::new(Vec::new()));
    let seen = errors.clone();
    let stream = reflector::reflector(writer, watcher(api, config)).default_backoff();
    tokio::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        while let Some(event) = stream.next().await {
            if let Err(e) = event {
                seen.lock().unwrap().push(format!("{e:?}"));
            }
        }
    });
    (reader, errors)
}

fn value_of(store: &Store<ConfigMap>, name: &str) -> Option<String> {
    store
        .state()
        .into_iter()
        .find(|c| c.metadata.name.as_deref() == Some(name))
        .and_then(|c| c.data.as_ref()?.get("k").cloned())
}

async fn put(api: &Api<ConfigMap>, name: &str, value: &str) {
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": value}});
    api.patch(name, &PatchParams::apply("test").force(), &Patch::Apply(cm))
        .await
        .unwrap();
}

async fn converges_after_drops_and_expiry(config: watcher::Config) {
    let c = TestCluster::start(Options {
        watch_history: 10,
        controllers: false,
        ..Options::default()
    })
    .await
    .unwrap();
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    let (store, errors) = reflect(api.clone(), config);
    put(&api, "a", "1").await;
    eventually("the watcher sees a", WAIT, || async {
        value_of(&store, "a").filter(|v| v == "1")
    })
    .await;

    let knobs = c.knobs();
    knobs.drop_watches();
    put(&api, "b", "1").await;
    eventually("the resumed watch sees b", WAIT, || async {
        value_of(&store, "b")
    })
    .await;

    // Keep the watcher out while more changes happen than the server retains (a 500: kube-rs's
    // client retries 503s itself, so the watcher would never see that refusal).
    knobs.fail_requests(FailRule::all().verb("watch").resource("configmaps"));
    knobs.drop_watches();
    eventually("the watcher is shut out", WAIT, || async {
        errors
            .lock()
            .unwrap()
            .iter()
            .any(|e| e.contains("InternalError"))
            .then_some(())
    })
    .await;
    for i in 0..15 {
        put(&api, "churn", &i.to_string()).await;
    }
    api.delete("a", &DeleteParams::default()).await.unwrap();
    api.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": "c"}, "data": {"k": "1"}})).unwrap(),
    )
    .await
    .unwrap();
    knobs.clear_faults();

    eventually("the watcher relists and converges", WAIT, || async {
        (value_of(&store, "a").is_none()
            && value_of(&store, "churn").as_deref() == Some("14")
            && value_of(&store, "c").is_some())
        .then_some(())
    })
    .await;
    let errors = errors.lock().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("410") && e.contains("too old resource version")),
        "the resumed watch was told 410 Expired: {errors:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_rs_watcher_resumes_after_dropped_watches_and_relists_after_410() {
    converges_after_drops_and_expiry(watcher::Config::default()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_rs_streaming_list_watcher_resumes_and_relists_the_same_way() {
    converges_after_drops_and_expiry(watcher::Config::default().streaming_lists()).await;
}
