//! Deployment records on both backends: creation with revision 1 and its audit row, the live-name
//! rule per cluster (soft-deleted records out of the way), optimistic revisions, status writes,
//! keyset pages, soft delete and forget, leased operations, and audit rows that share their
//! change's fate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{SubsecRound, Utc};
use common::{migrated, user};
use kubechart_store::{
    AuditFilter, ClusterId, ClusterSource, Cursor, Deployment, DeploymentChange, DeploymentFilter,
    DeploymentId, DeploymentStatus, NewAuditEvent, NewCluster, NewDeployment, NewOperation,
    OperationId, OperationKind, OperationState, SpecUpdate, Store, StoreError, User, UserId, audit,
    deployments, operations,
};
use serde_json::{Value, json};
use tokio::sync::Barrier;

both_backends!(
    create_records_revision_one_and_its_audit_row,
    a_live_name_is_unique_per_cluster_whoever_owns_it,
    concurrent_creates_of_one_name_make_one_deployment,
    a_failed_create_leaves_no_record_revision_or_audit_row,
    spec_updates_make_revisions_only_when_the_spec_changes,
    stale_revisions_are_refused,
    concurrent_saves_of_one_revision_let_one_win,
    status_is_written_only_when_it_changes,
    applied_revision_is_recorded,
    pages_cover_every_deployment_once_even_with_inserts_between_pages,
    list_filters_combine,
    soft_delete_hides_the_record_and_keeps_its_history,
    forget_removes_the_record_and_keeps_the_audit_trail,
    an_operation_holds_the_deployment_until_it_finishes,
    an_expired_lease_is_taken_over_or_superseded,
    concurrent_starts_run_one_operation,
    audit_rows_roll_back_with_their_deployment_change,
    audit_is_queried_by_target_and_actor,
);

async fn cluster(store: &Store, owner: &User, name: &str) -> ClusterId {
    let id = ClusterId::new();
    store
        .create_cluster(
            NewCluster {
                id,
                owner_id: owner.id,
                name: name.to_owned(),
                source: ClusterSource::Token,
                encrypted_credentials: None,
                kubeconfig_path: None,
                context: None,
                default_namespace: None,
                server_url: None,
                shared: true,
            },
            NewAuditEvent {
                actor_id: Some(owner.id),
                action: "cluster.create".into(),
                target: format!("cluster:{id}"),
                detail: json!({}),
            },
        )
        .await
        .unwrap()
        .id
}

fn spec(name: &str, replicas: u32) -> Value {
    json!({"name": name, "namespace": "default", "workload": {"replicas": replicas}})
}

fn new_deployment(
    owner: &User,
    cluster: Option<ClusterId>,
    namespace: &str,
    name: &str,
) -> NewDeployment {
    NewDeployment {
        id: DeploymentId::new(),
        owner_id: owner.id,
        cluster_id: cluster,
        name: name.to_owned(),
        namespace: namespace.to_owned(),
        spec: spec(name, 1),
        manifest: format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n"),
        resource_count: 2,
        adopt_existing: false,
    }
}

fn created(new: &NewDeployment) -> NewAuditEvent {
    NewAuditEvent::deployment(
        Some(new.owner_id),
        "deployment.create",
        new.id,
        json!({"name": new.name}),
    )
}

async fn create(
    store: &Store,
    owner: &User,
    cluster: Option<ClusterId>,
    namespace: &str,
    name: &str,
) -> Result<Deployment, StoreError> {
    let new = new_deployment(owner, cluster, namespace, name);
    let audit = created(&new);
    store.create_deployment(new, audit).await
}

fn change_of(deployment: &Deployment, author: UserId, spec: Value) -> DeploymentChange {
    DeploymentChange {
        expected_revision: deployment.revision,
        author,
        cluster_id: deployment.cluster_id,
        name: deployment.name.clone(),
        namespace: deployment.namespace.clone(),
        manifest: format!("# {spec}\n"),
        spec,
        resource_count: deployment.resource_count,
    }
}

fn updated(deployment: &Deployment, actor: UserId) -> NewAuditEvent {
    NewAuditEvent::deployment(
        Some(actor),
        "deployment.update",
        deployment.id,
        json!({"paths": ["workload.replicas"]}),
    )
}

