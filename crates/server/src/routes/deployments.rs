//! `/api/v1/deployments`: deployment records, their revision history, diff against the cluster,
//! deploy, rollback, delete and their operations. Only the owner and administrators reach a
//! deployment; for anyone else it answers 404.

use crate::auth::CurrentUser;
use crate::deployments::Deletion;
use crate::deployments::operation_views::{
    DeleteAcceptedView, DeletePreviewView, DeployAcceptedView, DeployRequest, DiffRequest,
    OperationView, PlanView, RollbackRequest,
};
use crate::deployments::views::{
    CreateDeploymentRequest, DeleteQuery, DeploymentPageView, DeploymentView, ListQuery,
    RevisionDiffView, RevisionSummaryView, RevisionView, UpdateDeploymentRequest,
};
use crate::error::{ApiError, ErrorBody};
use crate::http::json::{ApiJson, parse_body};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use kubechart_store::{DeploymentId, OperationId};
use serde::de::DeserializeOwned;
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
        .routes(routes!(rollback_deployment))
        .routes(routes!(delete_preview))
        .routes(routes!(get_operation))
}

/// The body of an action whose fields are all optional: an empty body, with or without a
/// Content-Type, reads as `{}`; anything else must be JSON, as with [`ApiJson`].
struct ActionJson<T>(T);

impl<S, T> FromRequest<S> for ActionJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        // `None`: no Content-Type, which an empty body or a JSON one may come without.
        let declared_json = request.headers().get(header::CONTENT_TYPE).map(|value| {
            value
                .to_str()
                .is_ok_and(|value| value.starts_with("application/json"))
        });
        let body =
            Bytes::from_request(request, state)
                .await
                .map_err(|rejection| match rejection.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
                    _ => ApiError::Malformed(rejection.body_text()),
                })?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return parse_body(b"{}").map(ActionJson);
        }
        if declared_json == Some(false) {
            return Err(ApiError::Malformed(
                "expected a JSON body with Content-Type: application/json".into(),
            ));
        }
        parse_body(&body).map(ActionJson)
    }
}

/// An id that cannot exist is simply not found, like any other unknown deployment.
pub(super) fn deployment_id(id: &str) -> Result<DeploymentId, ApiError> {
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
    let Query(query) = query?;
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

/// Delete a deployment. Its objects (cluster-scoped ones included; see `GET …/delete-preview`)
/// are removed from the cluster by a background operation, answered with 202 and its id; once
/// they are gone the record is hidden from lists and lookups (its revisions and audit trail
/// stay). When the operation fails, the record stays and a new delete retries. A deployment never
/// applied, or deleted with `keepResources=true` (its objects keep running, unmanaged), is hidden
/// at once: 204.
#[utoipa::path(delete, path = "/api/v1/deployments/{id}", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Deployment id"), DeleteQuery),
    responses(
        (status = 202, description = "A delete operation removes the objects from the cluster", body = DeleteAcceptedView),
        (status = 204, description = "Hidden at once: never applied, or `keepResources=true`"),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Another operation is running (`operation_in_progress`)", body = ErrorBody),
    ))]
async fn delete_deployment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    query: Result<Query<DeleteQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let id = deployment_id(&id)?;
    let Query(query) = query?;
    let deletion = state
        .deployments
        .delete(&user, id, query.keep_resources, &state.background)
        .await?;
    Ok(match deletion {
        Deletion::Started(accepted) => (StatusCode::ACCEPTED, Json(accepted)).into_response(),
        Deletion::Done => StatusCode::NO_CONTENT.into_response(),
    })
}

/// The objects deleting the deployment would remove, read from the live cluster: every object
/// of the app's recorded set and last applied revision that the cluster holds labelled as a
/// member of the app, cluster-scoped ones included. Empty for a deployment never applied.
#[utoipa::path(get, path = "/api/v1/deployments/{id}/delete-preview", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Deployment id")),
    responses(
        (status = 200, body = DeletePreviewView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "The cluster credentials may not list the app's objects", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "No cluster chosen, or the app's object set cannot be used", body = ErrorBody),
        (status = 503, description = "The cluster cannot be reached", body = ErrorBody),
    ))]
async fn delete_preview(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<DeletePreviewView>, ApiError> {
    let id = deployment_id(&id)?;
    Ok(Json(state.deployments.delete_preview(&user, id).await?))
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
/// their AppSpec paths. Nothing is changed. An empty body is `{}`.
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
    ActionJson(request): ActionJson<DiffRequest>,
) -> Result<Json<PlanView>, ApiError> {
    let id = deployment_id(&id)?;
    Ok(Json(state.deployments.diff(&user, id, request).await?))
}

/// Deploy a revision (default: the latest). The operation is recorded, then runs in the
/// background; follow it with `GET …/operations/{operationId}`. An empty body is `{}`.
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
    ActionJson(request): ActionJson<DeployRequest>,
) -> Result<(StatusCode, Json<DeployAcceptedView>), ApiError> {
    let id = deployment_id(&id)?;
    let accepted = state
        .deployments
        .deploy(&user, id, request, &state.background)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(accepted)))
}

/// Roll back: the chosen revision's spec becomes the newest revision (rolling back to 3 of 7
/// makes revision 8; none is added when the newest already has that spec) and is deployed like
/// `POST …/deploy`.
#[utoipa::path(post, path = "/api/v1/deployments/{id}/rollback", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Deployment id")),
    request_body = RollbackRequest,
    responses(
        (status = 202, body = DeployAcceptedView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such deployment or revision", body = ErrorBody),
        (status = 409, description = "No cluster chosen, the name is taken, or another operation is running (`operation_in_progress`)", body = ErrorBody),
        (status = 422, description = "No `revision`, or the revision's AppSpec is invalid", body = ErrorBody),
    ))]
async fn rollback_deployment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ActionJson(request): ActionJson<RollbackRequest>,
) -> Result<(StatusCode, Json<DeployAcceptedView>), ApiError> {
    let id = deployment_id(&id)?;
    let accepted = state
        .deployments
        .rollback(&user, id, request, &state.background)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(accepted)))
}

/// One operation: its state, target revision, per-object progress (the outcome once finished),
/// error and times. Still readable once a delete has hidden the deployment.
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
