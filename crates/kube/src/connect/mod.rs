//! Cluster connections: the four credential sources, host detection, cached clients, discovery and
//! the status probe.
//!
//! Every source becomes a `kube::Config` through one path ([`Source::config`]): a kubeconfig value
//! handed to `kube::Config::from_custom_kubeconfig`, with timeouts so an unreachable cluster
//! answers within seconds. An uploaded kubeconfig is validated as a plain YAML value first
//! ([`UploadedKubeconfig::parse`]), so nothing in it can run a command or read a local file.
//!
//! - Server: keep one [`Registry`] and call [`Registry::connect`] with the cluster id and its
//!   [`Source`]; the [`Connection`] it returns is cached and rebuilt when the credentials change.
//! - CLI: [`Connection::open`] with [`Source::from_kubectl_flags`] (`--kubeconfig`, `--context`).
//! - Kinds: [`Connection::resolve`] (cached discovery, refreshed once on a miss).

mod cause;
mod detect;
mod discovery;
mod error;
mod permissions;
mod registry;
mod source;
mod status;
mod upload;

pub use cause::{Cause, Unreachable};
pub use detect::{
    DetectedContext, DetectedFile, DetectedInCluster, Detection, HostEnv, SERVICE_ACCOUNT_DIR,
    detect,
};
pub use discovery::{Discovery, ResolveError};
pub use error::{ConnectError, FieldProblem};
pub use kube::discovery::{ApiResource, Scope};
pub use permissions::{KindPermission, Permissions};
pub use registry::{Connection, Registry, Timeouts};
pub use source::{InClusterEnv, Source, TokenSource};
pub use status::{
    ClusterStatus, Identity, OptionalApi, Picker, PickerItem, Pickers, probe, probe_with_deadline,
};
pub use upload::{KubeconfigContext, UploadedKubeconfig};