async fn audit_of(store: &Store, id: DeploymentId) -> Vec<String> {
    store
        .query_audit(&AuditFilter {
            target: Some(audit::deployment_target(id)),
            limit: 100,
            ..AuditFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.action)
        .collect()
}

async fn create_records_revision_one_and_its_audit_row(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let prod = cluster(&store, &alice, "prod").await;
    let before = Utc::now().trunc_subsecs(6);
    let new = new_deployment(&alice, Some(prod), "shop", "web");
    let web = store
        .create_deployment(new.clone(), created(&new))
        .await
        .unwrap();
    assert_eq!(web.id, new.id);
    assert_eq!(web.owner_id, alice.id);
    assert_eq!(web.cluster_id, Some(prod));
    assert_eq!((web.name.as_str(), web.namespace.as_str()), ("web", "shop"));
    assert_eq!(web.spec, new.spec);
    assert_eq!(web.manifest, new.manifest);
    assert_eq!(web.status, DeploymentStatus::Draft);
    assert_eq!(web.status_reason, None);
    assert_eq!(web.resource_count, 2);
    assert_eq!(web.revision, 1);
    assert_eq!(web.applied_revision, None);
    assert_eq!(web.applied_at, None);
    assert_eq!(web.deleted_at, None);
    assert!(web.created_at >= before && web.created_at == web.updated_at);
    assert_eq!(store.deployment(web.id).await.unwrap(), Some(web.clone()));
    assert_eq!(store.deployment(DeploymentId::new()).await.unwrap(), None);

    let revisions = store.deployment_revisions(web.id).await.unwrap();
    assert_eq!(revisions.len(), 1);
    let first = &revisions[0];
    assert_eq!(
        (first.deployment_id, first.revision, first.created_by),
        (web.id, 1, Some(alice.id))
    );
    assert_eq!(first.spec, new.spec);
    assert_eq!(first.manifest, new.manifest);
    assert_eq!(first.created_at, web.created_at);
    assert_eq!(
        store.deployment_revision(web.id, 1).await.unwrap().as_ref(),
        Some(first)
    );
    assert_eq!(store.deployment_revision(web.id, 2).await.unwrap(), None);
    assert_eq!(audit_of(&store, web.id).await, ["deployment.create"]);
    store.close().await;
}

async fn a_live_name_is_unique_per_cluster_whoever_owns_it(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let prod = cluster(&store, &alice, "prod").await;
    let staging = cluster(&store, &alice, "staging").await;
    let web = create(&store, &alice, Some(prod), "default", "web")
        .await
        .unwrap();

    // Another owner, same cluster, namespace and name: refused, naming the holder.
    for owner in [&bob, &alice] {
        let err = create(&store, owner, Some(prod), "default", "web")
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::DeploymentExists { existing, owner } if existing == web.id && owner == alice.id),
            "{err:?}"
        );
    }
    // Any other namespace, name or cluster is free.
    create(&store, &bob, Some(prod), "other", "web")
        .await
        .unwrap();
    create(&store, &bob, Some(prod), "default", "api")
        .await
        .unwrap();
    create(&store, &bob, Some(staging), "default", "web")
        .await
        .unwrap();

    // Drafts without a cluster clash per owner only.
    let draft = create(&store, &alice, None, "default", "web")
        .await
        .unwrap();
    let err = create(&store, &alice, None, "default", "web")
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::DeploymentExists { existing, .. } if existing == draft.id),
        "{err:?}"
    );
    create(&store, &bob, None, "default", "web").await.unwrap();

    // Moving a deployment onto a taken placement is refused the same way.
    let api = create(&store, &alice, Some(staging), "default", "api")
        .await
        .unwrap();
    let mut moved = change_of(&api, alice.id, api.spec.clone());
    moved.cluster_id = Some(prod);
    let err = store
        .update_deployment_spec(api.id, moved, updated(&api, alice.id))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::DeploymentExists { .. }),
        "{err:?}"
    );

    // A deleted deployment no longer holds its name, and can be deleted only once.
    store
        .mark_deployment_deleted(
            web.id,
            NewAuditEvent::deployment(Some(alice.id), "deployment.delete", web.id, json!({})),
        )
        .await
        .unwrap();
    let again = create(&store, &bob, Some(prod), "default", "web")
        .await
        .unwrap();
    assert_eq!(again.owner_id, bob.id);
    assert_ne!(again.id, web.id);
    let err = create(&store, &alice, Some(prod), "default", "web")
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::DeploymentExists { existing, owner } if existing == again.id && owner == bob.id),
        "{err:?}"
    );
    store.close().await;
}

