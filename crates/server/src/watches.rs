//! One live watch per cluster, shared by everything that reads live state (resources, events,
//! logs, the status of deployments, WebSocket subscribers). A watch starts on first use, follows
//! its cluster's connection (new credentials give a new watch), and stops with the server.

use crate::clusters::{ClusterError, Clusters};
use kubechart_kube::connect::Connection;
use kubechart_kube::watch::{ClusterWatch, WatchConfig};
use kubechart_store::{Cluster, ClusterId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio_util::sync::CancellationToken;

/// The watches of every cluster in use, by cluster id.
pub struct Watches {
    clusters: Arc<Clusters>,
    config: WatchConfig,
    /// Cancelled at shutdown; every watch runs under a child of it.
    shutdown: CancellationToken,
    watches: Mutex<HashMap<ClusterId, Watched>>,
}

/// A watch and the connection it was built on, to notice when that connection is replaced.
struct Watched {
    connection: Arc<Connection>,
    watch: Arc<ClusterWatch>,
}

impl Watches {
    pub fn new(clusters: Arc<Clusters>, config: WatchConfig, shutdown: CancellationToken) -> Self {
        Self {
            clusters,
            config,
            shutdown,
            watches: Mutex::new(HashMap::new()),
        }
    }

    /// The watch of `cluster`, created when there is none or its connection changed. The caller
    /// must already have checked that the user may use the cluster.
    pub async fn of(&self, cluster: &Cluster) -> Result<Arc<ClusterWatch>, ClusterError> {
        let connection = self.clusters.connection(cluster).await?;
        let mut watches = self.lock();
        if let Some(watched) = watches.get(&cluster.id)
            && Arc::ptr_eq(&watched.connection, &connection)
        {
            return Ok(Arc::clone(&watched.watch));
        }
        // A replaced watch stops once its last user lets go of it (dropping cancels its tasks).
        let watch = Arc::new(ClusterWatch::new(
            connection.stream_client().clone(),
            self.config.clone(),
            &self.shutdown,
        ));
        watches.insert(
            cluster.id,
            Watched {
                connection,
                watch: Arc::clone(&watch),
            },
        );
        Ok(watch)
    }

    /// Drops the watch of a cluster that was deleted.
    pub fn forget(&self, cluster: ClusterId) {
        self.lock().remove(&cluster);
    }

    /// The map stays consistent when a holder panics (each update is one insert or remove).
    fn lock(&self) -> MutexGuard<'_, HashMap<ClusterId, Watched>> {
        self.watches.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
