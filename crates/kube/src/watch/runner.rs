//! The tasks behind a [`super::ClusterWatch`]: one watcher per kind (after a discovery check for
//! CRD kinds), one for Warning events, and one that promotes failures when their grace runs out.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use futures::StreamExt;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind};
use kube::runtime::watcher::{self, Event};
use kube::runtime::{WatchStreamExt, watcher as watch_stream};
use serde_json::Value;

use super::Shared;
use super::kinds::{WATCHED_KINDS, WatchedKind};
use crate::health::Warning;

/// How long to sleep when no failure is waiting for its grace: woken earlier by every change.
const IDLE_PROMOTION_CHECK: std::time::Duration = std::time::Duration::from_secs(3600);

/// Spawns every task, each tracked for shutdown.
pub(super) fn spawn_all(shared: &Arc<Shared>) {
    let mut tasks = shared
        .tasks
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if shared.cancel.is_cancelled() {
        return;
    }
    for kind in WATCHED_KINDS {
        tasks.spawn(watch_kind(shared.clone(), kind));
    }
    tasks.spawn(watch_warnings(shared.clone()));
    tasks.spawn(promote_failures(shared.clone()));
}

/// Waits until every kind was listed once or found not installed, at most the configured
/// initial sync time, and only once: when the cluster does not answer, later callers get what is
/// known at once instead of waiting again each time.
pub(super) async fn initial_sync(shared: &Shared) {
    if shared.sync_waited.load(Ordering::SeqCst) {
        return;
    }
    let mut settled = shared.settled.subscribe();
    let all = WATCHED_KINDS.len();
    let _ = tokio::time::timeout(
        shared.config.initial_sync,
        settled.wait_for(|count| *count >= all),
    )
    .await;
    shared.sync_waited.store(true, Ordering::SeqCst);
}

fn mark_settled(shared: &Shared, kind: &WatchedKind, settled: &mut bool) {
    if !*settled {
        *settled = true;
        shared.settled.send_modify(|count| *count += 1);
        tracing::debug!(kind = kind.kind, "watch listed");
    }
}

/// Whether a CRD kind is served: `None` when discovery itself failed.
async fn installed(shared: &Shared, kind: &WatchedKind) -> Option<bool> {
    match shared
        .client
        .list_api_group_resources(&kind.api_version())
        .await
    {
        Ok(resources) => Some(resources.resources.iter().any(|r| r.name == kind.plural)),
        Err(kube::Error::Api(status)) if status.code == 404 => Some(false),
        Err(error) => {
            tracing::warn!(kind = kind.kind, %error, "discovery failed");
            None
        }
    }
}

fn is_not_found(error: &watcher::Error) -> bool {
    match error {
        watcher::Error::InitialListFailed(kube::Error::Api(status))
        | watcher::Error::WatchStartFailed(kube::Error::Api(status))
        | watcher::Error::WatchFailed(kube::Error::Api(status)) => status.code == 404,
        _ => false,
    }
}

/// Watches one kind for as long as the watch lives. A CRD kind that is not installed is looked
/// for again every `crd_recheck`, quietly, instead of a watcher failing every second.
async fn watch_kind(shared: Arc<Shared>, kind: &'static WatchedKind) {
    let mut settled = false;
    loop {
        if kind.optional && installed(&shared, kind).await != Some(true) {
            mark_settled(&shared, kind, &mut settled);
            tokio::select! {
                () = shared.cancel.cancelled() => return,
                () = tokio::time::sleep(shared.config.crd_recheck) => continue,
            }
        }
        let api = Api::<DynamicObject>::all_with(shared.client.clone(), &kind.api_resource());
        let config = watcher::Config::default().labels(&shared.config.label_selector);
        let stream = watch_stream(api, config)
            .default_backoff()
            .modify(|object| {
                object.metadata.managed_fields = None;
                if let Some(annotations) = object.metadata.annotations.as_mut() {
                    annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
                }
            });
        let mut stream = std::pin::pin!(stream);
        loop {
            let next = tokio::select! {
                () = shared.cancel.cancelled() => return,
                next = stream.next() => next,
            };
            match next {
                Some(Ok(event)) => {
                    if matches!(event, Event::InitDone) {
                        mark_settled(&shared, kind, &mut settled);
                    }
                    apply_event(&shared, kind, event);
                }
                Some(Err(error)) if kind.optional && is_not_found(&error) => {
                    tracing::info!(
                        kind = kind.kind,
                        "CRD removed; watching stops until it is back"
                    );
                    break;
                }
                Some(Err(error)) => {
                    tracing::warn!(kind = kind.kind, %error, "watch failed; reconnecting with backoff");
                }
                None => return,
            }
        }
    }
}

fn apply_event(shared: &Shared, kind: &WatchedKind, event: Event<DynamicObject>) {
    let now = Instant::now();
    let mut cache = shared.cache();
    let changes = match event {
        Event::Init => {
            cache.relist_started(kind);
            Vec::new()
        }
        Event::InitApply(object) | Event::Apply(object) => match serde_json::to_value(object) {
            Ok(body) => cache.apply(kind, body, now),
            Err(error) => {
                tracing::warn!(kind = kind.kind, %error, "unreadable object");
                Vec::new()
            }
        },
        Event::Delete(object) => match serde_json::to_value(object) {
            Ok(body) => cache.delete(&body, now),
            Err(_) => Vec::new(),
        },
        Event::InitDone => cache.relist_done(kind, now),
    };
    shared.publish(changes);
    drop(cache);
    shared.promotion.notify_one();
}

/// The resource of core/v1 Events.
pub(super) fn events_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk("", "v1", "Event"), "events")
}

/// One watcher of Warning events for the whole cluster: some causes are only told there.
async fn watch_warnings(shared: Arc<Shared>) {
    let api = Api::<DynamicObject>::all_with(shared.client.clone(), &events_resource());
    let stream = watch_stream(api, watcher::Config::default().fields("type=Warning"))
        .default_backoff()
        .modify(|event| event.metadata.managed_fields = None);
    let mut stream = std::pin::pin!(stream);
    loop {
        let next = tokio::select! {
            () = shared.cancel.cancelled() => return,
            next = stream.next() => next,
        };
        match next {
            Some(Ok(Event::Apply(event) | Event::InitApply(event))) => {
                let text = |field: &str| {
                    event
                        .data
                        .pointer(field)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                let uid = text("/involvedObject/uid");
                if uid.is_empty() {
                    continue;
                }
                let warning = Warning {
                    reason: text("/reason"),
                    message: text("/message"),
                };
                let mut cache = shared.cache();
                let changes = cache.warning(&uid, warning, Instant::now());
                shared.publish(changes);
                drop(cache);
                shared.promotion.notify_one();
            }
            Some(Ok(_)) => {}
            Some(Err(error)) => {
                tracing::warn!(%error, "Warning events watch failed; reconnecting with backoff");
            }
            None => return,
        }
    }
}

/// Re-settles the apps when a recoverable failure's grace runs out, so it turns Failed even when
/// nothing else changes.
async fn promote_failures(shared: Arc<Shared>) {
    loop {
        let next = shared.cache().next_promotion(Instant::now());
        let sleep = match next {
            Some(due) => tokio::time::sleep_until(due.into()),
            None => tokio::time::sleep(IDLE_PROMOTION_CHECK),
        };
        tokio::select! {
            () = shared.cancel.cancelled() => return,
            () = shared.promotion.notified() => {}
            () = sleep => {
                let mut cache = shared.cache();
                let changes = cache.reevaluate(Instant::now());
                shared.publish(changes);
            }
        }
    }
}
