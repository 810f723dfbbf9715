//! The handle tests hold: start a cluster, get clients and a kubeconfig, turn the knobs.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::auth::Tokens;
use crate::error::ClusterError;
use crate::faults::{FailRule, Faults};
use crate::logs::Logs;
use crate::ops::{self, WriteOptions};
use crate::rbac::Rbac;
use crate::registry::{self, CrdGroup, Registry};
use crate::state::{Simulation, State};
use crate::store::Store;

/// How to start a test cluster.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// CRD groups installed at start.
    pub crd_groups: Vec<CrdGroup>,
    /// How long pods take to become Ready.
    pub ready_delay: Duration,
    /// How many changes watches can resume across (older resourceVersions get 410 Gone).
    pub watch_history: usize,
    /// How often watches that allow bookmarks get one.
    pub bookmark_interval: Duration,
    /// Namespaces the restricted user may act in.
    pub restricted_namespaces: Vec<String>,
    /// A fixed admin token instead of a random one.
    pub admin_token: Option<String>,
    /// Where to write the kubeconfig; a temporary directory when `None`.
    pub kubeconfig_path: Option<PathBuf>,
    /// Run the simulated controllers.
    pub controllers: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            crd_groups: CrdGroup::ALL.to_vec(),
            ready_delay: Duration::from_millis(50),
            watch_history: 2000,
            bookmark_interval: Duration::from_secs(60),
            restricted_namespaces: vec!["team-a".to_string()],
            admin_token: None,
            kubeconfig_path: None,
            controllers: true,
        }
    }
}

/// A running test cluster; stops when dropped.
pub struct TestCluster {
    state: Arc<State>,
    addr: SocketAddr,
    kubeconfig_path: PathBuf,
    _dir: Option<tempfile::TempDir>,
    config: kube::Config,
    restricted_config: kube::Config,
    client: kube::Client,
    shutdown: CancellationToken,
}

