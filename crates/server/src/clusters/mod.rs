//! Registered clusters: registration from an uploaded kubeconfig, a token or a detected host
//! source, sharing, sealed credentials, the status probe, and automatic registration of the host's
//! cluster on a fresh installation. Handlers parse and authorise; the rules live here.

mod credentials;
mod error;
mod seal;
pub mod views;

pub use error::{ClusterError, cause_name};

use kubechart_kube::connect::{self, ConnectError, Detection, HostEnv, Registry};
use kubechart_store::{
    Cluster, ClusterDeletion, ClusterId, ClusterUpdate, ClusterVisibility, NewAuditEvent,
    NewCluster, Role, Store, StoreError, User, UserId,
};
use secrecy::SecretSlice;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::FieldError;
use credentials::Prepared;
use views::{
    ClusterView, CreateClusterRequest, DetectedContextView, DetectedFileView,
    DetectedInClusterView, DetectedView, OwnerView, SourceType, StatusView, UpdateClusterRequest,
};

/// The longest cluster name (the column's width).
const MAX_NAME: usize = 128;

/// The cluster service: the store, the key that seals credentials, the cached clients, and the
/// host it detects sources on.
pub struct Clusters {
    store: Store,
    key: Arc<SecretSlice<u8>>,
    registry: Registry<ClusterId>,
    host: HostEnv,
    /// Automatic registration is still to be tried (it needs an administrator to own the cluster,
    /// which a fresh installation does not have yet).
    auto_register: AtomicBool,
}

impl Clusters {
    pub fn new(
        store: Store,
        key: Arc<SecretSlice<u8>>,
        host: HostEnv,
        auto_register: bool,
    ) -> Self {
        Self {
            store,
            key,
            registry: Registry::default(),
            host,
            auto_register: AtomicBool::new(auto_register),
        }
    }

    /// Registers the host's cluster when none is registered yet: the in-cluster service account,
    /// else the current context of the first detected kubeconfig, shared and owned by the first
    /// administrator. Tried at start and again on the first listing after an administrator
    /// exists; never after a cluster was registered.
    pub async fn auto_register(&self) -> Result<Option<Cluster>, ClusterError> {
        if !self.auto_register.load(Ordering::Acquire) {
            return Ok(None);
        }
        if !self
            .store
            .clusters(ClusterVisibility::All)
            .await?
            .is_empty()
        {
            self.auto_register.store(false, Ordering::Release);
            return Ok(None);
        }
        let Some(owner) = self
            .store
            .list_users()
            .await?
            .into_iter()
            .find(|user| user.role == Role::Admin && !user.disabled)
        else {
            return Ok(None);
        };
        let detection = self.detection().await;
        let Some((name, source)) = detection.first() else {
            self.auto_register.store(false, Ordering::Release);
            return Ok(None);
        };
        let prepared = match source {
            connect::Source::InCluster(env) => Prepared::in_cluster(env),
            connect::Source::KubeconfigFile { path, context } => {
                Prepared::kubeconfig_file(path, context.unwrap_or_default(), &detection)
            }
            connect::Source::Uploaded { .. } | connect::Source::Token(_) => return Ok(None),
        };
        let id = ClusterId::new();
        let new = new_cluster(
            id,
            owner.id,
            name.chars().take(MAX_NAME).collect(),
            None,
            true,
            &prepared,
            prepared.seal(&self.key, id)?,
        );
        let audit = audit(None, "cluster.auto_register", id, &new);
        let created = match self.store.create_first_cluster(new, audit).await {
            Ok(created) => created,
            // Another replica registered the same cluster at the same moment.
            Err(StoreError::Conflict { .. }) => None,
            Err(error) => return Err(error.into()),
        };
        self.auto_register.store(false, Ordering::Release);
        if let Some(cluster) = &created {
            tracing::info!(cluster = %cluster.id, name = %cluster.name, source = cluster.source.as_str(), "registered the host's cluster");
        }
        Ok(created)
    }

