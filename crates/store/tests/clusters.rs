//! Registered clusters on both backends: visibility, unique names per owner, updates, deletes that
//! respect applied deployments, and audit rows that commit (or roll back) with their change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kubechart_store::entities::deployments;
use kubechart_store::testing::{fresh_postgres, temp_sqlite};
use kubechart_store::{
    ClusterDeletion, ClusterId, ClusterSource, ClusterUpdate, ClusterVisibility, ConnectOptions,
    DeploymentId, NewAuditEvent, NewCluster, NewUser, Store, StoreError, User, UserId,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, Database, EntityTrait};
use serde_json::json;

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (_dir, url) = super::temp_sqlite();
                super::$name(url).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = super::fresh_postgres().await else { return };
                super::$name(db.url.clone()).await;
            }
        }
    )*};
}

both_backends!(
    owners_see_their_own_and_shared_clusters,
    names_are_unique_per_owner,
    updates_change_only_what_is_given,
    deletes_keep_clusters_with_applied_deployments_unless_forced,
    the_first_cluster_is_registered_once,
    audit_rows_commit_with_the_change_or_not_at_all,
);

async fn migrated(url: &str) -> Store {
    let store = Store::connect(url, ConnectOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store
}

async fn user(store: &Store, name: &str) -> User {
    store
        .register_user(NewUser {
            username: name.to_owned(),
            email: format!("{name}@example.com"),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$salt$hash".to_owned(),
            display_name: None,
        })
        .await
        .unwrap()
}

fn new_cluster(owner: UserId, name: &str, shared: bool) -> NewCluster {
    NewCluster {
        id: ClusterId::new(),
        owner_id: owner,
        name: name.to_owned(),
        source: ClusterSource::Token,
        encrypted_credentials: Some(vec![1, 2, 3, 0, 255]),
        kubeconfig_path: None,
        context: None,
        default_namespace: Some("default".to_owned()),
        server_url: Some("https://10.0.0.1:6443".to_owned()),
        shared,
    }
}

fn audit(actor: UserId, action: &str) -> NewAuditEvent {
    NewAuditEvent {
        actor_id: Some(actor),
        action: action.to_owned(),
        target: "cluster".to_owned(),
        detail: json!({}),
    }
}

fn names(clusters: &[kubechart_store::Cluster]) -> Vec<&str> {
    clusters.iter().map(|c| c.name.as_str()).collect()
}

async fn owners_see_their_own_and_shared_clusters(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let carol = user(&store, "carol").await;
    let shared = store
        .create_cluster(
            new_cluster(alice.id, "prod", true),
            audit(alice.id, "cluster.create"),
        )
        .await
        .unwrap();
    store
        .create_cluster(
            new_cluster(bob.id, "bobs", false),
            audit(bob.id, "cluster.create"),
        )
        .await
        .unwrap();

    let all = store.clusters(ClusterVisibility::All).await.unwrap();
    assert_eq!(names(&all), ["prod", "bobs"]);
    let for_bob = store
        .clusters(ClusterVisibility::VisibleTo(bob.id))
        .await
        .unwrap();
    assert_eq!(names(&for_bob), ["prod", "bobs"]);
    let for_carol = store
        .clusters(ClusterVisibility::VisibleTo(carol.id))
        .await
        .unwrap();
    assert_eq!(names(&for_carol), ["prod"]);

    let read = store.cluster(shared.id).await.unwrap().unwrap();
    assert_eq!(read, shared);
    assert_eq!(read.source, ClusterSource::Token);
    assert_eq!(
        read.encrypted_credentials.as_deref(),
        Some(&[1, 2, 3, 0, 255][..])
    );
    assert!(read.shared);
    // Ids and timestamps may contain any digits: look for the bytes as Debug would print them.
    let debug = format!("{read:?}");
    assert!(
        debug.contains("<sealed>") && !debug.contains("1, 2, 3, 0, 255"),
        "Debug hides the sealed bytes: {debug}"
    );
    assert!(store.cluster(ClusterId::new()).await.unwrap().is_none());
}

async fn names_are_unique_per_owner(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    store
        .create_cluster(
            new_cluster(alice.id, "prod", false),
            audit(alice.id, "cluster.create"),
        )
        .await
        .unwrap();
    let clash = store
        .create_cluster(
            new_cluster(alice.id, "prod", false),
            audit(alice.id, "cluster.create"),
        )
        .await;
    assert!(
        matches!(clash, Err(StoreError::Conflict { field: "name" })),
        "{clash:?}"
    );
    store
        .create_cluster(
            new_cluster(bob.id, "prod", false),
            audit(bob.id, "cluster.create"),
        )
        .await
        .unwrap();
}

async fn updates_change_only_what_is_given(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let created = store
        .create_cluster(
            new_cluster(alice.id, "prod", false),
            audit(alice.id, "cluster.create"),
        )
        .await
        .unwrap();
    let updated = store
        .update_cluster(
            created.id,
            ClusterUpdate {
                name: Some("production".to_owned()),
                shared: Some(true),
                default_namespace: Some(None),
                encrypted_credentials: Some(Some(vec![9, 9])),
                ..ClusterUpdate::default()
            },
            audit(alice.id, "cluster.update"),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.name, "production");
    assert!(updated.shared);
    assert_eq!(updated.default_namespace, None);
    assert_eq!(updated.encrypted_credentials, Some(vec![9, 9]));
    assert_eq!(updated.server_url, created.server_url);
    assert_eq!(updated.created_at, created.created_at);
    assert!(updated.updated_at >= created.updated_at);
    assert_eq!(store.cluster(created.id).await.unwrap().unwrap(), updated);

    let missing = store
        .update_cluster(
            ClusterId::new(),
            ClusterUpdate::default(),
            audit(alice.id, "cluster.update"),
        )
        .await
        .unwrap();
    assert!(missing.is_none());
    let actions: Vec<String> = store
        .audit_events(10)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.action)
        .collect();
    assert_eq!(actions, ["cluster.update", "cluster.create"]);
}