impl TestCluster {
    /// Starts a cluster: binds, generates certificates, writes the kubeconfig, seeds the
    /// `default`, `kube-system`, `kube-public` and `kube-node-lease` namespaces.
    pub async fn start(options: Options) -> Result<Self, ClusterError> {
        let listener = TcpListener::bind(options.listen).await?;
        let addr = listener.local_addr()?;
        let host = addr.ip().to_string();
        let certs = crate::tls::generate(std::slice::from_ref(&host))?;
        let server = if addr.ip().is_ipv6() {
            format!("https://[{host}]:{}", addr.port())
        } else {
            format!("https://{host}:{}", addr.port())
        };
        let tokens = Tokens::new(options.admin_token.clone());
        let state = Arc::new(State {
            registry: Registry::new(options.crd_groups.iter().copied()),
            store: Store::new(options.watch_history),
            tokens: tokens.clone(),
            rbac: Rbac::new(options.restricted_namespaces.iter().cloned()),
            faults: Faults::default(),
            logs: Logs::default(),
            sim: Simulation {
                ready_delay: RwLock::new(options.ready_delay),
                failing_images: RwLock::new(HashSet::new()),
                crashing_images: RwLock::new(HashSet::new()),
                oom_images: RwLock::new(HashSet::new()),
                unbound_storage_classes: RwLock::new(HashSet::new()),
                load_balancers: RwLock::new(false),
            },
            bookmark_interval: options.bookmark_interval,
            server_address: format!("{}:{}", host, addr.port()),
        });
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            ops::create(
                &state,
                &registry::NAMESPACES,
                "",
                json!({"metadata": {"name": ns}}),
                &WriteOptions::by("kube-apiserver"),
            )
            .map_err(|e| ClusterError::Client(e.message))?;
        }
        let restricted_ns = options
            .restricted_namespaces
            .first()
            .cloned()
            .unwrap_or_else(|| "default".into());
        let text = crate::kubeconfig::render(
            &server,
            &certs.ca_pem,
            &tokens.admin,
            &tokens.restricted,
            &restricted_ns,
        );
        let (dir, path) = match &options.kubeconfig_path {
            Some(p) => (None, p.clone()),
            None => {
                let dir = tempfile::tempdir()?;
                let p = dir.path().join("kubeconfig");
                (Some(dir), p)
            }
        };
        write_private(&path, &text)?;
        let kubeconfig =
            Kubeconfig::from_yaml(&text).map_err(|e| ClusterError::Kubeconfig(e.to_string()))?;
        let config =
            kube::Config::from_custom_kubeconfig(kubeconfig.clone(), &KubeConfigOptions::default())
                .await
                .map_err(|e| ClusterError::Client(e.to_string()))?;
        let restricted_opts = KubeConfigOptions {
            context: Some("kubechart-test-limited".into()),
            ..KubeConfigOptions::default()
        };
        let restricted_config = kube::Config::from_custom_kubeconfig(kubeconfig, &restricted_opts)
            .await
            .map_err(|e| ClusterError::Client(e.to_string()))?;
        let client = kube::Client::try_from(config.clone())
            .map_err(|e| ClusterError::Client(e.to_string()))?;
        let shutdown = CancellationToken::new();
        tokio::spawn(crate::api::listener::serve(
            listener,
            state.clone(),
            certs.server_config,
            shutdown.clone(),
        ));
        // The garbage collector runs even without the simulated controllers: deletion semantics
        // are the API's, not a workload simulation.
        tokio::spawn(crate::gc::run(state.clone(), shutdown.clone()));
        if options.controllers {
            tokio::spawn(crate::controllers::run(state.clone(), shutdown.clone()));
        }
        Ok(Self {
            state,
            addr,
            kubeconfig_path: path,
            _dir: dir,
            config,
            restricted_config,
            client,
            shutdown,
        })
    }

    /// A kube-rs client authenticated as the administrator.
    pub fn client(&self) -> kube::Client {
        self.client.clone()
    }

    /// The administrator's kube-rs configuration.
    pub fn config(&self) -> kube::Config {
        self.config.clone()
    }

    /// A kube-rs client for the restricted user (edit in `Options::restricted_namespaces` only).
    pub fn restricted_client(&self) -> Result<kube::Client, ClusterError> {
        kube::Client::try_from(self.restricted_config.clone())
            .map_err(|e| ClusterError::Client(e.to_string()))
    }

    /// The restricted user's configuration.
    pub fn restricted_config(&self) -> kube::Config {
        self.restricted_config.clone()
    }

    /// The kubeconfig file (current context: admin; `kubechart-test-limited`: restricted user).
    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig_path
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The administrator's bearer token.
    pub fn admin_token(&self) -> &str {
        &self.state.tokens.admin
    }

    /// The restricted user's bearer token.
    pub fn restricted_token(&self) -> &str {
        &self.state.tokens.restricted
    }

    /// The simulation and fault knobs.
    pub fn knobs(&self) -> Knobs {
        Knobs {
            state: self.state.clone(),
        }
    }

    /// Stops serving (also done on drop).
    pub fn shutdown(&self) {
        self.shutdown.cancel();
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

fn write_private(path: &Path, text: &str) -> Result<(), ClusterError> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    opts.mode(0o600);
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

/// An event to seed, about one object.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSeed {
    /// The involved object's kind.
    pub kind: String,
    /// The involved object's name.
    pub name: String,
    /// `Normal` or `Warning`.
    pub event_type: String,
    /// The machine-readable reason.
    pub reason: String,
    /// The human message.
    pub message: String,
}

/// Knobs that steer the simulation and inject faults.
#[derive(Clone)]
pub struct Knobs {
    state: Arc<State>,
}

impl Knobs {
    /// How long new pods take to become Ready.
    pub fn set_ready_delay(&self, delay: Duration) {
        *self
            .state
            .sim
            .ready_delay
            .write()
            .unwrap_or_else(|e| e.into_inner()) = delay;
    }

    /// Pods using this image wait in ImagePullBackOff and never become ready.
    pub fn fail_image(&self, image: &str) {
        self.state
            .sim
            .failing_images
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(image.to_string());
    }

