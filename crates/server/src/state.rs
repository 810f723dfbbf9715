//! What every request handler can reach. Built once at start-up from the configuration; no globals.

use crate::auth::limiter::LoginLimiter;
use crate::auth::password::PasswordHasher;
use crate::auth::token::TokenIssuer;
use crate::clusters::Clusters;
use crate::deployments::Deployments;
use crate::http::metrics::HttpMetrics;
use crate::live::Live;
use crate::serve::BackgroundTasks;
use crate::watches::Watches;
use kubechart_store::Store;
use secrecy::SecretSlice;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub tokens: TokenIssuer,
    pub passwords: PasswordHasher,
    pub login_limiter: LoginLimiter,
    /// Spawns every task that outlives its request, so that shutdown can cancel and drain them.
    pub background: BackgroundTasks,
    pub metrics: Arc<HttpMetrics>,
    /// Encrypts cluster credentials at rest; loaded at start so a bad key fails before serving.
    pub credentials_key: Arc<SecretSlice<u8>>,
    /// Registered clusters and their cached clients.
    pub clusters: Arc<Clusters>,
    /// Deployment records and their history.
    pub deployments: Arc<Deployments>,
    /// The live watch of each cluster in use.
    pub watches: Arc<Watches>,
    /// Live status: status followers, socket tickets and deployment news.
    pub live: Arc<Live>,
}
