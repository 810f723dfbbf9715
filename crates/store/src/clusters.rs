//! Registered clusters: who owns them, whether they are shared, and their sealed credentials.
//! Every change commits together with its audit row; the repository functions take any
//! connection or transaction so they compose.

use std::fmt;

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, Condition, ConnectionTrait, QueryOrder};
use serde::Serialize;

use crate::audit::record;
use crate::entities::{clusters, deployments};
use crate::transaction::begin_write;
use crate::{ClusterId, NewAuditEvent, Store, StoreError, UserId};

/// Where a cluster's credentials come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClusterSource {
    /// The service account of the pod KubeChart runs in.
    InCluster,
    /// A kubeconfig file on the server's host.
    KubeconfigPath,
    /// A kubeconfig a user uploaded.
    Kubeconfig,
    /// A server URL and a bearer token.
    Token,
}

impl ClusterSource {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterSource::InCluster => "in_cluster",
            ClusterSource::KubeconfigPath => "kubeconfig_path",
            ClusterSource::Kubeconfig => "kubeconfig",
            ClusterSource::Token => "token",
        }
    }

    fn parse(stored: &str) -> Result<Self, StoreError> {
        match stored {
            "in_cluster" => Ok(ClusterSource::InCluster),
            "kubeconfig_path" => Ok(ClusterSource::KubeconfigPath),
            "kubeconfig" => Ok(ClusterSource::Kubeconfig),
            "token" => Ok(ClusterSource::Token),
            other => Err(StoreError::Database(DbErr::Type(format!(
                "unknown cluster source `{other}`"
            )))),
        }
    }
}

/// A registered cluster as stored.
#[derive(Clone, PartialEq)]
pub struct Cluster {
    pub id: ClusterId,
    pub owner_id: UserId,
    pub name: String,
    pub source: ClusterSource,
    /// Sealed credentials (nonce and ciphertext); `None` for sources that keep none.
    pub encrypted_credentials: Option<Vec<u8>>,
    /// The host file of a [`ClusterSource::KubeconfigPath`] cluster.
    pub kubeconfig_path: Option<String>,
    pub context: Option<String>,
    pub default_namespace: Option<String>,
    pub server_url: Option<String>,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

// Even sealed, credentials stay out of logs.
impl fmt::Debug for Cluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cluster")
            .field("id", &self.id)
            .field("owner_id", &self.owner_id)
            .field("name", &self.name)
            .field("source", &self.source)
            .field(
                "encrypted_credentials",
                &self.encrypted_credentials.as_ref().map(|_| "<sealed>"),
            )
            .field("kubeconfig_path", &self.kubeconfig_path)
            .field("context", &self.context)
            .field("default_namespace", &self.default_namespace)
            .field("server_url", &self.server_url)
            .field("shared", &self.shared)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

impl TryFrom<clusters::Model> for Cluster {
    type Error = StoreError;

    fn try_from(model: clusters::Model) -> Result<Self, StoreError> {
        Ok(Cluster {
            id: ClusterId(model.id),
            owner_id: UserId(model.owner_id),
            name: model.name,
            source: ClusterSource::parse(&model.source)?,
            encrypted_credentials: model.encrypted_credentials,
            kubeconfig_path: model.kubeconfig_path,
            context: model.context,
            default_namespace: model.default_namespace,
            server_url: model.server_url,
            shared: model.shared,
            created_at: model.created_at,
            updated_at: model.updated_at,
        })
    }
}

/// A cluster to register. The id is chosen by the caller because the credentials are sealed
/// with it as associated data before the row exists.
#[derive(Clone)]
pub struct NewCluster {
    pub id: ClusterId,
    pub owner_id: UserId,
    pub name: String,
    pub source: ClusterSource,
    pub encrypted_credentials: Option<Vec<u8>>,
    pub kubeconfig_path: Option<String>,
    pub context: Option<String>,
    pub default_namespace: Option<String>,
    pub server_url: Option<String>,
    pub shared: bool,
}

/// Changes to a cluster; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Clone, Default)]
pub struct ClusterUpdate {
    pub name: Option<String>,
    /// New credentials may come from another source type.
    pub source: Option<ClusterSource>,
    pub kubeconfig_path: Option<Option<String>>,
    pub shared: Option<bool>,
    pub context: Option<Option<String>>,
    pub default_namespace: Option<Option<String>>,
    pub server_url: Option<Option<String>>,
    pub encrypted_credentials: Option<Option<Vec<u8>>>,
}

/// Which clusters a listing returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterVisibility {
    /// Every cluster (administrators).
    All,
    /// The user's own clusters and the shared ones.
    VisibleTo(UserId),
}

/// What a delete did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterDeletion {
    Deleted,
    NotFound,
    /// Not deleted: this many deployments are applied to it and `force` was not given.
    InUse {
        applied_deployments: u64,
    },
}

impl Store {
    /// Registers a cluster and records `audit` in the same transaction.
    pub async fn create_cluster(
        &self,
        new: NewCluster,
        audit: NewAuditEvent,
    ) -> Result<Cluster, StoreError> {
        let txn = begin_write(&self.db).await?;
        let cluster = insert(&txn, new).await?;
        record(&txn, audit).await?;
        txn.commit().await?;
        Ok(cluster)
    }

