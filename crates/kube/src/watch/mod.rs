//! Live status without polling. A [`ClusterWatch`] runs, per cluster, one watcher per kind whose
//! health can change (label-selected `app.kubernetes.io/managed-by=kubechart`) plus one watcher of
//! Warning events, and keeps only the computed health of each object and the ownership links
//! needed to carry child failures up. Apps are found through the ApplySet part-of label on their
//! top-level objects; pods, ReplicaSets and Jobs belong through their ownerReferences.
//!
//! Changes go out on a lossy broadcast of [`AppChange`]s with sequence numbers: a slow subscriber
//! never stalls a watch, and one that lagged takes a fresh [`AppSnapshot`] ([`AppSubscription`]
//! does this by itself). [`ClusterWatch::wait_for`] waits until objects are Current or one
//! Failed. Events are listed from the API, newest first; pod logs are streamed line by line.

mod cache;
mod events;
mod kinds;
mod logs;
mod runner;
mod subscription;
mod wait;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, broadcast};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::ObjectRef;
use crate::health::{DEFAULT_FAILURE_GRACE, Health};

pub use events::ObjectEvent;
pub use logs::{LogLines, LogRequest};
pub use subscription::{AppEvent, AppSubscription};
pub use wait::WaitOutcome;

use cache::Cache;

/// The label every object KubeChart renders carries; pods and ReplicaSets get it through the pod
/// template.
pub const MANAGED_SELECTOR: &str = "app.kubernetes.io/managed-by=kubechart";

/// How a [`ClusterWatch`] behaves.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    /// How long a recoverable failure (image pull, crash loop, a controller's condition) must last
    /// before it is reported as Failed.
    pub failure_grace: Duration,
    /// The label selector shared by every watcher.
    pub label_selector: String,
    /// Changes buffered per subscriber before it lags and must take a snapshot.
    pub channel_capacity: usize,
    /// How often to look again for a CRD that is not installed.
    pub crd_recheck: Duration,
    /// How long snapshots and waits give the watchers to list everything at start.
    pub initial_sync: Duration,
}

impl Default for WatchConfig {
    fn default() -> Self {
        Self {
            failure_grace: DEFAULT_FAILURE_GRACE,
            label_selector: MANAGED_SELECTOR.to_owned(),
            channel_capacity: 1024,
            crd_recheck: Duration::from_secs(300),
            initial_sync: Duration::from_secs(10),
        }
    }
}

/// Errors of the watch layer's requests (events, logs).
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The Kubernetes API refused or failed a request.
    #[error("Kubernetes API: {0}")]
    Api(#[from] kube::Error),
    /// Reading a log stream failed.
    #[error("reading the log stream: {0}")]
    Read(#[from] std::io::Error),
    /// The watch was shut down.
    #[error("the cluster watch was shut down")]
    ShutDown,
}

/// One object's health, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectHealth {
    /// Which object.
    pub object: ObjectRef,
    /// Its health, child failures carried up and the failure grace applied.
    pub health: Health,
}

/// An app's objects and health at sequence number `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSnapshot {
    /// The app's ApplySet id (the value of `applyset.kubernetes.io/part-of`).
    pub set_id: String,
    /// The last change included; changes with a higher number come after this snapshot.
    pub seq: u64,
    /// The app's top-level objects in apply order (pods and ReplicaSets are folded into their
    /// owners' health).
    pub objects: Vec<ObjectHealth>,
    /// The worst object's state, its reason naming the object.
    pub health: Health,
}

/// One change of one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppChange {
    /// The app's ApplySet id.
    pub set_id: String,
    /// Increases by one with every change on the cluster: a gap means changes were missed.
    pub seq: u64,
    /// What changed.
    pub update: AppUpdate,
}

/// What changed in an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum AppUpdate {
    /// An object appeared or its health changed.
    Object(ObjectHealth),
    /// An object is gone.
    Gone(ObjectRef),
    /// The app's health changed.
    App(Health),
}

/// The live status of one cluster. Nothing runs until first use; dropping it or cancelling the
/// token it was given stops every task, and [`ClusterWatch::shutdown`] also waits for them.
///
/// ```no_run
/// # use kubechart_kube::watch::{AppEvent, ClusterWatch, WaitOutcome, WatchConfig};
/// # use kubechart_kube::ObjectRef;
/// # async fn example(client: kube::Client, applied: Vec<ObjectRef>, set_id: &str) {
/// let shutdown = tokio_util::sync::CancellationToken::new();
/// let watch = ClusterWatch::new(client, WatchConfig::default(), &shutdown);
///
/// // `apply --wait`: until every applied object is Current or one Failed.
/// let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(300);
/// match watch.wait_for(&applied, deadline, |object, health| println!("{object}: {health:?}")).await {
///     Ok(WaitOutcome::Current) => {}
///     Ok(WaitOutcome::Failed(failed)) => eprintln!("{}: {}", failed.object, failed.health.reason),
///     Ok(WaitOutcome::TimedOut(waiting)) => eprintln!("{} objects not ready", waiting.len()),
///     Err(error) => eprintln!("{error}"),
/// }
///
/// // A browser socket: a snapshot first, then changes, a new snapshot after a lag.
/// let mut app = watch.subscribe_app(set_id);
/// while let Some(event) = app.recv().await {
///     match event {
///         AppEvent::Snapshot(snapshot) => println!("{:?}", snapshot.health),
///         AppEvent::Change(change) => println!("{} {:?}", change.seq, change.update),
///     }
/// }
/// watch.shutdown().await;
/// # }
/// ```
pub struct ClusterWatch {
    shared: Arc<Shared>,
}

