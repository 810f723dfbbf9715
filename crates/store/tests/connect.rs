//! Connecting: URL schemes, TLS settings, unreachable servers, readiness and pool statistics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kubechart_store::testing::{POSTGRES_URL_ENV, fresh_postgres, temp_sqlite};
use kubechart_store::{Backend, ConnectOptions, Store, StoreError};
use sea_orm::sqlx::{self, Connection, PgConnection};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;
use url::Url;

fn quick() -> ConnectOptions {
    ConnectOptions {
        max_connections: 4,
        acquire_timeout: Duration::from_secs(1),
    }
}

#[tokio::test]
async fn unsupported_scheme_is_named_in_the_error() {
    for (url, scheme) in [
        ("mysql://root@localhost/kubechart", "mysql"),
        ("redis://localhost", "redis"),
    ] {
        let err = Store::connect(url, ConnectOptions::default())
            .await
            .unwrap_err();
        match &err {
            StoreError::UnsupportedUrl { scheme: got } => assert_eq!(got, scheme),
            other => panic!("expected UnsupportedUrl, got {other:?}"),
        }
        let message = err.to_string();
        assert!(message.contains(scheme), "{message}");
        assert!(
            message.contains("sqlite://") && message.contains("postgres://"),
            "{message}"
        );
    }
    let err = Store::connect("kubechart.db", ConnectOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidUrl { .. }), "{err:?}");
}

#[tokio::test]
async fn closed_port_fails_fast_as_unavailable() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let started = Instant::now();
    let err = Store::connect(
        &format!("postgres://postgres@127.0.0.1:{port}/test"),
        quick(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn sqlite_creates_the_file_and_its_directory_in_wal_mode() {
    let (dir, _) = temp_sqlite();
    let path = dir.path().join("nested").join("data").join("kubechart.db");
    let store = Store::connect(&format!("sqlite://{}", path.display()), quick())
        .await
        .unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    store.migrate().await.unwrap();
    assert!(path.is_file());
    // The write-ahead log sits next to the database while connections are open.
    assert!(path.with_file_name("kubechart.db-wal").exists());

    let stats = store.pool_stats();
    assert!(stats.size >= 1 && stats.idle <= stats.size, "{stats:?}");
    store.ping().await.unwrap();
    store.close().await;
}

/// `url` with extra query parameters, replacing any of the same name.
fn with_params(url: &str, params: &[(&str, &str)]) -> String {
    let mut url = Url::parse(url).unwrap();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| params.iter().all(|(name, _)| key != name))
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .extend_pairs(params);
    url.into()
}

/// Asks the server itself (over a separate connection) whether TLS is enabled, and whether the
/// connections tagged with `application_name` are encrypted.
async fn server_view(application_name: &str) -> (bool, Vec<bool>) {
    let server_url = std::env::var(POSTGRES_URL_ENV).unwrap();
    let mut conn = PgConnection::connect(&with_params(&server_url, &[("sslmode", "disable")]))
        .await
        .unwrap();
    let ssl_enabled: String = sqlx::query_scalar("SHOW ssl")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let encrypted: Vec<bool> = sqlx::query_scalar(
        "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
         WHERE a.application_name = $1",
    )
    .bind(application_name)
    .fetch_all(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    (ssl_enabled == "on", encrypted)
}

#[tokio::test]
async fn postgres_sslmode_in_the_url_is_honoured() {
    let Some(db) = fresh_postgres().await else {
        return;
    };
    let require = with_params(
        &db.url,
        &[
            ("sslmode", "require"),
            ("application_name", &format!("{}_require", db.name)),
        ],
    );
    let disable = with_params(
        &db.url,
        &[
            ("sslmode", "disable"),
            ("application_name", &format!("{}_disable", db.name)),
        ],
    );

    let (server_has_tls, _) = server_view("").await;
    if server_has_tls {
        // TLS is on: `require` must encrypt, `disable` must not, and `verify-full` must refuse the
        // server's self-signed certificate.
        let store = Store::connect(&require, quick()).await.unwrap();
        let (_, encrypted) = server_view(&format!("{}_require", db.name)).await;
        assert!(
            !encrypted.is_empty() && encrypted.iter().all(|e| *e),
            "{encrypted:?}"
        );
        store.close().await;

        let err = Store::connect(
            &with_params(&db.url, &[("sslmode", "verify-full")]),
            quick(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    } else {
        // TLS is off: requiring it must fail.
        let err = Store::connect(&require, quick()).await.unwrap_err();
        assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
        assert!(err.to_string().to_lowercase().contains("tls"), "{err}");
    }

    let store = Store::connect(&disable, quick()).await.unwrap();
    assert_eq!(store.backend(), Backend::Postgres);
    store.ping().await.unwrap();
    let (_, encrypted) = server_view(&format!("{}_disable", db.name)).await;
    assert!(
        !encrypted.is_empty() && encrypted.iter().all(|e| !*e),
        "{encrypted:?}"
    );
    store.close().await;
}

#[tokio::test]
async fn postgresql_scheme_is_accepted() {
    let Some(db) = fresh_postgres().await else {
        return;
    };
    let url = db.url.replacen("postgres://", "postgresql://", 1);
    assert!(url.starts_with("postgresql://"), "{url}");
    let store = Store::connect(&url, quick()).await.unwrap();
    store.migrate().await.unwrap();
    let stats = store.pool_stats();
    assert!(stats.size >= 1 && stats.idle <= stats.size, "{stats:?}");
    store.close().await;
}

/// A TCP forwarder in front of PostgreSQL that can be taken down and brought back on the same
/// port, to simulate the database going away.
struct Proxy {
    port: u16,
    upstream: String,
    tasks: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = Proxy {
            port: listener.local_addr().unwrap().port(),
            upstream,
            tasks: Arc::default(),
        };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let upstream = self.upstream.clone();
        let tasks = Arc::clone(&self.tasks);
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let forward = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                tasks.lock().unwrap().push(forward.abort_handle());
            }
        });
        self.tasks.lock().unwrap().push(accept.abort_handle());
    }

    /// Stops listening and cuts every forwarded connection.
    fn stop(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// Listens again on the same port.
    async fn resume(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let listener = loop {
            // The aborted listener is released once its task has been dropped by the runtime.
            match TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(listener) => break listener,
                Err(_) if Instant::now() < deadline => tokio::task::yield_now().await,
                Err(err) => panic!("cannot listen on port {} again: {err}", self.port),
            }
        };
        self.serve(listener);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ping_fails_fast_while_postgres_is_down_and_recovers_without_restart() {
    let Some(db) = fresh_postgres().await else {
        return;
    };
    let server = Url::parse(&std::env::var(POSTGRES_URL_ENV).unwrap()).unwrap();
    let upstream = format!(
        "{}:{}",
        server.host_str().unwrap(),
        server.port().unwrap_or(5432)
    );
    let proxy = Proxy::start(upstream).await;
    let mut url = Url::parse(&db.url).unwrap();
    url.set_port(Some(proxy.port)).unwrap();

    let store = Store::connect(url.as_str(), quick()).await.unwrap();
    store.migrate().await.unwrap();
    store.ping().await.unwrap();

    proxy.stop();
    let started = Instant::now();
    let err = store.ping().await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    let err = store.list_users().await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");

    proxy.resume().await;
    store.ping().await.unwrap();
    assert!(store.list_users().await.unwrap().is_empty());
    store.close().await;
}
