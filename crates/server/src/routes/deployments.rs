//! `/api/v1/deployments`: deployment records, their revision history, diff against the cluster,
//! deploy and its operations. Only the owner and administrators reach a deployment; for anyone
//! else it answers 404.

use crate::auth::CurrentUser;
use crate::deployments::operation_views::{
    DeployAcceptedView, DeployRequest, DiffRequest, OperationView, PlanView,
};
use crate::deployments::views::{
    CreateDeploymentRequest, DeleteQuery, DeploymentPageView, DeploymentView, ListQuery,
    RevisionDiffView, RevisionSummaryView, RevisionView, UpdateDeploymentRequest,
};
use crate::error::{ApiError, ErrorBody};
use crate::http::json::ApiJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kubechart_store::{DeploymentId, OperationId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const TAG: &str = "deployments";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_deployments, create_deployment))
        .routes(routes!(
            get_deployment,
            update_deployment,
            delete_deployment
        ))
        .routes(routes!(list_revisions))
        .routes(routes!(get_revision))
        .routes(routes!(diff_revisions))
        .routes(routes!(diff_deployment))
        .routes(routes!(deploy_deployment))
        .routes(routes!(get_operation))
}

/// A query string of the wrong shape, answered in the API's error shape.
fn malformed(rejection: QueryRejection) -> ApiError {
    ApiError::Malformed(rejection.body_text())
}

/// An id that cannot exist is simply not found, like any other unknown deployment.
fn deployment_id(id: &str) -> Result<DeploymentId, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

/// A revision number that cannot exist is not found either.
fn revision_number(number: &str) -> Result<i32, ApiError> {
    number.parse().map_err(|_| ApiError::NotFound)
}

/// Create a draft deployment (revision 1) from an AppSpec, optionally bound to a cluster.
/// Nothing is applied.
#[utoipa::path(post, path = "/api/v1/deployments", tag = TAG,
    security(("bearer" = [])),
    request_body = CreateDeploymentRequest,
    responses(
        (status = 201, body = DeploymentView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 409, description = "A live deployment has this cluster, namespace and name", body = ErrorBody),
        (status = 422, description = "Invalid AppSpec (every problem at its AppSpec path) or an unusable `clusterId`", body = ErrorBody),
    ))]
async fn create_deployment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(request): ApiJson<CreateDeploymentRequest>,
) -> Result<(StatusCode, Json<DeploymentView>), ApiError> {
    let deployment = state.deployments.create(&user, request).await?;
    Ok((StatusCode::CREATED, Json(deployment)))
}

/// The caller's deployments, newest first, a page at a time (administrators: everyone's with
/// `all=true`).
#[utoipa::path(get, path = "/api/v1/deployments", tag = TAG,
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = DeploymentPageView),
        (status = 400, description = "Unknown parameter or a cursor this server did not issue", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`all=true` is for administrators", body = ErrorBody),
        (status = 422, description = "A parameter value is invalid; `fields` names it", body = ErrorBody),
    ))]
async fn list_deployments(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<DeploymentPageView>, ApiError> {
    let Query(query) = query.map_err(malformed)?;
    Ok(Json(state.deployments.list(&user, query).await?))
}

/// The whole record: spec (Secret values masked), manifests (Secret values redacted), status,
/// revisions and owner.
#[utoipa::path(get, path = "/api/v1/deployments/{id}", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Deployment id")),
    responses(
        (status = 200, body = DeploymentView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn get_deployment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<DeploymentView>, ApiError> {
    Ok(Json(
        state.deployments.get(&user, deployment_id(&id)?).await?,
    ))
}

/// Save an edit based on `revision`: a changed spec becomes the next revision; an identical one
/// changes nothing.
#[utoipa::path(put, path = "/api/v1/deployments/{id}", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Deployment id")),
    request_body = UpdateDeploymentRequest,
    responses(
        (status = 200, body = DeploymentView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`revision` is stale, the name is taken, or an applied deployment would change cluster", body = ErrorBody),
        (status = 422, description = "Invalid AppSpec or an unusable `clusterId`", body = ErrorBody),
    ))]
async fn update_deployment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<UpdateDeploymentRequest>,
) -> Result<Json<DeploymentView>, ApiError> {
    let id = deployment_id(&id)?;
    Ok(Json(state.deployments.update(&user, id, request).await?))
}

/// Forget a deployment: hidden from lists, its revisions and audit trail kept. A deployment
/// that was applied is forgotten only with `keepResources=true`, leaving its objects running.
#[utoipa::path(delete, path = "/api/v1/deployments/{id}", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Deployment id"), DeleteQuery),
    responses(
        (status = 204, description = "Forgotten"),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Applied to its cluster and `keepResources` is not set", body = ErrorBody),
    ))]
