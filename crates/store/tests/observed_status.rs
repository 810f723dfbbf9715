//! Observed status on both backends: written when it changes, never over a running operation's
//! status, never on a deleted deployment.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{migrated, user};
use kubechart_store::deployments::set_observed_status;
use kubechart_store::{DeploymentId, DeploymentStatus, NewAuditEvent, NewDeployment};
use serde_json::json;

both_backends!(observed_status_waits_for_running_operations);

async fn observed_status_waits_for_running_operations(url: String) {
    let store = migrated(&url).await;
    let owner = user(&store, "observer").await;
    let id = DeploymentId::new();
    let new = NewDeployment {
        id,
        owner_id: owner.id,
        cluster_id: None,
        name: "web".into(),
        namespace: "default".into(),
        spec: json!({"name": "web", "namespace": "default"}),
        manifest: String::new(),
        resource_count: 1,
        adopt_existing: false,
    };
    let audit = NewAuditEvent::deployment(Some(owner.id), "deployment.create", id, json!({}));
    store.create_deployment(new, audit).await.unwrap();
    let db = store.connection();
    let observe = |status| set_observed_status(db, id, status, "Deployment web: 1/3 available");

    store
        .set_deployment_status(id, DeploymentStatus::Applying, None)
        .await
        .unwrap();
    assert!(!observe(DeploymentStatus::Progressing).await.unwrap());
    let stored = store.deployment(id).await.unwrap().unwrap();
    assert_eq!(
        stored.status,
        DeploymentStatus::Applying,
        "the operation's status stands"
    );

    store
        .set_deployment_status(
            id,
            DeploymentStatus::Progressing,
            Some("revision 1 applied"),
        )
        .await
        .unwrap();
    assert!(
        observe(DeploymentStatus::Progressing).await.unwrap(),
        "a new reason is written"
    );
    assert!(
        !observe(DeploymentStatus::Progressing).await.unwrap(),
        "nothing changed"
    );
    let stored = store.deployment(id).await.unwrap().unwrap();
    assert_eq!(
        stored.status_reason.as_deref(),
        Some("Deployment web: 1/3 available")
    );

    store
        .set_deployment_status(id, DeploymentStatus::Deleting, None)
        .await
        .unwrap();
    assert!(!observe(DeploymentStatus::Ready).await.unwrap());
}