/// What the watch tasks and the handle share.
struct Shared {
    client: kube::Client,
    config: WatchConfig,
    cache: Mutex<Cache>,
    changes: broadcast::Sender<AppChange>,
    cancel: CancellationToken,
    tasks: Mutex<JoinSet<()>>,
    started: AtomicBool,
    /// Kinds listed at least once, or found not installed.
    settled: tokio::sync::watch::Sender<usize>,
    /// The initial sync was waited for (to its end or its time limit).
    sync_waited: AtomicBool,
    /// Wakes the task that promotes failures once their grace ran out.
    promotion: Notify,
}

impl Shared {
    fn cache(&self) -> MutexGuard<'_, Cache> {
        // A panic elsewhere while the lock was held must not take every later status request
        // down with it; the next watch event or relist repairs what it left half done.
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Publishes changes in sequence order; called with the cache locked so that order holds.
    fn publish(&self, changes: Vec<AppChange>) {
        for change in changes {
            // No subscriber is not an error: the cache is the state, the channel only news.
            let _ = self.changes.send(change);
        }
    }
}

impl ClusterWatch {
    /// A watch of the cluster behind `client`, stopped when `cancel` (the owner's token) is
    /// cancelled. Nothing is started until first use.
    pub fn new(client: kube::Client, config: WatchConfig, cancel: &CancellationToken) -> Self {
        let (changes, _) = broadcast::channel(config.channel_capacity.max(1));
        Self {
            shared: Arc::new(Shared {
                client,
                cache: Mutex::new(Cache::new(config.failure_grace)),
                config,
                changes,
                cancel: cancel.child_token(),
                tasks: Mutex::new(JoinSet::new()),
                started: AtomicBool::new(false),
                settled: tokio::sync::watch::Sender::new(0),
                sync_waited: AtomicBool::new(false),
                promotion: Notify::new(),
            }),
        }
    }

    /// Starts the watchers if they are not running yet. Every other method calls it; call it
    /// (and `subscribe*`) from within a Tokio runtime.
    pub fn start(&self) {
        if self.shared.started.swap(true, Ordering::SeqCst) {
            return;
        }
        runner::spawn_all(&self.shared);
    }

    /// Every change on the cluster, all apps mixed. On `RecvError::Lagged` take a
    /// [`ClusterWatch::snapshot`]; or use [`ClusterWatch::subscribe_app`], which does.
    pub fn subscribe(&self) -> broadcast::Receiver<AppChange> {
        self.start();
        self.shared.changes.subscribe()
    }

    /// One app's changes, starting with a snapshot and re-snapshotting after a lag.
    pub fn subscribe_app(&self, set_id: &str) -> AppSubscription {
        let changes = self.subscribe();
        AppSubscription::new(self.shared.clone(), set_id, changes)
    }

    /// The app's objects and health, once the watchers have listed everything (or the
    /// configured initial sync time has passed).
    pub async fn snapshot(&self, set_id: &str) -> AppSnapshot {
        self.start();
        runner::initial_sync(&self.shared).await;
        self.shared.cache().snapshot(set_id)
    }

    /// One object's health now (see [`ClusterWatch::wait_for`] for kinds that are not watched).
    pub async fn health_of(&self, object: &ObjectRef) -> Health {
        self.start();
        runner::initial_sync(&self.shared).await;
        wait::health_now(&self.shared, object)
    }

    /// Waits until every object is Current or one is Failed, or `deadline` passes; `progress` is
    /// called with each object's health when it is first known and whenever it changes. Kinds
    /// that are not watched (ConfigMap, Secret, RBAC…) have no status and count as Current.
    pub async fn wait_for(
        &self,
        objects: &[ObjectRef],
        deadline: tokio::time::Instant,
        progress: impl FnMut(&ObjectRef, &Health),
    ) -> Result<WaitOutcome, WatchError> {
        let changes = self.subscribe();
        wait::wait_for(&self.shared, changes, objects, deadline, progress).await
    }

    /// Events about the app's objects and everything they own (pods included), newest first,
    /// at most `limit`; listed from the API, so Normal events are there too.
    pub async fn events(&self, set_id: &str, limit: usize) -> Result<Vec<ObjectEvent>, WatchError> {
        self.start();
        runner::initial_sync(&self.shared).await;
        events::list(&self.shared, set_id, limit).await
    }

    /// The app's pods (found through their owners), for a log picker and to check that a pod
    /// asked for belongs to the app.
    pub async fn pods(&self, set_id: &str) -> Vec<ObjectRef> {
        self.start();
        runner::initial_sync(&self.shared).await;
        let mut pods: Vec<ObjectRef> = self
            .shared
            .cache()
            .objects_of(set_id)
            .into_iter()
            .map(|(_, object)| object)
            .filter(|object| object.kind == "Pod" && object.api_version == "v1")
            .collect();
        pods.sort();
        pods
    }

    /// A pod's log as a stream of lines (following it when asked).
    pub async fn pod_logs(
        &self,
        namespace: &str,
        pod: &str,
        request: &LogRequest,
    ) -> Result<LogLines, WatchError> {
        logs::stream(&self.shared.client, namespace, pod, request).await
    }

    /// Stops every task and waits for them to end.
    pub async fn shutdown(&self) {
        self.shared.cancel.cancel();
        let mut tasks = std::mem::take(
            &mut *self
                .shared
                .tasks
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        while tasks.join_next().await.is_some() {}
    }
}

impl Drop for ClusterWatch {
    fn drop(&mut self) {
        self.shared.cancel.cancel();
    }
}
