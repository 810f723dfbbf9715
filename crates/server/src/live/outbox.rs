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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::live::messages::ErrorMessage;

    fn message(text: &str) -> ServerMessage {
        ServerMessage::Error(ErrorMessage::new("malformed", text, None))
    }

    fn text_of(message: &ServerMessage) -> &str {
        match message {
            ServerMessage::Error(error) => &error.message,
            _ => "",
        }
    }

    #[tokio::test]
    async fn a_message_that_does_not_fit_is_replaced_by_a_snapshot() {
        let (outbox, mut queue) = Outbox::new();
        for n in 0..QUEUE {
            let queued = outbox.send(message(&format!("news {n}")), async || message("unused"));
            assert!(queued.await.is_ok());
        }
        let sending = tokio::spawn({
            let outbox = outbox.clone();
            async move {
                outbox
                    .send(message("dropped"), async || message("snapshot"))
                    .await
                    .is_ok()
            }
        });
        // The sender finds the queue full before the client takes a message off it.
        tokio::task::yield_now().await;
        assert_eq!(text_of(&queue.recv().await.unwrap()), "news 0");
        assert!(sending.await.unwrap());
        let mut rest = Vec::new();
        while let Ok(queued) = queue.try_recv() {
            rest.push(text_of(&queued).to_owned());
        }
        assert_eq!(rest.len(), QUEUE);
        assert_eq!(rest.last().map(String::as_str), Some("snapshot"));
        assert!(!rest.iter().any(|text| text == "dropped"));
    }

    #[tokio::test]
    async fn a_closed_connection_is_reported() {
        let (outbox, queue) = Outbox::new();
        drop(queue);
        assert!(
            outbox
                .send(message("late"), async || message("snapshot"))
                .await
                .is_err()
        );
    }
}
