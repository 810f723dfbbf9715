//! Work that outlives the request that started it (sweepers, watchers, the WebSocket hub, deploy
//! operations) has one owner, so that shutdown can stop all of it: every such task is spawned here,
//! watches the same cancellation token, and is waited for within the shutdown grace. A task still
//! running when the grace ends is named in the log and aborted, so none outlives the store it uses.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::task::AbortHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// The owner of every background task of the server. Cloning it gives another handle to the same
/// set of tasks.
#[derive(Clone, Default)]
pub struct BackgroundTasks {
    shutdown: CancellationToken,
    tracker: TaskTracker,
    running: Arc<Running>,
}

/// The tasks not yet finished, by name, so that shutdown can say which ones it gave up on.
#[derive(Default)]
struct Running {
    next_id: AtomicU64,
    tasks: Mutex<HashMap<u64, RunningTask>>,
}

struct RunningTask {
    name: &'static str,
    /// `None` only between registering the task and spawning it.
    abort: Option<AbortHandle>,
}

impl Running {
    /// The map stays consistent when a holder panics (each update is one insert or remove), so a
    /// poisoned lock is safe to use.
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, RunningTask>> {
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Removes its task from [`Running`] when the task ends, however it ends (returned, panicked,
/// aborted).
struct Registration {
    running: Arc<Running>,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.running.lock().remove(&self.id);
    }
}

impl BackgroundTasks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts `task` with the shutdown token, which it must watch and return promptly once it is
    /// cancelled (at a point where stopping is safe). `name` is how the log refers to the task.
    pub fn spawn<F, Fut>(&self, name: &'static str, task: F)
    where
        F: FnOnce(CancellationToken) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let id = self.running.next_id.fetch_add(1, Ordering::Relaxed);
        // Registered before it starts, so a task that ends at once still finds its entry to remove.
        self.running
            .lock()
            .insert(id, RunningTask { name, abort: None });
        let registration = Registration {
            running: Arc::clone(&self.running),
            id,
        };
        let task = task(self.shutdown.clone());
        let handle = self.tracker.spawn(async move {
            let _registration = registration;
            task.await;
        });
        if let Some(entry) = self.running.lock().get_mut(&id) {
            entry.abort = Some(handle.abort_handle());
        }
    }

    /// A token cancelled when shutdown begins, for long-lived work that is not a task of its own
    /// (such as the watchers a cluster watch runs).
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.child_token()
    }

    /// Cancels every task and waits for them until `deadline`. Those still running then are
    /// logged, aborted and returned by name.
    pub async fn shutdown(&self, deadline: Instant) -> Vec<&'static str> {
        self.shutdown.cancel();
        self.tracker.close();
        if tokio::time::timeout_at(deadline, self.tracker.wait())
            .await
            .is_ok()
        {
            return Vec::new();
        }
        let mut unfinished = Vec::new();
        for task in self.running.lock().values() {
            tracing::warn!(
                task = task.name,
                "background task did not finish within the shutdown grace; aborting it"
            );
            if let Some(abort) = &task.abort {
                abort.abort();
            }
            unfinished.push(task.name);
        }
        unfinished.sort_unstable();
        unfinished
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::time::Duration;

    fn soon() -> Instant {
        Instant::now() + Duration::from_millis(200)
    }

    #[tokio::test]
    async fn tasks_that_watch_the_token_are_drained() {
        let tasks = BackgroundTasks::new();
        let (finished_tx, mut finished_rx) = tokio::sync::mpsc::channel(2);
        for _ in 0..2 {
            let finished = finished_tx.clone();
            tasks.spawn("cooperative", |shutdown| async move {
                shutdown.cancelled().await;
                finished.send(()).await.unwrap();
            });
        }
        tasks.spawn("short", |_| async {});
        assert_eq!(tasks.shutdown(soon()).await, Vec::<&str>::new());
        assert!(finished_rx.recv().await.is_some());
        assert!(finished_rx.recv().await.is_some());
        assert!(tasks.running.lock().is_empty());
    }

    #[tokio::test]
    async fn a_task_that_ignores_the_token_is_named_and_aborted() {
        let tasks = BackgroundTasks::new();
        let (dropped_tx, dropped_rx) = tokio::sync::oneshot::channel::<()>();
        tasks.spawn("stubborn", |_| async move {
            let _dropped_when_aborted = dropped_tx;
            std::future::pending::<()>().await;
        });
        tasks.spawn("cooperative", |shutdown| async move {
            shutdown.cancelled().await;
        });
        assert_eq!(tasks.shutdown(soon()).await, vec!["stubborn"]);
        assert!(
            dropped_rx.await.is_err(),
            "the aborted task's future is dropped"
        );
    }

    #[tokio::test]
    async fn a_panicking_task_is_forgotten() {
        let tasks = BackgroundTasks::new();
        tasks.spawn("panics", |_| async { panic!("on purpose") });
        assert_eq!(tasks.shutdown(soon()).await, Vec::<&str>::new());
        assert!(tasks.running.lock().is_empty());
    }
}
