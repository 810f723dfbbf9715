//! A Kubernetes API test server for tests: the real wire protocol over HTTPS, never shipped.
//!
//! [`TestCluster::start`] runs an in-process server with a generated CA and bearer-token auth
//! that behaves like kube-apiserver v1.36 where KubeChart depends on it: discovery, CRUD,
//! list/watch with resourceVersions, server-side apply with field ownership, the scale
//! subresource, validation (immutable fields included), Status errors, dry runs, namespaces,
//! quotas, garbage collection with finalizers, pod logs, simulated controllers and injectable
//! faults. The `kubechart-testcluster` binary serves the same thing for kubectl and local
//! development.

pub mod api;
pub mod auth;
mod cluster;
pub mod controllers;
pub mod defaults;
mod error;
pub mod faults;
mod gc;
mod kubeconfig;
pub mod logs;
pub mod ops;
pub mod patch;
mod quota;
pub mod rbac;
pub mod registry;
pub mod selectors;
pub mod state;
pub mod status;
pub mod store;
pub mod tls;
pub mod validate;

pub use cluster::{EventSeed, Knobs, Options, TestCluster};
pub use error::ClusterError;
pub use faults::FailRule;
pub use registry::CrdGroup;
