//! The store suite: every test here is written once and runs against a temporary SQLite file and a
//! fresh PostgreSQL database (`KUBECHART_TEST_POSTGRES_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;

use chrono::{SubsecRound, Utc};
use kubechart_store::testing::{fresh_postgres, temp_sqlite};
use kubechart_store::{
    AdminUserUpdate, Backend, ConnectOptions, NewAuditEvent, NewUser, ProfileUpdate, Role, Store,
    StoreError, UserId,
};
use serde_json::json;

/// Declares, for each named `async fn(url: String)`, a module with one test per backend.
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
    migrate_is_idempotent,
    first_user_is_admin_then_members,
    concurrent_first_registrations_make_one_admin,
    duplicate_username_is_a_username_conflict,
    duplicate_email_is_an_email_conflict_whatever_the_case,
    lookups_by_id_username_and_email,
    profile_update_round_trips_preferences,
    set_password_hash_moves_password_changed_at,
    admin_update_changes_role_and_disabled,
    list_users_is_in_creation_order,
    audit_events_are_listed_newest_first,
    timestamps_round_trip_in_utc,
    errors_after_close_are_not_absent_rows,
);

async fn migrated(url: &str) -> Store {
    let store = Store::connect(url, ConnectOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store
}

fn new_user(name: &str) -> NewUser {
    NewUser {
        username: name.to_owned(),
        email: format!("{name}@example.com"),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt${name}"),
        display_name: None,
    }
}

fn expected_backend(url: &str) -> Backend {
    if url.starts_with("sqlite:") {
        Backend::Sqlite
    } else {
        Backend::Postgres
    }
}

async fn migrate_is_idempotent(url: String) {
    let store = migrated(&url).await;
    assert_eq!(store.backend(), expected_backend(&url));
    let user = store.register_user(new_user("alice")).await.unwrap();
    store.migrate().await.unwrap();
    drop(store);

    // A new process on the same database: migrating again changes nothing and keeps the data.
    let store = migrated(&url).await;
    assert_eq!(store.user(user.id).await.unwrap(), Some(user));
    store.close().await;
}

async fn first_user_is_admin_then_members(url: String) {
    let store = migrated(&url).await;
    let first = store.register_user(new_user("alice")).await.unwrap();
    let second = store.register_user(new_user("bob")).await.unwrap();
    let third = store.register_user(new_user("carol")).await.unwrap();
    assert_eq!(first.role, Role::Admin);
    assert_eq!(second.role, Role::Member);
    assert_eq!(third.role, Role::Member);
    assert_eq!(store.count_admins().await.unwrap(), 1);

    let explicit = store
        .create_user(new_user("dave"), Role::Admin)
        .await
        .unwrap();
    assert_eq!(explicit.role, Role::Admin);
    assert_eq!(store.count_admins().await.unwrap(), 2);
    assert!(!first.disabled);
    assert_eq!(first.preferences, json!({}));
    store.close().await;
}

async fn concurrent_first_registrations_make_one_admin(url: String) {
    let store = migrated(&url).await;
    let registrations: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.register_user(new_user(&format!("user{i}"))).await })
        })
        .collect();
    let mut roles = Vec::new();
    for registration in registrations {
        roles.push(registration.await.unwrap().unwrap().role);
    }
    assert_eq!(roles.iter().filter(|r| **r == Role::Admin).count(), 1);
    assert_eq!(store.count_admins().await.unwrap(), 1);
    assert_eq!(store.list_users().await.unwrap().len(), 8);
    store.close().await;
}

async fn duplicate_username_is_a_username_conflict(url: String) {
    let store = migrated(&url).await;
    store.register_user(new_user("alice")).await.unwrap();
    let mut clash = new_user("ALICE");
    clash.email = "other@example.com".into();
    let err = store.register_user(clash).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { field: "username" }),
        "{err:?}"
    );
    // The failed transaction left nothing behind and the store keeps working.
    assert_eq!(store.list_users().await.unwrap().len(), 1);
    store.register_user(new_user("bob")).await.unwrap();
    store.close().await;
}

