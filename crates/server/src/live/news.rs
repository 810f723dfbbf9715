//! News about deployments: status changes and per-object progress, from the operations that
//! run them and from the followers that watch their clusters, to whoever shows them (WebSocket
//! subscribers) or acts on them (the followers, when an operation ends).
//!
//! [`DeploymentNews`] is the one place where news leaves and enters this replica. Today it is a
//! broadcast inside the process; for several replicas, `publish` also sends the news to the
//! others (PostgreSQL `NOTIFY`) and a listener feeds what they send into the same channel, and
//! nothing on either side of it changes.

use crate::deployments::operation_views::ObjectProgressView;
use kubechart_store::{DeploymentId, DeploymentStatus, OperationId};
use tokio::sync::broadcast;

/// How much news a slow receiver may fall behind before it lags and must look again.
const CAPACITY: usize = 4096;

/// Who set a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusSource {
    /// An operation started or ended.
    Operation,
    /// The deployment's objects on its cluster changed health.
    Cluster,
}

/// One piece of news.
#[derive(Debug, Clone)]
pub enum News {
    /// A deployment's stored status changed.
    Status {
        deployment: DeploymentId,
        status: DeploymentStatus,
        reason: Option<String>,
        source: StatusSource,
    },
    /// One object's progress in a running operation.
    Progress {
        deployment: DeploymentId,
        operation: OperationId,
        object: ObjectProgressView,
    },
}

impl News {
    /// The deployment the news is about.
    pub fn deployment(&self) -> DeploymentId {
        match self {
            News::Status { deployment, .. } | News::Progress { deployment, .. } => *deployment,
        }
    }
}

/// The publish side and the subscribe side of deployment news. Cloning gives another handle to
/// the same channel. Publishing never waits: a receiver that falls behind lags and catches up
/// with a snapshot of its own.
#[derive(Clone)]
pub struct DeploymentNews {
    sender: broadcast::Sender<News>,
}

impl Default for DeploymentNews {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(CAPACITY).0,
        }
    }
}

impl DeploymentNews {
    /// An operation set the deployment's status (`applying` as it starts, its outcome as it ends).
    pub fn operation_status(
        &self,
        deployment: DeploymentId,
        status: DeploymentStatus,
        reason: Option<&str>,
    ) {
        self.publish(News::Status {
            deployment,
            status,
            reason: reason.map(str::to_owned),
            source: StatusSource::Operation,
        });
    }

    /// An operation moved one object along.
    pub fn progress(
        &self,
        deployment: DeploymentId,
        operation: OperationId,
        object: &ObjectProgressView,
    ) {
        self.publish(News::Progress {
            deployment,
            operation,
            object: object.clone(),
        });
    }

    /// The status the deployment's objects show was stored.
    pub(crate) fn observed_status(
        &self,
        deployment: DeploymentId,
        status: DeploymentStatus,
        reason: &str,
    ) {
        self.publish(News::Status {
            deployment,
            status,
            reason: Some(reason.to_owned()),
            source: StatusSource::Cluster,
        });
    }

    /// Everything published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<News> {
        self.sender.subscribe()
    }

    fn publish(&self, news: News) {
        // Nobody listening is not an error: the database holds the state, this is only news.
        let _ = self.sender.send(news);
    }
}
