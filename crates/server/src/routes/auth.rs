//! `/api/v1/auth/*`: register, sign in, the signed-in account, password change.

use crate::accounts::{
    self,
    views::{
        AuthResponse, LoginRequest, PasswordChangeRequest, ProfileUpdateRequest, RegisterRequest,
        UserView,
    },
};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::http::json::ApiJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use std::net::SocketAddr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const TAG: &str = "auth";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(me, update_me))
        .routes(routes!(change_password))
}

/// Create an account. The first account of an installation becomes its administrator.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = TAG,
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = AuthResponse),
        (status = 409, description = "Username or email taken", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
async fn register(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<AuthResponse>), ApiError> {
    let session = accounts::register(&state, request).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// Sign in with a username or email address and a password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = TAG,
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = AuthResponse),
        (status = 401, description = "Invalid username or password", body = ErrorBody),
        (status = 422, description = "A field is missing, unknown or not a string", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody),
    ))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<AuthResponse>, ApiError> {
    Ok(Json(accounts::login(&state, peer.ip(), request).await?))
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = TAG,
    security(("bearer" = [])),
    responses(
        (status = 200, body = UserView),
        (status = 401, body = ErrorBody),
    ))]
async fn me(CurrentUser(user): CurrentUser) -> Json<UserView> {
    Json(UserView::from(&user))
}

/// Change the display name or UI preferences of the signed-in account.
#[utoipa::path(patch, path = "/api/v1/auth/me", tag = TAG,
    security(("bearer" = [])),
    request_body = ProfileUpdateRequest,
    responses(
        (status = 200, body = UserView),
        (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
async fn update_me(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(request): ApiJson<ProfileUpdateRequest>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(accounts::update_profile(&state, user, request).await?))
}

/// Change the password. Every other session of the account ends; the response holds a new token.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = TAG,
    security(("bearer" = [])),
    request_body = PasswordChangeRequest,
    responses(
        (status = 200, body = AuthResponse),
        (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
async fn change_password(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(request): ApiJson<PasswordChangeRequest>,
) -> Result<Json<AuthResponse>, ApiError> {
    Ok(Json(
        accounts::change_password(&state, user, request).await?,
    ))
}
