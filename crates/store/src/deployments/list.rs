//! Listing deployments a page at a time, newest first. Pages are cut by keyset on
//! `(created_at, id)`, which never changes for a row: a deployment created or updated while a
//! client pages through shifts no row from one page to another, so no item is repeated or skipped.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{ExprTrait, Func, LikeExpr};
use sea_orm::{Condition, ConnectionTrait, FromQueryResult, QueryOrder, QuerySelect};

use super::DeploymentStatus;
use crate::entities::deployments;
use crate::{ClusterId, DeploymentId, Store, StoreError, UserId};

/// The largest page a listing returns, whatever the caller asks for.
pub const MAX_PAGE_SIZE: u64 = 500;

/// Which deployments a listing returns. Deleted deployments never appear.
#[derive(Debug, Clone, Default)]
pub struct DeploymentFilter {
    /// Only this owner's deployments; `None` for every owner (administrators).
    pub owner_id: Option<UserId>,
    pub cluster_id: Option<ClusterId>,
    pub namespace: Option<String>,
    pub status: Option<DeploymentStatus>,
    /// A substring of the name (case-insensitive; `%` and `_` match themselves).
    pub q: Option<String>,
    /// Page size, between 1 and [`MAX_PAGE_SIZE`].
    pub limit: u64,
    /// Where the previous page ended; `None` for the first page.
    pub cursor: Option<Cursor>,
}

/// A page of deployments.
#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentPage {
    pub items: Vec<DeploymentSummary>,
    /// Present when more items follow; pass it back to get them.
    pub next_cursor: Option<Cursor>,
}

/// A deployment in a list: everything but the spec and the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentSummary {
    pub id: DeploymentId,
    pub owner_id: UserId,
    pub cluster_id: Option<ClusterId>,
    pub name: String,
    pub namespace: String,
    pub status: DeploymentStatus,
    pub status_reason: Option<String>,
    pub resource_count: i32,
    pub revision: i32,
    pub applied_revision: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub applied_at: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct SummaryRow {
    id: Uuid,
    owner_id: Uuid,
    cluster_id: Option<Uuid>,
    name: String,
    namespace: String,
    status: String,
    status_reason: Option<String>,
    resource_count: i32,
    revision: i32,
    applied_revision: Option<i32>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    applied_at: Option<DateTime<Utc>>,
}

impl TryFrom<SummaryRow> for DeploymentSummary {
    type Error = StoreError;

    fn try_from(row: SummaryRow) -> Result<Self, StoreError> {
        Ok(DeploymentSummary {
            id: DeploymentId(row.id),
            owner_id: UserId(row.owner_id),
            cluster_id: row.cluster_id.map(ClusterId),
            name: row.name,
            namespace: row.namespace,
            status: DeploymentStatus::from_stored(&row.status)?,
            status_reason: row.status_reason,
            resource_count: row.resource_count,
            revision: row.revision,
            applied_revision: row.applied_revision,
            created_at: row.created_at,
            updated_at: row.updated_at,
            applied_at: row.applied_at,
        })
    }
}

/// The position after the last item of a page. Its text form (`Display` / `FromStr`) is what
/// clients pass back; they should treat it as opaque.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    created_at: DateTime<Utc>,
    id: DeploymentId,
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}",
            self.created_at.timestamp_micros(),
            self.id.0.simple()
        )
    }
}

impl FromStr for Cursor {
    type Err = StoreError;

    fn from_str(text: &str) -> Result<Self, StoreError> {
        let (micros, id) = text.split_once('.').ok_or(StoreError::InvalidCursor)?;
        let created_at = micros
            .parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_micros)
            .ok_or(StoreError::InvalidCursor)?;
        let id = Uuid::try_parse(id).map_err(|_| StoreError::InvalidCursor)?;
        Ok(Cursor {
            created_at,
            id: DeploymentId(id),
        })
    }
}

impl Store {
    /// A page of live deployments matching `filter`, newest first.
    pub async fn list_deployments(
        &self,
        filter: &DeploymentFilter,
    ) -> Result<DeploymentPage, StoreError> {
        list(&self.db, filter).await
    }
}

/// A page of live deployments matching `filter`, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &DeploymentFilter,
) -> Result<DeploymentPage, StoreError> {
    use deployments::Column;

    let limit = filter.limit.clamp(1, MAX_PAGE_SIZE);
    let mut query = deployments::Entity::find().filter(Column::DeletedAt.is_null());
    if let Some(owner) = filter.owner_id {
        query = query.filter(Column::OwnerId.eq(owner.0));
    }
    if let Some(cluster) = filter.cluster_id {
        query = query.filter(Column::ClusterId.eq(cluster.0));
    }
    if let Some(namespace) = &filter.namespace {
        query = query.filter(Column::Namespace.eq(namespace.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status.as_str()));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.is_empty()) {
        // SQLite's LIKE ignores ASCII case and PostgreSQL's does not: comparing lowercase on both
        // sides gives one behaviour.
        let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
        query = query.filter(
            Expr::expr(Func::lower(Expr::col((deployments::Entity, Column::Name))))
                .like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    if let Some(cursor) = filter.cursor {
        query = query.filter(
            Condition::any()
                .add(Column::CreatedAt.lt(cursor.created_at))
                .add(
                    Condition::all()
                        .add(Column::CreatedAt.eq(cursor.created_at))
                        .add(Column::Id.lt(cursor.id.0)),
                ),
        );
    }
    let rows = query
        .select_only()
        .columns([
            Column::Id,
            Column::OwnerId,
            Column::ClusterId,
            Column::Name,
            Column::Namespace,
            Column::Status,
            Column::StatusReason,
            Column::ResourceCount,
            Column::Revision,
            Column::AppliedRevision,
            Column::CreatedAt,
            Column::UpdatedAt,
            Column::AppliedAt,
        ])
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        // One more than asked tells whether another page follows.
        .limit(limit + 1)
        .into_model::<SummaryRow>()
        .all(db)
        .await?;
    let mut items = rows
        .into_iter()
        .map(DeploymentSummary::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let more = items.len() as u64 > limit;
    items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = match items.last() {
        Some(last) if more => Some(Cursor {
            created_at: last.created_at,
            id: last.id,
        }),
        _ => None,
    };
    Ok(DeploymentPage { items, next_cursor })
}

/// Makes `%`, `_` and the escape character itself match literally in a LIKE pattern.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let cursor = Cursor {
            created_at: crate::now(),
            id: DeploymentId::new(),
        };
        assert_eq!(cursor.to_string().parse::<Cursor>().unwrap(), cursor);
        for bad in [
            "",
            "abc",
            "12.",
            ".abc",
            "x.0190f5a8c1f77cc3b0e3a5b4c6d7e8f9",
            "1.zz",
        ] {
            assert!(
                matches!(bad.parse::<Cursor>(), Err(StoreError::InvalidCursor)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn like_metacharacters_are_escaped() {
        assert_eq!(escape_like("a%b_c\\d"), "a\\%b\\_c\\\\d");
        assert_eq!(escape_like("web"), "web");
    }
}
