//! What one connection follows: single deployments (status with every object, operation
//! progress, Warning events) and the list of the user's deployments (status only). Each runs as
//! a task of the connection and feeds its [`Outbox`].

use super::Live;
use super::app_view::{AppTarget, AppView, Unseen};
use super::messages::{
    EventMessage, ObjectHealthView, ProgressMessage, ServerMessage, StatusItem, StatusListMessage,
    StatusMessage,
};
use super::news::News;
use super::outbox::{Closed, Outbox};
use super::status;
use kubechart_kube::watch::{AppEvent, AppSubscription};
use kubechart_store::{
    Deployment, DeploymentFilter, DeploymentId, DeploymentStatus, Role, StoreError, User,
};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

/// How long after a change of the objects the events are listed again: changes come in bursts.
const EVENTS_AFTER: Duration = Duration::from_millis(500);
/// The newest events looked at each time.
const EVENTS_LIMIT: usize = 100;
/// Deployments read per page for the list snapshot.
const PAGE: u64 = 500;

/// The live deployment with this id, when `user` may see it (the owner or an administrator).
pub async fn visible(
    live: &Live,
    user: &User,
    id: DeploymentId,
) -> Result<Option<Deployment>, StoreError> {
    Ok(live
        .store
        .deployment(id)
        .await?
        .filter(|deployment| deployment.owner_id == user.id || user.role == Role::Admin))
}

/// One deployment, followed for one connection.
pub struct DeploymentFeed {
    live: Arc<Live>,
    outbox: Outbox,
    id: DeploymentId,
    status: DeploymentStatus,
    reason: Option<String>,
    view: Option<AppView>,
    subscription: Option<AppSubscription>,
    /// Warning events already sent: (object, reason, message, count).
    events_sent: HashSet<(String, String, String, i64)>,
    events_due: Option<Instant>,
}

impl DeploymentFeed {
    pub fn new(live: Arc<Live>, outbox: Outbox, deployment: &Deployment) -> Self {
        Self {
            live,
            outbox,
            id: deployment.id,
            status: deployment.status,
            reason: deployment.status_reason.clone(),
            view: None,
            subscription: None,
            events_sent: HashSet::new(),
            events_due: None,
        }
    }

    /// Sends the snapshot, then follows until the connection ends or unsubscribes.
    pub async fn run(mut self, deployment: Deployment) {
        let mut news = self.live.news.subscribe();
        self.watch(&deployment).await;
        if self.send_snapshot().await.is_err() {
            return;
        }
        loop {
            let due = self.events_due;
            let step = tokio::select! {
                event = next_app_event(&mut self.subscription) => self.on_app_event(event).await,
                received = news.recv() => match received {
                    Ok(news) if news.deployment() == self.id => self.on_news(news).await,
                    Ok(_) => Ok(()),
                    Err(RecvError::Lagged(_)) => self.resnapshot().await,
                    Err(RecvError::Closed) => return,
                },
                () = sleep_until(due) => self.send_events().await,
            };
            if step.is_err() {
                return;
            }
        }
    }

    /// Starts following the objects of an applied deployment on its cluster.
    async fn watch(&mut self, deployment: &Deployment) {
        if self.view.is_some() {
            return;
        }
        match AppTarget::of(&self.live.store, &self.live.watches, deployment).await {
            Ok(Some(target)) => {
                let mut subscription = target.watch.subscribe_app(&target.set_id);
                let mut view = AppView::new(target);
                // The subscription opens with a snapshot of the app.
                if let Some(event) = subscription.recv().await {
                    view.apply(event);
                }
                self.view = Some(view);
                self.subscription = Some(subscription);
                self.events_due = Some(Instant::now());
            }
            Ok(None) => {}
            Err(error) => {
                tracing::debug!(deployment = %self.id, %error, "a subscriber sees no objects yet");
            }
        }
    }

    async fn on_app_event(&mut self, event: Option<AppEvent>) -> Result<(), Closed> {
        let (Some(event), Some(view)) = (event, self.view.as_mut()) else {
            // The watch was shut down (its cluster's credentials changed): watch it anew.
            self.view = None;
            self.subscription = None;
            return self.resnapshot().await;
        };
        view.apply(event);
        self.events_due.get_or_insert(Instant::now() + EVENTS_AFTER);
        let message = self.status_message().await;
        self.send(message).await
    }

    async fn on_news(&mut self, news: News) -> Result<(), Closed> {
        match news {
            News::Status { status, reason, .. } => {
                self.status = status;
                self.reason = reason;
                if !status::operation_running(status) && self.view.is_none() {
                    // First applied just now, or its operation ended: its objects can be shown.
                    if let Ok(Some(deployment)) = self.live.store.deployment(self.id).await {
                        self.watch(&deployment).await;
                    }
                }
                self.catch_up();
                let message = self.status_message().await;
                self.send(message).await
            }
            News::Progress {
                operation, object, ..
            } => {
                let message = ServerMessage::Progress(ProgressMessage::new(
                    self.id.to_string(),
                    operation.to_string(),
                    &object,
                ));
                self.send(message).await
            }
        }
    }

    /// Takes in the changes of the objects already queued. A status observed on this replica was
    /// derived from changes that are queued here too, by then: without them the message would
    /// pair that status with objects as they were before.
    fn catch_up(&mut self) {
        let (Some(subscription), Some(view)) = (self.subscription.as_mut(), self.view.as_mut())
        else {
            return;
        };
        while let Some(event) = subscription.try_recv() {
            view.apply(event);
            self.events_due.get_or_insert(Instant::now() + EVENTS_AFTER);
        }
    }

