//! Notifications between replicas: on PostgreSQL a message sent on a channel reaches a listener
//! of that channel, in order; SQLite has none (one replica).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::migrated;
use kubechart_store::Received;
use kubechart_store::testing::{fresh_postgres, temp_sqlite};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_delivers_messages_in_order_to_listeners() {
    let Some(db) = fresh_postgres().await else {
        return;
    };
    let store = migrated(&db.url).await;
    let notifications = store.notifications().unwrap();
    let mut listener = notifications.listen("kubechart_test").await.unwrap();
    let mut other = notifications.listen("kubechart_other").await.unwrap();
    for payload in ["one", "two", "three"] {
        notifications.send("kubechart_test", payload).await.unwrap();
    }
    notifications
        .send("kubechart_other", "elsewhere")
        .await
        .unwrap();
    for expected in ["one", "two", "three"] {
        match listener.recv().await.unwrap() {
            Received::Message(payload) => assert_eq!(payload, expected),
            Received::Reconnected => panic!("the connection stayed up"),
        }
    }
    match other.recv().await.unwrap() {
        Received::Message(payload) => assert_eq!(payload, "elsewhere"),
        Received::Reconnected => panic!("the connection stayed up"),
    }
}

#[tokio::test]
async fn sqlite_has_no_notifications() {
    let (_dir, url) = temp_sqlite();
    let store = migrated(&url).await;
    assert!(store.notifications().is_none());
}
