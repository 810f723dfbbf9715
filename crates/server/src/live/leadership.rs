//! One status writer per cluster. Every replica follows the deployments its sockets and
//! operations need, but only the replica that leads a cluster stores the status its watch shows
//! (the others learn it from the news, see [`super::fanout`]), so N replicas do not write each
//! status N times. Leadership is a lease row in the database (`kubechart_store::leadership`):
//! claimed for every cluster this replica follows, renewed three times per lease, released when
//! no follower needs the cluster any more and at shutdown, and taken over by another replica when
//! the holder stops renewing it (it died, or lost the database).

use crate::serve::BackgroundTasks;
use kubechart_store::{ClusterId, Store, leadership};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

/// Renewals are at least this far apart, however short the lease.
const MIN_RENEWAL: Duration = Duration::from_millis(100);

/// The leadership of every cluster this replica follows.
pub struct Leadership {
    store: Store,
    /// This replica, as named in the lease rows.
    holder: String,
    lease: Duration,
    clusters: Mutex<HashMap<ClusterId, Claim>>,
    /// Wakes the claimer when a cluster is wanted for the first time.
    wanted: Notify,
}

/// This replica's claim on one cluster.
struct Claim {
    /// Followers on this replica that need the cluster.
    interest: usize,
    /// While this replica leads the cluster: until when it may write for sure. Receivers are
    /// told when leadership is gained or lost, not when it is renewed.
    term: watch::Sender<Option<Instant>>,
}

/// A follower's share in its cluster's leadership; dropping it gives the share up.
pub struct ClusterLeadership {
    leadership: Arc<Leadership>,
    cluster: ClusterId,
    term: watch::Receiver<Option<Instant>>,
}

impl ClusterLeadership {
    /// Whether this replica writes the cluster's statuses now.
    pub fn leads(&self) -> bool {
        self.term
            .borrow()
            .is_some_and(|until| Instant::now() < until)
    }

    /// Returns once this replica has become the cluster's leader (not when it already was).
    pub async fn gained(&mut self) {
        loop {
            if self.term.changed().await.is_err() {
                // The claim outlives every share in it, so this does not happen; never gain.
                std::future::pending::<()>().await;
            }
            if self.leads() {
                return;
            }
        }
    }
}

impl Drop for ClusterLeadership {
    fn drop(&mut self) {
        if let Some(claim) = self.leadership.lock().get_mut(&self.cluster) {
            claim.interest -= 1;
        }
    }
}

impl Leadership {
    /// Leadership claimed as `holder` for `lease` at a time.
    pub fn new(store: Store, holder: String, lease: Duration) -> Arc<Self> {
        Arc::new(Self {
            store,
            holder,
            lease,
            clusters: Mutex::default(),
            wanted: Notify::new(),
        })
    }

    /// A share in the leadership of `cluster`, claimed at once when it is new here.
    pub fn of(self: &Arc<Self>, cluster: ClusterId) -> ClusterLeadership {
        let mut clusters = self.lock();
        let claim = clusters.entry(cluster).or_insert_with(|| {
            self.wanted.notify_one();
            Claim {
                interest: 0,
                term: watch::Sender::new(None),
            }
        });
        claim.interest += 1;
        ClusterLeadership {
            leadership: Arc::clone(self),
            cluster,
            term: claim.term.subscribe(),
        }
    }

    /// How many clusters this replica leads now.
    pub fn led(&self) -> usize {
        let now = Instant::now();
        self.lock()
            .values()
            .filter(|claim| claim.term.borrow().is_some_and(|until| now < until))
            .count()
    }

    /// Claims and renews in the background until shutdown, then releases what it leads.
    pub fn start(self: &Arc<Self>, background: &BackgroundTasks) {
        let leadership = Arc::clone(self);
        background.spawn("cluster leadership", |shutdown| async move {
            // Renewing three times per lease leaves two attempts before the lease runs out.
            let mut ticks = tokio::time::interval((leadership.lease / 3).max(MIN_RENEWAL));
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    _ = ticks.tick() => {}
                    () = leadership.wanted.notified() => {}
                }
                leadership.claim_all().await;
            }
            leadership.release_all().await;
        });
    }

    /// Claims or renews every cluster a follower needs; releases the others.
    async fn claim_all(&self) {
        let clusters: Vec<(ClusterId, bool)> = self
            .lock()
            .iter()
            .map(|(cluster, claim)| (*cluster, claim.interest > 0))
            .collect();
        for (cluster, wanted) in clusters {
            if !wanted {
                self.release(cluster).await;
                continue;
            }
            let asked = Instant::now();
            let claimed =
                leadership::claim(self.store.connection(), cluster, &self.holder, self.lease).await;
            let clusters = self.lock();
            let Some(claim) = clusters.get(&cluster) else {
                continue;
            };
            claim.term.send_if_modified(|current| {
                let now = Instant::now();
                let led = current.is_some_and(|until| now < until);
                // Another replica may take over once the lease has run out by its clock: stop
                // writing a third of a lease before that, so clock skew and a slow database do
                // not make two writers.
                let term = match &claimed {
                    Ok(true) => Some(asked + self.lease * 2 / 3),
                    Ok(false) => None,
                    Err(error) => {
                        tracing::warn!(%cluster, %error, "cannot renew the leadership of a cluster");
                        current.filter(|_| led)
                    }
                };
                *current = term;
                let changed = led != term.is_some();
                if changed {
                    tracing::info!(%cluster, leads = !led, "cluster status leadership changed");
                }
                changed
            });
        }
    }

    /// Forgets a cluster no follower needs any more and gives up its lease.
    async fn release(&self, cluster: ClusterId) {
        {
            let mut clusters = self.lock();
            if clusters
                .get(&cluster)
                .is_none_or(|claim| claim.interest > 0)
            {
                return;
            }
            clusters.remove(&cluster);
        }
        self.give_up(cluster).await;
    }

    /// At shutdown: stops writing and gives up every lease, so the other replicas take over at
    /// their next claim.
    async fn release_all(&self) {
        let clusters: Vec<ClusterId> = self
            .lock()
            .iter()
            .map(|(cluster, claim)| {
                claim.term.send_replace(None);
                *cluster
            })
            .collect();
        for cluster in clusters {
            self.give_up(cluster).await;
        }
    }

    async fn give_up(&self, cluster: ClusterId) {
        if let Err(error) =
            leadership::release(self.store.connection(), cluster, &self.holder).await
        {
            // The lease runs out by itself.
            tracing::warn!(%cluster, %error, "cannot release the leadership of a cluster");
        }
    }

    /// The map stays consistent when a holder panics (each update is one insert, remove or
    /// count change).
    fn lock(&self) -> MutexGuard<'_, HashMap<ClusterId, Claim>> {
        self.clusters.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