    /// The host's sources, and which are registered (administrators).
    pub async fn detected(&self) -> Result<DetectedView, ClusterError> {
        self.auto_register().await?;
        let detection = self.detection().await;
        let clusters = self.store.clusters(ClusterVisibility::All).await?;
        let registered = |path: Option<&str>, context: Option<&str>, source| {
            clusters
                .iter()
                .find(|c| {
                    c.source == source
                        && c.kubeconfig_path.as_deref() == path
                        && (path.is_none() || c.context.as_deref() == context)
                })
                .map(|c| c.id.to_string())
        };
        Ok(DetectedView {
            in_cluster: detection.in_cluster.map(|found| DetectedInClusterView {
                server: found.server,
                namespace: found.namespace,
                registered_as: registered(None, None, kubechart_store::ClusterSource::InCluster),
            }),
            files: detection
                .files
                .into_iter()
                .map(|file| {
                    let path = file.path.display().to_string();
                    DetectedFileView {
                        contexts: file
                            .contexts
                            .into_iter()
                            .map(|context| DetectedContextView {
                                registered_as: registered(
                                    Some(&path),
                                    Some(&context.name),
                                    kubechart_store::ClusterSource::KubeconfigPath,
                                ),
                                name: context.name,
                                cluster: context.cluster,
                                user: context.user,
                                namespace: context.namespace,
                                server: context.server,
                            })
                            .collect(),
                        path,
                        current_context: file.current_context,
                        problem: file.problem,
                    }
                })
                .collect(),
        })
    }

    /// Registers a cluster for `user`. Host sources and shared clusters are for administrators.
    pub async fn create(
        &self,
        user: &User,
        request: CreateClusterRequest,
    ) -> Result<ClusterView, ClusterError> {
        let is_admin = user.role == Role::Admin;
        if matches!(request.source, views::SourceRequest::Detected(_)) && !is_admin {
            return Err(ClusterError::Forbidden(
                "only administrators may register a cluster from the server's host",
            ));
        }
        if request.shared && !is_admin {
            return Err(ClusterError::Forbidden(
                "only administrators may share a cluster with every user",
            ));
        }
        let mut errors = Vec::new();
        let name = validate_name(&request.name, &mut errors);
        let namespace = request
            .default_namespace
            .as_deref()
            .and_then(|namespace| validate_namespace(namespace, &mut errors));
        let detection = self.detection().await;
        let prepared = match credentials::prepare(request.source, &detection) {
            Ok(prepared) => Some(prepared),
            Err(ClusterError::Invalid(mut problems)) => {
                errors.append(&mut problems);
                None
            }
            Err(error) => return Err(error),
        };
        let Some(prepared) = prepared.filter(|_| errors.is_empty()) else {
            return Err(ClusterError::Invalid(errors));
        };
        let id = ClusterId::new();
        let new = new_cluster(
            id,
            user.id,
            name,
            namespace,
            request.shared,
            &prepared,
            prepared.seal(&self.key, id)?,
        );
        let audit = audit(Some(user.id), "cluster.create", id, &new);
        let cluster = self.store.create_cluster(new, audit).await?;
        self.view(&cluster).await
    }

    /// The clusters `user` may see: their own and the shared ones; administrators see all.
    pub async fn list(&self, user: &User) -> Result<Vec<ClusterView>, ClusterError> {
        self.auto_register().await?;
        let visibility = match user.role {
            Role::Admin => ClusterVisibility::All,
            Role::Member => ClusterVisibility::VisibleTo(user.id),
        };
        let clusters = self.store.clusters(visibility).await?;
        let mut owners: HashMap<UserId, String> = HashMap::new();
        for cluster in &clusters {
            if let Entry::Vacant(slot) = owners.entry(cluster.owner_id) {
                slot.insert(self.owner_name(cluster.owner_id).await?);
            }
        }
        let views = clusters
            .iter()
            .map(|cluster| {
                let username = owners.get(&cluster.owner_id).cloned().unwrap_or_default();
                view_of(cluster, username)
            })
            .collect();
        Ok(views)
    }

    /// One cluster `user` may see.
    pub async fn get(&self, user: &User, id: ClusterId) -> Result<ClusterView, ClusterError> {
        let cluster = self.visible(user, id).await?;
        self.view(&cluster).await
    }

