//! Diff and deploy, and the background operations that change the cluster (deploy, delete): an
//! operation's intent is in the database before the cluster is touched. It runs in the
//! background, renewing its lease and recording progress a few times a second, then finishes and
//! records what it did to the deployment in one transaction.

use super::inventory::{self, OperationInventory};
use super::operation_views::{
    DeployAcceptedView, DeployRequest, DiffRequest, ObjectProgressView, OperationView, PlanView,
    StoredResult,
};
use super::{DeploymentError, Deployments, render};
use crate::clusters::Clusters;
use crate::live::news::DeploymentNews;
use crate::serve::BackgroundTasks;
use kube::core::GroupVersionKind;
use kubechart_kube::ObjectRef;
use kubechart_kube::apply::{
    ApplyOptions, ApplyReport, DeleteOptions, DeleteReport, Desired, Engine, Inventory as _,
    Progress, ProgressSink,
};
use kubechart_kube::connect::{Connection, ResolveError};
use kubechart_manifest::AppSpec;
use kubechart_store::{
    Cluster, ConnectionTrait, Deployment, DeploymentId, DeploymentStatus, NewAuditEvent,
    NewOperation, Operation, OperationId, OperationKind, OperationState, Role, Store, StoreError,
    User, UserId, deployments, operations,
};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

/// How long an operation's claim stands without renewal unless configured: long against clock
/// skew between replicas.
pub(super) const DEFAULT_LEASE: Duration = Duration::from_secs(60);
/// How often progress is written: often enough to follow, without a write per event.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

impl Deployments {
    /// The engine's plan for a revision (default: the latest) against the live cluster. No side
    /// effects.
    pub async fn diff(
        &self,
        user: &User,
        id: DeploymentId,
        request: DiffRequest,
    ) -> Result<PlanView, DeploymentError> {
        let deployment = self.visible(user, id).await?;
        let (revision, spec) = self.target(&deployment, request.revision).await?;
        let cluster = self.bound_cluster(user, &deployment).await?;
        let connection = self.clusters.connection(&cluster).await?;
        let desired = Desired::from_spec(&spec)?;
        let recorded =
            inventory::parse(operations::recorded_inventory(self.store.connection(), id).await?)?;
        let engine = Engine::for_connection(&connection);
        let plan = engine.plan(&desired, &recorded).await?;
        Ok(PlanView::new(revision, &plan))
    }

    /// Starts applying a revision (default: the latest): the operation is recorded, then run in
    /// the background by `background`. One operation per deployment at a time.
    pub async fn deploy(
        &self,
        user: &User,
        id: DeploymentId,
        request: DeployRequest,
        background: &BackgroundTasks,
    ) -> Result<DeployAcceptedView, DeploymentError> {
        let deployment = self.visible(user, id).await?;
        let (revision, spec) = self.target(&deployment, request.revision).await?;
        let cluster = self.bound_cluster(user, &deployment).await?;
        let options = ApplyOptions {
            adopt: request.adopt || deployment.adopts_on_deploy(),
            recreate: request.recreate,
        };
        let new = self
            .new_operation(id, OperationKind::Deploy, revision, user.id)
            .await?;
        let audit = deploy_audit(user.id, id, new.id, revision, options);
        let operation = new.id;
        self.store.start_operation(new, audit).await?;
        let work = Work::Apply {
            revision,
            spec,
            options,
        };
        self.launch(operation, id, cluster, work, background);
        Ok(DeployAcceptedView {
            operation_id: operation.to_string(),
            revision,
        })
    }

    /// One operation of a deployment the caller may see, deleted ones included: the delete
    /// that hid a deployment can be followed to its end.
    pub async fn operation(
        &self,
        user: &User,
        id: DeploymentId,
        operation: OperationId,
    ) -> Result<OperationView, DeploymentError> {
        match deployments::find_any(self.store.connection(), id).await? {
            Some(deployment) if deployment.owner_id == user.id || user.role == Role::Admin => {}
            _ => return Err(DeploymentError::NotFound),
        }
        match self.store.operation(operation).await? {
            Some(found) if found.deployment_id == id => Ok(found.into()),
            _ => Err(DeploymentError::NotFound),
        }
    }

    /// The revision to plan or apply and its AppSpec.
    pub(super) async fn target(
        &self,
        deployment: &Deployment,
        revision: Option<i32>,
    ) -> Result<(i32, AppSpec), DeploymentError> {
        let number = revision.unwrap_or(deployment.revision);
        let stored = self.find_revision(deployment.id, number).await?;
        let (spec, _) = render(stored.spec)?;
        Ok((number, spec))
    }

    /// The cluster the deployment is bound to, when the caller may use it.
    pub(super) async fn bound_cluster(
        &self,
        user: &User,
        deployment: &Deployment,
    ) -> Result<Cluster, DeploymentError> {
        let cluster = deployment.cluster_id.ok_or(DeploymentError::NoCluster)?;
        Ok(self.clusters.usable(user, cluster).await?)
    }

