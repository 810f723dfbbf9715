//! SeaORM entities, one module per table. Repositories map them to the public domain types.

pub mod audit_events;
pub mod cluster_leases;
pub mod clusters;
pub mod deployment_revisions;
pub mod deployments;
pub mod operations;
pub mod socket_tickets;
pub mod store_locks;
pub mod users;
