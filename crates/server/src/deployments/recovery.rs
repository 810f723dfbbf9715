//! Operations left unfinished by a server that stopped mid-way (killed, crashed, or shut down
//! before its work ended) are taken over and run again: apply and delete are idempotent, and the
//! object set recorded before the cluster was touched lists everything the first run may have
//! created. A sweep runs at start and then once per lease period, so an operation whose replica
//! died is resumed by a live one as soon as its lease runs out.

use super::operations::Work;
use super::{DeploymentError, Deployments};
use crate::serve::BackgroundTasks;
use kubechart_kube::apply::ApplyOptions;
use kubechart_store::{
    AuditFilter, Cluster, Operation, OperationKind, StoreError, audit::deployment_target,
    operations,
};
use std::sync::Arc;
use tokio::time::MissedTickBehavior;

/// How many of a deployment's newest audit events are searched for the deploy that started an
/// operation (it is normally the newest one).
const AUDIT_LOOKBACK: u64 = 50;

/// Sweeps for abandoned operations now and once per lease period until shutdown, resuming them
/// under `background`.
pub fn resume_abandoned_operations(deployments: Arc<Deployments>, background: &BackgroundTasks) {
    let runs = background.clone();
    background.spawn("operation recovery", move |shutdown| async move {
        let mut ticks = tokio::time::interval(deployments.lease);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = ticks.tick() => {
                    if let Err(error) = deployments.resume_abandoned(&runs).await {
                        tracing::warn!(%error, "could not look for abandoned operations");
                    }
                }
            }
        }
    });
}

impl Deployments {
    /// Takes over every unfinished operation whose lease has run out and runs it again; one
    /// that can no longer run (its deployment or cluster is gone) ends `failed` with the reason.
    /// Returns how many were resumed.
    pub async fn resume_abandoned(
        &self,
        background: &BackgroundTasks,
    ) -> Result<usize, StoreError> {
        let mut resumed = 0;
        for abandoned in operations::expired(self.store.connection()).await? {
            let claimed = operations::take_over(
                self.store.connection(),
                abandoned.id,
                &self.holder,
                self.lease,
            )
            .await?;
            // Another replica claimed it first.
            let Some(operation) = claimed else { continue };
            tracing::info!(
                operation = %operation.id,
                deployment = %operation.deployment_id,
                "resuming an operation its server left unfinished"
            );
            match self.resumable(&operation).await {
                Ok((cluster, work)) => {
                    self.launch(
                        operation.id,
                        operation.deployment_id,
                        cluster,
                        work,
                        background,
                    );
                    resumed += 1;
                }
                // The database is the problem, not the operation: the next sweep tries again.
                Err(ResumeError::Store(error)) => return Err(error),
                Err(cause) => self.fail_operation(&operation, cause.to_string()).await?,
            }
        }
        Ok(resumed)
    }

    /// The cluster and the work of an operation to run again, as it was started.
    async fn resumable(&self, operation: &Operation) -> Result<(Cluster, Work), ResumeError> {
        let deployment = self
            .store
            .deployment(operation.deployment_id)
            .await?
            .ok_or(ResumeError::DeploymentGone)?;
        let cluster_id = deployment.cluster_id.ok_or(ResumeError::ClusterGone)?;
        let cluster = self
            .store
            .cluster(cluster_id)
            .await?
            .ok_or(ResumeError::ClusterGone)?;
        let (revision, spec) = self.target(&deployment, operation.target_revision).await?;
        let work = match operation.kind {
            OperationKind::Deploy => Work::Apply {
                revision,
                spec,
                options: self.started_with(operation).await?,
            },
            OperationKind::Delete => Work::Delete { spec },
        };
        Ok((cluster, work))
    }

    /// The apply options a deploy was started with, from the audit row written with it.
    async fn started_with(&self, operation: &Operation) -> Result<ApplyOptions, StoreError> {
        let filter = AuditFilter {
            target: Some(deployment_target(operation.deployment_id)),
            limit: AUDIT_LOOKBACK,
            ..AuditFilter::default()
        };
        let id = operation.id.to_string();
        let started = self
            .store
            .query_audit(&filter)
            .await?
            .into_iter()
            .find(|event| event.detail["operationId"].as_str() == Some(id.as_str()));
        let flag = |name: &str| {
            started
                .as_ref()
                .and_then(|event| event.detail[name].as_bool())
                .unwrap_or(false)
        };
        Ok(ApplyOptions {
            adopt: flag("adopt"),
            recreate: flag("recreate"),
        })
    }
}

/// Why an abandoned operation cannot run again.
#[derive(Debug, thiserror::Error)]
enum ResumeError {
    #[error("its deployment no longer exists")]
    DeploymentGone,
    #[error("its deployment's cluster was removed")]
    ClusterGone,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Deployment(#[from] DeploymentError),
}
