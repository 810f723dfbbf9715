//! Deployment news across replicas on PostgreSQL. What a replica publishes is also sent with
//! `NOTIFY` on one channel, tagged with the replica's id; each replica listens on that channel and
//! feeds what the others sent into its own [`DeploymentNews`] (its own messages come back too and
//! are dropped: it delivered them already).
//!
//! Nothing is queued in the database, so news can be lost: when this replica's listener loses its
//! connection, or a sender could not send everything, the receivers are told that news was missed
//! and read the database again, as after any lag. On SQLite there is one replica and no fan-out.

use super::backoff::Backoff;
use super::news::{DeploymentNews, News, StatusSource};
use crate::deployments::operation_views::ObjectProgressView;
use crate::serve::BackgroundTasks;
use kubechart_store::{
    DeploymentId, DeploymentStatus, Notifications, OperationId, Received, Store,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// The notification channel every replica sends and listens on.
const CHANNEL: &str = "kubechart_deployment_news";
/// PostgreSQL refuses payloads of 8000 bytes or more.
const PAYLOAD_LIMIT: usize = 7999;
/// Reasons and messages longer than this are cut, so a payload stays far below the limit (the
/// rest of a message is names and paths that Kubernetes and the AppSpec keep short); the whole
/// text stays in the database.
const TEXT_LIMIT: usize = 2048;
/// News waiting to be sent before the sender drops some (and tells the others so).
const QUEUE: usize = 4096;
/// First and longest wait between attempts to listen again.
const RETRY_FIRST: Duration = Duration::from_millis(200);
const RETRY_CEILING: Duration = Duration::from_secs(10);

/// One message on the channel.
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    /// The replica that published it.
    replica: String,
    #[serde(flatten)]
    body: Body,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Body {
    #[serde(rename_all = "camelCase")]
    Status {
        deployment: DeploymentId,
        /// As stored (`DeploymentStatus::as_str`).
        status: String,
        reason: Option<String>,
        source: StatusSource,
    },
    #[serde(rename_all = "camelCase")]
    Progress {
        deployment: DeploymentId,
        operation: OperationId,
        object: ObjectProgressView,
    },
    /// The sender could not send some news.
    Missed,
}

impl Body {
    fn of(news: &News) -> Self {
        match news {
            News::Status {
                deployment,
                status,
                reason,
                source,
            } => Body::Status {
                deployment: *deployment,
                status: status.as_str().to_owned(),
                reason: reason.as_deref().map(shortened),
                source: *source,
            },
            News::Progress {
                deployment,
                operation,
                object,
            } => Body::Progress {
                deployment: *deployment,
                operation: *operation,
                object: ObjectProgressView {
                    message: object.message.as_deref().map(shortened),
                    ..object.clone()
                },
            },
        }
    }
}

/// `text` cut to [`TEXT_LIMIT`] bytes at a character boundary, with an ellipsis when cut.
fn shortened(text: &str) -> String {
    if text.len() <= TEXT_LIMIT {
        return text.to_owned();
    }
    let mut end = TEXT_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// The publishing side: hands news to the sender task without waiting.
#[derive(Clone)]
pub struct Outgoing {
    replica: Arc<str>,
    queue: mpsc::Sender<String>,
    /// Set when news could not be sent; the next message sent tells the others.
    lost: Arc<AtomicBool>,
}

impl Outgoing {
    pub(super) fn send(&self, news: &News) {
        let payload = self.payload(Body::of(news));
        if payload.len() > PAYLOAD_LIMIT || self.queue.try_send(payload).is_err() {
            self.lost.store(true, Ordering::SeqCst);
        }
    }

    fn payload(&self, body: Body) -> String {
        let envelope = Envelope {
            replica: self.replica.to_string(),
            body,
        };
        // A struct of strings, ids and enums always serialises.
        serde_json::to_string(&envelope).unwrap_or_default()
    }
}

/// Deployment news for this server: shared with the other replicas on PostgreSQL, whose sender
/// and listener run as background tasks of `background`; local only on SQLite.
pub fn news(store: &Store, replica: &str, background: &BackgroundTasks) -> DeploymentNews {
    let Some(notifications) = store.notifications() else {
        tracing::info!(
            "the database is SQLite: this server is the only replica (several replicas need PostgreSQL)"
        );
        return DeploymentNews::default();
    };
    let (queue, queued) = mpsc::channel(QUEUE);
    let outgoing = Outgoing {
        replica: replica.into(),
        queue,
        lost: Arc::default(),
    };
    let news = DeploymentNews::default().with_outgoing(outgoing.clone());
    let sender = notifications.clone();
    background.spawn("news sender", |shutdown| {
        send_all(sender, outgoing, queued, shutdown)
    });
    let listening = news.clone();
    let replica = replica.to_owned();
    background.spawn("news listener", |shutdown| {
        listen(notifications, listening, replica, shutdown)
    });
    news
}

/// Sends queued news in order, one `NOTIFY` at a time (so the others receive it in order).
async fn send_all(
    notifications: Notifications,
    outgoing: Outgoing,
    mut queued: mpsc::Receiver<String>,
    shutdown: CancellationToken,
) {
    loop {
        let payload = tokio::select! {
            () = shutdown.cancelled() => return,
            payload = queued.recv() => payload,
        };
        let Some(payload) = payload else { return };
        if let Err(error) = notifications.send(CHANNEL, &payload).await {
            // Its receivers read the database again when the next message gets through.
            tracing::warn!(%error, "cannot send deployment news to the other replicas");
            outgoing.lost.store(true, Ordering::SeqCst);
            continue;
        }
        if outgoing.lost.swap(false, Ordering::SeqCst) {
            let missed = outgoing.payload(Body::Missed);
            if notifications.send(CHANNEL, &missed).await.is_err() {
                outgoing.lost.store(true, Ordering::SeqCst);
            }
        }
    }
}

/// Feeds what the other replicas send into `news`, listening again whenever the connection is
/// lost; each time, news sent in between is reported missed.
async fn listen(
    notifications: Notifications,
    news: DeploymentNews,
    replica: String,
    shutdown: CancellationToken,
) {
    let mut listened_before = false;
    let mut backoff = Backoff::new(RETRY_FIRST, RETRY_CEILING);
    loop {
        let listening = tokio::select! {
            () = shutdown.cancelled() => return,
            listening = notifications.listen(CHANNEL) => listening,
        };
        let mut listener = match listening {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for the other replicas' deployment news; retrying");
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(backoff.next_delay()) => continue,
                }
            }
        };
        backoff = Backoff::new(RETRY_FIRST, RETRY_CEILING);
        if listened_before {
            news.missed();
        }
        listened_before = true;
        loop {
            let received = tokio::select! {
                () = shutdown.cancelled() => return,
                received = listener.recv() => received,
            };
            match received {
                Ok(Received::Message(payload)) => receive(&news, &replica, &payload),
                Ok(Received::Reconnected) => news.missed(),
                Err(error) => {
                    tracing::warn!(%error, "lost the connection that listens for the other replicas' deployment news");
                    break;
                }
            }
        }
    }
}