async fn concurrent_creates_of_one_name_make_one_deployment(url: String) {
    let store = migrated(&url).await;
    let prod_owner = user(&store, "alice").await;
    let prod = cluster(&store, &prod_owner, "prod").await;
    let mut owners = vec![prod_owner];
    for i in 0..5 {
        owners.push(user(&store, &format!("user{i}")).await);
    }
    let barrier = Arc::new(Barrier::new(owners.len()));
    let tasks: Vec<_> = owners
        .into_iter()
        .map(|owner| {
            let store = store.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                create(&store, &owner, Some(prod), "default", "web").await
            })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(deployment) => winners.push(deployment.id),
            Err(StoreError::DeploymentExists { .. }) => {}
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(winners.len(), 1);
    let page = store
        .list_deployments(&DeploymentFilter {
            limit: 100,
            ..DeploymentFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, winners[0]);
    store.close().await;
}

async fn a_failed_create_leaves_no_record_revision_or_audit_row(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let prod = cluster(&store, &alice, "prod").await;
    create(&store, &alice, Some(prod), "default", "web")
        .await
        .unwrap();
    let clash = new_deployment(&alice, Some(prod), "default", "web");
    let clash_id = clash.id;
    let audit = created(&clash);
    store.create_deployment(clash, audit).await.unwrap_err();
    assert!(audit_of(&store, clash_id).await.is_empty());
    assert!(
        store
            .deployment_revisions(clash_id)
            .await
            .unwrap()
            .is_empty()
    );
    // A missing owner fails on the foreign key after the name check: nothing stays either.
    let ghost = User {
        id: UserId::new(),
        ..alice.clone()
    };
    let orphan = new_deployment(&ghost, Some(prod), "default", "orphan");
    let orphan_id = orphan.id;
    let audit = created(&orphan);
    let err = store.create_deployment(orphan, audit).await.unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    assert!(audit_of(&store, orphan_id).await.is_empty());
    store.close().await;
}

async fn spec_updates_make_revisions_only_when_the_spec_changes(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let prod = cluster(&store, &alice, "prod").await;
    let staging = cluster(&store, &alice, "staging").await;
    let web = create(&store, &alice, Some(prod), "default", "web")
        .await
        .unwrap();

    // The same spec again: nothing written, no audit row.
    let same = store
        .update_deployment_spec(
            web.id,
            change_of(&web, alice.id, web.spec.clone()),
            updated(&web, alice.id),
        )
        .await
        .unwrap();
    assert_eq!(same, SpecUpdate::Unchanged(web.clone()));
    assert_eq!(audit_of(&store, web.id).await, ["deployment.create"]);

    // A changed spec: revision 2 with its author, spec, manifest and an audit row.
    let mut change = change_of(&web, bob.id, spec("web", 3));
    change.resource_count = 4;
    let SpecUpdate::Updated {
        deployment: v2,
        new_revision: true,
    } = store
        .update_deployment_spec(web.id, change.clone(), updated(&web, bob.id))
        .await
        .unwrap()
    else {
        panic!("expected a new revision");
    };
    assert_eq!(v2.revision, 2);
    assert_eq!(v2.spec, spec("web", 3));
    assert_eq!(v2.manifest, change.manifest);
    assert_eq!(v2.resource_count, 4);
    assert_eq!(v2.owner_id, alice.id);
    assert_eq!(v2.created_at, web.created_at);
    assert!(v2.updated_at >= web.updated_at);
    assert_eq!(store.deployment(web.id).await.unwrap(), Some(v2.clone()));
    let revisions = store.deployment_revisions(web.id).await.unwrap();
    let numbers: Vec<i32> = revisions.iter().map(|r| r.revision).collect();
    assert_eq!(numbers, [2, 1]);
    assert_eq!(revisions[0].created_by, Some(bob.id));
    assert_eq!(revisions[0].spec, spec("web", 3));
    assert_eq!(revisions[1].spec, web.spec);
    assert_eq!(
        audit_of(&store, web.id).await,
        ["deployment.update", "deployment.create"]
    );

    // Only the cluster changes: the record moves, no new revision.
    let mut moved = change_of(&v2, alice.id, v2.spec.clone());
    moved.cluster_id = Some(staging);
    let SpecUpdate::Updated {
        deployment: v2_moved,
        new_revision: false,
    } = store
        .update_deployment_spec(web.id, moved, updated(&v2, alice.id))
        .await
        .unwrap()
    else {
        panic!("expected a move without a revision");
    };
    assert_eq!(v2_moved.revision, 2);
    assert_eq!(v2_moved.cluster_id, Some(staging));
    assert_eq!(store.deployment_revisions(web.id).await.unwrap().len(), 2);

    // Rolling back is a new revision with an old spec; history is never rewritten.
    let rollback = change_of(&v2_moved, alice.id, web.spec.clone());
    let SpecUpdate::Updated { deployment: v3, .. } = store
        .update_deployment_spec(web.id, rollback, updated(&v2_moved, alice.id))
        .await
        .unwrap()
    else {
        panic!("expected a new revision");
    };
    assert_eq!(v3.revision, 3);
    assert_eq!(v3.spec, web.spec);
    assert_eq!(store.deployment_revisions(web.id).await.unwrap().len(), 3);

    let missing = store
        .update_deployment_spec(
            DeploymentId::new(),
            change_of(&v3, alice.id, spec("x", 1)),
            updated(&v3, alice.id),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            missing,
            StoreError::NotFound {
                entity: "deployment"
            }
        ),
        "{missing:?}"
    );
    store.close().await;
}

async fn stale_revisions_are_refused(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let web = create(&store, &alice, None, "default", "web")
        .await
        .unwrap();
    let first_tab = change_of(&web, alice.id, spec("web", 2));
    let second_tab = change_of(&web, alice.id, spec("web", 5));
    store
        .update_deployment_spec(web.id, first_tab, updated(&web, alice.id))
        .await
        .unwrap();
    for stale in [
        second_tab.clone(),
        change_of(&web, alice.id, spec("web", 2)),
    ] {
        let err = store
            .update_deployment_spec(web.id, stale, updated(&web, alice.id))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::StaleRevision {
                    expected: 1,
                    current: 2
                }
            ),
            "{err:?}"
        );
    }
    let current = store.deployment(web.id).await.unwrap().unwrap();
    assert_eq!(current.spec, spec("web", 2));
    assert_eq!(store.deployment_revisions(web.id).await.unwrap().len(), 2);
    assert_eq!(
        audit_of(&store, web.id).await,
        ["deployment.update", "deployment.create"]
    );
    store.close().await;
}

async fn concurrent_saves_of_one_revision_let_one_win(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let web = create(&store, &alice, None, "default", "web")
        .await
        .unwrap();
    let barrier = Arc::new(Barrier::new(4));
    let tasks: Vec<_> = (0..4)
        .map(|replicas| {
            let store = store.clone();
            let barrier = barrier.clone();
            let change = change_of(&web, alice.id, spec("web", 10 + replicas));
            let audit = updated(&web, alice.id);
            tokio::spawn(async move {
                barrier.wait().await;
                store.update_deployment_spec(web.id, change, audit).await
            })
        })
        .collect();
    let mut saved = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(SpecUpdate::Updated { .. }) => saved += 1,
            Err(StoreError::StaleRevision { expected: 1, .. }) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(saved, 1);
    assert_eq!(store.deployment_revisions(web.id).await.unwrap().len(), 2);
    assert_eq!(audit_of(&store, web.id).await.len(), 2);
    store.close().await;
}

