//! Live status: deployment statuses kept up to date from the clusters' watches, and the
//! WebSocket hub that pushes status, operation progress and Warning events to browsers.
//!
//! - [`news`]: the one channel for news about deployments, where it leaves and enters a replica,
//!   and [`fanout`], which carries it between replicas on PostgreSQL;
//! - [`follower`] and [`status`]: each applied deployment's status from its objects' health,
//!   stored by the replica that holds the cluster's [`leadership`];
//! - [`tickets`] and [`origin`]: who may open a socket;
//! - [`connection`], [`subscription`], [`outbox`] and [`messages`]: the socket protocol.

mod app_view;
mod backoff;
pub mod connection;
pub mod fanout;
pub mod follower;
pub mod leadership;
pub mod messages;
pub mod news;
pub mod origin;
mod outbox;
pub mod status;
mod subscription;
pub mod tickets;

use crate::serve::BackgroundTasks;
use crate::watches::Watches;
use follower::Followers;
use kubechart_store::Store;
use leadership::Leadership;
use news::DeploymentNews;
use std::sync::Arc;
use tickets::Tickets;

/// Everything live, shared by the routes and the background tasks.
pub struct Live {
    store: Store,
    watches: Arc<Watches>,
    pub news: DeploymentNews,
    pub tickets: Tickets,
    followers: Arc<Followers>,
    leadership: Arc<Leadership>,
    /// Origins besides the server's own whose pages may open a socket.
    pub allowed_origins: Vec<String>,
}

impl Live {
    pub fn new(
        store: Store,
        watches: Arc<Watches>,
        news: DeploymentNews,
        leadership: Arc<Leadership>,
        background: BackgroundTasks,
        allowed_origins: Vec<String>,
    ) -> Self {
        let followers = Followers::new(
            store.clone(),
            Arc::clone(&watches),
            news.clone(),
            Arc::clone(&leadership),
            background,
        );
        Self {
            tickets: Tickets::new(store.clone()),
            store,
            watches,
            news,
            followers,
            leadership,
            allowed_origins,
        }
    }

    /// Starts claiming cluster leadership, following every applied deployment and sweeping
    /// expired tickets.
    pub fn start(&self, background: &BackgroundTasks) {
        self.leadership.start(background);
        self.followers.start();
        let tickets = self.tickets.clone();
        background.spawn("socket ticket sweeper", |shutdown| async move {
            let mut ticks = tokio::time::interval(tickets::SWEEP_EVERY);
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    _ = ticks.tick() => {
                        if let Err(error) = tickets.sweep().await {
                            tracing::warn!(%error, "cannot sweep expired socket tickets");
                        }
                    }
                }
            }
        });
    }

    /// Whether deployment statuses cannot be stored right now (for `/readyz`).
    pub fn status_writes_failing(&self) -> bool {
        self.followers.writes.failing()
    }

    /// How this replica is doing at storing observed statuses, for `/metrics`.
    pub fn status_writing(&self) -> StatusWriting {
        StatusWriting {
            failing: self.followers.writes.failing(),
            stored: self.followers.writes.stored(),
            led_clusters: self.leadership.led(),
        }
    }
}

/// Figures about storing observed statuses.
pub struct StatusWriting {
    /// Whether some cannot be stored right now.
    pub failing: bool,
    /// How many this replica stored since it started.
    pub stored: u64,
    /// The clusters whose statuses this replica stores.
    pub led_clusters: usize,
}
