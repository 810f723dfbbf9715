//! Test helpers shared by the store's and the server's tests (feature `test-util`): a fresh
//! PostgreSQL database per test, a temporary SQLite file.

use sea_orm::sqlx::{Connection, PgConnection};
use url::Url;

/// Names the PostgreSQL server URL tests create their databases on.
pub const POSTGRES_URL_ENV: &str = "KUBECHART_TEST_POSTGRES_URL";

/// A database created for one test and dropped (best effort) when this value is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    /// URL of the new database, with the server URL's parameters (such as `sslmode`) kept.
    pub url: String,
    /// Name of the new database.
    pub name: String,
    server_url: String,
}

/// A fresh, empty PostgreSQL database on the server named by `KUBECHART_TEST_POSTGRES_URL`.
///
/// Returns `None` (after printing a notice) when the variable is unset, so that PostgreSQL tests
/// can be skipped on a developer machine; panics instead when `CI=true`, where PostgreSQL is
/// required. Panics when the server cannot be reached or the database cannot be created.
pub async fn fresh_postgres() -> Option<TestDatabase> {
    let Ok(server_url) = std::env::var(POSTGRES_URL_ENV) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{POSTGRES_URL_ENV} must be set in CI: the PostgreSQL tests are required there"
        );
        eprintln!("{POSTGRES_URL_ENV} is not set: skipping the PostgreSQL variant of this test");
        return None;
    };
    let name = format!("kubechart_test_{}", uuid::Uuid::new_v4().simple());
    let mut url = Url::parse(&server_url)
        .unwrap_or_else(|err| panic!("{POSTGRES_URL_ENV} is not a URL ({err}): {server_url}"));
    url.set_path(&format!("/{name}"));

    let mut conn = PgConnection::connect(&server_url)
        .await
        .unwrap_or_else(|err| panic!("cannot connect to {server_url}: {err}"));
    // template0 is never connected to, so concurrent test processes never block each other on it.
    sea_orm::sqlx::raw_sql(sea_orm::sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {name} TEMPLATE template0"
    )))
    .execute(&mut conn)
    .await
    .unwrap_or_else(|err| panic!("cannot create database {name}: {err}"));
    let _ = conn.close().await;

    Some(TestDatabase {
        url: url.into(),
        name,
        server_url,
    })
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let server_url = self.server_url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot be blocked on; a short-lived runtime
        // on its own thread does the cleanup. Failure only leaves a stray database behind.
        let cleanup = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(mut conn) = PgConnection::connect(&server_url).await {
                    let statement = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    if let Err(err) =
                        sea_orm::sqlx::raw_sql(sea_orm::sqlx::AssertSqlSafe(statement))
                            .execute(&mut conn)
                            .await
                    {
                        eprintln!("could not drop test database {name}: {err}");
                    }
                    let _ = conn.close().await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

/// A temporary directory and the `sqlite://` URL of a database file inside it (not yet created).
/// Keep the directory alive for as long as the database is used.
pub fn temp_sqlite() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("cannot create temp dir: {err}"));
    let url = format!("sqlite://{}", dir.path().join("kubechart.db").display());
    (dir, url)
}