    /// Registers a cluster only when none is registered yet (automatic registration at start);
    /// `None` when there already is one.
    pub async fn create_first_cluster(
        &self,
        new: NewCluster,
        audit: NewAuditEvent,
    ) -> Result<Option<Cluster>, StoreError> {
        let txn = begin_write(&self.db).await?;
        if clusters::Entity::find().count(&txn).await? > 0 {
            return Ok(None);
        }
        let cluster = insert(&txn, new).await?;
        record(&txn, audit).await?;
        txn.commit().await?;
        Ok(Some(cluster))
    }

    /// The cluster with this id, if it exists.
    pub async fn cluster(&self, id: ClusterId) -> Result<Option<Cluster>, StoreError> {
        find(&self.db, id).await
    }

    /// Clusters by name, oldest first.
    pub async fn clusters(
        &self,
        visibility: ClusterVisibility,
    ) -> Result<Vec<Cluster>, StoreError> {
        let mut query = clusters::Entity::find();
        if let ClusterVisibility::VisibleTo(user) = visibility {
            query = query.filter(
                Condition::any()
                    .add(clusters::Column::OwnerId.eq(user.0))
                    .add(clusters::Column::Shared.eq(true)),
            );
        }
        query
            .order_by_asc(clusters::Column::CreatedAt)
            .order_by_asc(clusters::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(Cluster::try_from)
            .collect()
    }

    /// Applies `update` and records `audit` in the same transaction; `None` when the cluster does
    /// not exist (and nothing is recorded).
    pub async fn update_cluster(
        &self,
        id: ClusterId,
        update: ClusterUpdate,
        audit: NewAuditEvent,
    ) -> Result<Option<Cluster>, StoreError> {
        let txn = begin_write(&self.db).await?;
        let Some(updated) = apply_update(&txn, id, update).await? else {
            return Ok(None);
        };
        record(&txn, audit).await?;
        txn.commit().await?;
        Ok(Some(updated))
    }

    /// Deletes a cluster and records `audit` in the same transaction. A cluster that deployments
    /// are applied to is kept unless `force`; forced, those deployments lose their cluster.
    pub async fn delete_cluster(
        &self,
        id: ClusterId,
        force: bool,
        audit: NewAuditEvent,
    ) -> Result<ClusterDeletion, StoreError> {
        let txn = begin_write(&self.db).await?;
        if find(&txn, id).await?.is_none() {
            return Ok(ClusterDeletion::NotFound);
        }
        let applied = applied_deployments(&txn, id).await?;
        if applied > 0 && !force {
            return Ok(ClusterDeletion::InUse {
                applied_deployments: applied,
            });
        }
        clusters::Entity::delete_by_id(id.0).exec(&txn).await?;
        record(&txn, audit).await?;
        txn.commit().await?;
        Ok(ClusterDeletion::Deleted)
    }

    /// How many deployments are applied to this cluster.
    pub async fn applied_deployments(&self, id: ClusterId) -> Result<u64, StoreError> {
        applied_deployments(&self.db, id).await
    }
}

/// Inserts a cluster.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    new: NewCluster,
) -> Result<Cluster, StoreError> {
    let now = crate::now();
    let model = clusters::ActiveModel {
        id: Set(new.id.0),
        owner_id: Set(new.owner_id.0),
        name: Set(new.name),
        source: Set(new.source.as_str().to_owned()),
        encrypted_credentials: Set(new.encrypted_credentials),
        context: Set(new.context),
        default_namespace: Set(new.default_namespace),
        shared: Set(new.shared),
        server_url: Set(new.server_url),
        kubeconfig_path: Set(new.kubeconfig_path),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Cluster::try_from(model)
}

/// The cluster with this id, if it exists.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    id: ClusterId,
) -> Result<Option<Cluster>, StoreError> {
    clusters::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(Cluster::try_from)
        .transpose()
}

/// One `UPDATE ... RETURNING`: `None` when the cluster does not exist.
pub(crate) async fn apply_update(
    db: &impl ConnectionTrait,
    id: ClusterId,
    update: ClusterUpdate,
) -> Result<Option<Cluster>, StoreError> {
    let mut changes = clusters::ActiveModel::new();
    if let Some(name) = update.name {
        changes.name = Set(name);
    }
    if let Some(source) = update.source {
        changes.source = Set(source.as_str().to_owned());
    }
    if let Some(path) = update.kubeconfig_path {
        changes.kubeconfig_path = Set(path);
    }
    if let Some(shared) = update.shared {
        changes.shared = Set(shared);
    }
    if let Some(context) = update.context {
        changes.context = Set(context);
    }
    if let Some(namespace) = update.default_namespace {
        changes.default_namespace = Set(namespace);
    }
    if let Some(server_url) = update.server_url {
        changes.server_url = Set(server_url);
    }
    if let Some(credentials) = update.encrypted_credentials {
        changes.encrypted_credentials = Set(credentials);
    }
    changes.updated_at = Set(crate::now());
    let updated = clusters::Entity::update_many()
        .set(changes)
        .filter(clusters::Column::Id.eq(id.0))
        .exec_with_returning(db)
        .await?;
    updated
        .into_iter()
        .next()
        .map(Cluster::try_from)
        .transpose()
}

/// Live deployments applied to the cluster (those with an `applied_at`; a deleted deployment's
/// objects are gone from the cluster).
pub(crate) async fn applied_deployments(
    db: &impl ConnectionTrait,
    id: ClusterId,
) -> Result<u64, StoreError> {
    Ok(deployments::Entity::find()
        .filter(deployments::Column::ClusterId.eq(id.0))
        .filter(deployments::Column::AppliedAt.is_not_null())
        .filter(deployments::Column::DeletedAt.is_null())
        .count(db)
        .await?)
}
