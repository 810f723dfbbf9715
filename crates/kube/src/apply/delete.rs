//! Deleting an app: every member, kinds applied last deleted first, with foreground propagation,
//! waited for with a deadline. Stragglers are reported with the finalizers that hold them. The
//! namespace goes last, and only when the app created it.

use super::desired::Desired;
use super::execute::delete_rank;
use super::failure::ObjectFailure;
use super::inventory::Inventory;
use super::{ApplyError, Engine, Progress, ProgressSink};
use crate::ObjectRef;
use kube::api::DeleteParams;
use kubechart_manifest::ApplySet;
use serde::Serialize;
use std::collections::BTreeSet;

/// How to delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeleteOptions {
    /// Wait until every object is gone (up to the engine's delete timeout).
    pub wait: bool,
}

impl Default for DeleteOptions {
    fn default() -> Self {
        Self { wait: true }
    }
}

/// What happened to one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "result", content = "detail")]
pub enum DeletionOutcome {
    /// Gone.
    Deleted,
    /// Deletion requested; not waited for.
    Requested,
    /// Still there at the deadline, with the finalizers that hold it.
    Stuck(String),
    /// Not deleted: it is no longer labelled as a member of this app.
    LeftAlone,
    /// The delete failed.
    Failed(ObjectFailure),
}

/// One object's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedObject {
    /// Which object.
    pub reference: ObjectRef,
    /// What happened.
    pub outcome: DeletionOutcome,
}

/// The result of a delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteReport {
    /// Every object of the set.
    pub objects: Vec<DeletedObject>,
}

impl DeleteReport {
    /// Whether everything is gone (or, without waiting, every delete was accepted).
    pub fn succeeded(&self) -> bool {
        self.objects.iter().all(|o| {
            matches!(
                o.outcome,
                DeletionOutcome::Deleted | DeletionOutcome::Requested | DeletionOutcome::LeftAlone
            )
        })
    }
}

impl Engine {
    /// Deletes every member of `set`: those the inventory lists and those `desired` renders.
    pub async fn delete(
        &self,
        set: &ApplySet,
        desired: Option<&Desired>,
        inventory: &impl Inventory,
        options: DeleteOptions,
        progress: ProgressSink,
    ) -> Result<DeleteReport, ApplyError> {
        let mut members = inventory.load().await?;
        if let Some(desired) = desired {
            members.extend(desired.objects.iter().map(|o| o.reference.clone()));
        }
        let (namespaces, mut others): (Vec<ObjectRef>, Vec<ObjectRef>) = members
            .into_iter()
            .partition(|r| r.kind == "Namespace" && r.name == set.namespace);
        others.sort_by_key(|r| std::cmp::Reverse(delete_rank(r)));
        let mut report = self.delete_all(set, &others, options, &progress).await;
        let remaining: BTreeSet<ObjectRef> = report
            .iter()
            .filter(|o| {
                matches!(
                    o.outcome,
                    DeletionOutcome::Stuck(_) | DeletionOutcome::Failed(_)
                )
            })
            .map(|o| o.reference.clone())
            .collect();
        if remaining.is_empty() {
            inventory.clear().await?;
            report.extend(self.delete_all(set, &namespaces, options, &progress).await);
        } else {
            let mut kept = remaining;
            kept.extend(namespaces);
            inventory.save(&kept).await?;
        }
        Ok(DeleteReport { objects: report })
    }

    async fn delete_all(
        &self,
        set: &ApplySet,
        references: &[ObjectRef],
        options: DeleteOptions,
        progress: &ProgressSink,
    ) -> Vec<DeletedObject> {
        let mut requested = Vec::new();
        let mut results = Vec::new();
        for reference in references {
            progress(reference, &Progress::Deleting);
            match self
                .delete_member(&set.id, reference, DeleteParams::foreground())
                .await
            {
                Ok(true) => requested.push(reference.clone()),
                Ok(false) => {
                    progress(reference, &Progress::Unchanged);
                    results.push(DeletedObject {
                        reference: reference.clone(),
                        outcome: DeletionOutcome::LeftAlone,
                    });
                }
                Err(failure) => {
                    progress(reference, &Progress::Failed(failure.message.clone()));
                    results.push(DeletedObject {
                        reference: reference.clone(),
                        outcome: DeletionOutcome::Failed(failure),
                    });
                }
            }
        }
        let deadline = tokio::time::Instant::now() + self.delete_timeout;
        for reference in requested {
            let outcome = if options.wait {
                self.wait_for_deletion(&reference, deadline).await
            } else {
                DeletionOutcome::Requested
            };
            let shown = match &outcome {
                DeletionOutcome::Stuck(why) => Progress::Failed(why.clone()),
                _ => Progress::Deleted,
            };
            progress(&reference, &shown);
            results.push(DeletedObject { reference, outcome });
        }
        results
    }

    async fn wait_for_deletion(
        &self,
        reference: &ObjectRef,
        deadline: tokio::time::Instant,
    ) -> DeletionOutcome {
        let Ok(api) = self.kinds.api(reference).await else {
            return DeletionOutcome::Deleted;
        };
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match self.wait_until_gone(&api, &reference.name, left).await {
            Ok(()) => DeletionOutcome::Deleted,
            Err(_) => {
                let finalizers = api
                    .get_opt(&reference.name)
                    .await
                    .ok()
                    .flatten()
                    .and_then(|o| o.metadata.finalizers)
                    .unwrap_or_default();
                DeletionOutcome::Stuck(if finalizers.is_empty() {
                    "still terminating at the deadline".to_owned()
                } else {
                    format!(
                        "still terminating at the deadline, held by finalizers: {}",
                        finalizers.join(", ")
                    )
                })
            }
        }
    }
}
