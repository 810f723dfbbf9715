//! WebSocket tickets on both backends: redeemed once, never after expiry, swept when expired.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{TimeDelta, Utc};
use common::{migrated, user};
use kubechart_store::tickets;

both_backends!(
    a_ticket_is_redeemed_once_before_it_expires,
    expired_tickets_are_swept
);

async fn a_ticket_is_redeemed_once_before_it_expires(url: String) {
    let store = migrated(&url).await;
    let owner = user(&store, "ticket-holder").await.id;
    let now = Utc::now();
    let db = store.connection();
    tickets::issue(db, "live", owner, now + TimeDelta::seconds(30))
        .await
        .unwrap();
    tickets::issue(db, "stale", owner, now - TimeDelta::seconds(1))
        .await
        .unwrap();
    assert_eq!(tickets::redeem(db, "live", now).await.unwrap(), Some(owner));
    assert_eq!(
        tickets::redeem(db, "live", now).await.unwrap(),
        None,
        "a ticket is used up by its first use"
    );
    assert_eq!(tickets::redeem(db, "stale", now).await.unwrap(), None);
    assert_eq!(tickets::redeem(db, "unknown", now).await.unwrap(), None);
}

async fn expired_tickets_are_swept(url: String) {
    let store = migrated(&url).await;
    let owner = user(&store, "sweeper").await.id;
    let now = Utc::now();
    let db = store.connection();
    tickets::issue(db, "old", owner, now - TimeDelta::seconds(5))
        .await
        .unwrap();
    tickets::issue(db, "new", owner, now + TimeDelta::seconds(30))
        .await
        .unwrap();
    assert_eq!(tickets::sweep(db, now).await.unwrap(), 1);
    assert_eq!(tickets::redeem(db, "old", now).await.unwrap(), None);
    assert_eq!(tickets::redeem(db, "new", now).await.unwrap(), Some(owner));
}