async fn duplicate_email_is_an_email_conflict_whatever_the_case(url: String) {
    let store = migrated(&url).await;
    store.register_user(new_user("alice")).await.unwrap();
    let mut clash = new_user("bob");
    clash.email = "Alice@EXAMPLE.com".into();
    let err = store.create_user(clash, Role::Member).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { field: "email" }),
        "{err:?}"
    );
    assert_eq!(store.list_users().await.unwrap().len(), 1);
    store.close().await;
}

async fn lookups_by_id_username_and_email(url: String) {
    let store = migrated(&url).await;
    let mut registration = new_user("Alice");
    registration.email = "Alice.Smith@Example.COM".into();
    registration.display_name = Some("Alice Smith".into());
    let alice = store.register_user(registration).await.unwrap();
    let bob = store.register_user(new_user("bob")).await.unwrap();
    assert_eq!(alice.username, "alice");
    assert_eq!(alice.email, "alice.smith@example.com");
    assert_eq!(alice.display_name.as_deref(), Some("Alice Smith"));

    assert_eq!(store.user(alice.id).await.unwrap().as_ref(), Some(&alice));
    assert_eq!(store.user(UserId::new()).await.unwrap(), None);
    for login in [
        "alice",
        "ALICE",
        " alice ",
        "alice.smith@example.com",
        "ALICE.SMITH@example.com",
    ] {
        let found = store.user_by_login(login).await.unwrap();
        assert_eq!(found.as_ref(), Some(&alice), "login {login:?}");
    }
    assert_eq!(
        store.user_by_login("bob@example.com").await.unwrap(),
        Some(bob)
    );
    assert_eq!(store.user_by_login("nobody").await.unwrap(), None);
    assert_eq!(store.user_by_login("").await.unwrap(), None);
    store.close().await;
}