    /// Pods using this image crash-loop (CrashLoopBackOff, restarts counted).
    pub fn crash_image(&self, image: &str) {
        self.state
            .sim
            .crashing_images
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(image.to_string());
    }

    /// Pods using this image are OOMKilled (CrashLoopBackOff with `lastState.terminated.reason:
    /// OOMKilled`, exit code 137; `Failed` for `restartPolicy: Never`).
    pub fn oom_image(&self, image: &str) {
        self.state
            .sim
            .oom_images
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(image.to_string());
    }

    /// Installs (or removes) a load-balancer controller: LoadBalancer Services get
    /// `status.loadBalancer.ingress` only while one is installed; without it they stay pending,
    /// like on a cluster with no cloud controller. Off at start.
    pub fn set_load_balancer_controller(&self, on: bool) {
        *self
            .state
            .sim
            .load_balancers
            .write()
            .unwrap_or_else(|e| e.into_inner()) = on;
        if on {
            crate::controllers::assign_load_balancers(&self.state);
        }
    }

    /// Claims of this storage class stay Pending (with a ProvisioningFailed event).
    pub fn leave_storage_class_unbound(&self, class: &str) {
        self.state
            .sim
            .unbound_storage_classes
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(class.to_string());
    }

    /// Delays every API request.
    pub fn inject_latency(&self, latency: Duration) {
        self.state.faults.set_latency(latency);
    }

    /// Fails matching requests with a 5xx Status.
    pub fn fail_requests(&self, rule: FailRule) {
        self.state.faults.add_rule(rule);
    }

    /// Removes injected latency and failure rules.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// Ends every open API watch stream now (the cluster's own controllers keep watching).
    pub fn drop_watches(&self) {
        self.state.store.drop_watchers();
    }

    /// Takes the cluster down (connections refused, open connections cut) or brings it back.
    pub fn set_down(&self, down: bool) {
        self.state.faults.set_down(down);
    }

    /// Appends text to a pod container's log.
    pub fn seed_pod_log(&self, namespace: &str, pod: &str, container: &str, text: &str) {
        self.state.logs.append(namespace, pod, container, text);
    }

    /// Records an Event about an object.
    pub fn seed_event(
        &self,
        namespace: &str,
        event: EventSeed,
    ) -> Result<Value, crate::status::ApiError> {
        let def = crate::registry::RESOURCES
            .iter()
            .find(|d| d.kind == event.kind);
        let api_version = def.map(|d| d.api_version()).unwrap_or_else(|| "v1".into());
        let uid = def
            .and_then(|d| {
                self.state
                    .store
                    .get(crate::store::rid(d), ops::ns_of(d, namespace), &event.name)
            })
            .and_then(|o| {
                o.pointer("/metadata/uid")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .unwrap_or_default();
        crate::controllers::events::create(
            &self.state,
            namespace,
            &json!({"kind": event.kind, "name": event.name, "namespace": namespace, "apiVersion": api_version, "uid": uid}),
            &event.event_type,
            &event.reason,
            &event.message,
        )
    }

    /// Runs a CronJob now, as its schedule would: creates the Job and sets lastScheduleTime.
    pub fn trigger_cronjob(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Value, crate::status::ApiError> {
        crate::controllers::trigger_cronjob(&self.state, namespace, name)
    }

    /// Uninstalls a CRD group (its kinds vanish from discovery and routing).
    pub fn disable_crd_group(&self, group: CrdGroup) {
        self.state.registry.set_enabled(group, false);
    }

    /// Installs a CRD group.
    pub fn enable_crd_group(&self, group: CrdGroup) {
        self.state.registry.set_enabled(group, true);
    }

    /// Replaces the namespaces the restricted user may act in.
    pub fn set_restricted_namespaces(&self, namespaces: &[&str]) {
        self.state
            .rbac
            .set_namespaces(namespaces.iter().map(|s| s.to_string()));
    }
}
