//! A connection's bounded queue of messages. Subscriptions never wait on a slow client while
//! news piles up: a message that does not fit is dropped, and the subscription sends a fresh
//! snapshot once there is room again, which replaces everything dropped.

use super::messages::ServerMessage;
use tokio::sync::mpsc::{self, error::TrySendError};

/// Messages queued per connection before it counts as behind.
pub const QUEUE: usize = 64;

/// Where a subscription's messages go.
#[derive(Clone)]
pub struct Outbox {
    sender: mpsc::Sender<ServerMessage>,
}

/// The connection has ended.
pub struct Closed;

impl Outbox {
    pub fn new() -> (Self, mpsc::Receiver<ServerMessage>) {
        let (sender, receiver) = mpsc::channel(QUEUE);
        (Self { sender }, receiver)
    }

    /// Queues `message`; when the queue is full, drops it, waits for room and queues the snapshot
    /// that `snapshot` makes then instead.
    pub async fn send<F>(&self, message: ServerMessage, snapshot: F) -> Result<(), Closed>
    where
        F: AsyncFnOnce() -> ServerMessage,
    {
        match self.sender.try_send(message) {
            Ok(()) => Ok(()),
            Err(TrySendError::Closed(_)) => Err(Closed),
            Err(TrySendError::Full(_)) => {
                let permit = self.sender.reserve().await.map_err(|_| Closed)?;
                permit.send(snapshot().await);
                Ok(())
            }
        }
    }
}
