//! `POST /api/v1/render`: an AppSpec to manifests, fast enough to call on every keystroke so the form
//! shows live YAML. The same renderer produces what is stored and applied.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::http::json::ApiJson;
use crate::state::AppState;
use axum::Json;
use kubechart_manifest::{RenderOptions, RenderedObject};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const TAG: &str = "manifests";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(render))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RenderRequest {
    /// The AppSpec (see `kubechart schema` for its JSON Schema).
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub spec: serde_json::Value,
    /// Replace Secret values with a placeholder; on by default, as befits a preview.
    #[serde(default = "redact_by_default")]
    pub redact_secrets: bool,
}

fn redact_by_default() -> bool {
    true
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenderResponse {
    /// Multi-document YAML in apply order.
    pub yaml: String,
    pub objects: Vec<ObjectRef>,
    pub resource_count: usize,
    pub warnings: Vec<String>,
}

/// One generated object.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// Absent for cluster-scoped kinds.
    #[schema(required = true)]
    pub namespace: Option<String>,
}

impl From<RenderedObject> for ObjectRef {
    fn from(object: RenderedObject) -> Self {
        Self {
            api_version: object.api_version,
            kind: object.kind,
            name: object.name,
            namespace: object.namespace,
        }
    }
}

/// Render an AppSpec. Invalid input is a 422 listing every problem at its AppSpec field path.
#[utoipa::path(post, path = "/api/v1/render", tag = TAG,
    security(("bearer" = [])),
    request_body = RenderRequest,
    responses(
        (status = 200, body = RenderResponse),
        (status = 401, body = ErrorBody),
        (status = 422, description = "Invalid AppSpec; `fields` name each problem", body = ErrorBody),
    ))]
async fn render(
    CurrentUser(_user): CurrentUser,
    ApiJson(request): ApiJson<RenderRequest>,
) -> Result<Json<RenderResponse>, ApiError> {
    let options = RenderOptions {
        redact_secrets: request.redact_secrets,
    };
    let rendered = kubechart_manifest::spec_from_value(request.spec)
        .and_then(|spec| kubechart_manifest::render(&spec, &options))?;
    Ok(Json(RenderResponse {
        yaml: rendered.yaml,
        objects: rendered.objects.into_iter().map(ObjectRef::from).collect(),
        resource_count: rendered.resource_count,
        warnings: rendered.warnings,
    }))
}
