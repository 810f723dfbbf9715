//! Everything that talks to Kubernetes: cluster connections, discovery, the apply engine (plan,
//! server-side apply as a dependency graph, prune, delete), watches and health rules, events and
//! pod logs. No HTTP server, no database: callers pass in what they keep (the inventory).

pub mod apply;
pub mod connect;
pub mod health;
mod object_ref;
pub mod watch;

pub use object_ref::ObjectRef;
