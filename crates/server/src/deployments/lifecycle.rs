//! Rollback and delete: a rollback makes the chosen revision's spec the newest revision and
//! deploys it; a delete removes every object of the app from its cluster in a background
//! operation and then hides the record (its revisions and audit trail stay).

use super::operation_views::{DeleteAcceptedView, DeployAcceptedView, RollbackRequest};
use super::operations::{Work, deploy_audit};
use super::{DeploymentError, Deployments, count, diff, render, spec_value, was_applied};
use crate::serve::BackgroundTasks;
use kubechart_kube::apply::ApplyOptions;
use kubechart_store::{
    DeploymentChange, DeploymentId, NewAuditEvent, OperationKind, SpecUpdate, StoreError, User,
    audit, deployments, operations,
};
use serde_json::json;

/// What a delete request did.
pub enum Deletion {
    /// A delete operation removes the objects from the cluster; the record is hidden once they
    /// are gone.
    Started(DeleteAcceptedView),
    /// The record is hidden already: nothing of it was ever applied, or the objects are kept.
    Done,
}

impl Deployments {
    /// Makes revision `request.revision`'s spec the newest revision (none is added when it is
    /// the newest's already) and deploys it. The new revision, its audit row and the operation's
    /// start commit together, so a refused deploy leaves no revision behind.
    pub async fn rollback(
        &self,
        user: &User,
        id: DeploymentId,
        request: RollbackRequest,
        background: &BackgroundTasks,
    ) -> Result<DeployAcceptedView, DeploymentError> {
        let current = self.visible(user, id).await?;
        let cluster = self.bound_cluster(user, &current).await?;
        let chosen = self.find_revision(id, request.revision).await?;
        let (spec, rendered) = render(chosen.spec)?;
        let spec_json = spec_value(&spec)?;
        let revision = if spec_json == current.spec {
            current.revision
        } else {
            current.revision + 1
        };
        let rollback_audit = NewAuditEvent::deployment(
            Some(user.id),
            "deployment.rollback",
            id,
            json!({
                "fromRevision": current.revision,
                "toRevision": request.revision,
                "revision": revision,
                "fields": diff::top_level(&current.spec, &spec_json),
            }),
        );
        let change = DeploymentChange {
            expected_revision: current.revision,
            author: user.id,
            cluster_id: current.cluster_id,
            name: spec.name.clone(),
            namespace: spec.namespace.clone(),
            spec: spec_json,
            manifest: rendered.yaml,
            resource_count: count(rendered.resource_count),
        };
        // An imported deployment rolled back before its first apply still takes over what it was
        // imported from.
        let options = ApplyOptions {
            adopt: current.adopts_on_deploy(),
            ..ApplyOptions::default()
        };
        let new = self
            .new_operation(id, OperationKind::Deploy, revision, user.id)
            .await?;
        let operation = new.id;
        let deploy_audit = deploy_audit(user.id, id, operation, revision, options);
        let started = self
            .store
            .transaction(async |tx| {
                let update = deployments::update_spec(tx, id, change, rollback_audit.clone());
                if let SpecUpdate::Unchanged(_) = update.await? {
                    audit::record(tx, rollback_audit).await?;
                }
                operations::start(tx, new, deploy_audit).await
            })
            .await;
        self.name_taken(user, started).await?;
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

    /// Deletes a deployment. Its objects are removed from the cluster by a background operation
    /// (the record is hidden in the transaction that ends it, and stays when it fails, so a
    /// retry works); a deployment never applied, or one deleted with `keep_resources`, is hidden
    /// at once and its objects, if any, keep running.
    pub async fn delete(
        &self,
        user: &User,
        id: DeploymentId,
        keep_resources: bool,
        background: &BackgroundTasks,
    ) -> Result<Deletion, DeploymentError> {
        let deployment = self.visible(user, id).await?;
        let mut detail = json!({
            "name": deployment.name,
            "namespace": deployment.namespace,
            "revision": deployment.revision,
            "keepResources": keep_resources,
        });
        if keep_resources || !was_applied(&deployment) {
            let audit = NewAuditEvent::deployment(Some(user.id), "deployment.delete", id, detail);
            self.store
                .transaction(async |tx| {
                    refuse_while_running(tx, id).await?;
                    deployments::mark_deleted(tx, id, audit).await
                })
                .await?;
            return Ok(Deletion::Done);
        }
        let cluster = self.bound_cluster(user, &deployment).await?;
        // The objects in the cluster are those of the revision last applied (and whatever the
        // recorded object set adds); the latest revision may never have reached the cluster.
        let revision = deployment.applied_revision.unwrap_or(deployment.revision);
        let (_, spec) = self.target(&deployment, Some(revision)).await?;
        let new = self
            .new_operation(id, OperationKind::Delete, revision, user.id)
            .await?;
        let operation = new.id;
        detail["operationId"] = json!(operation.to_string());
        let audit = NewAuditEvent::deployment(Some(user.id), "deployment.delete", id, detail);
        self.store.start_operation(new, audit).await?;
        self.launch(operation, id, cluster, Work::Delete { spec }, background);
        Ok(Deletion::Started(DeleteAcceptedView {
            operation_id: operation.to_string(),
        }))
    }
}

/// [`StoreError::OperationInProgress`] while an operation holds the deployment: hiding the record
/// under it would leave the operation nothing to report to.
async fn refuse_while_running(
    db: &impl kubechart_store::ConnectionTrait,
    id: DeploymentId,
) -> Result<(), StoreError> {
    match operations::unfinished(db, id).await? {
        Some(running) => match running.lease_expires_at {
            Some(expires) if expires > chrono::Utc::now() => Err(StoreError::OperationInProgress {
                operation: running.id,
                holder: running.lease_holder.unwrap_or_default(),
                lease_expires_at: expires,
            }),
            _ => Ok(()),
        },
        None => Ok(()),
    }
}
