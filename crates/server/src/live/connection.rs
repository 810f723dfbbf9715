//! One WebSocket connection: reads the client's requests, starts and stops its subscriptions,
//! numbers and writes what they queue, pings the client and closes the connection when it stops
//! answering, cannot take what is written, or the server shuts down.

use super::Live;
use super::messages::{ClientMessage, ErrorMessage, ServerMessage};
use super::outbox::Outbox;
use super::subscription::{DeploymentFeed, ListFeed, visible};
use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use kubechart_store::{DeploymentId, User};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

/// How often the server pings the client.
const PING_EVERY: Duration = Duration::from_secs(20);
/// A client not heard from (not even a pong) for this long is gone.
const SILENT_LIMIT: Duration = Duration::from_secs(60);
/// A write the client does not take within this long ends the connection.
const WRITE_LIMIT: Duration = Duration::from_secs(10);
/// Deployments one connection may follow at once.
const MAX_SUBSCRIPTIONS: usize = 200;

/// Why the connection loop stopped.
enum End {
    /// The client closed it or went away: nothing more to send.
    Gone,
    /// The server ends it, with this close code and reason.
    Close(u16, &'static str),
}

/// A signed-in user's connection.
pub struct Connection {
    live: Arc<Live>,
    user: User,
    socket: WebSocket,
    outbox: Outbox,
    tasks: JoinSet<()>,
    deployments: HashMap<DeploymentId, AbortHandle>,
    list: Option<AbortHandle>,
    seq: u64,
}

impl Connection {
    pub fn new(
        live: Arc<Live>,
        user: User,
        socket: WebSocket,
    ) -> (Self, tokio::sync::mpsc::Receiver<ServerMessage>) {
        let (outbox, queue) = Outbox::new();
        let connection = Self {
            live,
            user,
            socket,
            outbox,
            tasks: JoinSet::new(),
            deployments: HashMap::new(),
            list: None,
            seq: 0,
        };
        (connection, queue)
    }

    /// Serves the connection until it ends; its subscriptions end with it.
    pub async fn run(
        mut self,
        mut queue: tokio::sync::mpsc::Receiver<ServerMessage>,
        shutdown: CancellationToken,
    ) {
        let mut pings = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
        pings.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut heard = Instant::now();
        let end = loop {
            let step = tokio::select! {
                () = shutdown.cancelled() => Err(End::Close(close_code::AWAY, "the server is shutting down")),
                incoming = self.socket.recv() => match incoming {
                    Some(Ok(message)) => {
                        heard = Instant::now();
                        self.on_message(message).await
                    }
                    None | Some(Err(_)) => Err(End::Gone),
                },
                Some(message) = queue.recv() => self.write(message).await,
                _ = pings.tick() => {
                    if heard.elapsed() > SILENT_LIMIT {
                        Err(End::Close(close_code::AWAY, "no answer to pings"))
                    } else {
                        self.write_frame(Message::Ping(Default::default())).await
                    }
                }
                Some(_) = self.tasks.join_next(), if !self.tasks.is_empty() => Ok(()),
            };
            if let Err(end) = step {
                break end;
            }
        };
        if let End::Close(code, reason) = end {
            let frame = CloseFrame {
                code,
                reason: reason.into(),
            };
            let _ =
                tokio::time::timeout(WRITE_LIMIT, self.socket.send(Message::Close(Some(frame))))
                    .await;
        }
    }

    async fn on_message(&mut self, message: Message) -> Result<(), End> {
        let text = match message {
            Message::Text(text) => text,
            Message::Close(_) => return Err(End::Gone),
            // Pongs only show the client is alive; pings are answered by the socket itself.
            Message::Ping(_) | Message::Pong(_) => return Ok(()),
            Message::Binary(_) => {
                return self
                    .reply(ErrorMessage::new(
                        "malformed",
                        "messages are JSON text",
                        None,
                    ))
                    .await;
            }
        };
        match serde_json::from_str::<ClientMessage>(text.as_str()) {
            Ok(ClientMessage::Subscribe { deployment_id }) => self.subscribe(deployment_id).await,
            Ok(ClientMessage::Unsubscribe { deployment_id }) => {
                if let Some(task) = deployment_id
                    .parse()
                    .ok()
                    .and_then(|id| self.deployments.remove(&id))
                {
                    task.abort();
                }
                Ok(())
            }
            Ok(ClientMessage::SubscribeList) => {
                if let Some(task) = self.list.take() {
                    task.abort();
                }
                let feed = ListFeed::new(
                    Arc::clone(&self.live),
                    self.outbox.clone(),
                    self.user.clone(),
                );
                self.list = Some(self.tasks.spawn(feed.run()));
                Ok(())
            }
            Ok(ClientMessage::UnsubscribeList) => {
                if let Some(task) = self.list.take() {
                    task.abort();
                }
                Ok(())
            }
            Err(error) => {
                self.reply(ErrorMessage::new(
                    "malformed",
                    format!("not a message this server understands: {error}"),
                    None,
                ))
                .await
            }
        }
    }

    /// Follows a deployment the user may see (again from a fresh snapshot when already
    /// followed); for any other, a `not_found` error and nothing else.
    async fn subscribe(&mut self, deployment_id: String) -> Result<(), End> {
        let not_found = |id: String| ErrorMessage::new("not_found", "no such deployment", Some(id));
        let Ok(id) = deployment_id.parse::<DeploymentId>() else {
            return self.reply(not_found(deployment_id)).await;
        };
        let deployment = match visible(&self.live, &self.user, id).await {
            Ok(Some(deployment)) => deployment,
            Ok(None) => return self.reply(not_found(deployment_id)).await,
            Err(error) => {
                tracing::warn!(%error, "cannot read a deployment for a subscriber");
                let message = "the database cannot be reached; subscribe again later";
                return self
                    .reply(ErrorMessage::new(
                        "unavailable",
                        message,
                        Some(deployment_id),
                    ))
                    .await;
            }
        };
        if let Some(task) = self.deployments.remove(&id) {
            task.abort();
        } else if self.deployments.len() >= MAX_SUBSCRIPTIONS {
            let message = format!("a connection follows at most {MAX_SUBSCRIPTIONS} deployments");
            return self
                .reply(ErrorMessage::new("limit", message, Some(deployment_id)))
                .await;
        }
        let feed = DeploymentFeed::new(Arc::clone(&self.live), self.outbox.clone(), &deployment);
        let task = self.tasks.spawn(feed.run(deployment));
        self.deployments.insert(id, task);
        Ok(())
    }

    async fn reply(&mut self, error: ErrorMessage) -> Result<(), End> {
        self.write(ServerMessage::Error(error)).await
    }

    /// Numbers and writes one message.
    async fn write(&mut self, message: ServerMessage) -> Result<(), End> {
        self.seq += 1;
        let text = serde_json::to_string(&message.with_seq(self.seq))
            .map_err(|_| End::Close(close_code::ERROR, "a message could not be encoded"))?;
        self.write_frame(Message::Text(text.into())).await
    }

    async fn write_frame(&mut self, frame: Message) -> Result<(), End> {
        match tokio::time::timeout(WRITE_LIMIT, self.socket.send(frame)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Gone),
            Err(_) => Err(End::Close(close_code::AWAY, "the client does not read")),
        }
    }
}
