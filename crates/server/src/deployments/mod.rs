//! Deployments as records: create, read, list and edit an AppSpec with its rendered manifests
//! and revision history, and read the audit trail of deployments; plan a revision against its
//! cluster, deploy or roll back to it, and delete the app from its cluster, each as a background
//! operation that a restarted or surviving server resumes. Only the owner and administrators see
//! a deployment; for anyone else it does not exist.

mod diff;
mod error;
pub mod export;
pub mod import;
mod inventory;
mod lifecycle;
pub mod live;
mod members;
pub mod operation_views;
mod operations;
mod recovery;
mod secrets;
pub mod views;

pub use error::DeploymentError;
pub use lifecycle::Deletion;
pub use recovery::resume_abandoned_operations;

use crate::clusters::{ClusterError, Clusters};
use crate::error::FieldError;
use crate::live::news::DeploymentNews;
use chrono::{DateTime, Utc};
use kubechart_manifest::{AppSpec, RenderOptions, Rendered};
use kubechart_store::{
    AuditEventId, AuditFilter, ClusterId, Deployment, DeploymentChange, DeploymentFilter,
    DeploymentId, DeploymentStatus, NewAuditEvent, NewDeployment, Revision, Role, SpecUpdate,
    Store, StoreError, User, UserId,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use views::{
    AuditEventView, AuditPageView, AuditQuery, CreateDeploymentRequest, DeploymentPageView,
    DeploymentView, ListQuery, RevisionDiffView, RevisionSummaryView, RevisionView,
    UpdateDeploymentRequest, UserRefView,
};

/// Page size when the client names none.
const DEFAULT_PAGE: u64 = 50;

/// The deployment service: the store and the clusters a deployment may be bound to.
pub struct Deployments {
    store: Store,
    clusters: Arc<Clusters>,
    /// Names this process as the holder of the operations it runs (unique per process).
    holder: String,
    /// How long this process's claim on an operation stands without renewal.
    lease: Duration,
    /// Where operations announce their progress and outcome.
    news: DeploymentNews,
}

impl Deployments {
    pub fn new(store: Store, clusters: Arc<Clusters>) -> Self {
        Self {
            store,
            clusters,
            holder: format!("kubechart-{}", uuid::Uuid::new_v4()),
            lease: operations::DEFAULT_LEASE,
            news: DeploymentNews::default(),
        }
    }

    /// Sets where operations announce their progress and outcome.
    pub fn with_news(mut self, news: DeploymentNews) -> Self {
        self.news = news;
        self
    }

    /// Sets the operation lease: an operation of a replica that died is resumed by another
    /// within about this long.
    pub fn with_operation_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Creates a draft at revision 1 from a valid AppSpec, bound to `cluster_id` when given.
    pub async fn create(
        &self,
        user: &User,
        request: CreateDeploymentRequest,
    ) -> Result<DeploymentView, DeploymentError> {
        let cluster_id = match request.cluster_id {
            Some(id) => Some(self.usable_cluster(user, &id).await?),
            None => None,
        };
        let (spec, rendered) = render(request.spec)?;
        let draft = Draft {
            action: "deployment.create",
            adopt_existing: false,
            detail: serde_json::Map::new(),
        };
        let created = self
            .insert_draft(user, cluster_id, &spec, rendered, draft)
            .await?;
        self.view(created).await
    }

    /// Stores a new draft at revision 1 of a rendered spec, with its audit row; a taken name is
    /// [`DeploymentError::NameTaken`].
    async fn insert_draft(
        &self,
        user: &User,
        cluster_id: Option<ClusterId>,
        spec: &AppSpec,
        rendered: Rendered,
        draft: Draft,
    ) -> Result<Deployment, DeploymentError> {
        let id = DeploymentId::new();
        let new = NewDeployment {
            id,
            owner_id: user.id,
            cluster_id,
            name: spec.name.clone(),
            namespace: spec.namespace.clone(),
            spec: spec_value(spec)?,
            manifest: rendered.yaml,
            resource_count: count(rendered.resource_count),
            adopt_existing: draft.adopt_existing,
        };
        let mut detail = json!({
            "name": new.name,
            "namespace": new.namespace,
            "clusterId": cluster_id.map(|id| id.to_string()),
            "revision": 1,
            "fields": diff::top_level(&Value::Null, &new.spec),
        });
        if let Value::Object(fields) = &mut detail {
            fields.extend(draft.detail);
        }
        let audit = NewAuditEvent::deployment(Some(user.id), draft.action, id, detail);
        let created = self.store.create_deployment(new, audit).await;
        self.name_taken(user, created).await
    }

    /// A page of the caller's deployments (administrators: everyone's, with `all=true`).
    pub async fn list(
        &self,
        user: &User,
        query: ListQuery,
    ) -> Result<DeploymentPageView, DeploymentError> {
        let all = match query.all.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => return Err(invalid("all", "must be true or false")),
        };
        if all && user.role != Role::Admin {
            return Err(DeploymentError::Forbidden(
                "only administrators may list every user's deployments",
            ));
        }
        let cluster_id = query
            .cluster
            .map(|id| id.parse::<ClusterId>())
            .transpose()
            .map_err(|_| invalid("cluster", "is not a cluster id"))?;
        let status = query
            .status
            .map(|status| {
                DeploymentStatus::parse(&status).ok_or_else(|| {
                    invalid(
                        "status",
                        "must be one of draft, applying, progressing, ready, degraded, failed, deleting",
                    )
                })
            })
            .transpose()?;
        let cursor = query
            .cursor
            .map(|cursor| cursor.parse())
            .transpose()
            .map_err(|_| {
                DeploymentError::BadParameter("cursor: not a cursor this server issued".into())
            })?;
        let filter = DeploymentFilter {
            owner_id: (!all).then_some(user.id),
            cluster_id,
            namespace: query.namespace,
            status,
            q: query.q,
            limit: page_size(query.limit.as_deref())?,
            cursor,
        };
        let page = self.store.list_deployments(&filter).await?;
        Ok(DeploymentPageView {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor.map(|cursor| cursor.to_string()),
        })
    }

    /// The whole record of a deployment the caller may see.
    pub async fn get(
        &self,
        user: &User,
        id: DeploymentId,
    ) -> Result<DeploymentView, DeploymentError> {
        let deployment = self.visible(user, id).await?;
        self.view(deployment).await
    }

    /// Saves an edit: a new revision when the spec changed, nothing when it did not.
    pub async fn update(
        &self,
        user: &User,
        id: DeploymentId,
        request: UpdateDeploymentRequest,
    ) -> Result<DeploymentView, DeploymentError> {
        let current = self.visible(user, id).await?;
        let cluster_id = match request.cluster_id {
            Some(cluster) => Some(self.usable_cluster(user, &cluster).await?),
            None => current.cluster_id,
        };
        if cluster_id != current.cluster_id && was_applied(&current) {
            return Err(DeploymentError::Applied(
                "this deployment has been applied to its cluster: it cannot move to another one; delete it there first",
            ));
        }
        let mut spec = request.spec;
        secrets::restore(&mut spec, &current.spec);
        let (spec, rendered) = render(spec)?;
        let spec_json = spec_value(&spec)?;
        let detail = json!({
            "fromRevision": request.revision,
            "fields": diff::top_level(&current.spec, &spec_json),
            "clusterId": cluster_id.map(|id| id.to_string()),
        });
        let change = DeploymentChange {
            expected_revision: request.revision,
            author: user.id,
            cluster_id,
            name: spec.name.clone(),
            namespace: spec.namespace.clone(),
            spec: spec_json,
            manifest: rendered.yaml,
            resource_count: count(rendered.resource_count),
        };
        let audit = NewAuditEvent::deployment(Some(user.id), "deployment.update", id, detail);
        let saved = self.store.update_deployment_spec(id, change, audit).await;
        let deployment = match self.name_taken(user, saved).await? {
            SpecUpdate::Unchanged(deployment) | SpecUpdate::Updated { deployment, .. } => {
                deployment
            }
        };
        self.view(deployment).await
    }

    /// The revision history, newest first.
    pub async fn revisions(
        &self,
        user: &User,
        id: DeploymentId,
    ) -> Result<Vec<RevisionSummaryView>, DeploymentError> {
        self.visible(user, id).await?;
        let revisions = self.store.deployment_revisions(id).await?;
        let mut names = Names::default();
        let mut views = Vec::with_capacity(revisions.len());
        for revision in revisions {
            views.push(RevisionSummaryView {
                number: revision.revision,
                created_by: names.of(&self.store, revision.created_by).await?,
                created_at: revision.created_at,
            });
        }
        Ok(views)
    }

    /// One revision with its (masked) spec and (redacted) manifests.
    pub async fn revision(
        &self,
        user: &User,
        id: DeploymentId,
        number: i32,
    ) -> Result<RevisionView, DeploymentError> {
        self.visible(user, id).await?;
        let revision = self.find_revision(id, number).await?;
        Ok(RevisionView {
            number: revision.revision,
            yaml: redacted_yaml(&revision.spec)?,
            spec: secrets::mask(&revision.spec),
            created_by: Names::default()
                .of(&self.store, revision.created_by)
                .await?,
            created_at: revision.created_at,
        })
    }

    /// What changed from revision `from` to revision `to`.
    pub async fn revision_diff(
        &self,
        user: &User,
        id: DeploymentId,
        from: i32,
        to: i32,
    ) -> Result<RevisionDiffView, DeploymentError> {
        self.visible(user, id).await?;
        let before = self.find_revision(id, from).await?;
        let after = self.find_revision(id, to).await?;
        Ok(RevisionDiffView {
            from,
            to,
            fields: diff::fields(&before.spec, &after.spec),
            yaml: diff::yaml(
                &redacted_yaml(&before.spec)?,
                &redacted_yaml(&after.spec)?,
                from,
                to,
            ),
        })
    }

    /// A page of the audit trail, newest first: everything for administrators, the events about
    /// their own deployments (deleted ones included) for anyone else.
    pub async fn audit(
        &self,
        user: &User,
        query: AuditQuery,
    ) -> Result<AuditPageView, DeploymentError> {
        let limit = page_size(query.limit.as_deref())?;
        let before = query.cursor.as_deref().map(audit_cursor).transpose()?;
        let filter = AuditFilter {
            target: query.target,
            deployments_of: (user.role != Role::Admin).then_some(user.id),
            before,
            // One more than asked tells whether another page follows.
            limit: limit + 1,
            ..AuditFilter::default()
        };
        let mut events = self.store.query_audit(&filter).await?;
        let more = events.len() as u64 > limit;
        events.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_cursor = events
            .last()
            .filter(|_| more)
            .map(|last| format!("{}.{}", last.at.timestamp_micros(), last.id));
        let mut names = Names::default();
        let mut items = Vec::with_capacity(events.len());
        for event in events {
            let actor = names.of(&self.store, event.actor_id).await?;
            items.push(AuditEventView::new(event, actor));
        }
        Ok(AuditPageView { items, next_cursor })
    }

    /// The live deployment with this id when `user` owns it or is an administrator.
    async fn visible(&self, user: &User, id: DeploymentId) -> Result<Deployment, DeploymentError> {
        match self.store.deployment(id).await? {
            Some(deployment) if deployment.owner_id == user.id || user.role == Role::Admin => {
                Ok(deployment)
            }
            _ => Err(DeploymentError::NotFound),
        }
    }

    async fn find_revision(
        &self,
        id: DeploymentId,
        number: i32,
    ) -> Result<Revision, DeploymentError> {
        self.store
            .deployment_revision(id, number)
            .await?
            .ok_or(DeploymentError::NotFound)
    }

    /// The cluster named in a request, when `user` may deploy to it; a 422 at `clusterId`
    /// otherwise (unknown and invisible clusters alike).
    async fn usable_cluster(&self, user: &User, id: &str) -> Result<ClusterId, DeploymentError> {
        let unknown = || invalid("clusterId", "no cluster with this id is available to you");
        let id: ClusterId = id.parse().map_err(|_| unknown())?;
        match self.clusters.usable(user, id).await {
            Ok(cluster) => Ok(cluster.id),
            Err(ClusterError::NotFound) => Err(unknown()),
            Err(error) => Err(error.into()),
        }
    }

    /// A taken placement in words: the existing deployment and its owner for a caller who may
    /// see it, only that the name is taken for anyone else.
    async fn name_taken<T>(
        &self,
        user: &User,
        saved: Result<T, StoreError>,
    ) -> Result<T, DeploymentError> {
        match saved {
            Err(StoreError::DeploymentExists { existing, owner })
                if owner == user.id || user.role == Role::Admin =>
            {
                let owner = Names::default().of(&self.store, Some(owner)).await?;
                let owner = owner.map(|owner| owner.username).unwrap_or_default();
                Err(DeploymentError::NameTaken(format!(
                    "deployment {existing} (owner {owner}) already uses this name and namespace on this cluster"
                )))
            }
            Err(StoreError::DeploymentExists { .. }) => Err(DeploymentError::NameTaken(
                "this name and namespace are already taken on this cluster".into(),
            )),
            other => Ok(other?),
        }
    }

    async fn view(&self, deployment: Deployment) -> Result<DeploymentView, DeploymentError> {
        let adopts_on_deploy = deployment.adopts_on_deploy();
        let owner = Names::default()
            .of(&self.store, Some(deployment.owner_id))
            .await?
            .unwrap_or_else(|| UserRefView {
                id: deployment.owner_id.to_string(),
                username: String::new(),
            });
        Ok(DeploymentView {
            id: deployment.id.to_string(),
            owner,
            name: deployment.name,
            namespace: deployment.namespace,
            cluster_id: deployment.cluster_id.map(|id| id.to_string()),
            yaml: redacted_yaml(&deployment.spec)?,
            spec: secrets::mask(&deployment.spec),
            status: deployment.status.into(),
            status_reason: deployment.status_reason,
            revision: deployment.revision,
            applied_revision: deployment.applied_revision,
            adopts_on_deploy,
            resource_count: deployment.resource_count,
            created_at: deployment.created_at,
            updated_at: deployment.updated_at,
            applied_at: deployment.applied_at,
        })
    }
}