fn receive(news: &DeploymentNews, replica: &str, payload: &str) {
    let envelope = match serde_json::from_str::<Envelope>(payload) {
        Ok(envelope) if envelope.replica == replica => return,
        Ok(envelope) => envelope,
        Err(error) => {
            // From a replica of another version, say: what it meant is in the database.
            tracing::warn!(%error, "unreadable deployment news from another replica");
            news.missed();
            return;
        }
    };
    match envelope.body {
        Body::Status {
            deployment,
            status,
            reason,
            source,
        } => match DeploymentStatus::parse(&status) {
            Some(status) => news.deliver(News::Status {
                deployment,
                status,
                reason,
                source,
            }),
            None => news.missed(),
        },
        Body::Progress {
            deployment,
            operation,
            object,
        } => news.deliver(News::Progress {
            deployment,
            operation,
            object,
        }),
        Body::Missed => news.missed(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::deployments::operation_views::ObjectRefView;
    use tokio::sync::broadcast::error::RecvError;

    fn outgoing() -> (Outgoing, mpsc::Receiver<String>) {
        let (queue, queued) = mpsc::channel(1);
        let outgoing = Outgoing {
            replica: "kubechart-a".into(),
            queue,
            lost: Arc::default(),
        };
        (outgoing, queued)
    }

    fn failed_object(message: String) -> ObjectProgressView {
        ObjectProgressView {
            object: ObjectRefView {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                namespace: Some("shop".into()),
                name: "web".into(),
            },
            spec_path: "workloads[0]".into(),
            state: "failed".into(),
            message: Some(message),
            path: None,
        }
    }

    #[tokio::test]
    async fn news_of_another_replica_is_delivered_and_its_own_is_not() {
        let (outgoing, mut queued) = outgoing();
        let deployment = DeploymentId::new();
        outgoing.send(&News::Status {
            deployment,
            status: DeploymentStatus::Ready,
            reason: Some("all 3 objects current".into()),
            source: StatusSource::Cluster,
        });
        let payload = queued.recv().await.unwrap();

        let here = DeploymentNews::default();
        let mut received = here.subscribe();
        receive(&here, "kubechart-a", &payload);
        receive(&here, "kubechart-b", &payload);
        here.missed();
        match received.recv().await.unwrap() {
            News::Status {
                deployment: got,
                status,
                reason,
                source,
            } => {
                assert_eq!(got, deployment);
                assert_eq!(status, DeploymentStatus::Ready);
                assert_eq!(reason.as_deref(), Some("all 3 objects current"));
                assert_eq!(source, StatusSource::Cluster);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(received.recv().await, Err(RecvError::Lagged(_))),
            "the replica's own news was not delivered again"
        );
    }

    #[tokio::test]
    async fn a_long_message_is_cut_to_fit_a_notification() {
        let (outgoing, mut queued) = outgoing();
        let object = failed_object("é".repeat(10_000));
        outgoing.send(&News::Progress {
            deployment: DeploymentId::new(),
            operation: OperationId::new(),
            object,
        });
        let payload = queued.recv().await.unwrap();
        assert!(payload.len() < PAYLOAD_LIMIT, "{}", payload.len());

        let here = DeploymentNews::default();
        let mut received = here.subscribe();
        receive(&here, "kubechart-b", &payload);
        let News::Progress { object, .. } = received.recv().await.unwrap() else {
            panic!("progress expected");
        };
        let message = object.message.unwrap();
        assert!(message.ends_with('…') && message.len() <= TEXT_LIMIT + '…'.len_utf8());
        assert_eq!(object.spec_path, "workloads[0]");
    }

    #[tokio::test]
    async fn news_that_could_not_be_queued_is_reported_missed() {
        let (outgoing, mut queued) = outgoing();
        let news = News::Progress {
            deployment: DeploymentId::new(),
            operation: OperationId::new(),
            object: failed_object("boom".into()),
        };
        outgoing.send(&news);
        outgoing.send(&news);
        assert!(outgoing.lost.load(Ordering::SeqCst));
        queued.recv().await.unwrap();

        let here = DeploymentNews::default();
        let mut received = here.subscribe();
        receive(&here, "kubechart-b", &outgoing.payload(Body::Missed));
        receive(&here, "kubechart-b", "not json");
        for _ in 0..2 {
            assert!(matches!(received.recv().await, Err(RecvError::Lagged(_))));
        }
    }
}
