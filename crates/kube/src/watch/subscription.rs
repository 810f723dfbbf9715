//! One app's live status for one subscriber: a snapshot, then changes, and a new snapshot
//! whenever the subscriber fell behind the lossy broadcast.

use std::sync::Arc;

use tokio::sync::broadcast::{
    self,
    error::{RecvError, TryRecvError},
};

use super::{AppChange, AppSnapshot, Shared, runner};

/// What an [`AppSubscription`] yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppEvent {
    /// The whole state: first, and again after the subscriber lagged.
    Snapshot(AppSnapshot),
    /// One change after the last snapshot.
    Change(AppChange),
}

/// A subscription to one app's changes.
pub struct AppSubscription {
    shared: Arc<Shared>,
    set_id: String,
    changes: broadcast::Receiver<AppChange>,
    /// The last sequence number delivered; `None` until the first snapshot.
    seen: Option<u64>,
}

impl AppSubscription {
    pub(super) fn new(
        shared: Arc<Shared>,
        set_id: &str,
        changes: broadcast::Receiver<AppChange>,
    ) -> Self {
        Self {
            shared,
            set_id: set_id.to_owned(),
            changes,
            seen: None,
        }
    }

    /// The next snapshot or change; `None` once the watch is shut down.
    pub async fn recv(&mut self) -> Option<AppEvent> {
        let Some(seen) = self.seen else {
            return Some(self.snapshot().await);
        };
        loop {
            let received = tokio::select! {
                () = self.shared.cancel.cancelled() => return None,
                received = self.changes.recv() => received,
            };
            match received {
                Ok(change) if change.set_id == self.set_id && change.seq > seen => {
                    self.seen = Some(change.seq);
                    return Some(AppEvent::Change(change));
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(set_id = %self.set_id, missed, "subscriber lagged; sending a snapshot");
                    return Some(self.snapshot().await);
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }

    /// The next change already queued for this subscriber, without waiting; `None` when there is
    /// none, or before the first snapshot (which only [`Self::recv`] takes). Everything the watch
    /// had broadcast when this is called is queued for every subscriber alike, so draining it
    /// catches up with what another subscriber of the same watch has just acted on.
    pub fn try_recv(&mut self) -> Option<AppEvent> {
        let seen = self.seen?;
        loop {
            match self.changes.try_recv() {
                Ok(change) if change.set_id == self.set_id && change.seq > seen => {
                    self.seen = Some(change.seq);
                    return Some(AppEvent::Change(change));
                }
                Ok(_) => {}
                Err(TryRecvError::Lagged(missed)) => {
                    tracing::debug!(set_id = %self.set_id, missed, "subscriber lagged; sending a snapshot");
                    return Some(self.cached_snapshot());
                }
                Err(TryRecvError::Empty | TryRecvError::Closed) => return None,
            }
        }
    }

    async fn snapshot(&mut self) -> AppEvent {
        runner::initial_sync(&self.shared).await;
        self.cached_snapshot()
    }

    /// The cache's state of the app, once the first sync is done.
    fn cached_snapshot(&mut self) -> AppEvent {
        // Changes still queued for us up to the snapshot's number are in it; later ones follow.
        let snapshot = self.shared.cache().snapshot(&self.set_id);
        self.seen = Some(snapshot.seq);
        AppEvent::Snapshot(snapshot)
    }
}