async fn status_is_written_only_when_it_changes(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let web = create(&store, &alice, None, "default", "web")
        .await
        .unwrap();
    let set = |status, reason: Option<&'static str>| {
        let store = store.clone();
        async move {
            store
                .set_deployment_status(web.id, status, reason)
                .await
                .unwrap()
        }
    };
    assert!(!set(DeploymentStatus::Draft, None).await);
    assert!(
        set(
            DeploymentStatus::Progressing,
            Some("Deployment web: 0/3 available")
        )
        .await
    );
    let progressing = store.deployment(web.id).await.unwrap().unwrap();
    assert_eq!(progressing.status, DeploymentStatus::Progressing);
    assert_eq!(
        progressing.status_reason.as_deref(),
        Some("Deployment web: 0/3 available")
    );
    assert!(progressing.updated_at >= web.updated_at);
    // The same status and reason again: no write, so updated_at stays.
    assert!(
        !set(
            DeploymentStatus::Progressing,
            Some("Deployment web: 0/3 available")
        )
        .await
    );
    assert_eq!(
        store.deployment(web.id).await.unwrap().unwrap().updated_at,
        progressing.updated_at
    );
    // Only the reason changes, then only the status, then the reason goes.
    assert!(
        set(
            DeploymentStatus::Progressing,
            Some("Deployment web: 2/3 available")
        )
        .await
    );
    assert!(
        set(
            DeploymentStatus::Degraded,
            Some("Deployment web: 2/3 available")
        )
        .await
    );
    assert!(set(DeploymentStatus::Ready, None).await);
    assert!(!set(DeploymentStatus::Ready, None).await);
    let ready = store.deployment(web.id).await.unwrap().unwrap();
    assert_eq!(
        (ready.status, ready.status_reason),
        (DeploymentStatus::Ready, None)
    );
    // Nothing to write for a deployment that does not exist.
    assert!(
        !store
            .set_deployment_status(DeploymentId::new(), DeploymentStatus::Failed, None)
            .await
            .unwrap()
    );
    store.close().await;
}

async fn applied_revision_is_recorded(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let web = create(&store, &alice, None, "default", "web")
        .await
        .unwrap();
    let applied = store
        .transaction(async |tx| {
            let applied = deployments::record_applied(tx, web.id, 1).await?;
            deployments::set_status(tx, web.id, DeploymentStatus::Ready, None).await?;
            Ok::<_, StoreError>(applied)
        })
        .await
        .unwrap();
    assert_eq!(applied.applied_revision, Some(1));
    let at = applied.applied_at.unwrap();
    assert!(at >= web.created_at);
    let read = store.deployment(web.id).await.unwrap().unwrap();
    assert_eq!(read.applied_revision, Some(1));
    assert_eq!(read.applied_at, Some(at));
    assert_eq!(read.status, DeploymentStatus::Ready);
    let err = deployments::record_applied(store.connection(), DeploymentId::new(), 1)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    store.close().await;
}

