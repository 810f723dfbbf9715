//! `/api/v1/users`: administration of accounts, for administrators only.

use crate::accounts::{
    self,
    views::{AdminUserUpdateRequest, UserView},
};
use crate::auth::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::http::json::ApiJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use kubechart_store::UserId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const TAG: &str = "users";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(update_user))
}

/// Every account, oldest first.
#[utoipa::path(get, path = "/api/v1/users", tag = TAG,
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<UserView>),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
async fn list_users(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
) -> Result<Json<Vec<UserView>>, ApiError> {
    Ok(Json(accounts::list_users(&state).await?))
}

/// Change an account's role or disable it. A disabled account's sessions end at once.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    request_body = AdminUserUpdateRequest,
    responses(
        (status = 200, body = UserView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Would leave no enabled administrator", body = ErrorBody),
    ))]
async fn update_user(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<AdminUserUpdateRequest>,
) -> Result<Json<UserView>, ApiError> {
    // An id that cannot exist is simply not found, like any other unknown account.
    let id: UserId = id.parse().map_err(|_| ApiError::NotFound)?;
    Ok(Json(
        accounts::administer_user(&state, admin, id, request).await?,
    ))
}