    /// An operation to record, held by this process, starting from the deployment's object set.
    pub(super) async fn new_operation(
        &self,
        deployment: DeploymentId,
        kind: OperationKind,
        revision: i32,
        started_by: UserId,
    ) -> Result<NewOperation, DeploymentError> {
        Ok(NewOperation {
            id: OperationId::new(),
            deployment_id: deployment,
            kind,
            target_revision: Some(revision),
            inventory: operations::recorded_inventory(self.store.connection(), deployment).await?,
            started_by: Some(started_by),
            holder: self.holder.clone(),
            lease: self.lease,
        })
    }

    /// Runs a recorded operation, held by this process, in the background.
    pub(super) fn launch(
        &self,
        operation: OperationId,
        deployment: DeploymentId,
        cluster: Cluster,
        work: Work,
        background: &BackgroundTasks,
    ) {
        let run = Run {
            store: self.store.clone(),
            clusters: Arc::clone(&self.clusters),
            holder: self.holder.clone(),
            lease: self.lease,
            operation,
            deployment,
            cluster,
            work,
            news: self.news.clone(),
        };
        let (name, running) = match run.work {
            Work::Apply { .. } => ("deploy operation", DeploymentStatus::Applying),
            Work::Delete { .. } => ("delete operation", DeploymentStatus::Deleting),
        };
        self.news.operation_status(deployment, running, None);
        background.spawn(name, |shutdown| run.run(shutdown));
    }

    /// Ends an operation this process holds but cannot run at all, with its cause.
    pub(super) async fn fail_operation(
        &self,
        operation: &Operation,
        cause: String,
    ) -> Result<(), StoreError> {
        let ended = Ended::failed(cause);
        let settled = Settled::failed(operation.kind, operation.target_revision, &ended);
        let deployment = operation.deployment_id;
        let announced = settled.announced();
        finish(
            &self.store,
            operation.id,
            &self.holder,
            deployment,
            ended,
            settled,
        )
        .await?;
        if let Some((status, reason)) = announced {
            self.news
                .operation_status(deployment, status, Some(&reason));
        }
        Ok(())
    }
}

/// The audit row of a deploy: which operation applies which revision, and how.
pub(super) fn deploy_audit(
    actor: UserId,
    deployment: DeploymentId,
    operation: OperationId,
    revision: i32,
    options: ApplyOptions,
) -> NewAuditEvent {
    let detail = json!({
        "operationId": operation.to_string(),
        "revision": revision,
        "adopt": options.adopt,
        "recreate": options.recreate,
    });
    NewAuditEvent::deployment(Some(actor), "deployment.deploy", deployment, detail)
}

/// What an operation does to the cluster.
pub(super) enum Work {
    /// Apply a revision (and prune what it no longer has).
    Apply {
        revision: i32,
        spec: AppSpec,
        options: ApplyOptions,
    },
    /// Remove every object of the app: those recorded in its object set and those `spec` (the
    /// revision last applied, else the latest) renders.
    Delete { spec: AppSpec },
}

/// One operation, run in the background.
struct Run {
    store: Store,
    clusters: Arc<Clusters>,
    holder: String,
    lease: Duration,
    operation: OperationId,
    deployment: DeploymentId,
    cluster: Cluster,
    work: Work,
    /// Where progress and the outcome are announced as they happen.
    news: DeploymentNews,
}

/// Progress as it arrives from the engine, written out by the operation's own loop.
#[derive(Default)]
struct Tracker {
    objects: BTreeMap<ObjectRef, ObjectProgressView>,
    dirty: bool,
}

/// How an operation ended: its final state, per-object outcome and, for a failure, the cause.
struct Ended {
    state: OperationState,
    result: StoredResult,
    error: Option<String>,
}

impl Ended {
    fn failed(cause: String) -> Self {
        Self {
            state: OperationState::Failed,
            result: StoredResult::default(),
            error: Some(cause),
        }
    }

    fn of_apply(report: &ApplyReport) -> Self {
        let error = (!report.succeeded()).then(|| failure_summary(report));
        Self {
            state: finished_state(&error),
            result: StoredResult {
                objects: report
                    .objects
                    .iter()
                    .map(ObjectProgressView::of_outcome)
                    .collect(),
            },
            error,
        }
    }