/// How a new draft came to be: its audit action and detail, and whether its first deploy adopts
/// the objects it was imported from.
struct Draft {
    action: &'static str,
    adopt_existing: bool,
    /// Audit detail beyond what every new draft records.
    detail: serde_json::Map<String, Value>,
}

/// Usernames looked up once per request.
#[derive(Default)]
struct Names(HashMap<UserId, Option<String>>);

impl Names {
    async fn of(
        &mut self,
        store: &Store,
        id: Option<UserId>,
    ) -> Result<Option<UserRefView>, DeploymentError> {
        let Some(id) = id else { return Ok(None) };
        let username = match self.0.get(&id) {
            Some(known) => known.clone(),
            None => {
                let username = store.user(id).await?.map(|user| user.username);
                self.0.insert(id, username.clone());
                username
            }
        };
        Ok(username.map(|username| UserRefView {
            id: id.to_string(),
            username,
        }))
    }
}

/// Validates and renders a spec as given (Secret values in the clear, for storage).
fn render(spec: Value) -> Result<(AppSpec, Rendered), DeploymentError> {
    let spec = kubechart_manifest::spec_from_value(spec)?;
    let rendered = kubechart_manifest::render(&spec, &RenderOptions::default())?;
    Ok((spec, rendered))
}

/// The spec as stored: the parsed AppSpec serialised again, so equal specs compare equal
/// whatever defaults or key order the request had.
fn spec_value(spec: &AppSpec) -> Result<Value, DeploymentError> {
    serde_json::to_value(spec).map_err(|error| {
        DeploymentError::Spec(kubechart_manifest::RenderError::Internal(error.to_string()))
    })
}

