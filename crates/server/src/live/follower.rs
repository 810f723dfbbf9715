//! Watch-driven deployment status. Every applied deployment has a follower that reads its
//! objects' health from its cluster's watch, maps it to a status (see [`super::status`]) and
//! stores it when it changes — never over a running operation's status. A follower starts for
//! every applied deployment when the server starts, and again whenever an operation ends (its
//! news says so), first waiting until the watch has seen the objects that operation wrote.
//!
//! Only the replica that leads the deployment's cluster (see [`super::leadership`]) stores the
//! status; followers on the other replicas read the same watch but leave the writing to it, and
//! take it over, from the status as stored, when their replica becomes the leader.
//!
//! While the database refuses writes, a follower retries with backoff and `/readyz` reports the
//! server unready; the status is stored once the database is back.

use super::app_view::{AppTarget, AppView, TargetError, Unseen, health_of};
use super::backoff::Backoff;
use super::leadership::{ClusterLeadership, Leadership};
use super::news::{DeploymentNews, News, StatusSource};
use super::status;
use crate::serve::BackgroundTasks;
use crate::watches::Watches;
use kubechart_kube::health::Health;
use kubechart_kube::watch::WaitOutcome;
use kubechart_store::{
    Deployment, DeploymentFilter, DeploymentId, DeploymentStatus, OperationState, Store,
    StoreError, deployments, operations,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// First and longest wait between attempts to reach the database or the cluster.
const RETRY_FIRST: Duration = Duration::from_millis(200);
const RETRY_CEILING: Duration = Duration::from_secs(10);
/// How long after an operation a follower waits for the watch to confirm its objects before it
/// simply follows what the watch shows.
const SETTLE_LIMIT: Duration = Duration::from_secs(600);
/// Deployments read per page when every applied one is followed.
const PAGE: u64 = 200;

/// Whether status writes are failing right now, for `/readyz`, and how many were stored.
#[derive(Default)]
pub struct WriteHealth {
    failing: AtomicUsize,
    stored: AtomicU64,
}

impl WriteHealth {
    /// True while at least one follower cannot store a status.
    pub fn failing(&self) -> bool {
        self.failing.load(Ordering::SeqCst) > 0
    }

    /// Observed statuses this replica has stored since it started.
    pub fn stored(&self) -> u64 {
        self.stored.load(Ordering::Relaxed)
    }
}

/// One follower's share of [`WriteHealth`]; released when the follower ends.
struct WriteTrouble {
    health: Arc<WriteHealth>,
    failing: bool,
}

impl WriteTrouble {
    fn set(&mut self, failing: bool) {
        if failing != self.failing {
            self.failing = failing;
            if failing {
                self.health.failing.fetch_add(1, Ordering::SeqCst);
            } else {
                self.health.failing.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}

impl Drop for WriteTrouble {
    fn drop(&mut self) {
        self.set(false);
    }
}

/// The followers of every applied deployment.
pub struct Followers {
    store: Store,
    watches: Arc<Watches>,
    news: DeploymentNews,
    leadership: Arc<Leadership>,
    background: BackgroundTasks,
    pub writes: Arc<WriteHealth>,
    /// The running follower of each deployment, to replace it when an operation ends.
    running: Mutex<HashMap<DeploymentId, (u64, CancellationToken)>>,
    next_id: AtomicU64,
}

impl Followers {
    pub fn new(
        store: Store,
        watches: Arc<Watches>,
        news: DeploymentNews,
        leadership: Arc<Leadership>,
        background: BackgroundTasks,
    ) -> Arc<Self> {
        Arc::new(Self {
            store,
            watches,
            news,
            leadership,
            background,
            writes: Arc::default(),
            running: Mutex::default(),
            next_id: AtomicU64::new(0),
        })
    }

    /// Follows every applied deployment, and each one again when an operation on it ends.
    pub fn start(self: &Arc<Self>) {
        let followers = Arc::clone(self);
        // Subscribed before the first scan, so an operation that ends during it is not missed.
        let mut news = self.news.subscribe();
        self.background
            .spawn("status followers", |shutdown| async move {
                followers.follow_all(false, &shutdown).await;
                loop {
                    let received = tokio::select! {
                        () = shutdown.cancelled() => return,
                        received = news.recv() => received,
                    };
                    match received {
                        Ok(News::Status {
                            deployment,
                            status,
                            source: StatusSource::Operation,
                            ..
                        }) if !status::operation_running(status) => {
                            followers.follow(deployment, true);
                        }
                        Ok(_) => {}
                        // Operation ends may be among the missed news: look at everything again.
                        Err(RecvError::Lagged(_)) => followers.follow_all(true, &shutdown).await,
                        Err(RecvError::Closed) => return,
                    }
                }
            });
    }

    /// Starts (or restarts) a follower for every applied deployment.
    async fn follow_all(self: &Arc<Self>, settle: bool, shutdown: &CancellationToken) {
        let mut backoff = Backoff::new(RETRY_FIRST, RETRY_CEILING);
        let mut cursor = None;
        loop {
            let filter = DeploymentFilter {
                limit: PAGE,
                cursor,
                ..DeploymentFilter::default()
            };
            let page = match self.store.list_deployments(&filter).await {
                Ok(page) => page,
                Err(error) => {
                    tracing::warn!(%error, "cannot list the deployments to follow; retrying");
                    tokio::select! {
                        () = shutdown.cancelled() => return,
                        () = tokio::time::sleep(backoff.next_delay()) => continue,
                    }
                }
            };
            for deployment in &page.items {
                if deployment.cluster_id.is_some() && deployment.applied_revision.is_some() {
                    self.follow(deployment.id, settle);
                }
            }
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return,
            }
        }
    }

    /// Starts following one deployment, replacing a follower it already has. With `settle`, the
    /// follower first waits until the watch has seen the objects as they are now on the server.
    pub fn follow(self: &Arc<Self>, deployment: DeploymentId, settle: bool) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let stop = self.background.shutdown_token();
        if let Some((_, previous)) = self.lock().insert(deployment, (id, stop.clone())) {
            previous.cancel();
        }
        let follower = Follower {
            followers: Arc::clone(self),
            deployment,
            previous: DeploymentStatus::Draft,
            written: None,
            leader: None,
            stale: false,
            trouble: WriteTrouble {
                health: Arc::clone(&self.writes),
                failing: false,
            },
        };
        let followers = Arc::clone(self);
        self.background
            .spawn("status follower", move |_| async move {
                follower.run(settle, &stop).await;
                let mut running = followers.lock();
                if running
                    .get(&deployment)
                    .is_some_and(|(current, _)| *current == id)
                {
                    running.remove(&deployment);
                }
            });
    }

    /// The map stays consistent when a holder panics (each update is one insert or remove).
    fn lock(&self) -> MutexGuard<'_, HashMap<DeploymentId, (u64, CancellationToken)>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether a follower goes on.
enum Flow {
    Continue,
    Stop,
}

/// Follows one deployment until it is stopped, replaced or the deployment is gone.
struct Follower {
    followers: Arc<Followers>,
    deployment: DeploymentId,
    /// The status as last stored (what the mapping starts from).
    previous: DeploymentStatus,
    /// The status and reason this follower knows to be stored.
    written: Option<(DeploymentStatus, String)>,
    /// Whether this replica writes the statuses of the deployment's cluster.
    leader: Option<ClusterLeadership>,
    /// Whether `previous` and `written` must be read again before writing: another replica may
    /// have written while this one did not lead the cluster.
    stale: bool,
    trouble: WriteTrouble,
}

impl Follower {
    async fn run(mut self, settle: bool, stop: &CancellationToken) {
        let Some(target) = self.target(stop).await else {
            return;
        };
        let mut view = AppView::new(target);
        if settle && let Flow::Stop = self.settle(&mut view, stop).await {
            return;
        }
        let mut subscription = view.target.watch.subscribe_app(&view.target.set_id);
        loop {
            let event = tokio::select! {
                () = stop.cancelled() => return,
                () = gained(&mut self.leader) => {
                    self.stale = true;
                    None
                }
                event = subscription.recv() => match event {
                    Some(event) => Some(event),
                    None => return,
                },
            };
            if let Some(event) = event {
                view.apply(event);
            }
            let objects = view.objects(Unseen::Ask).await;
            if let Flow::Stop = self.persist(&health_of(&objects), stop).await {
                return;
            }
        }
    }

    /// The deployment's app on its cluster, once the database and the cluster answer; `None`
    /// when there is nothing to follow: no such live deployment, not applied, an operation
    /// running (its end starts a new follower) or a last operation that failed (its failure
    /// stands until the next one).
    async fn target(&mut self, stop: &CancellationToken) -> Option<AppTarget> {
        let mut backoff = Backoff::new(RETRY_FIRST, RETRY_CEILING);
        loop {
            let attempt = async {
                let followers = Arc::clone(&self.followers);
                let Some(deployment) = followers.store.deployment(self.deployment).await? else {
                    return Ok(None);
                };
                if !self.owns_status(&deployment).await? {
                    return Ok(None);
                }
                self.remember(&deployment);
                if self.leader.is_none() {
                    self.leader = deployment
                        .cluster_id
                        .map(|cluster| followers.leadership.of(cluster));
                }
                AppTarget::of(&followers.store, &followers.watches, &deployment)
                    .await
                    .map_err(Retry::Target)
            };
            match attempt.await {
                Ok(target) => return target,
                Err(Retry::Target(TargetError::Broken(error))) => {
                    tracing::warn!(deployment = %self.deployment, %error, "cannot follow a deployment's status");
                    return None;
                }
                Err(error) => {
                    tracing::warn!(deployment = %self.deployment, %error, "cannot follow a deployment's status yet; retrying");
                }
            }
            tokio::select! {
                () = stop.cancelled() => return None,
                () = tokio::time::sleep(backoff.next_delay()) => {}
            }
        }
    }

    /// Whether the cluster's view decides this deployment's status now.
    async fn owns_status(&self, deployment: &Deployment) -> Result<bool, StoreError> {
        if status::operation_running(deployment.status) || deployment.applied_revision.is_none() {
            return Ok(false);
        }
        let operations =
            operations::of_deployment(self.followers.store.connection(), deployment.id).await?;
        Ok(operations
            .first()
            .is_none_or(|last| last.state.is_finished() && last.state != OperationState::Failed))
    }

    /// After an operation: follows each object's health until the watch has seen every object
    /// as the server has it now and all are current, or one failed.
    async fn settle(&mut self, view: &mut AppView, stop: &CancellationToken) -> Flow {
        let (reports, mut reported) = mpsc::unbounded_channel();
        let watch = Arc::clone(&view.target.watch);
        let expected = view.target.expected.clone();
        let deadline = tokio::time::Instant::now() + SETTLE_LIMIT;
        let wait = watch.wait_for(&expected, deadline, move |object, health| {
            // The receiver lives as long as the wait; a failed send only means it is over.
            let _ = reports.send((object.clone(), health.clone()));
        });
        tokio::pin!(wait);
        let mut done = false;
        loop {
            tokio::select! {
                () = stop.cancelled() => return Flow::Stop,
                outcome = &mut wait, if !done => {
                    done = true;
                    match outcome {
                        Ok(WaitOutcome::Current | WaitOutcome::Failed(_) | WaitOutcome::TimedOut(_)) => {}
                        Err(_) => return Flow::Stop,
                    }
                }
                report = reported.recv() => {
                    let Some((object, health)) = report else { return Flow::Continue };
                    view.set(object, health);
                    let objects = view.objects(Unseen::Waiting).await;
                    if let Flow::Stop = self.persist(&health_of(&objects), stop).await {
                        return Flow::Stop;
                    }
                }
            }
        }
    }

    /// The status and reason as stored in `deployment`, which the next status starts from.
    fn remember(&mut self, deployment: &Deployment) {
        self.previous = deployment.status;
        self.written = deployment
            .status_reason
            .clone()
            .map(|reason| (deployment.status, reason));
    }

    /// Stores the status `app` shows when it differs from what is stored, retrying while the
    /// database fails; publishes it once stored. Nothing to do while another replica leads the
    /// cluster (also when this one loses the lead while retrying): that one stores the status,
    /// and its news reaches this replica's subscribers.
    async fn persist(&mut self, app: &Health, stop: &CancellationToken) -> Flow {
        let mut backoff = Backoff::new(RETRY_FIRST, RETRY_CEILING);
        loop {
            if !self.leader.as_ref().is_some_and(ClusterLeadership::leads) {
                self.trouble.set(false);
                return Flow::Continue;
            }
            match self.write(app).await {
                Ok(flow) => {
                    self.trouble.set(false);
                    return flow;
                }
                Err(error) => {
                    self.trouble.set(true);
                    tracing::warn!(deployment = %self.deployment, %error, "cannot store a deployment's status; retrying");
                }
            }
            tokio::select! {
                () = stop.cancelled() => return Flow::Stop,
                () = tokio::time::sleep(backoff.next_delay()) => {}
            }
        }
    }

    async fn write(&mut self, app: &Health) -> Result<Flow, StoreError> {
        if self.stale {
            if let Flow::Stop = self.reread().await? {
                return Ok(Flow::Stop);
            }
            self.stale = false;
        }
        let status = status::observed(self.previous, app);
        let reason = app.reason.as_str();
        if self
            .written
            .as_ref()
            .is_some_and(|(written, written_reason)| *written == status && written_reason == reason)
        {
            return Ok(Flow::Continue);
        }
        let store = &self.followers.store;
        if deployments::set_observed_status(store.connection(), self.deployment, status, reason)
            .await?
        {
            self.previous = status;
            self.written = Some((status, reason.to_owned()));
            self.followers.writes.stored.fetch_add(1, Ordering::Relaxed);
            self.followers
                .news
                .observed_status(self.deployment, status, reason);
            return Ok(Flow::Continue);
        }
        // Not written: already stored, an operation running, or the deployment gone.
        self.reread().await
    }

    /// Reads the stored status again; stops when the deployment is gone or an operation runs
    /// (its end starts a new follower).
    async fn reread(&mut self) -> Result<Flow, StoreError> {
        match self.followers.store.deployment(self.deployment).await? {
            None => Ok(Flow::Stop),
            Some(deployment) if status::operation_running(deployment.status) => Ok(Flow::Stop),
            Some(deployment) => {
                self.remember(&deployment);
                Ok(Flow::Continue)
            }
        }
    }
}

/// Returns once this replica becomes the leader of the follower's cluster; never without one.
async fn gained(leader: &mut Option<ClusterLeadership>) {
    match leader {
        Some(leader) => leader.gained().await,
        None => std::future::pending().await,
    }
}

/// Why finding a follower's target failed, to decide whether to try again.
#[derive(Debug, thiserror::Error)]
enum Retry {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Target(TargetError),
}
