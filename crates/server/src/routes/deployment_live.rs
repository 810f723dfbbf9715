//! `/api/v1/deployments/{id}/…`: a deployment's live objects, events and pod logs from its
//! cluster, and its export as YAML or as a Helm chart. Only the owner and administrators reach a
//! deployment; for anyone else it answers 404.

use crate::auth::CurrentUser;
use crate::deployments::export::ExportQuery;
use crate::deployments::live::views::{EventView, EventsQuery, LogsQuery, ResourcesView};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use std::convert::Infallible;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::deployments::{TAG, deployment_id};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(deployment_resources))
        .routes(routes!(deployment_events))
        .routes(routes!(deployment_logs))
        .routes(routes!(export_deployment))
}

/// Every object of the deployment with its live health; workloads with their pods (phase,
/// readiness, restarts, node, container states). Kinds without live status (ConfigMap, Secret,
/// RBAC…) are listed as `Untracked`. Empty while the deployment was never applied.
#[utoipa::path(get, path = "/api/v1/deployments/{id}/resources", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Deployment id")),
    responses(
        (status = 200, body = ResourcesView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The deployment has no cluster", body = ErrorBody),
        (status = 503, description = "The cluster cannot be reached", body = ErrorBody),
    ))]
async fn deployment_resources(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ResourcesView>, ApiError> {
    let id = deployment_id(&id)?;
    Ok(Json(
        state
            .deployments
            .resources(&user, id, &state.watches)
            .await?,
    ))
}

/// Events about the deployment's objects and their pods: Warnings first, then newest first.
#[utoipa::path(get, path = "/api/v1/deployments/{id}/events", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Deployment id"), EventsQuery),
    responses(
        (status = 200, body = Vec<EventView>),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The deployment has no cluster", body = ErrorBody),
        (status = 422, description = "`limit` is out of range", body = ErrorBody),
        (status = 503, description = "The cluster cannot be reached", body = ErrorBody),
    ))]
async fn deployment_events(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Json<Vec<EventView>>, ApiError> {
    let id = deployment_id(&id)?;
    let Query(query) = query?;
    Ok(Json(
        state
            .deployments
            .events(&user, id, query, &state.watches)
            .await?,
    ))
}

/// The log of a container of one of the deployment's pods, as plain text. With `follow=true`
/// the answer stays open and new lines arrive as they are written, until the container stops,
/// the client goes away or the server shuts down.
#[utoipa::path(get, path = "/api/v1/deployments/{id}/logs", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Deployment id"), LogsQuery),
    responses(
        (status = 200, description = "The log, one line per line", body = String, content_type = "text/plain"),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such deployment, or the pod is not one of its pods", body = ErrorBody),
        (status = 409, description = "The deployment has no cluster, or the cluster has no such log now (a container still waiting, no previous instance)", body = ErrorBody),
        (status = 422, description = "`pod` or `container` missing or unknown (the message lists the choices), or a parameter out of range", body = ErrorBody),
        (status = 503, description = "The cluster cannot be reached", body = ErrorBody),
    ))]
async fn deployment_logs(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    query: Result<Query<LogsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let id = deployment_id(&id)?;
    let Query(query) = query?;
    let lines = state
        .deployments
        .logs(&user, id, query, &state.watches)
        .await?;
    // A followed log would otherwise hold the server's graceful shutdown open until its grace
    // runs out.
    let shutdown = state.background.shutdown_token();
    let body = lines
        .take_until(shutdown.cancelled_owned())
        .scan((), |(), line| {
            std::future::ready(match line {
                Ok(line) => Some(Ok::<_, Infallible>(Bytes::from(line + "\n"))),
                Err(error) => {
                    tracing::info!(%error, "a pod log stream ended early");
                    None
                }
            })
        });
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// A revision as a download: `format=yaml` (default) gives its manifests as one file
/// (`<name>-r<revision>.yaml`); `format=helm` gives a Helm chart archive
/// (`<name>-0.<revision>.0.tgz`) whose values.yaml holds the image of every container and the
/// replica count of every workload, and whose templates render the same objects with the
/// default values. Secret values are redacted unless the owner asks for them with
/// `includeSecrets=true`.
#[utoipa::path(get, path = "/api/v1/deployments/{id}/export", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Deployment id"), ExportQuery),
    responses(
        (status = 200, description = "The file, as an attachment", content(
            (String = "application/yaml"),
            (Vec<u8> = "application/gzip"),
        )),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`includeSecrets=true` from someone other than the owner", body = ErrorBody),
        (status = 404, description = "No such deployment or revision", body = ErrorBody),
        (status = 422, description = "`format`, `revision` or `includeSecrets` is invalid", body = ErrorBody),
    ))]
async fn export_deployment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let id = deployment_id(&id)?;
    let Query(query) = query?;
    let file = state.deployments.export(&user, id, query).await?;
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.file_name))
            .map_err(|error| ApiError::Internal(error.into()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(file.content_type),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        file.bytes,
    )
        .into_response())
}