    fn of_delete(report: &DeleteReport) -> Self {
        let objects: Vec<ObjectProgressView> = report
            .objects
            .iter()
            .map(ObjectProgressView::of_deletion)
            .collect();
        let error = (!report.succeeded()).then(|| {
            objects
                .iter()
                .filter(|object| object.message.is_some())
                .map(|object| {
                    format!(
                        "{} {}: {}",
                        object.object.kind,
                        object.object.name,
                        object.message.as_deref().unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        });
        Self {
            state: finished_state(&error),
            result: StoredResult { objects },
            error,
        }
    }
}

fn finished_state(error: &Option<String>) -> OperationState {
    if error.is_none() {
        OperationState::Succeeded
    } else {
        OperationState::Failed
    }
}

/// What an ended operation means for its deployment.
enum Settled {
    /// A new status and reason; for a successful deploy, the revision now applied.
    Status {
        status: DeploymentStatus,
        reason: String,
        applied: Option<i32>,
    },
    /// Every object is gone: the record is hidden (its revisions and audit trail stay).
    Deleted,
}

impl Settled {
    /// The status to announce once it is stored (a deleted deployment has none).
    fn announced(&self) -> Option<(DeploymentStatus, String)> {
        match self {
            Self::Status { status, reason, .. } => Some((*status, reason.clone())),
            Self::Deleted => None,
        }
    }

    fn of(work: &Work, ended: &Ended) -> Self {
        match (work, &ended.error) {
            (Work::Apply { revision, .. }, None) => Self::Status {
                status: DeploymentStatus::Progressing,
                reason: format!(
                    "revision {revision} applied; waiting for its objects to become ready"
                ),
                applied: Some(*revision),
            },
            (Work::Apply { revision, .. }, Some(_)) => {
                Self::failed(OperationKind::Deploy, Some(*revision), ended)
            }
            (Work::Delete { .. }, None) => Self::Deleted,
            (Work::Delete { .. }, Some(_)) => Self::failed(OperationKind::Delete, None, ended),
        }
    }

    fn failed(kind: OperationKind, revision: Option<i32>, ended: &Ended) -> Self {
        let cause = ended.error.as_deref().unwrap_or("unknown cause");
        let reason = match (kind, revision) {
            (OperationKind::Deploy, Some(revision)) => {
                format!("deploying revision {revision} failed: {cause}")
            }
            (OperationKind::Deploy, None) => format!("deploying failed: {cause}"),
            (OperationKind::Delete, _) => format!(
                "deleting from the cluster failed: {cause}; the objects listed by the delete preview are still there, delete again to retry"
            ),
        };
        Self::Status {
            status: DeploymentStatus::Failed,
            reason,
            applied: None,
        }
    }
}

impl Run {
    async fn run(self, shutdown: CancellationToken) {
        let tracker = Arc::new(Mutex::new(Tracker::default()));
        let work = self.execute(Arc::clone(&tracker), shutdown);
        tokio::pin!(work);
        let mut tick = tokio::time::interval(PROGRESS_EVERY);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut renewed = Instant::now();
        let ended = loop {
            tokio::select! {
                ended = &mut work => break ended,
                _ = tick.tick() => {
                    if let Err(error) = self.keep_alive(&tracker, &mut renewed).await {
                        tracing::warn!(operation = %self.operation, %error, "an operation could not record its progress");
                        if matches!(error, StoreError::LeaseLost { .. }) {
                            return;
                        }
                    }
                }
            }
        };
        let Some(ended) = ended else {
            // Stopped by shutdown. Apply and delete are idempotent: the unfinished operation's
            // lease runs out and a server takes it over and runs it again.
            tracing::info!(operation = %self.operation, "operation stopped by shutdown");
            return;
        };
        let settled = Settled::of(&self.work, &ended);
        let announced = settled.announced();
        if let Err(error) = finish(
            &self.store,
            self.operation,
            &self.holder,
            self.deployment,
            ended,
            settled,
        )
        .await
        {
            tracing::error!(operation = %self.operation, %error, "an operation could not record its end");
        } else if let Some((status, reason)) = announced {
            self.news
                .operation_status(self.deployment, status, Some(&reason));
        }
    }

    /// Writes progress when it changed and renews the lease when a quarter of it has passed.
    async fn keep_alive(
        &self,
        tracker: &Mutex<Tracker>,
        renewed: &mut Instant,
    ) -> Result<(), StoreError> {
        let snapshot = {
            let mut tracker = tracker.lock().unwrap_or_else(PoisonError::into_inner);
            let dirty = std::mem::take(&mut tracker.dirty);
            dirty.then(|| StoredResult {
                objects: tracker.objects.values().cloned().collect(),
            })
        };
        if let Some(snapshot) = snapshot {
            operations::record_progress(
                self.store.connection(),
                self.operation,
                &self.holder,
                encode(&snapshot),
            )
            .await?;
        }
        if renewed.elapsed() >= self.lease / 4 {
            operations::renew_lease(
                self.store.connection(),
                self.operation,
                &self.holder,
                self.lease,
            )
            .await?;
            *renewed = Instant::now();
        }
        Ok(())
    }

    /// Does the work; `None` when shutdown stopped it first.
    async fn execute(
        &self,
        tracker: Arc<Mutex<Tracker>>,
        shutdown: CancellationToken,
    ) -> Option<Ended> {
        let connection = match self.clusters.connection(&self.cluster).await {
            Ok(connection) => connection,
            Err(error) => return Some(Ended::failed(error.to_string())),
        };
        let spec = match &self.work {
            Work::Apply { spec, .. } | Work::Delete { spec } => spec,
        };
        let desired = match Desired::from_spec(spec) {
            Ok(desired) => desired,
            Err(error) => return Some(Ended::failed(error.to_string())),
        };
        let inventory = OperationInventory {
            store: self.store.clone(),
            operation: self.operation,
            holder: self.holder.clone(),
        };
        let (news, deployment, operation) = (self.news.clone(), self.deployment, self.operation);
        let sink: ProgressSink = Arc::new(move |reference: &ObjectRef, progress: &Progress| {
            let view = ObjectProgressView::of_progress(reference, progress);
            news.progress(deployment, operation, &view);
            let mut tracker = tracker.lock().unwrap_or_else(PoisonError::into_inner);
            tracker.objects.insert(reference.clone(), view);
            tracker.dirty = true;
        });
        let engine = Engine::for_connection(&connection);
        let work = async {
            match &self.work {
                Work::Apply { options, .. } => {
                    match engine.apply(&desired, &inventory, *options, sink).await {
                        Ok(report) => Ended::of_apply(&report),
                        Err(error) => Ended::failed(error.to_string()),
                    }
                }
                Work::Delete { .. } => {
                    if let Err(cause) = resolve_kinds(&connection, &desired, &inventory).await {
                        return Ended::failed(cause);
                    }
                    let options = DeleteOptions { wait: true };
                    match engine
                        .delete(&desired.set, Some(&desired), &inventory, options, sink)
                        .await
                    {
                        Ok(report) => Ended::of_delete(&report),
                        Err(error) => Ended::failed(error.to_string()),
                    }
                }
            }
        };
        tokio::select! {
            ended = work => Some(ended),
            () = shutdown.cancelled() => None,
        }
    }
}

/// Resolves the kind of every object a delete may remove. The engine takes a kind it cannot
/// resolve for one with nothing left to delete, so an unreachable cluster whose kinds are not
/// cached yet would pass for an empty one: resolving first makes it fail the delete instead.
async fn resolve_kinds(
    connection: &Connection,
    desired: &Desired,
    inventory: &OperationInventory,
) -> Result<(), String> {
    let mut members = inventory.load().await.map_err(|error| error.to_string())?;
    members.extend(desired.objects.iter().map(|o| o.reference.clone()));
    let kinds: BTreeSet<(&str, &str, &str)> = members
        .iter()
        .map(|r| (r.group(), r.version(), r.kind.as_str()))
        .collect();
    for (group, version, kind) in kinds {
        let gvk = GroupVersionKind::gvk(group, version, kind);
        if let Err(ResolveError::Unreachable(unreachable)) = connection.resolve(&gvk).await {
            return Err(format!("cluster unavailable: {unreachable}"));
        }
    }
    Ok(())
}

/// Ends the operation held by `holder` and records what it means for the deployment, in one
/// transaction: the one place an operation's outcome reaches the deployment's status.
async fn finish(
    store: &Store,
    operation: OperationId,
    holder: &str,
    deployment: DeploymentId,
    ended: Ended,
    settled: Settled,
) -> Result<(), StoreError> {
    store
        .transaction(async |tx| {
            operations::finish(
                tx,
                operation,
                holder,
                ended.state,
                encode(&ended.result),
                ended.error,
            )
            .await?;
            match settled {
                Settled::Status {
                    status,
                    reason,
                    applied,
                } => {
                    set_status(tx, deployment, status, &reason).await?;
                    if let Some(revision) = applied {
                        deployments::record_applied(tx, deployment, revision).await?;
                    }
                }
                Settled::Deleted => deployments::hide(tx, deployment).await?,
            }
            Ok::<_, StoreError>(())
        })
        .await
}

/// Sets a deployment's status after an operation.
async fn set_status(
    db: &impl ConnectionTrait,
    deployment: DeploymentId,
    status: DeploymentStatus,
    reason: &str,
) -> Result<(), StoreError> {
    deployments::set_status(db, deployment, status, Some(reason)).await?;
    Ok(())
}

/// The failed objects of an apply that went ahead, in words.
fn failure_summary(report: &ApplyReport) -> String {
    let failures = report.failures();
    if failures.is_empty() {
        return "some objects were not applied".to_owned();
    }
    failures
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn encode(result: &StoredResult) -> serde_json::Value {
    // A plain struct of strings: serialising it cannot fail.
    serde_json::to_value(result).unwrap_or_default()
}
