//! Many clients writing and watching at once: resourceVersions stay consistent and every watcher
//! sees every event, in order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::cluster;
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, Patch, PatchParams, WatchEvent, WatchParams};
use serde_json::json;

const WRITERS: usize = 8;
const WRITES_EACH: usize = 15;
const WATCHERS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_apiserver_keeps_every_watcher_in_order_under_concurrent_writes() {
    let c = cluster().await;
    let api: Api<ConfigMap> = Api::namespaced(c.client(), "default");
    let start = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let total = WRITERS * WRITES_EACH;
    let mut watchers = Vec::new();
    for _ in 0..WATCHERS {
        let api = api.clone();
        let start = start.clone();
        watchers.push(tokio::spawn(async move {
            let mut stream = api
                .watch(&WatchParams::default().timeout(120), &start)
                .await
                .unwrap()
                .boxed();
            let mut seen = Vec::new();
            while seen.len() < total {
                match stream.try_next().await.unwrap().expect("stream stays open") {
                    WatchEvent::Added(o) | WatchEvent::Modified(o) => {
                        let rv: u64 = o.metadata.resource_version.unwrap().parse().unwrap();
                        let data = o.data.unwrap_or_default();
                        seen.push((
                            rv,
                            o.metadata.name.unwrap(),
                            data.get("n").cloned().unwrap_or_default(),
                        ));
                    }
                    other => panic!("unexpected {other:?}"),
                }
            }
            seen
        }));
    }
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let client = kube::Client::try_from(c.config()).unwrap();
        writers.push(tokio::spawn(async move {
            let api: Api<ConfigMap> = Api::namespaced(client, "default");
            let mut rvs = Vec::new();
            for n in 0..WRITES_EACH {
                let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("w{w}")}, "data": {"n": n.to_string()}});
                let out = api.patch(&format!("w{w}"), &PatchParams::apply("writer").force(), &Patch::Apply(body)).await.unwrap();
                rvs.push(out.metadata.resource_version.unwrap().parse::<u64>().unwrap());
            }
            rvs
        }));
    }
    let mut all_rvs = Vec::new();
    for w in writers {
        let rvs = w.await.unwrap();
        assert!(
            rvs.windows(2).all(|p| p[0] < p[1]),
            "one writer's versions increase"
        );
        all_rvs.extend(rvs);
    }
    all_rvs.sort_unstable();
    all_rvs.dedup();
    assert_eq!(
        all_rvs.len(),
        total,
        "every write got its own resourceVersion"
    );
    for w in watchers {
        let seen = tokio::time::timeout(Duration::from_secs(60), w)
            .await
            .unwrap()
            .unwrap();
        assert!(
            seen.windows(2).all(|p| p[0].0 < p[1].0),
            "events arrive in resourceVersion order"
        );
        let rvs: Vec<u64> = seen.iter().map(|s| s.0).collect();
        assert_eq!(rvs, all_rvs, "every watcher sees every write");
        for w in 0..WRITERS {
            let values: Vec<&str> = seen
                .iter()
                .filter(|s| s.1 == format!("w{w}"))
                .map(|s| s.2.as_str())
                .collect();
            let expected: Vec<String> = (0..WRITES_EACH).map(|n| n.to_string()).collect();
            assert_eq!(values, expected);
        }
    }
}
