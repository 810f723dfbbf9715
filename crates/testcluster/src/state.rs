//! The shared state of one running test cluster.

use std::collections::HashSet;
use std::sync::RwLock;
use std::time::Duration;

use crate::auth::Tokens;
use crate::faults::Faults;
use crate::logs::Logs;
use crate::rbac::Rbac;
use crate::registry::Registry;
use crate::store::Store;

/// How the simulated controllers behave.
#[derive(Debug)]
pub struct Simulation {
    /// How long a pod takes from creation to Ready.
    pub ready_delay: RwLock<Duration>,
    /// Images that never pull (pods wait in ImagePullBackOff).
    pub failing_images: RwLock<HashSet<String>>,
    /// Images whose containers crash on start (pods wait in CrashLoopBackOff).
    pub crashing_images: RwLock<HashSet<String>>,
    /// Images whose containers are killed for exceeding their memory limit (OOMKilled).
    pub oom_images: RwLock<HashSet<String>>,
    /// Storage classes that never bind (claims stay Pending).
    pub unbound_storage_classes: RwLock<HashSet<String>>,
    /// Whether a load-balancer controller assigns addresses to LoadBalancer Services (a cluster
    /// without one leaves them pending, as kind and bare-metal clusters do).
    pub load_balancers: RwLock<bool>,
}

impl Simulation {
    /// The configured ready delay.
    pub fn ready_delay(&self) -> Duration {
        *self.ready_delay.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether pulling the image fails.
    pub fn image_fails(&self, image: &str) -> bool {
        self.failing_images
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(image)
    }

    /// Whether the image's container crashes.
    pub fn image_crashes(&self, image: &str) -> bool {
        self.crashing_images
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(image)
    }

    /// Whether the image's container is OOMKilled.
    pub fn image_ooms(&self, image: &str) -> bool {
        self.oom_images
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(image)
    }

    /// Whether LoadBalancer Services get an address.
    pub fn load_balancers(&self) -> bool {
        *self
            .load_balancers
            .read()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Whether claims of this storage class stay Pending.
    pub fn class_unbound(&self, class: &str) -> bool {
        self.unbound_storage_classes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(class)
    }
}

/// Everything a request handler or controller needs.
pub struct State {
    /// Served resources.
    pub registry: Registry,
    /// Objects.
    pub store: Store,
    /// Accepted tokens.
    pub tokens: Tokens,
    /// Authorisation of the restricted user.
    pub rbac: Rbac,
    /// Injected failures.
    pub faults: Faults,
    /// Pod logs.
    pub logs: Logs,
    /// Controller behaviour.
    pub sim: Simulation,
    /// How often watches that asked for bookmarks get one.
    pub bookmark_interval: Duration,
    /// The server's own URL (for `/api`'s serverAddressByClientCIDRs).
    pub server_address: String,
}
