//! The HTTP API, one module per resource, assembled into one router and one OpenAPI document.

pub mod audit;
pub mod auth;
pub mod clusters;
pub mod deployment_live;
pub mod deployments;
pub mod docs;
mod document;
pub mod health;
pub mod import;
pub mod render;
pub mod users;
pub mod ws;

use crate::error::{ApiError, ErrorBody, ErrorCode, ErrorDetail, FieldError};
use crate::state::AppState;
use axum::Router;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "KubeChart API",
        description = "Describe an application, get correct Kubernetes manifests, apply them.\n\n\
            Every error answer, whatever its status (405, 408 and 413 included), has the `ErrorBody` \
            shape; its `code` is one of `ErrorCode`."
    ),
    components(schemas(ErrorBody, ErrorCode, ErrorDetail, FieldError)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::router())
        .merge(users::router())
        .merge(clusters::router())
        .merge(deployments::router())
        .merge(deployment_live::router())
        .merge(audit::router())
        .merge(health::router())
        .merge(render::router())
        .merge(import::router())
        .merge(ws::router())
}

/// The OpenAPI document of every route, as `kubechart openapi` prints it.
pub fn openapi() -> serde_json::Value {
    document::complete(&api_router().into_openapi())
}

/// Every route of the API and its documentation; unknown `/api/*` paths get a JSON 404.
pub fn router() -> Router<AppState> {
    let (router, openapi) = api_router().split_for_parts();
    let document = document::complete(&openapi).to_string();
    router.merge(docs::router(document)).route(
        "/api/{*rest}",
        axum::routing::any(|| async { ApiError::NotFound }),
    )
}
