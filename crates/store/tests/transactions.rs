//! Composed writes on both backends: `Store::transaction` commits everything or nothing, audit
//! rows share the fate of their change, and the last-admin rule holds under concurrent demotions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{migrated, new_user, user};
use kubechart_store::{
    AdminUserUpdate, AuditFilter, NewAuditEvent, Role, StoreError, User, audit, users,
};
use serde_json::json;
use tokio::sync::Barrier;

both_backends!(
    a_transaction_commits_every_write_on_ok,
    a_failure_inside_a_transaction_rolls_back_the_change_and_its_audit_row,
    a_transaction_runs_on_a_spawned_task,
    administer_keeps_the_last_enabled_admin,
    concurrent_demotions_always_leave_an_admin,
);

fn audit_of(user: &User, action: &str) -> NewAuditEvent {
    NewAuditEvent::user(Some(user.id), action, user.id, json!({}))
}

async fn a_transaction_commits_every_write_on_ok(url: String) {
    let store = migrated(&url).await;
    let alice = store
        .transaction(async |tx| {
            let alice = users::register(tx, new_user("alice")).await?;
            audit::record(tx, audit_of(&alice, "user.register")).await?;
            Ok::<_, StoreError>(alice)
        })
        .await
        .unwrap();
    assert_eq!(alice.role, Role::Admin);
    assert_eq!(store.user(alice.id).await.unwrap(), Some(alice.clone()));
    let events = store.audit_events(10).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].target, format!("user:{}", alice.id));
    assert_eq!(events[0].action, "user.register");
    store.close().await;
}

async fn a_failure_inside_a_transaction_rolls_back_the_change_and_its_audit_row(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;

    // The caller's own error type works inside, and an error after both writes undoes both.
    #[derive(Debug)]
    enum ServiceError {
        Store(StoreError),
        Injected,
    }
    impl From<StoreError> for ServiceError {
        fn from(error: StoreError) -> Self {
            ServiceError::Store(error)
        }
    }
    let failed = store
        .transaction(async |tx| {
            let bob = users::register(tx, new_user("bob")).await?;
            audit::record(tx, audit_of(&bob, "user.register")).await?;
            users::set_password_hash(tx, alice.id, "$argon2id$changed").await?;
            audit::record(tx, audit_of(&alice, "user.password_change")).await?;
            Err::<(), _>(ServiceError::Injected)
        })
        .await;
    assert!(matches!(failed, Err(ServiceError::Injected)), "{failed:?}");
    assert_eq!(store.list_users().await.unwrap(), vec![alice.clone()]);
    assert!(store.audit_events(10).await.unwrap().is_empty());

    // A store error part-way (a duplicate username) also leaves nothing behind.
    let failed = store
        .transaction(async |tx| {
            audit::record(tx, audit_of(&alice, "user.register")).await?;
            let mut clash = new_user("alice");
            clash.email = "another@example.com".into();
            users::register(tx, clash).await?;
            Ok::<_, ServiceError>(())
        })
        .await;
    assert!(
        matches!(
            failed,
            Err(ServiceError::Store(StoreError::Conflict {
                field: "username"
            }))
        ),
        "{failed:?}"
    );
    assert!(store.audit_events(10).await.unwrap().is_empty());

    // The pool is healthy afterwards: the connections went back without open transactions.
    let bob = user(&store, "bob").await;
    assert_eq!(store.list_users().await.unwrap().len(), 2);
    assert_eq!(bob.role, Role::Member);
    store.close().await;
}

