//! Helpers shared by the suites that run every test on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use kubechart_store::{ConnectOptions, NewUser, Store, User};

/// Declares, for each named `async fn(url: String)`, a module with one test per backend.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (_dir, url) = kubechart_store::testing::temp_sqlite();
                super::$name(url).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = kubechart_store::testing::fresh_postgres().await else { return };
                super::$name(db.url.clone()).await;
            }
        }
    )*};
}

/// A store on `url` with every migration applied.
pub async fn migrated(url: &str) -> Store {
    let store = Store::connect(url, ConnectOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store
}

/// Registers `name` (the first registration becomes admin).
pub async fn user(store: &Store, name: &str) -> User {
    store.register_user(new_user(name)).await.unwrap()
}

pub fn new_user(name: &str) -> NewUser {
    NewUser {
        username: name.to_owned(),
        email: format!("{name}@example.com"),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$salt$hash".to_owned(),
        display_name: None,
    }
}