async fn pages_cover_every_deployment_once_even_with_inserts_between_pages(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let mut expected = Vec::new();
    for i in 0..23 {
        let deployment = create(&store, &alice, None, "default", &format!("app-{i:02}"))
            .await
            .unwrap();
        expected.push(deployment.id);
    }
    // Newest first.
    expected.reverse();

    let mut seen = Vec::new();
    let mut cursor: Option<Cursor> = None;
    let mut pages = 0;
    loop {
        let page = store
            .list_deployments(&DeploymentFilter {
                owner_id: Some(alice.id),
                limit: 5,
                // Clients hand the cursor back as text.
                cursor: cursor.map(|c| c.to_string().parse().unwrap()),
                ..DeploymentFilter::default()
            })
            .await
            .unwrap();
        pages += 1;
        assert!(page.items.len() <= 5);
        seen.extend(page.items.iter().map(|item| item.id));
        // New deployments and status changes while paging shift nothing.
        create(&store, &alice, None, "default", &format!("late-{pages}"))
            .await
            .unwrap();
        store
            .set_deployment_status(expected[22], DeploymentStatus::Ready, None)
            .await
            .unwrap();
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 5);
    assert_eq!(seen, expected);
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len());

    // An exact multiple of the page size ends without an empty extra page.
    let page = store
        .list_deployments(&DeploymentFilter {
            limit: 28,
            ..DeploymentFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 28);
    assert_eq!(page.next_cursor, None);
    // Page sizes are bounded at both ends.
    let page = store
        .list_deployments(&DeploymentFilter {
            limit: 0,
            ..DeploymentFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(page.next_cursor.is_some());
    assert!(matches!(
        "garbage".parse::<Cursor>(),
        Err(StoreError::InvalidCursor)
    ));
    store.close().await;
}

async fn list_filters_combine(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let prod = cluster(&store, &alice, "prod").await;
    let staging = cluster(&store, &alice, "staging").await;
    let web = create(&store, &alice, Some(prod), "shop", "web")
        .await
        .unwrap();
    let api = create(&store, &alice, Some(staging), "shop", "api")
        .await
        .unwrap();
    let bob_web = create(&store, &bob, Some(prod), "blog", "web-frontend")
        .await
        .unwrap();
    let percent = create(&store, &bob, None, "default", "100%_done")
        .await
        .unwrap();
    let gone = create(&store, &alice, Some(prod), "shop", "gone")
        .await
        .unwrap();
    store
        .mark_deployment_deleted(
            gone.id,
            NewAuditEvent::deployment(Some(alice.id), "deployment.delete", gone.id, json!({})),
        )
        .await
        .unwrap();
    store
        .set_deployment_status(api.id, DeploymentStatus::Failed, Some("ImagePullBackOff"))
        .await
        .unwrap();

    let ids = |filter: DeploymentFilter| {
        let store = store.clone();
        async move {
            let page = store
                .list_deployments(&DeploymentFilter {
                    limit: 100,
                    ..filter
                })
                .await
                .unwrap();
            page.items.into_iter().map(|d| d.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        ids(DeploymentFilter::default()).await,
        [percent.id, bob_web.id, api.id, web.id]
    );
    assert_eq!(
        ids(DeploymentFilter {
            owner_id: Some(alice.id),
            ..DeploymentFilter::default()
        })
        .await,
        [api.id, web.id]
    );
    assert_eq!(
        ids(DeploymentFilter {
            cluster_id: Some(prod),
            ..DeploymentFilter::default()
        })
        .await,
        [bob_web.id, web.id]
    );
    assert_eq!(
        ids(DeploymentFilter {
            namespace: Some("shop".into()),
            ..DeploymentFilter::default()
        })
        .await,
        [api.id, web.id]
    );
    assert_eq!(
        ids(DeploymentFilter {
            status: Some(DeploymentStatus::Failed),
            ..DeploymentFilter::default()
        })
        .await,
        [api.id]
    );
    assert_eq!(
        ids(DeploymentFilter {
            q: Some("WEB".into()),
            ..DeploymentFilter::default()
        })
        .await,
        [bob_web.id, web.id]
    );
    assert_eq!(
        ids(DeploymentFilter {
            q: Some("%_".into()),
            ..DeploymentFilter::default()
        })
        .await,
        [percent.id]
    );
    assert_eq!(
        ids(DeploymentFilter {
            owner_id: Some(alice.id),
            cluster_id: Some(prod),
            q: Some("e".into()),
            ..DeploymentFilter::default()
        })
        .await,
        [web.id]
    );
    let page = store
        .list_deployments(&DeploymentFilter {
            status: Some(DeploymentStatus::Failed),
            limit: 10,
            ..DeploymentFilter::default()
        })
        .await
        .unwrap();
    let summary = &page.items[0];
    assert_eq!(summary.name, "api");
    assert_eq!(summary.namespace, "shop");
    assert_eq!(summary.cluster_id, Some(staging));
    assert_eq!(summary.owner_id, alice.id);
    assert_eq!(summary.status_reason.as_deref(), Some("ImagePullBackOff"));
    assert_eq!((summary.revision, summary.resource_count), (1, 2));
    assert_eq!(summary.applied_revision, None);
    store.close().await;
}

async fn soft_delete_hides_the_record_and_keeps_its_history(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let web = create(&store, &alice, None, "default", "web")
        .await
        .unwrap();
    store
        .update_deployment_spec(
            web.id,
            change_of(&web, alice.id, spec("web", 2)),
            updated(&web, alice.id),
        )
        .await
        .unwrap();
    let deleted =
        || NewAuditEvent::deployment(Some(alice.id), "deployment.delete", web.id, json!({}));
    store
        .mark_deployment_deleted(web.id, deleted())
        .await
        .unwrap();

    assert_eq!(store.deployment(web.id).await.unwrap(), None);
    let page = store
        .list_deployments(&DeploymentFilter {
            limit: 10,
            ..DeploymentFilter::default()
        })
        .await
        .unwrap();
    assert!(page.items.is_empty());
    assert_eq!(store.deployment_revisions(web.id).await.unwrap().len(), 2);
    assert_eq!(
        audit_of(&store, web.id).await,
        [
            "deployment.delete",
            "deployment.update",
            "deployment.create"
        ]
    );
    // A deleted deployment takes no further changes.
    let err = store
        .mark_deployment_deleted(web.id, deleted())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    let err = store
        .update_deployment_spec(
            web.id,
            change_of(&web, alice.id, spec("web", 9)),
            updated(&web, alice.id),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert!(
        !store
            .set_deployment_status(web.id, DeploymentStatus::Ready, None)
            .await
            .unwrap()
    );
    // The failed delete wrote no second audit row.
    assert_eq!(audit_of(&store, web.id).await.len(), 3);
    store.close().await;
}

async fn forget_removes_the_record_and_keeps_the_audit_trail(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let prod = cluster(&store, &alice, "prod").await;
    let web = create(&store, &alice, Some(prod), "default", "web")
        .await
        .unwrap();
    start(&store, &web, "replica-a", Duration::from_secs(60))
        .await
        .unwrap();
    let forgotten =
        || NewAuditEvent::deployment(Some(alice.id), "deployment.forget", web.id, json!({}));
    store.forget_deployment(web.id, forgotten()).await.unwrap();
    assert_eq!(store.deployment(web.id).await.unwrap(), None);
    assert!(store.deployment_revisions(web.id).await.unwrap().is_empty());
    assert!(
        operations::of_deployment(store.connection(), web.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        audit_of(&store, web.id).await,
        [
            "deployment.forget",
            "deployment.deploy",
            "deployment.create"
        ]
    );
    let err = store
        .forget_deployment(web.id, forgotten())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    // The name is free again.
    create(&store, &alice, Some(prod), "default", "web")
        .await
        .unwrap();
    store.close().await;
}

fn new_operation(
    deployment: &Deployment,
    kind: OperationKind,
    holder: &str,
    lease: Duration,
) -> NewOperation {
    NewOperation {
        id: OperationId::new(),
        deployment_id: deployment.id,
        kind,
        target_revision: Some(deployment.revision),
        inventory: json!([{"kind": "Deployment", "namespace": "default", "name": deployment.name}]),
        started_by: Some(deployment.owner_id),
        holder: holder.to_owned(),
        lease,
    }
}

async fn start(
    store: &Store,
    deployment: &Deployment,
    holder: &str,
    lease: Duration,
) -> Result<kubechart_store::Operation, StoreError> {
    let new = new_operation(deployment, OperationKind::Deploy, holder, lease);
    let audit = NewAuditEvent::deployment(
        Some(deployment.owner_id),
        "deployment.deploy",
        deployment.id,
        json!({"operation": new.id, "revision": deployment.revision}),
    );
    store.start_operation(new, audit).await
}

async fn an_operation_holds_the_deployment_until_it_finishes(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let web = create(&store, &alice, None, "default", "web")
        .await
        .unwrap();
    let lease = Duration::from_secs(60);
    let before = Utc::now().trunc_subsecs(6);
    let op = start(&store, &web, "replica-a", lease).await.unwrap();
    assert_eq!(op.deployment_id, web.id);
    assert_eq!(op.kind, OperationKind::Deploy);
    assert_eq!(op.state, OperationState::Applying);
    assert_eq!(op.target_revision, Some(1));
    assert_eq!(op.inventory[0]["name"], "web");
    assert_eq!(op.result, json!({}));
    assert_eq!(op.started_by, Some(alice.id));
    assert_eq!(op.lease_holder.as_deref(), Some("replica-a"));
    assert!(op.lease_expires_at.unwrap() >= before + chrono::Duration::seconds(60));
    assert_eq!(op.finished_at, None);
    assert_eq!(store.operation(op.id).await.unwrap(), Some(op.clone()));
    // The intent shows on the deployment.
    let applying = store.deployment(web.id).await.unwrap().unwrap();
    assert_eq!(applying.status, DeploymentStatus::Applying);

    // A second start, from any replica, is refused while the lease holds; it leaves nothing.
    let err = start(&store, &web, "replica-b", lease).await.unwrap_err();
    match err {
        StoreError::OperationInProgress {
            operation,
            holder,
            lease_expires_at,
        } => {
            assert_eq!(operation, op.id);
            assert_eq!(holder, "replica-a");
            assert_eq!(Some(lease_expires_at), op.lease_expires_at);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(audit_of(&store, web.id).await.len(), 2);
    assert_eq!(
        operations::of_deployment(store.connection(), web.id)
            .await
            .unwrap()
            .len(),
        1
    );

    // Progress and renewal by the holder; anyone else has lost (or never had) the lease.
    let db = store.connection();
    let progress = json!({"Deployment/default/web": "applied"});
    let written = operations::record_progress(db, op.id, "replica-a", progress.clone())
        .await
        .unwrap();
    assert_eq!(written.result, progress);
    let renewed = operations::renew_lease(db, op.id, "replica-a", lease)
        .await
        .unwrap();
    assert!(renewed.lease_expires_at >= op.lease_expires_at);
    for err in [
        operations::record_progress(db, op.id, "replica-b", json!({}))
            .await
            .unwrap_err(),
        operations::renew_lease(db, op.id, "replica-b", lease)
            .await
            .unwrap_err(),
    ] {
        assert!(
            matches!(err, StoreError::LeaseLost { operation } if operation == op.id),
            "{err:?}"
        );
    }
    assert_eq!(
        operations::unfinished(db, web.id)
            .await
            .unwrap()
            .map(|o| o.id),
        Some(op.id)
    );
    assert!(operations::expired(db).await.unwrap().is_empty());

    // Finishing needs a finished state.
    let err = operations::finish(
        db,
        op.id,
        "replica-a",
        OperationState::Applying,
        json!({}),
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    // Finishing: state, result and finished_at with the deployment's outcome, in one transaction.
    let result = json!({"Deployment/default/web": "ready"});
    let finished = store
        .transaction(async |tx| {
            let finished = operations::finish(
                tx,
                op.id,
                "replica-a",
                OperationState::Succeeded,
                result.clone(),
                None,
            )
            .await?;
            deployments::record_applied(tx, web.id, 1).await?;
            deployments::set_status(tx, web.id, DeploymentStatus::Ready, None).await?;
            Ok::<_, StoreError>(finished)
        })
        .await
        .unwrap();
    assert_eq!(finished.state, OperationState::Succeeded);
    assert!(finished.state.is_finished());
    assert_eq!(finished.result, result);
    assert!(finished.finished_at.is_some());
    assert_eq!(finished.lease_expires_at, None);
    assert_eq!(operations::unfinished(db, web.id).await.unwrap(), None);
    let err = operations::finish(
        db,
        op.id,
        "replica-a",
        OperationState::Failed,
        json!({}),
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::LeaseLost { .. }), "{err:?}");

    // The next operation starts; a delete shows as deleting.
    let delete = new_operation(&web, OperationKind::Delete, "replica-b", lease);
    let audit = NewAuditEvent::deployment(Some(alice.id), "deployment.delete", web.id, json!({}));
    let deleting = store.start_operation(delete, audit).await.unwrap();
    assert_eq!(deleting.state, OperationState::Deleting);
    assert_eq!(
        store.deployment(web.id).await.unwrap().unwrap().status,
        DeploymentStatus::Deleting
    );
    let history = operations::of_deployment(db, web.id).await.unwrap();
    assert_eq!(
        history.iter().map(|o| o.id).collect::<Vec<_>>(),
        [deleting.id, op.id]
    );

    // No operation on a deployment that is not there.
    let ghost = Deployment {
        id: DeploymentId::new(),
        ..web.clone()
    };
    let err = start(&store, &ghost, "replica-a", lease).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    store.close().await;
}

/// Waits until the store's clock has passed `instant` (timestamps are kept to the microsecond).
fn wait_past(instant: chrono::DateTime<Utc>) {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while Utc::now().trunc_subsecs(6) <= instant {
        assert!(std::time::Instant::now() < deadline, "clock stuck");
        std::hint::spin_loop();
    }
}

async fn an_expired_lease_is_taken_over_or_superseded(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let web = create(&store, &alice, None, "default", "web")
        .await
        .unwrap();
    let api = create(&store, &alice, None, "default", "api")
        .await
        .unwrap();
    let db = store.connection();
    let long = Duration::from_secs(60);

    // A replica starts, then dies: its lease runs out with the operation unfinished.
    let crashed = start(&store, &web, "replica-a", Duration::ZERO)
        .await
        .unwrap();
    let running = start(&store, &api, "replica-a", long).await.unwrap();
    wait_past(crashed.lease_expires_at.unwrap());
    let expired = operations::expired(db).await.unwrap();
    assert_eq!(
        expired.iter().map(|o| o.id).collect::<Vec<_>>(),
        [crashed.id]
    );

    // One replica takes it over to resume it; a second claim finds the lease current.
    let resumed = operations::take_over(db, crashed.id, "replica-b", long)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(resumed.lease_holder.as_deref(), Some("replica-b"));
    assert_eq!(resumed.state, OperationState::Applying);
    assert_eq!(resumed.target_revision, crashed.target_revision);
    assert_eq!(resumed.inventory, crashed.inventory);
    assert_eq!(
        operations::take_over(db, crashed.id, "replica-c", long)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        operations::take_over(db, running.id, "replica-c", long)
            .await
            .unwrap(),
        None
    );
    assert!(operations::expired(db).await.unwrap().is_empty());
    // The dead replica's late writes are refused.
    let err = operations::record_progress(db, crashed.id, "replica-a", json!({}))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::LeaseLost { .. }), "{err:?}");
    let failed = operations::finish(
        db,
        crashed.id,
        "replica-b",
        OperationState::Failed,
        json!({"Deployment/default/web": "ImagePullBackOff"}),
        Some("Deployment web: ImagePullBackOff".into()),
    )
    .await
    .unwrap();
    assert_eq!(failed.state, OperationState::Failed);
    assert_eq!(
        failed.error.as_deref(),
        Some("Deployment web: ImagePullBackOff")
    );

    // A new start over an expired operation supersedes it instead of waiting for a takeover.
    let stuck = start(&store, &web, "replica-a", Duration::ZERO)
        .await
        .unwrap();
    wait_past(stuck.lease_expires_at.unwrap());
    let next = start(&store, &web, "replica-c", long).await.unwrap();
    let superseded = store.operation(stuck.id).await.unwrap().unwrap();
    assert_eq!(superseded.state, OperationState::Superseded);
    assert!(superseded.finished_at.is_some());
    assert!(superseded.error.unwrap().contains(&next.id.to_string()));
    assert_eq!(
        operations::unfinished(db, web.id)
            .await
            .unwrap()
            .map(|o| o.id),
        Some(next.id)
    );
    store.close().await;
}

async fn concurrent_starts_run_one_operation(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let web = create(&store, &alice, None, "default", "web")
        .await
        .unwrap();
    let barrier = Arc::new(Barrier::new(6));
    let tasks: Vec<_> = (0..6)
        .map(|replica| {
            let store = store.clone();
            let barrier = barrier.clone();
            let web = web.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                start(
                    &store,
                    &web,
                    &format!("replica-{replica}"),
                    Duration::from_secs(60),
                )
                .await
            })
        })
        .collect();
    let mut started = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => started += 1,
            Err(StoreError::OperationInProgress { .. }) => {}
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(started, 1);
    let history = operations::of_deployment(store.connection(), web.id)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    // One deploy audit row: the refused starts rolled theirs back.
    assert_eq!(
        audit_of(&store, web.id).await,
        ["deployment.deploy", "deployment.create"]
    );
    store.close().await;
}

async fn audit_rows_roll_back_with_their_deployment_change(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let new = new_deployment(&alice, None, "default", "web");
    let id = new.id;
    let audit = created(&new);
    let injected = store
        .transaction(async |tx| {
            deployments::create(tx, new, audit).await?;
            Err::<(), _>(StoreError::NotFound { entity: "injected" })
        })
        .await
        .unwrap_err();
    assert!(matches!(
        injected,
        StoreError::NotFound { entity: "injected" }
    ));
    assert_eq!(store.deployment(id).await.unwrap(), None);
    assert!(store.deployment_revisions(id).await.unwrap().is_empty());
    assert!(audit_of(&store, id).await.is_empty());

    // The same for an update, a delete and an operation start on an existing deployment.
    let web = create(&store, &alice, None, "default", "web")
        .await
        .unwrap();
    let injected = store
        .transaction(async |tx| {
            deployments::update_spec(
                tx,
                web.id,
                change_of(&web, alice.id, spec("web", 4)),
                updated(&web, alice.id),
            )
            .await?;
            let op = new_operation(
                &web,
                OperationKind::Deploy,
                "replica-a",
                Duration::from_secs(60),
            );
            let audit =
                NewAuditEvent::deployment(Some(alice.id), "deployment.deploy", web.id, json!({}));
            operations::start(tx, op, audit).await?;
            deployments::mark_deleted(
                tx,
                web.id,
                NewAuditEvent::deployment(Some(alice.id), "deployment.delete", web.id, json!({})),
            )
            .await?;
            Err::<(), _>(StoreError::NotFound { entity: "injected" })
        })
        .await
        .unwrap_err();
    assert!(matches!(
        injected,
        StoreError::NotFound { entity: "injected" }
    ));
    assert_eq!(store.deployment(web.id).await.unwrap(), Some(web.clone()));
    assert_eq!(store.deployment_revisions(web.id).await.unwrap().len(), 1);
    assert_eq!(audit_of(&store, web.id).await, ["deployment.create"]);
    assert_eq!(
        operations::unfinished(store.connection(), web.id)
            .await
            .unwrap(),
        None
    );
    store.close().await;
}

async fn audit_is_queried_by_target_and_actor(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let web = create(&store, &alice, None, "default", "web")
        .await
        .unwrap();
    let api = create(&store, &bob, None, "default", "api").await.unwrap();
    store
        .update_deployment_spec(
            web.id,
            change_of(&web, bob.id, spec("web", 2)),
            updated(&web, bob.id),
        )
        .await
        .unwrap();

    let query = |target: Option<String>, actor_id: Option<UserId>, limit| {
        let store = store.clone();
        async move {
            store
                .query_audit(&AuditFilter {
                    target,
                    actor_id,
                    limit,
                    ..AuditFilter::default()
                })
                .await
                .unwrap()
        }
    };
    let web_events = query(Some(audit::deployment_target(web.id)), None, 10).await;
    assert_eq!(
        web_events
            .iter()
            .map(|e| (e.action.as_str(), e.actor_id))
            .collect::<Vec<_>>(),
        [
            ("deployment.update", Some(bob.id)),
            ("deployment.create", Some(alice.id))
        ]
    );
    assert_eq!(
        web_events[0].detail,
        json!({"paths": ["workload.replicas"]})
    );
    assert_eq!(web_events[0].target, format!("deployment:{}", web.id));
    let by_bob = query(None, Some(bob.id), 10).await;
    assert_eq!(by_bob.len(), 2);
    assert!(by_bob.iter().all(|e| e.actor_id == Some(bob.id)));
    assert_eq!(
        query(Some(audit::deployment_target(api.id)), Some(alice.id), 10)
            .await
            .len(),
        0
    );
    // A member reads the trail of their own deployments, deleted ones included.
    store
        .mark_deployment_deleted(
            web.id,
            NewAuditEvent::deployment(Some(alice.id), "deployment.delete", web.id, json!({})),
        )
        .await
        .unwrap();
    let of_owner = |owner: UserId| {
        let store = store.clone();
        async move {
            store
                .query_audit(&AuditFilter {
                    deployments_of: Some(owner),
                    limit: 100,
                    ..AuditFilter::default()
                })
                .await
                .unwrap()
                .into_iter()
                .map(|e| (e.action, e.target))
                .collect::<Vec<_>>()
        }
    };
    let web_target = audit::deployment_target(web.id);
    assert_eq!(
        of_owner(alice.id).await,
        [
            ("deployment.delete".to_owned(), web_target.clone()),
            ("deployment.update".to_owned(), web_target.clone()),
            ("deployment.create".to_owned(), web_target),
        ]
    );
    assert_eq!(
        of_owner(bob.id).await,
        [(
            "deployment.create".to_owned(),
            audit::deployment_target(api.id)
        )]
    );
    assert!(of_owner(UserId::new()).await.is_empty());
    // Everything, for admins, newest first and bounded by the limit.
    let all = query(None, None, 100).await;
    assert_eq!(all.len(), 4);
    assert!(all.windows(2).all(|w| w[0].at >= w[1].at));
    assert_eq!(query(None, None, 2).await.len(), 2);
    store.close().await;
}
