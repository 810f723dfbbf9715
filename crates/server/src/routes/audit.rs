//! `/api/v1/audit`: the audit trail, newest first.

use crate::auth::CurrentUser;
use crate::deployments::views::{AuditPageView, AuditQuery};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const TAG: &str = "audit";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

/// Audit events a page at a time: every event for administrators, the events about their own
/// deployments (deleted ones included) for anyone else.
#[utoipa::path(get, path = "/api/v1/audit", tag = TAG,
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, body = AuditPageView),
        (status = 400, description = "Unknown parameter or a cursor this server did not issue", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 422, description = "A parameter value is invalid; `fields` names it", body = ErrorBody),
    ))]
async fn list_audit(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<AuditPageView>, ApiError> {
    let Query(query) = query?;
    Ok(Json(state.deployments.audit(&user, query).await?))
}
