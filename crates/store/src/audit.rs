//! The audit trail: security-relevant actions, recorded by the server and listed to admins.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, QueryOrder, QuerySelect};
use serde::Serialize;

use crate::entities::audit_events;
use crate::{AuditEventId, Store, StoreError, UserId};

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
    /// Appends an event to the audit trail.
    pub async fn record_audit(&self, event: NewAuditEvent) -> Result<(), StoreError> {
        audit_events::ActiveModel {
            id: Set(AuditEventId::new().0),
            actor_id: Set(event.actor_id.map(|id| id.0)),
            action: Set(event.action),
            target: Set(event.target),
            detail: Set(event.detail),
            at: Set(crate::now()),
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// The most recent `limit` events, newest first.
    pub async fn audit_events(&self, limit: u64) -> Result<Vec<AuditEvent>, StoreError> {
        let models = audit_events::Entity::find()
            .order_by_desc(audit_events::Column::At)
            .order_by_desc(audit_events::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(models.into_iter().map(AuditEvent::from).collect())
    }
}