    /// The deployment's status and objects as they are now, read again from the database.
    async fn resnapshot(&mut self) -> Result<(), Closed> {
        match self.live.store.deployment(self.id).await {
            Ok(Some(deployment)) => {
                self.status = deployment.status;
                self.reason = deployment.status_reason.clone();
                self.watch(&deployment).await;
            }
            // Deleted: the last status sent stays the last word.
            Ok(None) => return Err(Closed),
            Err(error) => {
                tracing::warn!(deployment = %self.id, %error, "cannot read a deployment for its subscribers");
            }
        }
        self.send_snapshot().await
    }

    async fn send_snapshot(&self) -> Result<(), Closed> {
        let message = self.status_message().await;
        self.send(message).await
    }

    /// Queues `message`, or a fresh snapshot in its place when the connection is behind.
    async fn send(&self, message: ServerMessage) -> Result<(), Closed> {
        self.outbox
            .send(message, async || self.status_message().await)
            .await
    }

    async fn status_message(&self) -> ServerMessage {
        let objects = match &self.view {
            Some(view) => view
                .objects(Unseen::Ask)
                .await
                .iter()
                .map(ObjectHealthView::from)
                .collect(),
            None => Vec::new(),
        };
        ServerMessage::Status(StatusMessage {
            seq: 0,
            deployment_id: self.id.to_string(),
            status: self.status.into(),
            reason: self.reason.clone(),
            objects: Some(objects),
        })
    }

    /// Sends the Warning events not sent yet.
    async fn send_events(&mut self) -> Result<(), Closed> {
        self.events_due = None;
        let Some(view) = &self.view else {
            return Ok(());
        };
        let events = match view
            .target
            .watch
            .events(&view.target.set_id, EVENTS_LIMIT)
            .await
        {
            Ok(events) => events,
            Err(error) => {
                tracing::debug!(deployment = %self.id, %error, "cannot list a deployment's events");
                return Ok(());
            }
        };
        // Newest first from the API; sent oldest first.
        for event in events
            .iter()
            .rev()
            .filter(|event| event.event_type == "Warning")
        {
            let key = (
                event.object.to_string(),
                event.reason.clone(),
                event.message.clone(),
                event.count,
            );
            if self.events_sent.insert(key) {
                let message = ServerMessage::Event(EventMessage::new(self.id.to_string(), event));
                self.send(message).await?;
            }
        }
        Ok(())
    }
}

async fn next_app_event(subscription: &mut Option<AppSubscription>) -> Option<AppEvent> {
    match subscription {
        Some(subscription) => subscription.recv().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(due: Option<Instant>) {
    match due {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

/// The status of every deployment of one user, followed for one connection.
pub struct ListFeed {
    live: Arc<Live>,
    outbox: Outbox,
    user: User,
    /// Whether each deployment seen in the news is the user's.
    mine: HashMap<DeploymentId, bool>,
}

impl ListFeed {
    pub fn new(live: Arc<Live>, outbox: Outbox, user: User) -> Self {
        Self {
            live,
            outbox,
            user,
            mine: HashMap::new(),
        }
    }

    /// Sends the list, then a `status` message for each change of one of the user's deployments.
    pub async fn run(mut self) {
        let mut news = self.live.news.subscribe();
        if self.send_list().await.is_err() {
            return;
        }
        loop {
            let step = match news.recv().await {
                Ok(News::Status {
                    deployment,
                    status,
                    reason,
                    ..
                }) => self.on_status(deployment, status, reason).await,
                Ok(News::Progress { .. }) => Ok(()),
                Err(RecvError::Lagged(_)) => self.send_list().await,
                Err(RecvError::Closed) => return,
            };
            if step.is_err() {
                return;
            }
        }
    }

    async fn on_status(
        &mut self,
        deployment: DeploymentId,
        status: DeploymentStatus,
        reason: Option<String>,
    ) -> Result<(), Closed> {
        let mine = match self.mine.get(&deployment) {
            Some(mine) => *mine,
            None => match self.live.store.deployment(deployment).await {
                Ok(found) => {
                    let mine = found.is_some_and(|found| found.owner_id == self.user.id);
                    self.mine.insert(deployment, mine);
                    mine
                }
                Err(error) => {
                    tracing::warn!(%deployment, %error, "cannot tell whose deployment changed");
                    return Ok(());
                }
            },
        };
        if !mine {
            return Ok(());
        }
        let message = ServerMessage::Status(StatusMessage {
            seq: 0,
            deployment_id: deployment.to_string(),
            status: status.into(),
            reason,
            objects: None,
        });
        self.outbox
            .send(message, async || self.list_message().await)
            .await
    }

    async fn send_list(&mut self) -> Result<(), Closed> {
        let message = self.list_message().await;
        if let ServerMessage::StatusList(list) = &message {
            for item in &list.items {
                if let Ok(id) = item.deployment_id.parse() {
                    self.mine.insert(id, true);
                }
            }
        }
        self.outbox
            .send(message, async || self.list_message().await)
            .await
    }

    /// Every deployment of the user with its status, as stored now.
    async fn list_message(&self) -> ServerMessage {
        let mut items = Vec::new();
        let mut cursor = None;
        loop {
            let filter = DeploymentFilter {
                owner_id: Some(self.user.id),
                limit: PAGE,
                cursor,
                ..DeploymentFilter::default()
            };
            let page = match self.live.store.list_deployments(&filter).await {
                Ok(page) => page,
                Err(error) => {
                    tracing::warn!(%error, "cannot list deployments for a subscriber");
                    break;
                }
            };
            items.extend(page.items.into_iter().map(|deployment| StatusItem {
                deployment_id: deployment.id.to_string(),
                name: deployment.name,
                namespace: deployment.namespace,
                status: deployment.status.into(),
                reason: deployment.status_reason,
            }));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        ServerMessage::StatusList(StatusListMessage { seq: 0, items })
    }
}
