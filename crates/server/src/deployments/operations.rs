//! Diff and deploy: a revision planned against its cluster, and applied by an operation whose
//! intent is in the database before the cluster is touched. The apply runs in the background,
//! renewing the operation's lease and recording progress a few times a second, then finishes the
//! operation and sets the deployment's status in one transaction.

use super::inventory::{self, OperationInventory};
use super::operation_views::{
    DeployAcceptedView, DeployRequest, DiffRequest, ObjectProgressView, OperationView, PlanView,
    StoredResult,
};
use super::{DeploymentError, Deployments, render};
use crate::clusters::Clusters;
use crate::live::news::DeploymentNews;
use crate::serve::BackgroundTasks;
use kubechart_kube::ObjectRef;
use kubechart_kube::apply::{
    ApplyError, ApplyOptions, ApplyReport, Desired, Engine, Progress, ProgressSink,
};
use kubechart_manifest::AppSpec;
use kubechart_store::{
    Cluster, Deployment, DeploymentId, DeploymentStatus, NewAuditEvent, NewOperation, OperationId,
    OperationKind, OperationState, Store, StoreError, User, operations,
};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

/// How long an operation's claim stands without renewal: long against clock skew between replicas.
const LEASE: Duration = Duration::from_secs(60);
/// How often a running operation renews its lease.
const RENEW_EVERY: Duration = Duration::from_secs(15);
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
        let operation = OperationId::new();
        let new = NewOperation {
            id: operation,
            deployment_id: id,
            kind: OperationKind::Deploy,
            target_revision: Some(revision),
            inventory: operations::recorded_inventory(self.store.connection(), id).await?,
            started_by: Some(user.id),
            holder: self.holder.clone(),
            lease: LEASE,
        };
        let detail = json!({
            "operationId": operation.to_string(),
            "revision": revision,
            "adopt": request.adopt,
            "recreate": request.recreate,
        });
        let audit = NewAuditEvent::deployment(Some(user.id), "deployment.deploy", id, detail);
        self.store.start_operation(new, audit).await?;
        self.news
            .operation_status(id, DeploymentStatus::Applying, None);
        let run = Run {
            store: self.store.clone(),
            clusters: Arc::clone(&self.clusters),
            holder: self.holder.clone(),
            operation,
            deployment: id,
            revision,
            cluster,
            spec,
            options: ApplyOptions {
                adopt: request.adopt,
                recreate: request.recreate,
            },
            news: self.news.clone(),
        };
        background.spawn("deploy operation", |shutdown| run.run(shutdown));
        Ok(DeployAcceptedView {
            operation_id: operation.to_string(),
        })
    }

    /// One operation of a deployment the caller may see.
    pub async fn operation(
        &self,
        user: &User,
        id: DeploymentId,
        operation: OperationId,
    ) -> Result<OperationView, DeploymentError> {
        self.visible(user, id).await?;
        match self.store.operation(operation).await? {
            Some(found) if found.deployment_id == id => Ok(found.into()),
            _ => Err(DeploymentError::NotFound),
        }
    }

    /// The revision to plan or apply and its AppSpec.
    async fn target(
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
}

/// One deploy operation, run in the background.
struct Run {
    store: Store,
    clusters: Arc<Clusters>,
    holder: String,
    operation: OperationId,
    deployment: DeploymentId,
    revision: i32,
    cluster: Cluster,
    spec: AppSpec,
    options: ApplyOptions,
    /// Where progress and the outcome are announced as they happen.
    news: DeploymentNews,
}

/// Progress as it arrives from the engine, written out by the operation's own loop.
#[derive(Default)]
struct Tracker {
    objects: BTreeMap<ObjectRef, ObjectProgressView>,
    dirty: bool,
}

impl Run {
    async fn run(self, shutdown: CancellationToken) {
        let tracker = Arc::new(Mutex::new(Tracker::default()));
        let apply = self.apply(Arc::clone(&tracker), shutdown);
        tokio::pin!(apply);
        let mut tick = tokio::time::interval(PROGRESS_EVERY);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut renewed = Instant::now();
        let outcome = loop {
            tokio::select! {
                outcome = &mut apply => break outcome,
                _ = tick.tick() => {
                    if let Err(error) = self.keep_alive(&tracker, &mut renewed).await {
                        tracing::warn!(operation = %self.operation, %error, "a deploy could not record its progress");
                        if matches!(error, StoreError::LeaseLost { .. }) {
                            return;
                        }
                    }
                }
            }
        };
        let Some(outcome) = outcome else {
            // Stopped by shutdown. Apply is idempotent: the unfinished operation's lease runs
            // out and the next start supersedes it.
            tracing::info!(operation = %self.operation, "deploy stopped by shutdown");
            return;
        };
        if let Err(error) = self.finish(outcome).await {
            tracing::error!(operation = %self.operation, %error, "a deploy could not record its end");
        }
    }

    /// Writes progress when it changed and renews the lease when due.
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
        if renewed.elapsed() >= RENEW_EVERY {
            operations::renew_lease(self.store.connection(), self.operation, &self.holder, LEASE)
                .await?;
            *renewed = Instant::now();
        }
        Ok(())
    }

    /// Applies the revision; `None` when shutdown stopped it first.
    async fn apply(
        &self,
        tracker: Arc<Mutex<Tracker>>,
        shutdown: CancellationToken,
    ) -> Option<Result<ApplyReport, String>> {
        let connection = match self.clusters.connection(&self.cluster).await {
            Ok(connection) => connection,
            Err(error) => return Some(Err(error.to_string())),
        };
        let desired = match Desired::from_spec(&self.spec) {
            Ok(desired) => desired,
            Err(error) => return Some(Err(error.to_string())),
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
        let options = self.options;
        let applied = tokio::select! {
            applied = engine.apply(&desired, &inventory, options, sink) => applied,
            () = shutdown.cancelled() => return None,
        };
        Some(applied.map_err(|e: ApplyError| e.to_string()))
    }

    /// Ends the operation and sets the deployment's status, in one transaction.
    async fn finish(&self, outcome: Result<ApplyReport, String>) -> Result<(), StoreError> {
        let (state, result, error) = match &outcome {
            Ok(report) => {
                let result = StoredResult {
                    objects: report
                        .objects
                        .iter()
                        .map(ObjectProgressView::of_outcome)
                        .collect(),
                };
                let error = (!report.succeeded()).then(|| failure_summary(report));
                let state = if error.is_none() {
                    OperationState::Succeeded
                } else {
                    OperationState::Failed
                };
                (state, encode(&result), error)
            }
            Err(cause) => (
                OperationState::Failed,
                encode(&StoredResult::default()),
                Some(cause.clone()),
            ),
        };
        let (status, reason) = match &error {
            None => (
                DeploymentStatus::Progressing,
                format!(
                    "revision {} applied; waiting for its objects to become ready",
                    self.revision
                ),
            ),
            Some(cause) => (
                DeploymentStatus::Failed,
                format!("deploying revision {} failed: {cause}", self.revision),
            ),
        };
        let succeeded = error.is_none();
        let announced = (status, reason.clone());
        self.store
            .transaction(async |tx| {
                use kubechart_store::deployments;
                operations::finish(tx, self.operation, &self.holder, state, result, error).await?;
                deployments::set_status(tx, self.deployment, status, Some(&reason)).await?;
                if succeeded {
                    deployments::record_applied(tx, self.deployment, self.revision).await?;
                }
                Ok::<_, StoreError>(())
            })
            .await?;
        let (status, reason) = announced;
        self.news
            .operation_status(self.deployment, status, Some(&reason));
        Ok(())
    }
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
