//! `POST /api/v1/import`: existing manifests (pasted or uploaded YAML, `helm template` output,
//! `kubectl get -o yaml`) → an AppSpec that renders them back, and a report of what became of
//! every object, shown before the form opens. The request body is bounded like every other.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::http::json::ApiJson;
use crate::state::AppState;
use axum::Json;
use kubechart_manifest::import::{ImportOptions, ImportReport, import_text};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportRequest {
    /// The manifests: multi-document YAML or JSON (one object, an array, or a `List`).
    pub yaml: String,
    /// Namespace of the app; objects in other namespaces are refused. Default: the objects' own
    /// (required when they are in several).
    #[serde(default)]
    pub namespace: Option<String>,
    /// Name of the app. Default: from the objects' labels.
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportResponse {
    /// The AppSpec (see `kubechart schema`); Secret values are those of the input.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub spec: serde_json::Value,
    /// Per object (`objects[]`: `document`, `kind`, `name`, `outcome` form | extraObject |
    /// refused, `entry`, `formFields`, `overrideFields`, `removedFields`, `droppedFields`,
    /// `reason`) and in total (`summary`).
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub report: ImportReport,
}

/// Import manifests into an AppSpec. Input that cannot be imported at all is a 422 whose
/// `fields` name the document and field (`documents[2].metadata.name`), or `namespace`.
#[utoipa::path(post, path = "/api/v1/import", tag = super::render::TAG,
    security(("bearer" = [])),
    request_body = ImportRequest,
    responses(
        (status = 200, body = ImportResponse),
        (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "Nothing can be imported; `fields` name each problem", body = ErrorBody),
    ))]
async fn import(
    CurrentUser(_user): CurrentUser,
    ApiJson(request): ApiJson<ImportRequest>,
) -> Result<Json<ImportResponse>, ApiError> {
    let options = ImportOptions {
        namespace: request.namespace,
        name: request.name,
    };
    let imported = import_text(&request.yaml, &options)?;
    let spec = serde_json::to_value(&imported.spec)
        .map_err(|error| ApiError::Internal(anyhow::anyhow!(error)))?;
    Ok(Json(ImportResponse {
        spec,
        report: imported.report,
    }))
}
