//! The audit trail: security-relevant actions, recorded in the transaction of the change they
//! describe and listed to admins (all) and users (their own deployments' targets).

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, Condition, ConnectionTrait, QueryOrder, QuerySelect};
use serde::Serialize;

use crate::entities::{audit_events, deployments};
use crate::{AuditEventId, DeploymentId, Store, StoreError, UserId};

/// An action to record.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    /// `None` for actions without an authenticated actor (e.g. a failed login).
    pub actor_id: Option<UserId>,
    /// Dotted verb, e.g. `user.login`, `user.update`.
    pub action: String,
    /// What was acted on, e.g. `user:<id>`.
    pub target: String,
    /// Action-specific details.
    pub detail: serde_json::Value,
}

impl NewAuditEvent {
    /// An action on a user account (target `user:<id>`).
    pub fn user(
        actor_id: Option<UserId>,
        action: &str,
        user: UserId,
        detail: serde_json::Value,
    ) -> Self {
        NewAuditEvent {
            actor_id,
            action: action.to_owned(),
            target: user_target(user),
            detail,
        }
    }

    /// An action on a deployment (target `deployment:<id>`).
    pub fn deployment(
        actor_id: Option<UserId>,
        action: &str,
        deployment: DeploymentId,
        detail: serde_json::Value,
    ) -> Self {
        NewAuditEvent {
            actor_id,
            action: action.to_owned(),
            target: deployment_target(deployment),
            detail,
        }
    }
}

/// The audit target naming a user account.
pub fn user_target(user: UserId) -> String {
    format!("user:{user}")
}

/// The audit target naming a deployment.
pub fn deployment_target(deployment: DeploymentId) -> String {
    format!("deployment:{deployment}")
}

/// Which events an audit query returns, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only events about this target (e.g. `deployment:<id>`); `None` for every target.
    pub target: Option<String>,
    /// Only events by this actor.
    pub actor_id: Option<UserId>,
    /// Only events about the deployments this user owns, deleted ones included (what a member
    /// may read of the trail).
    pub deployments_of: Option<UserId>,
    /// Only events after this one in newest-first order (the last event of the previous page,
    /// by its time and id): pages cut by keyset never repeat or skip an event.
    pub before: Option<(DateTime<Utc>, AuditEventId)>,
    /// At most this many events.
    pub limit: u64,
}

/// A recorded action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub actor_id: Option<UserId>,
    pub action: String,
    pub target: String,
    pub detail: serde_json::Value,
    pub at: DateTime<Utc>,
}

impl From<audit_events::Model> for AuditEvent {
    fn from(model: audit_events::Model) -> Self {
        AuditEvent {
            id: AuditEventId(model.id),
            actor_id: model.actor_id.map(UserId),
            action: model.action,
            target: model.target,
            detail: model.detail,
            at: model.at,
        }
    }
}

impl Store {
    /// Appends an event to the audit trail on its own. An event about a change is recorded with
    /// [`record`] inside the change's transaction instead.
    pub async fn record_audit(&self, event: NewAuditEvent) -> Result<(), StoreError> {
        record(&self.db, event).await
    }

    /// The most recent `limit` events, newest first.
    pub async fn audit_events(&self, limit: u64) -> Result<Vec<AuditEvent>, StoreError> {
        query(
            &self.db,
            &AuditFilter {
                limit,
                ..AuditFilter::default()
            },
        )
        .await
    }

    /// The most recent events matching `filter`, newest first.
    pub async fn query_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>, StoreError> {
        query(&self.db, filter).await
    }
}

/// Appends an audit row on the given connection, so it commits (or rolls back) with the change
/// it describes.
pub async fn record(db: &impl ConnectionTrait, event: NewAuditEvent) -> Result<(), StoreError> {
    audit_events::ActiveModel {
        id: Set(AuditEventId::new().0),
        actor_id: Set(event.actor_id.map(|id| id.0)),
        action: Set(event.action),
        target: Set(event.target),
        detail: Set(event.detail),
        at: Set(crate::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The most recent events matching `filter`, newest first.
pub async fn query(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
) -> Result<Vec<AuditEvent>, StoreError> {
    let mut select = audit_events::Entity::find();
    if let Some(target) = &filter.target {
        select = select.filter(audit_events::Column::Target.eq(target.as_str()));
    }
    if let Some(actor) = filter.actor_id {
        select = select.filter(audit_events::Column::ActorId.eq(actor.0));
    }
    if let Some(owner) = filter.deployments_of {
        // Targets are text and ids are stored natively (a blob on SQLite), so the targets are
        // built here rather than joined in SQL.
        let targets: Vec<String> = deployments::Entity::find()
            .select_only()
            .column(deployments::Column::Id)
            .filter(deployments::Column::OwnerId.eq(owner.0))
            .into_tuple::<Uuid>()
            .all(db)
            .await?
            .into_iter()
            .map(|id| deployment_target(DeploymentId(id)))
            .collect();
        select = select.filter(audit_events::Column::Target.is_in(targets));
    }
    if let Some((at, id)) = filter.before {
        select = select.filter(
            Condition::any().add(audit_events::Column::At.lt(at)).add(
                Condition::all()
                    .add(audit_events::Column::At.eq(at))
                    .add(audit_events::Column::Id.lt(id.0)),
            ),
        );
    }
    let models = select
        .order_by_desc(audit_events::Column::At)
        .order_by_desc(audit_events::Column::Id)
        .limit(filter.limit)
        .all(db)
        .await?;
    Ok(models.into_iter().map(AuditEvent::from).collect())
}
