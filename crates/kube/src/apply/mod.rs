//! The apply engine: an app's objects are one set, planned against the live cluster, applied with
//! server-side apply as a dependency graph, pruned and deleted in reverse order.
//!
//! Membership is recorded twice: the ApplySet part-of label the renderer puts on every object, and
//! the [`Inventory`] the caller keeps (the parent Secret for the CLI, the database for the server).
//! The inventory is widened to old ∪ new before anything is applied and narrowed only after prune,
//! so a crash at any point leaves every object we created findable.

mod delete;
mod desired;
mod execute;
mod failure;
mod graph;
mod inventory;
mod kinds;
mod normalize;
mod plan;
mod retry;
mod rollout;

pub use delete::{DeleteOptions, DeleteReport, DeletedObject, DeletionOutcome};
pub use desired::{Desired, DesiredObject};
pub use execute::{AppliedObject, ApplyOptions, ApplyReport, Outcome};
pub use failure::{FailureKind, ObjectFailure};
pub use inventory::{Inventory, ParentSecretInventory};
pub use kinds::Kinds;
pub(crate) use plan::set_owner;
pub use plan::{Action, FieldConflict, Plan, PlannedObject};
pub use retry::RetryPolicy;
pub use rollout::PodRollout;

use crate::ObjectRef;
use std::sync::Arc;
use std::time::Duration;

/// The field manager of every write the engine makes.
pub const FIELD_MANAGER: &str = "kubechart";

/// Why the engine could not do what it was asked, as a whole. Per-object failures of an apply
/// that went ahead are in its report instead.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The plan found problems with the input (invalid objects, missing CRDs, immutable fields
    /// without `recreate`), each at its AppSpec path. HTTP 422.
    #[error("the cluster would not accept this app: {}", summary(.0))]
    Rejected(Vec<ObjectFailure>),
    /// Objects exist that belong to another app or to no app we know, and adoption was not
    /// allowed. HTTP 409.
    #[error("{}", adoption_summary(.0))]
    Adoption(Vec<PlannedObject>),
    /// The inventory is owned by another tool or could not be read or written. HTTP 409.
    #[error("inventory: {0}")]
    Inventory(String),
    /// The credentials may not do what the engine must do for the app as a whole. HTTP 403.
    #[error("{0}")]
    Forbidden(String),
    /// The cluster could not be reached or kept failing. HTTP 503.
    #[error("cluster unavailable: {0}")]
    Unavailable(String),
}

fn summary(failures: &[ObjectFailure]) -> String {
    failures
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn adoption_summary(objects: &[PlannedObject]) -> String {
    let named = objects
        .iter()
        .map(|o| {
            format!(
                "{} ({})",
                o.reference,
                o.owner.as_deref().unwrap_or("owner unknown")
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "these objects already exist and are not part of this app: {named}; pass adopt to take them over"
    )
}

/// Where one object is in an apply or delete, reported as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Waiting for its dependencies.
    Pending,
    /// The request is in flight.
    Applying,
    /// Created or changed.
    Applied,
    /// Already as desired: no request was made.
    Unchanged,
    /// Being deleted (prune, recreate or delete).
    Deleting,
    /// Gone from the cluster.
    Deleted,
    /// Failed, with the reason.
    Failed(String),
    /// Not tried because a dependency failed.
    NotAttempted(String),
}

/// Receives progress, object by object; the server pushes it to browsers, the CLI prints it.
pub type ProgressSink = Arc<dyn Fn(&ObjectRef, &Progress) + Send + Sync>;

/// A sink that drops everything.
pub fn no_progress() -> ProgressSink {
    Arc::new(|_, _| {})
}

/// The engine: a client, the kinds it can resolve and how hard to try.
#[derive(Clone)]
pub struct Engine {
    client: kube::Client,
    kinds: Kinds,
    /// How many objects are applied or deleted at once.
    pub concurrency: usize,
    /// Retries of transient failures.
    pub retry: RetryPolicy,
    /// How long a delete waits for objects to disappear.
    pub delete_timeout: Duration,
}

impl Engine {
    /// An engine for one cluster, with the defaults: 8 objects at once, a bounded retry.
    pub fn new(client: kube::Client) -> Self {
        let discovery = Arc::new(crate::connect::Discovery::new(client.clone()));
        Self::with_discovery(client, discovery)
    }

    /// An engine over an open connection, sharing its discovery cache.
    pub fn for_connection(connection: &crate::connect::Connection) -> Self {
        Self::with_discovery(connection.client().clone(), connection.discovery().clone())
    }

    fn with_discovery(client: kube::Client, discovery: Arc<crate::connect::Discovery>) -> Self {
        Self {
            kinds: Kinds::new(client.clone(), discovery),
            client,
            concurrency: 8,
            retry: RetryPolicy::default(),
            delete_timeout: Duration::from_secs(120),
        }
    }

    /// The client the engine talks through.
    pub fn client(&self) -> &kube::Client {
        &self.client
    }
}