    /// Renames, re-namespaces, shares or replaces the credentials of a cluster `user` manages.
    pub async fn update(
        &self,
        user: &User,
        id: ClusterId,
        request: UpdateClusterRequest,
    ) -> Result<ClusterView, ClusterError> {
        let existing = self.managed(user, id).await?;
        let is_admin = user.role == Role::Admin;
        if request
            .shared
            .is_some_and(|shared| shared != existing.shared)
            && !is_admin
        {
            return Err(ClusterError::Forbidden(
                "only administrators may share a cluster with every user",
            ));
        }
        if matches!(request.source, Some(views::SourceRequest::Detected(_))) && !is_admin {
            return Err(ClusterError::Forbidden(
                "only administrators may register a cluster from the server's host",
            ));
        }
        let mut errors = Vec::new();
        let name = request
            .name
            .as_deref()
            .map(|name| validate_name(name, &mut errors));
        let default_namespace = request.default_namespace.map(|namespace| {
            namespace.and_then(|namespace| validate_namespace(&namespace, &mut errors))
        });
        let prepared = match request.source {
            Some(source) => match credentials::prepare(source, &self.detection().await) {
                Ok(prepared) => Some(prepared),
                Err(ClusterError::Invalid(mut problems)) => {
                    errors.append(&mut problems);
                    None
                }
                Err(error) => return Err(error),
            },
            None => None,
        };
        if !errors.is_empty() {
            return Err(ClusterError::Invalid(errors));
        }
        let mut update = ClusterUpdate {
            name,
            shared: request.shared,
            default_namespace,
            ..ClusterUpdate::default()
        };
        let mut changed: Vec<&str> = Vec::new();
        if update.name.is_some() {
            changed.push("name");
        }
        if update.shared.is_some() {
            changed.push("shared");
        }
        if update.default_namespace.is_some() {
            changed.push("defaultNamespace");
        }
        if let Some(prepared) = &prepared {
            changed.push("source");
            update.source = Some(prepared.kind);
            update.server_url = Some(prepared.server_url.clone());
            update.context = Some(prepared.context.clone());
            update.kubeconfig_path = Some(prepared.kubeconfig_path.clone());
            update.encrypted_credentials = Some(prepared.seal(&self.key, id)?);
        }
        let audit = NewAuditEvent {
            actor_id: Some(user.id),
            action: "cluster.update".into(),
            target: format!("cluster:{id}"),
            detail: serde_json::json!({"changed": changed}),
        };
        let updated = self
            .store
            .update_cluster(id, update, audit)
            .await?
            .ok_or(ClusterError::NotFound)?;
        self.view(&updated).await
    }

    /// Deletes a cluster `user` manages; refused while deployments are applied to it unless
    /// `force`.
    pub async fn delete(
        &self,
        user: &User,
        id: ClusterId,
        force: bool,
    ) -> Result<(), ClusterError> {
        let existing = self.managed(user, id).await?;
        let audit = NewAuditEvent {
            actor_id: Some(user.id),
            action: "cluster.delete".into(),
            target: format!("cluster:{id}"),
            detail: serde_json::json!({"name": existing.name, "force": force}),
        };
        match self.store.delete_cluster(id, force, audit).await? {
            ClusterDeletion::Deleted => {
                self.registry.forget(&id);
                Ok(())
            }
            ClusterDeletion::NotFound => Err(ClusterError::NotFound),
            ClusterDeletion::InUse {
                applied_deployments,
            } => Err(ClusterError::InUse {
                applied_deployments,
            }),
        }
    }

    /// Probes a cluster `user` may see; permissions are checked in `namespace` (default: the
    /// cluster's default namespace, else its context's).
    pub async fn status(
        &self,
        user: &User,
        id: ClusterId,
        namespace: Option<String>,
    ) -> Result<StatusView, ClusterError> {
        let cluster = self.visible(user, id).await?;
        let connection = self.connection(&cluster).await?;
        let namespace = namespace
            .filter(|namespace| !namespace.is_empty())
            .or_else(|| cluster.default_namespace.clone());
        let status = connect::probe(&connection, namespace.as_deref())
            .await
            .map_err(ClusterError::Unreachable)?;
        Ok(status.into())
    }

    /// The namespace names of a cluster `user` may see, sorted (the form's namespace picker).
    pub async fn namespaces(
        &self,
        user: &User,
        id: ClusterId,
    ) -> Result<Vec<String>, ClusterError> {
        let cluster = self.visible(user, id).await?;
        let connection = self.connection(&cluster).await?;
        kubechart_kube::namespace::namespaces(&connection)
            .await
            .map_err(ClusterError::Unreachable)
    }

