//! Request extractors that turn a bearer token into the signed-in account, or refuse the request.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use kubechart_store::{Role, User};

const UNAUTHENTICATED: &str = "sign in to continue";

/// The account behind a valid bearer token: it exists, is enabled, and has not changed its password
/// since the token was issued (so a password change or a disable takes effect at once).
pub struct CurrentUser(pub User);

/// A signed-in administrator; anyone else gets 403.
pub struct AdminUser(pub User);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(parts).ok_or(ApiError::Unauthenticated(UNAUTHENTICATED))?;
        let claims = state
            .tokens
            .verify(token)
            .ok_or(ApiError::Unauthenticated(UNAUTHENTICATED))?;
        let user = state
            .store
            .user(claims.user_id)
            .await?
            .filter(|user| !user.disabled)
            .filter(|user| claims.password_version == password_version(user))
            .ok_or(ApiError::Unauthenticated(UNAUTHENTICATED))?;
        Ok(Self(user))
    }
}

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        match user.role {
            Role::Admin => Ok(Self(user)),
            Role::Member => Err(ApiError::Forbidden),
        }
    }
}

/// The value a token must carry to stay valid: it changes whenever the password does.
pub fn password_version(user: &User) -> i64 {
    user.password_changed_at.timestamp_millis()
}

fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}
