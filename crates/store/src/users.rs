//! User accounts: registration (the first account becomes admin), lookups and updates. The
//! free functions take any connection so they compose with an audit row in one transaction; the
//! `Store` methods are single-transaction shorthands.

use std::fmt;

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, Condition, ConnectionTrait, QueryOrder};
use serde::{Deserialize, Serialize};

use crate::entities::users;
use crate::lock::{self, LockName};
use crate::transaction::begin_write;
use crate::{Store, StoreError, UserId};

/// What an account may do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages users and sees the audit trail.
    #[sea_orm(string_value = "admin")]
    Admin,
    /// Manages their own clusters and deployments.
    #[sea_orm(string_value = "member")]
    Member,
}

impl Role {
    /// The stored and serialised name: `admin` or `member`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user account as stored.
#[derive(Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    /// Lowercase.
    pub username: String,
    /// Lowercase.
    pub email: String,
    /// PHC string (Argon2id).
    pub password_hash: String,
    pub display_name: Option<String>,
    pub role: Role,
    /// A disabled account cannot log in.
    pub disabled: bool,
    /// UI preferences; a JSON object, `{}` for a new account.
    pub preferences: serde_json::Value,
    /// Tokens issued before this instant are no longer valid.
    pub password_changed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

// The password hash stays out of logs.
impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("email", &self.email)
            .field("password_hash", &"<redacted>")
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("disabled", &self.disabled)
            .field("preferences", &self.preferences)
            .field("password_changed_at", &self.password_changed_at)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

impl From<users::Model> for User {
    fn from(model: users::Model) -> Self {
        User {
            id: UserId(model.id),
            username: model.username,
            email: model.email,
            password_hash: model.password_hash,
            display_name: model.display_name,
            role: model.role,
            disabled: model.disabled,
            preferences: model.preferences,
            password_changed_at: model.password_changed_at,
            created_at: model.created_at,
            updated_at: model.updated_at,
        }
    }
}

/// A validated registration. Username and email are stored trimmed and lowercased.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub email: String,
    pub password_hash: String,
    pub display_name: Option<String>,
}

/// Changes a user makes to their own profile; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileUpdate {
    /// `Some(None)` clears the display name.
    pub display_name: Option<Option<String>>,
    /// Replaces the whole preferences object.
    pub preferences: Option<serde_json::Value>,
}

/// Changes an admin makes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AdminUserUpdate {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

/// Usernames and emails compare case-insensitively, so they are stored in one canonical form.
fn canonical(login: &str) -> String {
    login.trim().to_lowercase()
}

impl Store {
    /// Creates an account; the very first account becomes [`Role::Admin`], later ones
    /// [`Role::Member`]. Concurrent first registrations are serialised, so only one becomes admin.
    pub async fn register_user(&self, new: NewUser) -> Result<User, StoreError> {
        let txn = begin_write(&self.db).await?;
        let user = register(&txn, new).await?;
        txn.commit().await?;
        Ok(user)
    }

    /// Creates an account with an explicit role (bootstrap from the command line).
    pub async fn create_user(&self, new: NewUser, role: Role) -> Result<User, StoreError> {
        let txn = begin_write(&self.db).await?;
        let user = create(&txn, new, role).await?;
        txn.commit().await?;
        Ok(user)
    }

    /// The account with this id, if it exists.
    pub async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        find(&self.db, id).await
    }

    /// The account whose username or email is `login` (both case-insensitive). A username match
    /// wins over an email match.
    pub async fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError> {
        let login = canonical(login);
        let candidates = users::Entity::find()
            .filter(
                Condition::any()
                    .add(users::Column::Username.eq(login.as_str()))
                    .add(users::Column::Email.eq(login.as_str())),
            )
            .all(&self.db)
            .await?;
        Ok(candidates
            .into_iter()
            .min_by_key(|user| user.username != login)
            .map(User::from))
    }

    /// Every account, oldest first.
    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let models = users::Entity::find()
            .order_by_asc(users::Column::CreatedAt)
            .order_by_asc(users::Column::Id)
            .all(&self.db)
            .await?;
        Ok(models.into_iter().map(User::from).collect())
    }

    /// Applies a user's own profile changes; `None` when the account does not exist.
    pub async fn update_profile(
        &self,
        id: UserId,
        update: ProfileUpdate,
    ) -> Result<Option<User>, StoreError> {
        let mut changes = users::ActiveModel::new();
        if let Some(display_name) = update.display_name {
            changes.display_name = Set(display_name);
        }
        if let Some(preferences) = update.preferences {
            changes.preferences = Set(preferences);
        }
        update_user(&self.db, id, changes).await
    }

    /// Replaces the password hash and moves `password_changed_at` to now; `None` when the account
    /// does not exist.
    pub async fn set_password_hash(
        &self,
        id: UserId,
        hash: &str,
    ) -> Result<Option<User>, StoreError> {
        set_password_hash(&self.db, id, hash).await
    }

    /// Changes role and/or disabled flag without the last-admin rule; `None` when the account
    /// does not exist. Administration goes through [`administer`], which enforces the rule.
    pub async fn admin_update_user(
        &self,
        id: UserId,
        update: AdminUserUpdate,
    ) -> Result<Option<User>, StoreError> {
        update_user(&self.db, id, admin_changes(update)).await
    }

    /// Number of enabled admin accounts.
    pub async fn count_admins(&self) -> Result<u64, StoreError> {
        count_admins(&self.db).await
    }
}

