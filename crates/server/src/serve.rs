//! Starting and stopping the server: open the store, migrate, bind, serve until told to stop, then
//! stop accepting, cancel the background tasks, let in-flight requests and those tasks finish within
//! the grace period, and close the pool.

mod background;

pub use background::BackgroundTasks;

use crate::auth::limiter::{LoginLimiter, LoginLimits};
use crate::auth::password::PasswordHasher;
use crate::auth::token::TokenIssuer;
use crate::cli::ServeArgs;
use crate::clusters::Clusters;
use crate::deployments::{Deployments, resume_abandoned_operations};
use crate::http::metrics::HttpMetrics;
use crate::live::leadership::Leadership;
use crate::live::{Live, fanout};
use crate::state::AppState;
use crate::watches::Watches;
use crate::{app, database, secrets};
use anyhow::Context as _;
use kubechart_kube::connect::HostEnv;
use kubechart_kube::watch::WatchConfig;
use kubechart_store::ConnectOptions;
use secrecy::ExposeSecret as _;
use std::future::{Future, IntoFuture as _};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::time::Instant;

/// How often idle login-throttling keys are forgotten.
const LIMITER_SWEEP: Duration = Duration::from_secs(60);

/// A server running in the background; dropping the handle does not stop it, `shutdown` does.
pub struct RunningServer {
    pub addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl RunningServer {
    /// Stops accepting, cancels the background tasks, waits for them and the in-flight requests
    /// (within the grace period) and closes the pool.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.task.await.context("server task panicked")?
    }
}

/// Binds and starts serving in a background task; for tests and for `run`.
pub async fn start(args: ServeArgs) -> anyhow::Result<RunningServer> {
    start_with_host(args, HostEnv::from_process()).await
}

/// [`start`], detecting cluster sources in `host` instead of this process's environment.
pub async fn start_with_host(args: ServeArgs, host: HostEnv) -> anyhow::Result<RunningServer> {
    let jwt_secret = secrets::jwt_secret(args.jwt_secret.as_deref(), &args.data.data_dir)?;
    let credentials_key = secrets::encryption_key(args.secret_key.as_deref(), &args.data.data_dir)?;
    let store = database::open(
        &args.data,
        ConnectOptions {
            max_connections: args.db_max_connections,
            ..ConnectOptions::default()
        },
    )
    .await?;

    let login_limiter = LoginLimiter::new(LoginLimits {
        per_address_burst: args.login_burst_per_address,
        per_username_burst: args.login_burst_per_username,
        refill_every: args.login_refill,
    });
    let background = BackgroundTasks::new();
    let credentials_key = Arc::new(credentials_key);
    let clusters = Arc::new(Clusters::new(
        store.clone(),
        credentials_key.clone(),
        host,
        args.auto_register_cluster,
    ));
    // A failure here must not keep the server from starting: the cluster can be added by hand.
    if let Err(error) = clusters.auto_register().await {
        tracing::warn!(%error, "could not register the host's cluster");
    }
    // Names this process in the news it publishes and the cluster leases it holds.
    let replica = format!("kubechart-{}", uuid::Uuid::new_v4());
    let news = fanout::news(&store, &replica, &background);
    let deployments = Arc::new(
        Deployments::new(store.clone(), clusters.clone())
            .with_operation_lease(args.operation_lease)
            .with_news(news.clone()),
    );
    resume_abandoned_operations(deployments.clone(), &background);
    let mut watch_config = WatchConfig::default();
    if let Some(grace) = args.watch_failure_grace {
        watch_config.failure_grace = grace;
    }
    let watches = Arc::new(Watches::new(
        clusters.clone(),
        watch_config,
        background.shutdown_token(),
    ));
    let live = Arc::new(Live::new(
        store.clone(),
        watches.clone(),
        news,
        Leadership::new(store.clone(), replica, args.operation_lease),
        background.clone(),
        args.allowed_origins.clone(),
    ));
    live.start(&background);
    let state = AppState {
        store: store.clone(),
        tokens: TokenIssuer::new(jwt_secret.expose_secret(), args.token_ttl)?,
        passwords: PasswordHasher::new().await?,
        login_limiter: login_limiter.clone(),
        background: background.clone(),
        metrics: Arc::new(HttpMetrics::new()?),
        credentials_key,
        clusters,
        deployments,
        watches,
        live,
    };
    let listener = TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = app::build(state, args.request_timeout);
    let grace = args.shutdown_grace;
    background.spawn("login limiter sweeper", |shutdown| async move {
        let mut ticks = tokio::time::interval(LIMITER_SWEEP);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = ticks.tick() => login_limiter.forget_idle(),
            }
        }
    });
    let task = tokio::spawn(async move {
        let (draining_tx, draining_rx) = tokio::sync::oneshot::channel::<()>();
        let serving = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.await;
            let _ = draining_tx.send(());
        });
        let result = drain_within(serving.into_future(), draining_rx, grace, &background).await;
        store.close().await;
        tracing::info!("server stopped");
        result
    });
    Ok(RunningServer { addr, stop, task })
}

/// Runs `serving` to completion, but once draining has begun cancels the background tasks and gives
/// the in-flight requests and those tasks together at most `grace` to finish.
async fn drain_within(
    serving: impl Future<Output = std::io::Result<()>>,
    draining: tokio::sync::oneshot::Receiver<()>,
    grace: Duration,
    background: &BackgroundTasks,
) -> anyhow::Result<()> {
    tokio::pin!(serving);
    let deadline = tokio::select! {
        result = &mut serving => {
            background.shutdown(Instant::now() + grace).await;
            return Ok(result?);
        }
        _ = draining => Instant::now() + grace,
    };
    let (served, _) = tokio::join!(
        tokio::time::timeout_at(deadline, serving),
        background.shutdown(deadline)
    );
    match served {
        Ok(result) => Ok(result?),
        Err(_) => {
            tracing::warn!(
                grace_secs = grace.as_secs(),
                "in-flight requests did not finish in time"
            );
            Ok(())
        }
    }
}

/// `kubechart serve`: runs until SIGINT or SIGTERM.
pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let server = start(args).await?;
    tracing::info!(url = %format!("http://{}", server.addr), "KubeChart is listening");
    shutdown_signal().await;
    tracing::info!("shutting down: finishing in-flight requests");
    server.shutdown().await
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(error) => {
                    tracing::error!(%error, "cannot listen for SIGTERM");
                    std::future::pending::<()>().await;
                }
            }
        };
        tokio::select! {
            _ = interrupt => {}
            () = terminate => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