async fn delete_deployment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    query: Result<Query<DeleteQuery>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    let id = deployment_id(&id)?;
    let Query(query) = query.map_err(malformed)?;
    state
        .deployments
        .delete(&user, id, query.keep_resources)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The revision history, newest first.
#[utoipa::path(get, path = "/api/v1/deployments/{id}/revisions", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Deployment id")),
    responses(
        (status = 200, body = Vec<RevisionSummaryView>),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn list_revisions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<RevisionSummaryView>>, ApiError> {
    let id = deployment_id(&id)?;
    Ok(Json(state.deployments.revisions(&user, id).await?))
}

/// One revision: its spec (Secret values masked), manifests (redacted), author and time.
#[utoipa::path(get, path = "/api/v1/deployments/{id}/revisions/{n}", tag = TAG,
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Deployment id"),
        ("n" = i32, Path, description = "Revision number"),
    ),
    responses(
        (status = 200, body = RevisionView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn get_revision(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, n)): Path<(String, String)>,
) -> Result<Json<RevisionView>, ApiError> {
    let (id, n) = (deployment_id(&id)?, revision_number(&n)?);
    Ok(Json(state.deployments.revision(&user, id, n).await?))
}

/// What changed from revision `a` to revision `b`: each AppSpec field (Secret values masked) and
/// a unified diff of the rendered manifests (Secret values redacted).
#[utoipa::path(get, path = "/api/v1/deployments/{id}/revisions/{a}/diff/{b}", tag = TAG,
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Deployment id"),
        ("a" = i32, Path, description = "The older revision"),
        ("b" = i32, Path, description = "The newer revision"),
    ),
    responses(
        (status = 200, body = RevisionDiffView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn diff_revisions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, a, b)): Path<(String, String, String)>,
) -> Result<Json<RevisionDiffView>, ApiError> {
    let id = deployment_id(&id)?;
    let (a, b) = (revision_number(&a)?, revision_number(&b)?);
    Ok(Json(
        state.deployments.revision_diff(&user, id, a, b).await?,
    ))
}

/// What deploying a revision (default: the latest) would do, object by object, against the live
/// cluster: action, YAML diff, field conflicts, owners of objects it would adopt, and problems at
/// their AppSpec paths. Nothing is changed.
#[utoipa::path(post, path = "/api/v1/deployments/{id}/diff", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Deployment id")),
    request_body = DiffRequest,
    responses(
        (status = 200, body = PlanView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "The cluster credentials may not do what the app needs", body = ErrorBody),
        (status = 404, description = "No such deployment or revision", body = ErrorBody),
        (status = 409, description = "No cluster chosen, or the app's inventory cannot be used", body = ErrorBody),
        (status = 422, description = "The cluster would not accept the app; every problem at its AppSpec path", body = ErrorBody),
        (status = 503, description = "The cluster cannot be reached", body = ErrorBody),
    ))]
async fn diff_deployment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<DiffRequest>,
) -> Result<Json<PlanView>, ApiError> {
    let id = deployment_id(&id)?;
    Ok(Json(state.deployments.diff(&user, id, request).await?))
}

/// Deploy a revision (default: the latest). The operation is recorded, then runs in the
/// background; follow it with `GET …/operations/{operationId}`.
#[utoipa::path(post, path = "/api/v1/deployments/{id}/deploy", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Deployment id")),
    request_body = DeployRequest,
    responses(
        (status = 202, body = DeployAcceptedView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such deployment or revision", body = ErrorBody),
        (status = 409, description = "No cluster chosen, or another operation is running (`operation_in_progress`)", body = ErrorBody),
        (status = 422, description = "The revision's AppSpec is invalid", body = ErrorBody),
    ))]
async fn deploy_deployment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<DeployRequest>,
) -> Result<(StatusCode, Json<DeployAcceptedView>), ApiError> {
    let id = deployment_id(&id)?;
    let accepted = state
        .deployments
        .deploy(&user, id, request, &state.background)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(accepted)))
}

/// One operation: its state, target revision, per-object progress (the outcome once finished),
/// error and times.
#[utoipa::path(get, path = "/api/v1/deployments/{id}/operations/{operationId}", tag = TAG,
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Deployment id"),
        ("operationId" = String, Path, description = "Operation id"),
    ),
    responses(
        (status = 200, body = OperationView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn get_operation(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, operation)): Path<(String, String)>,
) -> Result<Json<OperationView>, ApiError> {
    let id = deployment_id(&id)?;
    let operation: OperationId = operation.parse().map_err(|_| ApiError::NotFound)?;
    Ok(Json(
        state.deployments.operation(&user, id, operation).await?,
    ))
}
