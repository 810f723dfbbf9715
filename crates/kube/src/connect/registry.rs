//! One connection per cluster, built once and cached; rebuilt when the credentials change.

use kube::api::GroupVersionKind;
use kube::discovery::{ApiResource, Scope};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::discovery::{Discovery, ResolveError};
use super::error::ConnectError;
use super::source::Source;

/// Client timeouts: an unreachable cluster must answer within seconds, never hang.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a connection (TCP and TLS).
    pub connect: Duration,
    /// Waiting for a response on [`Connection::client`]; streams use [`Connection::stream_client`],
    /// which has none, because a quiet watch is not a dead one.
    pub read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            read: Duration::from_secs(30),
        }
    }
}

/// A connected cluster: its clients and its discovery cache.
pub struct Connection {
    client: kube::Client,
    stream_client: kube::Client,
    discovery: Arc<Discovery>,
    default_namespace: String,
    server: String,
    fingerprint: String,
}

impl Connection {
    /// Builds the clients for `source` (no request is made yet). The CLI's entry point; the server
    /// goes through [`Registry::connect`], which caches.
    pub async fn open(source: &Source, timeouts: Timeouts) -> Result<Self, ConnectError> {
        let config = source.config().await?;
        let server = config.cluster_url.to_string();
        let default_namespace = config.default_namespace.clone();
        let mut config = config;
        // Callers retry within their own bounds; kube's retry layer would back off for minutes
        // on a cluster that keeps answering 503.
        config.default_retry = false;
        let mut request_config = config.clone();
        request_config.connect_timeout = Some(timeouts.connect);
        request_config.read_timeout = Some(timeouts.read);
        // Count the read timeout from when a request is sent, not from when its pooled connection
        // went idle.
        request_config.reset_reader_on_write = true;
        let mut stream_config = config;
        stream_config.connect_timeout = Some(timeouts.connect);
        stream_config.read_timeout = None;
        let build = |config: kube::Config| {
            kube::Client::try_from(config).map_err(|error| {
                ConnectError::Unavailable(format!("cannot build a client: {error}"))
            })
        };
        let client = build(request_config)?;
        Ok(Self {
            discovery: Arc::new(Discovery::new(client.clone())),
            client,
            stream_client: build(stream_config)?,
            default_namespace,
            server: server.trim_end_matches('/').to_string(),
            fingerprint: source.fingerprint(),
        })
    }

    /// The client for requests (reads, writes, discovery), with a read timeout.
    pub fn client(&self) -> &kube::Client {
        &self.client
    }

    /// The client for long-lived streams (watches, followed logs): same credentials, no read
    /// timeout.
    pub fn stream_client(&self) -> &kube::Client {
        &self.stream_client
    }

    /// The kind's resource and scope, from cached discovery refreshed once on a miss.
    pub async fn resolve(
        &self,
        gvk: &GroupVersionKind,
    ) -> Result<(ApiResource, Scope), ResolveError> {
        self.discovery.resolve(gvk).await
    }

    /// The discovery cache, shared with whoever else plans against this cluster (the apply engine).
    pub fn discovery(&self) -> &Arc<Discovery> {
        &self.discovery
    }

    /// The namespace of the source's context (`default` when it names none).
    pub fn default_namespace(&self) -> &str {
        &self.default_namespace
    }

    /// The API server URL.
    pub fn server(&self) -> &str {
        &self.server
    }
}

/// The connections of every cluster, by the caller's cluster id.
pub struct Registry<K> {
    timeouts: Timeouts,
    connections: Mutex<HashMap<K, Arc<Connection>>>,
}

impl<K: Eq + Hash + Clone> Registry<K> {
    /// An empty registry whose clients use `timeouts`.
    pub fn new(timeouts: Timeouts) -> Self {
        Self {
            timeouts,
            connections: Mutex::new(HashMap::new()),
        }
    }

    /// The cached connection of cluster `id`, or a new one when there is none or `source` differs
    /// from what the cached one was built from (credentials rotated, context changed).
    pub async fn connect(&self, id: &K, source: &Source) -> Result<Arc<Connection>, ConnectError> {
        let fingerprint = source.fingerprint();
        if let Some(cached) = self.lock().get(id)
            && cached.fingerprint == fingerprint
        {
            return Ok(cached.clone());
        }
        let connection = Arc::new(Connection::open(source, self.timeouts).await?);
        self.lock().insert(id.clone(), connection.clone());
        Ok(connection)
    }

    /// Drops the connection of a deleted cluster.
    pub fn forget(&self, id: &K) {
        self.lock().remove(id);
    }

    /// The timeouts new clients get.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Arc<Connection>>> {
        self.connections.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<K: Eq + Hash + Clone> Default for Registry<K> {
    fn default() -> Self {
        Self::new(Timeouts::default())
    }
}
