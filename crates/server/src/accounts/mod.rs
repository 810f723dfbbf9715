//! Accounts: registration, sign-in, password and profile changes, and administration of users.
//! Handlers parse and authorise; the rules live here.

pub mod validation;
pub mod views;

use crate::auth::session::password_version;
use crate::error::{ApiError, FieldError};
use crate::state::AppState;
use chrono::Utc;
use kubechart_store::{
    AdminUserUpdate, NewAuditEvent, NewUser, ProfileUpdate, Role, StoreError, User, UserId, audit,
    users,
};
use secrecy::SecretString;
use std::net::IpAddr;
use views::{
    AdminUserUpdateRequest, AuthResponse, LoginRequest, PasswordChangeRequest,
    ProfileUpdateRequest, RegisterRequest, UserView,
};

/// The same answer for an unknown account and a wrong password, so neither can be probed.
const BAD_CREDENTIALS: &str = "invalid username or password";

pub async fn register(
    state: &AppState,
    request: RegisterRequest,
) -> Result<AuthResponse, ApiError> {
    let email = request.email.trim().to_lowercase();
    let mut errors = Vec::new();
    validation::username(&request.username, &mut errors);
    validation::email(&email, &mut errors);
    validation::new_password(
        "password",
        &request.password,
        &request.username,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let password_hash = hash(state, request.password).await?;
    let new = NewUser {
        username: request.username,
        email,
        password_hash,
        display_name: None,
    };
    let user = state
        .store
        .transaction(async |tx| {
            let user = users::register(tx, new).await?;
            let detail = serde_json::json!({"role": user.role.as_str()});
            audit::record(
                tx,
                NewAuditEvent::user(Some(user.id), "user.register", user.id, detail),
            )
            .await?;
            Ok::<_, StoreError>(user)
        })
        .await?;
    session(state, user)
}

pub async fn login(
    state: &AppState,
    client: IpAddr,
    request: LoginRequest,
) -> Result<AuthResponse, ApiError> {
    let login = request.username.trim();
    state
        .login_limiter
        .check(client, login)
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    let password = SecretString::from(request.password);
    let user = state.store.user_by_login(login).await?;
    let verified = match &user {
        Some(user) => state.passwords.verify(password, &user.password_hash).await,
        None => state.passwords.verify_decoy(password).await,
    }
    .map_err(|error| ApiError::Internal(error.into()))?;
    match user {
        Some(user) if verified && !user.disabled => session(state, user),
        _ => Err(ApiError::Unauthenticated(BAD_CREDENTIALS)),
    }
}

pub async fn change_password(
    state: &AppState,
    user: User,
    request: PasswordChangeRequest,
) -> Result<AuthResponse, ApiError> {
    let mut errors = Vec::new();
    validation::new_password(
        "newPassword",
        &request.new_password,
        &user.username,
        &mut errors,
    );
    if request.new_password == request.current_password {
        errors.push(FieldError::new(
            "newPassword",
            "must differ from the current password",
        ));
    }
    let current = SecretString::from(request.current_password);
    let current_matches = state
        .passwords
        .verify(current, &user.password_hash)
        .await
        .map_err(|error| ApiError::Internal(error.into()))?;
    if !current_matches {
        errors.insert(
            0,
            FieldError::new("currentPassword", "is not your current password"),
        );
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let password_hash = hash(state, request.new_password).await?;
    let user = state
        .store
        .transaction(async |tx| {
            let Some(user) = users::set_password_hash(tx, user.id, &password_hash).await? else {
                return Ok(None);
            };
            audit::record(
                tx,
                NewAuditEvent::user(
                    Some(user.id),
                    "user.password_change",
                    user.id,
                    serde_json::json!({}),
                ),
            )
            .await?;
            Ok::<_, StoreError>(Some(user))
        })
        .await?
        .ok_or(ApiError::NotFound)?;
    session(state, user)
}

pub async fn update_profile(
    state: &AppState,
    user: User,
    request: ProfileUpdateRequest,
) -> Result<UserView, ApiError> {
    let mut errors = Vec::new();
    let display_name = request
        .display_name
        .map(|name| name.and_then(|name| validation::display_name(&name, &mut errors)));
    let preferences = request.preferences.map(|changes| {
        let mut merged = user.preferences.as_object().cloned().unwrap_or_default();
        for (key, value) in changes {
            if value.is_null() {
                merged.remove(&key);
            } else {
                merged.insert(key, value);
            }
        }
        let merged = serde_json::Value::Object(merged);
        validation::preferences(&merged, &mut errors);
        merged
    });
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let updated = state
        .store
        .update_profile(
            user.id,
            ProfileUpdate {
                display_name,
                preferences,
            },
        )
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(UserView::from(&updated))
}

pub async fn list_users(state: &AppState) -> Result<Vec<UserView>, ApiError> {
    let users = state.store.list_users().await?;
    Ok(users.iter().map(UserView::from).collect())
}

/// Changes another account's role or enabled state. The last enabled admin can be neither demoted
/// nor disabled, so the installation can never lock itself out; the store checks this in the
/// transaction of the change, so two admins demoting each other at once cannot both succeed.
pub async fn administer_user(
    state: &AppState,
    admin: User,
    target: UserId,
    request: AdminUserUpdateRequest,
) -> Result<UserView, ApiError> {
    let demotes = request.role == Some(views::RoleName::Member);
    let update = AdminUserUpdate {
        role: request.role.map(Role::from),
        disabled: request.disabled,
    };
    let updated = state
        .store
        .transaction(async |tx| {
            let Some(updated) = users::administer(tx, target, update).await? else {
                return Ok(None);
            };
            let detail =
                serde_json::json!({"role": updated.role.as_str(), "disabled": updated.disabled});
            audit::record(
                tx,
                NewAuditEvent::user(Some(admin.id), "user.admin_update", updated.id, detail),
            )
            .await?;
            Ok(Some(updated))
        })
        .await;
    let updated = match updated {
        Err(StoreError::LastAdmin) => {
            let field = if demotes { "role" } else { "disabled" };
            return Err(ApiError::Conflict {
                message: "the last administrator cannot be demoted or disabled".into(),
                fields: vec![FieldError::new(
                    field,
                    "the last administrator must stay an enabled admin",
                )],
            });
        }
        other => other?.ok_or(ApiError::NotFound)?,
    };
    Ok(UserView::from(&updated))
}

async fn hash(state: &AppState, password: String) -> Result<String, ApiError> {
    state
        .passwords
        .hash(SecretString::from(password))
        .await
        .map_err(|error| ApiError::Internal(error.into()))
}

fn session(state: &AppState, user: User) -> Result<AuthResponse, ApiError> {
    let token = state
        .tokens
        .issue(user.id, password_version(&user), Utc::now())
        .map_err(|error| ApiError::Internal(error.into()))?;
    Ok(AuthResponse {
        token,
        user: UserView::from(&user),
    })
}