async fn a_transaction_runs_on_a_spawned_task(url: String) {
    let store = migrated(&url).await;
    let task_store = store.clone();
    // Services run transactions from handlers and background tasks, whose futures must be Send.
    let alice = tokio::spawn(async move {
        task_store
            .transaction(async |tx| {
                let alice = users::register(tx, new_user("alice")).await?;
                audit::record(tx, audit_of(&alice, "user.register")).await?;
                Ok::<_, StoreError>(alice)
            })
            .await
    })
    .await
    .unwrap()
    .unwrap();
    let events = store
        .query_audit(&AuditFilter {
            target: Some(audit::user_target(alice.id)),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    store.close().await;
}

async fn administer_keeps_the_last_enabled_admin(url: String) {
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    let administer = |id, role, disabled| {
        let store = store.clone();
        async move {
            store
                .transaction(async |tx| {
                    users::administer(tx, id, AdminUserUpdate { role, disabled }).await
                })
                .await
        }
    };

    for (role, disabled) in [(Some(Role::Member), None), (None, Some(true))] {
        let refused = administer(alice.id, role, disabled).await.unwrap_err();
        assert!(matches!(refused, StoreError::LastAdmin), "{refused:?}");
    }
    assert_eq!(store.count_admins().await.unwrap(), 1);
    // Changes that keep an admin are allowed.
    let promoted = administer(bob.id, Some(Role::Admin), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(promoted.role, Role::Admin);
    let disabled = administer(alice.id, None, Some(true))
        .await
        .unwrap()
        .unwrap();
    assert!(disabled.disabled);
    // A disabled admin does not count: bob is now the last one.
    let refused = administer(bob.id, Some(Role::Member), None)
        .await
        .unwrap_err();
    assert!(matches!(refused, StoreError::LastAdmin), "{refused:?}");
    // Demoting a disabled admin removes no enabled admin.
    let demoted = administer(alice.id, Some(Role::Member), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(demoted.role, Role::Member);
    assert_eq!(
        administer(kubechart_store::UserId::new(), Some(Role::Member), None)
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.count_admins().await.unwrap(), 1);
    store.close().await;
}

async fn concurrent_demotions_always_leave_an_admin(url: String) {
    const ROUNDS: usize = 40;
    let store = migrated(&url).await;
    let alice = user(&store, "alice").await;
    let bob = user(&store, "bob").await;
    for round in 0..ROUNDS {
        // Both enabled admins again (the unguarded update resets the scene).
        for id in [alice.id, bob.id] {
            store
                .admin_update_user(
                    id,
                    AdminUserUpdate {
                        role: Some(Role::Admin),
                        disabled: Some(false),
                    },
                )
                .await
                .unwrap();
        }
        // Each admin demotes (or disables) the other at the same moment.
        let barrier = Arc::new(Barrier::new(2));
        let tasks = [(alice.id, bob.id), (bob.id, alice.id)].map(|(actor, target)| {
            let store = store.clone();
            let barrier = barrier.clone();
            let update = if round % 2 == 0 {
                AdminUserUpdate {
                    role: Some(Role::Member),
                    disabled: None,
                }
            } else {
                AdminUserUpdate {
                    role: None,
                    disabled: Some(true),
                }
            };
            tokio::spawn(async move {
                barrier.wait().await;
                store
                    .transaction(async |tx| {
                        let updated = users::administer(tx, target, update).await?;
                        audit::record(
                            tx,
                            NewAuditEvent::user(
                                Some(actor),
                                "user.admin_update",
                                target,
                                json!({}),
                            ),
                        )
                        .await?;
                        // Holding the transaction open a little makes the two overlap in every
                        // round: without the lock both would see two admins and both commit.
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        Ok::<_, StoreError>(updated)
                    })
                    .await
            })
        });
        let mut succeeded = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(Some(_)) => succeeded += 1,
                Err(StoreError::LastAdmin) => {}
                other => panic!("round {round}: {other:?}"),
            }
        }
        assert_eq!(succeeded, 1, "round {round}");
        assert_eq!(store.count_admins().await.unwrap(), 1, "round {round}");
    }
    // Only the successful changes left audit rows.
    assert_eq!(store.audit_events(1000).await.unwrap().len(), ROUNDS);
    store.close().await;
}
