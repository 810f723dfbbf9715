//! The JSON shapes of the account endpoints. Request types deliberately do not derive `Debug`, so a
//! password can never reach a log line through `{:?}`.

use chrono::{DateTime, Utc};
use kubechart_store::{Role, User};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

/// An account as the API shows it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = User)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub email: String,
    #[schema(required = true)]
    pub display_name: Option<String>,
    pub role: RoleName,
    pub disabled: bool,
    /// Free-form UI preferences, e.g. `{"theme": "dark"}`.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub preferences: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.to_string(),
            username: user.username.clone(),
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role.into(),
            disabled: user.disabled,
            preferences: user.preferences.clone(),
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = Role)]
pub enum RoleName {
    Admin,
    Member,
}

impl From<Role> for RoleName {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => Self::Admin,
            Role::Member => Self::Member,
        }
    }
}

impl From<RoleName> for Role {
    fn from(role: RoleName) -> Self {
        match role {
            RoleName::Admin => Self::Admin,
            RoleName::Member => Self::Member,
        }
    }
}

/// A signed-in session: the bearer token to send and the account it belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthResponse {
    pub token: String,
    pub user: UserView,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3–32 characters of a-z, 0-9, '-' and '_'.
    #[schema(pattern = r"^[a-z0-9_-]{3,32}$")]
    pub username: String,
    /// An address of the form `name@example.com`.
    #[schema(max_length = 254)]
    pub email: String,
    /// 10–256 characters, not the username.
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The username or the email address.
    pub username: String,
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = PasswordChange)]
pub struct PasswordChangeRequest {
    pub current_password: String,
    /// 10–256 characters, not the username, not the current password.
    #[schema(min_length = 10, max_length = 256)]
    pub new_password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ProfileUpdate)]
pub struct ProfileUpdateRequest {
    /// A new display name; `null` clears it; absent leaves it unchanged.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub display_name: Option<Option<String>>,
    /// Keys to set; a key set to `null` is removed; absent keys are kept.
    #[schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>)]
    pub preferences: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AdminUserUpdate)]
pub struct AdminUserUpdateRequest {
    pub role: Option<RoleName>,
    pub disabled: Option<bool>,
}

/// Tells an explicit `null` (`Some(None)`) from an absent field (`None`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