async fn deletes_keep_clusters_with_applied_deployments_unless_forced(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let cluster = store
        .create_cluster(
            new_cluster(alice.id, "prod", false),
            audit(alice.id, "cluster.create"),
        )
        .await
        .unwrap();
    let db = Database::connect(&url).await.unwrap();
    let now = chrono::Utc::now();
    let deployment = |name: &str, applied: bool| deployments::ActiveModel {
        id: Set(DeploymentId::new().0),
        owner_id: Set(alice.id.0),
        cluster_id: Set(Some(cluster.id.0)),
        name: Set(name.to_owned()),
        namespace: Set("default".to_owned()),
        spec: Set(json!({})),
        manifest: Set(String::new()),
        status: Set("draft".to_owned()),
        status_reason: Set(None),
        resource_count: Set(0),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        applied_at: Set(applied.then_some(now)),
        deleted_at: Set(None),
        applied_revision: Set(applied.then_some(1)),
        adopt_existing: Set(false),
    };
    deployment("draft", false).insert(&db).await.unwrap();
    let applied = deployment("live", true).insert(&db).await.unwrap();
    assert_eq!(store.applied_deployments(cluster.id).await.unwrap(), 1);

    let refused = store
        .delete_cluster(cluster.id, false, audit(alice.id, "cluster.delete"))
        .await
        .unwrap();
    assert_eq!(
        refused,
        ClusterDeletion::InUse {
            applied_deployments: 1
        }
    );
    assert!(store.cluster(cluster.id).await.unwrap().is_some());

    let forced = store
        .delete_cluster(cluster.id, true, audit(alice.id, "cluster.delete"))
        .await
        .unwrap();
    assert_eq!(forced, ClusterDeletion::Deleted);
    assert!(store.cluster(cluster.id).await.unwrap().is_none());
    let orphan = deployments::Entity::find_by_id(applied.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        orphan.cluster_id, None,
        "the deployment stays, without its cluster"
    );
    let again = store
        .delete_cluster(cluster.id, true, audit(alice.id, "cluster.delete"))
        .await
        .unwrap();
    assert_eq!(again, ClusterDeletion::NotFound);
    let actions: Vec<String> = store
        .audit_events(10)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.action)
        .collect();
    assert_eq!(actions, ["cluster.delete", "cluster.create"]);
    db.close().await.unwrap();
}

async fn the_first_cluster_is_registered_once(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let mut first = new_cluster(alice.id, "kind-dev", true);
    first.source = ClusterSource::KubeconfigPath;
    first.kubeconfig_path = Some("/home/alice/.kube/config".to_owned());
    first.encrypted_credentials = None;
    let created = store
        .create_first_cluster(first, audit(alice.id, "cluster.create"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created.source, ClusterSource::KubeconfigPath);
    assert_eq!(
        created.kubeconfig_path.as_deref(),
        Some("/home/alice/.kube/config")
    );
    let second = store
        .create_first_cluster(
            new_cluster(alice.id, "other", true),
            audit(alice.id, "cluster.create"),
        )
        .await
        .unwrap();
    assert!(second.is_none());
    assert_eq!(
        store.clusters(ClusterVisibility::All).await.unwrap().len(),
        1
    );
}

async fn audit_rows_commit_with_the_change_or_not_at_all(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    // An audit row that cannot be written (its actor does not exist) takes the change with it.
    let ghost = UserId::new();
    let failed = store
        .create_cluster(
            new_cluster(alice.id, "prod", false),
            audit(ghost, "cluster.create"),
        )
        .await;
    assert!(failed.is_err());
    assert!(
        store
            .clusters(ClusterVisibility::All)
            .await
            .unwrap()
            .is_empty()
    );

    let cluster = store
        .create_cluster(
            new_cluster(alice.id, "prod", false),
            audit(alice.id, "cluster.create"),
        )
        .await
        .unwrap();
    let failed = store
        .update_cluster(
            cluster.id,
            ClusterUpdate {
                name: Some("renamed".to_owned()),
                ..ClusterUpdate::default()
            },
            audit(ghost, "cluster.update"),
        )
        .await;
    assert!(failed.is_err());
    assert_eq!(
        store.cluster(cluster.id).await.unwrap().unwrap().name,
        "prod"
    );
    let failed = store
        .delete_cluster(cluster.id, false, audit(ghost, "cluster.delete"))
        .await;
    assert!(failed.is_err());
    assert!(store.cluster(cluster.id).await.unwrap().is_some());
    assert_eq!(store.audit_events(10).await.unwrap().len(), 1);
}