/// The manifests of a stored spec with Secret values redacted, rendered afresh rather than read
/// from the stored YAML (which holds them in the clear).
fn redacted_yaml(spec: &Value) -> Result<String, DeploymentError> {
    let spec = kubechart_manifest::spec_from_value(spec.clone())?;
    let options = RenderOptions {
        redact_secrets: true,
    };
    Ok(kubechart_manifest::render(&spec, &options)?.yaml)
}

/// Whether objects of the deployment may exist in its cluster: it was applied once, or an
/// operation has moved it out of `draft`.
fn was_applied(deployment: &Deployment) -> bool {
    deployment.applied_revision.is_some() || deployment.status != DeploymentStatus::Draft
}

fn count(resources: usize) -> i32 {
    i32::try_from(resources).unwrap_or(i32::MAX)
}

fn invalid(path: &str, message: &str) -> DeploymentError {
    DeploymentError::Invalid(vec![FieldError::new(path, message)])
}

/// `limit`: 1 to the store's largest page, [`DEFAULT_PAGE`] when absent.
fn page_size(limit: Option<&str>) -> Result<u64, DeploymentError> {
    let max = kubechart_store::deployments::MAX_PAGE_SIZE;
    match limit {
        None => Ok(DEFAULT_PAGE),
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|limit| (1..=max).contains(limit))
            .ok_or_else(|| invalid("limit", &format!("must be a whole number from 1 to {max}"))),
    }
}

/// An audit cursor: the time (microseconds) and id of the last event of the previous page.
fn audit_cursor(text: &str) -> Result<(DateTime<Utc>, AuditEventId), DeploymentError> {
    let bad = || DeploymentError::BadParameter("cursor: not a cursor this server issued".into());
    let (micros, id) = text.split_once('.').ok_or_else(bad)?;
    let at = micros
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(bad)?;
    Ok((at, id.parse().map_err(|_| bad())?))
}