    /// The cached connection of a stored cluster (the apply engine's way in).
    pub async fn connection(
        &self,
        cluster: &Cluster,
    ) -> Result<Arc<connect::Connection>, ClusterError> {
        let source = credentials::source_of(&self.key, cluster, &self.host)?;
        self.registry
            .connect(&cluster.id, &source)
            .await
            .map_err(|error| match error {
                ConnectError::Unreachable(unreachable) => ClusterError::Unreachable(unreachable),
                ConnectError::Unavailable(message) => ClusterError::SourceUnavailable(message),
                ConnectError::Invalid(problems) => ClusterError::Corrupt(
                    problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            })
    }

    /// A cluster `user` may deploy to: the ones they may see (own, shared, or any for an
    /// administrator). [`ClusterError::NotFound`] for any other.
    pub async fn usable(&self, user: &User, id: ClusterId) -> Result<Cluster, ClusterError> {
        self.visible(user, id).await
    }

    /// A cluster `user` may see (own, shared, or any for an administrator); others' private
    /// clusters do not exist for them.
    async fn visible(&self, user: &User, id: ClusterId) -> Result<Cluster, ClusterError> {
        let cluster = self
            .store
            .cluster(id)
            .await?
            .ok_or(ClusterError::NotFound)?;
        if user.role == Role::Admin || cluster.owner_id == user.id || cluster.shared {
            Ok(cluster)
        } else {
            Err(ClusterError::NotFound)
        }
    }

    /// A cluster `user` may change: their own, or any for an administrator.
    async fn managed(&self, user: &User, id: ClusterId) -> Result<Cluster, ClusterError> {
        let cluster = self.visible(user, id).await?;
        if user.role == Role::Admin || cluster.owner_id == user.id {
            Ok(cluster)
        } else {
            Err(ClusterError::Forbidden(
                "only the cluster's owner or an administrator may change it",
            ))
        }
    }

    async fn detection(&self) -> Detection {
        let host = self.host.clone();
        // A few small local files, read off the async workers.
        tokio::task::spawn_blocking(move || connect::detect(&host))
            .await
            .unwrap_or(Detection {
                in_cluster: None,
                files: Vec::new(),
            })
    }

    async fn owner_name(&self, id: UserId) -> Result<String, ClusterError> {
        Ok(self
            .store
            .user(id)
            .await?
            .map(|owner| owner.username)
            .unwrap_or_default())
    }

    async fn view(&self, cluster: &Cluster) -> Result<ClusterView, ClusterError> {
        let username = self.owner_name(cluster.owner_id).await?;
        Ok(view_of(cluster, username))
    }
}

fn new_cluster(
    id: ClusterId,
    owner: UserId,
    name: String,
    namespace: Option<String>,
    shared: bool,
    prepared: &Prepared,
    encrypted_credentials: Option<Vec<u8>>,
) -> NewCluster {
    NewCluster {
        id,
        owner_id: owner,
        name,
        source: prepared.kind,
        encrypted_credentials,
        kubeconfig_path: prepared.kubeconfig_path.clone(),
        context: prepared.context.clone(),
        default_namespace: namespace.or_else(|| prepared.namespace.clone()),
        server_url: prepared.server_url.clone(),
        shared,
    }
}

/// The audit row of a registration: what and where, never credentials.
fn audit(actor: Option<UserId>, action: &str, id: ClusterId, new: &NewCluster) -> NewAuditEvent {
    NewAuditEvent {
        actor_id: actor,
        action: action.into(),
        target: format!("cluster:{id}"),
        detail: serde_json::json!({
            "name": new.name,
            "source": new.source.as_str(),
            "server": new.server_url,
            "context": new.context,
            "shared": new.shared,
        }),
    }
}

fn view_of(cluster: &Cluster, owner: String) -> ClusterView {
    use kubechart_store::ClusterSource;
    ClusterView {
        id: cluster.id.to_string(),
        name: cluster.name.clone(),
        source: match cluster.source {
            ClusterSource::InCluster => SourceType::InCluster,
            ClusterSource::KubeconfigPath => SourceType::KubeconfigPath,
            ClusterSource::Kubeconfig => SourceType::Kubeconfig,
            ClusterSource::Token => SourceType::Token,
        },
        server_url: cluster.server_url.clone(),
        context: cluster.context.clone(),
        kubeconfig_path: cluster.kubeconfig_path.clone(),
        default_namespace: cluster.default_namespace.clone(),
        shared: cluster.shared,
        has_credentials: cluster.encrypted_credentials.is_some(),
        owner: OwnerView {
            id: cluster.owner_id.to_string(),
            username: owner,
        },
        created_at: cluster.created_at,
        updated_at: cluster.updated_at,
    }
}

fn validate_name(name: &str, errors: &mut Vec<FieldError>) -> String {
    let name = name.trim();
    if name.is_empty() {
        errors.push(FieldError::new("name", "must not be empty"));
    } else if name.chars().count() > MAX_NAME {
        errors.push(FieldError::new("name", "must be at most 128 characters"));
    } else if name.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "name",
            "must not contain control characters",
        ));
    }
    name.to_string()
}

/// A namespace name: a DNS label (lowercase letters, digits, '-', at most 63 characters).
fn validate_namespace(namespace: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let valid = !namespace.is_empty()
        && namespace.len() <= 63
        && namespace
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !namespace.starts_with('-')
        && !namespace.ends_with('-');
    if valid {
        Some(namespace.to_string())
    } else {
        errors.push(FieldError::new(
            "defaultNamespace",
            "must be a namespace name: lowercase letters, digits and '-', at most 63 characters",
        ));
        None
    }
}