async fn profile_update_round_trips_preferences(url: String) {
    let store = migrated(&url).await;
    let alice = store.register_user(new_user("alice")).await.unwrap();
    let preferences = json!({
        "theme": "dark",
        "defaultNamespace": "team-ä",
        "pageSize": 50,
        "ratio": 0.25,
        "pinned": ["web", "api"],
        "editor": {"vim": true, "tabSize": null}
    });
    let updated = store
        .update_profile(
            alice.id,
            ProfileUpdate {
                display_name: Some(Some("Alice".into())),
                preferences: Some(preferences.clone()),
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.display_name.as_deref(), Some("Alice"));
    assert_eq!(updated.preferences, preferences);
    assert!(updated.updated_at >= alice.updated_at);
    assert_eq!(store.user(alice.id).await.unwrap(), Some(updated.clone()));

    // Unset fields stay as they are; Some(None) clears the display name.
    let cleared = store
        .update_profile(
            alice.id,
            ProfileUpdate {
                display_name: Some(None),
                preferences: None,
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cleared.display_name, None);
    assert_eq!(cleared.preferences, preferences);
    assert_eq!(cleared.password_hash, alice.password_hash);

    let missing = store
        .update_profile(UserId::new(), ProfileUpdate::default())
        .await
        .unwrap();
    assert_eq!(missing, None);
    store.close().await;
}

async fn set_password_hash_moves_password_changed_at(url: String) {
    let store = migrated(&url).await;
    let alice = store.register_user(new_user("alice")).await.unwrap();
    // Timestamps are stored to the microsecond: make sure the clock has moved past the first one.
    while Utc::now().trunc_subsecs(6) <= alice.password_changed_at {
        std::hint::spin_loop();
    }
    let changed = store
        .set_password_hash(alice.id, "$argon2id$new")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(changed.password_hash, "$argon2id$new");
    assert!(changed.password_changed_at > alice.password_changed_at);
    assert_eq!(changed.updated_at, changed.password_changed_at);
    assert_eq!(changed.created_at, alice.created_at);
    assert_eq!(store.user(alice.id).await.unwrap(), Some(changed));
    assert_eq!(
        store.set_password_hash(UserId::new(), "x").await.unwrap(),
        None
    );
    store.close().await;
}

async fn admin_update_changes_role_and_disabled(url: String) {
    let store = migrated(&url).await;
    let alice = store.register_user(new_user("alice")).await.unwrap();
    let bob = store.register_user(new_user("bob")).await.unwrap();

    let promoted = store
        .admin_update_user(
            bob.id,
            AdminUserUpdate {
                role: Some(Role::Admin),
                disabled: None,
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(promoted.role, Role::Admin);
    assert!(!promoted.disabled);
    assert_eq!(store.count_admins().await.unwrap(), 2);

    let disabled = store
        .admin_update_user(
            alice.id,
            AdminUserUpdate {
                role: None,
                disabled: Some(true),
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert!(disabled.disabled);
    assert_eq!(disabled.role, Role::Admin);
    // Disabled admins do not count.
    assert_eq!(store.count_admins().await.unwrap(), 1);

    let demoted = store
        .admin_update_user(
            bob.id,
            AdminUserUpdate {
                role: Some(Role::Member),
                disabled: Some(false),
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(demoted.role, Role::Member);
    assert_eq!(store.count_admins().await.unwrap(), 0);
    assert_eq!(store.user(alice.id).await.unwrap(), Some(disabled));
    assert_eq!(
        store
            .admin_update_user(UserId::new(), AdminUserUpdate::default())
            .await
            .unwrap(),
        None
    );
    store.close().await;
}

async fn list_users_is_in_creation_order(url: String) {
    let store = migrated(&url).await;
    assert!(store.list_users().await.unwrap().is_empty());
    let names = ["zoe", "adam", "mia", "bob"];
    for name in names {
        store.register_user(new_user(name)).await.unwrap();
    }
    let listed: Vec<String> = store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(listed, names);
    store.close().await;
}

async fn audit_events_are_listed_newest_first(url: String) {
    let store = migrated(&url).await;
    let alice = store.register_user(new_user("alice")).await.unwrap();
    let events = [
        (Some(alice.id), "user.register", json!({"role": "admin"})),
        (
            None,
            "user.login_failed",
            json!({"login": "mallory", "attempt": 3}),
        ),
        (
            Some(alice.id),
            "user.update",
            json!({"fields": ["display_name"]}),
        ),
    ];
    for (actor_id, action, detail) in &events {
        store
            .record_audit(NewAuditEvent {
                actor_id: *actor_id,
                action: (*action).to_owned(),
                target: format!("user:{}", alice.id),
                detail: detail.clone(),
            })
            .await
            .unwrap();
    }
    let latest = store.audit_events(2).await.unwrap();
    assert_eq!(latest.len(), 2);
    assert_eq!(latest[0].action, "user.update");
    assert_eq!(latest[0].actor_id, Some(alice.id));
    assert_eq!(latest[0].detail, json!({"fields": ["display_name"]}));
    assert_eq!(latest[1].action, "user.login_failed");
    assert_eq!(latest[1].actor_id, None);
    assert_eq!(latest[1].target, format!("user:{}", alice.id));
    assert!(latest[0].at >= latest[1].at);

    let all = store.audit_events(100).await.unwrap();
    let actions: Vec<&str> = all.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["user.update", "user.login_failed", "user.register"]
    );
    let ids: HashSet<_> = all.iter().map(|e| e.id).collect();
    assert_eq!(ids.len(), 3);
    store.close().await;
}

async fn timestamps_round_trip_in_utc(url: String) {
    let store = migrated(&url).await;
    let before = Utc::now().trunc_subsecs(6);
    let alice = store.register_user(new_user("alice")).await.unwrap();
    let after = Utc::now();
    // A timezone shift anywhere on the way would move the value by hours.
    assert!(before <= alice.created_at && alice.created_at <= after);
    assert_eq!(alice.created_at, alice.updated_at);
    assert_eq!(alice.created_at, alice.password_changed_at);

    let read = store.user(alice.id).await.unwrap().unwrap();
    assert_eq!(read.created_at, alice.created_at);
    assert_eq!(
        read.created_at.timestamp_micros(),
        alice.created_at.timestamp_micros()
    );
    assert_eq!(read.password_changed_at, alice.password_changed_at);
    store.close().await;
}

async fn errors_after_close_are_not_absent_rows(url: String) {
    let store = migrated(&url).await;
    let alice = store.register_user(new_user("alice")).await.unwrap();
    let handle = store.clone();
    store.close().await;
    // A failing database must never look like a missing row.
    let err = handle.user(alice.id).await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    let err = handle.user_by_login("alice").await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(matches!(
        handle.ping().await,
        Err(StoreError::Unavailable(_))
    ));
}