/// Creates an account; the very first account becomes [`Role::Admin`], later ones
/// [`Role::Member`]. Run it in a transaction: the registration lock it takes is what makes
/// concurrent first registrations produce exactly one admin.
pub async fn register(db: &impl ConnectionTrait, new: NewUser) -> Result<User, StoreError> {
    lock::acquire(db, LockName::UserRegistration).await?;
    let role = if users::Entity::find().count(db).await? == 0 {
        Role::Admin
    } else {
        Role::Member
    };
    insert(db, new, role).await
}

/// Creates an account with an explicit role (bootstrap from the command line).
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewUser,
    role: Role,
) -> Result<User, StoreError> {
    lock::acquire(db, LockName::UserRegistration).await?;
    insert(db, new, role).await
}

async fn insert(db: &impl ConnectionTrait, new: NewUser, role: Role) -> Result<User, StoreError> {
    let now = crate::now();
    let model = users::ActiveModel {
        id: Set(UserId::new().0),
        username: Set(canonical(&new.username)),
        email: Set(canonical(&new.email)),
        password_hash: Set(new.password_hash),
        display_name: Set(new.display_name),
        role: Set(role),
        disabled: Set(false),
        preferences: Set(serde_json::Value::Object(serde_json::Map::new())),
        password_changed_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(model.into())
}

/// The account with this id, if it exists.
pub async fn find(db: &impl ConnectionTrait, id: UserId) -> Result<Option<User>, StoreError> {
    let model = users::Entity::find_by_id(id.0).one(db).await?;
    Ok(model.map(User::from))
}

/// Replaces the password hash and moves `password_changed_at` to now; `None` when the account
/// does not exist.
pub async fn set_password_hash(
    db: &impl ConnectionTrait,
    id: UserId,
    hash: &str,
) -> Result<Option<User>, StoreError> {
    let mut changes = users::ActiveModel::new();
    let now = crate::now();
    changes.password_hash = Set(hash.to_owned());
    changes.password_changed_at = Set(now);
    changes.updated_at = Set(now);
    update_user(db, id, changes).await
}

/// Changes role and/or disabled flag, refusing with [`StoreError::LastAdmin`] a change that
/// would leave no enabled admin; `None` when the account does not exist. Run it in a
/// transaction: the admins lock it takes first is held until the end, so two admins demoting
/// each other at once are serialised and the second sees the first's change.
pub async fn administer(
    db: &impl ConnectionTrait,
    id: UserId,
    update: AdminUserUpdate,
) -> Result<Option<User>, StoreError> {
    lock::acquire(db, LockName::Admins).await?;
    let Some(existing) = find(db, id).await? else {
        return Ok(None);
    };
    let removes_an_admin = existing.role == Role::Admin
        && !existing.disabled
        && (update.role == Some(Role::Member) || update.disabled == Some(true));
    if removes_an_admin && count_admins(db).await? <= 1 {
        return Err(StoreError::LastAdmin);
    }
    update_user(db, id, admin_changes(update)).await
}

/// Number of enabled admin accounts.
pub async fn count_admins(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    let count = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Admin))
        .filter(users::Column::Disabled.eq(false))
        .count(db)
        .await?;
    Ok(count)
}

fn admin_changes(update: AdminUserUpdate) -> users::ActiveModel {
    let mut changes = users::ActiveModel::new();
    if let Some(role) = update.role {
        changes.role = Set(role);
    }
    if let Some(disabled) = update.disabled {
        changes.disabled = Set(disabled);
    }
    changes
}

/// One `UPDATE ... RETURNING` statement: no read-then-write window, and an absent row shows up
/// as no returned row rather than as an error.
async fn update_user(
    db: &impl ConnectionTrait,
    id: UserId,
    mut changes: users::ActiveModel,
) -> Result<Option<User>, StoreError> {
    if changes.updated_at.is_not_set() {
        changes.updated_at = Set(crate::now());
    }
    let updated = users::Entity::update_many()
        .set(changes)
        .filter(users::Column::Id.eq(id.0))
        .exec_with_returning(db)
        .await?;
    Ok(updated.into_iter().next().map(User::from))
}
