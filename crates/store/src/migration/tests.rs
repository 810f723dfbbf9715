//! The schema's constraints, checked through the entities on both backends: foreign keys are
//! enforced (SQLite included), cascades and SET NULL behave, partial unique indexes leave out
//! the rows they should, and every unique constraint a user can hit is reported against the
//! right field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, ModelTrait};
use sea_orm_migration::MigratorTrait;
use serde_json::json;

use crate::entities::{clusters, deployment_revisions, deployments, operations};
use crate::migration::Migrator;
use crate::testing::{fresh_postgres, temp_sqlite};
use crate::{
    ClusterId, ConnectOptions, DeploymentId, NewUser, OperationId, Store, StoreError, UserId,
};

#[tokio::test]
async fn sqlite() {
    let (_dir, url) = temp_sqlite();
    constraints_hold(&url).await;
}

#[tokio::test]
async fn postgres() {
    let Some(db) = fresh_postgres().await else {
        return;
    };
    constraints_hold(&db.url).await;
}

#[tokio::test]
async fn sqlite_down_and_up_again() {
    let (_dir, url) = temp_sqlite();
    down_and_up_again(&url).await;
}

#[tokio::test]
async fn postgres_down_and_up_again() {
    let Some(db) = fresh_postgres().await else {
        return;
    };
    down_and_up_again(&db.url).await;
}

/// Every `down` undoes its `up`: the whole history can be rolled back and replayed.
async fn down_and_up_again(url: &str) {
    let store = Store::connect(url, ConnectOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    Migrator::down(&store.db, None).await.unwrap();
    Migrator::up(&store.db, None).await.unwrap();
    store.close().await;
}

fn cluster(owner: UserId, name: &str) -> clusters::ActiveModel {
    let now = crate::now();
    clusters::ActiveModel {
        id: Set(ClusterId::new().0),
        owner_id: Set(owner.0),
        name: Set(name.to_owned()),
        source: Set("token".to_owned()),
        encrypted_credentials: Set(Some(vec![0, 1, 2, 255])),
        context: Set(None),
        default_namespace: Set(Some("default".to_owned())),
        shared: Set(false),
        server_url: Set(None),
        kubeconfig_path: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

fn deployment(owner: UserId, cluster: Option<ClusterId>, name: &str) -> deployments::ActiveModel {
    let now = crate::now();
    deployments::ActiveModel {
        id: Set(DeploymentId::new().0),
        owner_id: Set(owner.0),
        cluster_id: Set(cluster.map(|c| c.0)),
        name: Set(name.to_owned()),
        namespace: Set("default".to_owned()),
        spec: Set(json!({"name": name})),
        manifest: Set("apiVersion: v1\nkind: ConfigMap\n".to_owned()),
        status: Set("draft".to_owned()),
        status_reason: Set(None),
        resource_count: Set(1),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        applied_at: Set(None),
        deleted_at: Set(None),
        applied_revision: Set(None),
        adopt_existing: Set(false),
    }
}

fn operation(
    deployment: DeploymentId,
    finished_at: Option<chrono::DateTime<chrono::Utc>>,
) -> operations::ActiveModel {
    let now = crate::now();
    operations::ActiveModel {
        id: Set(OperationId::new().0),
        deployment_id: Set(deployment.0),
        kind: Set("deploy".to_owned()),
        target_revision: Set(Some(1)),
        inventory: Set(json!([])),
        state: Set("applying".to_owned()),
        result: Set(json!({})),
        error: Set(None),
        started_by: Set(None),
        started_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(finished_at),
        lease_holder: Set(Some("replica".to_owned())),
        lease_expires_at: Set(Some(now)),
    }
}

fn revision(deployment: DeploymentId, revision: i32) -> deployment_revisions::ActiveModel {
    deployment_revisions::ActiveModel {
        deployment_id: Set(deployment.0),
        revision: Set(revision),
        spec: Set(json!({})),
        manifest: Set(String::new()),
        created_by: Set(None),
        created_at: Set(crate::now()),
    }
}

async fn constraints_hold(url: &str) {
    let store = Store::connect(url, ConnectOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let db = &store.db;
    let owner = store
        .register_user(NewUser {
            username: "owner".into(),
            email: "owner@example.com".into(),
            password_hash: "x".into(),
            display_name: None,
        })
        .await
        .unwrap();

    // Foreign keys are enforced.
    let orphan = cluster(UserId::new(), "orphan")
        .insert(db)
        .await
        .unwrap_err();
    assert!(matches!(StoreError::from(orphan), StoreError::Database(_)));

    let prod = cluster(owner.id, "prod").insert(db).await.unwrap();
    assert_eq!(prod.encrypted_credentials, Some(vec![0, 1, 2, 255]));
    let clash = cluster(owner.id, "prod").insert(db).await.unwrap_err();
    assert!(matches!(
        StoreError::from(clash),
        StoreError::Conflict { field: "name" }
    ));

    let web = deployment(owner.id, Some(ClusterId(prod.id)), "web")
        .insert(db)
        .await
        .unwrap();
    let clash = deployment(owner.id, Some(ClusterId(prod.id)), "web")
        .insert(db)
        .await
        .unwrap_err();
    assert!(matches!(
        StoreError::from(clash),
        StoreError::Conflict { field: "name" }
    ));
    // Deleted deployments and drafts without a cluster are outside the unique index.
    let mut deleted = deployment(owner.id, Some(ClusterId(prod.id)), "web");
    deleted.deleted_at = Set(Some(crate::now()));
    deleted.insert(db).await.unwrap();
    deployment(owner.id, None, "web").insert(db).await.unwrap();
    deployment(owner.id, None, "web").insert(db).await.unwrap();

    revision(DeploymentId(web.id), 1).insert(db).await.unwrap();
    revision(DeploymentId(web.id), 2).insert(db).await.unwrap();
    let clash = revision(DeploymentId(web.id), 2)
        .insert(db)
        .await
        .unwrap_err();
    assert!(matches!(
        StoreError::from(clash),
        StoreError::Conflict { field: "revision" }
    ));

    // One unfinished operation per deployment; finished ones do not count.
    let finished = operation(DeploymentId(web.id), Some(crate::now()));
    finished.insert(db).await.unwrap();
    operation(DeploymentId(web.id), Some(crate::now()))
        .insert(db)
        .await
        .unwrap();
    operation(DeploymentId(web.id), None)
        .insert(db)
        .await
        .unwrap();
    let clash = operation(DeploymentId(web.id), None)
        .insert(db)
        .await
        .unwrap_err();
    assert!(matches!(
        StoreError::from(clash),
        StoreError::Conflict { field: "operation" }
    ));

    // Removing the cluster keeps the deployment, detached.
    prod.delete(db).await.unwrap();
    let web = deployments::Entity::find_by_id(web.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(web.cluster_id, None);

    // Removing the deployment removes its history.
    web.delete(db).await.unwrap();
    assert!(
        deployment_revisions::Entity::find()
            .all(db)
            .await
            .unwrap()
            .is_empty()
    );
    store.close().await;
}
