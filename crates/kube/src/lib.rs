//! Everything that talks to Kubernetes: cluster connections, discovery, the apply engine (plan,
//! server-side apply as a dependency graph, prune, delete), watches and health rules, events and
//! pod logs, and what a namespace holds for an import. No HTTP server, no database: callers pass
//! in what they keep (the inventory).

pub mod apply;
pub mod connect;
pub mod health;
pub mod namespace;
mod object_ref;
pub mod watch;

pub use object_ref::ObjectRef;
