//! News about deployments: status changes and per-object progress, from the operations that
//! run them and from the followers that watch their clusters, to whoever shows them (WebSocket
//! subscribers) or acts on them (the followers, when an operation ends).
//!
//! [`DeploymentNews`] is the one place where news leaves and enters this replica: a broadcast
//! inside the process, which on PostgreSQL also reaches the other replicas through
//! [`super::fanout`] (what they publish is fed into the same broadcast). News that may have been
//! missed (a lost connection to the database) reaches receivers as a lag, which they already
//! answer by looking at the database again; nothing on either side of this boundary knows how
//! many replicas there are.

use super::fanout::Outgoing;
use crate::deployments::operation_views::ObjectProgressView;
use kubechart_store::{DeploymentId, DeploymentStatus, OperationId};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::{self, error::RecvError};

/// How much news a slow receiver may fall behind before it lags and must look again.
const CAPACITY: usize = 4096;

/// Who set a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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

/// What travels on the local broadcast.
#[derive(Debug, Clone)]
#[expect(
    clippy::large_enum_variant,
    reason = "nearly every item is news; boxing it would allocate once per news"
)]
enum Item {
    News(News),
    /// News from other replicas may have been lost.
    Missed,
}

/// The publish side and the subscribe side of deployment news. Cloning gives another handle to
/// the same channel. Publishing never waits: a receiver that falls behind lags and catches up
/// with a snapshot of its own.
#[derive(Clone)]
pub struct DeploymentNews {
    sender: broadcast::Sender<Item>,
    /// Where news for the other replicas goes; `None` for a single replica.
    outgoing: Option<Outgoing>,
}

impl Default for DeploymentNews {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(CAPACITY).0,
            outgoing: None,
        }
    }
}

/// The receiving side of [`DeploymentNews`], with the semantics of a broadcast receiver.
pub struct NewsReceiver {
    receiver: broadcast::Receiver<Item>,
}

impl NewsReceiver {
    /// The next news; `Err(RecvError::Lagged)` when some was missed, here or on its way from
    /// another replica, and the receiver must look at the database again.
    pub async fn recv(&mut self) -> Result<News, RecvError> {
        match self.receiver.recv().await? {
            Item::News(news) => Ok(news),
            Item::Missed => Err(RecvError::Lagged(0)),
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

    /// News published here also goes to the other replicas through `outgoing`.
    pub(super) fn with_outgoing(mut self, outgoing: Outgoing) -> Self {
        self.outgoing = Some(outgoing);
        self
    }

    /// Everything published from now on, here and on the other replicas.
    pub fn subscribe(&self) -> NewsReceiver {
        NewsReceiver {
            receiver: self.sender.subscribe(),
        }
    }

    fn publish(&self, news: News) {
        if let Some(outgoing) = &self.outgoing {
            outgoing.send(&news);
        }
        self.deliver(news);
    }

    /// Hands news to the receivers of this replica only (news another replica published).
    pub(super) fn deliver(&self, news: News) {
        // Nobody listening is not an error: the database holds the state, this is only news.
        let _ = self.sender.send(Item::News(news));
    }

    /// Tells the receivers of this replica that news from the others may have been lost.
    pub(super) fn missed(&self) {
        let _ = self.sender.send(Item::Missed);
    }
}
