//! Cluster leadership leases on both backends: one holder at a time, renewed by its holder,
//! taken over once expired, released by its holder only; of simultaneous claims one wins.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{migrated, user};
use kubechart_store::leadership::{claim, leader, release};
use kubechart_store::{ClusterId, ClusterSource, NewAuditEvent, NewCluster, Store, StoreError};
use serde_json::json;
use std::time::Duration;

both_backends!(
    one_replica_leads_a_cluster_until_its_lease_runs_out,
    of_simultaneous_claims_one_wins,
);

const LEASE: Duration = Duration::from_secs(60);

async fn cluster(store: &Store) -> ClusterId {
    let owner = user(store, "operator").await;
    let id = ClusterId::new();
    let new = NewCluster {
        id,
        owner_id: owner.id,
        name: format!("cluster-{id}"),
        source: ClusterSource::Token,
        encrypted_credentials: Some(vec![1, 2, 3]),
        kubeconfig_path: None,
        context: None,
        default_namespace: None,
        server_url: Some("https://10.0.0.1:6443".to_owned()),
        shared: false,
    };
    let audit = NewAuditEvent {
        actor_id: Some(owner.id),
        action: "cluster.create".to_owned(),
        target: format!("cluster:{id}"),
        detail: json!({}),
    };
    store.create_cluster(new, audit).await.unwrap();
    id
}

async fn one_replica_leads_a_cluster_until_its_lease_runs_out(url: String) {
    let store = migrated(&url).await;
    let db = store.connection();
    let cluster = cluster(&store).await;
    assert_eq!(leader(db, cluster).await.unwrap(), None);

    assert!(claim(db, cluster, "a", LEASE).await.unwrap());
    assert!(!claim(db, cluster, "b", LEASE).await.unwrap(), "a leads");
    assert!(claim(db, cluster, "a", LEASE).await.unwrap(), "renewed");
    assert_eq!(leader(db, cluster).await.unwrap().unwrap().0, "a");

    // A lease that ends now: a holder that stopped renewing.
    assert!(claim(db, cluster, "a", Duration::ZERO).await.unwrap());
    let expired = leader(db, cluster).await.unwrap().unwrap().1;
    while chrono::Utc::now() <= expired {
        tokio::task::yield_now().await;
    }
    assert!(claim(db, cluster, "b", LEASE).await.unwrap(), "taken over");
    assert!(
        !claim(db, cluster, "a", LEASE).await.unwrap(),
        "b leads now"
    );

    release(db, cluster, "a").await.unwrap();
    assert_eq!(
        leader(db, cluster).await.unwrap().unwrap().0,
        "b",
        "only the holder releases"
    );
    release(db, cluster, "b").await.unwrap();
    assert_eq!(leader(db, cluster).await.unwrap(), None);
    assert!(claim(db, cluster, "a", LEASE).await.unwrap(), "free again");
}

async fn of_simultaneous_claims_one_wins(url: String) {
    let store = migrated(&url).await;
    let cluster = cluster(&store).await;
    let claims: Vec<_> = (0..8)
        .map(|replica| {
            let store = store.clone();
            tokio::spawn(async move {
                let holder = format!("replica-{replica}");
                claim(store.connection(), cluster, &holder, LEASE).await
            })
        })
        .collect();
    let mut won = 0;
    for claimed in claims {
        match claimed.await.unwrap() {
            Ok(true) => won += 1,
            Ok(false) => {}
            // SQLite may refuse a writer that waited too long; that claim simply did not win.
            Err(StoreError::Unavailable(_)) => {}
            Err(error) => panic!("{error}"),
        }
    }
    assert_eq!(won, 1);
}
